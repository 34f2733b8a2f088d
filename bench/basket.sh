#!/usr/bin/env bash
# Load POST /api/v1/basket/lines with wrk, each request a new basket (in a
# session of its own: a session cookie and its CSRF token, minted before
# the run by bench/sessions.pl with the stack's keys) with one plan line
# and a phone number, in two runs:
#
#  1. distinct numbers: CONNECTIONS connections for SECONDS, every request
#     asks for a number nobody asked for before, so every answer should be
#     201. Prints lines added per second (201s only), p50, p99 and any
#     other answers by status.
#  2. contention: 64 connections for SECONDS fighting over 10 numbers. A
#     lock lives 15 minutes, longer than the run, so at most 10 requests
#     may ever get 201; every 201 beyond that is a number granted twice.
#     Then checks in Redis that each of the 10 locks names a basket that
#     holds its number. Exits 1 on a double grant or a lock that does not
#     check out.
#
#   bench/basket.sh [demo|test] [SECONDS] [CONNECTIONS]
#
# The numbers come from the block +4599xxxxxx, which neither demo pool uses
# (sql/demo/numbers-*.csv), and are imported into nordlys's pool first:
# a line may only take a number of the shop's pool. At the end they are
# deleted from the pool again (with SQL: no command removes numbers from a
# pool, as a real shop never should), so the demo offers its own numbers
# again. The bench's locks are deleted before the runs (so a rerun finds
# the numbers free) and at the end, and so are its baskets.
#
# All requests come from 127.0.0.1, which the per-address limits would cut
# off after a few lines: for the run, 127.0.0.1 is exempt from them
# (bench/lib.sh), so the bench measures the basket, not the limits.
#
# wrk shares the machine's cores with nginx, ecomd and Redis: compare
# lines/s with bench/http.sh's figures of the same day, not across machines.
set -euo pipefail
. "$(dirname "$0")/../scripts/lib.sh"
. "$(dirname "$0")/lib.sh"

stack_env "${1:-demo}"
SECS=${2:-10}
CONNS=${3:-64}
SLUG=nordlys
HOST=$SLUG.localhost
URL="http://127.0.0.1:$HTTP_PORT"
LUA="$ROOT/bench/basket-lines.lua"
command -v wrk >/dev/null || ensure_packages wrk
command -v jq >/dev/null || ensure_packages jq
curl -sf "$URL/readyz" >/dev/null || die "the $STACK_NAME stack is not ready (scripts/up?)"
[ -x "$BUILD/ecomctl" ] || die "no $BUILD/ecomctl (scripts/up builds it)"

# The bench's numbers, as 8 national digits: 10 to fight over, then the
# distinct ones, enough for 20 000 lines/s (above what /healthz does on 2
# cores) so that no thread runs out and asks for a number twice.
CONTENDED_FIRST=99000000
CONTENDED_COUNT=10
DISTINCT_FIRST=99100000
DISTINCT_COUNT=$((SECS * 20000 > 200000 ? SECS * 20000 : 200000))
[ $((DISTINCT_FIRST + DISTINCT_COUNT - 1)) -le 99999999 ] ||
    die "$SECS s would need more numbers than the block +4599 has: run shorter"

kv() { redis_admin "$@"; }   # the stack's admin account (scripts/lib.sh)
msisdn() { printf '+45%08d' "$1"; }

# The line to add: the first plan the shop's default channel lists (the
# channel a request without channel hints, like ours, is seen through),
# with the first binding period and SIM type it offers there.
products=$(curl -sf -H "Host: $HOST" "$URL/api/v1/products") || die "GET /api/v1/products failed"
read -r CHANNEL SKU BINDING SIM < <(jq -r '
    [.channel.code] + (first(.products[] | select(.kind == "plan"))
                       | [.sku, .binding_months[0], .sim_types[0]])
    | @tsv' <<<"$products") || die "$HOST lists no plan"
[ -n "$SIM" ] || die "could not read a plan, binding and SIM type from $HOST's product list"

# Put the bench numbers in the pool (a rerun adds nothing and takes a
# couple of seconds), and exempt 127.0.0.1 from the limits (bench/lib.sh).
csv=$(mktemp /tmp/ec-basket-numbers.XXXXXX)
bench_exempt_limits bench/basket.sh
trap 'bench_unlock "$SLUG" +4599; bench_drop_baskets "$SLUG" +4599; bench_drop_sessions "$SLUG"; bench_unpool "$SLUG" +4599; rm -f "$csv" "${sessions:-}" "${contended_sessions:-}"; bench_restore_limits' EXIT
{
    echo msisdn
    seq -f '+45%08.0f' "$CONTENDED_FIRST" $((CONTENDED_FIRST + CONTENDED_COUNT - 1))
    seq -f '+45%08.0f' "$DISTINCT_FIRST" $((DISTINCT_FIRST + DISTINCT_COUNT - 1))
} > "$csv"
bench_pool "$SLUG" "$csv"

# The sessions: as many as each run can use (about 20 000 lines/s at
# most, as for the numbers above), each as the server would issue it; a
# set for each of the two runs, so the second's requests are sessions'
# first changes too, not additions to the baskets the first run made.
sessions=$(mktemp /tmp/ec-basket-sessions.XXXXXX)
contended_sessions=$(mktemp /tmp/ec-basket-sessions.XXXXXX)
for f in "$sessions" "$contended_sessions"; do
    perl "$ROOT/bench/sessions.pl" "$STACK/secrets/session_secret" "$STACK/secrets/form_secret" \
        "$HOST" $((SECS * 20000 > 200000 ? SECS * 20000 : 200000)) > "$f" ||
        die "could not mint the bench's sessions"
done
# (the probe takes a session no run reaches: the last of a set)
read -r probe_cookie probe_token < <(tail -1 "$contended_sessions")

# One request by hand first: a line the server refuses would otherwise
# show up only as a run of 4xx. Its lock goes with the others just below.
probe=$(curl -s -w '\n%{http_code}' -H "Host: $HOST" -H 'Content-Type: application/json' \
    -H "Cookie: $probe_cookie" -H "X-CSRF-Token: $probe_token" \
    -d "{\"sku\":\"$SKU\",\"binding_months\":$BINDING,\"sim_type\":\"$SIM\",\"msisdn\":\"$(msisdn "$DISTINCT_FIRST")\"}" \
    "$URL/api/v1/basket/lines")
[ "${probe##*$'\n'}" = 201 ] || die "adding a line answered ${probe##*$'\n'}: ${probe%$'\n'*}"
bench_unlock "$SLUG" +4599

# wrk_run CONNS MODE FIRST COUNT SESSIONS: wrk's output plus the script's
# basket-* lines (see bench/basket-lines.lua).
wrk_run() {
    wrk -t2 -c"$1" -d"${SECS}s" --latency -H "Host: $HOST" -s "$LUA" \
        "$URL/api/v1/basket/lines" -- "$2" "$3" "$4" 2 "$SKU" "$BINDING" "$SIM" "$5"
}
# count OUT STATUS: how many answers had STATUS
count() { awk -v s="$2" '$1 == "basket-status" && $2 == s {n = $3} END {print n + 0}' <<<"$1"; }
# others OUT STATUS...: the answers of other statuses as "409: 12, 503: 3",
# or "none"
others() {
    local out=$1; shift
    awk -v skip=" $* " '$1 == "basket-status" && index(skip, " " $2 " ") == 0 {print $2, $3}' <<<"$out" |
        sort -n | awk '{printf "%s%s: %s", sep, $1, $2; sep = ", "} END {print NR ? "" : "none"}'
}
# errors OUT: wrk's socket errors (timeouts, resets), if there were any
errors() { awk '/Socket errors/ {sub(/^ *Socket errors: */, ""); print ", socket errors: " $0}' <<<"$1"; }
pct() { awk -v p="$2" '$1 == p {print $2}' <<<"$1"; }

echo "bench/basket.sh ${1:-demo} $SECS $CONNS: wrk -t2 -d${SECS}s, $(nproc) cores, $WORKERS ecomd workers, $(date -u +%FT%TZ)"
echo "line: $SKU, $BINDING months, $SIM SIM, channel $CHANNEL of $HOST, a session of its own each request (a new basket)"

# 1. distinct numbers
out=$(wrk_run "$CONNS" distinct "$DISTINCT_FIRST" "$DISTINCT_COUNT" "$sessions")
added=$(count "$out" 201)
secs=$(awk '$1 == "basket-duration-us" {print $2 / 1e6}' <<<"$out")
wrapped=$(awk '$1 == "basket-wrapped" {print $2}' <<<"$out")
printf '%-34s %8s lines/s  p50 %8s  p99 %8s  201 %s  non-201 %s%s\n' \
    "distinct numbers, -c$CONNS" "$(awk -v n="$added" -v s="$secs" 'BEGIN {printf "%.0f", n / s}')" \
    "$(pct "$out" 50%)" "$(pct "$out" 99%)" "$added" "$(others "$out" 201)" "$(errors "$out")"
[ "$wrapped" = 0 ] || echo "warning: $wrapped requests reused a number (the range ran out): their 409s are not contention"

# 2. contention: 10 numbers, 64 connections. Every 201 takes a number for
# longer than the run, so more than 10 means one was granted twice.
out=$(wrk_run 64 shared "$CONTENDED_FIRST" "$CONTENDED_COUNT" "$contended_sessions")
granted=$(count "$out" 201)
double=$((granted > CONTENDED_COUNT ? granted - CONTENDED_COUNT : 0))
# wrk does not see the answers to requests still in flight when it stops
# (up to 64), so the 201 count alone could miss a late double grant. Hence
# also: each lock must name a basket whose stored lines hold that number;
# a lock with no such basket, or a number without a lock, is a grant gone
# astray.
held=0
for i in $(seq 0 $((CONTENDED_COUNT - 1))); do
    n=$(msisdn $((CONTENDED_FIRST + i)))
    owner=$(kv GET "ecom:{$SLUG}:lock:$n")
    if [ -n "$owner" ] && kv GET "ecom:{$SLUG}:basket:$owner" | grep -qF "\"msisdn\":\"$n\""; then
        held=$((held + 1))
    fi
done
printf '%-34s 201 %s  409 %s  other %s  double grants %s  locks checked %s/%s  (%s req/s, p50 %s, p99 %s%s)\n' \
    "contention, $CONTENDED_COUNT numbers, -c64" "$granted" "$(count "$out" 409)" "$(others "$out" 201 409)" \
    "$double" "$held" "$CONTENDED_COUNT" "$(awk '/Requests\/sec/ {print $2}' <<<"$out")" \
    "$(pct "$out" 50%)" "$(pct "$out" 99%)" "$(errors "$out")"

[ "$double" -eq 0 ] || die "$double double grants: a number was locked for two baskets"
[ "$held" -eq "$CONTENDED_COUNT" ] || die "only $held of $CONTENDED_COUNT locks name a basket that holds their number"
