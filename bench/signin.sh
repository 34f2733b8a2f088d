#!/usr/bin/env bash
# Sign-ins per second: wrk (2 threads, CONNECTIONS connections, SECONDS)
# POSTing /api/v1/session through nginx for one account of a demo brand
# (made first through the API if need be). Each sign-in hashes once with
# the configured argon2id parameters (64 MiB, t=3, p=1 by default: about
# 115 ms of one core on the reference machine, docs/identity.md), so the
# ceiling is about cores / 0.115 s whatever else a sign-in does; the
# figure says how close the whole request comes to it. Connections beyond
# the workers only queue. Prints req/s, p50, p99 and any non-2xx count.
#
#   bench/signin.sh [demo|test] [SECONDS] [CONNECTIONS] [HOST]
set -euo pipefail
. "$(dirname "$0")/../scripts/lib.sh"

stack_env "${1:-demo}"
SECS=${2:-20}
CONNS=${3:-4}
THREADS=$(( CONNS < 2 ? CONNS : 2 ))
HOST=${4:-nordlys.localhost}
URL="http://127.0.0.1:$HTTP_PORT"
EMAIL=bench-signin@example.com
PASSWORD=bench-signin-password
command -v wrk >/dev/null || ensure_packages wrk
curl -sf "$URL/readyz" >/dev/null || die "the $STACK_NAME stack is not ready"

read -r cookie token < <(perl "$ROOT/bench/sessions.pl" "$STACK/secrets/session_secret" \
    "$STACK/secrets/form_secret" "$HOST" 1)
[ -n "$token" ] || die "could not mint a session cookie"
code=$(curl -s -o /dev/null -w '%{http_code}' -H "Host: $HOST" -H "Cookie: $cookie" \
    -H "X-CSRF-Token: $token" -H 'Content-Type: application/json' \
    --data "{\"email\":\"$EMAIL\",\"password\":\"$PASSWORD\",\"name\":\"Bench\"}" \
    "$URL/api/v1/account")
case $code in 201|409) ;; *) die "could not make the bench account (HTTP $code)" ;; esac

echo "bench/signin.sh ${1:-demo} $SECS $CONNS $HOST: wrk -t$THREADS -c$CONNS -d${SECS}s, $(nproc) cores, $WORKERS ecomd workers, $(date -u +%FT%TZ)"
out=$(wrk -t"$THREADS" -c"$CONNS" -d"${SECS}s" --latency -H "Host: $HOST" \
    -s "$ROOT/bench/signin.lua" "$URL/api/v1/session" -- "$cookie" "$token" "$EMAIL" "$PASSWORD")
printf '%-22s %10s %9s %9s %8s\n' route req/s p50 p99 non-2xx
printf '%-22s %10s %9s %9s %8s\n' "POST /api/v1/session" \
    "$(awk '/Requests\/sec/ {print $2}' <<<"$out")" \
    "$(awk '$1 == "50%" {print $2}' <<<"$out")" \
    "$(awk '$1 == "99%" {print $2}' <<<"$out")" \
    "$(awk '/Non-2xx/ {print $NF}' <<<"$out" | grep . || echo 0)"
