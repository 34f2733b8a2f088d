#!/usr/bin/env bash
# The catalog benchmark: wrk (2 threads, 64 connections, 10 s, a demo
# brand's Host header, warm cache) against the front page, the JSON
# product list and a product page (its number picker: numbers drawn from
# the worker's sample of the pool, which the basket's lock announcements
# keep free of locked numbers: no MySQL, no Redis), and in the
# same run against two ceilings: nginx serving a static file of the same
# size as each answer, and ecomd's /healthz (a FastCGI round trip that
# does no work). Prints req/s, p50, p99 and the ratios to the ceilings.
#
#   bench/catalog.sh [demo|test] [SECONDS] [HOST] [PRODUCT]
set -euo pipefail
. "$(dirname "$0")/../scripts/lib.sh"
. "$(dirname "$0")/lib.sh"

stack_env "${1:-demo}"
SECS=${2:-10}
HOST=${3:-nordlys.localhost}
PRODUCT=${4:-NL-10GB}
URL="http://127.0.0.1:$HTTP_PORT"
command -v wrk >/dev/null || ensure_packages wrk
curl -sf "$URL/readyz" >/dev/null || die "the $STACK_NAME stack is not ready"

# static twins of the answers, served by nginx from static/.bench/
twins="$ROOT/static/.bench"
mkdir -p "$twins"
curl -s -H "Host: $HOST" "$URL/" > "$twins/front.html"
curl -s -H "Host: $HOST" "$URL/api/v1/products" > "$twins/products.json"
curl -sf -H "Host: $HOST" "$URL/products/$PRODUCT" > "$twins/product.html" ||
    die "no product $PRODUCT on $HOST"
chmod -R a+rX "$twins"

declare -A RPS P50 P99
run() { bench_wrk "$@"; }

run static_front /static/.bench/front.html
run static_products /static/.bench/products.json
run static_product /static/.bench/product.html
run healthz /healthz
run front /
run products /api/v1/products
run product "/products/$PRODUCT"

ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }
echo "bench/catalog.sh ${1:-demo} $SECS $HOST: wrk -t2 -c64 -d${SECS}s, $(nproc) cores, $WORKERS workers, $(date -u +%FT%TZ)"
printf '%-34s %10s %9s %9s %10s %10s\n' route req/s p50 p99 "/static" "/healthz"
row() {   # row LABEL KEY STATIC_KEY
    printf '%-34s %10s %9s %9s %10s %10s\n' "$1" "${RPS[$2]}" "${P50[$2]}" "${P99[$2]}" \
        "$( [ -n "$3" ] && ratio "${RPS[$2]}" "${RPS[$3]}" || echo -)" \
        "$(ratio "${RPS[$2]}" "${RPS[healthz]}")"
}
row "static twin of / ($(wc -c < "$twins/front.html") B)" static_front ""
row "static twin of products ($(wc -c < "$twins/products.json") B)" static_products ""
row "static twin of $PRODUCT ($(wc -c < "$twins/product.html") B)" static_product ""
row "GET /healthz" healthz ""
row "GET / (front page)" front static_front
row "GET /api/v1/products" products static_products
row "GET /products/$PRODUCT" product static_product
rm -rf "$twins"
