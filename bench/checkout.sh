#!/usr/bin/env bash
# Checkouts end to end with the payment simulator, and the outbox's
# delivery to the downstream simulator, on a running stack:
#
#  1. CUSTOMERS customers at once (default 32) for SECONDS, each buying
#     one plan with a number of the pool, one after another
#     (bench/checkout.mjs): a line in a session of its own, POST
#     /api/v1/checkout, the simulator's approve (which sends the signed
#     callback), and the order read back paid. Prints paid checkouts per
#     second, the checkout request's own p50 and p99, and the whole
#     journey's. With RATE, purchases start at RATE a second (one every
#     1/RATE s, on a schedule, whether the ones before have finished or
#     not, at most CUSTOMERS at once): latency at a given load below the
#     shop's capacity, instead of at its saturation.
#  2. The delivery of the run's outbox events (order.paid, then the
#     downstream simulator's provisioning and completed reports): waits
#     until every order of the run is completed, then prints events
#     delivered per second over the run and the lag from an event's
#     writing to its delivery (p50, p99).
#
#   bench/checkout.sh [demo|test] [SECONDS] [CUSTOMERS] [RATE]
#
# The brand is fjordmobil, which needs no MitID step. The numbers are the
# block +4598xxxxxx, which neither demo pool uses, imported into its pool
# first; the run's orders (customer e-mail bench@example.com), the
# numbers, baskets and sessions are deleted at the end, so the demo shows
# its own again. 127.0.0.1 is exempt from the per-address limits for the
# run (bench/lib.sh).
set -euo pipefail
. "$(dirname "$0")/../scripts/lib.sh"
. "$(dirname "$0")/lib.sh"

stack_env "${1:-demo}"
SECS=${2:-20}
CUSTOMERS=${3:-32}
RATE=${4:-0}
SLUG=fjordmobil
HOST=$SLUG.localhost
URL="http://127.0.0.1:$HTTP_PORT"
PREFIX=+4598
EMAIL=bench@example.com
command -v jq >/dev/null || ensure_packages jq
curl -sf "$URL/readyz" >/dev/null || die "the $STACK_NAME stack is not ready (scripts/up?)"
[ -x "$BUILD/ecomctl" ] || die "no $BUILD/ecomctl (scripts/up builds it)"

# as many customers as the run could serve at 1 000 checkouts/s
COUNT=$((SECS * 1000 > 5000 ? SECS * 1000 : 5000))
work=$(mktemp -d /tmp/ec-checkout-bench.XXXXXX)
sql() { mysql_root ecom --batch --skip-column-names -e "$1"; }
drop_orders() {
    sql "DELETE e FROM payment_events e JOIN payments p ON p.id = e.payment_id
           JOIN orders o ON o.id = p.order_id JOIN tenants t ON t.id = o.tenant_id
          WHERE t.slug = '$SLUG' AND o.customer_email = '$EMAIL';
         DELETE o FROM orders o JOIN tenants t ON t.id = o.tenant_id
          WHERE t.slug = '$SLUG' AND o.customer_email = '$EMAIL'" ||
        echo "warning: the bench's orders are still in $SLUG's shop" >&2
}
# the run's confirmation mails (the demo stack writes mail to files)
drop_mails() {
    [ -d "$STACK/mail" ] || return 0
    find "$STACK/mail" -name '*.eml' -print0 |
        xargs -0 -r grep -lZ -m1 -F "To: Bench Kunde <$EMAIL>" |
        xargs -0 -r rm -f
}
cleanup() {
    drop_orders
    drop_mails
    bench_unlock "$SLUG" "$PREFIX"
    [ -f "$work/sessions" ] && bench_drop_minted "$SLUG" "$work/sessions"
    bench_unpool "$SLUG" "$PREFIX"
    rm -rf "$work"
    bench_restore_limits
}
trap cleanup EXIT
drop_orders   # a run that was cut short
drop_mails
bench_unlock "$SLUG" "$PREFIX"
bench_exempt_limits bench/checkout.sh

# the line: the first plan of the shop's default channel, its first
# binding period (accepted) and SIM type
products=$(curl -sf -H "Host: $HOST" "$URL/api/v1/products") || die "GET /api/v1/products failed"
line=$(jq -c 'first(.products[] | select(.kind == "plan"))
              | {sku, binding_months: .binding_months[0], binding_accepted: true,
                 sim_type: .sim_types[0]}' <<<"$products") || die "$HOST lists no plan"

{ echo msisdn; seq -f "${PREFIX}%06.0f" 0 $((COUNT - 1)); } > "$work/numbers.csv"
tail -n +2 "$work/numbers.csv" > "$work/numbers"
bench_pool "$SLUG" "$work/numbers.csv"
perl "$ROOT/bench/sessions.pl" "$STACK/secrets/session_secret" "$STACK/secrets/form_secret" \
    "$HOST" "$COUNT" > "$work/sessions" || die "could not mint the bench's sessions"

echo "bench/checkout.sh ${1:-demo} $SECS $CUSTOMERS $RATE: $(nproc) cores, $WORKERS ecomd workers, $(date -u +%FT%TZ)"
echo "line: $line at $HOST, customers at once: $CUSTOMERS, ${SECS}s, $([ "$RATE" = 0 ] && echo 'each purchase after the last' || echo "$RATE purchases/s")"
node "$ROOT/bench/checkout.mjs" "$URL" "$HOST" "$SECS" "$CUSTOMERS" \
    "$work/sessions" "$work/numbers" "$line" "$RATE" > "$work/out"
grep -v '^checkout-order ' "$work/out" | sed 's/^checkout-//'
orders=$(grep -c '^checkout-order ' "$work/out" || true)
[ "$orders" -gt 0 ] || die "no checkout succeeded"

# every order of the run completed: its three events delivered
completed() {
    [ "$(sql "SELECT COUNT(*) FROM orders o JOIN tenants t ON t.id = o.tenant_id
              WHERE t.slug = '$SLUG' AND o.customer_email = '$EMAIL' AND o.status <> 'completed'
                AND o.status <> 'cancelled'")" = 0 ]
}
wait_until 300 completed || echo "warning: not every order completed within 300 s" >&2
sql "SELECT COUNT(*),
            TIMESTAMPDIFF(MICROSECOND, MIN(x.created_at), MAX(x.delivered_at)) / 1e6
       FROM outbox x JOIN orders o ON o.id = x.order_id JOIN tenants t ON t.id = o.tenant_id
      WHERE t.slug = '$SLUG' AND o.customer_email = '$EMAIL' AND x.state = 'delivered'" |
    awk '{printf "outbox: %d events delivered in %.1f s: %.1f events/s\n", $1, $2, ($2 > 0 ? $1 / $2 : 0)}'
sql "SELECT TIMESTAMPDIFF(MICROSECOND, x.created_at, x.delivered_at) / 1000
       FROM outbox x JOIN orders o ON o.id = x.order_id JOIN tenants t ON t.id = o.tenant_id
      WHERE t.slug = '$SLUG' AND o.customer_email = '$EMAIL' AND x.state = 'delivered' ORDER BY 1" |
    awk '{v[NR] = $1} END {if (NR) printf "outbox lag: p50 %.0f ms, p99 %.0f ms\n", v[int(NR * 0.5) + 1], v[int(NR * 0.99) + 1]}'
