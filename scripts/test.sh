#!/usr/bin/env bash
# Set up, then run the whole test suite plus the linters.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/ruff check ropa tests benchmarks
.venv/bin/python -m pytest -q "$@"
