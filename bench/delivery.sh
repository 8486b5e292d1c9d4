#!/usr/bin/env bash
# Webhook delivery throughput: a local receiver; first a plain reactive HTTP client (Reactor Netty)
# POSTs N requests to it, then N item events go through Keyhook (command, event store, dispatcher,
# Delivery aggregate, DeliverySaga with a persisted deadline per attempt, signed HTTP attempt,
# outcome recorded) to one subscription on the same receiver. Prints both rates and the ratio.
# Then M deliveries to a receiver that fails each twice show how late retries start against
# their schedule (retries here: 1 s, then 2 s).
#
# Last, measured while the server still runs: the size of its data dir per delivery made, and the
# CPU time the server process (and, once the server runs one, its embedded PostgreSQL) used during
# the N Keyhook deliveries, per delivery. The CPU times are read from /proc at the two ends of that
# phase, while DeliveryBench waits; the JIT compiler threads' share of the server's is printed too.
#
# A warm-up round of WARMUP deliveries (default 500) runs first and is not counted. With PROFILE set
# to a file name, a flight recording of the server covers exactly the N deliveries (read it with
# bench/jfr-top.py).
#
#   bench/delivery.sh                 # N=5000, M=200
#   N=20000 M=500 WARMUP=1000 bench/delivery.sh
#   PROFILE=/tmp/deliveries.jfr bench/delivery.sh && bench/jfr-top.py /tmp/deliveries.jfr
#
# Needs a JDK; builds server/target/keyhook.jar if missing.
set -euo pipefail

N=${N:-5000}
M=${M:-200}
WARMUP=${WARMUP:-500}
CONCURRENCY=${CONCURRENCY:-32}
PORT=${PORT:-18090}
BASE="http://127.0.0.1:$PORT"

cd "$(dirname "$0")/.."
CLEANUP=()
source bench/start-server.sh --keyhook.webhooks.allow-private-targets=true \
    --keyhook.webhooks.retry.initial-delay=1s --keyhook.webhooks.retry.multiplier=2
source scripts/jar-classpath.sh
source bench/measure.sh

TICKS_PER_SECOND=$(getconf CLK_TCK)

per_delivery_ms() { # ticks deliveries
    awk -v ticks="$1" -v tps="$TICKS_PER_SECOND" -v n="$2" 'BEGIN { printf "%.2f", ticks * 1000 / tps / n }'
}

# Reads DeliveryBench's output: passes its lines through, samples the CPU times at its phase marks
# (DeliveryBench waits for a line on its stdin, the fifo, after each), and once it has finished
# prints the data dir's size and the CPU per delivery.
report() {
    local line server_start='' db_start='' server_cpu='' db_cpu='' phase_deliveries='' deliveries='' bytes now
    local jit_start='' jit_cpu=''
    local data_start='' data_growth=''
    exec 3>"$ACK"
    while IFS= read -r line; do
        case $line in
        "@phase keyhook start")
            server_start=$(proc_ticks "$SERVER") || { echo "the server ($SERVER) is gone" >&2; return 1; }
            jit_start=$(jit_ticks "$SERVER")
            db_start=$(db_ticks)
            data_start=$(du -sb "$DATA" | cut -f1)
            if [ -n "${PROFILE:-}" ]; then
                jcmd "$SERVER" JFR.start name=delivery-bench settings=profile filename="$PROFILE" >&2
            fi
            echo go >&3
            ;;
        "@phase keyhook end "*)
            now=$(proc_ticks "$SERVER") || { echo "the server ($SERVER) is gone" >&2; return 1; }
            server_cpu=$((now - server_start))
            jit_cpu=$(($(jit_ticks "$SERVER") - jit_start))
            now=$(db_ticks)
            [ -z "$now" ] || [ -z "$db_start" ] || db_cpu=$((now - db_start))
            phase_deliveries=${line##* }
            data_growth=$(($(du -sb "$DATA" | cut -f1) - data_start))
            if [ -n "${PROFILE:-}" ]; then
                jcmd "$SERVER" JFR.stop name=delivery-bench >&2
            fi
            echo go >&3
            ;;
        "@deliveries "*)
            deliveries=${line##* }
            ;;
        *)
            printf '%s\n' "$line"
            ;;
        esac
    done
    exec 3>&-
    if [ -z "$deliveries" ] || [ -z "$phase_deliveries" ]; then
        return 0 # DeliveryBench did not finish; it has said why
    fi
    bytes=$(du -sb "$DATA" | cut -f1)
    echo "data dir by part (bytes): $(cd "$DATA" && du -sb postgres/pg_wal postgres/base readmodels.mv 2>&1 | tr '\t\n' ' ')"
    awk -v bytes="$bytes" -v n="$deliveries" \
        'BEGIN { printf "data dir: %.1f MB after %d deliveries (%.2f KB per delivery)\n", bytes / 1048576, n, bytes / 1024 / n }'
    awk -v bytes="$data_growth" -v n="$phase_deliveries" \
        'BEGIN { printf "data dir growth during the measured deliveries: %.1f MB (%.2f KB per delivery)\n", bytes / 1048576, bytes / 1024 / n }'
    echo "server CPU per delivery: $(per_delivery_ms "$server_cpu" "$phase_deliveries") ms" \
        "($server_cpu ticks of 1/$TICKS_PER_SECOND s over $phase_deliveries deliveries), of which the JIT compiler" \
        "$(per_delivery_ms "$jit_cpu" "$phase_deliveries") ms"
    if [ -n "$db_cpu" ]; then
        echo "database CPU per delivery: $(per_delivery_ms "$db_cpu" "$phase_deliveries") ms" \
            "($db_cpu ticks of 1/$TICKS_PER_SECOND s over $phase_deliveries deliveries)"
    fi
}

ACK="$RUN_DIR/phase-ack"
mkfifo "$ACK"
java -cp "$JAR_CLASSPATH" bench/DeliveryBench.java "$BASE" "$N" "$CONCURRENCY" "$M" --wait-at-phases \
    "--warmup=$WARMUP" <"$ACK" | report
