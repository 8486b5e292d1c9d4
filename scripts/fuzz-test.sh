#!/usr/bin/env bash
# Fuzz test: starts the packaged server on a fresh data dir, makes an organization with items, API
# keys and a webhook subscription, then sends every operation of /v3/api-docs in malformed variants
# chosen from SEED (credentials, methods, path and query parameters, bodies, content types, Accept,
# If-Match, oversized URIs and headers) and invalid HTTP over a plain socket. Every answer must be
# below 500 and every error an RFC 9457 problem (application/problem+json, its status the HTTP status,
# no stack trace, class name or secret); no malformed request may be accepted; items, keys,
# subscriptions and deliveries must be unchanged, no webhook sent, no error in the server log, and
# the server must still take writes afterwards. Prints each finding and a summary line; exits 1 on
# any finding, 2 when the infrastructure failed.
#
#   scripts/fuzz-test.sh            # a new seed, printed
#   SEED=42 scripts/fuzz-test.sh    # the same requests again
#
# Needs a JDK 17; builds server/target/keyhook.jar if missing. Uses ports 19300-19399 on 127.0.0.1.
set -euo pipefail

SEED=${SEED:-$RANDOM$RANDOM}
[[ "$SEED" =~ ^-?[0-9]+$ ]] || { echo "SEED must be a number, not '$SEED'" >&2; exit 2; }

cd "$(dirname "$0")/.."
WORK=$(mktemp -d)
HARNESS=
CLEANUP=()

# Stops what the harness may have left behind: its server (pid file written by the harness) and the
# postmaster of its embedded PostgreSQL (first line of <data dir>/postgres/postmaster.pid), each only
# if that pid still runs the program in question.
kill_leftovers() {
    local pid
    if [ -f "$WORK/server.pid" ]; then
        pid=$(head -n 1 "$WORK/server.pid")
        if [ -d "/proc/$pid" ] && grep -qs keyhook.jar "/proc/$pid/cmdline"; then
            kill -9 "$pid" || true
        fi
    fi
    if [ -f "$WORK/data/postgres/postmaster.pid" ]; then
        pid=$(head -n 1 "$WORK/data/postgres/postmaster.pid")
        if [ -d "/proc/$pid" ] && grep -qs postgres "/proc/$pid/cmdline"; then
            pkill -9 -P "$pid" || true
            kill -9 "$pid" || true
        fi
    fi
}

cleanup() {
    if [ -n "$HARNESS" ] && [ -d "/proc/$HARNESS" ]; then
        kill "$HARNESS" || true
        wait "$HARNESS" || true
    fi
    kill_leftovers
    local step
    for step in "${CLEANUP[@]}"; do eval "$step"; done
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

[ -f server/target/keyhook.jar ] || ./mvnw -B -o -q package -DskipTests
source scripts/jar-classpath.sh

# In the background so that a signal to this script reaches the trap at once; the harness's exit
# status is the script's.
java -cp "$JAR_CLASSPATH" scripts/fuzz/FuzzTest.java --seed "$SEED" --work "$WORK" --jar server/target/keyhook.jar &
HARNESS=$!
status=0
wait "$HARNESS" || status=$?
HARNESS=
exit "$status"
