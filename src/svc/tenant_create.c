#include "svc/tenant_create.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "core/check.h"
#include "core/contrast.h"
#include "core/err.h"
#include "core/tztime.h"
#include "store/db.h"
#include "svc/audit.h"
#include "svc/catalog_export.h"
#include "svc/catalog_import.h"

/*
 * ISO 4217 codes in use whose minor unit is two digits: prices are
 * integers of hundredths (render/format.c writes two decimals), so a
 * currency with none (JPY, ISK) or three (BHD, KWD) would show wrong
 * amounts. Four letters a code, space-separated, sorted.
 */
static const char two_digit_currencies[] =
    "AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BMD BND BOB "
    "BRL BSD BTN BWP BYN BZD CAD CDF CHF CNY COP CRC CUP CVE CZK DKK DOP "
    "DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GTQ GYD HKD HNL HTG "
    "HUF IDR ILS INR IRR JMD KES KGS KHR KPW KYD KZT LAK LBP LKR LRD LSL "
    "MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MYR MZN NAD NGN NIO "
    "NOK NPR NZD PAB PEN PGK PHP PKR PLN QAR RON RSD RUB SAR SBD SCR SDG "
    "SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT TOP TRY TTD "
    "TWD TZS UAH USD UYU UZS VES WST XCD YER ZAR ZMW ZWL";

/* ISO 4217 codes in use with no or three minor digits. */
static const char other_currencies[] =
    "BHD BIF CLF CLP DJF GNF IQD ISK JOD JPY KMF KRW KWD LYD OMR PYG RWF "
    "TND UGX UYI UYW VND VUV XAF XOF XPF";

static int refuse(struct ec_tenant_refusal *why, const char *field,
                  const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int
refuse(struct ec_tenant_refusal *why, const char *field, const char *fmt, ...)
{
    va_list ap;

    why->field = field;
    why->host = NULL;
    va_start(ap, fmt);
    vsnprintf(why->message, sizeof(why->message), fmt, ap);
    va_end(ap);
    return -1;
}

void
ec_tenant_spec_init(struct ec_tenant_spec *s)
{
    memset(s, 0, sizeof(*s));
    s->currency = "DKK";
    s->locale = "da-DK";
    s->time_zone = "Europe/Copenhagen";
    s->vat_rate_bp = 2500;
    s->palette.primary = "#1f4e79";
    s->palette.on_primary = "#ffffff";
    s->palette.background = "#ffffff";
    s->palette.text = "#1a1a1a";
    s->palette.accent = "#b3261e";
}

static int
is_lower_alnum(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

int
ec_tenant_slug_check(const char *slug, struct ec_tenant_refusal *why)
{
    size_t n = slug ? strlen(slug) : 0;

    if (n == 0 || n > 40 || !is_lower_alnum(slug[0]))
        goto bad;
    for (size_t i = 1; i < n; i++)
        if (!is_lower_alnum(slug[i]) && slug[i] != '-')
            goto bad;
    if (strcmp(slug, "new") == 0) /* /admin/tenants/new is the form */
        return refuse(why, "slug",
                      "'new' is reserved: the panel's address of the form "
                      "for a new tenant");
    return 0;
bad:
    return refuse(why, "slug",
                  "the slug is 1 to 40 lower-case letters, digits and '-', "
                  "starting with a letter or digit, not '%s'",
                  slug ? slug : "");
}

int
ec_tenant_host_check(const char *host, struct ec_tenant_refusal *why)
{
    size_t n = host ? strlen(host) : 0, label = 0;

    if (n == 0 || n > 253)
        goto bad;
    for (size_t i = 0; i <= n; i++) {
        char c = host[i];

        if (c == '.' || c == '\0') {
            /* a label: 1 to 63, no '-' at either end (RFC 1123) */
            if (label == 0 || label > 63 || host[i - 1] == '-' ||
                host[i - label] == '-')
                goto bad;
            label = 0;
        } else if (is_lower_alnum(c) || c == '-') {
            label++;
        } else {
            goto bad;
        }
    }
    return 0;
bad:
    refuse(why, "host",
           "'%s' is not a hostname as browsers send it: lower-case "
           "letters, digits, '-' and dots, no port, no scheme",
           host ? host : "");
    why->host = host;
    return -1;
}

static int
listed(const char *list, const char *code)
{
    for (const char *p = list; *p; p += p[3] ? 4 : 3)
        if (strncmp(p, code, 3) == 0)
            return 1;
    return 0;
}

int
ec_tenant_currency_check(const char *code, struct ec_tenant_refusal *why)
{
    int form = code && strlen(code) == 3;

    for (size_t i = 0; form && i < 3; i++)
        form = code[i] >= 'A' && code[i] <= 'Z';
    if (form && listed(two_digit_currencies, code))
        return 0;
    if (form && listed(other_currencies, code))
        return refuse(why, "currency",
                      "%s does not have two decimals, and prices are kept "
                      "in hundredths",
                      code);
    return refuse(why, "currency",
                  "'%s' is not an ISO 4217 currency code in use (such as "
                  "DKK, EUR, SEK)",
                  code ? code : "");
}

/* A colour the theme draws: a field of the palette, or a fixed colour of
   the theme; either mixed percent % into the field over (color-mix()), or
   as it is. */
struct shade {
    const char *field; /* NULL: fixed */
    const char *fixed;
    unsigned percent;
    const char *over; /* NULL: unmixed */
};

struct pair {
    struct shade fg, bg;
    const char *key; /* struct ec_tenant_pairing's */
    const char *what;
    const char *blame; /* the field a refusal names */
    double min;
};

#define FIELD(f)                                                               \
    {                                                                          \
        f, NULL, 100, NULL                                                     \
    }
#define MIXED(f, pct, over)                                                    \
    {                                                                          \
        f, NULL, pct, over                                                     \
    }
/* the theme's colour of error messages (--color-error) */
#define THEME_ERROR                                                            \
    {                                                                          \
        NULL, "#b3261e", 100, NULL                                             \
    }

/*
 * What the default theme draws in the palette's colours
 * (static/default/site.css, which names this table beside its custom
 * properties): text, links and the header at 4.5:1 (WCAG 1.4.3), the
 * focus ring and form fields' borders at 3:1 (1.4.11). The theme's error
 * colour is fixed, so no dark background can carry its messages.
 */
static const struct pair pairs[] = {
    {FIELD("color_text"), FIELD("color_background"), "text",
     "text on the background", "color_text", EC_CONTRAST_AA_TEXT},
    {FIELD("color_on_primary"), FIELD("color_primary"), "on_primary",
     "text on the primary colour", "color_on_primary", EC_CONTRAST_AA_TEXT},
    {FIELD("color_primary"), FIELD("color_background"), "links",
     "links on the background", "color_primary", EC_CONTRAST_AA_TEXT},
    {FIELD("color_text"), MIXED("color_accent", 8, "color_background"),
     "notice", "text on a notice (the accent, 8 % into the background)",
     "color_text", EC_CONTRAST_AA_TEXT},
    {FIELD("color_text"), MIXED("color_primary", 6, "color_background"),
     "highlight",
     "text on a highlight (the primary colour, 6 % into the background)",
     "color_text", EC_CONTRAST_AA_TEXT},
    {THEME_ERROR, FIELD("color_background"), "error",
     "error messages (the theme's red) on the background", "color_background",
     EC_CONTRAST_AA_TEXT},
    {FIELD("color_accent"), FIELD("color_background"), "focus",
     "the focus ring on the background", "color_accent",
     EC_CONTRAST_AA_NON_TEXT},
    {MIXED("color_text", 60, "color_background"), FIELD("color_background"),
     "border",
     "form fields' borders (the text colour, 60 % into the background)",
     "color_text", EC_CONTRAST_AA_NON_TEXT},
};

static const char *
colour_of(const struct ec_tenant_palette *p, const char *field)
{
    if (strcmp(field, "color_primary") == 0)
        return p->primary;
    if (strcmp(field, "color_on_primary") == 0)
        return p->on_primary;
    if (strcmp(field, "color_background") == 0)
        return p->background;
    if (strcmp(field, "color_text") == 0)
        return p->text;
    return p->accent;
}

/* The colour sh stands for in palette p (already parsed as valid). */
static struct ec_rgb
shade_of(const struct ec_tenant_palette *p, const struct shade *sh)
{
    struct ec_rgb c = {0, 0, 0}, over;

    ec_rgb_parse(sh->field ? colour_of(p, sh->field) : sh->fixed, &c);
    if (sh->over) {
        ec_rgb_parse(colour_of(p, sh->over), &over);
        ec_rgb_mix(&c, sh->percent, &over, &c);
    }
    return c;
}

_Static_assert(sizeof(pairs) / sizeof(pairs[0]) == EC_TENANT_PAIRINGS,
               "EC_TENANT_PAIRINGS counts the table");

int
ec_tenant_palette_each(const struct ec_tenant_palette *p,
                       struct ec_tenant_pairing out[EC_TENANT_PAIRINGS],
                       struct ec_tenant_refusal *why)
{
    static const char *const fields[] = {"color_primary", "color_on_primary",
                                         "color_background", "color_text",
                                         "color_accent"};
    struct ec_rgb c;
    int failing = 0;

    for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
        const char *v = colour_of(p, fields[i]);

        if (ec_rgb_parse(v, &c) < 0)
            return refuse(why, fields[i],
                          "%s '%s' is not a colour as #rgb or #rrggbb",
                          fields[i], v ? v : "");
    }
    for (size_t i = 0; i < EC_TENANT_PAIRINGS; i++) {
        struct ec_rgb fg = shade_of(p, &pairs[i].fg);
        struct ec_rgb bg = shade_of(p, &pairs[i].bg);
        double r = ec_contrast_ratio(&fg, &bg);
        struct ec_tenant_pairing *o = &out[i];

        o->key = pairs[i].key;
        o->what = pairs[i].what;
        o->field = pairs[i].blame;
        ec_rgb_format(&fg, o->fg);
        ec_rgb_format(&bg, o->bg);
        /* rounded down, so a refusal never shows the threshold */
        o->ratio = (double)(long)(r * 100) / 100;
        o->min = pairs[i].min;
        o->pass = r >= pairs[i].min;
        failing += !o->pass;
    }
    return failing;
}

int
ec_tenant_palette_check(const struct ec_tenant_palette *p,
                        struct ec_tenant_refusal *why)
{
    struct ec_tenant_pairing v[EC_TENANT_PAIRINGS];

    if (ec_tenant_palette_each(p, v, why) < 0)
        return -1;
    for (size_t i = 0; i < EC_TENANT_PAIRINGS; i++)
        if (!v[i].pass)
            return refuse(why, v[i].field,
                          "%s (%s on %s) has a contrast of %.2f:1; WCAG AA "
                          "asks for %.1f:1",
                          v[i].what, v[i].fg, v[i].bg, v[i].ratio, v[i].min);
    return 0;
}

static int
locale_check(const char *l, struct ec_tenant_refusal *why)
{
    size_t n = l ? strlen(l) : 0;
    int ok = n == 2 || n == 5;

    for (size_t i = 0; ok && i < 2; i++)
        ok = l[i] >= 'a' && l[i] <= 'z';
    if (ok && n == 5)
        ok = l[2] == '-' && l[3] >= 'A' && l[3] <= 'Z' && l[4] >= 'A' &&
             l[4] <= 'Z';
    if (ok)
        return 0;
    return refuse(why, "locale",
                  "the locale is a language, optionally with a country "
                  "(da, da-DK, en-GB), not '%s'",
                  l ? l : "");
}

static int
zone_check(const char *name, struct ec_tenant_refusal *why)
{
    struct ec_tztime_zone *z = NULL;

    /* a name, not a path into the file system */
    if (name && *name && name[0] != '/' && !strstr(name, "..") &&
        ec_tztime_load(name, &z) == 0) {
        ec_tztime_zone_free(z);
        return 0;
    }
    return refuse(why, "time_zone",
                  "'%s' is not a time zone this system knows (an IANA "
                  "name such as Europe/Copenhagen)",
                  name ? name : "");
}

static int
hosts_check(const struct ec_tenant_spec *s, struct ec_tenant_refusal *why)
{
    if (s->nhosts == 0)
        return refuse(why, "host", "a tenant needs at least one hostname");
    if (s->nhosts > EC_TENANT_HOSTS_MAX)
        return refuse(why, "host", "at most %d hostnames", EC_TENANT_HOSTS_MAX);
    for (size_t i = 0; i < s->nhosts; i++) {
        if (ec_tenant_host_check(s->hosts[i], why) < 0)
            return -1;
        for (size_t j = 0; j < i; j++)
            if (strcmp(s->hosts[i], s->hosts[j]) == 0) {
                refuse(why, "host", "%s is named twice", s->hosts[i]);
                why->host = s->hosts[i];
                return -1;
            }
    }
    return 0;
}

int
ec_tenant_name_check(const char *name, struct ec_tenant_refusal *why)
{
    size_t chars = 0;

    for (const char *p = name ? name : ""; *p; p++)
        chars += ((unsigned char)*p & 0xc0) != 0x80;
    if (chars == 0 || chars > EC_TENANT_NAME_MAX)
        return refuse(why, "name", "the name is 1 to %d characters",
                      EC_TENANT_NAME_MAX);
    for (const char *p = name; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f)
            return refuse(why, "name",
                          "the name may not hold control characters");
    return 0;
}

int
ec_tenant_vat_parse(const char *s, int *bp, struct ec_tenant_refusal *why)
{
    char *end;
    long whole;
    int v;

    if (!s || s[0] < '0' || s[0] > '9')
        goto bad;
    whole = strtol(s, &end, 10);
    if (whole > 100)
        goto bad;
    v = (int)whole * 100;
    if (*end == '.') {
        const char *f = end + 1;

        if (f[0] < '0' || f[0] > '9' || (f[1] && (f[1] < '0' || f[1] > '9')))
            goto bad;
        v += (f[0] - '0') * 10 + (f[1] ? f[1] - '0' : 0);
        end = (char *)f + (f[1] ? 2 : 1);
    }
    if (*end || v > 10000)
        goto bad;
    *bp = v;
    return 0;
bad:
    return refuse(why, "vat",
                  "the VAT rate is a percentage from 0 to 100 with at most "
                  "two decimals (25, 12.5), not '%s'",
                  s ? s : "");
}

int
ec_tenant_spec_refusals(const struct ec_tenant_spec *s, ec_tenant_refusal_fn fn,
                        void *ctx)
{
    struct ec_tenant_refusal why;
    int n = 0;

/* each rule on its own, so one bad field hides no other */
#define RULE(check)                                                            \
    do {                                                                       \
        if ((check) < 0) {                                                     \
            fn(&why, ctx);                                                     \
            n++;                                                               \
        }                                                                      \
    } while (0)
    RULE(ec_tenant_slug_check(s->slug, &why));
    RULE(ec_tenant_name_check(s->name, &why));
    RULE(hosts_check(s, &why));
    RULE(ec_tenant_currency_check(s->currency, &why));
    RULE(locale_check(s->locale, &why));
    RULE(zone_check(s->time_zone, &why));
    RULE(s->vat_rate_bp < 0 || s->vat_rate_bp > 10000
             ? refuse(&why, "vat", "the VAT rate is 0 to 100 %%")
             : 0);
    RULE(ec_tenant_palette_check(&s->palette, &why));
#undef RULE
    return n;
}

/* The first refusal, into ctx's struct ec_tenant_refusal. */
static void
keep_first(const struct ec_tenant_refusal *why, void *ctx)
{
    struct ec_tenant_refusal *first = ctx;

    if (!first->field)
        *first = *why;
}

int
ec_tenant_spec_check(const struct ec_tenant_spec *s,
                     struct ec_tenant_refusal *why)
{
    why->field = NULL;
    return ec_tenant_spec_refusals(s, keep_first, why) ? -1 : 0;
}

/* "#abc" as "#aabbcc", as the table keeps colours. */
static void
canonical(const char *in, char out[8])
{
    struct ec_rgb c;

    ec_rgb_parse(in, &c);
    ec_rgb_format(&c, out);
}

static int
found_row(const struct ec_db_row *row, void *ctx)
{
    (void)row;
    *(int *)ctx = 1;
    return 0;
}

/* Who holds slug or one of the hostnames already: EC_ERR_CONFLICT with
   why, 0, or a store error. Read before the insert for the message; the
   unique keys still decide a race. */
static int
taken(struct ec_db *db, const struct ec_tenant_spec *s,
      struct ec_tenant_refusal *why)
{
    struct ec_db_param p[] = {EC_DB_S(s->slug)};
    int found = 0, rc;

    rc = ec_db_exec(db, "SELECT 1 FROM tenants WHERE slug = ?", p, 1, found_row,
                    &found, NULL);
    if (rc < 0)
        return rc;
    if (found) {
        refuse(why, "slug", "there is a tenant '%s' already", s->slug);
        return EC_ERR_CONFLICT;
    }
    for (size_t i = 0; i < s->nhosts; i++) {
        struct ec_db_param h[] = {EC_DB_S(s->hosts[i])};

        rc = ec_db_exec(db, "SELECT 1 FROM tenant_domains WHERE host = ?", h, 1,
                        found_row, &found, NULL);
        if (rc < 0)
            return rc;
        if (found) {
            refuse(why, "host", "%s is served by another tenant already",
                   s->hosts[i]);
            why->host = s->hosts[i];
            return EC_ERR_CONFLICT;
        }
    }
    return 0;
}

static int
insert_tenant(struct ec_db *db, const struct ec_tenant_spec *s, long long *id)
{
    char c[5][8];
    struct ec_db_param p[12];
    int rc;

    canonical(s->palette.primary, c[0]);
    canonical(s->palette.on_primary, c[1]);
    canonical(s->palette.background, c[2]);
    canonical(s->palette.text, c[3]);
    canonical(s->palette.accent, c[4]);
    p[0] = EC_DB_S(s->slug);
    p[1] = EC_DB_S(s->name);
    p[2] = EC_DB_S(s->currency);
    p[3] = EC_DB_S(s->locale);
    p[4] = EC_DB_S(s->time_zone);
    p[5] = EC_DB_I(s->vat_rate_bp);
    for (int i = 0; i < 5; i++)
        p[6 + i] = EC_DB_S(c[i]);
    rc = ec_db_exec(db,
                    "INSERT INTO tenants (slug, name, status, currency, "
                    "locale, time_zone, vat_rate_bp, color_primary, "
                    "color_on_primary, color_background, color_text, "
                    "color_accent) VALUES (?, ?, 'active', ?, ?, ?, ?, ?, ?, "
                    "?, ?, ?)",
                    p, 11, NULL, NULL, NULL);
    if (rc < 0)
        return rc;
    *id = (long long)ec_db_insert_id(db);
    for (size_t i = 0; i < s->nhosts; i++) {
        struct ec_db_param h[] = {EC_DB_S(s->hosts[i]), EC_DB_I(*id),
                                  EC_DB_I(i == 0)};

        rc = ec_db_exec(db,
                        "INSERT INTO tenant_domains (host, tenant_id, "
                        "is_primary) VALUES (?, ?, ?)",
                        h, 3, NULL, NULL, NULL);
        if (rc < 0)
            return rc;
    }
    return 0;
}

/* The tenant as its create's audit row shows it (colours as stored). */
static struct json_object *
created_json(const struct ec_tenant_spec *s, const char *from)
{
    struct json_object *o = json_object_new_object();
    struct json_object *hosts = json_object_new_array();
    const char *colour[5] = {s->palette.primary, s->palette.on_primary,
                             s->palette.background, s->palette.text,
                             s->palette.accent};
    static const char *const keys[5] = {"color_primary", "color_on_primary",
                                        "color_background", "color_text",
                                        "color_accent"};
    char c[8];

    json_object_object_add(o, "slug", json_object_new_string(s->slug));
    json_object_object_add(o, "name", json_object_new_string(s->name));
    for (size_t i = 0; i < s->nhosts; i++)
        json_object_array_add(hosts, json_object_new_string(s->hosts[i]));
    json_object_object_add(o, "hosts", hosts);
    json_object_object_add(o, "currency", json_object_new_string(s->currency));
    json_object_object_add(o, "locale", json_object_new_string(s->locale));
    json_object_object_add(o, "time_zone",
                           json_object_new_string(s->time_zone));
    json_object_object_add(o, "vat_rate_bp",
                           json_object_new_int(s->vat_rate_bp));
    for (int i = 0; i < 5; i++) {
        canonical(colour[i], c);
        json_object_object_add(o, keys[i], json_object_new_string(c));
    }
    json_object_object_add(o, "catalog_from",
                           from ? json_object_new_string(from) : NULL);
    return o;
}

/* ec_tenant_create(), the audit row naming from. */
static int
create_audited(struct ec_db *db, const struct ec_tenant_spec *s,
               const char *from, const struct ec_audit_actor *who,
               long long *id, struct ec_tenant_refusal *why)
{
    struct json_object *after;
    int rc;

    if (ec_tenant_spec_check(s, why) < 0)
        return EC_ERR_INVALID_FIELD;
    if ((rc = taken(db, s, why)) != 0)
        return rc;
    if ((rc = ec_db_begin(db)) < 0)
        return rc;
    after = created_json(s, from);
    rc = insert_tenant(db, s, id);
    if (rc == 0)
        rc = ec_audit_record(db, *id, who, "tenant", s->slug, "create", NULL,
                             after);
    json_object_put(after);
    if (rc == 0)
        rc = ec_db_commit(db);
    if (rc < 0) {
        ec_db_rollback(db);
        *id = 0;
        if (rc == EC_ERR_CONFLICT) /* another create won the race */
            refuse(why, "host",
                   "the slug or a hostname was taken in the meantime");
    }
    return rc;
}

int
ec_tenant_create(struct ec_db *db, const struct ec_tenant_spec *s,
                 const struct ec_audit_actor *who, long long *id,
                 struct ec_tenant_refusal *why)
{
    return create_audited(db, s, NULL, who, id, why);
}

/* The catalog of tenant from, checked as a tenant in zone_name will read
   it: 0 with *doc (the caller's), EC_ERR_INVALID_FIELD with why, or a
   store error. */
static int
catalog_of(struct ec_db *db, const char *from, const char *zone_name,
           struct json_object **doc, struct ec_tenant_refusal *why)
{
    struct ec_check_error cerr;
    struct ec_tztime_zone *zone = NULL;
    int rc = ec_catalog_export(db, from, doc);

    if (rc == EC_ERR_NOT_FOUND) {
        refuse(why, "catalog_from", "no tenant '%s'", from);
        return EC_ERR_INVALID_FIELD;
    }
    if (rc < 0)
        return rc;
    ec_tztime_load(zone_name, &zone); /* checked with the spec */
    rc = ec_catalog_doc_validate(*doc, zone, &cerr);
    ec_tztime_zone_free(zone);
    if (rc < 0) {
        json_object_put(*doc);
        *doc = NULL;
        refuse(why, "catalog_from", "the catalog of %s does not fit: %s: %s",
               from, cerr.path, cerr.message);
        return EC_ERR_INVALID_FIELD;
    }
    return 0;
}

static void
count_line(const char *line, void *ctx)
{
    (void)line;
    (*(int *)ctx)++;
}

int
ec_tenant_onboard(struct ec_db *db, const struct ec_tenant_spec *s,
                  const char *from, const struct ec_audit_actor *who,
                  long long *id, int *changes, struct ec_tenant_refusal *why)
{
    struct json_object *doc = NULL;
    struct ec_check_error cerr;
    int rc;

    *id = 0;
    *changes = 0;
    /* everything that can be checked before a row is written */
    if (ec_tenant_spec_check(s, why) < 0)
        return EC_ERR_INVALID_FIELD;
    if (from && (rc = catalog_of(db, from, s->time_zone, &doc, why)) < 0)
        return rc;
    rc = create_audited(db, s, from, who, id, why);
    if (rc == 0 && doc) {
        rc = ec_catalog_import(db, s->slug, doc, &cerr, count_line, changes);
        if (rc == EC_ERR_INVALID_FIELD)
            refuse(why, "catalog_from",
                   "the catalog could not be copied (%s); the tenant was not "
                   "created",
                   cerr.message);
        if (rc < 0)
            ec_tenant_discard(db, *id);
    }
    json_object_put(doc);
    return rc;
}

int
ec_tenant_discard(struct ec_db *db, long long id)
{
    struct ec_db_param p[] = {EC_DB_I(id)};

    return ec_db_exec(db, "DELETE FROM tenants WHERE id = ?", p, 1, NULL, NULL,
                      NULL);
}

int
ec_tenant_set_palette(struct ec_db *db, const char *slug,
                      const struct ec_tenant_palette *pal,
                      struct ec_tenant_refusal *why)
{
    char c[5][8];
    struct ec_db_param p[6];
    unsigned long long n = 0;
    int rc;

    if (ec_tenant_palette_check(pal, why) < 0)
        return EC_ERR_INVALID_FIELD;
    canonical(pal->primary, c[0]);
    canonical(pal->on_primary, c[1]);
    canonical(pal->background, c[2]);
    canonical(pal->text, c[3]);
    canonical(pal->accent, c[4]);
    for (int i = 0; i < 5; i++)
        p[i] = EC_DB_S(c[i]);
    p[5] = EC_DB_S(slug);
    /* updated_at always changes, so a found row always counts */
    rc = ec_db_exec(db,
                    "UPDATE tenants SET color_primary = ?, color_on_primary "
                    "= ?, color_background = ?, color_text = ?, color_accent "
                    "= ?, updated_at = CURRENT_TIMESTAMP(6) WHERE slug = ?",
                    p, 6, NULL, NULL, &n);
    if (rc < 0)
        return rc;
    return n ? 0 : EC_ERR_NOT_FOUND;
}

int
ec_tenant_set_logo(struct ec_db *db, const char *slug, const char *path)
{
    struct ec_db_param p[] = {EC_DB_S(path), EC_DB_S(slug)};
    unsigned long long n = 0;
    int rc;

    rc = ec_db_exec(db,
                    "UPDATE tenants SET logo_path = ?, updated_at = "
                    "CURRENT_TIMESTAMP(6) WHERE slug = ?",
                    p, 2, NULL, NULL, &n);
    if (rc < 0)
        return rc;
    return n ? 0 : EC_ERR_NOT_FOUND;
}

static int
host_row(const struct ec_db_row *row, void *ctx)
{
    json_object_array_add(ctx, json_object_new_string(row->vals[0]));
    return 0;
}

int
ec_tenant_hosts(struct ec_db *db, long long id, struct json_object **out)
{
    struct ec_db_param p[] = {EC_DB_I(id)};
    struct json_object *a = json_object_new_array();
    int rc = ec_db_exec(db,
                        "SELECT host FROM tenant_domains WHERE tenant_id = ? "
                        "ORDER BY is_primary DESC, host",
                        p, 1, host_row, a, NULL);

    if (rc < 0) {
        json_object_put(a);
        return rc;
    }
    *out = a;
    return 0;
}
