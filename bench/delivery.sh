#!/usr/bin/env bash
# Webhook delivery throughput: a local receiver; first a plain reactive HTTP client (Reactor Netty)
# POSTs N requests to it, then N item events go through Keyhook (command, event store, dispatcher,
# Delivery aggregate, DeliverySaga with a persisted deadline per attempt, signed HTTP attempt,
# outcome recorded) to one subscription on the same receiver. Prints both rates and the ratio.
# Then M deliveries to a receiver that fails each twice show how late retries start against
# their schedule (retries here: 1 s, then 2 s).
#
#   bench/delivery.sh                 # N=5000, M=200
#   N=20000 M=500 bench/delivery.sh
#
# Needs a JDK; builds server/target/keyhook.jar if missing.
set -euo pipefail

N=${N:-5000}
M=${M:-200}
CONCURRENCY=${CONCURRENCY:-32}
PORT=${PORT:-18090}
BASE="http://127.0.0.1:$PORT"

cd "$(dirname "$0")/.."
CP=$(mktemp)
CLEANUP=("rm -f '$CP'")
./mvnw -B -q -pl webhook-saga dependency:build-classpath -Dmdep.outputFile="$CP" -Dmdep.includeScope=runtime >/dev/null
source bench/start-server.sh --keyhook.webhooks.allow-private-targets=true \
    --keyhook.webhooks.retry.initial-delay=1s --keyhook.webhooks.retry.multiplier=2

java -cp "$(cat "$CP")" bench/DeliveryBench.java "$BASE" "$N" "$CONCURRENCY" "$M"
