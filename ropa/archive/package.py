"""'ropa package': the auditor package, one reproducible zip with a manifest of hashes.

The package holds the documents of ``ropa build``, the validation report (PDF for
people, JSON and SARIF for tools), the normalised register the documents were
built from, the original YAML, a change log against an earlier package when asked,
a README for the auditor, ``manifest.json`` and ``SHA256SUMS``.

Reproducible: the same inputs give the same bytes. Entries are sorted, every
entry carries the document date (the record's date, or ``SOURCE_DATE_EPOCH``) and
mode 0644, and nothing inside names the clock, the host or the user's folders.
The zip is written under a temporary name, then renamed (the register PDF of a large
register is set aside on disk and copied into it in chunks, not held in memory);
a detached ``<name>.zip.sha256`` is written beside it the same way.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from ropa.check.findings import Finding, Report
from ropa.errors import RopaError
from ropa.model.common import Severity
from ropa.model.register import Register

MANIFEST = "manifest.json"
SUMS = "SHA256SUMS"
README = "README.txt"
REGISTER_JSON = "register.json"
SOURCE_DIR = "source"
REPORT_PDF = "report/validation-report.pdf"
REPORT_JSON = "report/validation-report.json"
REPORT_SARIF = "report/validation-report.sarif"
CHANGES_TEXT = "changes/changes.txt"
CHANGES_JSON = "changes/changes.json"
MANIFEST_FORMAT = "ropa-package"
FORMAT_VERSION = 1

Progress = Callable[[str], None]


class PackageRefused(RopaError):
    """The register has error-level findings and ``--allow-findings`` was not given (exit 1)."""

    exit_code = 1


class InputsChanged(RopaError):
    """A register file changed while the package was being made, so documents and sources could disagree."""


@dataclass(frozen=True)
class Since:
    """The earlier package a change log is written against."""

    name: str
    sha256: str
    data: dict[str, Any]


@dataclass
class PackageResult:
    """What was written, for the command's summary line."""

    path: Path
    sha256: str
    size: int
    members: list[str]
    report: Report
    open_findings: list[Finding] = field(default_factory=list)
    reused: list[str] = field(default_factory=list)
    """Documents taken from the build cache of the output folder instead of rendered."""
    notes: list[str] = field(default_factory=list)
    """Warnings for the person packaging, e.g. a record version not bumped since the ``--since`` package."""


# ---------------------------------------------------------------- naming and zip writing


VERSION_CHARS = 40
"""Longest version in a package name (see :func:`ropa.util.dates.bounded`): any valid register can be packaged."""


def package_name(register: Register) -> str:
    """``<organisation-slug>-ropa-<version>.zip``; the version keeps its dots; both parts bounded in length."""
    from ropa.util.dates import bounded, slug

    org = register.organisation
    version = re.sub(r"[^A-Za-z0-9.]+", "-", org.record.version).strip("-.") or "0"
    return f"{slug(org.legal_name)}-ropa-{bounded(version, VERSION_CHARS, org.record.version)}.zip"


_EMPTY_ZIP = b"PK\x05\x06" + bytes(18)
"""An archive with no entries: just the end-of-central-directory record."""


Member = bytes | Path
"""A member's content, or a large file set aside on disk (the register PDF of a large register)."""


def zip_bytes(members: Mapping[str, Member], when: dt.datetime) -> bytes:
    """A deterministic zip of ``members``: sorted names, one fixed time, mode 0644, deflated, no comment."""
    out = io.BytesIO()
    write_zip(members, when, out)
    return out.getvalue()


def write_zip(members: Mapping[str, Member], when: dt.datetime, target: IO[bytes]) -> None:
    """Write the zip of :func:`zip_bytes` to ``target``, files on disk copied chunk by chunk.

    Written by :mod:`ropa.util.zipnorm`, the same normaliser that makes the XLSX reproducible.
    """
    from ropa.util.zipnorm import Streamed, write_normalised_zip

    def chunks(path: Path) -> Iterator[bytes]:
        with open(path, "rb") as handle:
            while chunk := handle.read(1 << 20):
                yield chunk

    replace = {
        name: Streamed(data.stat().st_size, chunks(data)) if isinstance(data, Path) else data
        for name, data in members.items()
    }
    write_normalised_zip(_EMPTY_ZIP, target, when=when, replace=replace)


def sha256(data: Member) -> str:
    """Hex SHA-256 of ``data`` (a file on disk is read in chunks)."""
    if isinstance(data, bytes):
        return hashlib.sha256(data).hexdigest()
    digest = hashlib.sha256()
    with open(data, "rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _size(data: Member) -> int:
    return len(data) if isinstance(data, bytes) else data.stat().st_size


def sums_text(members: Mapping[str, Member]) -> str:
    """``sha256sum`` format (two spaces, sorted), so ``sha256sum -c SHA256SUMS`` works unchanged."""
    return "".join(f"{sha256(members[name])}  {name}\n" for name in sorted(members))


# ---------------------------------------------------------------- contents


def input_files(root: Path, register: Register) -> dict[str, bytes]:
    """The register's own files (organisation.yaml, activities/, one per provider), by register-relative path."""
    return {rel: (root / rel).read_bytes() for rel in register.files()}


def _unchanged_since_loaded(root: Path, register: Register, inputs: dict[str, bytes]) -> None:
    """Refuse to package when a register file was edited during the (long) render.

    Raises:
        InputsChanged: naming the files that differ from what was read when loading.
    """
    from ropa.load.loader import register_file_names

    now = set(register_file_names(root))
    changed = sorted(now ^ set(inputs))
    for rel in sorted(now & set(inputs)):
        try:
            same = (root / rel).read_bytes() == inputs[rel]
        except OSError:
            same = False
        if not same:
            changed.append(rel)
    if changed:
        raise InputsChanged(
            f"{root}: register files changed while the package was being made ({', '.join(changed)}); "
            "nothing was written, run it again"
        )


def error_findings(report: Report) -> list[Finding]:
    """The findings that block a package."""
    return [f for f in report.findings if f.severity is Severity.ERROR]


def _finding_line(finding: Finding) -> str:
    return f"{finding.file}:{finding.line}:{finding.column}: {finding.rule} {finding.message}"


def _wrapped(text: str, width: int = 100) -> str:
    """A list item wrapped for a plain-text reader, continuation lines indented under the text."""
    import textwrap

    return textwrap.fill(text, width, initial_indent="  ", subsequent_indent="    ", break_on_hyphens=False)


def _descriptions(register: Register, names: list[str]) -> list[tuple[str, str]]:
    """What each member is, in the order of ``names``."""
    fixed = {
        README: "this file",
        MANIFEST: "versions, dates and the SHA-256 and size of every other file and of every input file",
        SUMS: "the SHA-256 of every other file (manifest.json included), in sha256sum format",
        "register.pdf": "the record of processing activities (GDPR Art. 30), for reading and printing",
        "register.xlsx": "the same record as a spreadsheet, one row per processing activity",
        REPORT_PDF: "the validation report: every finding of the rule catalogue, for reading",
        REPORT_JSON: "the validation report as JSON, for tools",
        REPORT_SARIF: "the validation report as SARIF 2.1.0, for code-scanning tools",
        REGISTER_JSON: "the normalised register: exactly the data the documents were built from",
        CHANGES_TEXT: "what changed since the previous package, field by field",
        CHANGES_JSON: "the change log as JSON, for tools",
    }
    out = []
    for name in names:
        if name in fixed:
            out.append((name, fixed[name]))
        elif name.startswith("annexes/") and name.endswith(".review.pdf"):
            provider = register.provider(Path(name).name.removesuffix(".review.pdf"))
            who = provider.legal_name if provider else Path(name).name
            out.append((name, f"review of the record for {who}: the validation findings, not part of the annex"))
        elif name.startswith("annexes/"):
            provider = register.provider(Path(name).stem)
            who = provider.legal_name if provider else Path(name).stem
            out.append((name, f"Art. 28 annex for {who}: contract terms, transfers, sub-processors, measures"))
        elif name.startswith(f"{SOURCE_DIR}/"):
            out.append((name, "an original register file, byte for byte as it was packaged"))
        else:
            out.append((name, ""))
    return out


def readme_text(
    register: Register, report: Report, names: list[str], package: str, allowed: list[Finding], since: Since | None
) -> str:
    """The auditor's README: what the package is, whether it has open findings, each file, how to verify."""
    from ropa import __version__

    org = register.organisation
    record = org.record
    summary = report.summary()
    lines = [
        f"{org.legal_name}: record of processing activities (GDPR Art. 30)",
        f"Register version {record.version} of {record.date.isoformat()}",
        f"Package {package}, made by ropa {__version__} with rule catalogue {report.catalogue_version}",
        "",
    ]
    if allowed:
        lines += [
            "!!! PACKAGED WITH OPEN FINDINGS !!!",
            f"The register had {len(allowed)} error-level finding(s) when this package was made, and it was",
            "packaged anyway on request (--allow-findings). The record is incomplete or wrong on these points:",
            "",
            *[_wrapped(f"- {_finding_line(f)}") for f in allowed],
            "",
        ]
    lines += [
        f"Findings of the validation, as of {report.as_of}: {summary['error']} error, "
        f"{summary['warning']} warning, {summary['info']} info; {len(report.waived)} waived.",
    ]
    if since is not None:
        old = since.data.get("organisation", {}).get("record", {})
        lines.append(
            f"Changes are listed against the previous package {since.name} "
            f"(version {old.get('version', '?')} of {old.get('date', '?')}, SHA-256 {since.sha256})."
        )
    lines += ["", "WHAT EACH FILE IS", ""]
    described = _descriptions(register, names)
    width = max(len(name) for name, _ in described)
    lines += [f"  {name.ljust(width)}  {text}".rstrip() for name, text in described]
    lines += [
        "",
        "HOW TO VERIFY THIS PACKAGE",
        "",
        f"1. The archive as a whole. Its SHA-256 is in {package}.sha256, sent beside it; ask for that",
        "   value through a second channel (e-mail, ticket) and compare:",
        f"     sha256sum -c {package}.sha256            (Linux)",
        f"     shasum -a 256 -c {package}.sha256        (macOS)",
        f"     Get-FileHash -Algorithm SHA256 {package}  (Windows PowerShell)",
        "2. Every file inside, with ropa (it reads the archive without extracting it and refuses unsafe",
        "   archives):",
        f"     ropa verify {package}",
        "   Exit code 0: intact; 1: files changed, added or removed (each named); 2: not a ropa package.",
        "3. Every file inside, without ropa: extract into an empty folder, then run there",
        f"     sha256sum -c {SUMS}       (or: shasum -a 256 -c {SUMS})",
        f"   {MANIFEST} lists the same hashes with sizes, and the hashes of the input files under {SOURCE_DIR}/.",
        "",
        f"The files inside only prove their agreement with {MANIFEST} and {SUMS}; the archive's own hash,",
        "received separately, is what ties the package to its author.",
        "",
        "The package is reproducible: the same register files give a byte-identical archive, so the",
        f"author can rebuild it from {SOURCE_DIR}/ with the same ropa version to show nothing else went in.",
        "All dates inside are the register's date; no clock time or host name is recorded.",
    ]
    return "\n".join(lines) + "\n"


def manifest_data(
    register: Register,
    report: Report,
    files: Mapping[str, Member],
    inputs: dict[str, bytes],
    when: dt.datetime,
    allowed: list[Finding],
    since: Since | None,
) -> dict[str, Any]:
    """The manifest: versions, dates, findings summary, and the hash and size of every file and input.

    ``versions`` names ropa, Python and each library that shapes the bytes (:mod:`ropa.archive.provenance`), so
    ``verify`` and ``diff`` can say when a package was made with others than the running ones.
    """
    from ropa import __version__, refdata
    from ropa.archive.provenance import running_versions

    record = register.organisation.record
    data: dict[str, Any] = {
        "format": MANIFEST_FORMAT,
        "format_version": FORMAT_VERSION,
        "ropa_version": __version__,
        "rule_catalogue_version": report.catalogue_version,
        "versions": running_versions(),
        "register": {
            "organisation": register.organisation.legal_name,
            "version": record.version,
            "date": record.date.isoformat(),
        },
        "date": when.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "reference_data": {"last_verified": refdata.versions()},
        "validation": {
            "as_of": report.as_of,
            "summary": report.summary(),
            "waived": len(report.waived),
            "packaged_with_open_findings": bool(allowed),
            "open_findings": [f.to_json() for f in allowed],
        },
        "files": [{"path": n, "sha256": sha256(files[n]), "size": _size(files[n])} for n in sorted(files)],
        "inputs": [{"path": n, "sha256": sha256(inputs[n]), "size": len(inputs[n])} for n in sorted(inputs)],
        "not_listed": {MANIFEST: "cannot hold its own hash", SUMS: f"holds the hash of {MANIFEST}"},
    }
    if since is not None:
        old = since.data.get("organisation", {}).get("record", {})
        data["since"] = {
            "package": since.name,
            "sha256": since.sha256,
            "register_version": old.get("version"),
            "register_date": old.get("date"),
        }
    return data


def _report_files(report: Report, report_pdf: Member) -> dict[str, Member]:
    """The validation report as PDF (for people, rendered beforehand), JSON and SARIF (for tools)."""
    from ropa import __version__
    from ropa.report import ReportContext, get

    ctx = ReportContext(root=".", tool_version=__version__)
    return {
        REPORT_PDF: report_pdf,
        REPORT_JSON: get("json")(report, ctx).encode("utf-8"),
        REPORT_SARIF: get("sarif")(report, ctx).encode("utf-8"),
    }


def contents(
    inputs: dict[str, bytes],
    register: Register,
    report: Report,
    documents: Mapping[str, Member],
    allowed: list[Finding],
    since: Since | None,
    name: str,
    report_pdf: Member,
) -> dict[str, Member]:
    """Every member of the package, manifest and checksums included."""
    from ropa.archive.diff import compare, render_json, render_text
    from ropa.archive.normalise import register_data, register_json
    from ropa.util.dates import document_datetime

    files: dict[str, Member] = dict(documents)
    files.update(_report_files(report, report_pdf))
    files[REGISTER_JSON] = register_json(register)
    files.update({f"{SOURCE_DIR}/{rel}": data for rel, data in inputs.items()})
    if since is not None:
        log = compare(since.data, register_data(register))
        files[CHANGES_TEXT] = render_text(log).encode("utf-8")
        files[CHANGES_JSON] = render_json(log).encode("utf-8")
    names = sorted([*files, README, MANIFEST, SUMS])
    files[README] = readme_text(register, report, names, name, allowed, since).encode("utf-8")
    when = document_datetime(register)
    manifest = manifest_data(register, report, files, inputs, when, allowed, since)
    files[MANIFEST] = (json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")
    files[SUMS] = sums_text(files).encode("utf-8")
    return files


# ---------------------------------------------------------------- rendering


def render_documents(
    register: Register,
    report: Report,
    allowed: Sequence[Finding],
    workers: int | None = None,
    progress: Progress | None = None,
    cache: Any = None,
    spill: Path | None = None,
    annex_findings: bool = False,
    language: str | None = None,
) -> tuple[dict[str, Member], Member]:
    """The build's documents and the validation report PDF, rendered by the same pool.

    The documents go through :func:`ropa.produce.build.render_all`, reusing those in
    ``cache`` (a :class:`ropa.produce.cache.BuildCache`, read only here: the package never
    writes the build's cache) whose key matches; the report PDF is one more job
    there, never cached. With ``spill`` (a folder), the register PDF is set aside
    there and returned as its path (see :func:`ropa.produce.build.render_all`).

    Returns:
        The documents by package path, and the report PDF.
    """
    from ropa.produce import build

    lang = build.document_language(register, language)
    jobs = [
        *build.plan(register, set(build.KINDS), annex_findings, lang),
        build.report_job(REPORT_PDF, tuple(allowed), lang),
    ]
    documents = build.render_all(register, report, jobs, None, workers, progress, cache, spill)
    pdf = documents.pop(REPORT_PDF)
    return documents, pdf


def load_since(path: Path) -> Since:
    """Read the earlier package for ``--since``, refusing it unless it verifies.

    Raises:
        NotAPackage: when it is not an intact ropa package.
    """
    from ropa.archive.verify import read_package

    previous = read_package(path)  # one reading: the hash is of the very bytes that were verified
    return Since(path.name, previous.archive_sha256, previous.data)


def unbumped(previous: Since, register: Register) -> str | None:
    """A note when the record's version or date is the same as in the earlier package: the two packages,
    and the change log between them, could not be told apart by an auditor."""
    record = previous.data.get("organisation", {}).get("record", {})
    now = register.organisation.record
    pairs = (("version", record.get("version"), now.version), ("date", record.get("date"), now.date.isoformat()))
    same = [(what, str(old)) for what, old, new in pairs if old == new]
    if not same:
        return None
    what = " and ".join(w for w, _ in same)
    values = ", ".join(v for _, v in same)
    verb = "is" if len(same) == 1 else "are"
    return (
        f"the record {what} ({values}) {verb} the same as in {previous.name}; bump record.version and record.date "
        "in organisation.yaml for a new version of the record"
    )


def build_package(
    root: Path,
    out: Path,
    since: Path | None = None,
    allow_findings: bool = False,
    workers: int | None = None,
    progress: Progress | None = None,
    display_root: str | None = None,
    use_cache: bool = True,
    annex_findings: bool = False,
    language: str | None = None,
) -> PackageResult:
    """Validate, render and write the package of the register at ``root`` into ``out``.

    Each provider's findings go to its review document beside its annex, or inside the annex with
    ``annex_findings``. ``language`` (``--lang``) overrides ``record.language`` of the documents.

    Documents whose key matches an entry of the build cache in ``out`` (left by
    ``ropa build --out`` the same folder) are reused, not rendered: same key, same
    bytes, so the zip is the one ``use_cache=False`` makes. The cache is only read.

    Raises:
        InputError: when the register cannot be loaded.
        PackageRefused: when it has error-level findings and ``allow_findings`` is False.
        NotAPackage: when ``since`` is not an intact ropa package.
        OutputError: when the package cannot be written (nothing is left under its name).
    """
    from ropa.check.engine import load_and_check_for_documents
    from ropa.produce.cache import BuildCache
    from ropa.util.dates import document_datetime
    from ropa.util.fsutil import atomic_path, clean_stale_temps, spill_dir

    register, report = load_and_check_for_documents(root, display_root)
    errors = error_findings(report)
    if errors and not allow_findings:
        from ropa.report import ReportContext, get

        text = get("text")(report, ReportContext(root=display_root if display_root is not None else str(root)))
        raise PackageRefused(
            f"{text}refused: {len(errors)} error-level finding(s); fix them, or package anyway with --allow-findings"
        )
    previous = load_since(since) if since is not None else None
    inputs = input_files(root, register)
    cache = BuildCache(out) if use_cache else None
    name = package_name(register)
    target = out / name
    with spill_dir(out) as spill:
        documents, report_pdf = render_documents(
            register, report, errors, workers, progress, cache, spill, annex_findings, language
        )
        _unchanged_since_loaded(root, register, inputs)
        members = contents(inputs, register, report, documents, errors, previous, name, report_pdf)
        with atomic_path(target.with_name(name + ".sha256")) as side_tmp, atomic_path(target) as zip_tmp:
            with open(zip_tmp, "wb") as handle:
                write_zip(members, document_datetime(register), handle)
            digest, size = sha256(zip_tmp), zip_tmp.stat().st_size
            side_tmp.write_text(f"{digest}  {name}\n", encoding="utf-8")
    clean_stale_temps(out)
    reused = sorted({t for t in cache.hits if t in documents}) if cache is not None else []  # documents, not parts
    notes = [note] if previous is not None and (note := unbumped(previous, register)) else []
    return PackageResult(target, digest, size, sorted(members), report, errors, reused, notes)
