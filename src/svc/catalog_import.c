#include "svc/catalog_import.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <json-c/json.h>

#include "core/err.h"
#include "core/tztime.h"
#include "core/xalloc.h"
#include "store/db.h"
#include "svc/catalog_read.h"
#include "svc/product_attr.h"

/* Column sizes of sql/002_catalog.sql, in characters. */
#define CODE_MAX 40
#define NAME_MAX_CHARS 100
#define PARAM_MAX 64
#define VALUE_MAX 100
#define SKU_MAX 64
/* ... and of sql/003_campaigns.sql */
#define CAMPAIGN_CODE_MAX 64
#define CAMPAIGN_NAME_MAX 120
/* a time as text, room for "2026-11-01T00:00:00.000000+01:00" and more */
#define TIME_TEXT_MAX 64

/* INT UNSIGNED columns hold more, but nobody needs more than an INT. */
#define WHOLE_MAX 2147483647LL
#define SORT_MIN (-2147483647LL - 1)

/*
 * Campaign times the database can hold: the server reads them with
 * UNIX_TIMESTAMP(), which MariaDB limits to 32-bit seconds.
 */
#define TIME_MIN 0LL
#define TIME_MAX 2147483647LL

#define MONEY "a whole number of øre, 0 or more"
#define MONTHS_WHAT                                                            \
    "a whole number of months from 0 to " EC_BINDING_MAX_MONTHS_TEXT

static const char *const top_keys[] = {
    "format", "channels", "channel_rules", "products", "campaigns", NULL,
};
static const char *const channel_keys[] = {
    "code", "name", "kind", "default", NULL,
};
static const char *const rule_keys[] = {
    "kind", "param", "value", "channel", NULL,
};
static const char *const addon_keys[] = {"sku", "channels", NULL};
static const char *const campaign_keys[] = {
    "code",     "name",     "valid_from", "valid_to",         "products",
    "channels", "priority", "stacking",   "required_binding", "actions",
    NULL,
};
/* the fields of each kind of action, in the order of its enum */
static const char *const price_action_keys[] = {
    "kind", "amount", "first_month", "months", NULL,
};
static const char *const percent_action_keys[] = {
    "kind", "percent_bp", "first_month", "months", NULL,
};
static const char *const waive_action_keys[] = {"kind", "fees", NULL};
static const char *const reduce_action_keys[] = {"kind", "amount", "fees",
                                                 NULL};

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

/*
 * The rules of an attribute table (svc/product_attr.h) as core/check
 * fields, made when a check starts: its entries but the identity (the
 * SKU, which the import checks first) and groups' members, which their
 * group checks; keys are the members a JSON object may have.
 */
#define MAX_RULES 32
struct attr_rules {
    struct ec_check_field fields[MAX_RULES];
    size_t n;
    const char *keys[MAX_RULES + 4];
};

/* One check of a document in progress. */
struct doc_check {
    struct attr_rules product_rules;
    struct attr_rules placement_rules;
    struct ec_check ck;
    struct ec_catalog_doc *doc;
    const struct ec_tztime_zone *zone; /* local times; NULL: refused */
    struct sku_ref *skus;              /* by SKU ignoring case, then index */
    size_t nskus;
    const struct ec_product *product; /* whose placements are checked */
};

#define CK(dc) (&(dc)->ck)

/* ---- patterns ---- */

static int
alnum(char c, int upper)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
           (upper && c >= 'A' && c <= 'Z');
}

/* [a-z0-9][a-z0-9_-]*, or with upper [A-Za-z0-9][A-Za-z0-9_-]* */
static int
name_ok(const char *s, int upper)
{
    if (!alnum(*s, upper))
        return 0;
    for (; *s; s++)
        if (!alnum(*s, upper) && *s != '_' && *s != '-')
            return 0;
    return 1;
}

/*
 * The panel's fixed addresses beside an object's (/admin/channels/new,
 * /admin/channels/rules, /admin/campaigns/new, /admin/products/new):
 * keys that would be hidden behind them. NULL when key is free, else
 * the check's message.
 */
static const char *
reserved_key(const char *key, int channel)
{
    if (strcasecmp(key, "new") == 0 || (channel && strcmp(key, "rules") == 0))
        return "is reserved: the admin panel's own addresses use it";
    return NULL;
}

/* ---- sets of options ---- */

/*
 * Member a->key of o: a list of distinct members of set attribute a (its
 * names, or whole numbers 0 to a->max), at least one. With offered
 * non-zero (a placement), each value must also be one the product
 * offers.
 */
static int
set_field(struct doc_check *dc, struct json_object *o,
          const struct ec_product_attr *a, unsigned offered, unsigned *out)
{
    struct ec_check *ck = CK(dc);
    struct json_object *arr, *v;
    char buf[64], list[64];
    size_t n, old, old_i;
    unsigned mask = 0, bit;
    long long number;
    int rc, i;

    rc = ec_check_typed(ck, o, a->key, (a->flags & EC_ATTR_REQUIRED) != 0,
                        json_type_array, a->what, &arr);
    if (rc <= 0)
        return rc;
    old = ec_check_key(ck, a->key);
    n = json_object_array_length(arr);
    if (n == 0)
        return ec_check_fail(ck, "must list at least one %s", a->one);
    for (size_t j = 0; j < n; j++) {
        v = json_object_array_get_idx(arr, j);
        old_i = ec_check_index(ck, j);
        if (a->names) {
            if ((rc = ec_check_enum(ck, v, a->names, &i)) < 0)
                return rc;
            bit = 1u << i;
        } else {
            if ((rc = ec_check_int(ck, v, 0, a->max, a->item, &number)) < 0)
                return rc;
            bit = 1u << number;
        }
        if (mask & bit)
            return ec_check_fail(ck, "%s is listed twice; list each value once",
                                 ec_check_got(v, buf, sizeof(buf)));
        if (offered && !(offered & bit)) {
            ec_set_text(offered, a->names, ", ", list, sizeof(list));
            return ec_check_fail(ck,
                                 "%s is not offered by the product, which "
                                 "offers %s; a channel may only narrow",
                                 ec_check_got(v, buf, sizeof(buf)), list);
        }
        mask |= bit;
        ec_check_pop(ck, old_i);
    }
    ec_check_pop(ck, old);
    *out = mask;
    return 0;
}

/* ---- attribute tables as rules ---- */

/* The entry of attrs[0..n) whose key, or key within its group, is key;
 *rest gets how many entries are left from it on. NULL when none is. */
static const struct ec_product_attr *
attr_in(const struct ec_product_attr *attrs, size_t n, const char *key,
        size_t *rest)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(attrs[i].key, key) == 0 ||
            strcmp(ec_product_attr_member(&attrs[i]), key) == 0) {
            if (rest)
                *rest = n - i;
            return &attrs[i];
        }
    EC_BUG("a rule names no attribute");
    return NULL;
}

/* A set attribute of attrs; a placement's narrows the product's set of
   its key. */
static int
attr_set(struct doc_check *dc, struct json_object *o,
         const struct ec_check_field *f, void *field,
         const struct ec_product_attr *attrs, size_t n)
{
    const struct ec_product_attr *a = attr_in(attrs, n, f->key, NULL), *pa;
    unsigned offered = 0;

    if (a->flags & EC_ATTR_NARROWS) {
        pa = attr_in(ec_product_attrs, ec_product_nattrs, a->key, NULL);
        memcpy(&offered, (const char *)dc->product + pa->offset,
               sizeof(offered));
    }
    return set_field(dc, o, a, offered, field);
}

static int
product_set(struct ec_check *ck, struct json_object *o,
            const struct ec_check_field *f, void *field, void *ctx)
{
    (void)ck;
    return attr_set(ctx, o, f, field, ec_product_attrs, ec_product_nattrs);
}

static int
placement_set(struct ec_check *ck, struct json_object *o,
              const struct ec_check_field *f, void *field, void *ctx)
{
    (void)ck;
    return attr_set(ctx, o, f, field, ec_placement_attrs, ec_placement_nattrs);
}

static void rules_build(struct attr_rules *r,
                        const struct ec_product_attr *attrs, size_t n,
                        const char *const *extra, ec_check_fn set_fn);

/* A group of the product's: an object of the entries after it ("fees":
   startup, sim). Groups are the product's only. */
static int
product_group(struct ec_check *ck, struct json_object *o,
              const struct ec_check_field *f, void *field, void *ctx)
{
    const struct ec_product_attr *g;
    struct attr_rules members;
    struct json_object *obj;
    size_t n, len, old, k = 1;
    int rc;

    g = attr_in(ec_product_attrs, ec_product_nattrs, f->key, &n);
    len = strlen(g->key);
    while (k < n && strncmp(g[k].key, g->key, len) == 0 && g[k].key[len] == '.')
        k++;
    rules_build(&members, g + 1, k - 1, NULL, product_set);
    rc = ec_check_typed(ck, o, f->key, (g->flags & EC_ATTR_REQUIRED) != 0,
                        json_type_object, g->what, &obj);
    if (rc <= 0)
        return rc;
    old = ec_check_key(ck, f->key);
    /* the members' offsets are the whole struct's */
    if ((rc = ec_check_keys(ck, obj, members.keys)) < 0 ||
        (rc = ec_check_fields(ck, obj, members.fields, members.n, field, ctx)) <
            0)
        return rc;
    ec_check_pop(ck, old);
    return 0;
}

/* The core/check rule of attribute a. */
static struct ec_check_field
attr_rule(const struct ec_product_attr *a, ec_check_fn set_fn)
{
    struct ec_check_field f = {
        ec_product_attr_member(a),
        EC_CHECK_CUSTOM,
        (a->flags & EC_ATTR_REQUIRED) ? EC_CHECK_REQUIRED : 0u,
        a->min,
        a->max,
        a->what,
        a->names,
        a->offset,
        NULL,
    };

    switch (a->kind) {
    case EC_ATTR_CODE:
    case EC_ATTR_TEXT:
        f.type = EC_CHECK_STRING;
        break;
    case EC_ATTR_BOOL:
        f.type = EC_CHECK_BOOL;
        break;
    case EC_ATTR_INT:
        f.type = EC_CHECK_INT64;
        if (a->flags & EC_ATTR_NULL)
            f.flags |= EC_CHECK_NULLABLE;
        break;
    case EC_ATTR_ENUM:
        f.type = EC_CHECK_ENUM;
        break;
    case EC_ATTR_SET:
        f.fn = set_fn;
        break;
    case EC_ATTR_GROUP:
        f.fn = product_group;
        f.offset = 0;
        break;
    }
    return f;
}

static void
rules_build(struct attr_rules *r, const struct ec_product_attr *attrs, size_t n,
            const char *const *extra, ec_check_fn set_fn)
{
    size_t nkeys = 0;

    r->n = 0;
    for (size_t i = 0; i < n; i++) {
        const struct ec_product_attr *a = &attrs[i];

        /* a group's members are its own */
        if (a->kind == EC_ATTR_GROUP) {
            size_t len = strlen(a->key);

            r->keys[nkeys++] = a->key;
            r->fields[r->n++] = attr_rule(a, set_fn);
            while (i + 1 < n && strncmp(attrs[i + 1].key, a->key, len) == 0 &&
                   attrs[i + 1].key[len] == '.')
                i++;
            continue;
        }
        r->keys[nkeys++] = ec_product_attr_member(a);
        if (!(a->flags & EC_ATTR_IDENTITY))
            r->fields[r->n++] = attr_rule(a, set_fn);
        if (r->n == MAX_RULES)
            EC_BUG("an attribute table outgrew MAX_RULES");
    }
    for (size_t i = 0; extra && extra[i]; i++)
        r->keys[nkeys++] = extra[i];
    r->keys[nkeys] = NULL;
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
channel_ref(struct doc_check *dc, struct json_object *v, const char **out)
{
    const char *code;
    int rc;

    rc = ec_check_string(CK(dc), v, 1, CODE_MAX, "a channel code", &code);
    if (rc < 0)
        return rc;
    if (!find_channel(dc->doc, code))
        return ec_check_fail(CK(dc), "\"%s\" is not a channel of this document",
                             code);
    *out = code;
    return 0;
}

/*
 * Member key of o, when present: a list of distinct channel codes of the
 * document, at least one (absent: every channel; an empty list would read
 * as "no channel"), into *out and *n.
 */
static int
channel_list(struct doc_check *dc, struct json_object *o, const char *empty,
             const char ***out, size_t *count)
{
    struct ec_check *ck = CK(dc);
    struct json_object *arr;
    const char **list;
    size_t old, n;
    int rc;

    rc = ec_check_typed(ck, o, "channels", 0, json_type_array,
                        "an array of channel codes", &arr);
    if (rc <= 0)
        return rc;
    old = ec_check_key(ck, "channels");
    n = json_object_array_length(arr);
    if (n == 0)
        return ec_check_fail(ck,
                             "must list at least one channel; leave "
                             "channels out %s",
                             empty);
    list = ec_arena_calloc(&dc->doc->arena, n, sizeof(*list));
    *out = list;
    for (size_t j = 0; j < n; j++) {
        size_t old_j = ec_check_index(ck, j);
        const char *code;

        rc = channel_ref(dc, json_object_array_get_idx(arr, j), &code);
        if (rc < 0)
            return rc;
        for (size_t k = 0; k < *count; k++)
            if (strcmp(list[k], code) == 0)
                return ec_check_fail(ck, "channel \"%s\" is listed twice",
                                     code);
        list[(*count)++] = code;
        ec_check_pop(ck, old_j);
    }
    ec_check_pop(ck, old);
    return 0;
}

static const struct ec_check_field channel_fields[] = {
    {"name", EC_CHECK_STRING, EC_CHECK_REQUIRED, 1, NAME_MAX_CHARS,
     "a name of 1 to 100 characters", NULL,
     offsetof(struct ec_catalog_doc_channel, name), NULL},
    {"kind", EC_CHECK_ENUM, EC_CHECK_REQUIRED, 0, 0, NULL,
     ec_channel_kind_names, offsetof(struct ec_catalog_doc_channel, kind),
     NULL},
    {"default", EC_CHECK_BOOL, 0, 0, 0, NULL, NULL,
     offsetof(struct ec_catalog_doc_channel, is_default), NULL},
};

static int
check_channel(struct doc_check *dc, struct json_object *o,
              struct ec_catalog_doc_channel *ch, size_t *ndefault,
              size_t *first_default)
{
    struct ec_catalog_doc *doc = dc->doc;
    struct ec_check *ck = CK(dc);
    const char *what = "a channel code: 1 to 40 characters a-z, 0-9, _ or "
                       "-, starting with a letter or digit";
    size_t i = (size_t)(ch - doc->channels), old;
    struct json_object *v;
    int rc;

    if ((rc = ec_check_object(ck, o, "a channel object")) < 0 ||
        (rc = ec_check_keys(ck, o, channel_keys)) < 0 ||
        (rc = ec_check_member(ck, o, "code", 1, what, &v)) < 0)
        return rc;
    old = ec_check_key(ck, "code");
    if ((rc = ec_check_string(ck, v, 1, CODE_MAX, what, &ch->code)) < 0)
        return rc;
    if (!name_ok(ch->code, 0))
        return ec_check_fail(ck, "must be %s", what);
    if (reserved_key(ch->code, 1))
        return ec_check_fail(ck, "\"%s\" %s", ch->code,
                             reserved_key(ch->code, 1));
    for (size_t j = 0; j < i; j++)
        if (strcmp(doc->channels[j].code, ch->code) == 0)
            return ec_check_fail(ck,
                                 "channel code \"%s\" is already used by "
                                 "$.channels[%zu]; codes are unique",
                                 ch->code, j);
    ec_check_pop(ck, old);
    rc = ec_check_fields(ck, o, channel_fields,
                         sizeof(channel_fields) / sizeof(*channel_fields), ch,
                         dc);
    if (rc < 0)
        return rc;
    if (ch->is_default && (*ndefault)++ > 0) {
        ec_check_key(ck, "default");
        return ec_check_fail(ck,
                             "only one channel may be the default, and "
                             "$.channels[%zu] already is",
                             *first_default);
    }
    if (ch->is_default)
        *first_default = i;
    return 0;
}

static int
check_channels(struct doc_check *dc, struct json_object *root)
{
    struct ec_catalog_doc *doc = dc->doc;
    struct ec_check *ck = CK(dc);
    size_t n, old, ndefault = 0, first_default = 0;
    struct json_object *arr;
    int rc;

    rc = ec_check_typed(ck, root, "channels", 1, json_type_array,
                        "an array of channels", &arr);
    if (rc < 0)
        return rc;
    old = ec_check_key(ck, "channels");
    n = json_object_array_length(arr);
    doc->channels =
        ec_arena_calloc(&doc->arena, n ? n : 1, sizeof(*doc->channels));
    for (size_t i = 0; i < n; i++) {
        size_t old_i = ec_check_index(ck, i);

        rc = check_channel(dc, json_object_array_get_idx(arr, i),
                           &doc->channels[i], &ndefault, &first_default);
        if (rc < 0)
            return rc;
        doc->nchannels++;
        ec_check_pop(ck, old_i);
    }
    if (ndefault == 0)
        return ec_check_fail(ck,
                             "exactly one channel must have \"default\": true");
    ec_check_pop(ck, old);
    return 0;
}

static int
check_rule(struct doc_check *dc, struct json_object *o,
           struct ec_catalog_doc_rule *r)
{
    struct ec_check *ck = CK(dc);
    struct json_object *v;
    size_t old;
    int rc, has_param, kind;

    if ((rc = ec_check_object(ck, o, "a rule object")) < 0 ||
        (rc = ec_check_keys(ck, o, rule_keys)) < 0)
        return rc;
    {
        char list[128];

        ec_check_join_or(list, sizeof(list), ec_rule_kind_names);
        if ((rc = ec_check_member(ck, o, "kind", 1, list, &v)) < 0)
            return rc;
        old = ec_check_key(ck, "kind");
        if ((rc = ec_check_enum(ck, v, ec_rule_kind_names, &kind)) < 0)
            return rc;
        ec_check_pop(ck, old);
        r->kind = (enum ec_rule_kind)kind;
    }
    has_param = json_object_object_get_ex(o, "param", NULL);
    if (r->kind == EC_RULE_PATH_PREFIX) {
        if (has_param) {
            ec_check_key(ck, "param");
            return ec_check_fail(ck, "path_prefix rules take no param; the "
                                     "path goes in value");
        }
    } else {
        const char *what =
            r->kind == EC_RULE_QUERY_PARAM
                ? "the query parameter's name, 1 to 64 characters, for a "
                  "query_param rule"
                : "the header's name in lower case, 1 to 64 characters, "
                  "for a header rule";

        if ((rc = ec_check_member(ck, o, "param", 1, what, &v)) < 0)
            return rc;
        old = ec_check_key(ck, "param");
        if ((rc = ec_check_string(ck, v, 1, PARAM_MAX, what, &r->param)) < 0)
            return rc;
        if (r->kind == EC_RULE_HEADER)
            for (const char *p = r->param; *p; p++)
                if (*p >= 'A' && *p <= 'Z')
                    return ec_check_fail(ck, "must be the header's name in "
                                             "lower case (such as x-channel)");
        ec_check_pop(ck, old);
    }
    if ((rc = ec_check_member(ck, o, "value", 1,
                              "a string of 1 to 100 characters", &v)) < 0)
        return rc;
    old = ec_check_key(ck, "value");
    if ((rc = ec_check_string(ck, v, 1, VALUE_MAX,
                              "a string of 1 to 100 characters", &r->value)) <
        0)
        return rc;
    if (r->kind == EC_RULE_PATH_PREFIX && r->value[0] != '/')
        return ec_check_fail(ck, "must be a path starting with / (such as "
                                 "/tilbud) for a path_prefix rule");
    ec_check_pop(ck, old);
    if ((rc = ec_check_member(ck, o, "channel", 1, "the code of a channel",
                              &v)) < 0)
        return rc;
    old = ec_check_key(ck, "channel");
    if ((rc = channel_ref(dc, v, &r->channel)) < 0)
        return rc;
    ec_check_pop(ck, old);
    return 0;
}

static int
check_rules(struct doc_check *dc, struct json_object *root)
{
    struct ec_catalog_doc *doc = dc->doc;
    struct ec_check *ck = CK(dc);
    struct json_object *arr;
    size_t n, old;
    int rc;

    rc = ec_check_typed(ck, root, "channel_rules", 1, json_type_array,
                        "an array of channel rules (may be empty)", &arr);
    if (rc < 0)
        return rc;
    old = ec_check_key(ck, "channel_rules");
    n = json_object_array_length(arr);
    doc->rules = ec_arena_calloc(&doc->arena, n ? n : 1, sizeof(*doc->rules));
    for (size_t i = 0; i < n; i++) {
        size_t old_i = ec_check_index(ck, i);

        rc = check_rule(dc, json_object_array_get_idx(arr, i), &doc->rules[i]);
        if (rc < 0)
            return rc;
        doc->nrules++;
        ec_check_pop(ck, old_i);
    }
    ec_check_pop(ck, old);
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
first_sku(const struct doc_check *dc, const char *sku)
{
    const struct sku_ref *r =
        bsearch(sku, dc->skus, dc->nskus, sizeof(*dc->skus), sku_key_cmp);

    while (r && r > dc->skus && strcasecmp(r[-1].sku, sku) == 0)
        r--;
    return r;
}

/* The product whose SKU is exactly sku, or NULL. */
static const struct sku_ref *
exact_sku(const struct doc_check *dc, const char *sku)
{
    const struct sku_ref *r = first_sku(dc, sku), *end = dc->skus + dc->nskus;

    for (; r && r < end && strcasecmp(r->sku, sku) == 0; r++)
        if (strcmp(r->sku, sku) == 0)
            return r;
    return NULL;
}

static void
index_skus(struct doc_check *dc, struct json_object *arr)
{
    size_t n = json_object_array_length(arr);
    struct json_object *p, *v;

    dc->skus = ec_arena_calloc(&dc->doc->arena, n ? n : 1, sizeof(*dc->skus));
    for (size_t i = 0; i < n; i++) {
        p = json_object_array_get_idx(arr, i);
        if (!json_object_is_type(p, json_type_object) ||
            !json_object_object_get_ex(p, "sku", &v) ||
            !json_object_is_type(v, json_type_string))
            continue;
        dc->skus[dc->nskus].sku = json_object_get_string(v);
        dc->skus[dc->nskus].index = i;
        if (json_object_object_get_ex(p, "kind", &v) &&
            json_object_is_type(v, json_type_string))
            dc->skus[dc->nskus].kind = json_object_get_string(v);
        dc->nskus++;
    }
    qsort(dc->skus, dc->nskus, sizeof(*dc->skus), sku_ref_cmp);
}

static int
check_placements(struct ec_check *ck, struct json_object *o,
                 const struct ec_check_field *f, void *field, void *ctx)
{
    struct doc_check *dc = ctx;
    struct ec_product *p = field;
    struct ec_catalog_doc *doc = dc->doc;
    struct json_object *obj;
    size_t old, n;
    int rc;

    rc = ec_check_typed(ck, o, f->key, 0, json_type_object,
                        "an object of channel entries by channel code", &obj);
    if (rc <= 0)
        return rc;
    old = ec_check_key(ck, f->key);
    n = (size_t)json_object_object_length(obj);
    p->placements =
        ec_arena_calloc(&doc->arena, n ? n : 1, sizeof(*p->placements));
    dc->product = p;
    json_object_object_foreach(obj, code, val)
    {
        struct ec_placement *pl = &p->placements[p->nplacements];
        const struct ec_catalog_doc_channel *ch = find_channel(doc, code);
        size_t old_k = ec_check_key(ck, code);

        if (!ch)
            return ec_check_fail(ck,
                                 "\"%.40s%s\" is not a channel of this "
                                 "document",
                                 code, strlen(code) > 40 ? "..." : "");
        ec_product_attr_defaults(ec_placement_attrs, ec_placement_nattrs, pl);
        pl->channel = ch->code;
        if ((rc = ec_check_object(ck, val, "a channel entry object")) < 0 ||
            (rc = ec_check_keys(ck, val, dc->placement_rules.keys)) < 0 ||
            (rc = ec_check_fields(ck, val, dc->placement_rules.fields,
                                  dc->placement_rules.n, pl, dc)) < 0)
            return rc;
        p->nplacements++;
        ec_check_pop(ck, old_k);
    }
    ec_check_pop(ck, old);
    return 0;
}

static int
check_addon(struct doc_check *dc, struct json_object *o, struct ec_product *p,
            struct ec_product_addon *a)
{
    struct ec_check *ck = CK(dc);
    const char *what = "the SKU of an add-on product of this document";
    const struct sku_ref *ref;
    struct json_object *v;
    size_t old;
    int rc;

    if ((rc = ec_check_object(ck, o, "an object naming an add-on by sku")) <
            0 ||
        (rc = ec_check_keys(ck, o, addon_keys)) < 0 ||
        (rc = ec_check_member(ck, o, "sku", 1, what, &v)) < 0)
        return rc;
    old = ec_check_key(ck, "sku");
    if ((rc = ec_check_string(ck, v, 1, SKU_MAX, what, &a->sku)) < 0)
        return rc;
    ref = exact_sku(dc, a->sku);
    if (!ref)
        return ec_check_fail(ck, "\"%s\" is not a product of this document",
                             a->sku);
    if (ref->kind && strcmp(ref->kind, "plan") == 0)
        return ec_check_fail(ck, "\"%s\" is a plan, not an add-on", a->sku);
    if (!ref->kind || strcmp(ref->kind, "addon") != 0)
        return ec_check_fail(ck, "\"%s\" is not an add-on", a->sku);
    for (size_t j = 0; j < p->naddons; j++)
        if (strcmp(p->addons[j].sku, a->sku) == 0)
            return ec_check_fail(
                ck, "add-on \"%s\" is listed twice for this plan", a->sku);
    ec_check_pop(ck, old);
    return channel_list(dc, o, "to offer the add-on in every channel",
                        &a->channels, &a->nchannels);
}

static int
check_addons(struct ec_check *ck, struct json_object *o,
             const struct ec_check_field *f, void *field, void *ctx)
{
    struct doc_check *dc = ctx;
    struct ec_product *p = field;
    struct json_object *arr;
    size_t old, n;
    int rc;

    rc = ec_check_typed(ck, o, f->key, 0, json_type_array,
                        "an array of add-ons that fit this plan", &arr);
    if (rc <= 0)
        return rc;
    old = ec_check_key(ck, f->key);
    n = json_object_array_length(arr);
    /* an empty list on an add-on says nothing wrong, so it is let be */
    if (n && p->kind != EC_PRODUCT_PLAN)
        return ec_check_fail(ck, "only plans have add-ons, and this product "
                                 "is an addon");
    p->addons = ec_arena_calloc(&dc->doc->arena, n ? n : 1, sizeof(*p->addons));
    for (size_t i = 0; i < n; i++) {
        size_t old_i = ec_check_index(ck, i);

        rc = check_addon(dc, json_object_array_get_idx(arr, i), p,
                         &p->addons[p->naddons]);
        if (rc < 0)
            return rc;
        p->naddons++;
        ec_check_pop(ck, old_i);
    }
    ec_check_pop(ck, old);
    return 0;
}

/* What a product holds besides its attributes: its channel entries and,
   for a plan, its add-ons. */
static const struct ec_check_field product_lists[] = {
    {"channels", EC_CHECK_CUSTOM, 0, 0, 0, NULL, NULL, 0, check_placements},
    {"addons", EC_CHECK_CUSTOM, 0, 0, 0, NULL, NULL, 0, check_addons},
};
static const char *const product_list_keys[] = {"channels", "addons", NULL};

/* The engine's legal guard on a well-formed product; it names its fields
   as the document does. */
static int
guard_product(struct doc_check *dc, const struct ec_product *p)
{
    struct ec_promotion_problem problem;

    if (ec_promotion_check_product(p, &problem) == 0)
        return 0;
    if (problem.field[0])
        ec_check_pathf(CK(dc), ".%s", problem.field);
    return ec_check_fail(CK(dc), "%s", problem.message);
}

static int
check_product(struct doc_check *dc, struct json_object *o, size_t i,
              struct ec_product *p)
{
    struct ec_check *ck = CK(dc);
    const struct ec_product_attr *id =
        attr_in(ec_product_attrs, ec_product_nattrs, "sku", NULL);
    const char *what = id->what;
    const struct sku_ref *dup;
    struct json_object *v;
    size_t old;
    int rc;

    ec_product_attr_defaults(ec_product_attrs, ec_product_nattrs, p);
    if ((rc = ec_check_object(ck, o, "a product object")) < 0 ||
        (rc = ec_check_keys(ck, o, dc->product_rules.keys)) < 0 ||
        (rc = ec_check_member(ck, o, "sku", 1, what, &v)) < 0)
        return rc;
    old = ec_check_key(ck, "sku");
    if ((rc = ec_check_string(ck, v, (size_t)id->min, (size_t)id->max, what,
                              &p->sku)) < 0)
        return rc;
    if (!name_ok(p->sku, 1))
        return ec_check_fail(ck, "must be %s", what);
    if (reserved_key(p->sku, 0))
        return ec_check_fail(ck, "\"%s\" %s", p->sku, reserved_key(p->sku, 0));
    dup = first_sku(dc, p->sku);
    if (dup && dup->index < i)
        return ec_check_fail(ck,
                             "SKU \"%s\" is already used by $.products[%zu]; "
                             "SKUs are unique, ignoring case",
                             p->sku, dup->index);
    ec_check_pop(ck, old);
    rc = ec_check_fields(ck, o, dc->product_rules.fields, dc->product_rules.n,
                         p, dc);
    if (rc < 0)
        return rc;
    rc = ec_check_fields(ck, o, product_lists,
                         sizeof(product_lists) / sizeof(*product_lists), p, dc);
    if (rc < 0)
        return rc;
    return guard_product(dc, p);
}

static int
check_products(struct doc_check *dc, struct json_object *root)
{
    struct ec_catalog_doc *doc = dc->doc;
    struct ec_check *ck = CK(dc);
    struct json_object *arr;
    size_t n, old;
    int rc;

    rc = ec_check_typed(ck, root, "products", 1, json_type_array,
                        "an array of products", &arr);
    if (rc < 0)
        return rc;
    index_skus(dc, arr);
    old = ec_check_key(ck, "products");
    n = json_object_array_length(arr);
    doc->products =
        ec_arena_calloc(&doc->arena, n ? n : 1, sizeof(*doc->products));
    for (size_t i = 0; i < n; i++) {
        size_t old_i = ec_check_index(ck, i);

        rc = check_product(dc, json_object_array_get_idx(arr, i), i,
                           &doc->products[i]);
        if (rc < 0)
            return rc;
        doc->nproducts++;
        ec_check_pop(ck, old_i);
    }
    ec_check_pop(ck, old);
    return 0;
}

/* ---- campaigns ---- */

/*
 * The time s at the current path as an instant: with an offset it names
 * the instant alone; without one it is a wall-clock time in the tenant's
 * zone. A wall-clock time the clocks skip or show twice is refused
 * rather than guessed at: the message offers the offsets to choose from.
 */
static int
time_value(struct doc_check *dc, const char *s, int64_t *out)
{
    struct ec_check *ck = CK(dc);
    char a[EC_TZTIME_RFC3339_SIZE], b[EC_TZTIME_RFC3339_SIZE];
    const char *zname;
    int64_t t, early, late;

    if (ec_tztime_parse(NULL, s, EC_TZTIME_REJECT, &t) == 0)
        goto range;
    if (!dc->zone)
        return ec_check_fail(ck, "must be a time with an offset, such as "
                                 "2026-11-01T00:00:00+01:00: the tenant's "
                                 "time zone is unknown, so a local time "
                                 "cannot be read");
    zname = ec_tztime_zone_name(dc->zone);
    if (ec_tztime_parse(dc->zone, s, EC_TZTIME_COMPATIBLE, &t) < 0)
        return ec_check_fail(ck,
                             "must be a time: RFC 3339 with an offset "
                             "(2026-11-01T00:00:00+01:00) or a local time in "
                             "%s (2026-11-01T00:00)",
                             zname);
    if (ec_tztime_parse(dc->zone, s, EC_TZTIME_REJECT, &t) < 0) {
        ec_tztime_parse(dc->zone, s, EC_TZTIME_EARLIER, &early);
        ec_tztime_parse(dc->zone, s, EC_TZTIME_LATER, &late);
        ec_catalog_doc_time(dc->zone, early, a, sizeof(a));
        ec_catalog_doc_time(dc->zone, late, b, sizeof(b));
        /* the same wall clock twice: the clocks went back */
        if (strncmp(a, b, 19) == 0)
            return ec_check_fail(ck,
                                 "%.40s happens twice in %s (the clocks go "
                                 "back); give the offset: %s or %s",
                                 s, zname, a, b);
        return ec_check_fail(ck,
                             "%.40s does not exist in %s (the clocks go "
                             "forward); give a time that does, such as %s",
                             s, zname, b);
    }
range:
    if (t < TIME_MIN || t > TIME_MAX)
        return ec_check_fail(ck, "must be a time from "
                                 "1970-01-01T00:00:00+00:00 to "
                                 "2038-01-19T03:14:07+00:00");
    *out = t;
    return 0;
}

static int
campaign_time(struct ec_check *ck, struct json_object *o,
              const struct ec_check_field *f, void *field, void *ctx)
{
    const char *what = "a time: RFC 3339 with an offset "
                       "(2026-11-01T00:00:00+01:00) or a local time "
                       "(2026-11-01T00:00)";
    struct json_object *v;
    const char *s;
    int64_t t = 0;
    size_t old;
    int rc;

    if ((rc = ec_check_member(ck, o, f->key, 1, what, &v)) < 0)
        return rc;
    old = ec_check_key(ck, f->key);
    if ((rc = ec_check_string(ck, v, 1, TIME_TEXT_MAX, what, &s)) < 0 ||
        (rc = time_value(ctx, s, &t)) < 0)
        return rc;
    ec_check_pop(ck, old);
    memcpy(field, &t, sizeof(t));
    return 0;
}

/* The campaign's products: SKUs of the document, at least one, once each. */
static int
campaign_products(struct ec_check *ck, struct json_object *o,
                  const struct ec_check_field *f, void *field, void *ctx)
{
    const char *what = "the SKU of a product of this document";
    struct doc_check *dc = ctx;
    struct ec_promotion_campaign *c = field;
    struct json_object *arr;
    const char **skus;
    size_t old, n;
    int rc;

    rc = ec_check_typed(ck, o, f->key, 1, json_type_array,
                        "an array of the SKUs the campaign applies to", &arr);
    if (rc < 0)
        return rc;
    old = ec_check_key(ck, f->key);
    n = json_object_array_length(arr);
    if (n == 0)
        return ec_check_fail(ck, "must list at least one product (by SKU)");
    skus = ec_arena_calloc(&dc->doc->arena, n, sizeof(*skus));
    c->skus = skus;
    for (size_t j = 0; j < n; j++) {
        size_t old_j = ec_check_index(ck, j);
        const char *sku;

        rc = ec_check_string(ck, json_object_array_get_idx(arr, j), 1, SKU_MAX,
                             what, &sku);
        if (rc < 0)
            return rc;
        if (!exact_sku(dc, sku))
            return ec_check_fail(ck, "\"%s\" is not a product of this document",
                                 sku);
        for (size_t k = 0; k < c->n_skus; k++)
            if (strcmp(skus[k], sku) == 0)
                return ec_check_fail(ck, "product \"%s\" is listed twice", sku);
        skus[c->n_skus++] = sku;
        ec_check_pop(ck, old_j);
    }
    ec_check_pop(ck, old);
    return 0;
}

static int
campaign_channels(struct ec_check *ck, struct json_object *o,
                  const struct ec_check_field *f, void *field, void *ctx)
{
    struct ec_promotion_campaign *c = field;
    const char **list = NULL;
    int rc;

    rc = channel_list(ctx, o, "for a campaign in every channel", &list,
                      &c->n_channels);
    c->channels = list;
    return rc;
}

/* A fee action's "fees": startup and/or sim, at least one, once each. */
static int
action_fees(struct ec_check *ck, struct json_object *o,
            const struct ec_check_field *f, void *field, void *ctx)
{
    const char *what = "a list of fees: startup, sim";
    struct json_object *arr, *v;
    char buf[64];
    size_t old, n;
    unsigned mask = 0;
    int rc, i;

    rc = ec_check_typed(ck, o, f->key, 1, json_type_array, what, &arr);
    if (rc < 0)
        return rc;
    old = ec_check_key(ck, f->key);
    n = json_object_array_length(arr);
    if (n == 0)
        return ec_check_fail(ck, "must list at least one fee (startup or sim)");
    for (size_t j = 0; j < n; j++) {
        size_t old_j = ec_check_index(ck, j);

        v = json_object_array_get_idx(arr, j);
        if ((rc = ec_check_enum(ck, v, ec_fee_names, &i)) < 0)
            return rc;
        if (mask & (1u << i))
            return ec_check_fail(ck, "%s is listed twice; list each value once",
                                 ec_check_got(v, buf, sizeof(buf)));
        mask |= 1u << i;
        ec_check_pop(ck, old_j);
    }
    ec_check_pop(ck, old);
    memcpy(field, &mask, sizeof(mask));
    return 0;
}

#define ACTION(member) offsetof(struct ec_promotion_action, member)
#define AMOUNT                                                                 \
    {                                                                          \
        "amount", EC_CHECK_INT64, EC_CHECK_REQUIRED, 0, WHOLE_MAX, MONEY,      \
            NULL, ACTION(value), NULL                                          \
    }
/* months beyond the law's limit are the legal guard's to judge */
#define MONTHS                                                                 \
    {"first_month",                                                            \
     EC_CHECK_INT,                                                             \
     0,                                                                        \
     1,                                                                        \
     WHOLE_MAX,                                                                \
     "a month number, 1 or more (1 = the first month of the subscription)",    \
     NULL,                                                                     \
     ACTION(first_month),                                                      \
     NULL},                                                                    \
    {                                                                          \
        "months", EC_CHECK_INT, 0, 0, WHOLE_MAX,                               \
            "a number of months, 0 or more (0 = to the end of the binding "    \
            "period)",                                                         \
            NULL, ACTION(months), NULL                                         \
    }
#define FEES                                                                   \
    {                                                                          \
        "fees", EC_CHECK_CUSTOM, 0, 0, 0, NULL, NULL, ACTION(fees),            \
            action_fees                                                        \
    }

static const struct ec_check_field price_action_fields[] = {AMOUNT, MONTHS};
static const struct ec_check_field percent_action_fields[] = {
    {"percent_bp", EC_CHECK_INT64, EC_CHECK_REQUIRED, 0, 10000,
     "a whole number of basis points from 0 to 10000 (1000 = 10 %)", NULL,
     ACTION(value), NULL},
    MONTHS,
};
static const struct ec_check_field waive_action_fields[] = {FEES};
static const struct ec_check_field reduce_action_fields[] = {AMOUNT, FEES};
#undef AMOUNT
#undef MONTHS
#undef FEES
#undef ACTION

/* Each kind of action: its keys and fields, in the order of its enum. */
static const struct {
    const char *const *keys;
    const struct ec_check_field *fields;
    size_t nfields;
} action_rules[] = {
#define RULES(keys, fields)                                                    \
    {                                                                          \
        keys, fields, sizeof(fields) / sizeof(*fields)                         \
    }
    RULES(price_action_keys, price_action_fields),
    RULES(price_action_keys, price_action_fields),
    RULES(percent_action_keys, percent_action_fields),
    RULES(waive_action_keys, waive_action_fields),
    RULES(reduce_action_keys, reduce_action_fields),
#undef RULES
};

static int
check_action(struct doc_check *dc, struct json_object *o,
             struct ec_promotion_action *a)
{
    struct ec_check *ck = CK(dc);
    struct json_object *v;
    char list[128];
    size_t old;
    int rc, k;

    ec_check_join_or(list, sizeof(list), ec_promotion_action_kind_names);
    if ((rc = ec_check_object(ck, o, "a price action object")) < 0 ||
        (rc = ec_check_member(ck, o, "kind", 1, list, &v)) < 0)
        return rc;
    old = ec_check_key(ck, "kind");
    if ((rc = ec_check_enum(ck, v, ec_promotion_action_kind_names, &k)) < 0)
        return rc;
    ec_check_pop(ck, old);
    a->kind = (enum ec_promotion_action_kind)(k + 1);
    a->first_month = 1;
    a->months = 0;
    if ((rc = ec_check_keys(ck, o, action_rules[k].keys)) < 0)
        return rc;
    return ec_check_fields(ck, o, action_rules[k].fields,
                           action_rules[k].nfields, a, dc);
}

static int
check_actions(struct ec_check *ck, struct json_object *o,
              const struct ec_check_field *f, void *field, void *ctx)
{
    struct ec_promotion_campaign *c = field;
    struct ec_promotion_action *acts;
    struct doc_check *dc = ctx;
    struct json_object *arr;
    size_t old, n;
    int rc;

    rc = ec_check_typed(ck, o, f->key, 1, json_type_array,
                        "an array of 1 to 8 price actions", &arr);
    if (rc < 0)
        return rc;
    old = ec_check_key(ck, f->key);
    n = json_object_array_length(arr);
    if (n == 0 || n > EC_PROMOTION_MAX_ACTIONS)
        return ec_check_fail(ck, "must list 1 to %d price actions (got %zu)",
                             EC_PROMOTION_MAX_ACTIONS, n);
    acts = ec_arena_calloc(&dc->doc->arena, n, sizeof(*acts));
    c->actions = acts;
    for (size_t j = 0; j < n; j++) {
        size_t old_j = ec_check_index(ck, j);

        rc = check_action(dc, json_object_array_get_idx(arr, j), &acts[j]);
        if (rc < 0)
            return rc;
        c->n_actions++;
        ec_check_pop(ck, old_j);
    }
    ec_check_pop(ck, old);
    return 0;
}

#define CAMPAIGN(member) offsetof(struct ec_promotion_campaign, member)
/* A campaign's fields after its code, in the order they are checked. */
static const struct ec_check_field campaign_fields[] = {
    {"name", EC_CHECK_STRING, EC_CHECK_REQUIRED, 1, CAMPAIGN_NAME_MAX,
     "a name of 1 to 120 characters", NULL, CAMPAIGN(name), NULL},
    {"valid_from", EC_CHECK_CUSTOM, 0, 0, 0, NULL, NULL, CAMPAIGN(valid_from),
     campaign_time},
    {"valid_to", EC_CHECK_CUSTOM, 0, 0, 0, NULL, NULL, CAMPAIGN(valid_to),
     campaign_time},
    {"products", EC_CHECK_CUSTOM, 0, 0, 0, NULL, NULL, 0, campaign_products},
    {"channels", EC_CHECK_CUSTOM, 0, 0, 0, NULL, NULL, 0, campaign_channels},
    {"priority", EC_CHECK_INT, 0, SORT_MIN, WHOLE_MAX,
     "a whole number (higher wins)", NULL, CAMPAIGN(priority), NULL},
    {"stacking", EC_CHECK_ENUM, 0, 0, 0, NULL, ec_promotion_stacking_names,
     CAMPAIGN(stacking), NULL},
    /* above the law's limit is the legal guard's to refuse, with its
       reason */
    {"required_binding", EC_CHECK_INT, 0, 0, WHOLE_MAX, MONTHS_WHAT, NULL,
     CAMPAIGN(required_binding), NULL},
    {"actions", EC_CHECK_CUSTOM, 0, 0, 0, NULL, NULL, 0, check_actions},
};
#undef CAMPAIGN

/*
 * The engine's legal guard on a well-formed campaign, its refusal
 * reported at the document's field: the engine's "skus" are the
 * document's "products", an action's "value" its amount or percent_bp.
 */
static int
guard_campaign(struct doc_check *dc, const struct ec_promotion_campaign *c)
{
    struct ec_promotion_problem problem;
    const char *f = problem.field;
    size_t i;

    if (ec_promotion_check_campaign(c, &problem) == 0)
        return 0;
    if (strncmp(f, "skus", 4) == 0)
        ec_check_pathf(CK(dc), ".products%s", f + 4);
    else if (sscanf(f, "actions[%zu]", &i) == 1 && i < c->n_actions &&
             strstr(f, "].value"))
        ec_check_pathf(CK(dc), ".actions[%zu].%s", i,
                       c->actions[i].kind == EC_PROMOTION_PERCENT_OFF
                           ? "percent_bp"
                           : "amount");
    else if (*f)
        ec_check_pathf(CK(dc), ".%s", f);
    return ec_check_fail(CK(dc), "%s", problem.message);
}

static int
check_campaign(struct doc_check *dc, struct json_object *o, size_t i,
               struct ec_promotion_campaign *c)
{
    const char *what = "a campaign code: 1 to 64 characters a-z, 0-9, _ "
                       "or -, starting with a letter or digit";
    struct ec_catalog_doc *doc = dc->doc;
    struct ec_check *ck = CK(dc);
    struct json_object *v;
    size_t old;
    int rc;

    if ((rc = ec_check_object(ck, o, "a campaign object")) < 0 ||
        (rc = ec_check_keys(ck, o, campaign_keys)) < 0 ||
        (rc = ec_check_member(ck, o, "code", 1, what, &v)) < 0)
        return rc;
    old = ec_check_key(ck, "code");
    if ((rc = ec_check_string(ck, v, 1, CAMPAIGN_CODE_MAX, what, &c->code)) < 0)
        return rc;
    if (!name_ok(c->code, 0))
        return ec_check_fail(ck, "must be %s", what);
    if (reserved_key(c->code, 0))
        return ec_check_fail(ck, "\"%s\" %s", c->code,
                             reserved_key(c->code, 0));
    for (size_t j = 0; j < i; j++)
        if (strcmp(doc->campaigns[j].code, c->code) == 0)
            return ec_check_fail(ck,
                                 "campaign code \"%s\" is already used by "
                                 "$.campaigns[%zu]; codes are unique",
                                 c->code, j);
    ec_check_pop(ck, old);
    c->stacking = EC_PROMOTION_EXCLUSIVE;
    rc = ec_check_fields(ck, o, campaign_fields,
                         sizeof(campaign_fields) / sizeof(*campaign_fields), c,
                         dc);
    if (rc < 0)
        return rc;
    return guard_campaign(dc, c);
}

static int
check_campaigns(struct doc_check *dc, struct json_object *root)
{
    struct ec_catalog_doc *doc = dc->doc;
    struct ec_check *ck = CK(dc);
    struct json_object *arr;
    size_t n, old;
    int rc;

    rc = ec_check_typed(ck, root, "campaigns", 0, json_type_array,
                        "an array of campaigns (may be empty)", &arr);
    if (rc <= 0)
        return rc;
    old = ec_check_key(ck, "campaigns");
    n = json_object_array_length(arr);
    if (n > EC_CATALOG_DOC_MAX_CAMPAIGNS)
        return ec_check_fail(ck, "may hold at most %d campaigns (got %zu)",
                             EC_CATALOG_DOC_MAX_CAMPAIGNS, n);
    doc->campaigns =
        ec_arena_calloc(&doc->arena, n ? n : 1, sizeof(*doc->campaigns));
    for (size_t i = 0; i < n; i++) {
        size_t old_i = ec_check_index(ck, i);

        rc = check_campaign(dc, json_object_array_get_idx(arr, i), i,
                            &doc->campaigns[i]);
        if (rc < 0)
            return rc;
        doc->ncampaigns++;
        ec_check_pop(ck, old_i);
    }
    ec_check_pop(ck, old);
    return 0;
}

int
ec_catalog_doc_parse(struct ec_catalog_doc *doc, struct json_object *json,
                     const struct ec_tztime_zone *zone,
                     struct ec_check_error *err)
{
    struct doc_check dc;
    struct ec_check *ck = CK(&dc);
    struct json_object *v;
    char buf[64];
    int rc;

    memset(&dc, 0, sizeof(dc));
    ec_check_init(ck, &doc->arena, err);
    dc.doc = doc;
    dc.zone = zone;
    rules_build(&dc.product_rules, ec_product_attrs, ec_product_nattrs,
                product_list_keys, product_set);
    rules_build(&dc.placement_rules, ec_placement_attrs, ec_placement_nattrs,
                NULL, placement_set);
    if (!json_object_is_type(json, json_type_object))
        return ec_check_fail(ck,
                             "must be a JSON object with format, channels, "
                             "channel_rules and products (got %s)",
                             ec_check_got(json, buf, sizeof(buf)));
    if ((rc = ec_check_keys(ck, json, top_keys)) < 0)
        return rc;
    if ((rc = ec_check_member(ck, json, "format", 1,
                              "\"" EC_CATALOG_DOC_FORMAT "\"", &v)) < 0)
        return rc;
    if (!json_object_is_type(v, json_type_string) ||
        strcmp(json_object_get_string(v), EC_CATALOG_DOC_FORMAT) != 0) {
        ec_check_key(ck, "format");
        return ec_check_fail(ck,
                             "must be \"" EC_CATALOG_DOC_FORMAT "\" (got %s)",
                             ec_check_got(v, buf, sizeof(buf)));
    }
    if ((rc = check_channels(&dc, json)) < 0 ||
        (rc = check_rules(&dc, json)) < 0 ||
        (rc = check_products(&dc, json)) < 0 ||
        (rc = check_campaigns(&dc, json)) < 0)
        return rc;
    return 0;
}

int
ec_catalog_doc_validate(struct json_object *json,
                        const struct ec_tztime_zone *zone,
                        struct ec_check_error *err)
{
    struct ec_catalog_doc doc;
    int rc;

    ec_catalog_doc_init(&doc);
    rc = ec_catalog_doc_parse(&doc, json, zone, err);
    ec_catalog_doc_release(&doc);
    return rc;
}

/* ---- applying ---- */

int
ec_catalog_import(struct ec_db *db, const char *slug, struct json_object *json,
                  struct ec_check_error *err, ec_catalog_emit_fn emit,
                  void *ctx)
{
    struct ec_catalog_tenant t;
    struct ec_catalog_doc want;
    struct ec_catalog_changes changes;
    int rc;

    memset(&t, 0, sizeof(t));
    ec_catalog_doc_init(&want);
    ec_catalog_changes_init(&changes);
    if ((rc = ec_db_begin(db)) < 0)
        goto out;
    /* local times in the document are the tenant's: read it first */
    if ((rc = ec_catalog_tenant_read(db, slug, 1, &t)) == 0 &&
        (rc = ec_catalog_doc_parse(&want, json, t.zone, err)) == 0 &&
        (rc = ec_catalog_write(db, &t, &want, &changes)) == 0)
        rc = ec_db_commit(db);
    if (rc < 0) {
        ec_db_rollback(db);
        goto out;
    }
    ec_catalog_changes_emit(&changes, emit, ctx);
out:
    ec_catalog_changes_release(&changes);
    ec_catalog_tenant_release(&t);
    ec_catalog_doc_release(&want);
    return rc;
}
