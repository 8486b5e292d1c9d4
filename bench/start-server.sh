# Sourced by the benchmarks: starts the packaged server on loopback with a fresh data dir and the
# given extra arguments, stops it (and removes the data dir) on exit, and waits until it is healthy.
# Needs PORT and BASE; sets SERVER and DATA.
[ -f server/target/keyhook.jar ] || ./mvnw -B -q package -DskipTests
DATA=$(mktemp -d)
java -Xms512m -Xmx1g -jar server/target/keyhook.jar --server.address=127.0.0.1 --server.port="$PORT" \
    --keyhook.data-dir="$DATA" "$@" >"$DATA/server.log" 2>&1 &
SERVER=$!
CLEANUP+=("kill $SERVER 2>/dev/null; wait $SERVER 2>/dev/null; rm -rf '$DATA'")
trap 'for step in "${CLEANUP[@]}"; do eval "$step"; done' EXIT
for _ in $(seq 1 120); do
    curl -sf "$BASE/actuator/health" >/dev/null && break
    kill -0 $SERVER 2>/dev/null || { cat "$DATA/server.log" >&2; exit 1; }
    sleep 0.5
done
