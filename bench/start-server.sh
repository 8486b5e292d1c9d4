# Sourced by the benchmarks: starts the packaged server on loopback with a fresh data dir and the
# given extra arguments, and waits until it is healthy. On exit, whether the benchmark succeeded,
# failed or was interrupted (Ctrl-C), it runs the caller's CLEANUP steps (last added first): it
# stops the server, then any embedded PostgreSQL the server left running, and removes the data
# dir. The script's exit status stays that of the benchmark.
#
# Needs PORT, BASE and a CLEANUP array (the caller's own steps, may be empty); source it before
# anything else that adds to CLEANUP, since it installs the trap that runs them. Sets SERVER (the
# server's java PID), DATA (its data dir) and SERVER_LOG.
# STARTUP_TIMEOUT (seconds, default 180) bounds the wait for the server to become healthy;
# STARTUP_POLL (seconds, default 0.5) is the interval between health checks.
# SERVER_JAVA_OPTS adds JVM options, e.g. a flight recording:
#   SERVER_JAVA_OPTS=-XX:StartFlightRecording=filename=/tmp/keyhook.jfr,settings=profile bench/delivery.sh
#
# For benchmarks that restart the server on the same data dir: halt_server stops it (SIGTERM and a
# wait for its exit, or SIGKILL with "kill"), restart_server starts it again with the same arguments
# and waits until it is healthy. SERVER_LAUNCH_NS and SERVER_READY_NS (date +%s%N) tell when the
# last start was launched and when it answered its health check.

SERVER=
RUN_DIR=
SERVER_LOG_SHOWN=

bench_cleanup() {
    local rc=$? i
    trap '' INT TERM HUP
    set +e
    for ((i = ${#CLEANUP[@]} - 1; i >= 0; i--)); do
        eval "${CLEANUP[i]}"
    done
    exit "$rc"
}
trap bench_cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

# Shows the end of the server's log if the benchmark failed, stops the server (SIGTERM, then
# SIGKILL after 60 s) and an embedded PostgreSQL it left behind, and removes the run's directory.
stop_server() {
    local i
    if [ "${rc:-0}" -ne 0 ] && [ "${rc:-0}" -lt 128 ] && [ -z "$SERVER_LOG_SHOWN" ] && [ -s "${SERVER_LOG:-}" ]; then
        echo "--- the last lines of the server log:" >&2
        tail -n 40 "$SERVER_LOG" >&2
        echo "---" >&2
    fi
    if [ -n "$SERVER" ]; then
        if kill -0 "$SERVER" 2>/dev/null; then
            kill -TERM "$SERVER"
            for ((i = 0; i < 600; i++)); do
                kill -0 "$SERVER" 2>/dev/null || break
                sleep 0.1
            done
            if kill -0 "$SERVER" 2>/dev/null; then
                echo "the server ($SERVER) did not stop within 60 s of SIGTERM; killing it" >&2
                kill -KILL "$SERVER"
            fi
        fi
        # Reaps it; its own status (143 after SIGTERM) is not the benchmark's.
        wait "$SERVER"
    fi
    if [ -n "$RUN_DIR" ]; then
        stop_postmaster "$DATA/postgres/postmaster.pid"
        rm -rf "$RUN_DIR"
    fi
}

# The server will run an embedded PostgreSQL under <data-dir>/postgres; if the server's JVM died hard,
# that postmaster outlives it. Stops the process whose PID is on the first line of the given
# postmaster.pid, if it still runs and is a postgres (SIGTERM, then SIGKILL, with its children, after
# 10 s). Does nothing when the file does not exist.
stop_postmaster() {
    local pid children i
    [ -f "$1" ] || return 0
    read -r pid <"$1"
    if ! [[ $pid =~ ^[0-9]+$ ]]; then
        echo "no PID on the first line of $1: '$pid'" >&2
        return 0
    fi
    kill -0 "$pid" 2>/dev/null || return 0
    if [ "$(ps -o comm= -p "$pid")" != postgres ]; then
        echo "process $pid of $1 is not a postgres ($(ps -o comm= -p "$pid")); leaving it alone" >&2
        return 0
    fi
    echo "stopping the PostgreSQL the server left running (postmaster $pid)" >&2
    kill -TERM "$pid"
    for ((i = 0; i < 100; i++)); do
        kill -0 "$pid" 2>/dev/null || return 0
        sleep 0.1
    done
    echo "postmaster $pid did not stop within 10 s of SIGTERM; killing it and its children" >&2
    children=$(pgrep -P "$pid" || true)
    kill -KILL "$pid" $children
    for ((i = 0; i < 50; i++)); do
        kill -0 "$pid" 2>/dev/null || return 0
        sleep 0.1
    done
}

CLEANUP+=(stop_server)

# Another process on the port would answer the health checks in place of this server.
check_port_free() {
    local port_check=0
    curl -s -o /dev/null --max-time 5 "http://127.0.0.1:$PORT/" || port_check=$?
    if [ "$port_check" -ne 7 ]; then
        echo "something already listens on 127.0.0.1:$PORT (curl exit status $port_check); choose another PORT" >&2
        exit 1
    fi
}

# Starts the server in the background on $DATA with SERVER_ARGS, its output appended to SERVER_LOG.
launch_server() {
    SERVER_LAUNCH_NS=$(date +%s%N)
    # shellcheck disable=SC2086 # SERVER_JAVA_OPTS is a list of JVM options
    java -Xms512m -Xmx1g ${SERVER_JAVA_OPTS:-} -jar server/target/keyhook.jar --server.address=127.0.0.1 --server.port="$PORT" \
        --keyhook.data-dir="$DATA" "${SERVER_ARGS[@]}" >>"$SERVER_LOG" 2>&1 &
    SERVER=$!
}

# Waits until the server answers its health check; exits (status 1, with its log) if it stops or
# is not healthy within STARTUP_TIMEOUT seconds.
await_healthy() {
    local timeout=${STARTUP_TIMEOUT:-180} poll=${STARTUP_POLL:-0.5} deadline attempts attempt health=
    deadline=$((SECONDS + timeout))
    attempts=$(awk -v t="$timeout" -v p="$poll" 'BEGIN { printf "%d", t / p + 1 }')
    for ((attempt = 1; ; attempt++)); do
        if health=$(curl -sS -f -o /dev/null --max-time 5 "$BASE/actuator/health" 2>&1) && kill -0 "$SERVER" 2>/dev/null; then
            SERVER_READY_NS=$(date +%s%N)
            return 0
        fi
        if ! kill -0 "$SERVER" 2>/dev/null; then
            echo "the server exited while starting; its log:" >&2
            cat "$SERVER_LOG" >&2
            SERVER_LOG_SHOWN=1
            exit 1
        fi
        if [ "$SECONDS" -ge "$deadline" ] || [ "$attempt" -ge "$attempts" ]; then
            echo "the server was not healthy after $timeout s ($health); its log:" >&2
            cat "$SERVER_LOG" >&2
            SERVER_LOG_SHOWN=1
            exit 1
        fi
        sleep "$poll"
    done
}

# Stops the server and waits for its JVM to exit, keeping the data dir: "term" (default) sends
# SIGTERM and waits up to 60 s, "kill" sends SIGKILL (the embedded PostgreSQL then outlives it),
# with the same kill to any further PIDs given. Sets SERVER_EXIT to the JVM's exit status.
halt_server() { # [term|kill [PID...]]
    local signal=TERM i
    [ "${1:-term}" != kill ] || signal=KILL
    kill -"$signal" "$SERVER" "${@:2}"
    for ((i = 0; i < 600; i++)); do
        kill -0 "$SERVER" 2>/dev/null || break
        sleep 0.1
    done
    if kill -0 "$SERVER" 2>/dev/null; then
        echo "the server ($SERVER) did not exit within 60 s of SIG$signal" >&2
        exit 1
    fi
    SERVER_EXIT=0
    wait "$SERVER" || SERVER_EXIT=$?
    SERVER=
}

# Starts the server again on the same data dir, with the same arguments, and waits until it is healthy.
restart_server() {
    check_port_free
    launch_server
    await_healthy
}

[ -f server/target/keyhook.jar ] || ./mvnw -B -q package -DskipTests

SERVER_ARGS=("$@")
check_port_free
RUN_DIR=$(mktemp -d "${TMPDIR:-/tmp}/keyhook-bench.XXXXXX")
DATA="$RUN_DIR/data"
SERVER_LOG="$RUN_DIR/server.log"
mkdir "$DATA"
launch_server
await_healthy
