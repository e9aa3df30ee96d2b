# Shared helpers for the scripts in this folder. Source it; don't run it.

# A Python virtual environment under target/, created once, with the given pinned packages.
# Prints the venv's python path. Keeps tests independent of whatever Python packages the machine has.
pullpush_venv() {
  local root
  root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
  local venv="$root/target/py-venv"
  if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv" >&2
  fi
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "$@" >&2
  echo "$venv/bin/python"
}
