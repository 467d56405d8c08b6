#!/usr/bin/env bash
# Set up everything ropa needs on a fresh Debian/Ubuntu machine: WeasyPrint's system
# libraries and fonts, and LibreOffice Calc with Carlito (Calibri's metrics) for the tests that
# print the XLSX register (when run as root), then a virtual environment in .venv with the exact
# versions of requirements.lock (hash-checked) and ropa itself in editable mode. Safe to run again:
# a .venv already made from the same lock is left as it is.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(
  libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 libharfbuzz0b fontconfig
  fonts-dejavu-core fonts-noto-core fonts-noto-cjk poppler-utils
  libreoffice-calc-nogui fonts-crosextra-carlito
)
missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "setup: installing ${missing[*]}" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "setup: please install these Debian packages first: ${missing[*]}" >&2
  fi
fi

PY=${PYTHON:-python3}
LOCK=${ROPA_LOCK:-requirements.lock}
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
stamp=".venv/.ropa-lock.sha256"
want="$(sha256sum "$LOCK" pyproject.toml | sha256sum | cut -d' ' -f1)"
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  pip=(.venv/bin/python -m pip install -q --disable-pip-version-check)
  "${pip[@]}" --require-hashes -r "$LOCK"
  # ropa itself: its dependencies are all in the lock, and the build backend too (no isolated build).
  "${pip[@]}" --no-deps --no-build-isolation -e .
  echo "$want" >"$stamp"
fi
