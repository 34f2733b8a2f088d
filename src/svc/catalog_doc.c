#include "svc/catalog_doc.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <json-c/json.h>

#include "core/err.h"
#include "core/tztime.h"
#include "svc/promotion.h"

/* Column sizes of sql/002_catalog.sql, in characters. */
#define CODE_MAX 40
#define NAME_MAX_CHARS 100
#define PARAM_MAX 64
#define VALUE_MAX 100
#define SKU_MAX 64
#define DESCRIPTION_MAX 500
/* ... and of sql/003_campaigns.sql */
#define CAMPAIGN_CODE_MAX 64
#define CAMPAIGN_NAME_MAX 120
/* a time as text, room for "2026-11-01T00:00:00.000000+01:00" and more */
#define TIME_TEXT_MAX 64

/* INT UNSIGNED columns hold more, but nobody needs more than an INT. */
#define WHOLE_MAX 2147483647LL
#define SORT_MIN (-2147483647LL - 1)

#define BINDING_MAX 6

/*
 * Campaign times the database can hold: the server reads them with
 * UNIX_TIMESTAMP(), which MariaDB limits to 32-bit seconds.
 */
#define TIME_MIN 0LL
#define TIME_MAX 2147483647LL

#define MONEY "a whole number of øre, 0 or more"
#define GB "a whole number of GB, 0 or more"

static const char *const channel_kinds[] = {
    "web_front", "web_sub", "app", "outbound", "custom", NULL,
};
static const char *const rule_kinds[] = {"path_prefix", "query_param", "header",
                                         NULL};
static const char *const product_kinds[] = {"plan", "addon", NULL};
static const char *const statuses[] = {"draft", "active", "retired", NULL};
static const char *const networks[] = {"4g", "5g", NULL};
/* index i is bit 1 << i of a sim_types mask, as in the SQL SET */
static const char *const sim_names[] = {"physical", "esim", NULL};

/* in the order of enum ec_promotion_action_kind, from FIXED_PRICE on */
static const char *const action_kinds[] = {
    "fixed_price", "amount_off", "percent_off", "waive_fee", "reduce_fee", NULL,
};
static const char *const stackings[] = {"exclusive", "stackable", NULL};
/* index i is bit 1 << i of a fees mask, as in the SQL SET */
static const char *const fee_names[] = {"startup", "sim", NULL};

static const char *const top_keys[] = {
    "format", "channels", "channel_rules", "products", "campaigns", NULL,
};
static const char *const channel_keys[] = {
    "code", "name", "kind", "default", NULL,
};
static const char *const rule_keys[] = {
    "kind", "param", "value", "channel", NULL,
};
static const char *const product_keys[] = {
    "sku",         "kind",          "status",       "name",
    "description", "data_gb",       "talk_minutes", "network",
    "eu_data_gb",  "monthly_price", "fees",         "binding_months",
    "sim_types",   "channels",      "addons",       NULL,
};
static const char *const fee_keys[] = {"startup", "sim", NULL};
static const char *const entry_keys[] = {
    "visible",        "name",          "sort", "sim_types",
    "binding_months", "monthly_price", NULL,
};
static const char *const addon_keys[] = {"sku", "channels", NULL};
static const char *const campaign_keys[] = {
    "code",     "name",     "valid_from", "valid_to",         "products",
    "channels", "priority", "stacking",   "required_binding", "actions",
    NULL,
};
/* the fields of each kind of action, in the order of action_kinds */
static const char *const price_action_keys[] = {
    "kind", "amount", "first_month", "months", NULL,
};
static const char *const percent_action_keys[] = {
    "kind", "percent_bp", "first_month", "months", NULL,
};
static const char *const waive_action_keys[] = {"kind", "fees", NULL};
static const char *const reduce_action_keys[] = {"kind", "amount", "fees",
                                                 NULL};
static const char *const *const action_keys[] = {
    price_action_keys, price_action_keys,  percent_action_keys,
    waive_action_keys, reduce_action_keys,
};

/*
 * A product of the JSON value, indexed by SKU before the products are
 * checked so that an add-on list may name a product further down, and
 * so that a duplicate SKU is found without comparing every pair.
 */
struct sku_ref {
    const char *sku;
    const char *kind; /* NULL unless a string */
    size_t index;
};

/* One check in progress: the path of the value being looked at. */
struct check {
    struct ec_catalog_doc *doc;
    const struct ec_tztime_zone *zone; /* local times; NULL: refused */
    struct ec_catalog_doc_error *err;
    char path[sizeof(((struct ec_catalog_doc_error *)0)->path)];
    size_t len;
    struct sku_ref *skus; /* by SKU ignoring case, then index */
    size_t nskus;
};

void
ec_catalog_doc_init(struct ec_catalog_doc *doc)
{
    memset(doc, 0, sizeof(*doc));
    ec_arena_init(&doc->arena, 0);
}

void
ec_catalog_doc_release(struct ec_catalog_doc *doc)
{
    ec_arena_release(&doc->arena);
    memset(doc, 0, sizeof(*doc));
}

/* ---- paths and messages ---- */

static void path_addf(struct check *ck, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
path_addf(struct check *ck, const char *fmt, ...)
{
    size_t room = sizeof(ck->path) - ck->len;
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(ck->path + ck->len, room, fmt, ap);
    va_end(ap);
    /* a path too long to hold is cut short, never overflowed */
    if (n > 0)
        ck->len += (size_t)n < room ? (size_t)n : room - 1;
}

static int
plain_key(const char *key)
{
    if (!*key)
        return 0;
    for (const char *p = key; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
              (*p >= '0' && *p <= '9') || *p == '_' || *p == '-'))
            return 0;
    return 1;
}

/* Step into member key; returns what pop() needs to step back out. */
static size_t
push_key(struct check *ck, const char *key)
{
    size_t old = ck->len;

    if (plain_key(key)) {
        path_addf(ck, ".%s", key);
        return old;
    }
    /* JSONPath's bracket form, for keys a dot cannot carry */
    path_addf(ck, "['");
    for (const char *p = key; *p; p++) {
        if (*p == '\'' || *p == '\\')
            path_addf(ck, "\\%c", *p);
        else if ((unsigned char)*p < 0x20)
            path_addf(ck, "\\u%04x", (unsigned char)*p);
        else
            path_addf(ck, "%c", *p);
    }
    path_addf(ck, "']");
    return old;
}

static size_t
push_index(struct check *ck, size_t i)
{
    size_t old = ck->len;

    path_addf(ck, "[%zu]", i);
    return old;
}

static void
pop(struct check *ck, size_t old)
{
    ck->len = old;
    ck->path[old] = '\0';
}

static int fail(struct check *ck, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Report the current path as the first invalid field. */
static int
fail(struct check *ck, const char *fmt, ...)
{
    va_list ap;

    snprintf(ck->err->path, sizeof(ck->err->path), "%s", ck->path);
    va_start(ap, fmt);
    vsnprintf(ck->err->message, sizeof(ck->err->message), fmt, ap);
    va_end(ap);
    return EC_ERR_INVALID_FIELD;
}

/* A short description of what a document holds, for "(got ...)". */
static const char *
got(struct json_object *v, char *buf, size_t size)
{
    const char *s;
    size_t len;

    switch (json_object_get_type(v)) {
    case json_type_null:
        return "null";
    case json_type_boolean:
        return json_object_get_boolean(v) ? "true" : "false";
    case json_type_array:
        return "an array";
    case json_type_object:
        return "an object";
    case json_type_int:
    case json_type_double:
        snprintf(buf, size, "%s", json_object_to_json_string(v));
        return buf;
    case json_type_string:
        s = json_object_get_string(v);
        len = (size_t)json_object_get_string_len(v);
        /* quote short, plain strings; a long one would drown the message */
        if (len > 24 || strlen(s) != len || strpbrk(s, "\"\\"))
            return "a string";
        for (size_t i = 0; i < len; i++)
            if ((unsigned char)s[i] < 0x20)
                return "a string";
        snprintf(buf, size, "\"%s\"", s);
        return buf;
    }
    return "something else";
}

/* "a, b or c" */
static void
join_or(char *buf, size_t size, const char *const *names)
{
    size_t len = 0, n = 0;

    while (names[n])
        n++;
    buf[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        const char *sep = i == 0 ? "" : i + 1 == n ? " or " : ", ";
        int w = snprintf(buf + len, size - len, "%s%s", sep, names[i]);
        if (w < 0 || (size_t)w >= size - len)
            return;
        len += (size_t)w;
    }
}

/* "a, b, c" */
static void
join_and(char *buf, size_t size, const char *const *names)
{
    size_t len = 0;

    buf[0] = '\0';
    for (size_t i = 0; names[i]; i++) {
        int w =
            snprintf(buf + len, size - len, "%s%s", i ? ", " : "", names[i]);
        if (w < 0 || (size_t)w >= size - len)
            return;
        len += (size_t)w;
    }
}

/* ---- text ---- */

/*
 * The number of characters of s (len bytes), or -1 when it is not valid
 * UTF-8 (overlong forms, surrogates and code points above U+10FFFF
 * included), since MySQL would refuse or mangle it.
 */
static long
utf8_chars(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s, *end = p + len;
    long n = 0;

    while (p < end) {
        unsigned c = *p, cp, need;

        if (c < 0x80) {
            p++;
            n++;
            continue;
        }
        if (c >= 0xc2 && c <= 0xdf)
            need = 1, cp = c & 0x1f;
        else if (c >= 0xe0 && c <= 0xef)
            need = 2, cp = c & 0x0f;
        else if (c >= 0xf0 && c <= 0xf4)
            need = 3, cp = c & 0x07;
        else
            return -1;
        if ((size_t)(end - p) <= need)
            return -1;
        for (unsigned i = 1; i <= need; i++) {
            if ((p[i] & 0xc0) != 0x80)
                return -1;
            cp = (cp << 6) | (p[i] & 0x3f);
        }
        if ((need == 2 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
            (need == 3 && (cp < 0x10000 || cp > 0x10ffff)))
            return -1;
        p += need + 1;
        n++;
    }
    return n;
}

static int
in_list(const char *s, const char *const *list)
{
    for (size_t i = 0; list[i]; i++)
        if (strcmp(s, list[i]) == 0)
            return (int)i;
    return -1;
}

/* [a-z0-9][a-z0-9_-]* */
static int
code_ok(const char *s)
{
    if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9')))
        return 0;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
              *s == '_' || *s == '-'))
            return 0;
    return 1;
}

/* [A-Za-z0-9][A-Za-z0-9_-]* */
static int
sku_ok(const char *s)
{
    if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
          (*s >= '0' && *s <= '9')))
        return 0;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
              (*s >= '0' && *s <= '9') || *s == '_' || *s == '-'))
            return 0;
    return 1;
}

/* ---- members of an object ---- */

/* The first key of o not in allowed is an error: most likely a typo. */
static int
check_keys(struct check *ck, struct json_object *o, const char *const *allowed)
{
    char list[256];

    json_object_object_foreach(o, key, val)
    {
        (void)val;
        if (in_list(key, allowed) < 0) {
            join_and(list, sizeof(list), allowed);
            push_key(ck, key);
            return fail(ck, "unknown field; allowed here: %s", list);
        }
    }
    return 0;
}

/*
 * Member key of o into *v. Returns 1 when present (*v may be NULL for a
 * JSON null), 0 when absent, or an error when absent and required (what
 * says what belongs there).
 */
static int
member(struct check *ck, struct json_object *o, const char *key, int required,
       const char *what, struct json_object **v)
{
    size_t old;
    int rc;

    *v = NULL;
    if (json_object_object_get_ex(o, key, v))
        return 1;
    if (!required)
        return 0;
    old = push_key(ck, key);
    rc = fail(ck, "required: %s", what);
    pop(ck, old);
    return rc;
}

/*
 * A string of min..max characters at the current path: 0 with *out
 * copied into the arena, or an error saying it must be `what`.
 */
static int
string_value(struct check *ck, struct json_object *v, size_t min, size_t max,
             const char *what, const char **out)
{
    char buf[64];
    size_t len;
    long n;

    if (!json_object_is_type(v, json_type_string))
        return fail(ck, "must be %s (got %s)", what, got(v, buf, sizeof(buf)));
    len = (size_t)json_object_get_string_len(v);
    if (strlen(json_object_get_string(v)) != len)
        return fail(ck, "must be %s without NUL characters", what);
    n = utf8_chars(json_object_get_string(v), len);
    if (n < 0)
        return fail(ck, "must be %s in valid UTF-8", what);
    if ((size_t)n < min || (size_t)n > max)
        return fail(ck, "must be %s (got %ld characters)", what, n);
    *out = ec_arena_strndup(&ck->doc->arena, json_object_get_string(v), len);
    return 0;
}

/* One of names at the current path: its index, or an error. */
static int
enum_value(struct check *ck, struct json_object *v, const char *const *names,
           int *index)
{
    char list[128], buf[64];
    int i;

    join_or(list, sizeof(list), names);
    if (!json_object_is_type(v, json_type_string) ||
        (i = in_list(json_object_get_string(v), names)) < 0)
        return fail(ck, "must be %s (got %s)", list, got(v, buf, sizeof(buf)));
    *index = i;
    return 0;
}

/* A whole number in min..max at the current path, or an error. */
static int
int_value(struct check *ck, struct json_object *v, long long min, long long max,
          const char *what, long long *out)
{
    char buf[64];
    long long n;

    /* 1.0 is a double to json-c: a price is written as a whole number */
    if (!json_object_is_type(v, json_type_int))
        return fail(ck, "must be %s (got %s)", what, got(v, buf, sizeof(buf)));
    n = json_object_get_int64(v);
    if (n < min || n > max)
        return fail(ck, "must be %s (got %s)", what, got(v, buf, sizeof(buf)));
    *out = n;
    return 0;
}

static int
string_field(struct check *ck, struct json_object *o, const char *key,
             int required, size_t min, size_t max, const char *what,
             const char **out)
{
    struct json_object *v;
    size_t old;
    int rc = member(ck, o, key, required, what, &v);

    if (rc <= 0)
        return rc;
    old = push_key(ck, key);
    rc = string_value(ck, v, min, max, what, out);
    if (rc == 0)
        pop(ck, old);
    return rc;
}

static int
enum_field(struct check *ck, struct json_object *o, const char *key,
           const char *const *names, const char **out)
{
    struct json_object *v;
    char list[128];
    size_t old;
    int rc, i;

    join_or(list, sizeof(list), names);
    if ((rc = member(ck, o, key, 1, list, &v)) < 0)
        return rc;
    old = push_key(ck, key);
    if ((rc = enum_value(ck, v, names, &i)) < 0)
        return rc;
    pop(ck, old);
    *out = names[i];
    return 0;
}

/* A whole number; when nullable, JSON null gives EC_CATALOG_DOC_UNLIMITED. */
static int
int_field(struct check *ck, struct json_object *o, const char *key,
          int required, int nullable, long long min, long long max,
          const char *what, long long *out)
{
    struct json_object *v;
    size_t old;
    int rc = member(ck, o, key, required, what, &v);

    if (rc <= 0)
        return rc;
    if (nullable && !v) {
        *out = EC_CATALOG_DOC_UNLIMITED;
        return 0;
    }
    old = push_key(ck, key);
    if ((rc = int_value(ck, v, min, max, what, out)) < 0)
        return rc;
    pop(ck, old);
    return 0;
}

static int
bool_field(struct check *ck, struct json_object *o, const char *key,
           int required, int *out)
{
    struct json_object *v;
    char buf[64];
    size_t old;
    int rc = member(ck, o, key, required, "true or false", &v);

    if (rc <= 0)
        return rc;
    old = push_key(ck, key);
    if (!json_object_is_type(v, json_type_boolean))
        return fail(ck, "must be true or false (got %s)",
                    got(v, buf, sizeof(buf)));
    pop(ck, old);
    *out = json_object_get_boolean(v);
    return 0;
}

/* Member key must be an array (or an object): 0 or 1 as member(). */
static int
typed_field(struct check *ck, struct json_object *o, const char *key,
            int required, enum json_type type, const char *what,
            struct json_object **v)
{
    char buf[64];
    size_t old;
    int rc = member(ck, o, key, required, what, v);

    if (rc <= 0)
        return rc;
    if (!json_object_is_type(*v, type)) {
        old = push_key(ck, key);
        rc = fail(ck, "must be %s (got %s)", what, got(*v, buf, sizeof(buf)));
        pop(ck, old);
        return rc;
    }
    return 1;
}

/* Element i of an array must be an object. */
static int
object_element(struct check *ck, struct json_object *v, const char *what)
{
    char buf[64];

    if (!json_object_is_type(v, json_type_object))
        return fail(ck, "must be %s (got %s)", what, got(v, buf, sizeof(buf)));
    return 0;
}

/* ---- lists of options ---- */

/* "0, 6" or "physical, esim" */
static void
mask_text(char *buf, size_t size, unsigned mask, int sims)
{
    unsigned limit = sims ? 2 : BINDING_MAX + 1;
    size_t len = 0;

    buf[0] = '\0';
    for (unsigned i = 0; i < limit; i++) {
        int w;

        if (!(mask & (1u << i)))
            continue;
        if (sims)
            w = snprintf(buf + len, size - len, "%s%s", len ? ", " : "",
                         sim_names[i]);
        else
            w = snprintf(buf + len, size - len, "%s%u", len ? ", " : "", i);
        if (w < 0 || (size_t)w >= size - len)
            return;
        len += (size_t)w;
    }
}

/*
 * Member key of o: a list of distinct SIM types (sims) or binding periods
 * as a bit mask, at least one. With offered non-zero (a channel entry),
 * each value must also be one the product offers.
 */
static int
mask_field(struct check *ck, struct json_object *o, const char *key,
           int required, int sims, unsigned offered, unsigned *out)
{
    const char *what = sims ? "a list of SIM types: physical, esim"
                            : "a list of binding periods in months, 0 to 6";
    struct json_object *arr, *v;
    char buf[64], list[64];
    size_t n, old, old_i;
    unsigned mask = 0, bit;
    long long months;
    int rc, i;

    rc = typed_field(ck, o, key, required, json_type_array, what, &arr);
    if (rc <= 0)
        return rc;
    old = push_key(ck, key);
    n = json_object_array_length(arr);
    if (n == 0)
        return fail(ck, "must list at least one %s",
                    sims ? "SIM type (physical or esim)"
                         : "binding period (0 to 6 months)");
    for (size_t j = 0; j < n; j++) {
        v = json_object_array_get_idx(arr, j);
        old_i = push_index(ck, j);
        if (sims) {
            if ((rc = enum_value(ck, v, sim_names, &i)) < 0)
                return rc;
            bit = 1u << i;
        } else {
            if ((rc = int_value(ck, v, 0, BINDING_MAX,
                                "a whole number of months from 0 to 6",
                                &months)) < 0)
                return rc;
            bit = 1u << months;
        }
        if (mask & bit)
            return fail(ck, "%s is listed twice; list each value once",
                        got(v, buf, sizeof(buf)));
        if (offered && !(offered & bit)) {
            mask_text(list, sizeof(list), offered, sims);
            return fail(ck,
                        "%s is not offered by the product, which offers %s; "
                        "a channel may only narrow",
                        got(v, buf, sizeof(buf)), list);
        }
        mask |= bit;
        pop(ck, old_i);
    }
    pop(ck, old);
    *out = mask;
    return 0;
}

/* ---- channels and rules ---- */

static const struct ec_catalog_doc_channel *
find_channel(const struct ec_catalog_doc *doc, const char *code)
{
    for (size_t i = 0; i < doc->nchannels; i++)
        if (strcmp(doc->channels[i].code, code) == 0)
            return &doc->channels[i];
    return NULL;
}

/* A channel code naming a channel of the document, at the current path. */
static int
channel_ref(struct check *ck, struct json_object *v, const char **out)
{
    const char *code;
    int rc;

    if ((rc = string_value(ck, v, 1, CODE_MAX, "a channel code", &code)) < 0)
        return rc;
    if (!find_channel(ck->doc, code))
        return fail(ck, "\"%s\" is not a channel of this document", code);
    *out = code;
    return 0;
}

static int
check_channel(struct check *ck, struct json_object *o,
              struct ec_catalog_doc_channel *ch, size_t *ndefault,
              size_t *first_default)
{
    struct ec_catalog_doc *doc = ck->doc;
    const char *what = "a channel code: 1 to 40 characters a-z, 0-9, _ or "
                       "-, starting with a letter or digit";
    size_t i = (size_t)(ch - doc->channels), old;
    int rc;

    if ((rc = object_element(ck, o, "a channel object")) < 0 ||
        (rc = check_keys(ck, o, channel_keys)) < 0 ||
        (rc = string_field(ck, o, "code", 1, 1, CODE_MAX, what, &ch->code)) < 0)
        return rc;
    old = push_key(ck, "code");
    if (!code_ok(ch->code))
        return fail(ck, "must be %s", what);
    for (size_t j = 0; j < i; j++)
        if (strcmp(doc->channels[j].code, ch->code) == 0)
            return fail(ck,
                        "channel code \"%s\" is already used by "
                        "$.channels[%zu]; codes are unique",
                        ch->code, j);
    pop(ck, old);
    if ((rc = string_field(ck, o, "name", 1, 1, NAME_MAX_CHARS,
                           "a name of 1 to 100 characters", &ch->name)) < 0 ||
        (rc = enum_field(ck, o, "kind", channel_kinds, &ch->kind)) < 0 ||
        (rc = bool_field(ck, o, "default", 0, &ch->is_default)) < 0)
        return rc;
    if (ch->is_default && (*ndefault)++ > 0) {
        push_key(ck, "default");
        return fail(ck,
                    "only one channel may be the default, and "
                    "$.channels[%zu] already is",
                    *first_default);
    }
    if (ch->is_default)
        *first_default = i;
    return 0;
}

static int
check_channels(struct check *ck, struct json_object *root)
{
    struct ec_catalog_doc *doc = ck->doc;
    size_t n, old, ndefault = 0, first_default = 0;
    struct json_object *arr;
    int rc;

    rc = typed_field(ck, root, "channels", 1, json_type_array,
                     "an array of channels", &arr);
    if (rc < 0)
        return rc;
    old = push_key(ck, "channels");
    n = json_object_array_length(arr);
    doc->channels =
        ec_arena_calloc(&doc->arena, n ? n : 1, sizeof(*doc->channels));
    for (size_t i = 0; i < n; i++) {
        size_t old_i = push_index(ck, i);

        rc = check_channel(ck, json_object_array_get_idx(arr, i),
                           &doc->channels[i], &ndefault, &first_default);
        if (rc < 0)
            return rc;
        doc->nchannels++;
        pop(ck, old_i);
    }
    if (ndefault == 0)
        return fail(ck, "exactly one channel must have \"default\": true");
    pop(ck, old);
    return 0;
}

static int
check_rule(struct check *ck, struct json_object *o,
           struct ec_catalog_doc_rule *r)
{
    struct json_object *v;
    size_t old;
    int rc, has_param;

    if ((rc = object_element(ck, o, "a rule object")) < 0 ||
        (rc = check_keys(ck, o, rule_keys)) < 0 ||
        (rc = enum_field(ck, o, "kind", rule_kinds, &r->kind)) < 0)
        return rc;
    has_param = json_object_object_get_ex(o, "param", NULL);
    if (strcmp(r->kind, "path_prefix") == 0) {
        if (has_param) {
            push_key(ck, "param");
            return fail(ck, "path_prefix rules take no param; the path "
                            "goes in value");
        }
    } else if (strcmp(r->kind, "query_param") == 0) {
        rc = string_field(ck, o, "param", 1, 1, PARAM_MAX,
                          "the query parameter's name, 1 to 64 characters, "
                          "for a query_param rule",
                          &r->param);
        if (rc < 0)
            return rc;
    } else {
        rc = string_field(ck, o, "param", 1, 1, PARAM_MAX,
                          "the header's name in lower case, 1 to 64 "
                          "characters, for a header rule",
                          &r->param);
        if (rc < 0)
            return rc;
        for (const char *p = r->param; *p; p++) {
            if (*p >= 'A' && *p <= 'Z') {
                push_key(ck, "param");
                return fail(ck, "must be the header's name in lower case "
                                "(such as x-channel)");
            }
        }
    }
    if ((rc = string_field(ck, o, "value", 1, 1, VALUE_MAX,
                           "a string of 1 to 100 characters", &r->value)) < 0)
        return rc;
    if (strcmp(r->kind, "path_prefix") == 0 && r->value[0] != '/') {
        push_key(ck, "value");
        return fail(ck, "must be a path starting with / (such as /tilbud) "
                        "for a path_prefix rule");
    }
    if ((rc = member(ck, o, "channel", 1, "the code of a channel", &v)) < 0)
        return rc;
    old = push_key(ck, "channel");
    if ((rc = channel_ref(ck, v, &r->channel)) < 0)
        return rc;
    pop(ck, old);
    return 0;
}

static int
check_rules(struct check *ck, struct json_object *root)
{
    struct ec_catalog_doc *doc = ck->doc;
    struct json_object *arr;
    size_t n, old;
    int rc;

    rc = typed_field(ck, root, "channel_rules", 1, json_type_array,
                     "an array of channel rules (may be empty)", &arr);
    if (rc < 0)
        return rc;
    old = push_key(ck, "channel_rules");
    n = json_object_array_length(arr);
    doc->rules = ec_arena_calloc(&doc->arena, n ? n : 1, sizeof(*doc->rules));
    for (size_t i = 0; i < n; i++) {
        size_t old_i = push_index(ck, i);

        rc = check_rule(ck, json_object_array_get_idx(arr, i), &doc->rules[i]);
        if (rc < 0)
            return rc;
        doc->nrules++;
        pop(ck, old_i);
    }
    pop(ck, old);
    return 0;
}

/* ---- products ---- */

static int
sku_ref_cmp(const void *a, const void *b)
{
    const struct sku_ref *x = a, *y = b;
    int c = strcasecmp(x->sku, y->sku);

    if (c)
        return c;
    return x->index < y->index ? -1 : x->index > y->index;
}

static int
sku_key_cmp(const void *key, const void *elem)
{
    return strcasecmp(key, ((const struct sku_ref *)elem)->sku);
}

/* The first product (by position) whose SKU equals sku ignoring case. */
static const struct sku_ref *
first_sku(const struct check *ck, const char *sku)
{
    const struct sku_ref *r =
        bsearch(sku, ck->skus, ck->nskus, sizeof(*ck->skus), sku_key_cmp);

    while (r && r > ck->skus && strcasecmp(r[-1].sku, sku) == 0)
        r--;
    return r;
}

/* The product whose SKU is exactly sku, or NULL. */
static const struct sku_ref *
exact_sku(const struct check *ck, const char *sku)
{
    const struct sku_ref *r = first_sku(ck, sku), *end = ck->skus + ck->nskus;

    for (; r && r < end && strcasecmp(r->sku, sku) == 0; r++)
        if (strcmp(r->sku, sku) == 0)
            return r;
    return NULL;
}

static void
index_skus(struct check *ck, struct json_object *arr)
{
    size_t n = json_object_array_length(arr);
    struct json_object *p, *v;

    ck->skus = ec_arena_calloc(&ck->doc->arena, n ? n : 1, sizeof(*ck->skus));
    for (size_t i = 0; i < n; i++) {
        p = json_object_array_get_idx(arr, i);
        if (!json_object_is_type(p, json_type_object) ||
            !json_object_object_get_ex(p, "sku", &v) ||
            !json_object_is_type(v, json_type_string))
            continue;
        ck->skus[ck->nskus].sku = json_object_get_string(v);
        ck->skus[ck->nskus].index = i;
        if (json_object_object_get_ex(p, "kind", &v) &&
            json_object_is_type(v, json_type_string))
            ck->skus[ck->nskus].kind = json_object_get_string(v);
        ck->nskus++;
    }
    qsort(ck->skus, ck->nskus, sizeof(*ck->skus), sku_ref_cmp);
}

static int
check_entry(struct check *ck, struct json_object *o,
            const struct ec_catalog_doc_product *p,
            struct ec_catalog_doc_entry *e)
{
    const char *name_what = "a display name of 1 to 100 characters";
    const char *sort_what = "a whole number (the order in the channel)";
    int rc;

    if ((rc = object_element(ck, o, "a channel entry object")) < 0 ||
        (rc = check_keys(ck, o, entry_keys)) < 0 ||
        (rc = bool_field(ck, o, "visible", 1, &e->visible)) < 0)
        return rc;
    rc = string_field(ck, o, "name", 0, 1, NAME_MAX_CHARS, name_what, &e->name);
    if (rc < 0)
        return rc;
    rc = int_field(ck, o, "sort", 0, 0, SORT_MIN, WHOLE_MAX, sort_what,
                   &e->sort);
    if (rc < 0)
        return rc;
    /* narrowing only: each value must be one the product offers */
    rc = mask_field(ck, o, "sim_types", 0, 1, p->sim_types, &e->sim_types);
    if (rc < 0)
        return rc;
    rc = mask_field(ck, o, "binding_months", 0, 0, p->binding_months,
                    &e->binding_months);
    if (rc < 0)
        return rc;
    /* the channel's own base price ("cheaper in the app") */
    e->monthly_price = EC_CATALOG_DOC_NO_PRICE;
    return int_field(ck, o, "monthly_price", 0, 0, 0, WHOLE_MAX, MONEY,
                     &e->monthly_price);
}

static int
check_entries(struct check *ck, struct json_object *o,
              struct ec_catalog_doc_product *p)
{
    struct ec_catalog_doc *doc = ck->doc;
    struct json_object *obj;
    size_t old, n;
    int rc;

    rc = typed_field(ck, o, "channels", 0, json_type_object,
                     "an object of channel entries by channel code", &obj);
    if (rc <= 0)
        return rc;
    old = push_key(ck, "channels");
    n = (size_t)json_object_object_length(obj);
    p->entries = ec_arena_calloc(&doc->arena, n ? n : 1, sizeof(*p->entries));
    json_object_object_foreach(obj, code, val)
    {
        struct ec_catalog_doc_entry *e = &p->entries[p->nentries];
        const struct ec_catalog_doc_channel *ch = find_channel(doc, code);
        size_t old_k = push_key(ck, code);

        if (!ch)
            return fail(ck, "\"%.40s%s\" is not a channel of this document",
                        code, strlen(code) > 40 ? "..." : "");
        e->channel = ch->code;
        if ((rc = check_entry(ck, val, p, e)) < 0)
            return rc;
        p->nentries++;
        pop(ck, old_k);
    }
    pop(ck, old);
    return 0;
}

static int
check_addon(struct check *ck, struct json_object *o,
            struct ec_catalog_doc_product *p, struct ec_catalog_doc_addon *a)
{
    struct ec_catalog_doc *doc = ck->doc;
    const struct sku_ref *ref;
    struct json_object *arr;
    size_t old, n;
    int rc;

    if ((rc = object_element(ck, o, "an object naming an add-on by sku")) < 0 ||
        (rc = check_keys(ck, o, addon_keys)) < 0 ||
        (rc = string_field(ck, o, "sku", 1, 1, SKU_MAX,
                           "the SKU of an add-on product of this document",
                           &a->sku)) < 0)
        return rc;
    old = push_key(ck, "sku");
    ref = exact_sku(ck, a->sku);
    if (!ref)
        return fail(ck, "\"%s\" is not a product of this document", a->sku);
    if (ref->kind && strcmp(ref->kind, "plan") == 0)
        return fail(ck, "\"%s\" is a plan, not an add-on", a->sku);
    if (!ref->kind || strcmp(ref->kind, "addon") != 0)
        return fail(ck, "\"%s\" is not an add-on", a->sku);
    for (size_t j = 0; j < p->naddons; j++)
        if (strcmp(p->addons[j].sku, a->sku) == 0)
            return fail(ck, "add-on \"%s\" is listed twice for this plan",
                        a->sku);
    pop(ck, old);

    rc = typed_field(ck, o, "channels", 0, json_type_array,
                     "an array of channel codes", &arr);
    if (rc <= 0)
        return rc;
    old = push_key(ck, "channels");
    n = json_object_array_length(arr);
    if (n == 0)
        return fail(ck, "must list at least one channel; leave channels "
                        "out to offer the add-on in every channel");
    a->channels = ec_arena_calloc(&doc->arena, n, sizeof(*a->channels));
    for (size_t j = 0; j < n; j++) {
        size_t old_j = push_index(ck, j);
        const char *code;

        rc = channel_ref(ck, json_object_array_get_idx(arr, j), &code);
        if (rc < 0)
            return rc;
        for (size_t k = 0; k < a->nchannels; k++)
            if (strcmp(a->channels[k], code) == 0)
                return fail(ck, "channel \"%s\" is listed twice", code);
        a->channels[a->nchannels++] = code;
        pop(ck, old_j);
    }
    pop(ck, old);
    return 0;
}

static int
check_addons(struct check *ck, struct json_object *o,
             struct ec_catalog_doc_product *p)
{
    struct ec_catalog_doc *doc = ck->doc;
    struct json_object *arr;
    size_t old, n;
    int rc;

    rc = typed_field(ck, o, "addons", 0, json_type_array,
                     "an array of add-ons that fit this plan", &arr);
    if (rc <= 0)
        return rc;
    old = push_key(ck, "addons");
    n = json_object_array_length(arr);
    /* an empty list on an add-on says nothing wrong, so it is let be */
    if (n && strcmp(p->kind, "plan") != 0)
        return fail(ck, "only plans have add-ons, and this product is an "
                        "addon");
    p->addons = ec_arena_calloc(&doc->arena, n ? n : 1, sizeof(*p->addons));
    for (size_t i = 0; i < n; i++) {
        size_t old_i = push_index(ck, i);

        rc = check_addon(ck, json_object_array_get_idx(arr, i), p,
                         &p->addons[p->naddons]);
        if (rc < 0)
            return rc;
        p->naddons++;
        pop(ck, old_i);
    }
    pop(ck, old);
    return 0;
}

static int
check_fees(struct check *ck, struct json_object *o,
           struct ec_catalog_doc_product *p)
{
    struct json_object *fees;
    size_t old;
    int rc;

    rc = typed_field(ck, o, "fees", 0, json_type_object,
                     "an object with startup and sim fees", &fees);
    if (rc <= 0)
        return rc;
    old = push_key(ck, "fees");
    if ((rc = check_keys(ck, fees, fee_keys)) < 0 ||
        (rc = int_field(ck, fees, "startup", 0, 0, 0, WHOLE_MAX, MONEY,
                        &p->fee_startup)) < 0 ||
        (rc = int_field(ck, fees, "sim", 0, 0, 0, WHOLE_MAX, MONEY,
                        &p->fee_sim)) < 0)
        return rc;
    pop(ck, old);
    return 0;
}

/*
 * The promotion engine's legal guard on a well-formed product. Its field
 * names become the document's: "monthly" is monthly_price, a channel
 * price is the entry's monthly_price, and so on.
 */
static int
guard_product(struct check *ck, const struct ec_catalog_doc_product *p)
{
    struct ec_promotion_channel_price *prices;
    struct ec_promotion_problem problem;
    struct ec_promotion_product pp;
    const struct ec_catalog_doc_entry **of;
    int periods[BINDING_MAX + 1];
    size_t n = 0, i;

    memset(&pp, 0, sizeof(pp));
    prices = ec_arena_calloc(&ck->doc->arena, p->nentries + 1, sizeof(*prices));
    of = ec_arena_calloc(&ck->doc->arena, p->nentries + 1, sizeof(*of));
    for (i = 0; i < p->nentries; i++) {
        if (p->entries[i].monthly_price == EC_CATALOG_DOC_NO_PRICE)
            continue;
        of[n] = &p->entries[i];
        prices[n].channel = p->entries[i].channel;
        prices[n++].monthly = p->entries[i].monthly_price;
    }
    pp.sku = p->sku;
    pp.monthly = p->monthly_price;
    pp.channel_prices = prices;
    pp.n_channel_prices = n;
    pp.startup_fee = p->fee_startup;
    pp.sim_fee = p->fee_sim;
    for (i = 0, n = 0; i <= BINDING_MAX; i++)
        if (p->binding_months & (1u << i))
            periods[n++] = (int)i;
    pp.binding_periods = periods;
    pp.n_binding_periods = n;
    if (ec_promotion_check_product(&pp, &problem) == 0)
        return 0;

    if (strcmp(problem.field, "sku") == 0)
        push_key(ck, "sku");
    else if (strcmp(problem.field, "monthly") == 0)
        push_key(ck, "monthly_price");
    else if (strcmp(problem.field, "startup_fee") == 0)
        path_addf(ck, ".fees.startup");
    else if (strcmp(problem.field, "sim_fee") == 0)
        path_addf(ck, ".fees.sim");
    else if (sscanf(problem.field, "channel_prices[%zu]", &i) == 1 &&
             i < pp.n_channel_prices) {
        push_key(ck, "channels");
        push_key(ck, of[i]->channel);
        push_key(ck, "monthly_price");
    } else if (strncmp(problem.field, "binding_periods", 15) == 0) {
        push_key(ck, "binding_months");
    }
    return fail(ck, "%s", problem.message);
}

static int
check_product(struct check *ck, struct json_object *o, size_t i,
              struct ec_catalog_doc_product *p)
{
    const char *what = "a SKU: 1 to 64 characters A-Z, a-z, 0-9, _ or -, "
                       "starting with a letter or digit";
    const struct sku_ref *dup;
    size_t old;
    int rc;

    if ((rc = object_element(ck, o, "a product object")) < 0 ||
        (rc = check_keys(ck, o, product_keys)) < 0 ||
        (rc = string_field(ck, o, "sku", 1, 1, SKU_MAX, what, &p->sku)) < 0)
        return rc;
    old = push_key(ck, "sku");
    if (!sku_ok(p->sku))
        return fail(ck, "must be %s", what);
    dup = first_sku(ck, p->sku);
    if (dup && dup->index < i)
        return fail(ck,
                    "SKU \"%s\" is already used by $.products[%zu]; "
                    "SKUs are unique, ignoring case",
                    p->sku, dup->index);
    pop(ck, old);
    p->description = "";
    p->data_gb = p->talk_minutes = EC_CATALOG_DOC_UNLIMITED;
    if ((rc = enum_field(ck, o, "kind", product_kinds, &p->kind)) < 0 ||
        (rc = enum_field(ck, o, "status", statuses, &p->status)) < 0 ||
        (rc = string_field(ck, o, "name", 1, 1, NAME_MAX_CHARS,
                           "a name of 1 to 100 characters", &p->name)) < 0 ||
        (rc = string_field(ck, o, "description", 0, 0, DESCRIPTION_MAX,
                           "a text of at most 500 characters",
                           &p->description)) < 0 ||
        (rc = int_field(ck, o, "data_gb", 1, 1, 0, WHOLE_MAX,
                        GB ", or null for unlimited", &p->data_gb)) < 0 ||
        (rc = int_field(ck, o, "talk_minutes", 1, 1, 0, WHOLE_MAX,
                        "a whole number of minutes, 0 or more, or null "
                        "for unlimited",
                        &p->talk_minutes)) < 0 ||
        (rc = enum_field(ck, o, "network", networks, &p->network)) < 0 ||
        (rc = int_field(ck, o, "eu_data_gb", 0, 0, 0, WHOLE_MAX, GB,
                        &p->eu_data_gb)) < 0 ||
        (rc = int_field(ck, o, "monthly_price", 1, 0, 0, WHOLE_MAX, MONEY,
                        &p->monthly_price)) < 0 ||
        (rc = check_fees(ck, o, p)) < 0 ||
        (rc = mask_field(ck, o, "binding_months", 1, 0, 0,
                         &p->binding_months)) < 0 ||
        (rc = mask_field(ck, o, "sim_types", 1, 1, 0, &p->sim_types)) < 0 ||
        (rc = check_entries(ck, o, p)) < 0 || (rc = check_addons(ck, o, p)) < 0)
        return rc;
    return guard_product(ck, p);
}

static int
check_products(struct check *ck, struct json_object *root)
{
    struct ec_catalog_doc *doc = ck->doc;
    struct json_object *arr;
    size_t n, old;
    int rc;

    rc = typed_field(ck, root, "products", 1, json_type_array,
                     "an array of products", &arr);
    if (rc < 0)
        return rc;
    index_skus(ck, arr);
    old = push_key(ck, "products");
    n = json_object_array_length(arr);
    doc->products =
        ec_arena_calloc(&doc->arena, n ? n : 1, sizeof(*doc->products));
    for (size_t i = 0; i < n; i++) {
        size_t old_i = push_index(ck, i);

        rc = check_product(ck, json_object_array_get_idx(arr, i), i,
                           &doc->products[i]);
        if (rc < 0)
            return rc;
        doc->nproducts++;
        pop(ck, old_i);
    }
    pop(ck, old);
    return 0;
}

/* ---- campaigns ---- */

/* "2026-11-01T00:00:00+01:00", in zone or else in UTC. */
const char *
ec_catalog_doc_time(const struct ec_tztime_zone *zone, int64_t t, char *buf,
                    size_t size)
{
    struct tm tm;
    time_t tt = (time_t)t;

    if (zone) {
        if (ec_tztime_format(zone, t, buf, size) < 0 && size)
            buf[0] = '\0';
        return buf;
    }
    if (!gmtime_r(&tt, &tm) || tm.tm_year + 1900 < 0 ||
        tm.tm_year + 1900 > 9999 ||
        strftime(buf, size, "%Y-%m-%dT%H:%M:%S+00:00", &tm) == 0) {
        if (size)
            buf[0] = '\0';
    }
    return buf;
}

/*
 * The time s at the current path as an instant: with an offset it names
 * the instant alone; without one it is a wall-clock time in the tenant's
 * zone. A wall-clock time the clocks skip or show twice is refused
 * rather than guessed at: the message offers the offsets to choose from.
 */
static int
time_value(struct check *ck, const char *s, int64_t *out)
{
    char a[EC_TZTIME_RFC3339_SIZE], b[EC_TZTIME_RFC3339_SIZE];
    const char *zname;
    int64_t t, early, late;

    if (ec_tztime_parse(NULL, s, EC_TZTIME_REJECT, &t) == 0)
        goto range;
    if (!ck->zone)
        return fail(ck, "must be a time with an offset, such as "
                        "2026-11-01T00:00:00+01:00: the tenant's time zone "
                        "is unknown, so a local time cannot be read");
    zname = ec_tztime_zone_name(ck->zone);
    if (ec_tztime_parse(ck->zone, s, EC_TZTIME_COMPATIBLE, &t) < 0)
        return fail(ck,
                    "must be a time: RFC 3339 with an offset "
                    "(2026-11-01T00:00:00+01:00) or a local time in %s "
                    "(2026-11-01T00:00)",
                    zname);
    if (ec_tztime_parse(ck->zone, s, EC_TZTIME_REJECT, &t) < 0) {
        ec_tztime_parse(ck->zone, s, EC_TZTIME_EARLIER, &early);
        ec_tztime_parse(ck->zone, s, EC_TZTIME_LATER, &late);
        ec_catalog_doc_time(ck->zone, early, a, sizeof(a));
        ec_catalog_doc_time(ck->zone, late, b, sizeof(b));
        /* the same wall clock twice: the clocks went back */
        if (strncmp(a, b, 19) == 0)
            return fail(ck,
                        "%.40s happens twice in %s (the clocks go "
                        "back); give the offset: %s or %s",
                        s, zname, a, b);
        return fail(ck,
                    "%.40s does not exist in %s (the clocks go "
                    "forward); give a time that does, such as %s",
                    s, zname, b);
    }
range:
    if (t < TIME_MIN || t > TIME_MAX)
        return fail(ck, "must be a time from 1970-01-01T00:00:00+00:00 to "
                        "2038-01-19T03:14:07+00:00");
    *out = t;
    return 0;
}

static int
time_field(struct check *ck, struct json_object *o, const char *key,
           int64_t *out)
{
    const char *what = "a time: RFC 3339 with an offset "
                       "(2026-11-01T00:00:00+01:00) or a local time "
                       "(2026-11-01T00:00)";
    const char *s;
    size_t old;
    int rc;

    if ((rc = string_field(ck, o, key, 1, 1, TIME_TEXT_MAX, what, &s)) < 0)
        return rc;
    old = push_key(ck, key);
    if ((rc = time_value(ck, s, out)) < 0)
        return rc;
    pop(ck, old);
    return 0;
}

/* The campaign's products: SKUs of the document, at least one, once each. */
static int
campaign_products(struct check *ck, struct json_object *o,
                  struct ec_catalog_doc_campaign *c)
{
    const char *what = "the SKU of a product of this document";
    struct json_object *arr;
    size_t old, n;
    int rc;

    rc = typed_field(ck, o, "products", 1, json_type_array,
                     "an array of the SKUs the campaign applies to", &arr);
    if (rc < 0)
        return rc;
    old = push_key(ck, "products");
    n = json_object_array_length(arr);
    if (n == 0)
        return fail(ck, "must list at least one product (by SKU)");
    c->products = ec_arena_calloc(&ck->doc->arena, n, sizeof(*c->products));
    for (size_t j = 0; j < n; j++) {
        size_t old_j = push_index(ck, j);
        const char *sku;

        rc = string_value(ck, json_object_array_get_idx(arr, j), 1, SKU_MAX,
                          what, &sku);
        if (rc < 0)
            return rc;
        if (!exact_sku(ck, sku))
            return fail(ck, "\"%s\" is not a product of this document", sku);
        for (size_t k = 0; k < c->nproducts; k++)
            if (strcmp(c->products[k], sku) == 0)
                return fail(ck, "product \"%s\" is listed twice", sku);
        c->products[c->nproducts++] = sku;
        pop(ck, old_j);
    }
    pop(ck, old);
    return 0;
}

/* The campaign's channels: absent = every channel; never an empty list. */
static int
campaign_channels(struct check *ck, struct json_object *o,
                  struct ec_catalog_doc_campaign *c)
{
    struct json_object *arr;
    size_t old, n;
    int rc;

    rc = typed_field(ck, o, "channels", 0, json_type_array,
                     "an array of channel codes", &arr);
    if (rc <= 0)
        return rc;
    old = push_key(ck, "channels");
    n = json_object_array_length(arr);
    if (n == 0)
        return fail(ck, "must list at least one channel; leave channels "
                        "out for a campaign in every channel");
    c->channels = ec_arena_calloc(&ck->doc->arena, n, sizeof(*c->channels));
    for (size_t j = 0; j < n; j++) {
        size_t old_j = push_index(ck, j);
        const char *code;

        rc = channel_ref(ck, json_object_array_get_idx(arr, j), &code);
        if (rc < 0)
            return rc;
        for (size_t k = 0; k < c->nchannels; k++)
            if (strcmp(c->channels[k], code) == 0)
                return fail(ck, "channel \"%s\" is listed twice", code);
        c->channels[c->nchannels++] = code;
        pop(ck, old_j);
    }
    pop(ck, old);
    return 0;
}

/* A fee action's "fees": startup and/or sim, at least one, once each. */
static int
fees_field(struct check *ck, struct json_object *o, unsigned *out)
{
    const char *what = "a list of fees: startup, sim";
    struct json_object *arr, *v;
    char buf[64];
    size_t old, n;
    unsigned mask = 0;
    int rc, i;

    rc = typed_field(ck, o, "fees", 1, json_type_array, what, &arr);
    if (rc < 0)
        return rc;
    old = push_key(ck, "fees");
    n = json_object_array_length(arr);
    if (n == 0)
        return fail(ck, "must list at least one fee (startup or sim)");
    for (size_t j = 0; j < n; j++) {
        size_t old_j = push_index(ck, j);

        v = json_object_array_get_idx(arr, j);
        if ((rc = enum_value(ck, v, fee_names, &i)) < 0)
            return rc;
        if (mask & (1u << i))
            return fail(ck, "%s is listed twice; list each value once",
                        got(v, buf, sizeof(buf)));
        mask |= 1u << i;
        pop(ck, old_j);
    }
    pop(ck, old);
    *out = mask;
    return 0;
}

static int
check_action(struct check *ck, struct json_object *o,
             struct ec_catalog_doc_action *a)
{
    const char *first_what = "a month number, 1 or more (1 = the first "
                             "month of the subscription)";
    const char *months_what = "a number of months, 0 or more (0 = to the "
                              "end of the binding period)";
    const char *percent_what = "a whole number of basis points from 0 to "
                               "10000 (1000 = 10 %)";
    int rc, k;

    if ((rc = object_element(ck, o, "a price action object")) < 0 ||
        (rc = enum_field(ck, o, "kind", action_kinds, &a->kind)) < 0)
        return rc;
    k = in_list(a->kind, action_kinds);
    if ((rc = check_keys(ck, o, action_keys[k])) < 0)
        return rc;
    a->first_month = 1;
    a->months = 0;
    if (strcmp(a->kind, "waive_fee") == 0)
        return fees_field(ck, o, &a->fees);
    if (strcmp(a->kind, "percent_off") == 0)
        rc = int_field(ck, o, "percent_bp", 1, 0, 0, 10000, percent_what,
                       &a->value);
    else
        rc = int_field(ck, o, "amount", 1, 0, 0, WHOLE_MAX, MONEY, &a->value);
    if (rc < 0)
        return rc;
    if (strcmp(a->kind, "reduce_fee") == 0)
        return fees_field(ck, o, &a->fees);
    /* months beyond the law's 6 are the legal guard's to judge */
    if ((rc = int_field(ck, o, "first_month", 0, 0, 1, WHOLE_MAX, first_what,
                        &a->first_month)) < 0 ||
        (rc = int_field(ck, o, "months", 0, 0, 0, WHOLE_MAX, months_what,
                        &a->months)) < 0)
        return rc;
    return 0;
}

static int
check_actions(struct check *ck, struct json_object *o,
              struct ec_catalog_doc_campaign *c)
{
    struct json_object *arr;
    size_t old, n;
    int rc;

    rc = typed_field(ck, o, "actions", 1, json_type_array,
                     "an array of 1 to 8 price actions", &arr);
    if (rc < 0)
        return rc;
    old = push_key(ck, "actions");
    n = json_object_array_length(arr);
    if (n == 0 || n > EC_PROMOTION_MAX_ACTIONS)
        return fail(ck, "must list 1 to %d price actions (got %zu)",
                    EC_PROMOTION_MAX_ACTIONS, n);
    c->actions = ec_arena_calloc(&ck->doc->arena, n, sizeof(*c->actions));
    for (size_t j = 0; j < n; j++) {
        size_t old_j = push_index(ck, j);

        rc =
            check_action(ck, json_object_array_get_idx(arr, j), &c->actions[j]);
        if (rc < 0)
            return rc;
        c->nactions++;
        pop(ck, old_j);
    }
    pop(ck, old);
    return 0;
}

/*
 * The promotion engine's legal guard on a well-formed campaign, its
 * refusal reported at the document's field: the engine's "skus" are the
 * document's "products", an action's "value" its amount or percent_bp.
 */
static int
guard_campaign(struct check *ck, const struct ec_catalog_doc_campaign *c)
{
    static const enum ec_promotion_action_kind kinds[] = {
        EC_PROMOTION_FIXED_PRICE, EC_PROMOTION_AMOUNT_OFF,
        EC_PROMOTION_PERCENT_OFF, EC_PROMOTION_WAIVE_FEE,
        EC_PROMOTION_REDUCE_FEE,
    };
    struct ec_promotion_action acts[EC_PROMOTION_MAX_ACTIONS];
    struct ec_promotion_problem problem;
    struct ec_promotion_campaign pc;
    const char *f = problem.field;
    size_t i;

    memset(&pc, 0, sizeof(pc));
    memset(acts, 0, sizeof(acts));
    for (i = 0; i < c->nactions && i < EC_PROMOTION_MAX_ACTIONS; i++) {
        const struct ec_catalog_doc_action *a = &c->actions[i];

        acts[i].kind = kinds[in_list(a->kind, action_kinds)];
        acts[i].value = a->value;
        acts[i].first_month = (int)a->first_month;
        acts[i].months = (int)a->months;
        acts[i].fees = a->fees;
    }
    pc.name = c->name;
    pc.valid_from = c->valid_from;
    pc.valid_to = c->valid_to;
    pc.skus = c->products;
    pc.n_skus = c->nproducts;
    pc.channels = c->channels;
    pc.n_channels = c->nchannels;
    pc.priority = (int)c->priority;
    pc.stacking = strcmp(c->stacking, "stackable") == 0
                      ? EC_PROMOTION_STACKABLE
                      : EC_PROMOTION_EXCLUSIVE;
    pc.required_binding = (int)c->required_binding;
    pc.actions = acts;
    pc.n_actions = c->nactions;
    if (ec_promotion_check_campaign(&pc, &problem) == 0)
        return 0;

    if (strncmp(f, "skus", 4) == 0)
        path_addf(ck, ".products%s", f + 4);
    else if (sscanf(f, "actions[%zu]", &i) == 1 && i < c->nactions &&
             strstr(f, "].value"))
        path_addf(ck, ".actions[%zu].%s", i,
                  strcmp(c->actions[i].kind, "percent_off") == 0 ? "percent_bp"
                                                                 : "amount");
    else if (*f)
        path_addf(ck, ".%s", f);
    return fail(ck, "%s", problem.message);
}

static int
check_campaign(struct check *ck, struct json_object *o, size_t i,
               struct ec_catalog_doc_campaign *c)
{
    const char *what = "a campaign code: 1 to 64 characters a-z, 0-9, _ "
                       "or -, starting with a letter or digit";
    struct ec_catalog_doc *doc = ck->doc;
    size_t old;
    int rc;

    if ((rc = object_element(ck, o, "a campaign object")) < 0 ||
        (rc = check_keys(ck, o, campaign_keys)) < 0 ||
        (rc = string_field(ck, o, "code", 1, 1, CAMPAIGN_CODE_MAX, what,
                           &c->code)) < 0)
        return rc;
    old = push_key(ck, "code");
    if (!code_ok(c->code))
        return fail(ck, "must be %s", what);
    for (size_t j = 0; j < i; j++)
        if (strcmp(doc->campaigns[j].code, c->code) == 0)
            return fail(ck,
                        "campaign code \"%s\" is already used by "
                        "$.campaigns[%zu]; codes are unique",
                        c->code, j);
    pop(ck, old);
    c->stacking = stackings[0];
    if ((rc = string_field(ck, o, "name", 1, 1, CAMPAIGN_NAME_MAX,
                           "a name of 1 to 120 characters", &c->name)) < 0 ||
        (rc = time_field(ck, o, "valid_from", &c->valid_from)) < 0 ||
        (rc = time_field(ck, o, "valid_to", &c->valid_to)) < 0 ||
        (rc = campaign_products(ck, o, c)) < 0 ||
        (rc = campaign_channels(ck, o, c)) < 0 ||
        (rc = int_field(ck, o, "priority", 0, 0, SORT_MIN, WHOLE_MAX,
                        "a whole number (higher wins)", &c->priority)) < 0)
        return rc;
    if (json_object_object_get_ex(o, "stacking", NULL) &&
        (rc = enum_field(ck, o, "stacking", stackings, &c->stacking)) < 0)
        return rc;
    /* above 6 is the legal guard's to refuse, with the law's reason */
    if ((rc = int_field(ck, o, "required_binding", 0, 0, 0, WHOLE_MAX,
                        "a whole number of months from 0 to 6",
                        &c->required_binding)) < 0 ||
        (rc = check_actions(ck, o, c)) < 0)
        return rc;
    return guard_campaign(ck, c);
}

static int
check_campaigns(struct check *ck, struct json_object *root)
{
    struct ec_catalog_doc *doc = ck->doc;
    struct json_object *arr;
    size_t n, old;
    int rc;

    rc = typed_field(ck, root, "campaigns", 0, json_type_array,
                     "an array of campaigns (may be empty)", &arr);
    if (rc <= 0)
        return rc;
    old = push_key(ck, "campaigns");
    n = json_object_array_length(arr);
    if (n > EC_CATALOG_DOC_MAX_CAMPAIGNS)
        return fail(ck, "may hold at most %d campaigns (got %zu)",
                    EC_CATALOG_DOC_MAX_CAMPAIGNS, n);
    doc->campaigns =
        ec_arena_calloc(&doc->arena, n ? n : 1, sizeof(*doc->campaigns));
    for (size_t i = 0; i < n; i++) {
        size_t old_i = push_index(ck, i);

        rc = check_campaign(ck, json_object_array_get_idx(arr, i), i,
                            &doc->campaigns[i]);
        if (rc < 0)
            return rc;
        doc->ncampaigns++;
        pop(ck, old_i);
    }
    pop(ck, old);
    return 0;
}

int
ec_catalog_doc_parse(struct ec_catalog_doc *doc, struct json_object *json,
                     const struct ec_tztime_zone *zone,
                     struct ec_catalog_doc_error *err)
{
    struct check ck;
    struct json_object *v;
    char buf[64];
    int rc;

    memset(&ck, 0, sizeof(ck));
    ck.doc = doc;
    ck.zone = zone;
    ck.err = err;
    path_addf(&ck, "$");
    err->path[0] = err->message[0] = '\0';
    if (!json_object_is_type(json, json_type_object))
        return fail(&ck,
                    "must be a JSON object with format, channels, "
                    "channel_rules and products (got %s)",
                    got(json, buf, sizeof(buf)));
    if ((rc = check_keys(&ck, json, top_keys)) < 0)
        return rc;
    if ((rc = member(&ck, json, "format", 1, "\"" EC_CATALOG_DOC_FORMAT "\"",
                     &v)) < 0)
        return rc;
    if (!json_object_is_type(v, json_type_string) ||
        strcmp(json_object_get_string(v), EC_CATALOG_DOC_FORMAT) != 0) {
        push_key(&ck, "format");
        return fail(&ck, "must be \"" EC_CATALOG_DOC_FORMAT "\" (got %s)",
                    got(v, buf, sizeof(buf)));
    }
    if ((rc = check_channels(&ck, json)) < 0 ||
        (rc = check_rules(&ck, json)) < 0 ||
        (rc = check_products(&ck, json)) < 0 ||
        (rc = check_campaigns(&ck, json)) < 0)
        return rc;
    return 0;
}

int
ec_catalog_doc_validate(struct json_object *json,
                        const struct ec_tztime_zone *zone,
                        struct ec_catalog_doc_error *err)
{
    struct ec_catalog_doc doc;
    int rc;

    ec_catalog_doc_init(&doc);
    rc = ec_catalog_doc_parse(&doc, json, zone, err);
    ec_catalog_doc_release(&doc);
    return rc;
}

/* ---- canonical order ---- */

static int
product_cmp(const void *a, const void *b)
{
    const struct ec_catalog_doc_product *x = a, *y = b;

    return strcmp(x->sku, y->sku);
}

static int
entry_cmp(const void *a, const void *b)
{
    const struct ec_catalog_doc_entry *x = a, *y = b;

    return strcmp(x->channel, y->channel);
}

static int
addon_cmp(const void *a, const void *b)
{
    const struct ec_catalog_doc_addon *x = a, *y = b;

    return strcmp(x->sku, y->sku);
}

static int
str_cmp(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int
campaign_cmp(const void *a, const void *b)
{
    const struct ec_catalog_doc_campaign *x = a, *y = b;

    return strcmp(x->code, y->code);
}

void
ec_catalog_doc_sort(struct ec_catalog_doc *doc)
{
    if (doc->nproducts)
        qsort(doc->products, doc->nproducts, sizeof(*doc->products),
              product_cmp);
    for (size_t i = 0; i < doc->nproducts; i++) {
        struct ec_catalog_doc_product *p = &doc->products[i];

        if (p->nentries)
            qsort(p->entries, p->nentries, sizeof(*p->entries), entry_cmp);
        if (p->naddons)
            qsort(p->addons, p->naddons, sizeof(*p->addons), addon_cmp);
        for (size_t j = 0; j < p->naddons; j++)
            if (p->addons[j].nchannels)
                qsort(p->addons[j].channels, p->addons[j].nchannels,
                      sizeof(*p->addons[j].channels), str_cmp);
    }
    if (doc->ncampaigns)
        qsort(doc->campaigns, doc->ncampaigns, sizeof(*doc->campaigns),
              campaign_cmp);
    for (size_t i = 0; i < doc->ncampaigns; i++) {
        struct ec_catalog_doc_campaign *c = &doc->campaigns[i];

        if (c->nproducts)
            qsort(c->products, c->nproducts, sizeof(*c->products), str_cmp);
        if (c->nchannels)
            qsort(c->channels, c->nchannels, sizeof(*c->channels), str_cmp);
    }
}

/* ---- writing ---- */

static void
put_str(struct json_object *o, const char *key, const char *s)
{
    json_object_object_add(o, key, json_object_new_string(s));
}

static void
put_int(struct json_object *o, const char *key, long long n)
{
    json_object_object_add(o, key, json_object_new_int64(n));
}

static void
put_int_or_null(struct json_object *o, const char *key, long long n)
{
    json_object_object_add(
        o, key,
        n == EC_CATALOG_DOC_UNLIMITED ? NULL : json_object_new_int64(n));
}

static struct json_object *
mask_json(unsigned mask, int sims)
{
    struct json_object *a = json_object_new_array();

    for (unsigned i = 0; i <= BINDING_MAX; i++) {
        if (!(mask & (1u << i)))
            continue;
        if (!sims)
            json_object_array_add(a, json_object_new_int((int)i));
        else if (i < 2)
            json_object_array_add(a, json_object_new_string(sim_names[i]));
    }
    return a;
}

static struct json_object *
product_json(const struct ec_catalog_doc_product *p)
{
    struct json_object *o = json_object_new_object();
    struct json_object *fees = json_object_new_object();
    struct json_object *chans = json_object_new_object();

    put_str(o, "sku", p->sku);
    put_str(o, "kind", p->kind);
    put_str(o, "status", p->status);
    put_str(o, "name", p->name);
    put_str(o, "description", p->description);
    put_int_or_null(o, "data_gb", p->data_gb);
    put_int_or_null(o, "talk_minutes", p->talk_minutes);
    put_str(o, "network", p->network);
    put_int(o, "eu_data_gb", p->eu_data_gb);
    put_int(o, "monthly_price", p->monthly_price);
    put_int(fees, "startup", p->fee_startup);
    put_int(fees, "sim", p->fee_sim);
    json_object_object_add(o, "fees", fees);
    json_object_object_add(o, "binding_months",
                           mask_json(p->binding_months, 0));
    json_object_object_add(o, "sim_types", mask_json(p->sim_types, 1));
    for (size_t i = 0; i < p->nentries; i++) {
        const struct ec_catalog_doc_entry *e = &p->entries[i];
        struct json_object *eo = json_object_new_object();

        json_object_object_add(eo, "visible",
                               json_object_new_boolean(e->visible));
        if (e->name)
            put_str(eo, "name", e->name);
        put_int(eo, "sort", e->sort);
        if (e->sim_types)
            json_object_object_add(eo, "sim_types", mask_json(e->sim_types, 1));
        if (e->binding_months)
            json_object_object_add(eo, "binding_months",
                                   mask_json(e->binding_months, 0));
        if (e->monthly_price != EC_CATALOG_DOC_NO_PRICE)
            put_int(eo, "monthly_price", e->monthly_price);
        json_object_object_add(chans, e->channel, eo);
    }
    json_object_object_add(o, "channels", chans);
    if (strcmp(p->kind, "plan") == 0) {
        struct json_object *addons = json_object_new_array();

        for (size_t i = 0; i < p->naddons; i++) {
            const struct ec_catalog_doc_addon *a = &p->addons[i];
            struct json_object *ao = json_object_new_object();

            put_str(ao, "sku", a->sku);
            if (a->nchannels) {
                struct json_object *cs = json_object_new_array();

                for (size_t j = 0; j < a->nchannels; j++)
                    json_object_array_add(
                        cs, json_object_new_string(a->channels[j]));
                json_object_object_add(ao, "channels", cs);
            }
            json_object_array_add(addons, ao);
        }
        json_object_object_add(o, "addons", addons);
    }
    return o;
}

static struct json_object *
strings_json(const char *const *list, size_t n)
{
    struct json_object *a = json_object_new_array();

    for (size_t i = 0; i < n; i++)
        json_object_array_add(a, json_object_new_string(list[i]));
    return a;
}

static struct json_object *
action_json(const struct ec_catalog_doc_action *a)
{
    struct json_object *o = json_object_new_object();
    int fee =
        strcmp(a->kind, "waive_fee") == 0 || strcmp(a->kind, "reduce_fee") == 0;

    put_str(o, "kind", a->kind);
    if (strcmp(a->kind, "percent_off") == 0)
        put_int(o, "percent_bp", a->value);
    else if (strcmp(a->kind, "waive_fee") != 0)
        put_int(o, "amount", a->value);
    if (fee) {
        struct json_object *fees = json_object_new_array();

        for (unsigned i = 0; fee_names[i]; i++)
            if (a->fees & (1u << i))
                json_object_array_add(fees,
                                      json_object_new_string(fee_names[i]));
        json_object_object_add(o, "fees", fees);
    } else {
        put_int(o, "first_month", a->first_month);
        put_int(o, "months", a->months);
    }
    return o;
}

static struct json_object *
campaign_json(const struct ec_catalog_doc_campaign *c,
              const struct ec_tztime_zone *zone)
{
    struct json_object *o = json_object_new_object();
    struct json_object *actions = json_object_new_array();
    char buf[EC_TZTIME_RFC3339_SIZE];

    put_str(o, "code", c->code);
    put_str(o, "name", c->name);
    put_str(o, "valid_from",
            ec_catalog_doc_time(zone, c->valid_from, buf, sizeof(buf)));
    put_str(o, "valid_to",
            ec_catalog_doc_time(zone, c->valid_to, buf, sizeof(buf)));
    json_object_object_add(o, "products",
                           strings_json(c->products, c->nproducts));
    if (c->nchannels)
        json_object_object_add(o, "channels",
                               strings_json(c->channels, c->nchannels));
    put_int(o, "priority", c->priority);
    put_str(o, "stacking", c->stacking);
    put_int(o, "required_binding", c->required_binding);
    for (size_t i = 0; i < c->nactions; i++)
        json_object_array_add(actions, action_json(&c->actions[i]));
    json_object_object_add(o, "actions", actions);
    return o;
}

struct json_object *
ec_catalog_doc_to_json(const struct ec_catalog_doc *doc,
                       const struct ec_tztime_zone *zone)
{
    struct json_object *root = json_object_new_object();
    struct json_object *chans = json_object_new_array();
    struct json_object *rules = json_object_new_array();
    struct json_object *products = json_object_new_array();
    struct json_object *campaigns = json_object_new_array();

    put_str(root, "format", EC_CATALOG_DOC_FORMAT);
    for (size_t i = 0; i < doc->nchannels; i++) {
        const struct ec_catalog_doc_channel *ch = &doc->channels[i];
        struct json_object *o = json_object_new_object();

        put_str(o, "code", ch->code);
        put_str(o, "name", ch->name);
        put_str(o, "kind", ch->kind);
        if (ch->is_default)
            json_object_object_add(o, "default", json_object_new_boolean(1));
        json_object_array_add(chans, o);
    }
    for (size_t i = 0; i < doc->nrules; i++) {
        const struct ec_catalog_doc_rule *r = &doc->rules[i];
        struct json_object *o = json_object_new_object();

        put_str(o, "kind", r->kind);
        if (r->param)
            put_str(o, "param", r->param);
        put_str(o, "value", r->value);
        put_str(o, "channel", r->channel);
        json_object_array_add(rules, o);
    }
    for (size_t i = 0; i < doc->nproducts; i++)
        json_object_array_add(products, product_json(&doc->products[i]));
    for (size_t i = 0; i < doc->ncampaigns; i++)
        json_object_array_add(campaigns,
                              campaign_json(&doc->campaigns[i], zone));
    json_object_object_add(root, "channels", chans);
    json_object_object_add(root, "channel_rules", rules);
    json_object_object_add(root, "products", products);
    json_object_object_add(root, "campaigns", campaigns);
    return root;
}
