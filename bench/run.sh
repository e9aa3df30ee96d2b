#!/usr/bin/env bash
# The end-to-end benchmark (BENCHMARKS.md, "End to end"). Never run in CI: a person runs it.
#
#     bash bench/run.sh
#
# Reads the same static pages of orders, served by nginx on 127.0.0.1, with
#   raw       a bare reqwest + serde_json loop (examples/bench_raw_loop.rs): the raw limit;
#   pullpush  `pullpush read bench/definitions/bench.json` (pagination, mapping into the canonical
#             order type, validation, canonical events written to /dev/null);
#   airbyte   Airbyte's declarative CDK, `source-declarative-manifest read` with
#             bench/airbyte/manifest.yaml;
#   dlt       dlt's rest_api source, its resource iterated (bench/dlt/read_rest_api.py iterate);
#   dlt_extract  the same source through `pipeline.extract()` (dlt's extract step, no load);
# at 20,000 records (200 pages) and 200,000 records (2,000 pages), each tool BENCH_REPS times
# (default 3, interleaved), and prints the medians of wall time and peak RSS as a Markdown table.
# Every run's record count is checked against the data set.
#
# It installs what it needs: nginx-light and time from Debian (apt-get, when missing), airbyte-cdk
# and dlt from PyPI into venvs under target/bench, and builds pullpush and the raw loop in release.
# Results: target/bench/results.tsv (every run) and target/bench/results.md (the table).
#
# BENCH_SERVE_ONLY=1 only generates the data and serves it until interrupted (for profiling).
# Knobs: BENCH_PORT (18080), BENCH_REPS (3), BENCH_SIZES ("20000 200000"),
# BENCH_TOOLS ("raw pullpush airbyte dlt dlt_extract"), AIRBYTE_CDK_VERSION (7.39.1), DLT_VERSION (1.31.0).
set -euo pipefail
export LC_ALL=C # a decimal point in $EPOCHREALTIME, whatever the locale

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
PORT=${BENCH_PORT:-18080}
REPS=${BENCH_REPS:-3}
SIZES=${BENCH_SIZES:-"20000 200000"}
TOOLS=${BENCH_TOOLS:-"raw pullpush airbyte dlt dlt_extract"}
AIRBYTE_CDK_VERSION=${AIRBYTE_CDK_VERSION:-7.39.1}
DLT_VERSION=${DLT_VERSION:-1.31.0}
OUT=$ROOT/target/bench
BASE_URL="http://127.0.0.1:$PORT"
mkdir -p "$OUT"

say() { printf '\n== %s\n' "$*" >&2; }
die() { printf 'bench: %s\n' "$*" >&2; exit 1; }

# --- what it needs -------------------------------------------------------------------------
apt_updated=
apt_install() {
    [ "$(id -u)" = 0 ] || die "$1 is missing and installing it needs root: apt-get install $1"
    [ -n "$apt_updated" ] || { apt-get update -qq; apt_updated=1; }
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}
NGINX=$(command -v nginx || true)
[ -n "$NGINX" ] || [ ! -x /usr/sbin/nginx ] || NGINX=/usr/sbin/nginx
if [ -z "$NGINX" ]; then
    say "installing nginx (Debian)"
    apt_install nginx-light 2>/dev/null || apt_install nginx # Debian 13 has only `nginx`
    NGINX=/usr/sbin/nginx
fi
if [ ! -x /usr/bin/time ]; then
    say "installing time (Debian)"
    apt_install time
fi
command -v python3 >/dev/null || { say "installing python3"; apt_install python3 python3-venv; }
python3 -c 'import venv, ensurepip' 2>/dev/null || { say "installing python3-venv"; apt_install python3-venv; }

venv() { # venv DIR PACKAGE==VERSION
    local dir=$1 spec=$2 installed=
    [ ! -x "$dir/bin/pip" ] || installed=$("$dir/bin/pip" show "${spec%%==*}" 2>/dev/null || true)
    if ! grep -qx "Version: ${spec##*==}" <<< "$installed"; then
        say "installing $spec into $dir"
        rm -rf "$dir"
        python3 -m venv "$dir"
        "$dir/bin/pip" install -q --disable-pip-version-check "$spec"
    fi
}
[[ " $TOOLS " != *" airbyte "* ]] || venv "$OUT/venv-airbyte" "airbyte-cdk==$AIRBYTE_CDK_VERSION"
[[ " $TOOLS " != *" dlt"* ]] || venv "$OUT/venv-dlt" "dlt==$DLT_VERSION"

say "building pullpush and the raw loop (release)"
cargo build --release --quiet -p pullpush-cli -p pullpush-examples
PULLPUSH=$ROOT/target/release/pullpush
RAW=$ROOT/target/release/bench-raw-loop

# --- data ----------------------------------------------------------------------------------
label() { echo "$(( $1 / 1000 ))k"; }
DATA=$OUT/data-$PORT
generator=$(sha256sum bench/gen_data.py | cut -c1-16)
for size in $SIZES; do
    dir=$DATA/$(label "$size")
    if [ "$(cat "$dir/.stamp" 2>/dev/null)" != "$generator $size" ]; then
        say "generating $size records under $dir"
        rm -rf "$dir"
        python3 bench/gen_data.py "$DATA" "$BASE_URL" "$(label "$size")" "$size"
        echo "$generator $size" > "$dir/.stamp"
    fi
done

# --- the server ----------------------------------------------------------------------------
WORK=$(mktemp -d "${TMPDIR:-/tmp}/pullpush-bench.XXXXXX")
NGINX_PID=
cleanup() {
    if [ -n "$NGINX_PID" ]; then kill "$NGINX_PID" 2>/dev/null || true; wait "$NGINX_PID" 2>/dev/null || true; fi
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
mkdir -p "$WORK/logs" "$WORK/tmp"
cat > "$WORK/nginx.conf" <<EOF
worker_processes 1;
daemon off;
pid $WORK/nginx.pid;
error_log $WORK/logs/error.log warn;
events { worker_connections 256; }
http {
    access_log off;
    sendfile on;
    tcp_nopush on;
    tcp_nodelay on;
    keepalive_timeout 65;
    keepalive_requests 100000;
    default_type application/json;
    client_body_temp_path $WORK/tmp;
    proxy_temp_path $WORK/tmp;
    fastcgi_temp_path $WORK/tmp;
    uwsgi_temp_path $WORK/tmp;
    scgi_temp_path $WORK/tmp;
    server {
        listen 127.0.0.1:$PORT;
        location /data/ { alias $DATA/; }
    }
}
EOF
"$NGINX" -p "$WORK" -c "$WORK/nginx.conf" -e "$WORK/logs/error.log" &
NGINX_PID=$!
first_size=${SIZES%% *}
ready=
for _ in $(seq 50); do
    sleep 0.1
    kill -0 "$NGINX_PID" 2>/dev/null || die "nginx did not start: $(cat "$WORK/logs/error.log")"
    if python3 - "$BASE_URL/data/$(label "$first_size")/page-1.json" 2>/dev/null <<'EOF'
import sys, urllib.request
urllib.request.urlopen(sys.argv[1], timeout=1).read()
EOF
    then ready=1; break; fi
done
[ -n "$ready" ] || die "nginx does not answer on $BASE_URL"

if [ -n "${BENCH_SERVE_ONLY:-}" ]; then
    say "serving $DATA at $BASE_URL/data/ (e.g. $BASE_URL/data/$(label "$first_size")/page-1.json) until interrupted"
    wait "$NGINX_PID"
    exit 0
fi

# --- the tools -----------------------------------------------------------------------------
# `command_TOOL SIZE` sets CMD to the command line that reads SIZE records with TOOL.
for size in $SIZES; do
    printf '{"base_url": "%s", "dataset": "%s"}\n' "$BASE_URL" "$(label "$size")" > "$WORK/config-$size.json"
done
command_raw() { CMD=("$RAW" "$BASE_URL/data/$(label "$1")/page-1.json"); }
command_pullpush() {
    CMD=("$PULLPUSH" read bench/definitions/bench.json --config "$WORK/config-$1.json"
        --allow-internal --format jsonl)
}
command_airbyte() {
    CMD=("$OUT/venv-airbyte/bin/source-declarative-manifest" read --config "$WORK/config-$1.json"
        --catalog bench/airbyte/catalog.json --manifest-path bench/airbyte/manifest.yaml)
}
# dlt's anonymous telemetry is off: it would try to reach the network and wait for it.
command_dlt() {
    CMD=(env RUNTIME__DLTHUB_TELEMETRY=false "$OUT/venv-dlt/bin/python" bench/dlt/read_rest_api.py
        iterate "$BASE_URL" "$(label "$1")")
}
command_dlt_extract() {
    rm -rf "$WORK/dlt"
    CMD=(env RUNTIME__DLTHUB_TELEMETRY=false "$OUT/venv-dlt/bin/python" bench/dlt/read_rest_api.py
        extract "$BASE_URL" "$(label "$1")" "$WORK/dlt")
}
run() { "command_$1" "$2"; "${CMD[@]}"; } # TOOL SIZE

# How many records a run delivered, from what it printed.
count_records() { # TOOL STDOUT STDERR
    case $1 in
        raw) sed -n 's/^records=\([0-9]*\) .*/\1/p' "$3" ;;
        dlt | dlt_extract) sed -n 's/^records=\([0-9]*\)$/\1/p' "$3" ;;
        pullpush) sed -n 's/^read \([0-9]*\) record(s), rejected 0, 0 stream(s) failed$/\1/p' "$3" ;;
        airbyte) grep -c '"type":"RECORD"' "$2" || true ;;
    esac
}

RESULTS=$OUT/results.tsv
printf 'tool\trecords\trep\twall_s\tpeak_rss_kb\tuser_s\tsys_s\tcounted\n' > "$RESULTS"
measure() { # TOOL SIZE REP
    local tool=$1 size=$2 rep=$3 stdout=/dev/null start end counted wall rss user sys
    # Airbyte writes its records to stdout (Airbyte protocol messages): to a file, to count them.
    [ "$tool" != airbyte ] || stdout=$WORK/stdout
    "command_$tool" "$size"
    start=$EPOCHREALTIME
    /usr/bin/time -f '%M %U %S' -o "$WORK/time" "${CMD[@]}" > "$stdout" 2> "$WORK/stderr" \
        || { cat "$WORK/stderr" >&2; die "$tool failed at $size records"; }
    end=$EPOCHREALTIME
    counted=$(count_records "$tool" "$stdout" "$WORK/stderr")
    wall=$(awk -v start="$start" -v end="$end" 'BEGIN { printf "%.3f", end - start }')
    read -r rss user sys < <(tail -n 1 "$WORK/time")
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$tool" "$size" "$rep" "$wall" "$rss" "$user" "$sys" \
        "${counted:-0}" >> "$RESULTS"
    printf '  %-11s %7s records  rep %s  %8ss  %7s KB peak RSS  %s records read\n' \
        "$tool" "$size" "$rep" "$wall" "$rss" "${counted:-no}" >&2
    rm -f "$WORK/stdout"
    [ "${counted:-0}" = "$size" ] || die "$tool read ${counted:-no} records of $size"
}

# --- checks and warm-up (not measured) ---------------------------------------------------------
say "checking pullpush's output: every event is a valid canonical order"
run pullpush "$first_size" > "$WORK/events.jsonl" 2> "$WORK/stderr" \
    || { cat "$WORK/stderr" >&2; die "pullpush failed"; }
python3 - "$WORK/events.jsonl" "$first_size" > "$WORK/records.jsonl" <<'EOF'
import json, sys
count = 0
for line in open(sys.argv[1], encoding="utf-8"):
    event = json.loads(line)
    assert event["type"] == "order" and event["operation"] == "upsert", event
    print(json.dumps(event["data"]))
    count += 1
assert count == int(sys.argv[2]), f"{count} events, expected {sys.argv[2]}"
EOF
"$PULLPUSH" canonical validate order "$WORK/records.jsonl" > /dev/null \
    || die "pullpush wrote records that are not valid canonical orders"
rm -f "$WORK/events.jsonl" "$WORK/records.jsonl"

say "warming up (page cache, Python bytecode): one unmeasured run of each tool at $first_size"
for size in $SIZES; do run raw "$size" > /dev/null 2>&1 || die "the raw loop failed"; done
for tool in $TOOLS; do
    run "$tool" "$first_size" > /dev/null 2>&1 || die "$tool failed during the warm-up"
done

# --- measure -----------------------------------------------------------------------------------
say "measuring: $REPS repetitions of [$TOOLS] at [$SIZES] records"
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
case $LOAD_BEFORE in
    0.* | 1.0* | 1.1* | 1.2* | 1.3* | 1.4*) ;;
    *) echo "bench: warning: the load average is $LOAD_BEFORE: other work on this machine skews the numbers" >&2 ;;
esac
for rep in $(seq "$REPS"); do
    for size in $SIZES; do
        for tool in $TOOLS; do
            measure "$tool" "$size" "$rep"
        done
    done
done

LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)

# --- report ------------------------------------------------------------------------------------
versions() {
    echo "- pullpush: $("$PULLPUSH" --version) ($(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet 2>/dev/null || echo ', uncommitted changes')), $(rustc --version)"
    echo "- raw loop: reqwest $(grep -A1 '^name = "reqwest"$' Cargo.lock | sed -n 's/version = "\(.*\)"/\1/p'), serde_json $(grep -A1 '^name = "serde_json"$' Cargo.lock | sed -n 's/version = "\(.*\)"/\1/p'), tokio $(grep -A1 '^name = "tokio"$' Cargo.lock | sed -n 's/version = "\(.*\)"/\1/p')"
    if [[ " $TOOLS " == *" airbyte "* ]]; then
        echo "- airbyte-cdk $("$OUT/venv-airbyte/bin/python" -c 'import importlib.metadata as m; print(m.version("airbyte-cdk"))'), $("$OUT/venv-airbyte/bin/python" --version)"
    fi
    if [[ " $TOOLS " == *" dlt"* ]]; then
        echo "- dlt $("$OUT/venv-dlt/bin/python" -c 'import importlib.metadata as m; print(m.version("dlt"))'), $("$OUT/venv-dlt/bin/python" --version)"
    fi
    echo "- server: $("$NGINX" -v 2>&1 | sed 's/.*: //'), 1 worker, keepalive, sendfile, 127.0.0.1"
    echo "- machine: $(nproc) cores, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1), $(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo), Linux $(uname -r)"
    echo "- load average (1, 5, 15 min) before measuring: $LOAD_BEFORE; after: $LOAD_AFTER"
    echo "- date: $(date -u +%Y-%m-%d)"
}
{
    python3 bench/report.py "$RESULTS"
    echo
    versions
} > "$OUT/results.md"
say "results ($RESULTS, $OUT/results.md)"
cat "$OUT/results.md"
