#include "app/settings.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/conf.h"
#include "core/log.h"
#include "core/rand.h"
#include "core/password.h"
#include "core/xalloc.h"
#include "svc/mail.h"
#include "net/https.h"
#include "svc/downstream.h"
#include "svc/payment.h"

#define S(field) offsetof(struct ec_settings, field)

static const struct ec_conf_directive directives[] = {
    {"user", EC_CONF_STR, S(user), 0, 0, NULL},
    {"group", EC_CONF_STR, S(group), 0, 0, NULL},
    {"listen", EC_CONF_STR, S(listen), 0, 0, NULL},
    {"listen_owner", EC_CONF_STR, S(listen_owner), 0, 0, NULL},
    {"listen_group", EC_CONF_STR, S(listen_group), 0, 0, NULL},
    {"listen_mode", EC_CONF_MODE, S(listen_mode), 0, 0, NULL},
    {"listen_backlog", EC_CONF_INT, S(listen_backlog), 1, 65535, NULL},
    {"workers", EC_CONF_INT, S(workers), 1, 256, NULL},
    {"metrics_listen", EC_CONF_STR, S(metrics_listen), 0, 0, NULL},
    {"max_requests", EC_CONF_INT, S(max_requests), 0, 100000000, NULL},
    {"graceful_timeout", EC_CONF_MSEC, S(graceful_timeout), 0, 3600000, NULL},
    {"pid_file", EC_CONF_STR, S(pid_file), 0, 0, NULL},
    {"error_log", EC_CONF_STR, S(error_log), 0, 0, NULL},
    {"access_log", EC_CONF_STR, S(access_log), 0, 0, NULL},
    {"log_level", EC_CONF_STR, S(log_level), 0, 0, NULL},
    {"max_body_size", EC_CONF_SIZE, S(max_body_size), 1024, 64 << 20, NULL},
    {"retry_after", EC_CONF_INT, S(retry_after), 1, 3600, NULL},
    {"mysql_host", EC_CONF_STR, S(mysql_host), 0, 0, NULL},
    {"mysql_port", EC_CONF_INT, S(mysql_port), 1, 65535, NULL},
    {"mysql_socket", EC_CONF_STR, S(mysql_socket), 0, 0, NULL},
    {"mysql_user", EC_CONF_STR, S(mysql_user), 0, 0, NULL},
    {"mysql_password", EC_CONF_STR, S(mysql_password), 0, 0, NULL},
    {"mysql_database", EC_CONF_STR, S(mysql_database), 0, 0, NULL},
    {"mysql_connect_timeout", EC_CONF_MSEC, S(mysql_connect_timeout), 1000,
     600000, NULL},
    {"mysql_read_timeout", EC_CONF_MSEC, S(mysql_read_timeout), 1000, 3600000,
     NULL},
    {"redis_host", EC_CONF_STR, S(redis_host), 0, 0, NULL},
    {"redis_port", EC_CONF_INT, S(redis_port), 1, 65535, NULL},
    {"redis_user", EC_CONF_STR, S(redis_user), 0, 0, NULL},
    {"redis_password", EC_CONF_STR, S(redis_password), 0, 0, NULL},
    {"redis_connect_timeout", EC_CONF_MSEC, S(redis_connect_timeout), 1, 600000,
     NULL},
    {"redis_timeout", EC_CONF_MSEC, S(redis_timeout), 1, 600000, NULL},
    {"templates_dir", EC_CONF_STR, S(templates_dir), 0, 0, NULL},
    {"template_reload", EC_CONF_BOOL, S(template_reload), 0, 0, NULL},
    {"static_url", EC_CONF_STR, S(static_url), 0, 0, NULL},
    {"upload_dir", EC_CONF_STR, S(upload_dir), 0, 0, NULL},
    {"basket_ttl", EC_CONF_MSEC, S(basket_ttl), 60000, 30LL * 86400000, NULL},
    {"number_lock_ttl", EC_CONF_MSEC, S(number_lock_ttl), 1000, 86400000, NULL},
    {"basket_numbers_max", EC_CONF_INT, S(basket_numbers_max), 1, 10, NULL},
    {"number_lock_rate", EC_CONF_INT, S(number_lock_rate), 0, 1000000, NULL},
    {"number_lock_rate_exempt", EC_CONF_STR, S(number_lock_rate_exempt), 0, 0,
     NULL},
    {"number_holds_max", EC_CONF_INT, S(number_holds_max), 0, 1000000, NULL},
    {"number_hold_max", EC_CONF_MSEC, S(number_hold_max), 1000, 7LL * 86400000,
     NULL},
    {"basket_new_rate", EC_CONF_INT, S(basket_new_rate), 0, 1000000, NULL},
    {"trusted_proxies", EC_CONF_STR, S(trusted_proxies), 0, 0, NULL},
    {"client_limits_exempt", EC_CONF_STR, S(client_limits_exempt), 0, 0, NULL},
    {"form_secret_file", EC_CONF_STR, S(form_secret_file), 0, 0, NULL},
    /* accounts and mail (docs/identity.md) */
    {"password_hash_memory", EC_CONF_SIZE, S(password_hash_memory), 8 << 20,
     1 << 30, NULL},
    {"password_hash_iterations", EC_CONF_INT, S(password_hash_iterations), 1,
     EC_PASSWORD_ITERATIONS_MAX, NULL},
    {"password_hash_parallelism", EC_CONF_INT, S(password_hash_parallelism), 1,
     EC_PASSWORD_PARALLELISM_MAX, NULL},
    {"signin_account_max", EC_CONF_INT, S(signin_account_max), 0, 1000000,
     NULL},
    {"signin_client_max", EC_CONF_INT, S(signin_client_max), 0, 1000000, NULL},
    {"signin_window", EC_CONF_MSEC, S(signin_window), 1000, 86400000, NULL},
    {"password_reset_ttl", EC_CONF_MSEC, S(password_reset_ttl), 300000,
     86400000, NULL},
    {"mail_transport", EC_CONF_STR, S(mail_transport), 0, 0, NULL},
    {"mail_from", EC_CONF_STR, S(mail_from), 0, 0, NULL},
    {"mail_dir", EC_CONF_STR, S(mail_dir), 0, 0, NULL},
    {"smtp_url", EC_CONF_STR, S(smtp_url), 0, 0, NULL},
    {"smtp_user", EC_CONF_STR, S(smtp_user), 0, 0, NULL},
    {"smtp_password_file", EC_CONF_STR, S(smtp_password_file), 0, 0, NULL},
    {"mail_timeout", EC_CONF_MSEC, S(mail_timeout), 1000, 600000, NULL},
    {"session_secret_file", EC_CONF_STR, S(session_secret_file), 0, 0, NULL},
    {"session_idle_timeout", EC_CONF_MSEC, S(session_idle_timeout), 1000,
     30LL * 86400000, NULL},
    {"session_absolute_timeout", EC_CONF_MSEC, S(session_absolute_timeout),
     60000, 365LL * 86400000, NULL},
    {"seal_keys_file", EC_CONF_STR, S(seal_keys_file), 0, 0, NULL},
    {"oidc_ca_file", EC_CONF_STR, S(oidc_ca_file), 0, 0, NULL},
    {"cms_image_origin", EC_CONF_STR, S(cms_image_origin), 0, 0, NULL},
    {"cms_cdn_url", EC_CONF_STR, S(cms_cdn_url), 0, 0, NULL},
    {"cms_ca_file", EC_CONF_STR, S(cms_ca_file), 0, 0, NULL},
    {"mitid_flow_ttl", EC_CONF_MSEC, S(mitid_flow_ttl), 60000, 3600000, NULL},
    {"oidc_keys_ttl", EC_CONF_MSEC, S(oidc_keys_ttl), 60000, 7LL * 86400000,
     NULL},
    /* orders, payments and the delivery process */
    {"order_payment_timeout", EC_CONF_MSEC, S(order_payment_timeout), 60000,
     7LL * 86400000, NULL},
    {"payment_sim_secret_file", EC_CONF_STR, S(payment_sim_secret_file), 0, 0,
     NULL},
    {"payment_provider", EC_CONF_STR, S(payment_provider), 0, 0, NULL},
    {"payment_provider_tenants", EC_CONF_STR, S(payment_provider_tenants), 0, 0,
     NULL},
    {"stripe_secret_key_file", EC_CONF_STR, S(stripe_secret_key_file), 0, 0,
     NULL},
    {"stripe_webhook_secret_file", EC_CONF_STR, S(stripe_webhook_secret_file),
     0, 0, NULL},
    {"stripe_api", EC_CONF_STR, S(stripe_api), 0, 0, NULL},
    {"stripe_ca_file", EC_CONF_STR, S(stripe_ca_file), 0, 0, NULL},
    {"delivery", EC_CONF_BOOL, S(delivery), 0, 0, NULL},
    {"delivery_interval", EC_CONF_MSEC, S(delivery_interval), 10, 600000, NULL},
    {"delivery_batch", EC_CONF_INT, S(delivery_batch), 1, 64, NULL},
    {"delivery_lease", EC_CONF_MSEC, S(delivery_lease), 1000, 3600000, NULL},
    {"delivery_backoff", EC_CONF_MSEC, S(delivery_backoff), 10, 3600000, NULL},
    {"delivery_backoff_max", EC_CONF_MSEC, S(delivery_backoff_max), 10,
     86400000, NULL},
    {"delivery_max_attempts", EC_CONF_INT, S(delivery_max_attempts), 1, 1000,
     NULL},
    {"delivery_timeout", EC_CONF_MSEC, S(delivery_timeout), 100, 600000, NULL},
    {"downstream_file", EC_CONF_STR, S(downstream_file), 0, 0, NULL},
    {"downstream_ca_file", EC_CONF_STR, S(downstream_ca_file), 0, 0, NULL},
    {NULL, 0, 0, 0, 0, NULL},
};

/*
 * Accounts: argon2id with 64 MiB, 3 passes, 1 lane takes 112-120 ms on
 * the reference machine (2 cores; docs/identity.md has the measurements):
 * within the 50-250 ms aimed at, so a guess costs an attacker real time
 * and memory while a sign-in stays quick. One lane, because each worker
 * serves one request at a time and there are more workers than cores.
 * Failed sign-ins: 5 per account and 20 per address in 15 minutes.
 */
static void
account_defaults(struct ec_settings *s)
{
    s->password_hash_memory = 64 << 20;
    s->password_hash_iterations = 3;
    s->password_hash_parallelism = 1;
    s->signin_account_max = 5;
    s->signin_client_max = 20;
    s->signin_window = 15L * 60000;
    s->password_reset_ttl = 30L * 60000;
    s->mail_timeout = 10000;
}

static void
set_defaults(struct ec_settings *s)
{
    memset(s, 0, sizeof(*s));
    s->listen_mode = 0660;
    s->listen_backlog = 511;
    s->workers = 4;
    s->max_requests = 0;
    s->graceful_timeout = 30000;
    s->max_body_size = 1024 * 1024;
    s->retry_after = 5;
    s->mysql_port = 3306;
    s->mysql_connect_timeout = 2000;
    s->mysql_read_timeout = 10000;
    s->redis_port = 6379;
    s->redis_connect_timeout = 500;
    s->redis_timeout = 1000;
    s->basket_ttl = 2L * 86400000;
    s->number_lock_ttl = 15L * 60000;
    s->basket_numbers_max = 5;
    s->number_lock_rate = 20;
    s->number_holds_max = 10;
    s->number_hold_max = 60L * 60000;
    s->basket_new_rate = 10;
    account_defaults(s);
    s->session_idle_timeout = 2L * 86400000;
    s->session_absolute_timeout = 30L * 86400000;
    s->mitid_flow_ttl = 10L * 60000;
    s->oidc_keys_ttl = 60L * 60000;
    ec_seal_init(&s->seal);
    /* orders, payments and the delivery process */
    s->order_payment_timeout = 30L * 60000;
    s->delivery_interval = 1000;
    s->delivery_batch = 16;
    s->delivery_lease = 60000;
    s->delivery_backoff = 2000;
    s->delivery_backoff_max = 10L * 60000;
    s->delivery_max_attempts = 12;
    s->delivery_timeout = 10000;
}

static void
default_str(char **field, const char *value)
{
    if (!*field && value)
        *field = ec_xstrdup(value);
}

/*
 * A signing key into key (32 bytes): the first 32 bytes of file (which
 * must hold at least that many), or random bytes when there is no file,
 * which makes what it signed (the forms open in browsers, the session
 * cookies) invalid whenever the settings are read again.
 */
static int
load_secret(const char *file, const char *directive, unsigned char key[32],
            const char *name, char *err, size_t errsize)
{
    struct ec_buf b = EC_BUF_INIT;

    if (!file) {
        ec_rand_bytes(key, 32);
        return 0;
    }
    if (ec_buf_read_file(&b, file, 4096) < 0 || b.len < 32) {
        snprintf(err, errsize,
                 "%s: %s: '%s' cannot be read or holds fewer than 32 bytes",
                 name, directive, file);
        ec_buf_release(&b);
        return -1;
    }
    memcpy(key, b.data, 32);
    explicit_bzero(b.data, b.len);
    ec_buf_release(&b);
    return 0;
}

/* The key ring of sealed fields, when seal_keys_file names one. */
static int
load_seal_keys(struct ec_settings *s, const char *name, char *err,
               size_t errsize)
{
    char why[256];

    if (!s->seal_keys_file)
        return 0;
    if (ec_seal_load(&s->seal, s->seal_keys_file, why, sizeof(why)) < 0) {
        snprintf(err, errsize, "%s: seal_keys_file: %s", name, why);
        return -1;
    }
    return 0;
}

/*
 * The lines of a secrets file that are not blank or comments, trimmed,
 * each ending in '\n', into *out (at most max of them). 0, or -1 with
 * why in err. The file's copy is wiped.
 */
static int
secret_lines(const char *file, const char *directive, size_t max, char **out,
             const char *name, char *err, size_t errsize)
{
    struct ec_buf b = EC_BUF_INIT, lines = EC_BUF_INIT;
    char *p, *eol, *end;
    size_t n = 0;
    int rc = 0;

    if (ec_buf_read_file(&b, file, 64 * 1024) < 0) {
        snprintf(err, errsize, "%s: %s: '%s' cannot be read", name, directive,
                 file);
        ec_buf_release(&b);
        return -1;
    }
    for (p = b.data; p < b.data + b.len; p = eol + 1) {
        eol = memchr(p, '\n', (size_t)(b.data + b.len - p));
        if (!eol)
            eol = b.data + b.len;
        end = eol;
        while (end > p &&
               (end[-1] == '\r' || end[-1] == ' ' || end[-1] == '\t'))
            end--;
        while (p < end && (*p == ' ' || *p == '\t'))
            p++;
        if (p == end || *p == '#')
            continue;
        if (++n > max || memchr(p, ' ', (size_t)(end - p)) ||
            memchr(p, '\t', (size_t)(end - p))) {
            snprintf(err, errsize,
                     "%s: %s: '%s': at most %zu secrets, one word a line", name,
                     directive, file, max);
            rc = -1;
            break;
        }
        ec_buf_add(&lines, p, (size_t)(end - p));
        ec_buf_addch(&lines, '\n');
    }
    if (rc == 0 && n == 0) {
        snprintf(err, errsize, "%s: %s: '%s' holds no secret", name, directive,
                 file);
        rc = -1;
    }
    explicit_bzero(b.data, b.len);
    ec_buf_release(&b);
    if (rc == 0)
        *out = ec_xstrdup(lines.data);
    if (lines.data)
        explicit_bzero(lines.data, lines.len);
    ec_buf_release(&lines);
    return rc;
}

/* 1 when provider (a valid name) is chosen by default or for a tenant. */
static int
provider_used(const struct ec_settings *s, const char *provider)
{
    char word[16];

    snprintf(word, sizeof(word), "=%s", provider);
    if (s->payment_provider && strcmp(s->payment_provider, provider) == 0)
        return 1;
    return s->payment_provider_tenants &&
           strstr(s->payment_provider_tenants, word) != NULL;
}

/*
 * The payment providers: Stripe's secrets read (never logged), the
 * choices valid, and every provider chosen configured, so that a tenant
 * is never sent to a provider that cannot take its money. Without
 * payment_provider the default is the one configured (the simulator
 * first: the stacks'); with neither, there is none and the checkout
 * answers 503.
 */
static int
load_payments(struct ec_settings *s, const char *name, char *err,
              size_t errsize)
{
    char why[160];

    if (s->payment_provider && strcmp(s->payment_provider, "sim") != 0 &&
        strcmp(s->payment_provider, "stripe") != 0) {
        snprintf(err, errsize,
                 "%s: payment_provider: '%s' is neither sim nor stripe", name,
                 s->payment_provider);
        return -1;
    }
    if (ec_payment_tenants_check(s->payment_provider_tenants, why,
                                 sizeof(why)) < 0) {
        snprintf(err, errsize, "%s: payment_provider_tenants: %s", name, why);
        return -1;
    }
    default_str(&s->stripe_api, EC_STRIPE_API);
    if (strncmp(s->stripe_api, "https://", 8) != 0) {
        snprintf(err, errsize, "%s: stripe_api: '%s' is not https://", name,
                 s->stripe_api);
        return -1;
    }
    if (!s->stripe_secret_key_file != !s->stripe_webhook_secret_file) {
        snprintf(err, errsize,
                 "%s: stripe_secret_key_file and stripe_webhook_secret_file "
                 "go together",
                 name);
        return -1;
    }
    if (s->stripe_secret_key_file &&
        (secret_lines(s->stripe_secret_key_file, "stripe_secret_key_file", 1,
                      &s->stripe_secret_key, name, err, errsize) < 0 ||
         secret_lines(s->stripe_webhook_secret_file,
                      "stripe_webhook_secret_file",
                      EC_PAYMENT_WEBHOOK_SECRETS_MAX,
                      &s->stripe_webhook_secrets, name, err, errsize) < 0))
        return -1;
    if (s->stripe_secret_key) /* one line: the key without its newline */
        s->stripe_secret_key[strcspn(s->stripe_secret_key, "\n")] = '\0';
    if (!s->payment_provider &&
        (s->payment_sim_secret_file || s->stripe_secret_key))
        s->payment_provider =
            ec_xstrdup(s->payment_sim_secret_file ? "sim" : "stripe");
    if (provider_used(s, "sim") && !s->payment_sim_secret_file) {
        snprintf(err, errsize,
                 "%s: the payment simulator is chosen but "
                 "payment_sim_secret_file is not set",
                 name);
        return -1;
    }
    if (provider_used(s, "stripe") && !s->stripe_secret_key) {
        snprintf(err, errsize,
                 "%s: Stripe is chosen but stripe_secret_key_file is not set",
                 name);
        return -1;
    }
    return 0;
}

/*
 * The orders' settings: the simulator's key (load_secret()), and a
 * downstream_file that parses, so that
 * "ecomd -t" finds a bad line before the delivery process does.
 */
static int
load_orders(struct ec_settings *s, const char *name, char *err, size_t errsize)
{
    struct ec_downstream d;
    char why[512];

    if (s->delivery_backoff_max < s->delivery_backoff) {
        snprintf(err, errsize,
                 "%s: delivery_backoff_max is shorter than delivery_backoff",
                 name);
        return -1;
    }
    if (load_secret(s->payment_sim_secret_file, "payment_sim_secret_file",
                    s->payment_sim_secret, name, err, errsize) < 0)
        return -1;
    if (load_payments(s, name, err, errsize) < 0)
        return -1;
    if (!s->downstream_file)
        return 0;
    ec_downstream_init(&d);
    if (ec_downstream_load(&d, s->downstream_file, why, sizeof(why)) < 0) {
        snprintf(err, errsize, "%s: downstream_file: %s", name, why);
        return -1;
    }
    ec_downstream_release(&d);
    return 0;
}

/* The addresses and CIDR blocks of directive key (text) appended to l. */
static int
address_list(struct ec_cidrs *l, const char *text, const char *key,
             const char *name, char *err, size_t errsize)
{
    char why[128];

    if (ec_cidrs_parse(text, l, why, sizeof(why)) == 0)
        return 0;
    snprintf(err, errsize, "%s: %s: %s", name, key, why);
    return -1;
}

/* The SMTP password: the first line of smtp_password_file. */
static int
load_smtp_password(struct ec_settings *s, const char *name, char *err,
                   size_t errsize)
{
    struct ec_buf b = EC_BUF_INIT;

    if (!s->smtp_password_file)
        return 0;
    if (ec_buf_read_file(&b, s->smtp_password_file, 4096) < 0) {
        snprintf(err, errsize, "%s: smtp_password_file: '%s' cannot be read",
                 name, s->smtp_password_file);
        ec_buf_release(&b);
        return -1;
    }
    b.data[strcspn(b.data, "\r\n")] = '\0';
    s->smtp_password = ec_xstrdup(b.data);
    explicit_bzero(b.data, b.len);
    ec_buf_release(&b);
    return 0;
}

/* The hash parameters, and a mail adapter that the settings can make. */
static int
check_accounts(struct ec_settings *s, const char *name, char *err,
               size_t errsize)
{
    struct ec_mail_config mc;
    struct ec_mail *m;
    char why[256];

    if (s->password_hash_memory % 1024 ||
        s->password_hash_memory / 1024 <
            8 * (size_t)s->password_hash_parallelism) {
        snprintf(err, errsize,
                 "%s: password_hash_memory: a whole number of KiB, at least "
                 "8 KiB per lane",
                 name);
        return -1;
    }
    if (load_smtp_password(s, name, err, errsize) < 0)
        return -1;
    ec_settings_mail_config(s, &mc);
    if (!(m = ec_mail_new(&mc, why, sizeof(why)))) {
        snprintf(err, errsize, "%s: %s", name, why);
        return -1;
    }
    ec_mail_free(m);
    return 0;
}

/* 1 if o is https://HOST[:PORT] with a host of [a-z0-9.-]: it goes into
   the CSP as it is, so nothing else may be in it. */
static int
https_origin(const char *o)
{
    const char *p;

    if (strncmp(o, "https://", 8) != 0 || !o[8])
        return 0;
    for (p = o + 8; *p && *p != ':'; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
              *p == '.' || *p == '-'))
            return 0;
    if (*p == ':') {
        if (!p[1] || strlen(p + 1) > 5)
            return 0;
        for (p++; *p; p++)
            if (*p < '0' || *p > '9')
                return 0;
    }
    return 1;
}

static int
validate(struct ec_settings *s, const char *name, char *err, size_t errsize)
{
    const char *env = getenv("ECOMD_MYSQL_PASSWORD");
    const char *redis_env = getenv("ECOMD_REDIS_PASSWORD");

    if (!s->listen) {
        snprintf(err, errsize, "%s: 'listen' is required", name);
        return -1;
    }
    if (s->listen[0] != '/' && !strrchr(s->listen, ':')) {
        snprintf(err, errsize,
                 "%s: listen: '%s' is neither an absolute socket path nor "
                 "host:port",
                 name, s->listen);
        return -1;
    }
    if (s->metrics_listen &&
        (s->metrics_listen[0] == '/' || !strrchr(s->metrics_listen, ':'))) {
        snprintf(err, errsize, "%s: metrics_listen: '%s' is not host:port",
                 name, s->metrics_listen);
        return -1;
    }
    if (s->log_level && ec_log_level_parse(s->log_level) < 0) {
        snprintf(err, errsize,
                 "%s: log_level: '%s' is not error, warn, info or debug", name,
                 s->log_level);
        return -1;
    }
    default_str(&s->log_level, "info");
    default_str(&s->mysql_host, "127.0.0.1");
    default_str(&s->mysql_user, "ecom");
    default_str(&s->mysql_database, "ecom");
    default_str(&s->redis_host, "127.0.0.1");
    default_str(&s->templates_dir, "templates");
    default_str(&s->static_url, "/static");
    if (env && *env) {
        free(s->mysql_password);
        s->mysql_password = ec_xstrdup(env);
    }
    default_str(&s->mysql_password, "");
    if (redis_env && *redis_env) {
        free(s->redis_password);
        s->redis_password = ec_xstrdup(redis_env);
    }
    default_str(&s->number_lock_rate_exempt, "");
    default_str(&s->client_limits_exempt, "");
    default_str(&s->trusted_proxies, "");
    if (check_accounts(s, name, err, errsize) < 0)
        return -1;
    if (address_list(&s->trusted, s->trusted_proxies, "trusted_proxies", name,
                     err, errsize) < 0 ||
        address_list(&s->exempt, s->client_limits_exempt,
                     "client_limits_exempt", name, err, errsize) < 0 ||
        address_list(&s->exempt, s->number_lock_rate_exempt,
                     "number_lock_rate_exempt", name, err, errsize) < 0)
        return -1;
    if (s->session_absolute_timeout < s->session_idle_timeout) {
        snprintf(err, errsize,
                 "%s: session_absolute_timeout is shorter than "
                 "session_idle_timeout",
                 name);
        return -1;
    }
    if (load_seal_keys(s, name, err, errsize) < 0)
        return -1;
    default_str(&s->cms_image_origin, "https://images.ctfassets.net");
    default_str(&s->cms_cdn_url, "https://cdn.contentful.com");
    if (strncmp(s->cms_cdn_url, "https://", 8) != 0 ||
        strchr(s->cms_cdn_url, '?')) {
        snprintf(err, errsize, "%s: cms_cdn_url must be an https URL", name);
        return -1;
    }
    if (!https_origin(s->cms_image_origin)) {
        snprintf(err, errsize,
                 "%s: cms_image_origin must be https://HOST[:PORT], nothing "
                 "more",
                 name);
        return -1;
    }
    if (load_secret(s->form_secret_file, "form_secret_file", s->form_secret,
                    name, err, errsize) < 0)
        return -1;
    if (load_secret(s->session_secret_file, "session_secret_file",
                    s->session_secret, name, err, errsize) < 0)
        return -1;
    return load_orders(s, name, err, errsize);
}

static int
finish(struct ec_settings *s, const char *name, int rc, char *err,
       size_t errsize)
{
    if (rc == 0)
        rc = validate(s, name, err, errsize);
    if (rc < 0) {
        ec_settings_release(s);
        return -1;
    }
    s->path = ec_xstrdup(name);
    return 0;
}

int
ec_settings_load(struct ec_settings *s, const char *path, char *err,
                 size_t errsize)
{
    set_defaults(s);
    return finish(s, path,
                  ec_conf_parse_file(path, directives, s, err, errsize), err,
                  errsize);
}

static void
wipe(char *secret)
{
    if (secret)
        explicit_bzero(secret, strlen(secret));
}

void
ec_settings_release(struct ec_settings *s)
{
    /* do not leave the passwords in freed heap memory */
    wipe(s->mysql_password);
    wipe(s->redis_password);
    wipe(s->smtp_password);
    free(s->smtp_password);
    s->smtp_password = NULL;
    ec_conf_free_strings(directives, s);
    ec_cidrs_release(&s->trusted);
    ec_cidrs_release(&s->exempt);
    explicit_bzero(s->form_secret, sizeof(s->form_secret));
    explicit_bzero(s->session_secret, sizeof(s->session_secret));
    ec_seal_release(&s->seal);
    explicit_bzero(s->payment_sim_secret, sizeof(s->payment_sim_secret));
    wipe(s->stripe_secret_key);
    free(s->stripe_secret_key);
    s->stripe_secret_key = NULL;
    wipe(s->stripe_webhook_secrets);
    free(s->stripe_webhook_secrets);
    s->stripe_webhook_secrets = NULL;
    free(s->path);
    s->path = NULL;
}

void
ec_settings_password_params(const struct ec_settings *s,
                            struct ec_password_params *p)
{
    p->memory_kib = (unsigned)(s->password_hash_memory / 1024);
    p->iterations = (unsigned)s->password_hash_iterations;
    p->parallelism = (unsigned)s->password_hash_parallelism;
}

void
ec_settings_mail_config(const struct ec_settings *s, struct ec_mail_config *c)
{
    *c = (struct ec_mail_config){
        .transport = s->mail_transport ? s->mail_transport : "off",
        .from = s->mail_from,
        .dir = s->mail_dir,
        .smtp_url = s->smtp_url,
        .smtp_user = s->smtp_user,
        .smtp_password = s->smtp_password,
        .timeout_ms = s->mail_timeout,
    };
}

void
ec_settings_payment_conf(const struct ec_settings *s, struct ec_payment_conf *c,
                         struct ec_https_opts *https)
{
    *https = (struct ec_https_opts){.ca_file = s->stripe_ca_file};
    *c = (struct ec_payment_conf){
        .provider = s->payment_provider,
        .tenants = s->payment_provider_tenants,
        .sim_key = s->payment_sim_secret_file ? s->payment_sim_secret : NULL,
        .sim_key_len = sizeof(s->payment_sim_secret),
        .stripe_api = s->stripe_api,
        .stripe_secret_key = s->stripe_secret_key,
        .stripe_webhook_secrets = s->stripe_webhook_secrets,
        .https = https,
    };
}

int
ec_settings_listen_is_unix(const struct ec_settings *s)
{
    return s->listen && s->listen[0] == '/';
}
