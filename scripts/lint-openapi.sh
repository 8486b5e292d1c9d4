#!/usr/bin/env bash
# Lints the OpenAPI document the packaged server serves, under Redocly's recommended rules: starts
# server/target/keyhook.jar on a free port on 127.0.0.1 with a fresh data dir (bench/start-server.sh),
# fetches /v3/api-docs, runs a pinned @redocly/cli on it and prints every problem with the rule and
# the place in the document. Stops the server and its embedded PostgreSQL and removes the data dir
# when it ends, also on failure or Ctrl-C.
#
# Exits non-zero on any error and on any warning but info-license: the project has no license for
# the document to name.
#
# Needs a JDK 17 and Node.js; npx fetches the pinned @redocly/cli from the npm registry the first
# time. Builds server/target/keyhook.jar if missing. Uses the first free port of 19400-19499, or PORT.
#
#   scripts/lint-openapi.sh
set -euo pipefail
cd "$(dirname "$0")/.."

REDOCLY=@redocly/cli@2.77.0
ACCEPTED_WARNINGS=info-license

if ! command -v npx >/dev/null 2>&1; then
    echo "needs npx (Node.js) to run $REDOCLY" >&2
    exit 1
fi

if [ -z "${PORT:-}" ]; then
    for ((candidate = 19400; candidate < 19500; candidate++)); do
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$candidate") 2>/dev/null; then
            PORT=$candidate
            break
        fi
    done
    if [ -z "${PORT:-}" ]; then
        echo "no free port in 19400-19499; set PORT" >&2
        exit 1
    fi
fi
BASE="http://127.0.0.1:$PORT"
CLEANUP=()
# shellcheck source=../bench/start-server.sh
source bench/start-server.sh

DOCUMENT="$RUN_DIR/api-docs.json"
REPORT="$RUN_DIR/lint.json"
curl -sS -f --max-time 30 -o "$DOCUMENT" "$BASE/v3/api-docs"
# From here on a failure is the document's, not the server's: no server log.
SERVER_LOG_SHOWN=1

echo "linting $BASE/v3/api-docs with $REDOCLY (recommended rules)"
# Its exit status only says whether there were errors; the report says which problems there were.
npx --yes "$REDOCLY" lint "$DOCUMENT" --format=json >"$REPORT" 2>"$RUN_DIR/lint.log" || true
if ! node -e 'JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).totals' "$REPORT" >/dev/null 2>&1; then
    echo "$REDOCLY did not report; its output:" >&2
    cat "$REPORT" "$RUN_DIR/lint.log" >&2
    exit 1
fi
node - "$REPORT" "$ACCEPTED_WARNINGS" <<'EOF'
const fs = require('fs');
const [report, acceptedList] = process.argv.slice(2);
const { totals, problems } = JSON.parse(fs.readFileSync(report, 'utf8'));
const accepted = new Set(acceptedList.split(','));
let failing = 0;
for (const problem of problems) {
    const severity = problem.severity === 'warn' ? 'warning' : problem.severity;
    const isAccepted = severity === 'warning' && accepted.has(problem.ruleId);
    if (!isAccepted) {
        failing++;
    }
    const where = problem.location.map(location => location.pointer).join(', ');
    console.log(`${severity} ${problem.ruleId} at ${where}: ${problem.message}`
        + (isAccepted ? ' (accepted: the project has no license)' : ''));
}
console.log(`redocly lint: ${totals.errors} errors, ${totals.warnings} warnings`
    + (failing ? `; ${failing} not accepted` : ''));
process.exit(failing ? 1 : 0);
EOF
