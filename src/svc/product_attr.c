#include "svc/product_attr.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "core/arena.h"
#include "core/xalloc.h"
#include "store/db.h"

/* Column sizes of sql/002_catalog.sql, in characters. */
#define SKU_MAX 64
#define NAME_MAX_CHARS 100
#define DESCRIPTION_MAX 500

/* INT UNSIGNED columns hold more, but nobody needs more than an INT. */
#define WHOLE_MAX 2147483647LL
#define SORT_MIN (-2147483647LL - 1)

#define MONEY "a whole number of øre, 0 or more"
#define GB "a whole number of GB, 0 or more"

/* The rules of binding sets and SIM type sets, product or placement. */
#define BINDINGS                                                               \
    .kind = EC_ATTR_SET, .max = EC_BINDING_MAX_MONTHS,                         \
    .what = "a list of binding periods in months, 0 "                          \
            "to " EC_BINDING_MAX_MONTHS_TEXT,                                  \
    .one = "binding period (0 to " EC_BINDING_MAX_MONTHS_TEXT " months)",      \
    .item = "a whole number of months from 0 to " EC_BINDING_MAX_MONTHS_TEXT
#define SIMS                                                                   \
    .kind = EC_ATTR_SET, .names = ec_sim_type_names,                           \
    .what = "a list of SIM types: physical, esim",                             \
    .one = "SIM type (physical or esim)"

#define PRODUCT(member) offsetof(struct ec_product, member)
const struct ec_product_attr ec_product_attrs[] = {
    {.key = "sku",
     .column = "sku",
     .kind = EC_ATTR_CODE,
     .flags = EC_ATTR_REQUIRED | EC_ATTR_IDENTITY,
     .min = 1,
     .max = SKU_MAX,
     .what = "a SKU: 1 to 64 characters A-Z, a-z, 0-9, _ or -, starting "
             "with a letter or digit",
     .offset = PRODUCT(sku)},
    {.key = "kind",
     .column = "kind",
     .kind = EC_ATTR_ENUM,
     .flags = EC_ATTR_REQUIRED,
     .names = ec_product_kind_names,
     .offset = PRODUCT(kind)},
    {.key = "status",
     .column = "status",
     .kind = EC_ATTR_ENUM,
     .flags = EC_ATTR_REQUIRED,
     .names = ec_product_status_names,
     .offset = PRODUCT(status)},
    {.key = "name",
     .column = "name",
     .kind = EC_ATTR_TEXT,
     .flags = EC_ATTR_REQUIRED,
     .min = 1,
     .max = NAME_MAX_CHARS,
     .what = "a name of 1 to 100 characters",
     .offset = PRODUCT(name)},
    {.key = "description",
     .column = "description",
     .kind = EC_ATTR_TEXT,
     .max = DESCRIPTION_MAX,
     .what = "a text of at most 500 characters",
     .offset = PRODUCT(description)},
    {.key = "data_gb",
     .column = "data_gb",
     .kind = EC_ATTR_INT,
     .flags = EC_ATTR_REQUIRED | EC_ATTR_NULL,
     .max = WHOLE_MAX,
     .what = GB ", or null for unlimited",
     .offset = PRODUCT(data_gb)},
    {.key = "talk_minutes",
     .column = "talk_minutes",
     .kind = EC_ATTR_INT,
     .flags = EC_ATTR_REQUIRED | EC_ATTR_NULL,
     .max = WHOLE_MAX,
     .what = "a whole number of minutes, 0 or more, or null for unlimited",
     .offset = PRODUCT(talk_minutes)},
    {.key = "network",
     .column = "network",
     .kind = EC_ATTR_ENUM,
     .flags = EC_ATTR_REQUIRED,
     .names = ec_network_names,
     .offset = PRODUCT(network)},
    {.key = "eu_data_gb",
     .column = "eu_data_gb",
     .kind = EC_ATTR_INT,
     .max = WHOLE_MAX,
     .what = GB,
     .offset = PRODUCT(eu_data_gb)},
    {.key = "monthly_price",
     .column = "monthly_price",
     .kind = EC_ATTR_INT,
     .flags = EC_ATTR_REQUIRED,
     .max = WHOLE_MAX,
     .what = MONEY,
     .offset = PRODUCT(monthly_price)},
    {.key = "fees",
     .kind = EC_ATTR_GROUP,
     .what = "an object with startup and sim fees"},
    {.key = "fees.startup",
     .column = "fee_startup",
     .kind = EC_ATTR_INT,
     .max = WHOLE_MAX,
     .what = MONEY,
     .offset = PRODUCT(fees.startup)},
    {.key = "fees.sim",
     .column = "fee_sim",
     .kind = EC_ATTR_INT,
     .max = WHOLE_MAX,
     .what = MONEY,
     .offset = PRODUCT(fees.sim)},
    {.key = "binding_months",
     .column = "binding_months",
     BINDINGS,
     .flags = EC_ATTR_REQUIRED,
     .offset = PRODUCT(binding_months)},
    {.key = "sim_types",
     .column = "sim_types",
     SIMS,
     .flags = EC_ATTR_REQUIRED,
     .offset = PRODUCT(sim_types)},
};
const size_t ec_product_nattrs =
    sizeof(ec_product_attrs) / sizeof(*ec_product_attrs);
#undef PRODUCT

#define PLACEMENT(member) offsetof(struct ec_placement, member)
const struct ec_product_attr ec_placement_attrs[] = {
    {.key = "visible",
     .column = "visible",
     .kind = EC_ATTR_BOOL,
     .flags = EC_ATTR_REQUIRED,
     .offset = PLACEMENT(visible)},
    {.key = "name",
     .column = "display_name",
     .kind = EC_ATTR_TEXT,
     .flags = EC_ATTR_OPTIONAL,
     .min = 1,
     .max = NAME_MAX_CHARS,
     .what = "a display name of 1 to 100 characters",
     .offset = PLACEMENT(name)},
    {.key = "sort",
     .column = "sort_order",
     .kind = EC_ATTR_INT,
     .min = SORT_MIN,
     .max = WHOLE_MAX,
     .what = "a whole number (the order in the channel)",
     .offset = PLACEMENT(sort)},
    {.key = "sim_types",
     .column = "sim_types",
     SIMS,
     .flags = EC_ATTR_OPTIONAL | EC_ATTR_NARROWS,
     .offset = PLACEMENT(sim_types)},
    {.key = "binding_months",
     .column = "binding_months",
     BINDINGS,
     .flags = EC_ATTR_OPTIONAL | EC_ATTR_NARROWS,
     .offset = PLACEMENT(binding_months)},
    /* the channel's own base price ("cheaper in the app") */
    {.key = "monthly_price",
     .column = "monthly_price",
     .kind = EC_ATTR_INT,
     .flags = EC_ATTR_OPTIONAL,
     .max = WHOLE_MAX,
     .what = MONEY,
     .offset = PLACEMENT(monthly_price)},
};
const size_t ec_placement_nattrs =
    sizeof(ec_placement_attrs) / sizeof(*ec_placement_attrs);
#undef PLACEMENT

/* ---- the values, by kind ---- */

static const char *
get_str(const struct ec_product_attr *a, const void *base)
{
    const char *s;

    memcpy(&s, (const char *)base + a->offset, sizeof(s));
    return s;
}

static void
set_str(const struct ec_product_attr *a, void *base, const char *s)
{
    memcpy((char *)base + a->offset, &s, sizeof(s));
}

/* BOOL and ENUM are int-sized; SET is unsigned */
static int
get_int(const struct ec_product_attr *a, const void *base)
{
    int i;

    memcpy(&i, (const char *)base + a->offset, sizeof(i));
    return i;
}

static void
set_int(const struct ec_product_attr *a, void *base, int i)
{
    memcpy((char *)base + a->offset, &i, sizeof(i));
}

static unsigned
get_set(const struct ec_product_attr *a, const void *base)
{
    unsigned u;

    memcpy(&u, (const char *)base + a->offset, sizeof(u));
    return u;
}

static void
set_set(const struct ec_product_attr *a, void *base, unsigned u)
{
    memcpy((char *)base + a->offset, &u, sizeof(u));
}

static long long
get_ll(const struct ec_product_attr *a, const void *base)
{
    long long n;

    memcpy(&n, (const char *)base + a->offset, sizeof(n));
    return n;
}

static void
set_ll(const struct ec_product_attr *a, void *base, long long n)
{
    memcpy((char *)base + a->offset, &n, sizeof(n));
}

/* The number of names of a SET (its bits), or of the binding periods. */
static unsigned
set_width(const struct ec_product_attr *a)
{
    unsigned n = 0;

    if (!a->names)
        return (unsigned)a->max + 1;
    while (a->names[n])
        n++;
    return n;
}

const char *
ec_product_attr_member(const struct ec_product_attr *a)
{
    const char *dot = strchr(a->key, '.');

    return dot ? dot + 1 : a->key;
}

void
ec_product_attr_defaults(const struct ec_product_attr *attrs, size_t n,
                         void *base)
{
    for (size_t i = 0; i < n; i++) {
        const struct ec_product_attr *a = &attrs[i];

        switch (a->kind) {
        case EC_ATTR_CODE:
        case EC_ATTR_TEXT:
            set_str(a, base, a->flags & EC_ATTR_OPTIONAL ? NULL : "");
            break;
        case EC_ATTR_BOOL:
        case EC_ATTR_ENUM:
            set_int(a, base, 0);
            break;
        case EC_ATTR_INT:
            set_ll(a, base,
                   a->flags & (EC_ATTR_NULL | EC_ATTR_OPTIONAL) ? -1 : 0);
            break;
        case EC_ATTR_SET:
            set_set(a, base, 0);
            break;
        case EC_ATTR_GROUP:
            break;
        }
    }
}

void
ec_product_attr_from_sql(const struct ec_product_attr *a, const char *val,
                         struct ec_arena *arena, void *base)
{
    int k;

    switch (a->kind) {
    case EC_ATTR_CODE:
    case EC_ATTR_TEXT:
        if (val)
            set_str(a, base, ec_arena_strdup(arena, val));
        else
            set_str(a, base, a->flags & EC_ATTR_OPTIONAL ? NULL : "");
        break;
    case EC_ATTR_BOOL:
        set_int(a, base, val && strtoll(val, NULL, 10) != 0);
        break;
    case EC_ATTR_INT:
        if (val)
            set_ll(a, base, strtoll(val, NULL, 10));
        else
            set_ll(a, base,
                   a->flags & (EC_ATTR_NULL | EC_ATTR_OPTIONAL) ? -1 : 0);
        break;
    case EC_ATTR_ENUM:
        k = ec_name_index(a->names, val);
        set_int(a, base, k < 0 ? 0 : k);
        break;
    case EC_ATTR_SET:
        if (a->names)
            set_set(a, base, ec_db_set_bits(val, a->names, set_width(a)));
        else
            set_set(a, base, val ? (unsigned)strtoul(val, NULL, 10) : 0);
        break;
    case EC_ATTR_GROUP:
        break;
    }
}

struct ec_db_param
ec_product_attr_param(const struct ec_product_attr *a, const void *base,
                      struct ec_arena *arena)
{
    static const struct ec_db_param null = {EC_DB_NULL, NULL, 0, 0};
    int optional = (a->flags & EC_ATTR_OPTIONAL) != 0;
    char buf[128];
    const char *s;
    long long n;
    unsigned u;

    switch (a->kind) {
    case EC_ATTR_CODE:
    case EC_ATTR_TEXT:
        s = get_str(a, base);
        return s ? EC_DB_S(s) : null;
    case EC_ATTR_BOOL:
        return EC_DB_I(get_int(a, base) != 0);
    case EC_ATTR_INT:
        n = get_ll(a, base);
        if (n == -1 && (a->flags & (EC_ATTR_NULL | EC_ATTR_OPTIONAL)))
            return null;
        return EC_DB_I(n);
    case EC_ATTR_ENUM:
        return EC_DB_S(ec_name_of(a->names, (unsigned)get_int(a, base)));
    case EC_ATTR_SET:
        u = get_set(a, base);
        if (optional && u == 0)
            return null;
        if (!a->names)
            return EC_DB_I(u);
        s = ec_set_text(u, a->names, ",", buf, sizeof(buf));
        return EC_DB_S(ec_arena_strdup(arena, s));
    case EC_ATTR_GROUP:
        break;
    }
    EC_BUG("a group has no column");
    return null;
}

/* Set u as a JSON array: names, or the bits' numbers. */
static struct json_object *
set_json(const struct ec_product_attr *a, unsigned u)
{
    struct json_object *arr = json_object_new_array();
    unsigned width = set_width(a);

    for (unsigned i = 0; i < width && i < 32; i++) {
        if (!(u & (1u << i)))
            continue;
        json_object_array_add(arr, a->names
                                       ? json_object_new_string(a->names[i])
                                       : json_object_new_int((int)i));
    }
    return arr;
}

/* Attribute a of base as JSON into o under key, unless it is left out. */
static void
value_json(const struct ec_product_attr *a, const void *base,
           struct json_object *o, const char *key)
{
    int optional = (a->flags & EC_ATTR_OPTIONAL) != 0;
    const char *s;
    long long n;
    unsigned u;

    switch (a->kind) {
    case EC_ATTR_CODE:
    case EC_ATTR_TEXT:
        if ((s = get_str(a, base)))
            json_object_object_add(o, key, json_object_new_string(s));
        return;
    case EC_ATTR_BOOL:
        json_object_object_add(o, key,
                               json_object_new_boolean(get_int(a, base) != 0));
        return;
    case EC_ATTR_INT:
        n = get_ll(a, base);
        if (n == -1 && optional)
            return;
        json_object_object_add(o, key,
                               n == -1 && (a->flags & EC_ATTR_NULL)
                                   ? NULL
                                   : json_object_new_int64(n));
        return;
    case EC_ATTR_ENUM:
        json_object_object_add(o, key,
                               json_object_new_string(ec_name_of(
                                   a->names, (unsigned)get_int(a, base))));
        return;
    case EC_ATTR_SET:
        u = get_set(a, base);
        if (!(optional && u == 0))
            json_object_object_add(o, key, set_json(a, u));
        return;
    case EC_ATTR_GROUP:
        return;
    }
}

void
ec_product_attr_to_json(const struct ec_product_attr *attrs, size_t n,
                        const void *base, struct json_object *o)
{
    struct json_object *group = NULL;
    const char *gkey = "";
    size_t glen = 0;

    for (size_t i = 0; i < n; i++) {
        const struct ec_product_attr *a = &attrs[i];

        if (group && strncmp(a->key, gkey, glen) == 0 && a->key[glen] == '.') {
            value_json(a, base, group, ec_product_attr_member(a));
            continue;
        }
        group = NULL;
        if (a->kind == EC_ATTR_GROUP) {
            group = json_object_new_object();
            gkey = a->key;
            glen = strlen(a->key);
            json_object_object_add(o, a->key, group);
            continue;
        }
        value_json(a, base, o, a->key);
    }
}

int
ec_product_attr_equal(const struct ec_product_attr *a, const void *x,
                      const void *y)
{
    const char *s, *t;

    switch (a->kind) {
    case EC_ATTR_CODE:
    case EC_ATTR_TEXT:
        s = get_str(a, x);
        t = get_str(a, y);
        return (!s && !t) || (s && t && strcmp(s, t) == 0);
    case EC_ATTR_BOOL:
        return (get_int(a, x) != 0) == (get_int(a, y) != 0);
    case EC_ATTR_ENUM:
        return get_int(a, x) == get_int(a, y);
    case EC_ATTR_INT:
        return get_ll(a, x) == get_ll(a, y);
    case EC_ATTR_SET:
        return get_set(a, x) == get_set(a, y);
    case EC_ATTR_GROUP:
        break;
    }
    return 1;
}

const char *
ec_product_attr_text(const struct ec_product_attr *a, const void *base,
                     char *buf, size_t size)
{
    const char *s;
    long long n;

    if (!size)
        return buf;
    buf[0] = '\0';
    switch (a->kind) {
    case EC_ATTR_CODE:
    case EC_ATTR_TEXT:
        s = get_str(a, base);
        snprintf(buf, size, "%s", s ? s : "");
        break;
    case EC_ATTR_BOOL:
        snprintf(buf, size, "%s", get_int(a, base) ? "true" : "false");
        break;
    case EC_ATTR_ENUM:
        snprintf(buf, size, "%s",
                 ec_name_of(a->names, (unsigned)get_int(a, base)));
        break;
    case EC_ATTR_INT:
        n = get_ll(a, base);
        if (n == -1 && (a->flags & EC_ATTR_NULL))
            snprintf(buf, size, "unlimited");
        else
            snprintf(buf, size, "%lld", n);
        break;
    case EC_ATTR_SET:
        ec_set_text(get_set(a, base), a->names, ",", buf, size);
        break;
    case EC_ATTR_GROUP:
        break;
    }
    return buf;
}

/* ---- SQL text ---- */

static void
append(char *buf, size_t size, size_t *len, const char *s)
{
    size_t n = strlen(s);

    if (*len + n >= size)
        EC_BUG("a statement's text outgrew its buffer");
    memcpy(buf + *len, s, n + 1);
    *len += n;
}

const char *
ec_product_attr_sql(char *buf, size_t size, const char *head,
                    const struct ec_product_attr *attrs, size_t n,
                    enum ec_product_attr_sql what, const char *prefix,
                    const char *tail)
{
    size_t len = 0;
    int first = 1;

    buf[0] = '\0';
    append(buf, size, &len, head);
    for (size_t i = 0; i < n; i++) {
        if (!attrs[i].column)
            continue;
        if (!first)
            append(buf, size, &len, ", ");
        first = 0;
        switch (what) {
        case EC_ATTR_SQL_COLUMNS:
            append(buf, size, &len, prefix ? prefix : "");
            append(buf, size, &len, attrs[i].column);
            break;
        case EC_ATTR_SQL_MARKS:
            append(buf, size, &len, "?");
            break;
        case EC_ATTR_SQL_SETS:
            append(buf, size, &len, attrs[i].column);
            append(buf, size, &len, " = ?");
            break;
        }
    }
    append(buf, size, &len, tail);
    return buf;
}

size_t
ec_product_attr_ncolumns(const struct ec_product_attr *attrs, size_t n)
{
    size_t k = 0;

    for (size_t i = 0; i < n; i++)
        if (attrs[i].column)
            k++;
    return k;
}
