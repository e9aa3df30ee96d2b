#!/usr/bin/env bash
# Interop suite: json-server 0.17.4 (npm, typicode/json-server) as a real paginating REST API.
#
# Serves a generated db.json of 230 products on 127.0.0.1 and reads it with
# examples/interop/json-server.json: one stream follows json-server's RFC 8288 Link header
# (`_page`/`_limit`, 25 a page, 10 pages), one counts `_page` up (23 a page, 10 full pages then an
# empty one). Asserts every product is read exactly once with the expected canonical data, that
# the server saw exactly the requests the pagination implies, and that `pullpush test` passes.
#
# Builds the `pullpush` binary unless PULLPUSH_BIN names one. Prints one line per check and ends
# with `N passed, M failed`; exits 1 when a check failed.
source "$(dirname "$0")/common.sh"
interop_init json-server

PRODUCTS=230
DEFINITION="$ROOT/examples/interop/json-server.json"

require "build pullpush" pullpush_binary
require "install json-server (npm)" install_node_packages
assert_py gen-products "$PRODUCTS" "$WORK/db.json"
require "start json-server" start_json_server "$WORK/db.json" "$WORK/json-server.log"
echo "# json-server $(node "$NODE_PREFIX/node_modules/json-server/lib/cli/bin.js" --version) at $JSON_SERVER_URL"

check "the definition is valid" "$PULLPUSH_BIN" validate "$DEFINITION"

# The server's own headers, read without PullPush: the Link header is there to be followed.
check "json-server sends Link (first/next/last) and X-Total-Count" python3 - "$JSON_SERVER_URL" "$PRODUCTS" <<'EOF'
import sys, urllib.request
url, total = sys.argv[1], sys.argv[2]
with urllib.request.urlopen(f"{url}/products?_page=2&_limit=25", timeout=10) as response:
    link, count = response.headers.get("Link", ""), response.headers.get("X-Total-Count")
missing = [rel for rel in ("first", "prev", "next", "last") if f'rel="{rel}"' in link] != ["first", "prev", "next", "last"]
if missing or count != total:
    sys.exit(f"Link: {link!r}, X-Total-Count: {count!r}")
print(link)
EOF

# The whole read: both streams, config from a PULLPUSH_CONFIG_* variable.
: >"$WORK/json-server.log"
PULLPUSH_CONFIG_BASE_URL="$JSON_SERVER_URL" "$PULLPUSH_BIN" read "$DEFINITION" --allow-internal \
  >"$WORK/events.jsonl" 2>"$WORK/read.err"
status=$?
cp "$WORK/json-server.log" "$WORK/read.log"
if [ "$status" -eq 0 ]; then
  pass "pullpush read exits 0"
else
  fail "pullpush read exits 0" "exit $status: $(tail -5 "$WORK/read.err")"
fi
check "read: $((2 * PRODUCTS)) events in all" test "$(wc -l <"$WORK/events.jsonl")" -eq $((2 * PRODUCTS))
check "read (Link header): every product exactly once, mapped as expected" \
  assert_py product-events "$WORK/events.jsonl" "$WORK/db.json" products
check "read (page numbers): every product exactly once, mapped as expected" \
  assert_py product-events "$WORK/events.jsonl" "$WORK/db.json" products_by_page
check "read: no record rejected, no stream failed" \
  grep -qx "read $((2 * PRODUCTS)) record(s), rejected 0, 0 stream(s) failed" "$WORK/read.err"
check "server log: the Link walk asked for _page=1..10 once each, then stopped" \
  assert_py requests "$WORK/read.log" /products 10 _page "_limit=25"
check "server log: the page-number walk asked for _page=1..11 (the 11th empty), then stopped" \
  assert_py requests "$WORK/read.log" /products 11 _page "_limit=23"

# Same data, same event ids: ids are deterministic.
PULLPUSH_CONFIG_BASE_URL="$JSON_SERVER_URL" "$PULLPUSH_BIN" read "$DEFINITION" --allow-internal \
  >"$WORK/events2.jsonl" 2>"$WORK/read2.err"
check "a second read gives the same event ids" \
  assert_py same-ids "$WORK/events.jsonl" "$WORK/events2.jsonl"

# --route-to: the definition points at another host, the requests go to json-server, whose Link
# URLs name itself.
echo "{\"base_url\": \"https://shop.example.com\"}" >"$WORK/config-routed.json"
"$PULLPUSH_BIN" read "$DEFINITION" --config "$WORK/config-routed.json" --allow-internal \
  --route-to "$JSON_SERVER_URL" --stream products >"$WORK/events-routed.jsonl" 2>"$WORK/read-routed.err"
check "read --route-to --stream products: every product exactly once" \
  assert_py product-events "$WORK/events-routed.jsonl" "$WORK/db.json" products
check "read --stream products: no event of another stream" \
  test "$(wc -l <"$WORK/events-routed.jsonl")" -eq "$PRODUCTS"

# pullpush test: the default bounded run, and one allowed enough pages to reach the end.
echo "{\"base_url\": \"$JSON_SERVER_URL\"}" >"$WORK/config.json"
"$PULLPUSH_BIN" test "$DEFINITION" --config "$WORK/config.json" --allow-internal >"$WORK/test.out" 2>&1
status=$?
if [ "$status" -eq 0 ] && grep -q "passed" "$WORK/test.out"; then
  pass "pullpush test passes (exit 0)"
else
  fail "pullpush test passes (exit 0)" "exit $status: $(cat "$WORK/test.out")"
fi
"$PULLPUSH_BIN" test "$DEFINITION" --config "$WORK/config.json" --allow-internal --json \
  --max-pages 20 --max-records 1000 >"$WORK/report.json" 2>"$WORK/test-json.err"
status=$?
check "pullpush test --json --max-pages 20: exit 0, report passed for both streams" \
  bash -c "[ $status -eq 0 ] || { echo exit $status; cat '$WORK/test-json.err'; exit 1; }; \
    python3 '$INTEROP_DIR/assertions.py' test-report '$WORK/report.json' products products_by_page"
check "pullpush test --max-pages 20: both walks reached the end with every record" python3 - "$WORK/report.json" "$PRODUCTS" <<'EOF'
import json, sys
try:
    report, total = json.load(open(sys.argv[1])), int(sys.argv[2])
except ValueError as error:
    sys.exit(f"no JSON report: {error}")
bad = [f"{s['name']}: reached_end={s.get('reached_end')} valid={s.get('valid')} duplicate_keys={s.get('duplicate_keys')}"
       for s in report["streams"]
       if s.get("reached_end") is not True or s.get("valid") != total or s.get("duplicate_keys")]
sys.exit("; ".join(bad) if bad else None)
EOF

summary
