"""CI conventions, checked against what the consumers themselves define.

- ``--format junit`` validates against the Jenkins ``junit-10.xsd`` (``tests/data/``) with xmlschema, and
  the old output (with ``file``/``line`` on test cases) is shown to fail it, so the check can bite;
- ``--format sarif`` validates against the OASIS SARIF 2.1.0 JSON Schema; every rule's ``helpUri`` is an
  absolute URL to an anchor that exists in docs/rules.md; each run has ``automationDetails``;
- ``--format github`` appends a Markdown job summary to ``$GITHUB_STEP_SUMMARY``;
- ``.pre-commit-hooks.yaml``, ``action.yml`` and the examples in ``docs/ci/`` parse, and every ropa command
  they run is one the CLI accepts (parsed by click itself, options and choices included).
"""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import click
import jsonschema
import pytest
import xmlschema
import yaml
from click.testing import CliRunner
from reporters_stream.conftest import HOSTILE, hostile_report

from ropa.check.findings import Report
from ropa.check.rules import catalogue
from ropa.cli import main
from ropa.report import ReportContext, get
from ropa.report.job_summary import SHOWN, cell, markdown
from ropa.report.sarif import RULES_DOC_URI, automation_id

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data"
EXAMPLE = "examples/sms-providers"
AS_OF = "2026-11-20"
CTX = ReportContext(root="registers/main", tool_version="9.9.9")


@pytest.fixture(scope="module")
def junit_schema() -> xmlschema.XMLSchema:
    return xmlschema.XMLSchema(DATA / "jenkins-junit-10.xsd")


@pytest.fixture(scope="module")
def sarif_validator() -> jsonschema.protocols.Validator:
    schema = json.loads((DATA / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    validator: jsonschema.protocols.Validator = cls(schema)
    return validator


def _validate_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[bytes]:
    """``ropa validate ...`` as a user runs it: the installed command in a fresh process, from the repository."""
    ropa = Path(sys.executable).with_name("ropa")
    command = [str(ropa)] if ropa.exists() else [sys.executable, "-m", "ropa"]
    return subprocess.run(
        [*command, "validate", *args, "--as-of", AS_OF], cwd=ROOT, env=env, capture_output=True, timeout=120
    )


def _example(fmt: str) -> str:
    done = _validate_cli(EXAMPLE, "--format", fmt, "--fail-on", "never")
    assert done.returncode == 0, done.stderr
    return done.stdout.decode("utf-8")


# --------------------------------------------------------------------------------------------- JUnit


def test_junit_of_the_example_register_validates_against_the_jenkins_schema(
    junit_schema: xmlschema.XMLSchema,
) -> None:
    text = _example("junit")
    junit_schema.validate(text)
    root = ET.fromstring(text.encode("utf-8"))
    failures = list(root.iter("failure"))
    assert len(failures) > 50
    # The location the schema has no attribute for leads every failure message and text.
    where = re.compile(
        r"^examples/sms-providers/(organisation|(providers|activities)/[a-z0-9-]+)\.yaml:[0-9]+:[0-9]+: "
    )
    assert all(where.match(f.get("message", "")) and where.match(f.text or "") for f in failures)
    assert all(c.get("file") is None and c.get("line") is None for c in root.iter("testcase"))


@pytest.mark.parametrize("size", [0, 7, 600])
def test_junit_of_hostile_reports_validates(junit_schema: xmlschema.XMLSchema, size: int) -> None:
    """Waived (skipped), info (system-out), pseudo and unknown rules, control characters, repeated names."""
    report = hostile_report(size)
    text = get("junit")(report, CTX)
    junit_schema.validate(text)
    root = ET.fromstring(text.encode("utf-8"))
    (suite,) = root
    assert int(suite.get("skipped", "-1")) == len(report.waived) == len(list(root.iter("skipped")))

    def lines(text: str | None) -> str:  # XML parsers turn CR LF and CR in element text into LF
        return (text or "").replace("\r\n", "\n").replace("\r", "\n")

    # The waiver as message (Jenkins shows it) and as text (GitLab shows only the text).
    assert all(lines(s.text) == lines(s.get("message")) != "" for s in root.iter("skipped"))
    info_cases = [c for c in root.iter("testcase") if c.find("system-out") is not None and len(c) == 1]
    assert all(re.match(r"^[^\n]+:[0-9]+:[0-9]+: info ", c.findtext("system-out", "")) for c in info_cases)
    assert (size == 0) or info_cases


def test_the_schema_rejects_the_old_junit_attributes(junit_schema: xmlschema.XMLSchema) -> None:
    """What ropa once wrote (file/line on test cases, skipped on testsuites) fails: the check is not vacuous."""
    root = ET.fromstring(get("junit")(hostile_report(7), CTX).encode("utf-8"))
    root.set("skipped", "1")
    case = next(root.iter("testcase"))
    case.set("file", "providers/x.yaml")
    case.set("line", "3")
    old = ET.tostring(root, encoding="unicode")
    errors = [str(e) for e in junit_schema.iter_errors(old)]
    assert errors
    assert any("'file'" in e for e in errors) and any("'skipped'" in e for e in errors)


# --------------------------------------------------------------------------------------------- SARIF


def _doc_anchors() -> Counter[str]:
    """The anchors GitHub makes for docs/rules.md's headings (code blocks skipped), with how often each occurs."""
    anchors: Counter[str] = Counter()
    fenced = False
    for line in (ROOT / "docs" / "rules.md").read_text(encoding="utf-8").splitlines():
        if line.startswith("```"):
            fenced = not fenced
        elif not fenced and (match := re.match(r"^#{1,6} (.+?)\s*$", line)):
            anchors[re.sub(r"[^\w\- ]", "", match[1].lower()).replace(" ", "-")] += 1
    return anchors


def test_every_rule_links_to_an_anchor_that_exists_in_docs_rules_md() -> None:
    anchors = _doc_anchors()
    assert anchors["a30-1-a-controller-completenesscontroller"] == 1
    for rule in catalogue().values():
        report = Report(
            findings=[f for f in hostile_report(len(catalogue()) * 3).findings if f.rule == rule.id][:1],
            as_of=AS_OF,
            catalogue_version="t",
        )
        (descriptor,) = json.loads(get("sarif")(report, CTX))["runs"][0]["tool"]["driver"]["rules"]
        base, _, fragment = descriptor["helpUri"].partition("#")
        assert base == RULES_DOC_URI
        assert anchors[fragment] == 1, f"{rule.id}: no single heading gives the anchor #{fragment}"


def test_help_uri_is_in_the_repository_the_project_names() -> None:
    tomllib = pytest.importorskip("tomllib")  # Python 3.11+
    urls = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"].get("urls", {})
    source = urls.get("Source") or urls.get("Repository")
    assert source, "pyproject.toml [project.urls] needs Source: the SARIF helpUri links into it"
    assert f"{source.rstrip('/')}/blob/main/docs/rules.md" == RULES_DOC_URI
    parts = urlsplit(RULES_DOC_URI)
    assert parts.scheme == "https" and parts.netloc, "SARIF wants helpUri as an absolute URI"


def test_sarif_of_the_example_register_validates_against_the_oasis_schema(
    sarif_validator: jsonschema.protocols.Validator,
) -> None:
    log = json.loads(_example("sarif"))
    sarif_validator.validate(log)
    (run,) = log["runs"]
    assert run["automationDetails"] == {"id": "ropa/validate/examples/sms-providers/"}
    rules = run["tool"]["driver"]["rules"]
    assert len(rules) > 10 and all(r["helpUri"].startswith(RULES_DOC_URI + "#") for r in rules)


@pytest.mark.parametrize("size", [0, 7, 600])
def test_sarif_of_hostile_reports_validates(sarif_validator: jsonschema.protocols.Validator, size: int) -> None:
    report = hostile_report(size)
    log = json.loads(get("sarif")(report, CTX).encode("utf-8", "replace"))
    sarif_validator.validate(log)
    rules = log["runs"][0]["tool"]["driver"]["rules"]
    unknown = [r for r in rules if r["id"] not in catalogue()]
    assert (size < 100) or unknown, "ids outside the catalogue must be covered"
    assert all(r["helpUri"] == RULES_DOC_URI for r in unknown)


def test_the_sarif_schema_is_not_vacuous(sarif_validator: jsonschema.protocols.Validator) -> None:
    log = json.loads(get("sarif")(hostile_report(7), CTX))
    run = log["runs"][0]
    for broken in (
        {**log, "version": "2.0.0"},
        {**log, "runs": [{**run, "automationDetails": {"id": 7}}]},
        {**log, "runs": [{**run, "results": [{**run["results"][0], "level": "fatal"}]}]},
        {**log, "runs": [{**run, "tool": {"driver": {**run["tool"]["driver"], "rulez": []}}}]},
    ):
        with pytest.raises(jsonschema.ValidationError):
            sarif_validator.validate(broken)


@pytest.mark.parametrize(
    ("root", "expected"),
    [
        (".", "ropa/validate/"),
        ("./", "ropa/validate/"),
        ("register", "ropa/validate/register/"),
        ("./registers/eu/", "ropa/validate/registers/eu/"),
        ("registers\\eu", "ropa/validate/registers/eu/"),
        ("/home/runner/work/x/x/register", "ropa/validate/register/"),
        ("C:\\work\\register\\", "ropa/validate/register/"),
    ],
)
def test_automation_id_names_the_register_not_the_machine(root: str, expected: str) -> None:
    assert automation_id(root) == expected
    run = json.loads(get("sarif")(hostile_report(3), ReportContext(root=root)))["runs"][0]
    assert run["automationDetails"]["id"] == expected


# --------------------------------------------------------------------------------------- job summary


def test_github_format_appends_a_job_summary(tmp_path: Path) -> None:
    summary = tmp_path / "step_summary.md"
    summary.write_text("## Earlier step output\n", encoding="utf-8")
    env = {**os.environ, "GITHUB_STEP_SUMMARY": str(summary)}
    done = _validate_cli(EXAMPLE, "--format", "github", env=env)
    assert done.returncode == 1, done.stderr  # the example has errors; the summary is written all the same
    assert done.stderr == b""
    plain = _validate_cli(
        EXAMPLE, "--format", "github", env={k: v for k, v in env.items() if k != "GITHUB_STEP_SUMMARY"}
    )
    assert done.stdout == plain.stdout, "the annotations themselves are unchanged"

    text = summary.read_text(encoding="utf-8")
    assert text.startswith("## Earlier step output\n\n### ropa validate examples\\/sms\\-providers\n")
    findings = json.loads(_example("json"))["findings"]
    counts = Counter(f["severity"] for f in findings)
    assert f"**{counts['error']} error(s)**, {counts['warning']} warning(s), {counts['info']} info" in text
    for severity in ("error", "warning", "info"):
        assert f"\n| {severity} | {counts[severity]} |\n" in text
    for rule in {f["rule"] for f in findings}:
        by = Counter(f["severity"] for f in findings if f["rule"] == rule)
        assert f"\n| {cell(rule)} | {by['error']} | {by['warning']} | {by['info']} |\n" in text
    listed = [line for line in text.splitlines() if line.startswith("| examples")]
    ordered = sorted((f for f in findings if f["severity"] != "info"), key=lambda f: f["severity"] != "error")
    assert len(listed) == min(SHOWN, len(ordered))
    for line, finding in zip(listed, ordered, strict=False):
        where = cell(f"{finding['file']}:{finding['line']}")  # JSON gives the path as shown
        assert line.startswith(f"| {where} | {finding['severity']} | {cell(finding['rule'])} | ")
    assert f"{len(findings) - len(listed)} more finding(s) not listed" in text

    again = _validate_cli(EXAMPLE, "--format", "github", env=env)
    assert again.returncode == 1
    assert summary.read_text(encoding="utf-8") == text + "\n" + text[len("## Earlier step output\n\n") :]


def test_other_formats_and_an_unset_variable_write_no_summary(tmp_path: Path) -> None:
    summary = tmp_path / "step_summary.md"
    env = {**os.environ, "GITHUB_STEP_SUMMARY": str(summary)}
    assert _validate_cli(EXAMPLE, "--format", "sarif", "--fail-on", "never", env=env).returncode == 0
    assert not summary.exists()
    env["GITHUB_STEP_SUMMARY"] = ""
    assert _validate_cli(EXAMPLE, "--format", "github", "--fail-on", "never", env=env).returncode == 0
    assert list(tmp_path.iterdir()) == []


def test_a_summary_that_cannot_be_written_is_one_line_and_exit_2(tmp_path: Path) -> None:
    env = {**os.environ, "GITHUB_STEP_SUMMARY": str(tmp_path)}  # a folder
    done = _validate_cli(EXAMPLE, "--format", "github", "--fail-on", "never", env=env)
    assert done.returncode == 2
    (line,) = done.stderr.decode().splitlines()
    assert line.startswith(f"{tmp_path}: cannot append the job summary") and "Traceback" not in line


def test_summary_markdown_cannot_be_broken_by_hostile_text() -> None:
    report = hostile_report(30)
    text = markdown(report, ReportContext(root="reg|<b>[x](javascript:alert(1))"))
    assert "\x1b" not in text and "\r" not in text and "\u2028" not in text and "\ud800" not in text
    tables = re.findall(r"(?m)(?:^\|.*\n)+", text)
    assert len(tables) == 3
    for table in tables:  # every cell boundary is a bare "|", so each row has its header's cells; user text escapes
        widths = {len(re.split(r"(?<!\\)\|", row)) for row in table.splitlines()}
        assert len(widths) == 1, table
    assert "<b>" not in text and "](" not in text
    assert cell(HOSTILE).count("\n") == 0 and "\\|" not in cell("a b") and cell("a|b") == "a\\|b"
    assert len(cell("x" * 1000)) < 400


# -------------------------------------------------------------------------------- CI configuration files


def _accepts(args: list[str]) -> None:
    """Parse ``ropa CMD ...`` as the CLI would, without running it: unknown commands, options or choices fail."""
    assert args[0] == "ropa" and len(args) > 1, args
    with click.Context(main, info_name="ropa") as parent:
        command = main.get_command(parent, args[1])
        if command is None:
            raise click.UsageError(f"no command {args[1]!r}")
        with command.make_context(args[1], list(args[2:]), parent=parent):
            pass


def _ropa_commands(script: str, env: dict[str, str]) -> list[list[str]]:
    """Every ``ropa`` command line in a shell script, with ``$VARS`` replaced by the values given."""
    commands = []
    for line in script.replace("\\\n", " ").splitlines():
        for part in re.split(r"&&|\|\||;", line.split(" #")[0]):
            words = shlex.split(re.sub(r"\$\{?(\w+)\}?", lambda m: env.get(m[1], m[0]), part))
            if words and words[0] == "ropa":
                commands.append(words)
    return commands


def _yaml(path: str) -> Any:
    return yaml.safe_load((ROOT / path).read_text(encoding="utf-8"))


def test_pre_commit_hook_runs_a_real_ropa_command() -> None:
    (hook,) = _yaml(".pre-commit-hooks.yaml")
    assert hook["id"] == "ropa-validate" and hook["name"] and hook["language"] == "python"
    assert hook["pass_filenames"] is False
    files = re.compile(hook["files"])
    assert files.search("register/organisation.yaml") and files.search("providers/a.yml")
    assert not files.search("README.md") and not files.search("a.yaml.bak")
    entry = shlex.split(hook["entry"])
    assert entry == ["ropa", "validate"]
    _accepts([*entry, "register", "--fail-on", "warning"])
    ropa = Path(sys.executable).with_name("ropa")
    command = [str(ropa)] if ropa.exists() else [sys.executable, "-m", "ropa"]
    helped = subprocess.run([*command, *entry[1:], "--help"], capture_output=True, timeout=60)
    assert helped.returncode == 0 and b"REGISTER" in helped.stdout
    ran = subprocess.run([*command, *entry[1:], EXAMPLE], cwd=ROOT, capture_output=True, timeout=120)
    assert ran.returncode == 1 and b" error A" in ran.stdout, "the hook blocks a commit on error findings"


def test_action_is_a_composite_that_runs_real_commands() -> None:
    action = _yaml("action.yml")
    assert action["runs"]["using"] == "composite" and action["name"]
    inputs = action["inputs"]
    defaults = {name: str(spec.get("default", "")) for name, spec in inputs.items()}
    steps = action["runs"]["steps"]
    text = (ROOT / "action.yml").read_text(encoding="utf-8")
    used = set(re.findall(r"inputs\.([\w-]+)", text))
    assert used <= set(inputs), f"undeclared inputs {used - set(inputs)}"
    commands = []
    for step in steps:
        if "run" in step:
            assert step["shell"] == "bash"
            assert "${{" not in step["run"], "inputs reach scripts through env, never pasted into the script"
            env = {
                k: re.sub(r"\$\{\{ inputs\.([\w-]+) \}\}", lambda m: defaults[m[1]], v) for k, v in step["env"].items()
            }
            commands += _ropa_commands(step["run"], env)
    for command in commands:
        _accepts(command)
    formats = [c[c.index("--format") + 1] for c in commands]
    assert formats == ["sarif", "github"]
    assert any(s.get("uses", "").startswith("github/codeql-action/upload-sarif@") for s in steps)
    assert commands[-1][-2:] == ["--fail-on", "error"], "the last step is the gate"


def test_github_workflow_example_validates_uploads_sarif_summarises_and_keeps_the_package() -> None:
    workflow = _yaml("docs/ci/github-workflow.yml")
    assert "pull_request" in workflow[True]  # PyYAML reads the key "on" as True
    jobs = workflow["jobs"]
    assert jobs["validate"]["permissions"]["security-events"] == "write"
    steps = [step for job in jobs.values() for step in job["steps"]]
    runs = [step["run"] for step in steps if "run" in step]
    commands = [c for run in runs for c in _ropa_commands(run, {})]
    for command in commands:
        _accepts([c.replace("*", "x") for c in command])
    verbs = [c[1] for c in commands]
    assert verbs == ["validate", "validate", "package", "verify"]
    sarif, github = commands[0], commands[1]
    assert sarif[sarif.index("--format") + 1] == "sarif" and github[github.index("--format") + 1] == "github"
    upload = next(s for s in steps if s.get("uses", "").startswith("github/codeql-action/upload-sarif@"))
    assert upload["with"]["sarif_file"] == sarif[sarif.index("--output") + 1]
    artefact = next(s for s in steps if s.get("uses", "").startswith("actions/upload-artifact@"))
    package = commands[2]
    assert artefact["with"]["path"].split()[0].startswith(package[package.index("--out") + 1] + "/")


def test_gitlab_example_hands_the_junit_report_to_gitlab() -> None:
    config = _yaml("docs/ci/gitlab-ci.yml")
    job = config["ropa-validate"]
    commands = [c for line in job["script"] for c in _ropa_commands(line, {})]
    for command in commands:
        _accepts(command)
    junit = next(c for c in commands if "--format" in c and c[c.index("--format") + 1] == "junit")
    assert job["artifacts"]["reports"]["junit"] == junit[junit.index("--output") + 1]
    assert job["artifacts"]["when"] == "always", "the report must reach GitLab when the gate fails"
    package = config["ropa-package"]
    for command in (c for line in package["script"] for c in _ropa_commands(line, {})):
        _accepts([c.replace("*", "x") for c in command])


def test_readme_shows_pre_commit_the_action_and_gitlab() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Using it in CI") :]
    section = section[: section.index("\n## ", 3)]
    assert "id: ropa-validate" in section and "uses: gdpr-ropa/ropa@" in section
    for path in ("docs/ci/github-workflow.yml", "docs/ci/gitlab-ci.yml", ".pre-commit-hooks.yaml", "action.yml"):
        assert path in section and (ROOT / path).is_file()
    snippets = re.findall(r"```yaml\n(.*?)```", section, re.DOTALL)
    assert snippets
    for snippet in snippets:
        yaml.safe_load(snippet)
        for command in _ropa_commands(snippet.replace("- run: ", "").replace("    - ", ""), {}):
            _accepts(command)


def test_cli_runner_accepts_what_the_parser_helper_accepts() -> None:
    """The helper above is no weaker than the CLI: what it refuses, ropa refuses with exit 2."""
    for bad in (["ropa", "validate", "--format", "xml"], ["ropa", "validat"], ["ropa", "validate", "--nope"]):
        with pytest.raises(click.UsageError):
            _accepts(bad)
        assert CliRunner().invoke(main, bad[1:]).exit_code == 2
