/*
 * ec_settings: ecomd's configuration, read from etc/ecomd.conf (see the
 * comments there for every directive). One value lives for the life of a
 * generation of workers; SIGHUP reads a new one and the master swaps it in
 * only if it parses cleanly.
 *
 * Invariants after ec_settings_load() succeeds: every string the server
 * needs is non-NULL, numbers are within the ranges of the directive table.
 */
#ifndef EC_APP_SETTINGS_H
#define EC_APP_SETTINGS_H

#include <stddef.h>

#include "core/seal.h"
#include "http/client.h"

struct ec_mail_config;
struct ec_password_params;

struct ec_settings {
    char *path; /* the file it came from */

    char *user;  /* started as root: the account to drop to, NULL = none */
    char *group; /* NULL = the user's primary group */

    char *listen;       /* "/path/to.sock" or "127.0.0.1:9000" */
    char *listen_owner; /* unix socket owner, NULL = unchanged */
    char *listen_group;
    unsigned listen_mode;
    long listen_backlog;
    long workers;
    char *metrics_listen;  /* "host:port" of the metrics listener (the
                              master's, docs/operations.md); NULL: none */
    long max_requests;     /* recycle a worker after this many; 0 = never */
    long graceful_timeout; /* ms before stragglers get SIGKILL */
    char *pid_file;
    char *error_log;
    char *access_log;
    char *log_level;

    size_t max_body_size;
    long retry_after; /* seconds, sent with 503 */

    char *mysql_host;
    long mysql_port;
    char *mysql_socket;
    char *mysql_user;
    char *mysql_password; /* never logged */
    char *mysql_database;
    long mysql_connect_timeout;
    long mysql_read_timeout;

    char *redis_host;
    long redis_port;
    char *redis_user;     /* ACL user; NULL = the default user */
    char *redis_password; /* NULL = no AUTH; never logged */
    long redis_connect_timeout;
    long redis_timeout;

    char *templates_dir;
    int template_reload;
    char *static_url; /* URL prefix nginx serves static files from */
    char *upload_dir; /* brands' uploaded files (logos), served by nginx
                         as <static_url>/uploads/; NULL: no uploads */

    long basket_ttl;            /* ms a basket lives after its last change */
    long number_lock_ttl;       /* ms a chosen number stays reserved */
    long basket_numbers_max;    /* lines with a number from the pool */
    long number_lock_rate;      /* new locks per client address a minute;
                                   0 = no limit */
    long number_holds_max;      /* numbers one client address holds at
                                   once; 0 = no limit */
    long number_hold_max;       /* ms a lock may be kept, from when it was
                                   first taken */
    long basket_new_rate;       /* new baskets per client address a minute;
                                   0 = no limit */
    char *trusted_proxies;      /* addresses/CIDR blocks whose X-Forwarded-For
                                   names the client ("" = none) */
    char *client_limits_exempt; /* addresses/CIDR blocks without the
                                   per-address limits ("" = none) */
    char *number_lock_rate_exempt; /* its older name, read into the same
                                      list */
    struct ec_cidrs trusted;       /* trusted_proxies, parsed */
    struct ec_cidrs exempt;        /* both exempt lists, parsed */

    char *form_secret_file; /* key that signs form tokens; NULL = random */
    unsigned char form_secret[32];    /* the key itself: never logged */
    char *session_secret_file;        /* key that signs session cookies;
                                         NULL = random */
    unsigned char session_secret[32]; /* the key itself: never logged */
    long session_idle_timeout;        /* ms a session's record lives after
                                         its last use */
    long session_absolute_timeout;    /* ms a session cookie is valid after
                                         it was issued */

    /* accounts (docs/identity.md) */
    size_t password_hash_memory; /* bytes of memory per argon2id hash
                                    (a multiple of 1 KiB) */
    long password_hash_iterations;
    long password_hash_parallelism;
    long signin_account_max; /* failed sign-ins per account a
                                window; 0 = no limit */
    long signin_client_max;  /* per client address; 0 = no limit */
    long signin_window;      /* ms */
    long password_reset_ttl; /* ms a reset link works */

    /* mail (svc/mail.h) */
    char *mail_transport;     /* "off", "file" or "smtp" */
    char *mail_from;          /* the sender's address */
    char *mail_dir;           /* file: where .eml files go */
    char *smtp_url;           /* smtp: smtp:// or smtps:// */
    char *smtp_user;          /* smtp: NULL = no AUTH */
    char *smtp_password_file; /* smtp: the file holding the password */
    char *smtp_password;      /* read from it: never logged */
    long mail_timeout;        /* ms for one SMTP exchange */

    /* MitID (svc/mitid.h, docs/identity.md) */
    char *seal_keys_file; /* the key ring of sealed fields (core/seal.h);
                             NULL = none: MitID answers 503 */
    struct ec_seal seal;  /* its keys: never logged */
    char *oidc_ca_file;   /* CAs trusted for brokers; NULL = the system's */
    /* where CMS images come from (docs/cms.md): an https origin, allowed
       in the CSP's img-src; images elsewhere are not shown */
    char *cms_image_origin;
    /* where `ecomctl cms sync` reaches Contentful's Sync API (an https
       base URL), and the CAs it trusts there (NULL: the system's) */
    char *cms_cdn_url;
    char *cms_ca_file;
    long mitid_flow_ttl; /* ms a started MitID step may take */
    long oidc_keys_ttl;  /* ms a broker's key set is trusted in a worker */

    /* orders, payments and the delivery process (docs/orders.md) */
    long order_payment_timeout;    /* ms an order may await its payment */
    char *payment_sim_secret_file; /* signs the simulator's callbacks;
                                      NULL = random per start */
    unsigned char payment_sim_secret[32]; /* never logged */
    char *payment_provider;               /* every tenant's: "sim" or "stripe";
                                             NULL = the one configured */
    char *payment_provider_tenants;       /* "slug=provider ...": exceptions */
    char *stripe_secret_key_file;         /* its first line: the API key */
    char *stripe_webhook_secret_file;     /* signing secrets, one a line */
    char *stripe_api;             /* https://api.stripe.com, or a double */
    char *stripe_ca_file;         /* CAs for stripe_api; NULL = system's */
    char *stripe_secret_key;      /* read from the file: never logged */
    char *stripe_webhook_secrets; /* likewise, one a line */
    int delivery;                 /* run the delivery process */
    long delivery_interval;       /* ms between looks at an idle outbox */
    long delivery_batch;          /* rows claimed at once */
    long delivery_lease;          /* ms a claim lasts */
    long delivery_backoff;        /* ms after the first failure */
    long delivery_backoff_max;    /* ms, the longest wait */
    long delivery_max_attempts;   /* then the event is dead */
    long delivery_timeout;        /* ms, one POST to a receiver */
    char *downstream_file;        /* slug URL secret, a tenant a line */
    char *downstream_ca_file;     /* CAs the receivers' certificates chain
                                     to; NULL = the system's */
};

/*
 * Fill s with defaults, then read path over them, then validate. Returns 0,
 * or -1 with "FILE:LINE: reason" in err. On failure s holds nothing to free.
 * A password may instead come from the environment (ECOMD_MYSQL_PASSWORD,
 * ECOMD_REDIS_PASSWORD), which keeps it out of files under version control.
 */
int ec_settings_load(struct ec_settings *s, const char *path, char *err,
                     size_t errsize);

void ec_settings_release(struct ec_settings *s);

/* The argon2id parameters of the password_hash_* directives. */
void ec_settings_password_params(const struct ec_settings *s,
                                 struct ec_password_params *p);

/* The mail adapter's configuration (strings borrowed from s). */
void ec_settings_mail_config(const struct ec_settings *s,
                             struct ec_mail_config *c);

/* 1 if listen names a unix socket path. */
/* How payments are taken (svc/payment.h), https pointing at storage
   the caller keeps beside c (its options for Stripe's API). */
struct ec_payment_conf;
struct ec_https_opts;
void ec_settings_payment_conf(const struct ec_settings *s,
                              struct ec_payment_conf *c,
                              struct ec_https_opts *https);

int ec_settings_listen_is_unix(const struct ec_settings *s);

#endif
