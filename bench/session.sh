#!/usr/bin/env bash
# The cost of sessions on a page view: wrk (2 threads, 64 connections,
# SECONDS, a demo brand's Host header, warm caches) against /healthz (the
# ceiling: a FastCGI round trip that does no work), the front page without
# a cookie (each answer issues a new session: a random id, two HMACs, a
# Set-Cookie, no Redis write) and with a session cookie (its signature
# checked, its token made), and the product page with a cookie. Prints
# req/s, p50, p99 and each as a ratio to /healthz. The add-line figure
# with a session is bench/basket.sh's.
#
#   bench/session.sh [demo|test] [SECONDS] [HOST]
set -euo pipefail
. "$(dirname "$0")/../scripts/lib.sh"
. "$(dirname "$0")/lib.sh"

stack_env "${1:-demo}"
SECS=${2:-10}
HOST=${3:-nordlys.localhost}
URL="http://127.0.0.1:$HTTP_PORT"
command -v wrk >/dev/null || ensure_packages wrk
curl -sf "$URL/readyz" >/dev/null || die "the $STACK_NAME stack is not ready"

# a session cookie as the server issues it (bench/sessions.pl; the same
# as GET /api/v1/basket hands out, and it works with a build from before
# sessions too, which ignores it: the figures then compare)
cookie=$(perl "$ROOT/bench/sessions.pl" "$STACK/secrets/session_secret" \
    "$STACK/secrets/form_secret" "$HOST" 1 | cut -d' ' -f1)
[ -n "$cookie" ] || die "could not mint a session cookie"

declare -A RPS P50 P99
run() { bench_wrk "$@"; }

echo "bench/session.sh ${1:-demo} $SECS $HOST: wrk -t2 -c64 -d${SECS}s, $(nproc) cores, $WORKERS ecomd workers, $(date -u +%FT%TZ)"
run healthz /healthz
run front /
run front_cookie / "Cookie: $cookie"
run product_cookie /products/NL-10GB "Cookie: $cookie"
printf '%-34s %10s %9s %9s %10s\n' route req/s p50 p99 "x /healthz"
for k in healthz front front_cookie product_cookie; do
    printf '%-34s %10s %9s %9s %10s\n' "$k" "${RPS[$k]}" "${P50[$k]}" "${P99[$k]}" \
        "$(awk -v a="${RPS[$k]}" -v b="${RPS[healthz]}" 'BEGIN {printf "%.2f", a / b}')"
done
