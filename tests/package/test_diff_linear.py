"""The linear matching of ``ropa diff`` pairs exactly as the per-item scan it replaced, and stays linear."""

from __future__ import annotations

import time
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from ropa.archive.diff import Item, _match, compare

Data = dict[str, Any]


def scan_match(old: list[Item], new: list[Item]) -> list[tuple[str, Data | None, Data | None]]:
    """The matching as it was: one scan of the other side per item (quadratic), kept here as the oracle."""
    pairs: list[tuple[str, Data | None, Data | None]] = []
    new_left = list(new)
    old_left: list[Item] = []
    for key, anchor, data in old:
        hit = next((i for i, item in enumerate(new_left) if item[0] == key), None)
        if hit is None:
            old_left.append((key, anchor, data))
        else:
            pairs.append((key, data, new_left.pop(hit)[2]))
    for key, anchor, data in old_left:
        hit = next((i for i, item in enumerate(new_left) if anchor and item[1] == anchor), None)
        if hit is None:
            pairs.append((key, data, None))
        else:
            new_key, _, new_data = new_left.pop(hit)
            pairs.append((new_key, data, new_data))
    pairs.extend((key, None, data) for key, _, data in new_left)
    return pairs


def items(prefix: str) -> st.SearchStrategy[list[Item]]:
    """Few distinct keys and anchors, so repeats, shared anchors and empty anchors all occur."""
    one = st.tuples(st.sampled_from("abcde"), st.sampled_from(["", "x", "y"]), st.integers(0, 3))
    return st.lists(one, max_size=12).map(
        lambda rows: [(key, anchor, {"side": prefix, "n": n, "at": i}) for i, (key, anchor, n) in enumerate(rows)]
    )


@settings(max_examples=300, deadline=None)
@given(old=items("old"), new=items("new"))
def test_pairs_are_those_of_the_scan(old: list[Item], new: list[Item]) -> None:
    assert _match(old, new) == scan_match(old, new)


def register(ids: list[str]) -> Data:
    activities = [{"id": i, "name": i, "transfers": [{"country": "US", "recipient": "p"}]} for i in ids]
    return {"format": "ropa-register", "providers": [{"id": "p", "activities": activities}]}


def test_renumbering_every_id_costs_time_linear_in_the_ids() -> None:
    """Every id changed is the scan's worst case (each item read the whole other side): now 10x ids, ~10x time."""

    def seconds(n: int) -> float:
        old, new = register([f"a{i}" for i in range(n)]), register([f"b{i}" for i in range(n)])
        best = float("inf")
        for _ in range(3):
            started = time.perf_counter()
            log = compare(old, new)
            best = min(best, time.perf_counter() - started)
        assert log.summary() == {"added": n, "removed": n, "changed": 0}
        return best

    small, large = seconds(1_000), seconds(10_000)
    assert large < 30 * small, f"1,000 ids {small:.3f} s, 10,000 ids {large:.3f} s: not linear"
