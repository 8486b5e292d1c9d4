#!/usr/bin/env bash
# What API-key authentication costs: GET /api/v1/items with a key (format and checksum, cache lookup,
# revocation/expiry/allowlist checks, rate limit, scope, and an audit event durably appended to the
# event store before the request is served) against the same listing served with none of that, by
# the `bench` profile, in one run on one server. Prints requests/s and p99 of both and the ratio.
#
# Then a half-load run: the key-authenticated GET at half the median requests/s the rounds reached,
# to show its latency when the server is not saturated. wrk has no fixed-rate mode, so each of its
# connections waits before every request (a Lua delay()): CONNECTIONS connections waiting
# CONNECTIONS * 1000 / (max / 2) ms each offer at most half the maximum. Prints the rate reached and
# p50/p90/p99.
#
#   bench/auth.sh                          # 3 rounds of 15 s each, 32 connections
#   ROUNDS=5 DURATION=30s CONNECTIONS=64 bench/auth.sh
#
# Needs wrk (Debian: apt-get install wrk) and a JDK; builds server/target/keyhook.jar if missing.
set -euo pipefail

ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-15s}
CONNECTIONS=${CONNECTIONS:-32}
THREADS=${THREADS:-2}
PORT=${PORT:-18080}
BASE="http://127.0.0.1:$PORT"

cd "$(dirname "$0")/.."
command -v wrk >/dev/null || { echo "wrk is needed: apt-get install wrk" >&2; exit 1; }
CLEANUP=()
source bench/start-server.sh --spring.profiles.active=bench
source bench/measure.sh

bench_organization

run() { # name url [header]
    local out
    if [ -n "${3:-}" ]; then
        out=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency -H "$3" "$2")
    else
        out=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "$2")
    fi
    local rps p99 requests errors socket
    socket=$(echo "$out" | awk '/Socket errors/')
    [ -z "$socket" ] || echo "$1 run against $2: $socket" >&2
    rps=$(echo "$out" | awk '/^Requests\/sec/ {print $2}')
    p99=$(echo "$out" | awk '$1 == "99%" {print $2}')
    requests=$(echo "$out" | awk '/requests in/ {print $1}')
    errors=$(echo "$out" | awk '/Non-2xx/ {print $NF}')
    if [ -z "$rps" ] || [ -z "$p99" ] || [ -z "$requests" ]; then
        echo "unexpected wrk output for $2:" >&2
        echo "$out" >&2
        return 1
    fi
    echo "$1 $rps $p99 $requests ${errors:-0}"
}

echo "warming up (JIT): 3 x 10 s of each ..."
for warmup in 1 2 3; do
    baseline=$(DURATION=10s run baseline "$BASE/bench/items?organizationId=$ORG")
    keyed=$(DURATION=10s run keyed "$BASE/api/v1/items" "X-API-Key: $KEY")
    read -r _ b_rps _ _ b_err <<<"$baseline"
    read -r _ a_rps _ _ a_err <<<"$keyed"
    echo "warm-up $warmup: no auth $b_rps requests/s ($b_err non-2xx), API key $a_rps requests/s ($a_err non-2xx)"
done
settle

printf '%-6s %-10s %12s %10s %12s\n' round variant "requests/s" p99 non-2xx
RESULTS=()
KEYED_RPS=()
for round in $(seq 1 "$ROUNDS"); do
    before=$(audited)
    baseline=$(run baseline "$BASE/bench/items?organizationId=$ORG")
    keyed=$(run keyed "$BASE/api/v1/items" "X-API-Key: $KEY")
    read -r _ b_rps b_p99 _ b_err <<<"$baseline"
    read -r _ a_rps a_p99 a_requests a_err <<<"$keyed"
    settle
    after=$(audited)
    printf '%-6s %-10s %12s %10s %12s\n' "$round" "no auth" "$b_rps" "$b_p99" "$b_err"
    printf '%-6s %-10s %12s %10s %12s   (%s requests, %s audit events)\n' "$round" "API key" "$a_rps" "$a_p99" \
        "$a_err" "$a_requests" "$((after - before))"
    RESULTS+=("$a_rps $b_rps")
    KEYED_RPS+=("$a_rps")
done

printf '%s\n' "${RESULTS[@]}" | python3 -c '
import sys, statistics
pairs = [tuple(map(float, line.split())) for line in sys.stdin if line.strip()]
ratios = [a / b for a, b in pairs]
print("ratio API key / no auth, per round: " + ", ".join(f"{r:.3f}" for r in ratios))
print(f"median ratio: {statistics.median(ratios):.3f}  (goal >= 0.85)")
'

MAX=$(printf '%s\n' "${KEYED_RPS[@]}" | python3 -c 'import sys, statistics; print(statistics.median(float(l) for l in sys.stdin if l.strip()))')
DELAY_MS=$(awk -v c="$CONNECTIONS" -v max="$MAX" 'BEGIN { printf "%d", c * 1000 / (max / 2) + 0.5 }')
PACE="$RUN_DIR/half-load.lua"
echo "function delay() return $DELAY_MS end" >"$PACE"
settle
out=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency -s "$PACE" -H "X-API-Key: $KEY" "$BASE/api/v1/items")
rps=$(echo "$out" | awk '/^Requests\/sec/ {print $2}')
p50=$(echo "$out" | awk '$1 == "50%" {print $2}')
p90=$(echo "$out" | awk '$1 == "90%" {print $2}')
p99=$(echo "$out" | awk '$1 == "99%" {print $2}')
errors=$(echo "$out" | awk '/Non-2xx/ {print $NF}')
if [ -z "$rps" ] || [ -z "$p99" ]; then
    echo "unexpected wrk output for the half-load run:" >&2
    echo "$out" >&2
    exit 1
fi
echo "half load: API key, $CONNECTIONS connections each waiting $DELAY_MS ms before every request (at most" \
    "$(awk -v m="$MAX" 'BEGIN { printf "%.0f", m / 2 }') requests/s offered, half of $MAX):"
echo "  $rps requests/s, p50 $p50, p90 $p90, p99 $p99 (goal < 5 ms), ${errors:-0} non-2xx"
