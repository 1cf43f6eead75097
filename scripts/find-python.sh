#!/usr/bin/env bash
# Print the path of a Python >= 3.12 (3.13 preferred, as .python-version says), or explain what is missing.
set -u
candidates=()
if command -v pyenv >/dev/null 2>&1; then
  for v in 3.13 3.12; do
    p=$(pyenv prefix "$v" 2>/dev/null | tail -n 1) && [ -x "$p/bin/python3" ] && candidates+=("$p/bin/python3")
  done
fi
for name in python3.13 python3.12 python3; do
  p=$(command -v "$name" 2>/dev/null) && candidates+=("$p")
done
for p in "${candidates[@]}"; do
  if "$p" -c 'import sys, venv, ensurepip; sys.exit(0 if sys.version_info >= (3, 12) else 1)' >/dev/null 2>&1; then
    echo "$p"
    exit 0
  fi
done
echo "OneWindow needs Python 3.13 (3.12 works too) with the venv and ensurepip modules." >&2
echo "None was found on PATH or through pyenv. Install one, e.g. 'pyenv install 3.13' or your system's python3.13 and python3.13-venv packages." >&2
exit 1
