# Shared by scripts/up, scripts/down, scripts/test and scripts/stack.
#
# A "stack" is one complete set of services with its own folder, ports and
# pid files: var/demo for scripts/up, var/test for scripts/test, so tests
# can run while the demo runs. Everything listens on 127.0.0.1 only, and
# stopping a stack kills exactly the pids it recorded.

set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# Debian packages the project needs to build, run and test.
EC_BUILD_PACKAGES="build-essential autoconf automake libtool pkg-config autoconf-archive
  libfcgi-dev libmariadb-dev libjson-c-dev libhiredis-dev libssl-dev libcunit1-dev"
EC_RUN_PACKAGES="mariadb-server mariadb-client redis-server redis-tools nginx-light curl procps util-linux"
# gettext: msgfmt --check validates the message catalogs (templates/**/*.po)
EC_TEST_PACKAGES="chromium clang clang-format libclang-rt-14-dev gettext"

say() { printf '==> %s\n' "$*"; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# stack_env NAME: set the folder and ports of a stack.
stack_env() {
    STACK_NAME=$1
    STACK="$ROOT/var/$1"
    case "$1" in
        demo) HTTP_PORT=8080 MYSQL_PORT=3307 REDIS_PORT=6380 WORKERS=4 LOCK_TTL=15m ;;
        # a short lock TTL lets the tests watch locks expire
        # EC_TEST_PORT_OFFSET moves its ports, so two checkouts can test at once
        test) local o=${EC_TEST_PORT_OFFSET:-0}
              HTTP_PORT=$((18080 + o)) MYSQL_PORT=$((13307 + o)) REDIS_PORT=$((16380 + o))
              WORKERS=4 LOCK_TTL=10s ;;
        *) die "unknown stack '$1'" ;;
    esac
    MYSQL_SOCK="$STACK/run/mysqld.sock"
    ECOMD_SOCK="$STACK/run/ecomd.sock"
    ECOMD_CONF="$STACK/ecomd.conf"
    MAX_BODY=1m
    BUILD="$ROOT/build/plain"
    export ECOMD_MYSQL_PASSWORD
}

# ensure_packages PKG...: install with apt-get what is missing.
ensure_packages() {
    local missing=() p
    for p in "$@"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    [ "$(id -u)" -eq 0 ] || die "missing packages: ${missing[*]} (run as root, or install them with apt-get)"
    say "installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    # services are started by these scripts, never by the package manager
    if [ ! -e /usr/sbin/policy-rc.d ]; then
        printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
        chmod +x /usr/sbin/policy-rc.d
        EC_REMOVE_POLICY=1
    fi
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    [ "${EC_REMOVE_POLICY:-0}" = 1 ] && rm -f /usr/sbin/policy-rc.d
    return 0
}

# build DIR [CONFIGURE-ARGS...]: configure once per DIR, then make.
build() {
    local dir=$1; shift
    if [ ! -x "$ROOT/configure" ] || [ "$ROOT/configure.ac" -nt "$ROOT/configure" ] ||
       [ "$ROOT/Makefile.am" -nt "$ROOT/Makefile.in" ]; then
        say "autoreconf"
        (cd "$ROOT" && autoreconf -fi >/dev/null 2>&1) || (cd "$ROOT" && autoreconf -fi)
    fi
    mkdir -p "$dir"
    if [ ! -f "$dir/Makefile" ] || [ "$ROOT/configure" -nt "$dir/config.status" ]; then
        say "configure $dir $*"
        (cd "$dir" && "$ROOT/configure" --enable-werror "$@" >/dev/null)
    fi
    say "make -C $dir"
    make -s -C "$dir" -j"$(nproc)" all
}

pid_alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

# wait_until SECONDS CMD...: poll CMD until it succeeds.
wait_until() {
    local deadline=$(( $(date +%s) + $1 )); shift
    until "$@" >/dev/null 2>&1; do
        [ "$(date +%s)" -lt "$deadline" ] || return 1
        sleep 0.1
    done
}

# stop_pid FILE [SIGNAL]: stop the process FILE names and wait for it.
stop_pid() {
    local file=$1 sig=${2:-TERM} pid
    pid_alive "$file" || { rm -f "$file"; return 0; }
    pid=$(cat "$file")
    kill -"$sig" "$pid" 2>/dev/null || true
    if ! wait_until 30 bash -c "! kill -0 $pid"; then
        kill -KILL "$pid" 2>/dev/null || true
    fi
    rm -f "$file"
}

secret() {
    local f="$STACK/secrets/mysql_password"
    if [ ! -s "$f" ]; then
        mkdir -p "$STACK/secrets"
        chmod 700 "$STACK/secrets"
        (umask 077; head -c 18 /dev/urandom | base64 | tr -d '/+=' > "$f")
    fi
    ECOMD_MYSQL_PASSWORD=$(cat "$f")
    # the key that signs form tokens: kept, so forms survive restarts
    f="$STACK/secrets/form_secret"
    [ -s "$f" ] || (umask 077; head -c 32 /dev/urandom > "$f")
}

mysql_root() { mariadb --no-defaults -uroot --socket="$MYSQL_SOCK" "$@"; }

start_mariadb() {
    local data="$STACK/mysql"
    mkdir -p "$STACK/run" "$STACK/log"
    if pid_alive "$STACK/run/mysqld.pid"; then return 0; fi
    if [ ! -d "$data/mysql" ]; then
        say "initialising MariaDB in $data"
        mkdir -p "$data"
        mariadb-install-db --no-defaults --datadir="$data" --user="$(id -un)" \
            --auth-root-authentication-method=normal >"$STACK/log/mysql-install.log" 2>&1 ||
            die "mariadb-install-db failed: see $STACK/log/mysql-install.log"
    fi
    say "starting MariaDB on 127.0.0.1:$MYSQL_PORT"
    nohup mariadbd --no-defaults --datadir="$data" --socket="$MYSQL_SOCK" \
        --port="$MYSQL_PORT" --bind-address=127.0.0.1 --user="$(id -un)" \
        --pid-file="$STACK/run/mysqld.pid" --log-error="$STACK/log/mysql.log" \
        --innodb-flush-log-at-trx-commit=1 --sync-binlog=1 \
        --innodb-buffer-pool-size=128M --character-set-server=utf8mb4 \
        --collation-server=utf8mb4_unicode_ci >/dev/null 2>&1 &
    wait_until 60 mariadb-admin --no-defaults -uroot --socket="$MYSQL_SOCK" ping ||
        die "MariaDB did not start: see $STACK/log/mysql.log"
    secret
    mysql_root <<SQL
CREATE DATABASE IF NOT EXISTS ecom CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
CREATE USER IF NOT EXISTS 'ecom'@'127.0.0.1' IDENTIFIED BY '$ECOMD_MYSQL_PASSWORD';
ALTER USER 'ecom'@'127.0.0.1' IDENTIFIED BY '$ECOMD_MYSQL_PASSWORD';
GRANT ALL PRIVILEGES ON ecom.* TO 'ecom'@'127.0.0.1';
SQL
}

# start_redis [--no-wait] [REDIS-SERVER-ARGS...]: --no-wait returns as soon
# as it runs, perhaps still loading (for the tests of that).
start_redis() {
    local wait=1
    [ "${1:-}" = --no-wait ] && { wait=0; shift; }
    mkdir -p "$STACK/redis" "$STACK/run" "$STACK/log"
    if pid_alive "$STACK/run/redis.pid"; then return 0; fi
    say "starting Redis on 127.0.0.1:$REDIS_PORT"
    # baskets and number locks must survive a restart: append-only file,
    # written through every second
    redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' \
        --appendonly yes --appendfsync everysec \
        --dir "$STACK/redis" --pidfile "$STACK/run/redis.pid" \
        --logfile "$STACK/log/redis.log" --daemonize yes "$@" >/dev/null
    [ "$wait" = 1 ] || return 0
    # PONG, not LOADING: the append-only file is read back first
    wait_until 60 bash -c "redis-cli -p $REDIS_PORT ping | grep -qx PONG" ||
        die "Redis did not start: see $STACK/log/redis.log"
}

# The user nginx's workers run as: nobody when it can read the static
# files, else the current user (a checkout under /root, say).
nginx_user() {
    if id nobody >/dev/null 2>&1 &&
       runuser -u nobody -- test -r "$ROOT/static/default/site.css" 2>/dev/null; then
        echo "nobody $(id -gn nobody)"
    else
        echo "$(id -un) $(id -gn)"
    fi
}

write_ecomd_conf() {
    local group=$1
    cat > "$ECOMD_CONF" <<CONF
# Written by scripts for the $STACK_NAME stack; see etc/ecomd.conf.
listen = $ECOMD_SOCK
listen_group = $group
listen_mode = 0660
workers = $WORKERS
pid_file = $STACK/run/ecomd.pid
error_log = $STACK/log/ecomd-error.log
access_log = $STACK/log/ecomd-access.log
log_level = info
max_body_size = $MAX_BODY
mysql_host = 127.0.0.1
mysql_port = $MYSQL_PORT
mysql_user = ecom
mysql_database = ecom
redis_host = 127.0.0.1
redis_port = $REDIS_PORT
templates_dir = $ROOT/templates
template_reload = ${TEMPLATE_RELOAD:-off}
static_url = /static
form_secret_file = $STACK/secrets/form_secret
number_lock_ttl = $LOCK_TTL
$(client_limits_conf)
CONF
}

# The per-address limits of a stack: the demo keeps the defaults and
# exempts nobody; the test stack exempts 127.0.0.1, where most tests run
# from, and sets small limits that the tests of the limits reach from
# other loopback addresses (or, through 127.0.0.1 as a trusted proxy,
# from the address in X-Forwarded-For).
client_limits_conf() {
    [ "$STACK_NAME" = test ] || return 0
    cat <<CONF
client_limits_exempt = 127.0.0.1
trusted_proxies = 127.0.0.1
number_holds_max = 3
number_hold_max = 20s
basket_new_rate = 5
CONF
}

start_ecomd() {
    local user group
    pid_alive "$STACK/run/ecomd.pid" && return 0
    read -r user group <<<"$(nginx_user)"
    mkdir -p "$STACK/run" "$STACK/log"
    secret
    write_ecomd_conf "$group"
    # ECOMD_BIN: another build of ecomd, e.g. the sanitizer one for tests
    local bin=${ECOMD_BIN:-$BUILD/ecomd}
    "$bin" -t -c "$ECOMD_CONF" >/dev/null
    say "starting $bin ($WORKERS workers) on $ECOMD_SOCK"
    "$bin" -c "$ECOMD_CONF" || die "ecomd did not start: see $STACK/log/ecomd-error.log"
}

start_nginx() {
    local user group
    pid_alive "$STACK/run/nginx.pid" && return 0
    read -r user group <<<"$(nginx_user)"
    mkdir -p "$STACK/nginx/tmp" "$STACK/run" "$STACK/log"
    sed -e "s|@STACK@|$STACK|g" -e "s|@ROOT@|$ROOT|g" \
        -e "s|@HTTP_PORT@|$HTTP_PORT|g" -e "s|@MAX_BODY@|$MAX_BODY|g" \
        -e "s|@FASTCGI@|unix:$ECOMD_SOCK|g" -e "s|@NGINX_USER@|$user $group|g" \
        "$ROOT/nginx/ecomd.conf.in" > "$STACK/nginx/nginx.conf"
    nginx -t -q -c "$STACK/nginx/nginx.conf" -p "$STACK/nginx" -g "error_log stderr;" 2>&1 |
        grep -v 'could not open error log' >&2 || true
    say "starting nginx on http://127.0.0.1:$HTTP_PORT"
    nginx -c "$STACK/nginx/nginx.conf" -p "$STACK/nginx" ||
        die "nginx did not start: see $STACK/log/nginx-error.log"
    wait_until 10 curl -s -o /dev/null "http://127.0.0.1:$HTTP_PORT/healthz" ||
        die "nginx does not answer on port $HTTP_PORT"
}

ecomctl() { "$BUILD/ecomctl" -c "$ECOMD_CONF" "$@"; }

migrate_and_seed() {
    (cd "$ROOT" && ecomctl migrate "$ROOT/sql")
    local f slug
    for f in "$ROOT"/sql/demo/*.sql; do ecomctl seed "$f" >/dev/null; done
    for f in "$ROOT"/sql/demo/catalog-*.json; do
        slug=$(basename "$f" .json); slug=${slug#catalog-}
        ecomctl catalog import "$slug" "$f" >/dev/null
    done
    # number pools: numbers already in a pool are skipped, so this re-runs
    for f in "$ROOT"/sql/demo/numbers-*.csv; do
        slug=$(basename "$f" .csv); slug=${slug#numbers-}
        ecomctl numbers import "$slug" "$f" >/dev/null
    done
    say "seeded the demo brands, their catalogs and number pools"
}

stack_start() {
    start_mariadb
    start_redis
    start_ecomd
    migrate_and_seed
    start_nginx
}

stack_stop() {
    [ -d "$STACK/run" ] || return 0
    stop_pid "$STACK/run/nginx.pid" QUIT
    stop_pid "$STACK/run/ecomd.pid" TERM
    stop_pid "$STACK/run/redis.pid" TERM
    stop_pid "$STACK/run/mysqld.pid" TERM
}
