# Shared by scripts/up, scripts/down, scripts/test and scripts/stack.
#
# A "stack" is one complete set of services with its own folder, ports and
# pid files: var/demo for scripts/up, var/test for scripts/test, so tests
# can run while the demo runs. Everything listens on 127.0.0.1 only, and
# stopping a stack kills exactly the pids it recorded.
#
# Run as root (as scripts/up and scripts/test are), no service of a stack
# runs as root: MariaDB as "mysql", Redis as "redis" (Debian's packages
# create both), ecomd's master and workers as "ecomd" (created here if
# missing; the master binds its socket as root first). Run as another user,
# everything runs as that user. docs/operations.md says who can read what.

set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# Debian packages the project needs to build, run and test.
EC_BUILD_PACKAGES="build-essential autoconf automake libtool pkg-config autoconf-archive
  libfcgi-dev libmariadb-dev libjson-c-dev libhiredis-dev libssl-dev libcunit1-dev
  libcurl4-openssl-dev"
# argon2id password hashes (src/core/password.c)
EC_BUILD_PACKAGES="$EC_BUILD_PACKAGES libargon2-dev"
# acl: setfacl grants the services' accounts what they need in the stack's
# folders, and no one else (docs/operations.md)
EC_RUN_PACKAGES="mariadb-server mariadb-client redis-server redis-tools nginx-light curl procps util-linux acl openssl"
# the libraries ecomd links, for a machine that runs it without building
EC_RUN_PACKAGES="$EC_RUN_PACKAGES libargon2-1 libcurl4"
# gettext: msgfmt --check validates the message catalogs (templates/**/*.po)
EC_TEST_PACKAGES="chromium clang clang-format libclang-rt-14-dev gettext logrotate"

say() { printf '==> %s\n' "$*"; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# stack_env NAME: set the folder and ports of a stack.
stack_env() {
    STACK_NAME=$1
    STACK="$ROOT/var/$1"
    case "$1" in
        demo) HTTP_PORT=8080 MYSQL_PORT=3307 REDIS_PORT=6380 OIDC_PORT=8443
              WORKERS=4 LOCK_TTL=15m REDIS_MAXMEMORY=256mb ;;
        # a short lock TTL lets the tests watch locks expire
        # EC_TEST_PORT_OFFSET moves its ports, so two checkouts can test at once
        test) local o=${EC_TEST_PORT_OFFSET:-0}
              HTTP_PORT=$((18080 + o)) MYSQL_PORT=$((13307 + o)) REDIS_PORT=$((16380 + o))
              OIDC_PORT=$((18443 + o)) WORKERS=4 LOCK_TTL=10s REDIS_MAXMEMORY=64mb ;;
        *) die "unknown stack '$1'" ;;
    esac
    MYSQL_SOCK="$STACK/run/mysqld.sock"
    # the only folder LOAD DATA and SELECT ... INTO OUTFILE may touch
    MYSQL_FILES="$STACK/mysql-files"
    ECOMD_SOCK="$STACK/run/ecomd.sock"
    ECOMD_CONF="$STACK/ecomd.conf"
    # the test OIDC provider: its certificate, keys and clients
    OIDC_DIR="$STACK/oidc"
    OIDC_ISSUER="https://127.0.0.1:$OIDC_PORT"
    MAX_BODY=1m
    # the downstream simulator (t/doubles/downstream.mjs, docs/orders.md)
    case "$1" in
        demo) DOWNSTREAM_PORT=8543 ;;
        test) DOWNSTREAM_PORT=$((19543 + ${EC_TEST_PORT_OFFSET:-0})) ;;
    esac
    DOWNSTREAM_FILE="$STACK/secrets/downstream"
    # the Stripe double (t/doubles/stripe.mjs): the test stack's only
    STRIPE_PORT=$((18544 + ${EC_TEST_PORT_OFFSET:-0}))
    # ecomd's metrics listener (docs/operations.md, "Metrics"): loopback
    # only, never on a tenant host
    case "$1" in
        demo) METRICS_PORT=9464 ;;
        test) METRICS_PORT=$((19464 + ${EC_TEST_PORT_OFFSET:-0})) ;;
    esac
    # the Contentful stand-in (t/doubles/contentful.mjs, docs/cms.md)
    case "$1" in
        demo) CONTENTFUL_PORT=8643 ;;
        test) CONTENTFUL_PORT=$((21643 + ${EC_TEST_PORT_OFFSET:-0})) ;;
    esac
    CMS_TENANTS='nordlys fjordmobil'
    BUILD="$ROOT/build/plain"
    # the accounts the services run as (see the top of this file)
    if [ "$(id -u)" -eq 0 ]; then
        SVC_MYSQL=mysql SVC_REDIS=redis SVC_ECOMD=ecomd
    else
        SVC_MYSQL=$(id -un) SVC_REDIS=$(id -un) SVC_ECOMD=$(id -un)
    fi
    # MariaDB's administrator: root through the unix socket only (as OS
    # root), or the OS user's own socket account mariadb-install-db made
    MYSQL_ADMIN=$(id -un)
    # Redis accounts: ecomd's own, limited to its keys and channel; the
    # default one, with a password, for the scripts and tests
    REDIS_ACL_USER=ecomd
    export ECOMD_MYSQL_PASSWORD ECOMD_REDIS_PASSWORD
}

is_root() { [ "$(id -u)" -eq 0 ]; }

# as_user USER CMD...: run CMD as USER (through runuser if that is another
# account than ours).
as_user() {
    local u=$1; shift
    if [ "$u" = "$(id -un)" ]; then "$@"; else runuser -u "$u" -- "$@"; fi
}

# The account ecomd runs as: a system user without a home or a shell.
ensure_accounts() {
    is_root || return 0
    local u
    for u in mysql redis; do
        id "$u" >/dev/null 2>&1 || die "no '$u' user: is its Debian package installed?"
    done
    if ! id ecomd >/dev/null 2>&1; then
        say "creating the system user ecomd"
        useradd --system --user-group --no-create-home --home-dir /nonexistent \
            --shell /usr/sbin/nologin ecomd
    fi
}

# grant_traverse USER PATH: let USER pass through every folder down to
# PATH. A folder USER cannot pass (a checkout under /root, which is 0700)
# gets an ACL entry for USER alone, with search permission only: it opens
# nothing to anyone else and lets USER list nothing.
grant_traverse() {
    local user=$1 path=$2 d=""
    local -a parts
    is_root || return 0
    IFS=/ read -r -a parts <<<"${path#/}"
    for p in "" "${parts[@]}"; do
        d="$d/$p"; d=${d//\/\//\/}
        [ -d "$d" ] || break
        runuser -u "$user" -- test -x "$d" 2>/dev/null || setfacl -m "u:$user:x" "$d"
    done
}

# prepare_dirs: the stack's folders, each service's share of them.
#   run/ and log/: writable by the three service accounts, by an ACL entry
#   each; log/ is sticky (each may delete only its own files), run/ is not,
#   since ecomd removes on stop the pid file and socket its master made as
#   root;
#   secrets/: root's, readable by ecomd's group for the one file it reads
#   (form_secret).
prepare_dirs() {
    mkdir -p "$STACK/run" "$STACK/log" "$STACK/uploads"
    # the group's bits are the ACL's mask once ecomd has its entry (below)
    chmod u=rwx,o=rx "$STACK/uploads"
    is_root || return 0
    [ "${EC_DIRS_READY:-}" = "$STACK" ] && return 0
    ensure_accounts
    command -v setfacl >/dev/null || ensure_packages acl
    local u
    chmod 0755 "$STACK/run"
    chmod 1755 "$STACK/log"
    setfacl -m "u:$SVC_MYSQL:rwx,u:$SVC_REDIS:rwx,u:$SVC_ECOMD:rwx" "$STACK/run" "$STACK/log"
    for u in "$SVC_MYSQL" "$SVC_REDIS" "$SVC_ECOMD"; do
        grant_traverse "$u" "$STACK/run"
    done
    grant_traverse "$SVC_ECOMD" "$ROOT/templates"
    # brands' logos: ecomd writes those uploaded in the admin panel
    # (docs/admin.md, "Branding"), beside ecomctl's (root's); the default
    # entry lets it into a brand's folder that ecomctl made first
    setfacl -R -m "u:$SVC_ECOMD:rwx" "$STACK/uploads"
    find "$STACK/uploads" -type d -exec setfacl -d -m "u:$SVC_ECOMD:rwx" {} +
    # nginx's workers run as nobody when it reaches the static files and
    # the socket (nginx_user)
    if id nobody >/dev/null 2>&1; then
        grant_traverse nobody "$ROOT/static"
        grant_traverse nobody "$STACK/run"
        grant_traverse nobody "$STACK/uploads"   # brands' logos
    fi
    EC_DIRS_READY=$STACK
}

# own USER PATH...: PATH (recursively) belongs to USER and its group, and
# no one else reads it.
own() {
    local user=$1; shift
    is_root || return 0
    chown -R "$user:$(id -gn "$user")" "$@"
    chmod 750 "$@"
}

# log_file USER NAME: a log file USER may write, created if missing.
log_file() {
    local f="$STACK/log/$2"
    [ -e "$f" ] || : > "$f"
    is_root && chown "$1:$(id -gn "$1")" "$f"
    return 0
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

# new_password NAME: var/<stack>/secrets/NAME, made once (letters and
# digits), root's alone.
new_password() {
    local f="$STACK/secrets/$1"
    [ -s "$f" ] || (umask 077; head -c 18 /dev/urandom | base64 | tr -d '/+=\n' > "$f")
    chmod 600 "$f"
}

# secret: the stack's secrets, made once and kept (docs/operations.md):
#   mysql_password        ecomd's MariaDB account (ecom)
#   mysql_owner_password  the schema's owner (ecom_owner), for migrations
#   redis_password        ecomd's Redis account (ecomd)
#   redis_admin_password  Redis's default account (all rights), for
#                         scripts and tests
#   form_secret           the key that signs CSRF tokens (so forms survive
#                         restarts)
#   session_secret        the key that signs session cookies (so sessions
#                         survive restarts); ecomd reads these two itself
#   payment_sim_secret    signs the payment simulator's callbacks
#   stripe_secret_key, stripe_webhook_secret
#                         the Stripe double's API key and webhook
#                         signing secret (used by the test stack only)
#   contentful-<slug>, contentful-<slug>.token
#                         each demo brand's webhook signing secret and
#                         delivery token of its space at the Contentful
#                         stand-in (docs/cms.md)
#   seal_keys             the key ring of sealed fields (CPR numbers, the
#                         brokers' client secrets: core/seal.h), read by
#                         ecomd and ecomctl; "k1" and "current k1"
secret() {
    local d="$STACK/secrets" n
    mkdir -p "$d"
    chmod 700 "$d"
    for n in mysql_password mysql_owner_password redis_password redis_admin_password; do
        new_password "$n"
    done
    for n in form_secret session_secret payment_sim_secret; do
        [ -s "$d/$n" ] || (umask 077; head -c 32 /dev/urandom > "$d/$n")
    done
    # the Stripe double's API key and webhook signing secret, in Stripe's
    # forms (test stack only; docs/orders.md)
    [ -s "$d/stripe_secret_key" ] ||
        (umask 077; echo "sk_test_$(openssl rand -hex 24)" > "$d/stripe_secret_key")
    [ -s "$d/stripe_webhook_secret" ] ||
        (umask 077; echo "whsec_$(openssl rand -hex 24)" > "$d/stripe_webhook_secret")
    for n in $CMS_TENANTS; do
        [ -s "$d/contentful-$n" ] || (umask 077; openssl rand -hex 32 > "$d/contentful-$n")
        [ -s "$d/contentful-$n.token" ] ||
            (umask 077; echo "cda-$(openssl rand -hex 20)" > "$d/contentful-$n.token")
        if is_root; then
            chgrp "$(id -gn "$SVC_ECOMD")" "$d/contentful-$n" "$d/contentful-$n.token"
            chmod 640 "$d/contentful-$n" "$d/contentful-$n.token"
        fi
    done
    [ -s "$d/seal_keys" ] || (umask 077
        printf '# kid  key (docs/operations.md, "Sealed fields")\nk1 %s\ncurrent k1\n' \
            "$(od -An -tx1 -N32 /dev/urandom | tr -d ' \n')" > "$d/seal_keys")
    if is_root; then
        ensure_accounts
        chgrp "$(id -gn "$SVC_ECOMD")" "$d" "$d/form_secret" "$d/session_secret" "$d/seal_keys" \
            "$d/payment_sim_secret" "$d/stripe_secret_key" "$d/stripe_webhook_secret"
        chmod 750 "$d"
        chmod 640 "$d/form_secret" "$d/session_secret" "$d/seal_keys" \
            "$d/payment_sim_secret" "$d/stripe_secret_key" "$d/stripe_webhook_secret"
    fi
    ECOMD_MYSQL_PASSWORD=$(cat "$d/mysql_password")
    ECOMD_REDIS_PASSWORD=$(cat "$d/redis_password")
}

mysql_root() { mariadb --no-defaults -u"$MYSQL_ADMIN" --socket="$MYSQL_SOCK" "$@"; }

# redis_admin ARGS...: redis-cli as Redis's default account, which has a
# password (through the environment, never on a command line).
redis_admin() {
    REDISCLI_AUTH=$(cat "$STACK/secrets/redis_admin_password") \
        redis-cli -p "$REDIS_PORT" "$@"
}

redis_pong() { redis_admin ping 2>/dev/null | grep -qx PONG; }

# MariaDB runs as $SVC_MYSQL, owns its data folder, reads and writes files
# only in $MYSQL_FILES, and has no account that logs in without a password
# over TCP: root comes in through the unix socket as OS root (unix_socket
# authentication, mariadb-install-db's default), ecomd as "ecom" with
# SELECT and INSERT on its schema (UPDATE and DELETE come table by table
# after the migrations: grant_ecomd_tables), migrations as "ecom_owner",
# which owns the schema.
start_mariadb() {
    local data="$STACK/mysql" owner_password
    prepare_dirs
    secret
    if pid_alive "$STACK/run/mysqld.pid"; then return 0; fi
    mkdir -p "$data" "$MYSQL_FILES"
    own "$SVC_MYSQL" "$data" "$MYSQL_FILES"
    log_file "$SVC_MYSQL" mysql.log
    if [ ! -d "$data/mysql" ]; then
        say "initialising MariaDB in $data"
        mariadb-install-db --no-defaults --datadir="$data" \
            --user="$SVC_MYSQL" --skip-test-db >"$STACK/log/mysql-install.log" 2>&1 ||
            die "mariadb-install-db failed: see $STACK/log/mysql-install.log"
    fi
    say "starting MariaDB on 127.0.0.1:$MYSQL_PORT as $SVC_MYSQL"
    nohup mariadbd --no-defaults --datadir="$data" --socket="$MYSQL_SOCK" \
        --port="$MYSQL_PORT" --bind-address=127.0.0.1 --user="$SVC_MYSQL" \
        --secure-file-priv="$MYSQL_FILES" \
        --pid-file="$STACK/run/mysqld.pid" --log-error="$STACK/log/mysql.log" \
        --innodb-flush-log-at-trx-commit=1 --sync-binlog=1 \
        --innodb-buffer-pool-size=128M --character-set-server=utf8mb4 \
        --collation-server=utf8mb4_unicode_ci >/dev/null 2>&1 &
    wait_until 60 mysql_root -e 'SELECT 1' ||
        die "MariaDB did not start: see $STACK/log/mysql.log"
    harden_mariadb
    owner_password=$(cat "$STACK/secrets/mysql_owner_password")
    mysql_root <<SQL
CREATE DATABASE IF NOT EXISTS ecom CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
CREATE USER IF NOT EXISTS 'ecom'@'127.0.0.1' IDENTIFIED BY '$ECOMD_MYSQL_PASSWORD';
ALTER USER 'ecom'@'127.0.0.1' IDENTIFIED BY '$ECOMD_MYSQL_PASSWORD';
REVOKE ALL PRIVILEGES, GRANT OPTION FROM 'ecom'@'127.0.0.1';
GRANT SELECT, INSERT ON ecom.* TO 'ecom'@'127.0.0.1';
CREATE USER IF NOT EXISTS 'ecom_owner'@'127.0.0.1' IDENTIFIED BY '$owner_password';
ALTER USER 'ecom_owner'@'127.0.0.1' IDENTIFIED BY '$owner_password';
GRANT ALL PRIVILEGES ON ecom.* TO 'ecom_owner'@'127.0.0.1';
SQL
    # the tables a restart finds get ecomd's UPDATE and DELETE back
    grant_ecomd_tables
}

# No anonymous account, no test database, no root but root@localhost,
# and that one only through the unix socket (a data folder made by an
# earlier version of these scripts had root without a password on TCP).
harden_mariadb() {
    local drops
    drops=$(mysql_root -N -e "SELECT CONCAT('DROP USER ', QUOTE(User), '@', QUOTE(Host), ';')
        FROM mysql.user WHERE User = '' OR (User = 'root' AND Host <> 'localhost')")
    mysql_root <<SQL
$drops
DROP DATABASE IF EXISTS test;
DELETE FROM mysql.db WHERE Db = 'test' OR Db = 'test\\_%';
FLUSH PRIVILEGES;
SQL
    if is_root; then
        mysql_root -e "ALTER USER 'root'@'localhost' IDENTIFIED VIA unix_socket"
    fi
}

# start_redis [--no-wait] [REDIS-SERVER-ARGS...]: --no-wait returns as soon
# as it runs, perhaps still loading (for the tests of that).
# write_redis_conf: Redis's configuration, with its accounts. The file
# holds the passwords' SHA-256 only.
#   default: everything, with a password (redis_admin_password), for the
#            scripts and the tests; a client that does not AUTH can do
#            nothing (NOAUTH). (It stays on: Redis 7.0 replays the
#            append-only file's transactions as this account, and refuses
#            them, losing data, when it is off.)
#   ecomd:   ecomd's keys (ecom:*) and channel, no dangerous command
write_redis_conf() {
    local conf="$STACK/redis.conf" ecomd_hash admin_hash
    ecomd_hash=$(printf %s "$ECOMD_REDIS_PASSWORD" | sha256sum | cut -d' ' -f1)
    admin_hash=$(tr -d '\n' < "$STACK/secrets/redis_admin_password" | sha256sum | cut -d' ' -f1)
    (umask 027; cat > "$conf" <<CONF
# Written by scripts for the $STACK_NAME stack; see docs/operations.md.
port $REDIS_PORT
bind 127.0.0.1
# baskets and number locks must survive a restart: append-only file,
# written through every second
save ""
appendonly yes
appendfsync everysec
dir $STACK/redis
pidfile $STACK/run/redis.pid
logfile $STACK/log/redis.log
daemonize yes
# a full Redis refuses writes (ecomd answers 503) rather than dropping
# baskets or number locks
maxmemory $REDIS_MAXMEMORY
maxmemory-policy noeviction
user default on #$admin_hash ~* &* +@all
user $REDIS_ACL_USER on #$ecomd_hash resetchannels ~ecom:* &ecom:* +@all -@dangerous
CONF
    )
    is_root && chgrp "$(id -gn "$SVC_REDIS")" "$conf"
    return 0
}

# start_redis [--no-wait] [REDIS-SERVER-ARGS...]: --no-wait returns as soon
# as it runs, perhaps still loading (for the tests of that).
start_redis() {
    local wait=1
    [ "${1:-}" = --no-wait ] && { wait=0; shift; }
    prepare_dirs
    secret
    if pid_alive "$STACK/run/redis.pid"; then return 0; fi
    mkdir -p "$STACK/redis"
    own "$SVC_REDIS" "$STACK/redis"
    log_file "$SVC_REDIS" redis.log
    write_redis_conf
    say "starting Redis on 127.0.0.1:$REDIS_PORT as $SVC_REDIS"
    as_user "$SVC_REDIS" redis-server "$STACK/redis.conf" "$@" >/dev/null
    [ "$wait" = 1 ] || return 0
    # PONG, not LOADING: the append-only file is read back first
    wait_until 60 redis_pong || die "Redis did not start: see $STACK/log/redis.log"
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
# The passwords come from ECOMD_MYSQL_PASSWORD and ECOMD_REDIS_PASSWORD.
user = $SVC_ECOMD
group = $(id -gn "$SVC_ECOMD")
listen = $ECOMD_SOCK
listen_group = $group
listen_mode = 0660
workers = $WORKERS
pid_file = $STACK/run/ecomd.pid
error_log = $STACK/log/ecomd-error.log
access_log = $STACK/log/ecomd-access.log
log_level = info
max_body_size = $MAX_BODY
metrics_listen = 127.0.0.1:$METRICS_PORT
mysql_host = 127.0.0.1
mysql_port = $MYSQL_PORT
mysql_user = ecom
mysql_database = ecom
redis_host = 127.0.0.1
redis_port = $REDIS_PORT
redis_user = $REDIS_ACL_USER
templates_dir = $ROOT/templates
template_reload = ${TEMPLATE_RELOAD:-off}
static_url = /static
upload_dir = $STACK/uploads
form_secret_file = $STACK/secrets/form_secret
session_secret_file = $STACK/secrets/session_secret
seal_keys_file = $STACK/secrets/seal_keys
oidc_ca_file = $OIDC_DIR/ca.pem
cms_cdn_url = https://127.0.0.1:$CONTENTFUL_PORT
cms_ca_file = $OIDC_DIR/ca.pem
cms_image_origin = https://127.0.0.1:$CONTENTFUL_PORT
number_lock_ttl = $LOCK_TTL
$(client_limits_conf)
$(mail_conf)
$(orders_conf)
CONF
}

# Orders: the delivery process delivers to the downstream simulator,
# whose certificate the stack's CA signed; the test stack retries fast.
orders_conf() {
    cat <<CONF
delivery = on
downstream_file = $DOWNSTREAM_FILE
downstream_ca_file = $OIDC_DIR/ca.pem
payment_sim_secret_file = $STACK/secrets/payment_sim_secret
payment_provider = sim
CONF
    [ "$STACK_NAME" = test ] || return 0
    # the scratch tenant "stripetest" of the payment tests pays at the
    # Stripe double
    cat <<CONF
payment_provider_tenants = stripetest=stripe
stripe_secret_key_file = $STACK/secrets/stripe_secret_key
stripe_webhook_secret_file = $STACK/secrets/stripe_webhook_secret
stripe_api = https://127.0.0.1:$STRIPE_PORT
stripe_ca_file = $OIDC_DIR/ca.pem
delivery_interval = 200ms
delivery_backoff = 200ms
delivery_backoff_max = 2s
delivery_lease = 5s
CONF
}

# Mail of the demo and test stacks: each one an .eml file under
# var/<stack>/mail/, nothing leaves the machine (docs/identity.md).
mail_conf() {
    cat <<CONF
mail_transport = file
mail_from = shop@ecomd.localhost
mail_dir = $STACK/mail
CONF
}

# prepare_mail_dir: var/<stack>/mail/, where ecomd writes and no one else
# reads but root (the tests): a mail holds its recipient's reset link.
prepare_mail_dir() {
    mkdir -p "$STACK/mail"
    is_root || return 0
    chown "$SVC_ECOMD:$(id -gn "$SVC_ECOMD")" "$STACK/mail"
    chmod 0750 "$STACK/mail"
    grant_traverse "$SVC_ECOMD" "$STACK/mail"
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
    prepare_dirs
    secret
    read -r user group <<<"$(nginx_user)"
    log_file "$SVC_ECOMD" ecomd-error.log
    log_file "$SVC_ECOMD" ecomd-access.log
    as_user "$SVC_ECOMD" test -r "$ROOT/templates/default" ||
        die "$SVC_ECOMD cannot read $ROOT/templates: make the checkout readable (chmod -R o+rX)"
    prepare_mail_dir
    write_ecomd_conf "$group"
    # ECOMD_BIN: another build of ecomd, e.g. the sanitizer one for tests
    local bin=${ECOMD_BIN:-$BUILD/ecomd}
    "$bin" -t -c "$ECOMD_CONF" >/dev/null
    say "starting $bin ($WORKERS workers) on $ECOMD_SOCK"
    "$bin" -c "$ECOMD_CONF" || die "ecomd did not start: see $STACK/log/ecomd-error.log"
}

# write_nginx_conf: the stack's nginx.conf from nginx/ecomd.conf.in,
# with what nginx -t says of it (a reload keeps the running configuration
# when nginx refuses the new one)
write_nginx_conf() {
    local user group
    read -r user group <<<"$(nginx_user)"
    mkdir -p "$STACK/nginx/tmp" "$STACK/run" "$STACK/log"
    sed -e "s|@STACK@|$STACK|g" -e "s|@ROOT@|$ROOT|g" \
        -e "s|@HTTP_PORT@|$HTTP_PORT|g" -e "s|@MAX_BODY@|$MAX_BODY|g" \
        -e "s|@FASTCGI@|unix:$ECOMD_SOCK|g" -e "s|@NGINX_USER@|$user $group|g" \
        "$ROOT/nginx/ecomd.conf.in" > "$STACK/nginx/nginx.conf"
    nginx -t -q -c "$STACK/nginx/nginx.conf" -p "$STACK/nginx" -g "error_log stderr;" 2>&1 |
        grep -v 'could not open error log' >&2 || true
}

start_nginx() {
    pid_alive "$STACK/run/nginx.pid" && return 0
    write_nginx_conf
    say "starting nginx on http://127.0.0.1:$HTTP_PORT"
    nginx -c "$STACK/nginx/nginx.conf" -p "$STACK/nginx" ||
        die "nginx did not start: see $STACK/log/nginx-error.log"
    wait_until 10 curl -s -o /dev/null "http://127.0.0.1:$HTTP_PORT/healthz" ||
        die "nginx does not answer on port $HTTP_PORT"
}

ecomctl() { "$BUILD/ecomctl" -c "$ECOMD_CONF" "$@"; }

# ecomd's UPDATE and DELETE, table by table, on every table of the schema
# but the append-only ones (a comment starting "append-only": the audit
# log, sql/010_audit.sql), where it may only INSERT and SELECT. A grant on
# the whole schema cannot leave one table out, hence one grant a table,
# made after the migrations that make the tables.
grant_ecomd_tables() {
    local grants
    grants=$(mysql_root -N -e "SELECT CONCAT('GRANT UPDATE, DELETE ON ecom.', TABLE_NAME,
            ' TO ''ecom''@''127.0.0.1'';') FROM information_schema.TABLES
        WHERE TABLE_SCHEMA = 'ecom' AND TABLE_TYPE = 'BASE TABLE'
          AND TABLE_COMMENT NOT LIKE 'append-only%'")
    # a stack made before the audit log had UPDATE and DELETE on the
    # whole schema: take them back (the schema-wide row always exists)
    mysql_root <<SQL
GRANT SELECT, INSERT ON ecom.* TO 'ecom'@'127.0.0.1';
REVOKE UPDATE, DELETE ON ecom.* FROM 'ecom'@'127.0.0.1';
$grants
SQL
}

# migrate: the migrations not applied yet (sql/NNN_*.sql), run by the
# schema's owner since they change tables, then ecomd's grants on the
# tables they made
migrate() {
    (cd "$ROOT" && ECOMD_MYSQL_PASSWORD=$(cat "$STACK/secrets/mysql_owner_password") \
        ecomctl -u ecom_owner migrate "$ROOT/sql")
    grant_ecomd_tables
}

migrate_and_seed() {
    migrate
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
    configure_mitid
    configure_cms
}

# The demo brands' Contentful spaces: at the stand-in, their secrets from
# secrets/contentful-<slug>(.token). The demo stack syncs their content;
# the test stack leaves its copy empty, so pages show the catalog unless
# a test publishes content (and removes it again).
configure_cms() {
    local slug d="$STACK/secrets"
    for slug in $CMS_TENANTS; do
        ECOMD_CMS_DELIVERY_TOKEN=$(cat "$d/contentful-$slug.token") \
        ECOMD_CMS_WEBHOOK_SECRET=$(cat "$d/contentful-$slug") \
            ecomctl cms configure "$slug" --space "$slug-space" \
            --locales da-DK=da-DK,en=en-US >/dev/null
        if [ "$STACK_NAME" = demo ]; then
            ecomctl cms sync "$slug" --initial >/dev/null
        fi
    done
    say "configured Contentful for the demo brands (stand-in at https://127.0.0.1:$CONTENTFUL_PORT)"
}

# The demo customers: one account per brand, made through the shop's own
# API (so with the configured hash parameters), once the stack answers.
# Running it again finds them there (409) and leaves them as they are.
DEMO_CUSTOMER_PASSWORD='demo-kunde-2026'
DEMO_CUSTOMERS='nordlys.localhost|kunde@nordlys.example|Nora Nordlys
fjordmobil.localhost|kunde@fjordmobil.example|Frode Fjord'
seed_demo_accounts() {
    local host email name jar token code
    while IFS='|' read -r host email name; do
        jar=$(mktemp)
        token=$(curl -s -c "$jar" -D - -o /dev/null -H "Host: $host" \
                    "http://127.0.0.1:$HTTP_PORT/api/v1/basket" |
                awk 'tolower($1) == "x-csrf-token:" {print $2}' | tr -d '\r')
        code=$(curl -s -b "$jar" -o /dev/null -w '%{http_code}' -H "Host: $host" \
                   -H "X-CSRF-Token: $token" -H 'Content-Type: application/json' \
                   --data "{\"email\":\"$email\",\"password\":\"$DEMO_CUSTOMER_PASSWORD\",\"name\":\"$name\"}" \
                   "http://127.0.0.1:$HTTP_PORT/api/v1/account")
        rm -f "$jar"
        case $code in
            201|409) ;;
            *) die "could not make the demo account $email at $host (HTTP $code)" ;;
        esac
    done <<< "$DEMO_CUSTOMERS"
    say "demo customer accounts ready"
}

# The demo brands' staff (docs/admin.md): a user of each role per brand,
# <role>@<slug>.example, whose password is made once and kept in
# secrets/staff-<slug>-<role>; and an admin API key per brand with the
# role admin, kept in secrets/api-key-<slug>. Running it again finds them
# and makes nothing new (a key is made again only when the kept one no
# longer works, a revoked one or a new database).
DEMO_BRANDS='nordlys fjordmobil'
DEMO_STAFF_ROLES='admin editor viewer agent'
seed_demo_staff() {
    local slug role email file host code
    for slug in $DEMO_BRANDS; do
        for role in $DEMO_STAFF_ROLES; do
            email="$role@$slug.example"
            file="$STACK/secrets/staff-$slug-$role"
            [ -s "$file" ] || (umask 077; openssl rand -base64 15 > "$file")
            if ! ecomctl staff list "$slug" | cut -f1 | grep -qxF "$email"; then
                ECOMD_STAFF_PASSWORD=$(cat "$file") \
                    ecomctl staff create "$slug" "$email" "Demo $role" "$role" >/dev/null
            fi
        done
        file="$STACK/secrets/api-key-$slug"
        host="$slug.localhost"
        code=000
        if [ -s "$file" ]; then
            code=$(curl -s -o /dev/null -w '%{http_code}' -H "Host: $host" \
                -H "Authorization: Bearer $(cat "$file")" \
                "http://127.0.0.1:$HTTP_PORT/api/admin/v1/channels")
        fi
        if [ "$code" != 200 ]; then
            (umask 077; ecomctl apikey create "$slug" "demo $(date -u +%Y%m%dT%H%M%S)" \
                admin > "$file" 2>/dev/null) ||
                die "could not make the demo API key of $slug"
        fi
    done
    say "demo staff users and API keys ready"
}

# The demo brands' MitID brokers: the stack's test OIDC provider, Nordlys
# in Idura's style and requiring MitID before a subscription, Fjordmobil
# in Signaturgruppen's (ES256 tokens) and not requiring it.
configure_mitid() {
    local secret="$STACK/secrets/oidc_client_secret"
    ecomctl mitid configure nordlys --issuer "$OIDC_ISSUER" --client-id ecom-idura \
        --secret-file "$secret" --style idura --required >/dev/null
    ecomctl mitid configure fjordmobil --issuer "$OIDC_ISSUER" \
        --client-id ecom-signaturgruppen --secret-file "$secret" \
        --style signaturgruppen --not-required >/dev/null
    say "configured MitID for the demo brands (test OIDC provider at $OIDC_ISSUER)"
}

# The test OIDC provider (t/doubles/oidc-provider.mjs, docs/identity.md)
# serves HTTPS with a certificate from a small CA of the stack's own:
#   secrets/oidc_ca.key    the CA's key (root's: only these scripts sign)
#   oidc/ca.pem            the CA, the file ecomd and the tests trust
#   oidc/server.{key,pem}  the provider's certificate, for 127.0.0.1
# All are made once and kept; delete them to make new ones.
oidc_certificates() {
    local ca_key="$STACK/secrets/oidc_ca.key" ext
    mkdir -p "$OIDC_DIR"
    if [ ! -s "$OIDC_DIR/ca.pem" ] || [ ! -s "$ca_key" ]; then
        say "creating the test OIDC provider's CA in $OIDC_DIR"
        (umask 077; openssl req -x509 -new -newkey ec \
            -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout "$ca_key" \
            -out "$OIDC_DIR/ca.pem" -days 3650 -subj "/CN=ecomd $STACK_NAME test CA" \
            -addext "basicConstraints=critical,CA:TRUE" \
            -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null)
        rm -f "$OIDC_DIR/server.pem"
    fi
    if [ ! -s "$OIDC_DIR/server.pem" ]; then
        ext=$(mktemp)
        printf '%s\n' "subjectAltName=IP:127.0.0.1,DNS:localhost" \
            "basicConstraints=critical,CA:FALSE" "keyUsage=critical,digitalSignature" \
            "extendedKeyUsage=serverAuth" > "$ext"
        (umask 077; openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 \
            -nodes -keyout "$OIDC_DIR/server.key" -subj "/CN=127.0.0.1" 2>/dev/null |
         openssl x509 -req -CA "$OIDC_DIR/ca.pem" -CAkey "$ca_key" \
            -set_serial "0x$(openssl rand -hex 16)" -days 825 -extfile "$ext" \
            -out "$OIDC_DIR/server.pem" 2>/dev/null)
        rm -f "$ext"
    fi
    chmod 644 "$OIDC_DIR/ca.pem" "$OIDC_DIR/server.pem"
}

# The provider's clients, one per broker style, all with the stack's
# oidc_client_secret, allowed to send people back to the demo brands.
oidc_clients() {
    local secret style prefixes
    new_password oidc_client_secret
    secret=$(cat "$STACK/secrets/oidc_client_secret")
    prefixes="\"http://nordlys.localhost:$HTTP_PORT/\", \"http://fjordmobil.localhost:$HTTP_PORT/\", \"http://127.0.0.1:$HTTP_PORT/\""
    (umask 077
     { printf '{"clients": [\n'
       for style in idura signicat signaturgruppen; do
           printf '  {"client_id": "ecom-%s", "client_secret": "%s", "style": "%s",\n' \
               "$style" "$secret" "$style"
           printf '   "redirect_prefixes": [%s]}%s\n' "$prefixes" \
               "$([ $style = signaturgruppen ] || echo ,)"
       done
       printf ']}\n'
     } > "$OIDC_DIR/clients.json")
}

start_oidc() {
    pid_alive "$STACK/run/oidc.pid" && return 0
    prepare_dirs
    secret
    command -v node >/dev/null || ensure_packages nodejs
    command -v openssl >/dev/null || ensure_packages openssl
    oidc_certificates
    oidc_clients
    # the provider runs as ecomd's account and owns its folder (its
    # signing keys are made there on first start)
    own "$SVC_ECOMD" "$OIDC_DIR"
    is_root && chmod 755 "$OIDC_DIR"
    log_file "$SVC_ECOMD" oidc.log
    say "starting the test OIDC provider on $OIDC_ISSUER as $SVC_ECOMD"
    as_user "$SVC_ECOMD" nohup node "$ROOT/t/doubles/oidc-provider.mjs" \
        --port "$OIDC_PORT" --issuer "$OIDC_ISSUER" \
        --cert "$OIDC_DIR/server.pem" --key "$OIDC_DIR/server.key" \
        --data "$OIDC_DIR" --clients "$OIDC_DIR/clients.json" \
        --pid "$STACK/run/oidc.pid" >>"$STACK/log/oidc.log" 2>&1 </dev/null &
    wait_until 30 curl -sf --cacert "$OIDC_DIR/ca.pem" "$OIDC_ISSUER/healthz" ||
        die "the test OIDC provider did not start: see $STACK/log/oidc.log"
    wait_until 5 test -s "$STACK/run/oidc.pid" ||
        die "the test OIDC provider wrote no pid file"
}

# The downstream receivers of the stack: every demo brand (and, in the
# test stack, the scratch tenants of the order tests) at the simulator,
# with one secret (secrets/downstream_secret), in the file ecomd reads
# (downstream_file) and the simulator reads too.
downstream_receivers() {
    local secret slug
    [ -s "$STACK/secrets/downstream_secret" ] ||
        (umask 077; openssl rand -hex 32 > "$STACK/secrets/downstream_secret")
    secret=$(cat "$STACK/secrets/downstream_secret")
    (umask 027
     { echo "# written by scripts for the $STACK_NAME stack: slug URL secret"
       for slug in nordlys fjordmobil; do
           echo "$slug https://127.0.0.1:$DOWNSTREAM_PORT/events/$slug $secret"
       done
       if [ "$STACK_NAME" = test ]; then
           for slug in ordertest deliverytest; do
               echo "$slug https://127.0.0.1:$DOWNSTREAM_PORT/events/$slug $secret"
           done
       fi
     } > "$DOWNSTREAM_FILE")
    if is_root; then
        chgrp "$(id -gn "$SVC_ECOMD")" "$DOWNSTREAM_FILE"
        chmod 640 "$DOWNSTREAM_FILE" "$STACK/secrets/downstream_secret"
    fi
}

# start_double NAME PORT WHAT ARGS...: one of the HTTPS test doubles
# (t/doubles/NAME.mjs) on PORT with the stack's test CA's certificate, as
# the service account, its log in log/NAME.log and its pid in
# run/NAME.pid; WHAT names it in messages. Returns when it answers.
start_double() {
    local name=$1 port=$2 what=$3; shift 3
    log_file "$SVC_ECOMD" "$name.log"
    say "starting the $what on https://127.0.0.1:$port as $SVC_ECOMD"
    as_user "$SVC_ECOMD" nohup node "$ROOT/t/doubles/$name.mjs" \
        --port "$port" --cert "$OIDC_DIR/server.pem" --key "$OIDC_DIR/server.key" \
        --shop "http://127.0.0.1:$HTTP_PORT" "$@" \
        --pid "$STACK/run/$name.pid" >>"$STACK/log/$name.log" 2>&1 </dev/null &
    wait_until 30 curl -sf --cacert "$OIDC_DIR/ca.pem" "https://127.0.0.1:$port/healthz" ||
        die "the $what did not start: see $STACK/log/$name.log"
    wait_until 5 test -s "$STACK/run/$name.pid" ||
        die "the $what wrote no pid file"
}

start_downstream() {
    pid_alive "$STACK/run/downstream.pid" && return 0
    prepare_dirs
    secret
    command -v node >/dev/null || ensure_packages nodejs
    oidc_certificates
    downstream_receivers
    start_double downstream "$DOWNSTREAM_PORT" "downstream simulator" \
        --receivers "$DOWNSTREAM_FILE"
}

# The Stripe double (t/doubles/stripe.mjs, docs/orders.md): Stripe
# Checkout's session API and its signed webhooks, for the test stack only,
# with the stack's test CA's certificate.
start_stripe() {
    [ "$STACK_NAME" = test ] || return 0
    pid_alive "$STACK/run/stripe.pid" && return 0
    prepare_dirs
    secret
    command -v node >/dev/null || ensure_packages nodejs
    oidc_certificates
    start_double stripe "$STRIPE_PORT" "Stripe double" \
        --secret-key-file "$STACK/secrets/stripe_secret_key" \
        --webhook-secret-file "$STACK/secrets/stripe_webhook_secret"
}

# The Contentful stand-in (t/doubles/contentful.mjs, docs/cms.md): the
# demo brands' spaces with the content of sql/demo/contentful-*.json, with
# the stack's test CA's certificate; the test stack's pages are small, so
# its sync is paged.
start_contentful() {
    pid_alive "$STACK/run/contentful.pid" && return 0
    prepare_dirs
    secret
    command -v node >/dev/null || ensure_packages nodejs
    oidc_certificates
    start_double contentful "$CONTENTFUL_PORT" "Contentful stand-in" \
        --spaces "$(echo $CMS_TENANTS | tr ' ' ,)" --content "$ROOT/sql/demo" \
        --secrets "$STACK/secrets" \
        $([ "$STACK_NAME" = test ] && echo --page-size 3)
}

stack_start() {
    start_mariadb
    start_redis
    start_oidc
    start_downstream
    start_stripe
    start_contentful
    start_ecomd
    migrate_and_seed
    start_nginx
}

stack_stop() {
    [ -d "$STACK/run" ] || return 0
    stop_pid "$STACK/run/nginx.pid" QUIT
    stop_pid "$STACK/run/ecomd.pid" TERM
    stop_pid "$STACK/run/oidc.pid" TERM
    stop_pid "$STACK/run/downstream.pid" TERM
    stop_pid "$STACK/run/stripe.pid" TERM
    stop_pid "$STACK/run/contentful.pid" TERM
    stop_pid "$STACK/run/redis.pid" TERM
    stop_pid "$STACK/run/mysqld.pid" TERM
}
