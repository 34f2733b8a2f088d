# What the load benchmarks share. Source after scripts/lib.sh and
# stack_env.

# All of a bench's requests come from 127.0.0.1, which the per-address
# limits (number_lock_rate, number_holds_max, basket_new_rate) would cut
# off after a few requests, and the demo stack exempts nobody. So for the
# run, ecomd reads its configuration with client_limits_exempt =
# 127.0.0.1 added (SIGHUP), and the stack's own again at the end
# (bench_restore_limits, which the caller's EXIT trap runs): the bench
# measures the shop, not the limits.
bench_reload_ecomd() {
    kill -HUP "$(cat "$STACK/run/ecomd.pid")"
    sleep 1   # the old generation of workers finishes and goes
    wait_until 10 curl -sf -o /dev/null "http://127.0.0.1:$HTTP_PORT/readyz" ||
        die "ecomd is not ready after a reload"
}
bench_exempt_limits() {   # bench_exempt_limits NAME
    BENCH_CONF_SAVED=$(mktemp /tmp/ec-bench-conf.XXXXXX)
    cp "$ECOMD_CONF" "$BENCH_CONF_SAVED"
    if ! grep -q '^client_limits_exempt *= *127\.0\.0\.1$' "$ECOMD_CONF"; then
        grep -v '^client_limits_exempt' "$BENCH_CONF_SAVED" > "$ECOMD_CONF"
        printf '# %s, for its run\nclient_limits_exempt = 127.0.0.1\n' "$1" >> "$ECOMD_CONF"
        bench_reload_ecomd
    fi
}
bench_restore_limits() {
    [ -n "${BENCH_CONF_SAVED:-}" ] || return 0
    cmp -s "$BENCH_CONF_SAVED" "$ECOMD_CONF" || { cp "$BENCH_CONF_SAVED" "$ECOMD_CONF"; bench_reload_ecomd; }
    rm -f "$BENCH_CONF_SAVED"
    BENCH_CONF_SAVED=
}

# bench_pool SLUG CSV: put the numbers of CSV (a header "msisdn", then one
# per line) in SLUG's pool. The import skips numbers the pool already has.
bench_pool() {
    ECOMD_MYSQL_PASSWORD=$(cat "$STACK/secrets/mysql_password") \
    ECOMD_REDIS_PASSWORD=$(cat "$STACK/secrets/redis_password") \
        "$BUILD/ecomctl" -c "$ECOMD_CONF" numbers import "$1" "$2" >/dev/null ||
        die "could not import the bench numbers into $1's pool"
}

# bench_unpool SLUG PREFIX: take the bench numbers (msisdn LIKE PREFIX%)
# out of SLUG's pool again, with SQL: no command removes numbers from a
# pool, as a real shop never should.
bench_unpool() {
    mysql_root ecom -e "DELETE n FROM numbers n JOIN tenants t ON t.id = n.tenant_id
        WHERE t.slug = '$1' AND n.msisdn LIKE '$2%'" ||
        echo "warning: the bench numbers are still in $1's pool" >&2
}

# bench_scan PATTERN SCRIPT ARG: run the Lua SCRIPT, one SCAN step a
# call on the server (KEYS[1] the pattern, ARGV[1] the cursor, ARGV[2]
# ARG; it returns the next cursor), until the walk is done: the demo's
# Redis stays responsive meanwhile.
bench_scan() {
    local cursor=0
    while :; do
        cursor=$(redis_admin EVAL "$2" 1 "$1" "$cursor" "$3")
        [ "$cursor" != 0 ] || break
    done
}

# bench_drop_baskets SLUG PREFIX: delete SLUG's baskets that hold a
# number starting with PREFIX (the bench's block, which no shopper's
# basket holds): left alone they would pile up for their 2 days and make
# every later run pay for a larger Redis (its append-only file rewrites
# copy them all).
bench_drop_baskets() {
    # shellcheck disable=SC2016
    bench_scan "ecom:{$1}:basket:*" '
        local r = redis.call("SCAN", ARGV[1], "MATCH", KEYS[1], "COUNT", 2000)
        for _, k in ipairs(r[2]) do
            local v = redis.call("GET", k)
            if v and string.find(v, ARGV[2], 1, true) then
                redis.call("DEL", k)
            end
        end
        return r[1]' "\"msisdn\":\"$2"
}

# bench_drop_sessions SLUG: delete SLUG's session records whose basket is
# gone (the bench's, after bench_drop_baskets, and any other that names
# nothing any more).
bench_drop_sessions() {
    # shellcheck disable=SC2016
    bench_scan "ecom:{$1}:session:*" '
        local r = redis.call("SCAN", ARGV[1], "MATCH", KEYS[1], "COUNT", 2000)
        for _, k in ipairs(r[2]) do
            local b = redis.call("HGET", k, "basket")
            if b and redis.call("EXISTS", ARGV[2] .. b) == 0 then
                redis.call("DEL", k)
            end
        end
        return r[1]' "ecom:{$1}:basket:"
}

# bench_unlock SLUG PREFIX: delete every lock of SLUG on a number starting
# with PREFIX. SCAN rather than KEYS: the demo's Redis stays responsive
# while it walks the keyspace.
bench_unlock() {
    local keys
    redis_admin --scan --pattern "ecom:{$1}:lock:$2*" |
        while mapfile -t -n 500 keys && [ ${#keys[@]} -gt 0 ]; do
            redis_admin DEL "${keys[@]}" >/dev/null
        done
}

# bench_drop_minted SLUG SESSIONS: delete the session records of SLUG
# minted into the file SESSIONS (bench/sessions.pl), with the baskets
# they name and those baskets' set-aside lists: what a bench's customers
# left, sold baskets included (they keep no number to find them by).
bench_drop_minted() {
    # shellcheck disable=SC2016
    local script='
        for _, id in ipairs(ARGV) do
            local rec = KEYS[1] .. "session:" .. id
            local b = redis.call("HGET", rec, "basket")
            if b then
                redis.call("DEL", KEYS[1] .. "basket:" .. b, KEYS[1] .. "aside:" .. b)
            end
            redis.call("DEL", rec)
        end
        return 0'
    sed -n 's/^[^=]*=\([0-9a-f]\{64\}\)\..*/\1/p' "$2" |
        xargs -r -n 500 sh -c 'dir=$0 port=$1 script=$2 prefix=$3; shift 3
            REDISCLI_AUTH=$(cat "$dir/secrets/redis_admin_password") \
                redis-cli -p "$port" EVAL "$script" 1 "$prefix" "$@" >/dev/null' \
            "$STACK" "$REDIS_PORT" "$script" "ecom:{$1}:"
}

# bench_wrk KEY PATH [HEADER]: every worker warmed with a few requests to
# PATH on $HOST, then wrk for $SECS seconds (2 threads, 64 connections;
# a non-2xx answer stops the bench); its requests per second and its
# median and 99th percentile latency into RPS[KEY], P50[KEY] and P99[KEY]
# (the caller's: declare -A RPS P50 P99).
bench_wrk() {
    local out hdr=()
    [ -n "${3:-}" ] && hdr=(-H "$3")
    for _ in $(seq 1 $((WORKERS * 4))); do curl -s -o /dev/null -H "Host: $HOST" "${hdr[@]}" "$URL$2"; done
    out=$(wrk -t2 -c64 -d"${SECS}s" --latency -H "Host: $HOST" "${hdr[@]}" "$URL$2")
    grep -q 'Non-2xx' <<<"$out" && die "$2 answered non-2xx under load"
    RPS[$1]=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
    P50[$1]=$(awk '$1 == "50%" {print $2}' <<<"$out")
    P99[$1]=$(awk '$1 == "99%" {print $2}' <<<"$out")
}
