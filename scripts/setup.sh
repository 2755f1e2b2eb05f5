#!/usr/bin/env bash
# Set up everything Assist needs on a fresh machine; safe to run again (skips what is done).
#   scripts/setup.sh          Python venv + Debian packages for running the service
#   scripts/setup.sh --test   ... plus what the tests need (Chromium, axe-core, PostgreSQL)
set -euo pipefail
cd "$(dirname "$0")/.."
want_test=0
[ "${1:-}" = "--test" ] && want_test=1

say() { printf '\033[1m== %s\033[0m\n' "$*"; }

# --- Debian packages -----------------------------------------------------------------
need=(espeak-ng sox)
[ $want_test = 1 ] && need+=(chromium chromium-driver postgresql nginx)
missing=()
for pkg in "${need[@]}"; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    say "Installing Debian packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null
    apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "Assist needs these packages, which are not installed: ${missing[*]}" >&2
    echo "Install them as root (Debian/Ubuntu: sudo apt-get install ${missing[*]}) and run again." >&2
    exit 1
  fi
fi

# --- Python virtual environment ------------------------------------------------------
PY=${PYTHON:-python3}
if ! "$PY" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
  for cand in python3.13 python3.12 python3.11; do
    command -v "$cand" >/dev/null && PY=$cand && break
  done
fi
"$PY" -c 'import sys; sys.exit(sys.version_info < (3, 11))' || {
  echo "Assist needs Python 3.11 or newer (found $("$PY" --version 2>&1))." >&2; exit 1; }
if [ ! -x .venv/bin/python ]; then
  say "Creating .venv with $("$PY" --version)"
  "$PY" -m venv .venv
fi
# `make run` needs only the service's packages; the test tools (and the 250 MB speech model
# the speech tests use) are installed for `make test`, so a fresh clone answers sooner.
stamp=".venv/.assist-installed"
hash=$(sha256sum pyproject.toml | cut -c1-16)
have=$(cat "$stamp" 2>/dev/null || true)
if [ $want_test = 1 ]; then extras="[dev]"; else extras=""; fi
if [ "$have" != "$hash$extras" ] && [ "$have" != "$hash[dev]" ]; then
  say "Installing Python packages into .venv${extras:+ (with the test tools)}"
  started=$(date +%s)
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -e ".$extras"
  echo "$hash$extras" > "$stamp"
  echo "Installed in $(( $(date +%s) - started )) s"
fi

# --- axe-core for accessibility tests (pinned in tests/axe, from the npm registry) --------
if [ $want_test = 1 ] && [ ! -f tests/axe/node_modules/axe-core/axe.min.js ]; then
  if command -v npm >/dev/null; then
    say "Installing axe-core"
    npm ci --silent --no-audit --no-fund --prefix tests/axe >/dev/null
  else
    echo "npm is needed to install axe-core for the accessibility tests." >&2; exit 1
  fi
fi
say "Set-up done"
