"""Reproducible zip rewriting: same entries in, same bytes out, whatever the times, order and modes."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Iterator

from ropa.util.zipnorm import Streamed, entry_order, normalise_zip, zip_time


def _zip(entries: list[tuple[str, bytes]], when: tuple[int, int, int, int, int, int], mode: int) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in entries:
            info = zipfile.ZipInfo(name, date_time=when)
            info.external_attr = mode << 16
            info.extra = b""
            info.comment = b"made by hand"
            z.writestr(info, data)
    return out.getvalue()


ENTRIES = [("b.txt", b"bee\r\n"), ("dir/", b""), ("a.xml", b"<a>\r</a>"), ("[Content_Types].xml", b"<Types/>")]


def test_same_content_gives_same_bytes_whatever_times_order_and_modes() -> None:
    one = _zip(ENTRIES, (2020, 1, 2, 3, 4, 5), 0o100600)
    two = _zip(list(reversed(ENTRIES)), (2024, 6, 7, 8, 9, 10), 0o100777)
    assert one != two
    when = dt.datetime(2026, 11, 1, tzinfo=dt.timezone.utc)
    assert normalise_zip(one, when=when) == normalise_zip(two, when=when)
    fixed = normalise_zip(one, when=when)
    assert normalise_zip(fixed, when=when) == fixed  # idempotent
    with zipfile.ZipFile(io.BytesIO(fixed)) as z:
        assert z.namelist() == sorted(n for n, _ in ENTRIES)
        for info in z.infolist():
            assert info.date_time == (2026, 11, 1, 0, 0, 0)
            assert info.comment == b"" and info.extra == b""
            assert info.create_system == 3
            if info.is_dir():
                assert info.external_attr >> 16 == 0o40755
            else:
                assert info.external_attr >> 16 == 0o100644
                assert z.read(info) == dict(ENTRIES)[info.filename]


def test_order_first_replace_and_filters() -> None:
    source = _zip(ENTRIES, (2020, 1, 1, 0, 0, 0), 0o100644)
    out = normalise_zip(
        source,
        order="keep",
        first=("[Content_Types].xml", "missing.txt"),
        replace={"b.txt": b"replaced\r", "new.txt": b"added"},
        filters=[("*.xml", lambda chunk: chunk.replace(b"\r", b"&#13;"))],
    )
    with zipfile.ZipFile(io.BytesIO(out)) as z:
        assert z.namelist() == ["[Content_Types].xml", "b.txt", "dir/", "a.xml", "new.txt"]
        assert z.read("a.xml") == b"<a>&#13;</a>"  # filtered
        assert z.read("b.txt") == b"replaced\r"  # not matched by the filter
        assert z.read("new.txt") == b"added"
        assert {i.date_time for i in z.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    assert entry_order(["c", "a", "b"], "sorted", first=["b"]) == ["b", "a", "c"]


def test_large_entries_are_streamed_through_the_filter_intact() -> None:
    payload = (b"line\r\n" * 600_000) + b"end"  # 3.6 MB: several read chunks
    out = normalise_zip(_zip([("big.xml", payload)], (2021, 1, 1, 0, 0, 0), 0o100644), filters=[("*.xml", bytes.upper)])
    with zipfile.ZipFile(io.BytesIO(out)) as z:
        assert z.read("big.xml") == payload.upper()
        assert z.testzip() is None


def test_zip_time_clamps_to_the_dos_range_and_even_seconds() -> None:
    assert zip_time(None) == (1980, 1, 1, 0, 0, 0)
    assert zip_time(dt.datetime(1970, 1, 1)) == (1980, 1, 1, 0, 0, 0)
    assert zip_time(dt.datetime(2200, 1, 1)) == (2107, 12, 31, 23, 59, 58)
    assert zip_time(dt.datetime(2026, 11, 1, 12, 0, 7)) == (2026, 11, 1, 12, 0, 6)
    berlin = dt.timezone(dt.timedelta(hours=1))
    assert zip_time(dt.datetime(2026, 11, 1, 1, 0, 0, tzinfo=berlin)) == (2026, 11, 1, 0, 0, 0)


def test_streamed_replacements_are_read_once_and_written_like_bytes() -> None:
    source = _zip(ENTRIES, (2020, 1, 1, 0, 0, 0), 0o100644)
    pulled: list[int] = []

    def chunks() -> Iterator[bytes]:
        for n in range(3):
            pulled.append(n)
            yield b"<x>\r" * (n + 1)

    streamed = normalise_zip(
        source,
        replace={"a.xml": Streamed(24, chunks())},
        filters=[("*.xml", lambda chunk: chunk.replace(b"\r", b"&#13;"))],
    )
    assert pulled == [0, 1, 2]
    whole = normalise_zip(
        source, replace={"a.xml": b"<x>\r" * 6}, filters=[("*.xml", lambda chunk: chunk.replace(b"\r", b"&#13;"))]
    )
    with zipfile.ZipFile(io.BytesIO(streamed)) as z:
        assert z.read("a.xml") == b"<x>&#13;" * 6
        assert z.testzip() is None
    with zipfile.ZipFile(io.BytesIO(whole)) as z:
        assert z.read("a.xml") == b"<x>&#13;" * 6
