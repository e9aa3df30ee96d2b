#!/usr/bin/env bash
# Interop test: the official MCP Python SDK (`mcp` on PyPI) drives `pullpush mcp` over stdio, once
# over the `initialize` handshake (2025-11-25) and once the current way (server/discover, then
# 2026-07-28). The only network traffic is pip installing the pinned SDK into the scripts' venv
# under target/; the test itself stays on the machine.
#
# Builds the `pullpush` binary unless PULLPUSH_BIN names one. Prints one line per check and ends
# with `N passed, M failed`; exits 1 when a check failed.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

python3 -c 'import sys; sys.exit(sys.version_info < (3, 10))' || {
  echo "mcp-interop: the MCP Python SDK needs Python 3.10 or newer; python3 is $(python3 -V 2>&1)" >&2
  exit 2
}
# The SDK version this suite was written against; bump it deliberately.
python=$(pullpush_venv "mcp==2.3.0")

binary=${PULLPUSH_BIN:-}
if [ -z "$binary" ]; then
  cargo build --quiet --locked -p pullpush-cli
  binary=target/debug/pullpush
fi
"$python" scripts/mcp_interop.py "$binary"
