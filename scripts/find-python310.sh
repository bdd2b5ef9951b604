#!/usr/bin/env bash
# Print the path of a Python 3.10 interpreter for the Rasa environment, or fail
# with a message saying how to get one. Rasa Open Source 3.6 does not install on 3.11+.
set -euo pipefail

candidates=()
[ -n "${RASA_PYTHON:-}" ] && candidates+=("$RASA_PYTHON")
candidates+=(python3.10)
if command -v pyenv >/dev/null 2>&1; then
  for dir in "$(pyenv root)"/versions/3.10*; do
    [ -x "$dir/bin/python3.10" ] && candidates+=("$dir/bin/python3.10")
  done
fi
candidates+=(/usr/bin/python3.10 /usr/local/bin/python3.10)

for candidate in "${candidates[@]}"; do
  if version=$("$candidate" -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null) \
     && [ "$version" = "3.10" ]; then
    "$candidate" -c 'import sys; print(sys.executable)'
    exit 0
  fi
done

echo "error: Python 3.10 not found; Rasa Open Source 3.6.21 needs it (it does not install on 3.11+)." >&2
echo "Install it (for example 'pyenv install 3.10.13') or set RASA_PYTHON to its path." >&2
exit 1
