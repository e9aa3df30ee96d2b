#!/usr/bin/env bash
# Runs every interop suite against real third-party software (see README.md here): json-server,
# oauth2-mock-server, a Singer target. Builds `pullpush` once (unless PULLPUSH_BIN names one) and
# installs the npm packages once, then runs each suite and prints the total as the last line,
# `N passed, M failed`. Exits 1 when a check failed.
source "$(dirname "$0")/common.sh"
interop_init run

started=$(date +%s)
require "build pullpush" pullpush_binary
require "install the npm packages" install_node_packages

total_passed=0
total_failed=0
for suite in json-server oauth2 singer-target; do
  echo "== interop: $suite"
  "$INTEROP_DIR/$suite.sh" | tee "$WORK/$suite.out"
  status=${PIPESTATUS[0]}
  last=$(tail -n 1 "$WORK/$suite.out")
  if [[ "$last" =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed$ ]]; then
    total_passed=$((total_passed + BASH_REMATCH[1]))
    total_failed=$((total_failed + BASH_REMATCH[2]))
    if [ "$status" -ne 0 ] && [ "${BASH_REMATCH[2]}" -eq 0 ]; then
      echo "FAIL $suite exited $status"
      total_failed=$((total_failed + 1))
    fi
  else
    echo "FAIL $suite ended without a summary (exit $status)"
    total_failed=$((total_failed + 1))
  fi
done

echo "== interop: total ($(($(date +%s) - started)) s)"
PASSED=$total_passed
FAILED=$total_failed
summary
