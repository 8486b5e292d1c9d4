# Sourced by the benchmarks: CPU time of the server and its embedded PostgreSQL from /proc, an
# organization to measure with, and a wait for the usage audit to catch up. Uses BASE and DATA (the
# server's address and data dir).

json() { python3 -c "import sys, json; print(json.load(sys.stdin)$1)"; }

# Signs up an organization with 20 items and issues it a key for items:read with no practical rate
# limit; sets TOKEN (its admin's login token), ORG, KEY and KEY_ID.
bench_organization() {
    local signup issued i
    signup=$(curl -sS -f "$BASE/api/v1/auth/signup" -H 'Content-Type: application/json' \
        -d '{"organization":"Bench","email":"bench@example.com","password":"bench password"}')
    TOKEN=$(echo "$signup" | json '["token"]')
    ORG=$(echo "$signup" | json '["organizationId"]')
    for i in $(seq 1 20); do
        curl -sS -f -o /dev/null "$BASE/api/v1/items" -H "Authorization: Bearer $TOKEN" \
            -H 'Content-Type: application/json' \
            -d "{\"name\":\"Item $i\",\"sku\":\"SKU-$i\",\"quantity\":$((i * 10)),\"lowStockThreshold\":5}"
    done
    issued=$(curl -sS -f "$BASE/api/v1/api-keys" -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
        -d '{"name":"bench","scopes":["items:read"],"rateLimitPerMinute":1000000}')
    KEY=$(echo "$issued" | json '["key"]')
    KEY_ID=$(echo "$issued" | json '["id"]')
}

# CPU clock ticks (utime + stime) process $1 has used; with a second argument "1", also those of its
# children it has reaped (cutime + cstime). Fails if the process is gone.
proc_ticks() {
    local stat fields
    read -r stat 2>/dev/null <"/proc/$1/stat" || return 1
    read -ra fields <<<"${stat##*) }" # fields[0] is field 3 of proc(5), the state
    if [ "${2:-}" = 1 ]; then
        echo $((fields[11] + fields[12] + fields[13] + fields[14]))
    else
        echo $((fields[11] + fields[12]))
    fi
}

# CPU clock ticks the JIT compiler threads (C1, C2) of JVM $1 have used: part of proc_ticks, printed
# beside it, since a short run on 2 cores spends much of its CPU compiling (it shrinks as the JVM warms).
jit_ticks() {
    local task comm stat fields total=0
    for task in /proc/"$1"/task/*; do
        read -r comm 2>/dev/null <"$task/comm" || continue
        case $comm in
        C1\ CompilerThre* | C2\ CompilerThre*)
            read -r stat 2>/dev/null <"$task/stat" || continue
            read -ra fields <<<"${stat##*) }"
            total=$((total + fields[11] + fields[12]))
            ;;
        esac
    done
    echo "$total"
}

# CPU clock ticks of the embedded PostgreSQL: the postmaster whose PID is on the first line of
# <data-dir>/postgres/postmaster.pid, with the children it has reaped, and its live children (with
# theirs). Prints nothing when there is none.
db_ticks() {
    local file="$DATA/postgres/postmaster.pid" postmaster total child ticks
    [ -f "$file" ] || return 0
    read -r postmaster <"$file"
    total=$(proc_ticks "$postmaster" 1) || return 0
    for child in $(pgrep -P "$postmaster"); do
        # A child that ended since pgrep listed it is counted in the postmaster's cutime/cstime.
        ticks=$(proc_ticks "$child" 1) && total=$((total + ticks))
    done
    echo "$total"
}

# How many attempts the usage audit of key KEY_ID holds.
audited() {
    curl -sS -f "$BASE/api/v1/api-keys/$KEY_ID/usage?size=1" -H "Authorization: Bearer $TOKEN" | json '["total"]'
}

# Waits until the usage projection has caught up with the key-authenticated requests (its count
# holds still for a second), so that its work is counted for them and does not spill into the next
# run; fails after 120 s.
settle() {
    local last=-1 now i
    for ((i = 0; i < 120; i++)); do
        now=$(audited)
        [ "$now" != "$last" ] || return 0
        last=$now
        sleep 1
    done
    echo "the usage audit count was still moving after 120 s (at $now)" >&2
    return 1
}
