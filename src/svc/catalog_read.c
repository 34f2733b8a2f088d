#include "svc/catalog_read.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/log.h"
#include "core/tztime.h"
#include "store/db.h"
#include "svc/product_attr.h"

/*
 * Each SELECT's columns are a list X(position, "expression"): COL_ENUM
 * makes the enum of positions, COL_SQL the text. The text ends with the
 * row's tenant_id (the WHERE clause names it anyway), so the list needs
 * no separator logic; a row fn checks the count it was given.
 */
#define COL_ENUM(pos, sql) pos,
#define COL_SQL(pos, sql) sql ", "

/* ---- small helpers ---- */

/* A growable array in an arena; growth leaves the old copy behind, which
   the arena frees with everything else. */
struct vec {
    void *items;
    size_t n;
    size_t cap;
};

static void *
vec_push(struct ec_arena *a, struct vec *v, size_t size)
{
    if (v->n == v->cap) {
        size_t cap = v->cap ? v->cap * 2 : 16;
        void *items = ec_arena_calloc(a, cap, size);

        if (v->n)
            memcpy(items, v->items, v->n * size);
        v->items = items;
        v->cap = cap;
    }
    return (char *)v->items + v->n++ * size;
}

static const char *
col_str(struct ec_arena *a, const struct ec_db_row *row, unsigned i)
{
    return row->vals[i] ? ec_arena_strdup(a, row->vals[i]) : NULL;
}

static long long
col_int(const struct ec_db_row *row, unsigned i, long long if_null)
{
    return row->vals[i] ? strtoll(row->vals[i], NULL, 10) : if_null;
}

/* The position of column i's value in names, or fallback. */
static int
col_name(const struct ec_db_row *row, unsigned i, const char *const *names,
         int fallback)
{
    int k = ec_name_index(names, row->vals[i]);

    return k < 0 ? fallback : k;
}

/* ---- the tenant ---- */

enum { TENANT_COLUMNS_ID, TENANT_COLUMNS_ZONE, TENANT_NCOLS };

static int
tenant_row(const struct ec_db_row *row, void *ctx)
{
    struct ec_catalog_tenant *t = ctx;

    if (row->ncols != TENANT_NCOLS)
        return EC_ERR_INTERNAL;
    t->id = col_int(row, TENANT_COLUMNS_ID, 0);
    snprintf(t->zone_name, sizeof(t->zone_name), "%s",
             row->vals[TENANT_COLUMNS_ZONE] ? row->vals[TENANT_COLUMNS_ZONE]
                                            : "");
    return 0;
}

int
ec_catalog_tenant_read(struct ec_db *db, const char *slug, int lock,
                       struct ec_catalog_tenant *t)
{
    struct ec_db_param p[] = {EC_DB_S(slug)};
    int rc;

    memset(t, 0, sizeof(*t));
    /* two literals: prepared statements are kept by their text's address */
    if (lock)
        rc = ec_db_exec(db,
                        "SELECT id, time_zone FROM tenants WHERE slug = ?"
                        " FOR UPDATE",
                        p, 1, tenant_row, t, NULL);
    else
        rc = ec_db_exec(db, "SELECT id, time_zone FROM tenants WHERE slug = ?",
                        p, 1, tenant_row, t, NULL);
    if (rc < 0)
        return rc;
    if (!t->id)
        return EC_ERR_NOT_FOUND;
    if (ec_tztime_load(t->zone_name, &t->zone) < 0) {
        ec_log_warn("tenant %s: unknown time zone %s; catalog times in UTC",
                    slug, t->zone_name);
        t->zone = NULL;
    }
    return 0;
}

void
ec_catalog_tenant_release(struct ec_catalog_tenant *t)
{
    ec_tztime_zone_free(t->zone);
    t->zone = NULL;
}

/* ---- the statements ---- */

#define CHANNEL_COLUMNS(X)                                                     \
    X(CHANNEL_ID, "id")                                                        \
    X(CHANNEL_CODE, "code")                                                    \
    X(CHANNEL_NAME, "name")                                                    \
    X(CHANNEL_KIND, "kind")                                                    \
    X(CHANNEL_DEFAULT, "is_default")
enum channel_col { CHANNEL_COLUMNS(COL_ENUM) CHANNEL_NCOLS };
static const char *const channels_sql =
    "SELECT " CHANNEL_COLUMNS(COL_SQL) "tenant_id FROM channels"
                                       " WHERE tenant_id = ? ORDER BY id";

#define RULE_COLUMNS(X)                                                        \
    X(RULE_KIND, "r.kind")                                                     \
    X(RULE_PARAM, "r.param")                                                   \
    X(RULE_VALUE, "r.value")                                                   \
    X(RULE_CHANNEL, "c.code")
enum rule_col { RULE_COLUMNS(COL_ENUM) RULE_NCOLS };
static const char *const rules_sql = "SELECT " RULE_COLUMNS(
    COL_SQL) "r.tenant_id"
             " FROM channel_rules r JOIN channels c"
             " ON c.id = r.channel_id AND c.tenant_id = r.tenant_id"
             " WHERE r.tenant_id = ? ORDER BY r.position";

/*
 * The products' and placements' columns are their attribute tables'
 * (svc/product_attr.h), after the columns that place a row: the text is
 * made on first use and kept, so the statement stays prepared.
 */
static const char *
products_sql(void)
{
    static char sql[1024];

    if (!sql[0])
        ec_product_attr_sql(sql, sizeof(sql), "SELECT id, ", ec_product_attrs,
                            ec_product_nattrs, EC_ATTR_SQL_COLUMNS, NULL,
                            ", tenant_id FROM products WHERE tenant_id = ?");
    return sql;
}

static const char *
placements_sql(void)
{
    static char sql[1024];

    if (!sql[0])
        ec_product_attr_sql(
            sql, sizeof(sql), "SELECT pc.product_id, c.code, ",
            ec_placement_attrs, ec_placement_nattrs, EC_ATTR_SQL_COLUMNS, "pc.",
            ", pc.tenant_id FROM product_channels pc JOIN channels c"
            " ON c.id = pc.channel_id AND c.tenant_id = pc.tenant_id"
            " WHERE pc.tenant_id = ? ORDER BY pc.product_id, c.id");
    return sql;
}

/* The attributes of a table from a row's values, from position first on. */
static void
attrs_from_row(const struct ec_product_attr *attrs, size_t n,
               const struct ec_db_row *row, unsigned first, struct ec_arena *a,
               void *base)
{
    unsigned col = first;

    for (size_t i = 0; i < n; i++)
        if (attrs[i].column)
            ec_product_attr_from_sql(&attrs[i], row->vals[col++], a, base);
}

#define ADDON_COLUMNS(X)                                                       \
    X(ADDON_PLAN, "ac.plan_id")                                                \
    X(ADDON_SKU, "a.sku")                                                      \
    X(ADDON_CHANNEL, "c.code")
enum addon_col { ADDON_COLUMNS(COL_ENUM) ADDON_NCOLS };
static const char *const addons_sql = "SELECT " ADDON_COLUMNS(
    COL_SQL) "ac.tenant_id FROM addon_compat ac"
             " JOIN products a ON a.id = ac.addon_id AND a.tenant_id = "
             "ac.tenant_id"
             " LEFT JOIN channels c"
             " ON c.id = ac.channel_id AND c.tenant_id = ac.tenant_id"
             " WHERE ac.tenant_id = ?"
             " ORDER BY ac.plan_id, ac.addon_id, c.id IS NOT NULL, c.id";

#define CAMPAIGN_COLUMNS(X)                                                    \
    X(CAMPAIGN_ID, "id")                                                       \
    X(CAMPAIGN_CODE, "code")                                                   \
    X(CAMPAIGN_NAME, "name")                                                   \
    X(CAMPAIGN_VALID_FROM, "UNIX_TIMESTAMP(valid_from)")                       \
    X(CAMPAIGN_VALID_TO, "UNIX_TIMESTAMP(valid_to)")                           \
    X(CAMPAIGN_PRIORITY, "priority")                                           \
    X(CAMPAIGN_STACKING, "stacking")                                           \
    X(CAMPAIGN_REQUIRED_BINDING, "required_binding")                           \
    X(CAMPAIGN_CREATED_AT, "UNIX_TIMESTAMP(created_at)")
enum campaign_col { CAMPAIGN_COLUMNS(COL_ENUM) CAMPAIGN_NCOLS };
static const char *const campaigns_sql =
    "SELECT " CAMPAIGN_COLUMNS(COL_SQL) "tenant_id FROM campaigns"
                                        " WHERE tenant_id = ? ORDER BY id";

/* a campaign's products and channels: (campaign id, SKU or code) */
enum item_col { ITEM_CAMPAIGN, ITEM_VALUE, ITEM_NCOLS };
static const char *const campaign_products_sql =
    "SELECT cp.campaign_id, p.sku, cp.tenant_id FROM campaign_products cp"
    " JOIN products p ON p.id = cp.product_id AND p.tenant_id = cp.tenant_id"
    " WHERE cp.tenant_id = ? ORDER BY cp.campaign_id, p.id";
static const char *const campaign_channels_sql =
    "SELECT cc.campaign_id, c.code, cc.tenant_id FROM campaign_channels cc"
    " JOIN channels c ON c.id = cc.channel_id AND c.tenant_id = cc.tenant_id"
    " WHERE cc.tenant_id = ? ORDER BY cc.campaign_id, c.id";

#define ACTION_COLUMNS(X)                                                      \
    X(ACTION_CAMPAIGN, "campaign_id")                                          \
    X(ACTION_KIND, "kind")                                                     \
    X(ACTION_VALUE, "value")                                                   \
    X(ACTION_FIRST_MONTH, "first_month")                                       \
    X(ACTION_MONTHS, "months")                                                 \
    X(ACTION_FEES, "fees")
enum action_col { ACTION_COLUMNS(COL_ENUM) ACTION_NCOLS };
static const char *const campaign_actions_sql = "SELECT " ACTION_COLUMNS(
    COL_SQL) "tenant_id FROM campaign_actions"
             " WHERE tenant_id = ? ORDER BY campaign_id, position";

/* ---- rows ---- */

/* A product's position in the sorted array, found by id. */
struct id_pos {
    long long id;
    size_t pos;
};

/* A SKU or channel code of a campaign, or one of its actions, by owner. */
struct campaign_item {
    size_t owner; /* position in the reader's campaigns */
    const char *s;
};

struct campaign_action {
    size_t owner;
    struct ec_promotion_action a;
};

struct reader {
    struct ec_arena *a;
    struct vec channels, rules, products;
    struct id_pos *by_id;
    size_t nproducts;
    struct vec placements, placement_owner; /* owner: product position */
    struct vec addons, addon_owner, addon_first, addon_codes;
    struct vec campaigns; /* struct ec_promotion_campaign, by id */
    struct vec campaign_skus, campaign_channels, campaign_actions;
};

/* nchannels of an add-on a NULL channel row offers in every channel */
#define EVERY_CHANNEL ((size_t)-1)

/* Every row carries its columns and the trailing tenant_id. */
#define COLUMNS_OR_FAIL(row, n)                                                \
    do {                                                                       \
        if ((row)->ncols != (unsigned)(n) + 1)                                 \
            return EC_ERR_INTERNAL;                                            \
    } while (0)

static int
channel_row(const struct ec_db_row *row, void *ctx)
{
    struct reader *l = ctx;
    struct ec_catalog_doc_channel *ch;

    COLUMNS_OR_FAIL(row, CHANNEL_NCOLS);
    ch = vec_push(l->a, &l->channels, sizeof(*ch));
    ch->id = col_int(row, CHANNEL_ID, 0);
    ch->code = col_str(l->a, row, CHANNEL_CODE);
    ch->name = col_str(l->a, row, CHANNEL_NAME);
    ch->kind = (enum ec_channel_kind)col_name(
        row, CHANNEL_KIND, ec_channel_kind_names, EC_CHANNEL_CUSTOM);
    ch->is_default = col_int(row, CHANNEL_DEFAULT, 0) != 0;
    return 0;
}

static int
rule_row(const struct ec_db_row *row, void *ctx)
{
    struct reader *l = ctx;
    struct ec_catalog_doc_rule *r;

    COLUMNS_OR_FAIL(row, RULE_NCOLS);
    r = vec_push(l->a, &l->rules, sizeof(*r));
    r->kind = (enum ec_rule_kind)col_name(row, RULE_KIND, ec_rule_kind_names,
                                          EC_RULE_HEADER);
    r->param = col_str(l->a, row, RULE_PARAM);
    r->value = col_str(l->a, row, RULE_VALUE);
    r->channel = col_str(l->a, row, RULE_CHANNEL);
    return 0;
}

static int
product_row(const struct ec_db_row *row, void *ctx)
{
    struct reader *l = ctx;
    struct ec_product *p;

    /* id, the attributes, tenant_id */
    if (row->ncols !=
        ec_product_attr_ncolumns(ec_product_attrs, ec_product_nattrs) + 2)
        return EC_ERR_INTERNAL;
    p = vec_push(l->a, &l->products, sizeof(*p));
    p->id = col_int(row, 0, 0);
    attrs_from_row(ec_product_attrs, ec_product_nattrs, row, 1, l->a, p);
    return 0;
}

static int
id_pos_cmp(const void *a, const void *b)
{
    const struct id_pos *x = a, *y = b;

    return x->id < y->id ? -1 : x->id > y->id;
}

/* The position of product id, or -1 (a row the reader cannot place). */
static long
product_pos(const struct reader *l, long long id)
{
    struct id_pos key = {id, 0}, *hit;

    hit = bsearch(&key, l->by_id, l->nproducts, sizeof(*l->by_id), id_pos_cmp);
    return hit ? (long)hit->pos : -1;
}

static int
placement_row(const struct ec_db_row *row, void *ctx)
{
    struct reader *l = ctx;
    struct ec_placement *pl;
    long pos;

    /* product id, channel code, the attributes, tenant_id */
    if (row->ncols !=
        ec_product_attr_ncolumns(ec_placement_attrs, ec_placement_nattrs) + 3)
        return EC_ERR_INTERNAL;
    pos = product_pos(l, col_int(row, 0, 0));
    if (pos < 0)
        return 0;
    *(size_t *)vec_push(l->a, &l->placement_owner, sizeof(size_t)) =
        (size_t)pos;
    pl = vec_push(l->a, &l->placements, sizeof(*pl));
    pl->channel = col_str(l->a, row, 1);
    attrs_from_row(ec_placement_attrs, ec_placement_nattrs, row, 2, l->a, pl);
    return 0;
}

/*
 * Rows come ordered by plan, add-on, channel with NULL (every channel)
 * first; one add-on of a plan spans consecutive rows. Its channel codes
 * collect in addon_codes from index addon_first on, and become pointers
 * once the query is done (the vector may move while it grows).
 */
static int
addon_row(const struct ec_db_row *row, void *ctx)
{
    struct reader *l = ctx;
    struct ec_product_addon *a = NULL;
    size_t *owners = l->addon_owner.items;
    long pos;

    COLUMNS_OR_FAIL(row, ADDON_NCOLS);
    pos = product_pos(l, col_int(row, ADDON_PLAN, 0));
    if (pos < 0)
        return 0;
    if (l->addons.n && owners[l->addons.n - 1] == (size_t)pos) {
        a = (struct ec_product_addon *)l->addons.items + l->addons.n - 1;
        if (strcmp(a->sku, row->vals[ADDON_SKU]) != 0)
            a = NULL;
    }
    if (!a) {
        *(size_t *)vec_push(l->a, &l->addon_owner, sizeof(size_t)) =
            (size_t)pos;
        a = vec_push(l->a, &l->addons, sizeof(*a));
        *(size_t *)vec_push(l->a, &l->addon_first, sizeof(size_t)) =
            l->addon_codes.n;
        a->sku = col_str(l->a, row, ADDON_SKU);
        a->nchannels = row->vals[ADDON_CHANNEL] ? 0 : EVERY_CHANNEL;
    }
    if (row->vals[ADDON_CHANNEL] && a->nchannels != EVERY_CHANNEL) {
        *(const char **)vec_push(l->a, &l->addon_codes, sizeof(char *)) =
            col_str(l->a, row, ADDON_CHANNEL);
        a->nchannels++;
    }
    return 0;
}

static int
product_cmp(const void *a, const void *b)
{
    const struct ec_product *x = a, *y = b;

    return strcmp(x->sku, y->sku);
}

/* Hand consecutive runs of placements of one product to that product. */
static void
attach_placements(struct ec_catalog_doc *doc, struct reader *l)
{
    struct ec_placement *pl = l->placements.items;
    size_t *owner = l->placement_owner.items;

    for (size_t i = 0; i < l->placements.n; i++) {
        struct ec_product *p = &doc->products[owner[i]];

        if (!p->placements)
            p->placements = &pl[i];
        /* rows of one product are consecutive (ORDER BY product_id) */
        if (&p->placements[p->nplacements] == &pl[i])
            p->nplacements++;
    }
}

static void
attach_addons(struct ec_catalog_doc *doc, struct reader *l)
{
    struct ec_product_addon *a = l->addons.items;
    const char **codes = l->addon_codes.items;
    size_t *owner = l->addon_owner.items, *first = l->addon_first.items;

    for (size_t i = 0; i < l->addons.n; i++) {
        struct ec_product *p = &doc->products[owner[i]];

        if (a[i].nchannels == EVERY_CHANNEL || a[i].nchannels == 0) {
            a[i].channels = NULL;
            a[i].nchannels = 0;
        } else {
            a[i].channels = &codes[first[i]];
        }
        if (!p->addons)
            p->addons = &a[i];
        if (&p->addons[p->naddons] == &a[i])
            p->naddons++;
    }
}

/* ---- campaigns ---- */

static int
campaign_row(const struct ec_db_row *row, void *ctx)
{
    struct reader *l = ctx;
    struct ec_promotion_campaign *c;

    COLUMNS_OR_FAIL(row, CAMPAIGN_NCOLS);
    c = vec_push(l->a, &l->campaigns, sizeof(*c));
    c->id = col_int(row, CAMPAIGN_ID, 0);
    c->code = col_str(l->a, row, CAMPAIGN_CODE);
    c->name = col_str(l->a, row, CAMPAIGN_NAME);
    c->valid_from = col_int(row, CAMPAIGN_VALID_FROM, 0);
    c->valid_to = col_int(row, CAMPAIGN_VALID_TO, 0);
    c->priority = (int)col_int(row, CAMPAIGN_PRIORITY, 0);
    c->stacking = (enum ec_promotion_stacking)col_name(
        row, CAMPAIGN_STACKING, ec_promotion_stacking_names,
        EC_PROMOTION_EXCLUSIVE);
    c->required_binding = (int)col_int(row, CAMPAIGN_REQUIRED_BINDING, 0);
    c->created_at = col_int(row, CAMPAIGN_CREATED_AT, 0);
    return 0;
}

/* The position of campaign id among those read (by id), or -1. */
static long
campaign_pos(const struct reader *l, long long id)
{
    const struct ec_promotion_campaign *c = l->campaigns.items;
    size_t lo = 0, hi = l->campaigns.n;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;

        if (c[mid].id == id)
            return (long)mid;
        if (c[mid].id < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -1;
}

static int
campaign_item_row(struct reader *l, const struct ec_db_row *row, struct vec *v)
{
    struct campaign_item *it;
    long pos;

    COLUMNS_OR_FAIL(row, ITEM_NCOLS);
    pos = campaign_pos(l, col_int(row, ITEM_CAMPAIGN, 0));
    if (pos < 0)
        return 0;
    it = vec_push(l->a, v, sizeof(*it));
    it->owner = (size_t)pos;
    it->s = col_str(l->a, row, ITEM_VALUE);
    return 0;
}

static int
campaign_sku_row(const struct ec_db_row *row, void *ctx)
{
    struct reader *l = ctx;

    return campaign_item_row(l, row, &l->campaign_skus);
}

static int
campaign_channel_row(const struct ec_db_row *row, void *ctx)
{
    struct reader *l = ctx;

    return campaign_item_row(l, row, &l->campaign_channels);
}

static int
campaign_action_row(const struct ec_db_row *row, void *ctx)
{
    struct reader *l = ctx;
    struct campaign_action *ca;
    struct ec_promotion_action *a;
    long pos;
    int k;

    COLUMNS_OR_FAIL(row, ACTION_NCOLS);
    pos = campaign_pos(l, col_int(row, ACTION_CAMPAIGN, 0));
    if (pos < 0)
        return 0;
    ca = vec_push(l->a, &l->campaign_actions, sizeof(*ca));
    ca->owner = (size_t)pos;
    a = &ca->a;
    /* an unknown kind reads as 0, which the engine explains as invalid */
    k = col_name(row, ACTION_KIND, ec_promotion_action_kind_names, -1);
    a->kind = (enum ec_promotion_action_kind)(k + 1);
    a->value = col_int(row, ACTION_VALUE, 0);
    /* the document's canonical form: what the engine reads them as */
    if (a->kind == EC_PROMOTION_WAIVE_FEE ||
        a->kind == EC_PROMOTION_REDUCE_FEE) {
        a->first_month = 1;
        a->months = 0;
        a->fees = ec_db_set_bits(row->vals[ACTION_FEES], ec_fee_names, 2);
    } else {
        a->first_month = (int)col_int(row, ACTION_FIRST_MONTH, 1);
        if (a->first_month < 1)
            a->first_month = 1;
        a->months = (int)col_int(row, ACTION_MONTHS, 0);
    }
    return 0;
}

/*
 * Give each campaign its run of items from v: rows come ordered by
 * campaign id, and so are the campaigns read, so one campaign's rows are
 * consecutive.
 */
static void
attach_strings(struct reader *l, struct vec *v, int channels)
{
    struct ec_promotion_campaign *cs = l->campaigns.items;
    struct campaign_item *it = v->items;

    for (size_t i = 0, j; i < v->n; i = j) {
        struct ec_promotion_campaign *c = &cs[it[i].owner];
        const char **list;

        for (j = i; j < v->n && it[j].owner == it[i].owner; j++)
            ;
        list = ec_arena_calloc(l->a, j - i, sizeof(*list));
        for (size_t k = i; k < j; k++)
            list[k - i] = it[k].s;
        if (channels) {
            c->channels = list;
            c->n_channels = j - i;
        } else {
            c->skus = list;
            c->n_skus = j - i;
        }
    }
}

static void
attach_actions(struct reader *l)
{
    struct ec_promotion_campaign *cs = l->campaigns.items;
    struct campaign_action *ca = l->campaign_actions.items;
    size_t n = l->campaign_actions.n;

    for (size_t i = 0, j; i < n; i = j) {
        struct ec_promotion_campaign *c = &cs[ca[i].owner];
        struct ec_promotion_action *acts;

        for (j = i; j < n && ca[j].owner == ca[i].owner; j++)
            ;
        acts = ec_arena_calloc(l->a, j - i, sizeof(*acts));
        for (size_t k = i; k < j; k++)
            acts[k - i] = ca[k].a;
        c->actions = acts;
        c->n_actions = j - i;
    }
}

int
ec_catalog_read(struct ec_db *db, long long tenant_id,
                struct ec_catalog_doc *doc)
{
    struct ec_db_param t[] = {EC_DB_I(tenant_id)};
    struct ec_product *products;
    struct reader l;
    int rc;

    memset(&l, 0, sizeof(l));
    l.a = &doc->arena;
    if ((rc = ec_db_exec(db, channels_sql, t, 1, channel_row, &l, NULL)) < 0 ||
        (rc = ec_db_exec(db, rules_sql, t, 1, rule_row, &l, NULL)) < 0 ||
        (rc = ec_db_exec(db, products_sql(), t, 1, product_row, &l, NULL)) < 0)
        return rc;

    /* byte order, not the collation's: exports must not depend on it */
    products = l.products.items;
    l.nproducts = l.products.n;
    if (l.nproducts)
        qsort(products, l.nproducts, sizeof(*products), product_cmp);
    l.by_id = ec_arena_calloc(l.a, l.nproducts + 1, sizeof(*l.by_id));
    for (size_t i = 0; i < l.nproducts; i++)
        l.by_id[i] = (struct id_pos){products[i].id, i};
    if (l.nproducts)
        qsort(l.by_id, l.nproducts, sizeof(*l.by_id), id_pos_cmp);

    if ((rc = ec_db_exec(db, placements_sql(), t, 1, placement_row, &l, NULL)) <
            0 ||
        (rc = ec_db_exec(db, addons_sql, t, 1, addon_row, &l, NULL)) < 0 ||
        (rc = ec_db_exec(db, campaigns_sql, t, 1, campaign_row, &l, NULL)) <
            0 ||
        (rc = ec_db_exec(db, campaign_products_sql, t, 1, campaign_sku_row, &l,
                         NULL)) < 0 ||
        (rc = ec_db_exec(db, campaign_channels_sql, t, 1, campaign_channel_row,
                         &l, NULL)) < 0 ||
        (rc = ec_db_exec(db, campaign_actions_sql, t, 1, campaign_action_row,
                         &l, NULL)) < 0)
        return rc;

    doc->channels = l.channels.items;
    doc->nchannels = l.channels.n;
    doc->rules = l.rules.items;
    doc->nrules = l.rules.n;
    doc->products = products;
    doc->nproducts = l.nproducts;
    attach_placements(doc, &l);
    attach_addons(doc, &l);
    attach_strings(&l, &l.campaign_skus, 0);
    attach_strings(&l, &l.campaign_channels, 1);
    attach_actions(&l);
    doc->campaigns = l.campaigns.items;
    doc->ncampaigns = l.campaigns.n;
    return 0;
}
