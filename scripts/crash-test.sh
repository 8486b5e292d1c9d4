#!/usr/bin/env bash
# Crash test: in each round the packaged server runs on a fresh data dir under mixed load from
# several concurrent clients (signups, items with stock crossing the low-stock threshold, API keys
# issued, rotated and revoked, webhook subscriptions to a local receiver, reads with keys), is
# killed with SIGKILL at a random moment (every second round its PostgreSQL as well: a power cut),
# restarted on the same data dir, and checked against the clients' own record: every acknowledged
# write visible, every matching event of an acknowledged write delivered with a valid signature and
# one webhook-id, every served key request in the usage audit, no phantom events. Prints a line per
# round and a summary; exits non-zero on any finding or infrastructure failure.
#
#   scripts/crash-test.sh              # 5 rounds
#   scripts/crash-test.sh 2            # 2 rounds
#   POWER_CUT=0 scripts/crash-test.sh  # no power-cut rounds (a server without embedded PostgreSQL)
#   SEED=42 scripts/crash-test.sh      # the same random choices again
#
# Needs a JDK 17; builds server/target/keyhook.jar if missing. Uses ports 19100-19199 on 127.0.0.1.
set -euo pipefail

ROUNDS=${1:-5}
POWER_CUT=${POWER_CUT:-1}
SEED=${SEED:-$RANDOM$RANDOM}
[[ "$ROUNDS" =~ ^[1-9][0-9]*$ ]] || { echo "usage: $0 [ROUNDS]  (a positive number)" >&2; exit 2; }

cd "$(dirname "$0")/.."
WORK=$(mktemp -d)
HARNESS=
CLEANUP=()

# Kills what a round may have left behind: its server (pid file written by the harness) and the
# postmaster of its embedded PostgreSQL (first line of <data dir>/postgres/postmaster.pid), each only
# if that pid still runs the program in question.
kill_leftovers() {
    local pid_file pid
    for pid_file in "$WORK"/round-*/server.pid; do
        [ -f "$pid_file" ] || continue
        pid=$(head -n 1 "$pid_file")
        if grep -qs keyhook.jar "/proc/$pid/cmdline"; then
            kill -9 "$pid" 2>/dev/null || true
        fi
    done
    for pid_file in "$WORK"/round-*/data/postgres/postmaster.pid; do
        [ -f "$pid_file" ] || continue
        pid=$(head -n 1 "$pid_file")
        if grep -qs postgres "/proc/$pid/cmdline"; then
            pkill -9 -P "$pid" || true
            kill -9 "$pid" 2>/dev/null || true
        fi
    done
}

cleanup() {
    if [ -n "$HARNESS" ]; then
        kill "$HARNESS" 2>/dev/null || true
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

source scripts/jar-classpath.sh

# In the background so that a signal to this script reaches the trap at once; the harness's exit
# status is the script's.
java -cp "$JAR_CLASSPATH" scripts/crash/CrashTest.java --rounds "$ROUNDS" --power-cut "$POWER_CUT" \
    --seed "$SEED" --work "$WORK" --jar server/target/keyhook.jar &
HARNESS=$!
status=0
wait "$HARNESS" || status=$?
HARNESS=
exit "$status"
