#!/usr/bin/env bash
# Independent check of the committed connector JSON Schema with Python's `jsonschema` (a validator
# we did not write): every example definition must pass, every structurally broken one must fail.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
python=$(pullpush_venv "jsonschema==4.26.0")
"$python" scripts/check_schema.py
