#!/usr/bin/env bash
# What the usage audit costs, in one run on one server with its embedded stores:
#  1. storage: key-authenticated GET /api/v1/items with wrk for DURATION (every one an audit event),
#     then, once the usage projection has caught up, how much the data dir grew per audited request,
#     split into PostgreSQL's tables (base/), its WAL (pg_wal/) and the read models (readmodels.mv);
#  2. a replay of the usage audit (POST /api/v1/admin/replays of api-key-usage): events/s from the
#     start until the progress says done, the server's CPU per event, and that the rebuilt audit holds
#     every entry again. So that the replay has something to chew on, COPIES (default 100000) copies
#     of the last audit event are first appended straight to the event store (as if that many more
#     requests had been made, far faster; bench/AuditEvents.java) and projected live.
# JFR=/path/x.jfr records the server's CPU profile during the replay only (jcmd JFR.start/stop).
#
#   bench/audit.sh                       # 20 s of load, 32 connections
#   DURATION=40s CONNECTIONS=64 COPIES=200000 JFR=/tmp/replay.jfr bench/audit.sh
#
# Needs wrk (Debian: apt-get install wrk), python3 and a JDK; builds server/target/keyhook.jar if missing.
set -euo pipefail

DURATION=${DURATION:-20s}
CONNECTIONS=${CONNECTIONS:-32}
THREADS=${THREADS:-2}
COPIES=${COPIES:-100000}
PORT=${PORT:-18290}
BASE="http://127.0.0.1:$PORT"
EMAIL=operator@example.com

cd "$(dirname "$0")/.."
command -v wrk >/dev/null || { echo "wrk is needed: apt-get install wrk" >&2; exit 1; }
CLEANUP=()
source bench/start-server.sh --keyhook.operators="$EMAIL"

json() { python3 -c "import sys, json; print(json.load(sys.stdin)$1)"; }
load() { cut -d' ' -f1-3 /proc/loadavg; }
bytes() { du -sb "$1" | cut -f1; }
# Bytes of the data dir: all, PostgreSQL tables, PostgreSQL WAL, read models.
# CPU time (utime + stime, in clock ticks) the server's JVM has used so far.
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$SERVER/stat"; }
TICKS_PER_SECOND=$(getconf CLK_TCK)
sizes() { echo "$(bytes "$DATA") $(bytes "$DATA/postgres/base") $(bytes "$DATA/postgres/pg_wal") $(bytes "$DATA/readmodels.mv")"; }

SIGNUP=$(curl -sS --fail-with-body "$BASE/api/v1/auth/signup" -H 'Content-Type: application/json' \
    -d "{\"organization\":\"Bench\",\"email\":\"$EMAIL\",\"password\":\"bench password\"}")
TOKEN=$(echo "$SIGNUP" | json '["token"]')
ISSUED=$(curl -sS --fail-with-body "$BASE/api/v1/api-keys" -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
    -d '{"name":"bench","scopes":["items:read"],"rateLimitPerMinute":1000000}')
KEY=$(echo "$ISSUED" | json '["key"]')
KEY_ID=$(echo "$ISSUED" | json '["id"]')

audited() {
    curl -sS --fail-with-body "$BASE/api/v1/api-keys/$KEY_ID/usage?size=1" -H "Authorization: Bearer $TOKEN" | json '["total"]'
}
# Waits until the audit holds at least $1 entries and then holds still for a second; fails after 300 s.
settle() { # [at least]
    local last=-1 now i
    for ((i = 0; i < 300; i++)); do
        now=$(audited)
        if [ "$now" -ge "${1:-0}" ] && [ "$now" = "$last" ]; then
            return 0
        fi
        last=$now
        sleep 1
    done
    echo "the usage audit was still moving after 300 s (at $now)" >&2
    return 1
}

# ---- 1: audited requests, and what they leave on disk
settle
read -r all0 base0 wal0 rm0 <<<"$(sizes)"
before=$(audited)
out=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" -H "X-API-Key: $KEY" "$BASE/api/v1/items")
rps=$(echo "$out" | awk '/^Requests\/sec/ {print $2}')
requests=$(echo "$out" | awk '/requests in/ {print $1}')
non2xx=$(echo "$out" | awk '/Non-2xx/ {print $NF}')
if [ -z "$rps" ] || [ -z "$requests" ]; then
    echo "unexpected wrk output:" >&2
    echo "$out" >&2
    exit 1
fi
settle $((before + requests))
after=$(audited)
audits=$((after - before))
read -r all1 base1 wal1 rm1 <<<"$(sizes)"
echo "load: $requests key-authenticated requests in $DURATION ($rps requests/s, ${non2xx:-0} non-2xx), $audits audit entries  [load $(load)]"
awk -v n="$audits" -v a=$((all1 - all0)) -v b=$((base1 - base0)) -v w=$((wal1 - wal0)) -v r=$((rm1 - rm0)) \
    'BEGIN { printf "data dir growth per audited request: %.0f bytes (postgres tables %.0f, WAL %.0f, readmodels.mv %.0f)\n", a / n, b / n, w / n, r / n }'

# ---- 2: a replay of the usage audit, of the requests above and of COPIES more
source scripts/jar-classpath.sh
java -cp "$JAR_CLASSPATH" bench/AuditEvents.java "$DATA" "$COPIES"
copied_at=$(date +%s%N)
settle $((after + COPIES))
after=$(audited)
read -r allc basec walc rmc <<<"$(sizes)"
awk -v n="$COPIES" -v ns=$(($(date +%s%N) - copied_at)) \
    'BEGIN { printf "%d copies of the last audit event appended to the event store; projected live in %.1f s (settle included)\n", n, ns / 1e9 }'
STARTED=$(date +%s%N)
cpu0=$(cpu_ticks)
[ -z "${JFR:-}" ] || jcmd "$SERVER" JFR.start name=replay settings=profile filename="$JFR"
REPLAY=$(curl -sS --fail-with-body "$BASE/api/v1/admin/replays" -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
    -d '{"processingGroup":"api-key-usage"}')
REPLAY_ID=$(echo "$REPLAY" | json '["id"]')
for ((i = 0; ; i++)); do
    progress=$(curl -sS --fail-with-body "$BASE/api/v1/admin/replays/$REPLAY_ID" -H "Authorization: Bearer $TOKEN")
    [ "$(echo "$progress" | json '["done"]')" != True ] || break
    if [ "$i" -ge 6000 ]; then
        echo "the replay was not done after 600 s: $progress" >&2
        exit 1
    fi
    sleep 0.1
done
ENDED=$(date +%s%N)
cpu1=$(cpu_ticks)
[ -z "${JFR:-}" ] || jcmd "$SERVER" JFR.stop name=replay
total=$(echo "$progress" | json '["eventsTotal"]')
settle "$after"
rebuilt=$(audited)
read -r all2 base2 wal2 rm2 <<<"$(sizes)"
awk -v n="$total" -v ns=$((ENDED - STARTED)) -v cpu=$((cpu1 - cpu0)) -v hz="$TICKS_PER_SECOND" -v load="$(load)" \
    'BEGIN { printf "replay of api-key-usage: %d events in %.2f s: %.0f events/s, server CPU %.0f µs per event  [load %s]\n", n, ns / 1e9, n / (ns / 1e9), cpu / hz * 1e6 / n, load }'
echo "audit entries after the replay: $rebuilt (before: $after)$([ "$rebuilt" = "$after" ] || echo '  MISMATCH')"
growth() { # what all base wal readmodels
    awk -v what="$1" -v a="$2" -v b="$3" -v w="$4" -v r="$5" 'BEGIN { printf "%s grew the data dir by %.1f MB (postgres tables %.1f MB, WAL %.1f MB, readmodels.mv %.1f MB)\n", what, a / 1048576, b / 1048576, w / 1048576, r / 1048576 }'
}
growth "the $COPIES copies" $((allc - all1)) $((basec - base1)) $((walc - wal1)) $((rmc - rm1))
growth "the replay" $((all2 - allc)) $((base2 - basec)) $((wal2 - walc)) $((rm2 - rmc))
echo "data dir at the end: $(du -sh "$DATA" | cut -f1) (postgres tables $(du -sh "$DATA/postgres/base" | cut -f1), WAL $(du -sh "$DATA/postgres/pg_wal" | cut -f1), readmodels.mv $(du -sh "$DATA/readmodels.mv" | cut -f1))"
[ "$rebuilt" = "$after" ]
