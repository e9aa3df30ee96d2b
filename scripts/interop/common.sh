# shellcheck shell=bash
# Shared helpers of the interop suites. Source it from a suite; don't run it.
#
# A suite sources this file, calls `interop_init NAME`, starts servers with `start_server`, runs
# checks with `check`/`pass`/`fail`, and ends with `summary` (prints `N passed, M failed`, returns
# 1 when a check failed). Everything a suite starts is stopped by the EXIT trap, whatever happens;
# the scratch directory (logs, outputs) is removed too, unless INTEROP_KEEP is set.

set -uo pipefail

INTEROP_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$INTEROP_DIR/../.." && pwd)"
NODE_PREFIX="$ROOT/target/interop-node"
PASSED=0
FAILED=0
SERVER_PIDS=()
WORK=""

# The EXIT trap: stop every server this suite started (TERM, then KILL after 5 s), remove the
# scratch directory.
interop_cleanup() {
  local pid
  for pid in "${SERVER_PIDS[@]}"; do
    kill -TERM "$pid" 2>/dev/null || continue
    for _ in $(seq 50); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  SERVER_PIDS=()
  if [ -n "$WORK" ] && [ -d "$WORK" ]; then
    if [ -n "${INTEROP_KEEP:-}" ]; then
      echo "# kept $WORK" >&2
    else
      rm -rf "$WORK"
    fi
  fi
}

# interop_init NAME: traps, a scratch directory in $WORK, the suite's name for messages.
interop_init() {
  SUITE="$1"
  trap interop_cleanup EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  WORK="$(mktemp -d "${TMPDIR:-/tmp}/pullpush-interop-$SUITE.XXXXXX")"
}

pass() {
  PASSED=$((PASSED + 1))
  echo "ok   $1"
}

# fail NAME [DETAIL]
fail() {
  FAILED=$((FAILED + 1))
  if [ $# -gt 1 ] && [ -n "$2" ]; then
    echo "FAIL $1: $2"
  else
    echo "FAIL $1"
  fi
}

# check NAME COMMAND...: one check, passed when COMMAND exits 0; its output is the detail of a
# failure (first lines only).
check() {
  local name="$1" output
  shift
  if output=$("$@" 2>&1); then
    pass "$name"
  else
    fail "$name" "$(printf '%s' "$output" | head -c 2000)"
  fi
}

# summary: the last line of every suite; returns 1 when a check failed.
summary() {
  echo "$PASSED passed, $FAILED failed"
  [ "$FAILED" -eq 0 ]
}

# A setup step that must work for the suite to mean anything: on failure, count it as a failed
# check, print the summary and exit.
# Runs in this shell (not a subshell), so the variables and server pids it sets are kept.
require() {
  local name="$1" log="$WORK/require.log"
  shift
  if "$@" >"$log" 2>&1; then
    return 0
  fi
  fail "$name" "$(tail -c 3000 "$log")"
  summary
  exit 1
}

# The pullpush binary: $PULLPUSH_BIN, or a fresh debug build.
pullpush_binary() {
  if [ -z "${PULLPUSH_BIN:-}" ]; then
    (cd "$ROOT" && cargo build --quiet --locked -p pullpush-cli) >&2 || return 1
    PULLPUSH_BIN="$ROOT/target/debug/pullpush"
  fi
  export PULLPUSH_BIN
}

# The pinned npm packages of node/package-lock.json, installed with `npm ci` under
# target/interop-node; skipped when the installed tree matches the lock file.
install_node_packages() {
  local stamp="$NODE_PREFIX/.lock-sha256" want
  want=$(sha256sum "$INTEROP_DIR/node/package-lock.json" | cut -d' ' -f1)
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && [ -d "$NODE_PREFIX/node_modules" ]; then
    return 0
  fi
  mkdir -p "$NODE_PREFIX"
  cp "$INTEROP_DIR/node/package.json" "$INTEROP_DIR/node/package-lock.json" "$NODE_PREFIX/"
  (cd "$NODE_PREFIX" && npm ci --no-audit --no-fund --loglevel=error) >&2 || return 1
  echo "$want" >"$stamp"
}

# A Python virtual environment of its own under target/ (NAME), with the given pinned packages.
# Prints its python. (Not scripts/lib.sh's shared venv: Singer targets pin old libraries, e.g.
# target-jsonl pins jsonschema 2.6.0, which would clash with the jsonschema 4 the schema check
# installs there.)
interop_venv() {
  local venv="$ROOT/target/$1"
  shift
  if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv" >&2 || return 1
  fi
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "$@" >&2 || return 1
  echo "$venv/bin/python"
}

# A TCP port free on 127.0.0.1 right now.
free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# start_server LOG COMMAND...: start a server in the background, remember its pid for the trap.
# Sets STARTED_PID.
start_server() {
  local log="$1"
  shift
  "$@" >>"$log" 2>&1 </dev/null &
  STARTED_PID=$!
  SERVER_PIDS+=("$STARTED_PID")
}

# wait_http URL SECONDS PID: wait until URL answers (any HTTP status), at most SECONDS; fails at
# once when PID exits.
wait_http() {
  python3 - "$1" "$2" "$3" <<'EOF'
import os, sys, time, urllib.error, urllib.request
url, seconds, pid = sys.argv[1], float(sys.argv[2]), int(sys.argv[3])
deadline = time.monotonic() + seconds
while time.monotonic() < deadline:
    try:
        os.kill(pid, 0)
    except OSError:
        sys.exit(f"the server (pid {pid}) exited before answering {url}")
    try:
        urllib.request.urlopen(url, timeout=1).close()
        sys.exit(0)
    except urllib.error.HTTPError:
        sys.exit(0)
    except OSError:
        time.sleep(0.1)
sys.exit(f"{url} did not answer within {seconds:g} s")
EOF
}

# wait_line LOG SECONDS PID: wait until a line of the server's LOG is a JSON object (the server's
# "ready" line), at most SECONDS, failing at once when PID exits; prints that line.
wait_line() {
  python3 - "$1" "$2" "$3" <<'EOF'
import json, os, sys, time
log, seconds, pid = sys.argv[1], float(sys.argv[2]), int(sys.argv[3])
deadline = time.monotonic() + seconds
while True:
    with open(log, encoding="utf-8", errors="replace") as f:
        lines = f.read().splitlines(keepends=True)
    for line in lines:
        if line.startswith("{") and line.endswith("\n"):
            try:
                if isinstance(json.loads(line), dict):
                    print(line, end="")
                    sys.exit(0)
            except ValueError:
                pass
    try:
        os.kill(pid, 0)
    except OSError:
        sys.exit(f"the server (pid {pid}) exited; its log: {''.join(lines)[-2000:]}")
    if time.monotonic() > deadline:
        sys.exit(f"the server did not report ready within {seconds:g} s; its log: {''.join(lines)[-2000:]}")
    time.sleep(0.1)
EOF
}

# start_json_server DB_FILE LOG: json-server 0.17 on a free port of 127.0.0.1 (a few tries, in
# case another process takes the port between picking and binding). Sets JSON_SERVER_URL.
start_json_server() {
  local db="$1" log="$2" port
  # An explicit, empty options file: json-server otherwise reads ./json-server.json if there is one.
  echo '{}' >"$db.options.json"
  for _ in 1 2 3; do
    port=$(free_port)
    start_server "$log" node "$NODE_PREFIX/node_modules/json-server/lib/cli/bin.js" \
      --host 127.0.0.1 --port "$port" --read-only --config "$db.options.json" "$db"
    if wait_http "http://127.0.0.1:$port/db" 20 "$STARTED_PID" >&2; then
      export JSON_SERVER_URL="http://127.0.0.1:$port"
      return 0
    fi
    kill "$STARTED_PID" 2>/dev/null || true
  done
  echo "json-server did not start; its log:" >&2
  cat "$log" >&2
  return 1
}

# The assertion helpers (scripts/interop/assertions.py), run with the system python3.
assert_py() {
  python3 "$INTEROP_DIR/assertions.py" "$@"
}
