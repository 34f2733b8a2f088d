#!/usr/bin/env bash
# Load the running stack through nginx with wrk and print requests/s and
# latency for the main routes, next to the ceiling of nginx serving a
# static file itself. Also samples the FastCGI socket's accept queue
# (Recv-Q of `ss -xl`) during the run: a queue that stays up means the
# worker pool is the bottleneck.
#
#   bench/http.sh [demo|test] [SECONDS] [CONNECTIONS]
#
# wrk shares the machine's cores with nginx and ecomd, so compare figures
# as ratios to the static ceiling measured in the same run.
set -euo pipefail
. "$(dirname "$0")/../scripts/lib.sh"

stack_env "${1:-demo}"
SECS=${2:-10}
CONNS=${3:-16}
URL="http://127.0.0.1:$HTTP_PORT"
command -v wrk >/dev/null || ensure_packages wrk
curl -sf "$URL/readyz" >/dev/null || die "the $STACK_NAME stack is not ready (scripts/up?)"

run() {   # run LABEL HOST PATH
    local label=$1 host=$2 path=$3 out size q=0 qmax=0
    size=$(curl -s -H "Host: $host" "$URL$path" | wc -c)
    wrk -t2 -c"$CONNS" -d"${SECS}s" --latency -H "Host: $host" "$URL$path" > /tmp/ec-wrk.$$ &
    local pid=$!
    while kill -0 $pid 2>/dev/null; do
        q=$(ss -xlnH 2>/dev/null | awk -v s="$ECOMD_SOCK" '$5 == s {print $3}')
        [ -n "$q" ] && [ "$q" -gt "$qmax" ] && qmax=$q
        sleep 0.5
    done
    wait $pid
    out=$(cat /tmp/ec-wrk.$$); rm -f /tmp/ec-wrk.$$
    printf '%-28s %6s B  %10s req/s  p50 %8s  p99 %8s  non-2xx %s  max Recv-Q %s\n' \
        "$label" "$size" \
        "$(awk '/Requests\/sec/ {print $2}' <<<"$out")" \
        "$(awk '$1 == "50%" {print $2}' <<<"$out")" \
        "$(awk '$1 == "99%" {print $2}' <<<"$out")" \
        "$(awk '/Non-2xx/ {print $5}' <<<"$out" | grep . || echo 0)" "$qmax"
}

echo "wrk -t2 -c$CONNS -d${SECS}s, $(nproc) cores, $WORKERS ecomd workers, $(date -u +%FT%TZ)"
run "static file (nginx only)" nordlys.localhost /static/default/site.css
run "GET /healthz" nordlys.localhost /healthz
run "GET /api/v1/tenant (JSON)" nordlys.localhost /api/v1/tenant
run "GET / (home page, HTML)" nordlys.localhost /
run "GET / (overridden theme)" fjordmobil.localhost /
