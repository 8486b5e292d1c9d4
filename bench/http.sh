#!/usr/bin/env bash
# Where Keyhook stands against the HTTP floor: a minimal Reactor Netty server (bench/HttpFloor.java)
# that answers every GET with the very bytes Keyhook's GET /api/v1/items returned, beside Keyhook in
# one run on one machine. After a warm-up round of every target, measures each with wrk and prints
# requests/s, p99, the ratio to the floor and the CPU time the serving process used per request
# (utime + stime from /proc/<pid>/stat before and after; for the two item listings, Keyhook's
# embedded PostgreSQL too, and the time until the usage audit of the key-authenticated run has been
# projected is included), and of that the JIT compiler threads' share. Targets: the floor, the static console page (/index.html),
# /actuator/health, GET /api/v1/items (20 items) with an API key and with a login token (JWT).
#
#   bench/http.sh                                   # 1 round of 15 s per target, 32 connections
#   ROUNDS=3 DURATION=30s CONNECTIONS=64 bench/http.sh
#
# Needs wrk (Debian: apt-get install wrk) and a JDK; builds server/target/keyhook.jar if missing.
set -euo pipefail

ROUNDS=${ROUNDS:-1}
DURATION=${DURATION:-15s}
WARMUP=${WARMUP:-10s}
CONNECTIONS=${CONNECTIONS:-32}
THREADS=${THREADS:-2}
PORT=${PORT:-18190}
FLOOR_PORT=${FLOOR_PORT:-$((PORT + 1))}
BASE="http://127.0.0.1:$PORT"
FLOOR="http://127.0.0.1:$FLOOR_PORT"

cd "$(dirname "$0")/.."
command -v wrk >/dev/null || { echo "wrk is needed: apt-get install wrk" >&2; exit 1; }
CLEANUP=()
source bench/start-server.sh
source scripts/jar-classpath.sh
source bench/measure.sh

TICKS_PER_SECOND=$(getconf CLK_TCK)

bench_organization

BODY="$RUN_DIR/items.json"
curl -sS -f -o "$BODY" "$BASE/api/v1/items" -H "X-API-Key: $KEY"
curl -sS -f -o "$RUN_DIR/items-jwt.json" "$BASE/api/v1/items" -H "Authorization: Bearer $TOKEN"
cmp -s "$BODY" "$RUN_DIR/items-jwt.json" || { echo "the key and the login token listed different items" >&2; exit 1; }

FLOOR_PID=
stop_floor() {
    if [ -n "$FLOOR_PID" ] && kill -0 "$FLOOR_PID" 2>/dev/null; then
        kill -TERM "$FLOOR_PID"
        wait "$FLOOR_PID" || true
    fi
}
CLEANUP+=(stop_floor)
java -Xms256m -Xmx256m -cp "$JAR_CLASSPATH" bench/HttpFloor.java "$FLOOR_PORT" "$BODY" >"$RUN_DIR/floor.log" 2>&1 &
FLOOR_PID=$!
for ((i = 0; ; i++)); do
    curl -sS -f -o "$RUN_DIR/floor.json" "$FLOOR/api/v1/items" 2>/dev/null && break
    if ! kill -0 "$FLOOR_PID" 2>/dev/null || [ "$i" -ge 600 ]; then
        echo "the floor server did not start; its log:" >&2
        cat "$RUN_DIR/floor.log" >&2
        exit 1
    fi
    sleep 0.1
done
cmp "$BODY" "$RUN_DIR/floor.json" || { echo "the floor does not answer Keyhook's bytes" >&2; exit 1; }
echo "GET /api/v1/items answers $(wc -c <"$BODY") bytes; the floor answers the same bytes"

TARGETS=(floor static health key jwt)
declare -A URL=([floor]="$FLOOR/api/v1/items" [static]="$BASE/index.html" [health]="$BASE/actuator/health"
    [key]="$BASE/api/v1/items" [jwt]="$BASE/api/v1/items")
declare -A HEADER=([key]="X-API-Key: $KEY" [jwt]="Authorization: Bearer $TOKEN")
declare -A LABEL=([floor]="floor (Reactor Netty)" [static]="static /index.html" [health]="/actuator/health"
    [key]="GET /items, API key" [jwt]="GET /items, JWT")

# Runs wrk against one target for the given duration; prints "rps p99 requests non2xx cpu_ms_per_request
# db_ms_per_request jit_ms_per_request".
run() { # target duration
    local target=$1 pid out rps p99 requests errors socket before after db_before=0 db_after=0 jit_before jit_after
    pid=$SERVER
    [ "$target" != floor ] || pid=$FLOOR_PID
    before=$(proc_ticks "$pid") || { echo "the process $pid serving $target is gone" >&2; return 1; }
    jit_before=$(jit_ticks "$pid")
    [ "$target" != key ] && [ "$target" != jwt ] || db_before=$(db_ticks)
    if [ -n "${HEADER[$target]:-}" ]; then
        out=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$2" --latency -H "${HEADER[$target]}" "${URL[$target]}")
    else
        out=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$2" --latency "${URL[$target]}")
    fi
    [ "$target" != key ] || settle
    after=$(proc_ticks "$pid") || { echo "the process $pid serving $target is gone" >&2; return 1; }
    jit_after=$(jit_ticks "$pid")
    [ "$target" != key ] && [ "$target" != jwt ] || db_after=$(db_ticks)
    socket=$(echo "$out" | awk '/Socket errors/')
    [ -z "$socket" ] || echo "$target run against ${URL[$target]}: $socket" >&2
    rps=$(echo "$out" | awk '/^Requests\/sec/ {print $2}')
    p99=$(echo "$out" | awk '$1 == "99%" {print $2}')
    requests=$(echo "$out" | awk '/requests in/ {print $1}')
    errors=$(echo "$out" | awk '/Non-2xx/ {print $NF}')
    if [ -z "$rps" ] || [ -z "$p99" ] || [ -z "$requests" ] || [ "$requests" -eq 0 ]; then
        echo "unexpected wrk output for ${URL[$target]}:" >&2
        echo "$out" >&2
        return 1
    fi
    awk -v rps="$rps" -v p99="$p99" -v n="$requests" -v e="${errors:-0}" -v t="$((after - before))" \
        -v d="$((db_after - db_before))" -v j="$((jit_after - jit_before))" -v tps="$TICKS_PER_SECOND" \
        'BEGIN { printf "%s %s %s %s %.3f %.3f %.3f\n", rps, p99, n, e, t * 1000 / tps / n, d * 1000 / tps / n, j * 1000 / tps / n }'
}

echo "warm-up (JIT): $WARMUP of each target ..."
for target in "${TARGETS[@]}"; do
    result=$(run "$target" "$WARMUP")
    read -r rps _ _ errors _ <<<"$result"
    echo "  ${LABEL[$target]}: $rps requests/s ($errors non-2xx)"
done

declare -A RPS P99
for round in $(seq 1 "$ROUNDS"); do
    echo
    echo "round $round of $ROUNDS: $DURATION per target, $CONNECTIONS connections, $THREADS wrk threads"
    printf '%-24s %12s %10s %9s %9s %12s %12s %12s\n' target "requests/s" p99 "/floor" non-2xx "CPU ms/req" "of it JIT" \
        "DB ms/req"
    for target in "${TARGETS[@]}"; do
        result=$(run "$target" "$DURATION")
        read -r rps p99 _ errors cpu db jit <<<"$result"
        RPS[$target]+="$rps "
        P99[$target]+="$p99 "
        floor_rps=$(echo "${RPS[floor]}" | awk '{print $NF}')
        ratio=$(awk -v a="$rps" -v b="$floor_rps" 'BEGIN { printf "%.3f", a / b }')
        [ "$target" = key ] || [ "$target" = jwt ] || db="-"
        printf '%-24s %12s %10s %9s %9s %12s %12s %12s\n' "${LABEL[$target]}" "$rps" "$p99" "$ratio" "$errors" "$cpu" \
            "$jit" "$db"
    done
done

echo
{
    for target in "${TARGETS[@]}"; do
        echo "$target ${RPS[$target]}"
    done
} | python3 -c '
import sys, statistics
rps = {}
for line in sys.stdin:
    name, *values = line.split()
    rps[name] = statistics.median(float(v) for v in values)
floor, key, jwt, static = rps["floor"], rps["key"], rps["jwt"], rps["static"]
def goal(text, ok):
    status = "met" if ok else "NOT met"
    print(f"{text:64s} {status}")
print("medians over the rounds, requests/s: " + ", ".join(f"{k} {v:.0f}" for k, v in rps.items()))
goal(f"keyed GET /items >= 0.10 of the floor: {key / floor:.3f}", key / floor >= 0.10)
goal(f"static >= 0.5 of the floor: {static / floor:.3f}", static / floor >= 0.5)
goal(f"JWT path within 20 % of the key path (not slower): JWT / key {jwt / key:.3f}", jwt / key >= 0.8)

'
