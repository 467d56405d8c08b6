#!/usr/bin/env bash
# Set up, then validate, build and package the bundled example register into output/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/ropa validate examples/sms-providers --fail-on never
.venv/bin/ropa build examples/sms-providers --out output
if .venv/bin/ropa --help | grep -q package; then
  .venv/bin/ropa package examples/sms-providers --out output --allow-findings
fi
ls -R output
