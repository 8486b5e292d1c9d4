#!/usr/bin/env bash
# What durable storage costs, in one run on one server with its embedded PostgreSQL (fsync and
# synchronous_commit on):
#  1. the store itself: small autocommit INSERTs (~200 bytes) into a scratch schema, 1 connection x
#     3000 commits, then 8 x 750: commits/s and CPU per commit of PostgreSQL and of the client JVM;
#  2. Keyhook writes: N POST /api/v1/items from C concurrent clients: writes/s, server and database
#     CPU per write, PostgreSQL transactions per write (pg_stat_database; they include the event
#     processors' and the scheduler's own commits in that window);
#  3. start time until /actuator/health answers: first start on a fresh data dir (initdb included),
#     restart after a normal stop (SIGTERM), after kill -9 of the JVM (the next start stops the
#     postmaster it left behind) and after kill -9 of the JVM and all PostgreSQL processes (crash
#     recovery); JVM RSS at ready; the data dir's size at the end.
# Each figure comes with the load average (1, 5, 15 min) when it was taken.
#
#   bench/storage.sh                # N=2000, C=16, after 1000 warm-up writes (JIT)
#   N=5000 C=32 WARMUP=500 bench/storage.sh
#   PROFILE=/tmp/writes.jfr bench/storage.sh && bench/jfr-top.py /tmp/writes.jfr   # JFR of the measured writes
#
# Needs a JDK; builds server/target/keyhook.jar if missing.
set -euo pipefail

N=${N:-2000}
C=${C:-16}
WARMUP=${WARMUP:-1000}
PORT=${PORT:-18400}
BASE="http://127.0.0.1:$PORT"
# Start times are measured to the health check that answers first.
STARTUP_POLL=${STARTUP_POLL:-0.1}

cd "$(dirname "$0")/.."
CLEANUP=()
source bench/start-server.sh
TICKS_PER_SECOND=$(getconf CLK_TCK)
SUMMARY="$RUN_DIR/summary"
: >"$SUMMARY"

load() { cut -d' ' -f1-3 /proc/loadavg; }

# Prints (and adds to the summary) how long the last start took and the JVM's RSS at ready.
start_line() { # what
    local rss line
    rss=$(awk '$1 == "VmRSS:" { printf "%d", $2 / 1024 }' "/proc/$SERVER/status")
    line=$(awk -v what="$1" -v ns=$((SERVER_READY_NS - SERVER_LAUNCH_NS)) -v rss="$rss" -v load="$(load)" \
        'BEGIN { printf "start, %-34s %5.1f s to healthy, JVM RSS at ready %4d MB  [load %s]", what ":", ns / 1e9, rss, load }')
    echo "$line"
    echo "$line" >>"$SUMMARY"
}

# The PID on the first line of postmaster.pid; nothing if there is no such file (a clean shutdown removes it).
postmaster_pid() { [ ! -f "$DATA/postgres/postmaster.pid" ] || head -n 1 "$DATA/postgres/postmaster.pid"; }
alive() { kill -0 "$1" 2>/dev/null; }
# Lines of PostgreSQL's own log (logging_collector) and of the server log that match, counted.
pg_log_count() { cat "$DATA"/postgres/log/* | grep -c -- "$1" || true; }
server_log_count() { grep -c -- "$1" "$SERVER_LOG" || true; }

echo "data dir $DATA on $(stat -f -c %T "$DATA"), $(nproc) cores, server PID $SERVER"
start_line "first, fresh data dir (initdb)"
source scripts/jar-classpath.sh

# ---- 1 and 2: the store itself, then Keyhook writes
writes_status=0
java -cp "$JAR_CLASSPATH" bench/StorageBench.java "$BASE" "$DATA" "$SERVER" "$TICKS_PER_SECOND" "$N" "$C" \
    "$WARMUP" "$SUMMARY" || writes_status=$?
case $writes_status in
0) ;;
3) echo "some writes were not answered 201; going on with the start times" >&2 ;;
*) exit "$writes_status" ;;
esac

# ---- 3: restarts on the same data dir
stop_started=$(date +%s%N)
halt_server term
stop_ms=$((($(date +%s%N) - stop_started) / 1000000))
left=$(postmaster_pid)
if [ -n "$left" ] && alive "$left"; then
    echo "odd: the postmaster ($left) still runs after the server stopped normally" >&2
fi
echo "normal stop (SIGTERM): the JVM exited in $stop_ms ms with status $SERVER_EXIT"
restart_server
start_line "after a normal stop"

orphan=$(postmaster_pid)
stops_before=$(server_log_count "Stopping the PostgreSQL server (pid $orphan)")
recoveries_before=$(pg_log_count "automatic recovery in progress")
halt_server kill
if alive "$orphan"; then
    echo "kill -9 of the JVM: its postmaster ($orphan) outlives it"
else
    echo "odd: the postmaster ($orphan) did not outlive the JVM's kill -9" >&2
fi
restart_server
start_line "after kill -9 of the JVM"
stopped=$(($(server_log_count "Stopping the PostgreSQL server (pid $orphan)") - stops_before))
recovered=$(($(pg_log_count "automatic recovery in progress") - recoveries_before))
echo "  the new start stopped the orphaned postmaster: $([ "$stopped" -gt 0 ] && echo yes || echo no);" \
    "crash recovery: $([ "$recovered" -gt 0 ] && echo yes || echo "no (it was shut down cleanly)")"

postmaster=$(postmaster_pid)
children=$(pgrep -P "$postmaster") || { echo "the postmaster ($postmaster) has no children" >&2; exit 1; }
postgres_processes=("$postmaster" $children)
recoveries_before=$(pg_log_count "automatic recovery in progress")
halt_server kill "${postgres_processes[@]}"
for ((i = 0; i < 100; i++)); do
    alive "$postmaster" || break
    sleep 0.1
done
if alive "$postmaster"; then
    echo "the postmaster ($postmaster) is still there 10 s after kill -9" >&2
    exit 1
fi
echo "kill -9 of the JVM and of all ${#postgres_processes[@]} PostgreSQL processes"
restart_server
start_line "after kill -9 of JVM and PostgreSQL"
recovered=$(($(pg_log_count "automatic recovery in progress") - recoveries_before))
redo=$(cat "$DATA"/postgres/log/* | grep -o 'redo done at .*' | tail -n 1 || true)
echo "  crash recovery: $([ "$recovered" -gt 0 ] && echo yes || echo no)${redo:+ ($redo)}"

data_bytes=$(du -sb "$DATA" | cut -f1)
pg_bytes=$(du -sb "$DATA/postgres" | cut -f1)
size_line=$(awk -v d="$data_bytes" -v p="$pg_bytes" -v load="$(load)" \
    'BEGIN { printf "data dir at the end: %.1f MB (postgres %.1f MB)  [load %s]", d / 1048576, p / 1048576, load }')
echo "$size_line"

echo
echo "=== summary (N=$N writes after $WARMUP warm-up writes, C=$C clients, $(nproc) cores; [load 1 5 15 min])"
cat "$SUMMARY"
echo "$size_line"
if [ "$writes_status" -ne 0 ]; then
    exit 1
fi
