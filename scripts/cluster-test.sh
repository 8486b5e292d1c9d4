#!/usr/bin/env bash
# Cluster test: the storage server (--keyhook.mode=storage) and two instances, A and B, with the
# postgres profile on it; the crash test's mixed load (signups, items with stock crossing the
# low-stock threshold, API keys issued, rotated and revoked, webhook subscriptions to a local receiver
# that answers 500 to a fifth of the attempts, reads with keys) through both instances in turn, then
# a delivery storm, in which A is killed with SIGKILL. The load goes on through B while the harness
# watches, in the database, B take over A's segments (tokenentry) and the deadlines A had picked
# (scheduled_tasks); then A is restarted on the same settings. With both up: keys revoked through one
# instance and asked for through the other until refused, and a rate-limited key hammered through
# both. Then the clients' record is checked through B and through A: every acknowledged write there,
# every matching event of one delivered (signed, answered 2xx) under one webhook-id, every served key
# request audited. Prints what it measured and a summary line; exits 1 on any loss, missing
# delivery, changed webhook-id, revocation not honoured, server error to the hammered key, rate
# limit overshot beyond its bound or takeover beyond its limit (15 s for segments, 30 s for
# deadlines), 2 when the infrastructure failed.
#
#   scripts/cluster-test.sh              # the full run: 8 clients, longer load, 200 revocations (5 to 10 minutes)
#   scripts/cluster-test.sh --short      # what CI runs: 4 clients, 40 revocations (3 to 5 minutes on 2 cores)
#   SEED=42 scripts/cluster-test.sh      # the same random choices again (not the same timing)
#   KEEP_WORK=1 scripts/cluster-test.sh  # keep the logs and data dirs (their place is printed)
#
# Needs a JDK 17; builds server/target/keyhook.jar if missing. Uses free ports in 19100-19199 on
# 127.0.0.1 (those of the crash test, whose parts it uses: both are compiled into the work dir).
set -euo pipefail

SHORT=0
case "${1:-}" in
    --short) SHORT=1 ;;
    "") ;;
    *) echo "usage: $0 [--short]" >&2; exit 2 ;;
esac
SEED=${SEED:-$RANDOM$RANDOM}
KEEP_WORK=${KEEP_WORK:-0}
[[ "$SEED" =~ ^-?[0-9]+$ ]] || { echo "SEED must be a number, not '$SEED'" >&2; exit 2; }

cd "$(dirname "$0")/.."
WORK=$(mktemp -d)
HARNESS=
CLEANUP=()

# Kills what the harness may have left behind: the instances and the storage server (pid files
# written by the harness) and the postmaster of the storage server's PostgreSQL (first line of
# storage/data/postgres/postmaster.pid), each only if that pid still runs the program in question.
kill_leftovers() {
    local pid_file pid
    for pid_file in "$WORK"/*/server.pid "$WORK"/storage/storage.pid; do
        [ -f "$pid_file" ] || continue
        pid=$(head -n 1 "$pid_file")
        if grep -qs keyhook.jar "/proc/$pid/cmdline"; then
            kill -9 "$pid" 2>/dev/null || true
        fi
    done
    for pid_file in "$WORK"/*/data/postgres/postmaster.pid; do
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
    if [ "$KEEP_WORK" = 1 ]; then
        rm -rf "$WORK/classes"
        echo "logs and data dirs kept in $WORK" >&2
    else
        rm -rf "$WORK"
    fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

source scripts/jar-classpath.sh

javac -nowarn -d "$WORK/classes" -cp "$JAR_CLASSPATH" scripts/crash/CrashTest.java scripts/cluster/ClusterTest.java

# In the background so that a signal to this script reaches the trap at once; the harness's exit
# status is the script's.
java -cp "$WORK/classes:$JAR_CLASSPATH" ClusterTest --short "$SHORT" --seed "$SEED" --work "$WORK" \
    --jar server/target/keyhook.jar &
HARNESS=$!
status=0
wait "$HARNESS" || status=$?
HARNESS=
exit "$status"
