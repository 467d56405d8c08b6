#!/usr/bin/env bash
# Run the test suite against the LOWEST versions pyproject.toml allows (--lowest) or the NEWEST ones
# released (--newest), each in its own virtual environment (.venv-lowest, .venv-newest), so that the
# ranges people get from `pip install gdpr-ropa` are ones the suite has passed on. Not part of CI.
set -euo pipefail
cd "$(dirname "$0")/.."
case "${1:-}" in
  --lowest) mode=lowest; resolution=lowest-direct ;;
  --newest) mode=newest; resolution=highest ;;
  *) echo "usage: scripts/test-bounds.sh --lowest|--newest [pytest args]" >&2; exit 2 ;;
esac
shift
bash scripts/setup.sh >/dev/null # system libraries, and .venv for uv
tools=${ROPA_TOOLS_VENV:-.venv-tools}
[ -x "$tools/bin/uv" ] || { python3 -m venv "$tools" && "$tools/bin/pip" install -q uv; }
venv=".venv-$mode"
rm -rf "$venv"
python3 -m venv "$venv"
reqs="$venv/requirements.txt"
"$tools/bin/uv" pip compile pyproject.toml --extra test --resolution "$resolution" --no-header --quiet -o "$reqs"
"$venv/bin/python" -m pip install -q --disable-pip-version-check -r "$reqs"
"$venv/bin/python" -m pip install -q --disable-pip-version-check --no-deps --no-build-isolation -e .
echo "== $mode versions:" >&2
grep -iE '^(pydantic|pyyaml|click|jinja2|weasyprint|openpyxl|pikepdf)==' "$reqs" | tr '\n' ' ' >&2
echo >&2
"$venv/bin/python" -m pytest -q -p no:cacheprovider "$@"
