#include "app/settings.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/conf.h"
#include "core/log.h"
#include "core/rand.h"
#include "core/xalloc.h"
#include "svc/downstream.h"

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
    /* orders, payments and the delivery process */
    {"order_payment_timeout", EC_CONF_MSEC, S(order_payment_timeout), 60000,
     7LL * 86400000, NULL},
    {"payment_sim_secret_file", EC_CONF_STR, S(payment_sim_secret_file), 0, 0,
     NULL},
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
 * The key that signs form tokens: the first 32 bytes of form_secret_file
 * (which must hold at least that many), or random bytes, which makes the
 * forms open in browsers invalid whenever the settings are read again.
 */
static int
load_form_secret(struct ec_settings *s, const char *name, char *err,
                 size_t errsize)
{
    struct ec_buf b = EC_BUF_INIT;

    if (!s->form_secret_file) {
        ec_rand_bytes(s->form_secret, sizeof(s->form_secret));
        return 0;
    }
    if (ec_buf_read_file(&b, s->form_secret_file, 4096) < 0 ||
        b.len < sizeof(s->form_secret)) {
        snprintf(err, errsize,
                 "%s: form_secret_file: '%s' cannot be read or holds fewer "
                 "than %zu bytes",
                 name, s->form_secret_file, sizeof(s->form_secret));
        ec_buf_release(&b);
        return -1;
    }
    memcpy(s->form_secret, b.data, sizeof(s->form_secret));
    ec_buf_release(&b);
    return 0;
}

/*
 * The orders' settings: the simulator's key (32 bytes of its file, or
 * random, like the form key), and a downstream_file that parses, so that
 * "ecomd -t" finds a bad line before the delivery process does.
 */
static int
load_orders(struct ec_settings *s, const char *name, char *err, size_t errsize)
{
    struct ec_downstream d;
    struct ec_buf b = EC_BUF_INIT;
    char why[512];

    if (s->delivery_backoff_max < s->delivery_backoff) {
        snprintf(err, errsize,
                 "%s: delivery_backoff_max is shorter than delivery_backoff",
                 name);
        return -1;
    }
    if (!s->payment_sim_secret_file) {
        ec_rand_bytes(s->payment_sim_secret, sizeof(s->payment_sim_secret));
    } else if (ec_buf_read_file(&b, s->payment_sim_secret_file, 4096) < 0 ||
               b.len < sizeof(s->payment_sim_secret)) {
        snprintf(err, errsize,
                 "%s: payment_sim_secret_file: '%s' cannot be read or holds "
                 "fewer than %zu bytes",
                 name, s->payment_sim_secret_file,
                 sizeof(s->payment_sim_secret));
        ec_buf_release(&b);
        return -1;
    } else {
        memcpy(s->payment_sim_secret, b.data, sizeof(s->payment_sim_secret));
    }
    explicit_bzero(b.data, b.len);
    ec_buf_release(&b);
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
    if (address_list(&s->trusted, s->trusted_proxies, "trusted_proxies", name,
                     err, errsize) < 0 ||
        address_list(&s->exempt, s->client_limits_exempt,
                     "client_limits_exempt", name, err, errsize) < 0 ||
        address_list(&s->exempt, s->number_lock_rate_exempt,
                     "number_lock_rate_exempt", name, err, errsize) < 0)
        return -1;
    if (load_orders(s, name, err, errsize) < 0)
        return -1;
    return load_form_secret(s, name, err, errsize);
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
    ec_conf_free_strings(directives, s);
    ec_cidrs_release(&s->trusted);
    ec_cidrs_release(&s->exempt);
    explicit_bzero(s->form_secret, sizeof(s->form_secret));
    explicit_bzero(s->payment_sim_secret, sizeof(s->payment_sim_secret));
    free(s->path);
    s->path = NULL;
}

int
ec_settings_listen_is_unix(const struct ec_settings *s)
{
    return s->listen && s->listen[0] == '/';
}
