#!/usr/bin/env bash
# Interop suite: a Singer target from PyPI (target-jsonl 0.1.4, singer-python 5.8.0) consumes
# `pullpush read --format singer`.
#
# Serves 230 products with json-server 0.17.4 (as scripts/interop/json-server.sh does), pipes
# `pullpush read examples/interop/json-server.json --format singer` into target-jsonl, and asserts
# that the target accepted the stream (it validates every RECORD against its SCHEMA with
# jsonschema's Draft4Validator and fails on anything out of order), wrote one file per stream with
# every product exactly once as its canonical record, and echoed the final STATE.
#
# target-jsonl pins jsonschema 2.6.0, so it gets a venv of its own (target/interop-singer-venv),
# not the shared one of scripts/lib.sh, where the schema check needs jsonschema 4.
#
# Builds the `pullpush` binary unless PULLPUSH_BIN names one. Prints one line per check and ends
# with `N passed, M failed`; exits 1 when a check failed.
source "$(dirname "$0")/common.sh"
interop_init singer-target

PRODUCTS=230
DEFINITION="$ROOT/examples/interop/json-server.json"

require "build pullpush" pullpush_binary
require "install json-server (npm)" install_node_packages
# Every distribution pinned: target-jsonl and singer-python pin most of theirs, not all.
require "install target-jsonl (PyPI)" interop_venv interop-singer-venv \
  "target-jsonl==0.1.4" "singer-python==5.8.0" "jsonschema==2.6.0" \
  "adjust-precision-for-schema==0.3.3" "backoff==1.8.0" "ciso8601==2.4.1" \
  "python-dateutil==2.9.0.post0" "six==1.17.0" "pytz==2018.4" "simplejson==3.11.1"
TARGET="$ROOT/target/interop-singer-venv/bin/target-jsonl"
assert_py gen-products "$PRODUCTS" "$WORK/db.json"
require "start json-server" start_json_server "$WORK/db.json" "$WORK/json-server.log"
echo "# target-jsonl $("$ROOT/target/interop-singer-venv/bin/python" -m pip show target-jsonl | sed -n 's/^Version: //p'), json-server at $JSON_SERVER_URL"

echo "{\"base_url\": \"$JSON_SERVER_URL\"}" >"$WORK/config.json"

# run_pipe NAME OUT_DIR [pullpush read flags...]: pullpush read --format singer | tee | target-jsonl.
run_pipe() {
  local name="$1" out="$2"
  shift 2
  mkdir -p "$out"
  echo "{\"destination_path\": \"$out\", \"do_timestamp_file\": false}" >"$WORK/target-$name.json"
  "$PULLPUSH_BIN" read "$DEFINITION" --config "$WORK/config.json" --allow-internal --format singer "$@" \
    2>"$WORK/read-$name.err" |
    tee "$WORK/singer-$name.jsonl" |
    "$TARGET" --config "$WORK/target-$name.json" >"$WORK/target-$name.out" 2>"$WORK/target-$name.err"
  local statuses=("${PIPESTATUS[@]}")
  READ_STATUS=${statuses[0]}
  TARGET_STATUS=${statuses[2]}
}

# --- one stream -----------------------------------------------------------------------------------
run_pipe one "$WORK/out-one" --stream products
check "pullpush read --format singer --stream products exits 0" \
  bash -c "[ $READ_STATUS -eq 0 ] || { echo exit $READ_STATUS; tail -5 '$WORK/read-one.err'; exit 1; }"
check "target-jsonl exits 0 (every RECORD valid against its SCHEMA)" \
  bash -c "[ $TARGET_STATUS -eq 0 ] || { echo exit $TARGET_STATUS; tail -20 '$WORK/target-one.err'; exit 1; }"
check "the Singer stream: one SCHEMA (key_properties [sku]), $PRODUCTS RECORDs, then one STATE" \
  python3 - "$WORK/singer-one.jsonl" "$PRODUCTS" <<'EOF'
import json, sys
messages = [json.loads(line) for line in open(sys.argv[1], encoding="utf-8")]
kinds = [m["type"] for m in messages]
want = ["SCHEMA"] + ["RECORD"] * int(sys.argv[2]) + ["STATE"]
if kinds != want:
    sys.exit(f"message types: {kinds[:3]}… ({len(kinds)} messages)")
schema = messages[0]
if schema["stream"] != "products" or schema["key_properties"] != ["sku"]:
    sys.exit(f"SCHEMA: stream {schema['stream']!r}, key_properties {schema['key_properties']!r}")
if any(m["stream"] != "products" for m in messages[1:-1]):
    sys.exit("a RECORD of another stream")
if not isinstance(messages[-1].get("value"), dict) or "products" not in messages[-1]["value"]:
    sys.exit(f"STATE: {messages[-1]}")
EOF
check "target-jsonl wrote products.jsonl: every product once, as its canonical record" \
  assert_py singer-output "$WORK/out-one" "$WORK/db.json" products
check "target-jsonl wrote no other file" \
  test "$(find "$WORK/out-one" -type f | wc -l)" -eq 1
check "target-jsonl emitted the final STATE it received" python3 - "$WORK/target-one.out" "$WORK/singer-one.jsonl" <<'EOF'
import json, sys
lines = [l for l in open(sys.argv[1], encoding="utf-8").read().splitlines() if l.strip()]
sent = [json.loads(l) for l in open(sys.argv[2], encoding="utf-8")][-1]["value"]
if not lines or json.loads(lines[-1]) != sent:
    sys.exit(f"target printed {lines[-1:]!r}, the STATE sent was {sent!r}")
EOF

# A control: the target does validate. The same messages with one record broken (a lowercase
# currency, against the schema's pattern) must be refused.
python3 - "$WORK/singer-one.jsonl" "$WORK/singer-broken.jsonl" <<'EOF'
import json, sys
messages = [json.loads(line) for line in open(sys.argv[1], encoding="utf-8")]
if len(messages) > 1 and messages[1].get("type") == "RECORD":
    messages[1]["record"]["currency"] = "usd"
with open(sys.argv[2], "w", encoding="utf-8") as out:
    out.writelines(json.dumps(m) + "\n" for m in messages)
EOF
mkdir -p "$WORK/out-broken"
echo "{\"destination_path\": \"$WORK/out-broken\", \"do_timestamp_file\": false}" >"$WORK/target-broken.json"
"$TARGET" --config "$WORK/target-broken.json" <"$WORK/singer-broken.jsonl" >/dev/null 2>"$WORK/target-broken.err"
broken_status=$?
check "control: target-jsonl refuses a record that breaks the SCHEMA" bash -c \
  "[ $broken_status -ne 0 ] && grep -q \"does not match\" '$WORK/target-broken.err'"

# --- every stream ---------------------------------------------------------------------------------
run_pipe all "$WORK/out-all"
check "both streams: pullpush and target-jsonl exit 0" \
  bash -c "[ $READ_STATUS -eq 0 ] && [ $TARGET_STATUS -eq 0 ] || \
    { echo read $READ_STATUS target $TARGET_STATUS; tail -5 '$WORK/read-all.err' '$WORK/target-all.err'; exit 1; }"
check "both streams: products.jsonl holds every product once" \
  assert_py singer-output "$WORK/out-all" "$WORK/db.json" products
check "both streams: products_by_page.jsonl holds every product once" \
  assert_py singer-output "$WORK/out-all" "$WORK/db.json" products_by_page

summary
