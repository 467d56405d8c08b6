"""Deterministic synthetic registers for the benchmarks: N providers x M activities each.

The same ``(providers, activities, seed)`` always gives byte-identical files, so
two runs (or two machines) time the same input. Field sizes follow the bundled
example and real DPAs: a provider file carries an address, contacts, a DPO, a
contract with its Art. 28(3) coverage, TOMs and a few sub-processors; an
activity has purposes, data subjects, data categories with retention,
recipients, transfers and measures, about 2 kB of YAML. A few activities are
deliberately incomplete (no purpose, transfer without mechanism, Privacy Shield,
vague retention, stale review) so that the rule catalogue has findings to report
and the documents have findings to print.

Usage::

    python benchmarks/synth.py OUT --activities 1000 [--providers 100] [--seed 7]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ropa.util.fsutil import atomic_write

_WORD_TEXT = (
    "account address analytics archive audit billing campaign cloud contact contract customer data delivery "
    "device dispatch email event export gateway identity incident invoice log marketing message mobile "
    "monitoring notification number order partner passcode payment platform profile record region request "
    "retention routing security service session storage subscriber support system ticket traffic transaction "
    "user verification vendor network operator carrier report statistics consent fraud prevention quality"
)
WORDS = _WORD_TEXT.split()
NON_EEA = ("US", "IN", "GB", "CH", "JP", "SG", "CA", "BR", "AU", "ZA")
EEA = ("DE", "FR", "NL", "IE", "SE", "PL", "ES", "IT", "AT", "FI")
TOM_KINDS = (
    "encryption",
    "confidentiality_integrity",
    "restore",
    "testing",
    "identification_authorisation",
    "transmission",
    "storage",
    "physical",
    "logging",
    "configuration",
    "governance",
    "certification",
    "minimisation",
    "quality",
    "retention",
    "accountability",
    "portability_erasure",
)
DURATIONS = ("P30D", "P90D", "P6M", "P1Y", "P2Y", "P3Y", "P7Y", "P10Y")
RECORD_DATE = dt.date(2026, 11, 1)


def default_shape(activities: int) -> tuple[int, int]:
    """Providers and activities per provider for a total: 10 -> 2x5, 100 -> 10x10, 10,000 -> 100x100."""
    providers = max(2, min(100, activities // 10))
    return providers, max(1, activities // providers)


class _Gen:
    def __init__(self, seed: int) -> None:
        self.r = random.Random(seed)

    def words(self, low: int, high: int) -> str:
        return " ".join(self.r.choice(WORDS) for _ in range(self.r.randint(low, high)))

    def sentence(self, low: int, high: int) -> str:
        text = self.words(low, high)
        return text[0].upper() + text[1:] + "."

    def date(self, start_year: int = 2022) -> dt.date:
        start = dt.date(start_year, 1, 1).toordinal()
        return dt.date.fromordinal(self.r.randint(start, RECORD_DATE.toordinal() - 1))

    def source(self) -> str:
        return f"privacy policy §{self.r.randint(1, 14)}.{self.r.randint(1, 9)}"

    def toms(self, low: int, high: int) -> list[dict[str, Any]]:
        kinds = self.r.sample(TOM_KINDS, self.r.randint(low, high))
        return [{"kind": k, "measure": self.sentence(6, 16), "source": self.source()} for k in kinds]

    def mechanism(self) -> dict[str, Any]:
        return {
            "type": "scc_2021_914",
            "modules": [2],
            "clause9_option": "general",
            "clause9_notice_period": "P30D",
            "governing_law": "IE",
            "forum": "IE",
            "evidence": {"ref": f"SCC annex {self.r.randint(1, 99)}", "date": self.date(2022).isoformat()},
            "tia": {
                "ref": f"TIA-{self.r.randint(1000, 9999)}",
                "date": self.date(2023).isoformat(),
                "outcome": "proceed-with-measures",
                "supplementary_measures": [self.sentence(4, 10) for _ in range(self.r.randint(1, 3))],
            },
            "source": self.source(),
        }

    def organisation(self) -> dict[str, Any]:
        return {
            "legal_name": "Synthetic Benchmark Retail GmbH",
            "trading_name": "Synthbench",
            "registration_number": "HRB 424242 (Amtsgericht Berlin-Charlottenburg)",
            "address": {"street": "Friedrichstraße 100", "postal_code": "10117", "city": "Berlin", "country": "DE"},
            "country": "DE",
            "contact": {"name": "Privacy team", "email": "privacy@synthbench.example", "phone": "+49 30 1234567"},
            "dpo": {"designated": True, "name": "Dr. Anna Weber", "email": "dpo@synthbench.example"},
            "eu_establishment": True,
            "lead_supervisory_authority": "Berliner Beauftragte für Datenschutz und Informationsfreiheit",
            "roles": ["controller"],
            "employees": 1200,
            "record": {"version": "2026.2", "date": RECORD_DATE.isoformat(), "title": "Synthetic benchmark record"},
            "settings": {"review_interval": "P1Y", "min_purpose_words": 4, "severity_overrides": {}, "waivers": []},
        }

    def provider(self, pid: str, index: int) -> dict[str, Any]:
        r = self.r
        country = r.choice(NON_EEA if index % 3 == 0 else EEA)
        subs = []
        sub_ids = [f"sub{n:02d}" for n in range(r.randint(2, 6))]
        for n, sid in enumerate(sub_ids):
            sub_country = r.choice(NON_EEA + EEA)
            sub: dict[str, Any] = {
                "id": sid,
                "name": f"{self.words(1, 3).title()} {r.choice(['Ltd', 'Inc.', 'GmbH', 'SAS', 'B.V.'])}",
                "country": sub_country,
                "service": self.sentence(3, 9),
                "authorisation": "general",
                "flow_down": f"DPA {r.randint(2019, 2026)}",
                "source": self.source(),
            }
            if sub_country in NON_EEA:
                sub["mechanism"] = self.mechanism()
            if n + 1 < len(sub_ids) and r.random() < 0.3:
                sub["sub_processors"] = [sub_ids[n + 1]]
            subs.append(sub)
        data: dict[str, Any] = {
            "id": pid,
            "legal_name": f"{self.words(1, 2).title()} {r.choice(['Communications', 'Cloud', 'Messaging'])} Ltd",
            "trading_name": self.words(1, 2).title(),
            "registration_number": f"REG-{r.randint(100000, 999999)}",
            "address": {
                "street": f"{r.randint(1, 400)} {self.words(1, 2).title()} Street",
                "postal_code": f"{r.randint(10000, 99999)}",
                "city": self.words(1, 1).title(),
                "country": country,
            },
            "country": country,
            "contacts": [{"name": "Privacy office", "email": f"privacy@{pid}.example", "source": self.source()}],
            "dpo": {"designated": True, "name": self.words(2, 2).title(), "email": f"dpo@{pid}.example"},
            "role": "processor",
            "service": self.sentence(3, 8),
            "documents": [
                {
                    "title": "Privacy policy",
                    "url": f"https://{pid}.example/privacy",
                    "date": self.date(2023).isoformat(),
                    "language": "en",
                },
                {"title": "Data processing agreement", "url": f"https://{pid}.example/dpa", "language": "en"},
            ],
            "contract": {
                "title": f"Data processing agreement {pid}",
                "version": f"{r.randint(1, 5)}.{r.randint(0, 9)}",
                "signed": self.date(2021).isoformat(),
                "form": "electronic",
                "based_on": "custom",
                "art28": {
                    key: {"covered": True, "section": f"§{r.randint(1, 20)}"}
                    for key in ("a", "b", "c", "d", "e", "f", "g", "h", "notice")
                },
                "subject_matter": self.sentence(5, 12),
                "duration": "For the term of the main agreement",
                "nature": self.sentence(4, 10),
            },
            "data_locations": sorted({country, *r.sample(EEA, 2)}),
            "toms": self.toms(5, 10),
            "sub_processor_authorisation": {
                "type": "general",
                "notice_period": "P30D",
                "objection_channel": f"privacy@{pid}.example",
            },
            "sub_processors": subs,
            "source": self.source(),
        }
        if country in NON_EEA:
            data["mechanisms"] = [self.mechanism()]
        if country == "US":
            data["dpf"] = {"certified": True, "checked_on": self.date(2025).isoformat(), "part": "EU-US"}
        return data

    def activity(self, pid: str, aid: str, subs: list[str]) -> dict[str, Any]:
        r = self.r
        categories = []
        for n in range(r.randint(2, 4)):
            cat: dict[str, Any] = {"id": f"c{n}", "name": self.words(2, 4)}
            if n == 0 and r.random() < 0.02:
                cat["special"] = "health"
                cat["art9_condition"] = "9.2.a"
            if r.random() < 0.4:
                cat["retention"] = {"kind": "duration", "duration": r.choice(DURATIONS), "end_action": "delete"}
            categories.append(cat)
        purposes = []
        for _ in range(r.choice((1, 1, 2))):
            basis = r.choice(["6.1.a", "6.1.b", "6.1.b", "6.1.c", "6.1.f"])
            purpose: dict[str, Any] = {"description": self.sentence(5, 12), "lawful_basis": basis}
            if basis == "6.1.a":
                purpose["consent_mechanism"] = self.sentence(5, 10)
                purpose["withdrawal_mechanism"] = self.sentence(3, 6)
            elif basis == "6.1.f":
                purpose["legitimate_interest"] = self.sentence(4, 8)
                purpose["lia"] = {"ref": f"LIA-{r.randint(100, 999)}", "date": self.date(2023).isoformat()}
            elif basis == "6.1.c":
                purpose["legal_provision"] = "§ 147 AO (German Fiscal Code)"
            if r.random() < 0.5:
                purpose["source"] = self.source()
            purposes.append(purpose)
        if r.random() < 0.03:
            purposes = []  # finding: no purpose
        recipients: list[dict[str, Any]] = [{"provider": pid, "role": "processor"}]
        if subs and r.random() < 0.5:
            recipients.append({"provider": f"{pid}/{r.choice(subs)}", "role": "sub_processor"})
        if r.random() < 0.1:
            recipients.append({"category": "tax advisers", "role": "controller", "country": "DE"})
        transfers = []
        for _ in range(r.choice((0, 0, 0, 1, 1, 2))):
            transfer: dict[str, Any] = {
                "country": r.choice(NON_EEA),
                "recipient": f"{pid}/{r.choice(subs)}" if subs else pid,
                "frequency": r.choice(["continuous", "regular", "occasional"]),
                "data_categories": sorted(r.sample([c["id"] for c in categories], r.randint(1, len(categories)))),
            }
            roll = r.random()
            if roll < 0.85:
                transfer["mechanism"] = {
                    "type": "scc_2021_914",
                    "modules": [2],
                    "evidence": {"ref": f"SCC annex {r.randint(1, 99)}"},
                }
                if r.random() < 0.3:
                    transfer["mechanism"]["tia"] = {"ref": f"TIA-{r.randint(1000, 9999)}", "outcome": "proceed"}
            elif roll < 0.93:
                transfer["mechanism"] = {"type": "privacy_shield"}  # finding
            transfers.append(transfer)  # else: no mechanism, a finding
        activity: dict[str, Any] = {
            "id": aid,
            "name": self.words(3, 6).capitalize(),
            "description": self.sentence(10, 25),
            "purposes": purposes,
            "data_subjects": [{"name": self.words(2, 4)} for _ in range(r.choice((1, 1, 2)))],
            "data_categories": categories,
            "recipients": recipients,
        }
        if transfers:
            activity["transfers"] = transfers
        activity["retention"] = {
            "kind": "duration",
            "duration": r.choice(DURATIONS),
            "trigger_event": "end of the customer relationship",
        }
        if r.random() < 0.04:
            activity["retention"] = {"statement": "as long as necessary"}  # finding: vague
        if r.random() < 0.5:
            activity["security_measures"] = self.toms(1, 2)
        activity["owner"] = f"{self.words(1, 2).title()} team"
        activity["last_reviewed"] = self.date(2024 if r.random() < 0.1 else 2026).isoformat()
        activity["source"] = self.source()
        return activity


def provider_ids(count: int) -> list[str]:
    """Ids of the providers of a synthetic register (also their file names)."""
    return [f"prov{n:04d}" for n in range(count)]


def register_files(providers: int, per_provider: int, seed: int = 7) -> Iterator[tuple[str, dict[str, Any]]]:
    """``(relative file name, data)`` of every file of the register, deterministic in ``seed``."""
    ids = provider_ids(providers)
    yield "organisation.yaml", _Gen(seed).organisation()
    for index, pid in enumerate(ids):
        gen = _Gen(seed * 1_000_003 + index)  # one stream per provider: changing one leaves the rest alone
        data = gen.provider(pid, index)
        subs = [s["id"] for s in data["sub_processors"]]
        data["activities"] = [gen.activity(pid, f"{pid}-a{n:04d}", subs) for n in range(per_provider)]
        yield f"providers/{pid}.yaml", data


def dump(data: dict[str, Any]) -> str:
    """YAML text as people write it: block mappings in model order, short lists of scalars in flow style."""
    import yaml

    base = getattr(yaml, "CSafeDumper", yaml.SafeDumper)

    class _Dumper(base):  # type: ignore[misc, valid-type]
        pass

    def _list(dumper: Any, items: list[Any]) -> Any:
        flow = all(not isinstance(i, (dict, list)) for i in items)
        return dumper.represent_sequence("tag:yaml.org,2002:seq", items, flow_style=flow)

    _Dumper.add_representer(list, _list)
    text: str = yaml.dump(
        data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=110, default_flow_style=False
    )
    return text


def write_register(root: Path, providers: int, per_provider: int, seed: int = 7) -> list[Path]:
    """Write a synthetic register into ``root`` (created); returns the files written."""
    written = []
    for rel, data in register_files(providers, per_provider, seed):
        path = root / rel
        atomic_write(path, dump(data))
        written.append(path)
    meta = {"providers": providers, "per_provider": per_provider, "seed": seed, "activities": providers * per_provider}
    atomic_write(root / ".synth.json", json.dumps(meta, sort_keys=True) + "\n")
    return written


def touch_provider(root: Path, provider_id: str) -> None:
    """Change one provider in place (its legal name, shown in its annex and both registers)."""
    path = root / "providers" / f"{provider_id}.yaml"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    for i, line in enumerate(lines):
        if line.startswith("legal_name: "):
            lines[i] = line.rstrip("\n") + " (renamed)\n"
            break
    atomic_write(path, "".join(lines))


def edit_activity(root: Path, provider_id: str) -> None:
    """Change one provider in place: reword the description of its first activity (shown in the register only)."""
    path = root / "providers" / f"{provider_id}.yaml"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    for i, line in enumerate(lines):
        if line.lstrip().startswith("description: "):
            head, _, text = line.partition("description: ")
            lines[i] = (
                f"{head}description: {text.rstrip()[:-1]} (reworded)'\n"
                if text.rstrip().endswith("'")
                else f"{head}description: {text.rstrip()} (reworded)\n"
            )
            break
    atomic_write(path, "".join(lines))


def main(argv: list[str] | None = None) -> None:
    """Command line: write one register."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--activities", type=int, default=100)
    parser.add_argument("--providers", type=int)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    providers, per = default_shape(args.activities)
    if args.providers:
        providers, per = args.providers, max(1, args.activities // args.providers)
    files = write_register(args.out, providers, per, args.seed)
    size = sum(p.stat().st_size for p in files)
    print(f"wrote {len(files)} files, {providers} x {per} activities, {size / 1e6:.1f} MB to {args.out}")


if __name__ == "__main__":
    main()
