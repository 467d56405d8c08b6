#!/usr/bin/env bash
# Set up, then run the quality gates (ruff, ruff format, mypy --strict) and the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/ruff check ropa tests benchmarks scripts
.venv/bin/ruff format --check ropa tests benchmarks scripts
.venv/bin/mypy --strict ropa
.venv/bin/python -m pytest -q "$@"
