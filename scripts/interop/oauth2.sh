#!/usr/bin/env bash
# Interop suite: oauth2-mock-server 8.2.3 (npm, axa-group/oauth2-mock-server) as a real OAuth2
# token endpoint (client-credentials grant, RS256 JWTs) in front of an API that accepts only its
# tokens (scripts/interop/oauth2-api.mjs verifies them against the issuer's JWKS).
#
# Reads 230 contacts with examples/interop/oauth2.json and asserts: every contact once, one token
# for the whole read (cached), the client authenticated as configured (HTTP basic, then form
# fields), the walk stopped on `meta.total`, a token revoked mid-walk is replaced once and the page
# retried, `pullpush test` passes; with a wrong client secret `pullpush test` and `pullpush read`
# fail naming the token endpoint's 401; no secret and no access token ever appears in the output,
# even when the token endpoint repeats the secret in its error.
#
# Builds the `pullpush` binary unless PULLPUSH_BIN names one. Prints one line per check and ends
# with `N passed, M failed`; exits 1 when a check failed.
source "$(dirname "$0")/common.sh"
interop_init oauth2

CONTACTS=230
DEFINITION="$ROOT/examples/interop/oauth2.json"
CLIENT_ID="pullpush-interop"
SECRET="cs-$(python3 -c 'import secrets; print(secrets.token_urlsafe(24))')"
WRONG_SECRET="wrong-$(python3 -c 'import secrets; print(secrets.token_urlsafe(24))')"

require "build pullpush" pullpush_binary
require "install oauth2-mock-server (npm)" install_node_packages
assert_py gen-contacts "$CONTACTS" "$WORK/contacts.json"

start_server "$WORK/servers.log" env NODE_MODULES="$NODE_PREFIX/node_modules" \
  CONTACTS_FILE="$WORK/contacts.json" CLIENT_ID="$CLIENT_ID" CLIENT_SECRET="$SECRET" \
  node "$INTEROP_DIR/oauth2-api.mjs"
SERVERS_PID=$STARTED_PID
require "start oauth2-mock-server and the API" wait_line "$WORK/servers.log" 30 "$SERVERS_PID"
ready=$(wait_line "$WORK/servers.log" 1 "$SERVERS_PID")
ISSUER=$(python3 -c 'import json, sys; print(json.loads(sys.argv[1])["issuer"])' "$ready")
API=$(python3 -c 'import json, sys; print(json.loads(sys.argv[1])["api"])' "$ready")
echo "# oauth2-mock-server $(node -p "require('$NODE_PREFIX/node_modules/oauth2-mock-server/package.json').version") at $ISSUER, API at $API"

# The admin side of the API: what the token endpoint and the API saw since the last reset.
reset_stats() {
  python3 -c 'import sys, urllib.request
urllib.request.urlopen(urllib.request.Request(sys.argv[1], method="POST"), timeout=10).close()' \
    "$API/_admin/reset?max_uses=${1:-0}&echo=${2:-0}"
}
save_stats() {
  python3 -c 'import sys, urllib.request
sys.stdout.write(urllib.request.urlopen(sys.argv[1], timeout=10).read().decode())' \
    "$API/_admin/stats" >"$1"
}

cat >"$WORK/config.json" <<EOF
{"base_url": "$API", "oauth_url": "$ISSUER", "client_id": "$CLIENT_ID", "client_secret": "$SECRET"}
EOF

check "the definition is valid" "$PULLPUSH_BIN" validate "$DEFINITION"

# Without a token the API refuses: the protection is real.
check "the API answers 401 without a token" python3 - "$API" <<'EOF'
import sys, urllib.error, urllib.request
try:
    urllib.request.urlopen(f"{sys.argv[1]}/v1/contacts?page=1", timeout=10)
    sys.exit("the API served contacts without a token")
except urllib.error.HTTPError as error:
    sys.exit(None if error.code == 401 else f"HTTP {error.code}")
EOF

# --- the read ---------------------------------------------------------------------------------
reset_stats
"$PULLPUSH_BIN" read "$DEFINITION" --config "$WORK/config.json" --allow-internal \
  >"$WORK/events.jsonl" 2>"$WORK/read.err"
status=$?
save_stats "$WORK/stats-read.json"
if [ "$status" -eq 0 ]; then
  pass "pullpush read exits 0"
else
  fail "pullpush read exits 0" "exit $status: $(tail -5 "$WORK/read.err")"
fi
check "read: every contact exactly once, mapped as expected" \
  assert_py contact-events "$WORK/events.jsonl" "$WORK/contacts.json"
check "read: one token request (client_credentials, HTTP basic, scope contacts:read), cached for every page" \
  python3 - "$WORK/stats-read.json" "$CLIENT_ID" <<'EOF'
import json, sys
stats, client = json.load(open(sys.argv[1])), sys.argv[2]
want = [{"method": "basic", "client_id": client, "grant_type": "client_credentials",
         "scope": "contacts:read", "ok": True}]
if stats["token_requests"] != want:
    sys.exit(f"token requests: {stats['token_requests']}")
EOF
check "read: the API served pages 1..5 with that token and was not asked for a 6th (meta.total)" \
  python3 - "$WORK/stats-read.json" <<'EOF'
import json, sys
requests = json.load(open(sys.argv[1]))["api_requests"]
seen = [(r["page"], r["per_page"], r["status"], r["token"]) for r in requests]
if seen != [(page, 50, 200, 0) for page in range(1, 6)]:
    sys.exit(f"(page, per_page, status, token #): {seen}")
EOF

# --- pullpush test ------------------------------------------------------------------------------
"$PULLPUSH_BIN" test "$DEFINITION" --config "$WORK/config.json" --allow-internal >"$WORK/test.out" 2>&1
status=$?
if [ "$status" -eq 0 ]; then
  pass "pullpush test passes (exit 0)"
else
  fail "pullpush test passes (exit 0)" "exit $status: $(cat "$WORK/test.out")"
fi
"$PULLPUSH_BIN" test "$DEFINITION" --config "$WORK/config.json" --allow-internal --json \
  >"$WORK/report.json" 2>"$WORK/test-json.err"
status=$?
check "pullpush test --json: exit 0, the report passed" \
  bash -c "[ $status -eq 0 ] || { echo exit $status; cat '$WORK/test-json.err'; exit 1; }; \
    python3 '$INTEROP_DIR/assertions.py' test-report '$WORK/report.json' contacts"
save_stats "$WORK/stats-all.json"

# --- a token revoked mid-walk -------------------------------------------------------------------
reset_stats 2
"$PULLPUSH_BIN" read "$DEFINITION" --config "$WORK/config.json" --allow-internal \
  >"$WORK/events-revoked.jsonl" 2>"$WORK/read-revoked.err"
status=$?
save_stats "$WORK/stats-revoked.json"
check "tokens revoked after 2 uses: the read still exits 0" \
  bash -c "[ $status -eq 0 ] || { echo exit $status; tail -5 '$WORK/read-revoked.err'; exit 1; }"
check "tokens revoked after 2 uses: every contact exactly once" \
  assert_py contact-events "$WORK/events-revoked.jsonl" "$WORK/contacts.json"
check "tokens revoked after 2 uses: each 401 is followed by one new token and the same page again" \
  python3 - "$WORK/stats-revoked.json" <<'EOF'
import json, sys
stats = json.load(open(sys.argv[1]))
requests, tokens = stats["api_requests"], stats["token_requests"]
problems = []
rejected = [i for i, r in enumerate(requests) if r["status"] == 401]
if not rejected:
    problems.append("no request was refused: the revocation did not happen")
if len(tokens) != 1 + len(rejected) or not all(t["ok"] for t in tokens):
    problems.append(f"{len(tokens)} token request(s) for {len(rejected)} refusal(s)")
for i in rejected:
    retry = requests[i + 1] if i + 1 < len(requests) else None
    if not retry or retry["page"] != requests[i]["page"] or retry["token"] != requests[i]["token"] + 1:
        problems.append(f"after the 401 on page {requests[i]['page']}: {retry}")
if sorted(r["page"] for r in requests if r["status"] == 200) != [1, 2, 3, 4, 5]:
    problems.append(f"pages served: {[r['page'] for r in requests if r['status'] == 200]}")
sys.exit("; ".join(problems) if problems else None)
EOF

# --- client_secret_post ----------------------------------------------------------------------------
python3 - "$DEFINITION" "$WORK/oauth2-body.json" <<'EOF'
import json, sys
definition = json.load(open(sys.argv[1]))
definition["auth"]["client_auth"] = "body"
definition.pop("$schema", None)
json.dump(definition, open(sys.argv[2], "w"), indent=2)
EOF
reset_stats
"$PULLPUSH_BIN" read "$WORK/oauth2-body.json" --config "$WORK/config.json" --allow-internal \
  >"$WORK/events-body.jsonl" 2>"$WORK/read-body.err"
status=$?
save_stats "$WORK/stats-body.json"
check "client_auth body: read exits 0 with every contact once" \
  bash -c "[ $status -eq 0 ] || { echo exit $status; tail -5 '$WORK/read-body.err'; exit 1; }; \
    python3 '$INTEROP_DIR/assertions.py' contact-events '$WORK/events-body.jsonl' '$WORK/contacts.json'"
check "client_auth body: the client authenticated with form fields" python3 - "$WORK/stats-body.json" <<'EOF'
import json, sys
tokens = json.load(open(sys.argv[1]))["token_requests"]
if [(t["method"], t["ok"]) for t in tokens] != [("body", True)]:
    sys.exit(f"token requests: {tokens}")
EOF

# --- a wrong client secret (from the environment, overriding the config file) -------------------
reset_stats
PULLPUSH_CONFIG_CLIENT_SECRET="$WRONG_SECRET" "$PULLPUSH_BIN" test "$DEFINITION" \
  --config "$WORK/config.json" --allow-internal >"$WORK/wrong-test.out" 2>"$WORK/wrong-test.err"
test_status=$?
PULLPUSH_CONFIG_CLIENT_SECRET="$WRONG_SECRET" "$PULLPUSH_BIN" test "$DEFINITION" \
  --config "$WORK/config.json" --allow-internal --json >"$WORK/wrong-report.json" 2>"$WORK/wrong-json.err"
json_status=$?
PULLPUSH_CONFIG_CLIENT_SECRET="$WRONG_SECRET" "$PULLPUSH_BIN" read "$DEFINITION" \
  --config "$WORK/config.json" --allow-internal >"$WORK/wrong-read.out" 2>"$WORK/wrong-read.err"
read_status=$?
save_stats "$WORK/stats-wrong.json"
check "wrong secret: pullpush test exits 1" test "$test_status" -eq 1
check "wrong secret: pullpush test --json exits 1 with passed=false" bash -c \
  "[ $json_status -eq 1 ] && [ \"\$(python3 '$INTEROP_DIR/assertions.py' json-get '$WORK/wrong-report.json' /passed)\" = false ]"
check "wrong secret: the test report says the token endpoint answered 401 invalid_client" \
  grep -Eq "token endpoint answered HTTP 401: invalid_client" "$WORK/wrong-test.out"
check "wrong secret: pullpush read exits non-zero, naming the token endpoint's 401" bash -c \
  "[ $read_status -ne 0 ] && grep -Eq 'token endpoint answered HTTP 401' '$WORK/wrong-read.err' \
    && [ ! -s '$WORK/wrong-read.out' ]"
check "wrong secret: the API was never called, the token endpoint was asked (not retried)" \
  python3 - "$WORK/stats-wrong.json" <<'EOF'
import json, sys
stats = json.load(open(sys.argv[1]))
if stats["api_requests"] or [t["ok"] for t in stats["token_requests"]] != [False] * 3:
    sys.exit(f"api requests: {stats['api_requests']}; token requests: {stats['token_requests']}")
EOF

# A careless token endpoint that repeats the secret it received in its error description.
reset_stats 0 1
PULLPUSH_CONFIG_CLIENT_SECRET="$WRONG_SECRET" "$PULLPUSH_BIN" test "$DEFINITION" \
  --config "$WORK/config.json" --allow-internal >"$WORK/echo-test.out" 2>"$WORK/echo-test.err"
echo_test_status=$?
PULLPUSH_CONFIG_CLIENT_SECRET="$WRONG_SECRET" "$PULLPUSH_BIN" test "$DEFINITION" \
  --config "$WORK/config.json" --allow-internal --json >"$WORK/echo-report.json" 2>"$WORK/echo-json.err"
PULLPUSH_CONFIG_CLIENT_SECRET="$WRONG_SECRET" "$PULLPUSH_BIN" read "$DEFINITION" \
  --config "$WORK/config.json" --allow-internal >"$WORK/echo-read.out" 2>"$WORK/echo-read.err"
check "secret echoed by the server: pullpush test still fails on the 401, naming invalid_client" bash -c \
  "[ $echo_test_status -eq 1 ] && grep -q 'token endpoint answered HTTP 401: invalid_client' '$WORK/echo-test.out'"
check "secret echoed by the server: the report quotes the server's error, secret scrubbed" bash -c \
  "grep -q 'unknown client $CLIENT_ID with secret ' '$WORK/echo-test.out' && \
    python3 '$INTEROP_DIR/assertions.py' absent '$WRONG_SECRET' '$WORK'/echo-*"

# --- no secret, no token in any output ----------------------------------------------------------
outputs=("$WORK"/events*.jsonl "$WORK"/*.err "$WORK"/*.out "$WORK"/report.json "$WORK"/wrong-report.json)
check "the wrong secret appears in no stdout or stderr" assert_py absent "$WRONG_SECRET" "${outputs[@]}"
check "the client secret appears in no stdout or stderr" assert_py absent "$SECRET" "${outputs[@]}"
check "no access token the server issued appears in any stdout or stderr" python3 - \
  "$WORK/stats-read.json" "$WORK/stats-all.json" "$WORK/stats-revoked.json" "$WORK/stats-body.json" \
  -- "${outputs[@]}" <<'EOF'
import json, sys
split = sys.argv.index("--")
tokens = {t for f in sys.argv[1:split] for t in json.load(open(f))["tokens"]}
texts = {f: open(f, encoding="utf-8", errors="replace").read() for f in sys.argv[split + 1:]}
if not tokens:
    sys.exit("no token was issued")
leaks = [f"{f} holds a token" for f, text in texts.items() for t in tokens
         if t in text or t.split(".")[2] in text]
sys.exit("; ".join(leaks) if leaks else None)
EOF

summary
