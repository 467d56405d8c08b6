#!/usr/bin/env bash
# Refresh requirements.lock: the newest versions that pyproject.toml allows, with hashes, for every
# Python and platform ropa supports. Review the diff, run scripts/test.sh, commit both.
set -euo pipefail
cd "$(dirname "$0")/.."
tools=${ROPA_TOOLS_VENV:-.venv-tools}
[ -x "$tools/bin/uv" ] || { python3 -m venv "$tools" && "$tools/bin/pip" install -q uv; }
"$tools/bin/uv" pip compile pyproject.toml --extra test --universal --python-version 3.10 \
  --generate-hashes --no-header --quiet --upgrade -o requirements.lock
echo "requirements.lock refreshed; now run: bash scripts/test.sh" >&2
