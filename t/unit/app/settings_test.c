#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../test.h"
#include "app/settings.h"
#include "core/password.h"
#include "net/https.h"
#include "svc/mail.h"
#include "svc/payment.h"

static char scratch[] = "/tmp/ec-settings-XXXXXX";

static void
remove_scratch(void)
{
    unlink("t.conf");
    rmdir(scratch);
}

/*
 * ec_settings_load() of a file `name` holding text, in a scratch folder
 * (the working directory from the first call on), so that messages name
 * the file as the tests expect.
 */
static int
settings_from_text(struct ec_settings *s, const char *name, const char *text,
                   char *err, size_t errsize)
{
    static int ready;
    FILE *f;

    if (!ready++) {
        CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(scratch));
        CU_ASSERT_EQUAL_FATAL(chdir(scratch), 0);
        atexit(remove_scratch);
    }
    f = fopen(name, "w");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    fputs(text, f);
    CU_ASSERT_EQUAL_FATAL(fclose(f), 0);
    return ec_settings_load(s, name, err, errsize);
}

static void
test_defaults_fill_what_is_not_set(void)
{
    struct ec_settings s;
    char err[256];

    CU_ASSERT_EQUAL_FATAL(settings_from_text(&s, "t.conf",
                                             "listen = /tmp/e.sock\n", err,
                                             sizeof(err)),
                          0);
    CU_ASSERT_EQUAL(s.workers, 4);
    CU_ASSERT_EQUAL(s.max_body_size, 1024 * 1024);
    CU_ASSERT_EQUAL(s.listen_mode, 0660);
    EC_ASSERT_STR(s.log_level, "info");
    EC_ASSERT_STR(s.templates_dir, "templates");
    CU_ASSERT_TRUE(ec_settings_listen_is_unix(&s));
    /* a basket and its numbers */
    CU_ASSERT_EQUAL(s.basket_ttl, 2L * 24 * 3600 * 1000);
    CU_ASSERT_EQUAL(s.number_lock_ttl, 15L * 60 * 1000);
    CU_ASSERT_EQUAL(s.basket_numbers_max, 5);
    CU_ASSERT_EQUAL(s.number_lock_rate, 20);
    EC_ASSERT_STR(s.number_lock_rate_exempt, "");
    CU_ASSERT_EQUAL(s.number_holds_max, 10);
    CU_ASSERT_EQUAL(s.number_hold_max, 60L * 60 * 1000);
    CU_ASSERT_EQUAL(s.basket_new_rate, 10);
    CU_ASSERT_EQUAL(s.trusted.n, 0);
    CU_ASSERT_EQUAL(s.exempt.n, 0);
    ec_settings_release(&s);
}

static void
test_basket_settings(void)
{
    struct ec_settings s;
    char err[256];

    CU_ASSERT_EQUAL_FATAL(
        settings_from_text(&s, "t.conf",
                           "listen = /tmp/e.sock\n"
                           "basket_ttl = 1d\n"
                           "number_lock_ttl = 10s\n"
                           "number_lock_rate = 0\n"
                           "number_lock_rate_exempt = 127.0.0.1, ::1 "
                           "10.0.0.7\n",
                           err, sizeof(err)),
        0);
    CU_ASSERT_EQUAL(s.basket_ttl, 86400000);
    CU_ASSERT_EQUAL(s.number_lock_ttl, 10000);
    CU_ASSERT_EQUAL(s.number_lock_rate, 0);
    EC_ASSERT_STR(s.number_lock_rate_exempt, "127.0.0.1, ::1 10.0.0.7");
    CU_ASSERT_EQUAL(s.exempt.n, 3);
    ec_settings_release(&s);
}

static void
test_client_limits(void)
{
    struct ec_settings s;
    struct ec_addr a;
    char err[256];

    CU_ASSERT_EQUAL_FATAL(
        settings_from_text(&s, "t.conf",
                           "listen = /tmp/e.sock\n"
                           "number_holds_max = 3\n"
                           "number_hold_max = 20s\n"
                           "basket_new_rate = 0\n"
                           "trusted_proxies = 10.0.0.0/8 fd00::/8\n"
                           "client_limits_exempt = 192.0.2.0/24\n"
                           "number_lock_rate_exempt = 198.51.100.7\n",
                           err, sizeof(err)),
        0);
    CU_ASSERT_EQUAL(s.number_holds_max, 3);
    CU_ASSERT_EQUAL(s.number_hold_max, 20000);
    CU_ASSERT_EQUAL(s.basket_new_rate, 0);
    CU_ASSERT_EQUAL(s.trusted.n, 2);
    /* both exempt lists, the older name's too */
    CU_ASSERT_EQUAL(s.exempt.n, 2);
    ec_addr_parse("198.51.100.7", 12, &a);
    CU_ASSERT_EQUAL(ec_cidrs_match(&s.exempt, &a), 1);
    ec_addr_parse("192.0.2.77", 10, &a);
    CU_ASSERT_EQUAL(ec_cidrs_match(&s.exempt, &a), 1);
    ec_settings_release(&s);
    /* a word that is not an address is refused with its directive */
    CU_ASSERT_EQUAL(settings_from_text(&s, "t.conf",
                                       "listen = /tmp/e.sock\n"
                                       "trusted_proxies = 10.0.0.0/8 nginx\n",
                                       err, sizeof(err)),
                    -1);
    EC_ASSERT_STR(err, "t.conf: trusted_proxies: 'nginx' is not an address "
                       "or CIDR block");
    CU_ASSERT_EQUAL(settings_from_text(&s, "t.conf",
                                       "listen = /tmp/e.sock\n"
                                       "client_limits_exempt = 10.0.0.1/8\n",
                                       err, sizeof(err)),
                    -1);
}

static void
test_form_secret(void)
{
    struct ec_settings a, b;
    char err[512];

    /* without a file: random, so two loads differ */
    CU_ASSERT_EQUAL_FATAL(settings_from_text(&a, "t.conf",
                                             "listen = /tmp/e.sock\n", err,
                                             sizeof(err)),
                          0);
    CU_ASSERT_EQUAL_FATAL(settings_from_text(&b, "t.conf",
                                             "listen = /tmp/e.sock\n", err,
                                             sizeof(err)),
                          0);
    CU_ASSERT_NOT_EQUAL(
        memcmp(a.form_secret, b.form_secret, sizeof(a.form_secret)), 0);
    ec_settings_release(&a);
    ec_settings_release(&b);
    /* a file that is too short is refused with its name */
    CU_ASSERT_EQUAL(settings_from_text(&a, "t.conf",
                                       "listen = /tmp/e.sock\n"
                                       "form_secret_file = /dev/null\n",
                                       err, sizeof(err)),
                    -1);
    EC_ASSERT_STR(err, "t.conf: form_secret_file: '/dev/null' cannot be read "
                       "or holds fewer than 32 bytes");
}

static void
test_listen_is_required(void)
{
    struct ec_settings s;
    char err[256];

    CU_ASSERT_EQUAL(
        settings_from_text(&s, "t.conf", "workers = 2\n", err, sizeof(err)),
        -1);
    EC_ASSERT_STR(err, "t.conf: 'listen' is required");
}

static void
test_bad_values_are_refused(void)
{
    static const struct {
        const char *text, *want;
    } cases[] = {
        {"listen = 127.0.0.1:9000\nworkers = 0\n",
         "t.conf:2: workers: 0 is out of range (1 to 256)"},
        {"listen = 127.0.0.1:9000\nlog_level = loud\n",
         "t.conf: log_level: 'loud' is not error, warn, info or debug"},
        {"listen = relative.sock\n",
         "t.conf: listen: 'relative.sock' is neither an absolute socket path "
         "nor host:port"},
        {"listen = 127.0.0.1:9000\nmax_body_size = 10\n",
         "t.conf:2: max_body_size: 10 is out of range (1024 to 67108864)"},
    };
    struct ec_settings s;
    char err[256];

    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
        CU_ASSERT_EQUAL(
            settings_from_text(&s, "t.conf", cases[i].text, err, sizeof(err)),
            -1);
        EC_ASSERT_STR(err, cases[i].want);
    }
}

static void
test_password_from_environment(void)
{
    struct ec_settings s;
    char err[256];

    setenv("ECOMD_MYSQL_PASSWORD", "from-env", 1);
    CU_ASSERT_EQUAL_FATAL(settings_from_text(&s, "t.conf",
                                             "listen = 127.0.0.1:9000\n"
                                             "mysql_password = in-file\n",
                                             err, sizeof(err)),
                          0);
    unsetenv("ECOMD_MYSQL_PASSWORD");
    EC_ASSERT_STR(s.mysql_password, "from-env");
    CU_ASSERT_FALSE(ec_settings_listen_is_unix(&s));
    ec_settings_release(&s);
}

static void
test_redis_account_and_process_user(void)
{
    struct ec_settings s;
    char err[256];

    CU_ASSERT_EQUAL_FATAL(settings_from_text(&s, "t.conf",
                                             "listen = 127.0.0.1:9000\n"
                                             "user = ecomd\n"
                                             "group = www-data\n"
                                             "redis_user = ecomd\n"
                                             "redis_password = in-file\n",
                                             err, sizeof(err)),
                          0);
    EC_ASSERT_STR(s.user, "ecomd");
    EC_ASSERT_STR(s.group, "www-data");
    EC_ASSERT_STR(s.redis_user, "ecomd");
    EC_ASSERT_STR(s.redis_password, "in-file");
    ec_settings_release(&s);

    setenv("ECOMD_REDIS_PASSWORD", "from-env", 1);
    CU_ASSERT_EQUAL_FATAL(settings_from_text(&s, "t.conf",
                                             "listen = 127.0.0.1:9000\n"
                                             "redis_password = in-file\n",
                                             err, sizeof(err)),
                          0);
    unsetenv("ECOMD_REDIS_PASSWORD");
    EC_ASSERT_STR(s.redis_password, "from-env");
    CU_ASSERT_PTR_NULL(s.redis_user);
    CU_ASSERT_PTR_NULL(s.user);
    ec_settings_release(&s);

    /* no password anywhere: no AUTH */
    CU_ASSERT_EQUAL_FATAL(settings_from_text(&s, "t.conf",
                                             "listen = 127.0.0.1:9000\n", err,
                                             sizeof(err)),
                          0);
    CU_ASSERT_PTR_NULL(s.redis_password);
    ec_settings_release(&s);
}

/* Accounts: the measured defaults, the hash parameters as libargon2
   takes them, and a mail adapter that must be complete. */
static void
test_account_settings(void)
{
    static const struct {
        const char *text, *want;
    } bad[] = {
        {"listen = /tmp/e.sock\npassword_hash_memory = 1m\n",
         "t.conf:2: password_hash_memory: 1048576 is out of range (8388608 to "
         "1073741824)"},
        {"listen = /tmp/e.sock\npassword_hash_memory = 9000000\n",
         "t.conf: password_hash_memory: a whole number of KiB, at least 8 KiB "
         "per lane"},
        {"listen = /tmp/e.sock\nmail_transport = file\n",
         "t.conf: mail_from: a lower-case e-mail address is required"},
        {"listen = /tmp/e.sock\nmail_transport = file\n"
         "mail_from = shop@example.dk\n",
         "t.conf: mail_transport: 'file' needs mail_dir"},
        {"listen = /tmp/e.sock\nmail_transport = smtp\n"
         "mail_from = shop@example.dk\nsmtp_url = mail.example.dk\n",
         "t.conf: mail_transport: 'smtp' needs an smtp:// or smtps:// "
         "smtp_url"},
        {"listen = /tmp/e.sock\nsmtp_password_file = /nonexistent\n",
         "t.conf: smtp_password_file: '/nonexistent' cannot be read"},
    };
    struct ec_password_params p;
    struct ec_mail_config mc;
    struct ec_settings s;
    char err[512];
    FILE *f;

    CU_ASSERT_EQUAL_FATAL(settings_from_text(&s, "t.conf",
                                             "listen = /tmp/e.sock\n", err,
                                             sizeof(err)),
                          0);
    ec_settings_password_params(&s, &p);
    CU_ASSERT_EQUAL(p.memory_kib, 65536);
    CU_ASSERT_EQUAL(p.iterations, 3);
    CU_ASSERT_EQUAL(p.parallelism, 1);
    CU_ASSERT_EQUAL(s.signin_account_max, 5);
    CU_ASSERT_EQUAL(s.signin_client_max, 20);
    CU_ASSERT_EQUAL(s.signin_window, 15L * 60000);
    CU_ASSERT_EQUAL(s.password_reset_ttl, 30L * 60000);
    ec_settings_mail_config(&s, &mc);
    EC_ASSERT_STR(mc.transport, "off");
    ec_settings_release(&s);

    f = fopen("smtp_password", "w");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    fputs("s3cret pass\nsecond line\n", f);
    fclose(f);
    CU_ASSERT_EQUAL_FATAL(
        settings_from_text(&s, "t.conf",
                           "listen = /tmp/e.sock\n"
                           "password_hash_memory = 19m\n"
                           "password_hash_iterations = 2\n"
                           "password_hash_parallelism = 2\n"
                           "mail_transport = smtp\n"
                           "mail_from = shop@example.dk\n"
                           "smtp_url = smtps://mail.example.dk\n"
                           "smtp_user = shop\n"
                           "smtp_password_file = smtp_password\n",
                           err, sizeof(err)),
        0);
    ec_settings_password_params(&s, &p);
    CU_ASSERT_EQUAL(p.memory_kib, 19456);
    CU_ASSERT_EQUAL(p.iterations, 2);
    CU_ASSERT_EQUAL(p.parallelism, 2);
    ec_settings_mail_config(&s, &mc);
    EC_ASSERT_STR(mc.transport, "smtp");
    EC_ASSERT_STR(mc.smtp_password, "s3cret pass");
    ec_settings_release(&s);
    unlink("smtp_password");

    for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
        CU_ASSERT_EQUAL(
            settings_from_text(&s, "t.conf", bad[i].text, err, sizeof(err)),
            -1);
        EC_ASSERT_STR(err, bad[i].want);
    }
}

static void
test_shipped_config_is_valid(void)
{
    const char *dir = getenv("EC_SRCDIR");
    struct ec_settings s;
    char path[1024], err[512];
    int rc;

    snprintf(path, sizeof(path), "%s/etc/ecomd.conf", dir ? dir : ".");
    rc = ec_settings_load(&s, path, err, sizeof(err));
    if (rc != 0)
        fprintf(stderr, "\n    %s\n", err);
    CU_ASSERT_EQUAL_FATAL(rc, 0);
    ec_settings_release(&s);
}

static void
write_text(const char *name, const char *text)
{
    FILE *f = fopen(name, "w");

    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    fputs(text, f);
    CU_ASSERT_EQUAL_FATAL(fclose(f), 0);
}

/* Payments: the provider chosen by default and per tenant, Stripe's
   secrets from their files, and no provider chosen that is not
   configured. */
static void
test_payment_settings(void)
{
    static const char *const bad[] = {
        "payment_provider = paypal\n",
        "payment_provider_tenants = nordlys\n",
        "payment_provider = stripe\n",
        "payment_provider_tenants = fjordmobil=stripe\n",
        "payment_provider = sim\n",
        "stripe_secret_key_file = sk\n",
        "stripe_secret_key_file = sk\nstripe_webhook_secret_file = none\n",
        "stripe_secret_key_file = sk\nstripe_webhook_secret_file = empty\n",
        "stripe_api = http://api.stripe.com\n",
        NULL,
    };
    struct ec_payment_conf c;
    struct ec_https_opts https;
    struct ec_settings s;
    char text[1024], err[512];

    write_text("sim", "a simulator key of at least 32 bytes\n");
    write_text("sk", "sk_test_123\n");
    write_text("whsec", "# endpoint secrets\n  whsec_old \n\nwhsec_new\n");
    write_text("empty", "# nothing\n");
    /* nothing configured: no provider */
    CU_ASSERT_EQUAL_FATAL(settings_from_text(&s, "t.conf",
                                             "listen = /tmp/e.sock\n", err,
                                             sizeof(err)),
                          0);
    ec_settings_payment_conf(&s, &c, &https);
    CU_ASSERT_PTR_NULL(c.provider);
    CU_ASSERT_PTR_NULL(ec_payment_provider(&c, "nordlys"));
    EC_ASSERT_STR(c.stripe_api, EC_STRIPE_API);
    ec_settings_release(&s);
    /* the simulator by default, Stripe for one tenant */
    CU_ASSERT_EQUAL_FATAL(
        settings_from_text(&s, "t.conf",
                           "listen = /tmp/e.sock\n"
                           "payment_sim_secret_file = sim\n"
                           "payment_provider_tenants = fjordmobil=stripe\n"
                           "stripe_secret_key_file = sk\n"
                           "stripe_webhook_secret_file = whsec\n"
                           "stripe_api = https://127.0.0.1:18544\n"
                           "stripe_ca_file = /tmp/ca.pem\n",
                           err, sizeof(err)),
        0);
    ec_settings_payment_conf(&s, &c, &https);
    EC_ASSERT_STR(c.provider, "sim");
    EC_ASSERT_STR(ec_payment_provider(&c, "nordlys"), "sim");
    EC_ASSERT_STR(ec_payment_provider(&c, "fjordmobil"), "stripe");
    EC_ASSERT_STR(c.stripe_secret_key, "sk_test_123");
    EC_ASSERT_STR(c.stripe_webhook_secrets, "whsec_old\nwhsec_new\n");
    EC_ASSERT_STR(c.stripe_api, "https://127.0.0.1:18544");
    CU_ASSERT_PTR_EQUAL(c.https, &https);
    EC_ASSERT_STR(https.ca_file, "/tmp/ca.pem");
    CU_ASSERT_EQUAL(memcmp(c.sim_key, "a simulator key of at least 32 b", 32),
                    0);
    ec_settings_release(&s);
    /* Stripe alone: it is the default */
    CU_ASSERT_EQUAL_FATAL(settings_from_text(&s, "t.conf",
                                             "listen = /tmp/e.sock\n"
                                             "stripe_secret_key_file = sk\n"
                                             "stripe_webhook_secret_file = "
                                             "whsec\n",
                                             err, sizeof(err)),
                          0);
    ec_settings_payment_conf(&s, &c, &https);
    EC_ASSERT_STR(ec_payment_provider(&c, "nordlys"), "stripe");
    CU_ASSERT_PTR_NULL(c.sim_key);
    ec_settings_release(&s);
    for (size_t i = 0; bad[i]; i++) {
        snprintf(text, sizeof(text), "listen = /tmp/e.sock\n%s", bad[i]);
        err[0] = '\0';
        CU_ASSERT_EQUAL(
            settings_from_text(&s, "t.conf", text, err, sizeof(err)), -1);
        CU_ASSERT_PTR_NULL(strstr(err, "sk_test_123"));
        CU_ASSERT_NOT_EQUAL(err[0], '\0');
    }
    unlink("sim");
    unlink("sk");
    unlink("whsec");
    unlink("empty");
}

static void
test_cms_settings(void)
{
    static const char *const bad[] = {
        "cms_image_origin = http://images.ctfassets.net\n",
        "cms_image_origin = https://images.ctfassets.net/\n",
        "cms_image_origin = https://a.b; script-src *\n",
        "cms_image_origin = https://Images.example\n",
        "cms_image_origin = https://a.example:\n",
        "cms_image_origin = https://a.example:123456\n",
        "cms_cdn_url = http://cdn.contentful.com\n",
        "cms_cdn_url = https://cdn.contentful.com?x=1\n",
        NULL,
    };
    struct ec_settings s;
    char text[256], err[512];

    CU_ASSERT_EQUAL_FATAL(settings_from_text(&s, "t.conf",
                                             "listen = /tmp/e.sock\n", err,
                                             sizeof(err)),
                          0);
    EC_ASSERT_STR(s.cms_image_origin, "https://images.ctfassets.net");
    EC_ASSERT_STR(s.cms_cdn_url, "https://cdn.contentful.com");
    CU_ASSERT_PTR_NULL(s.cms_ca_file);
    ec_settings_release(&s);
    CU_ASSERT_EQUAL_FATAL(
        settings_from_text(&s, "t.conf",
                           "listen = /tmp/e.sock\n"
                           "cms_image_origin = https://127.0.0.1:8643\n",
                           err, sizeof(err)),
        0);
    EC_ASSERT_STR(s.cms_image_origin, "https://127.0.0.1:8643");
    ec_settings_release(&s);
    for (int i = 0; bad[i]; i++) {
        snprintf(text, sizeof(text), "listen = /tmp/e.sock\n%s", bad[i]);
        if (settings_from_text(&s, "t.conf", text, err, sizeof(err)) == 0) {
            fprintf(stderr, "\n    accepted: %s", bad[i]);
            CU_FAIL("a bad CMS setting was accepted");
            ec_settings_release(&s);
        } else {
            CU_ASSERT_PTR_NOT_NULL(strstr(err, "cms_"));
        }
    }
}

static const struct ec_test tests[] = {
    {"defaults fill what the file does not set",
     test_defaults_fill_what_is_not_set},
    {"listen is required", test_listen_is_required},
    {"basket TTLs, limits and exempt addresses", test_basket_settings},
    {"per-client limits, trusted proxies, exempt blocks", test_client_limits},
    {"the form key comes from its file, else at random", test_form_secret},
    {"bad values are refused with a reason", test_bad_values_are_refused},
    {"ECOMD_MYSQL_PASSWORD overrides the file", test_password_from_environment},
    {"user, group, redis_user; ECOMD_REDIS_PASSWORD overrides the file",
     test_redis_account_and_process_user},
    {"accounts: hash parameters, sign-in limits, mail", test_account_settings},
    {"payments: providers, Stripe's secrets", test_payment_settings},
    {"cms: the image origin and the Sync API's address", test_cms_settings},
    {"etc/ecomd.conf as shipped is valid", test_shipped_config_is_valid},
    {NULL, NULL},
};

EC_TEST_MAIN("settings", tests)
