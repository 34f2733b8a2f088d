#!/usr/bin/env bash
# The publishing benchmark (docs/admin.md, "Drafts, publishing and
# preview"), against a running stack, as the demo's editor of a brand:
#
#  1. reach: ROUNDS times, the editor changes a product's price in the
#     panel's form and publishes the draft; from the publish's answer on,
#     batches of 32 requests at once ask the storefront's API for the
#     product until a whole batch (every worker) shows the new price.
#     Prints the stale answers seen and the time to a whole new batch.
#  2. load: wrk (2 threads, 64 connections, SECONDS) on the front page and
#     a product page, first alone, then while the editor saves every
#     second without publishing (the panel's own work), then while the
#     editor saves and publishes every second (each publish drops every
#     worker's snapshot of the brand's catalog). Prints req/s and p99.
#
#   bench/publish.sh [demo|test] [SECONDS] [ROUNDS] [HOST] [SKU]
set -euo pipefail
. "$(dirname "$0")/../scripts/lib.sh"
. "$(dirname "$0")/lib.sh"

stack_env "${1:-demo}"
SECS=${2:-20}
ROUNDS=${3:-20}
HOST=${4:-nordlys.localhost}
SKU=${5:-NL-TALE}
SLUG=${HOST%%.*}
URL="http://127.0.0.1:$HTTP_PORT"
command -v wrk >/dev/null || ensure_packages wrk
curl -sf "$URL/readyz" >/dev/null || die "the $STACK_NAME stack is not ready"
EMAIL="editor@$SLUG.example"
PASSFILE="$STACK/secrets/staff-$SLUG-editor"
[ -s "$PASSFILE" ] || die "no demo editor of $SLUG ($PASSFILE): run scripts/up"
editor() { node "$ROOT/bench/publish.mjs" "$1" "$URL" "$HOST" "$EMAIL" "$(cat "$PASSFILE")" "$SKU" "$2"; }

echo "bench/publish.sh ${1:-demo} $SECS $ROUNDS $HOST $SKU: $(nproc) cores, $WORKERS workers, $(date -u +%FT%TZ)"
editor reach "$ROUNDS"

declare -A RPS P50 P99
run() { bench_wrk "$@"; }

with_editor() {   # with_editor MODE SUFFIX: both pages while the editor works
    editor "$1" $((SECS * 2 + 6)) > /tmp/ec-bench-editor.$$ &
    EDITOR=$!
    sleep 1
    run "front_$2" /
    run "product_$2" "/products/$SKU"
    wait "$EDITOR"
    cat /tmp/ec-bench-editor.$$
    rm -f /tmp/ec-bench-editor.$$
}
run front_quiet /
run product_quiet "/products/$SKU"
with_editor save saving
with_editor edit editing

change() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%+.1f %%", (b - a) / a * 100}'; }
printf '%-36s %10s %9s\n' route req/s p99
printf '%-36s %10s %9s\n' "GET / (no editor)" "${RPS[front_quiet]}" "${P99[front_quiet]}"
printf '%-36s %10s %9s   %s\n' "GET / (a save a second, no publish)" "${RPS[front_saving]}" "${P99[front_saving]}" \
    "$(change "${RPS[front_quiet]}" "${RPS[front_saving]}")"
printf '%-36s %10s %9s   %s\n' "GET / (a publish a second)" "${RPS[front_editing]}" "${P99[front_editing]}" \
    "$(change "${RPS[front_quiet]}" "${RPS[front_editing]}")"
printf '%-36s %10s %9s\n' "GET /products/$SKU (no editor)" "${RPS[product_quiet]}" "${P99[product_quiet]}"
printf '%-36s %10s %9s   %s\n' "GET /products/$SKU (a save a second)" "${RPS[product_saving]}" "${P99[product_saving]}" \
    "$(change "${RPS[product_quiet]}" "${RPS[product_saving]}")"
printf '%-36s %10s %9s   %s\n' "GET /products/$SKU (a publish a second)" "${RPS[product_editing]}" "${P99[product_editing]}" \
    "$(change "${RPS[product_quiet]}" "${RPS[product_editing]}")"
