#include "svc/catalog_io.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <json-c/json.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/log.h"
#include "core/tztime.h"
#include "store/db.h"
#include "svc/catalog_doc.h"

#define BINDING_MAX 6

static const struct ec_db_param null_param = {EC_DB_NULL, NULL, 0, 0};

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

static struct ec_db_param
str_or_null(const char *s)
{
    return s ? EC_DB_S(s) : null_param;
}

static const char *
dup_col(struct ec_arena *a, const struct ec_db_row *row, unsigned i)
{
    return row->vals[i] ? ec_arena_strdup(a, row->vals[i]) : NULL;
}

static long long
int_col(const struct ec_db_row *row, unsigned i, long long if_null)
{
    return row->vals[i] ? strtoll(row->vals[i], NULL, 10) : if_null;
}

/* "physical,esim" (a MySQL SET) as a mask, and back */
static const char *const sim_names[] = {"physical", "esim"};

static unsigned
sim_mask(const char *set)
{
    /* bit 0 physical, bit 1 esim: the EC_CATALOG_DOC_PHYSICAL/ESIM bits */
    return ec_db_set_bits(set, sim_names, 2);
}

static const char *
sim_set(unsigned mask)
{
    switch (mask & (EC_CATALOG_DOC_PHYSICAL | EC_CATALOG_DOC_ESIM)) {
    case EC_CATALOG_DOC_PHYSICAL:
        return "physical";
    case EC_CATALOG_DOC_ESIM:
        return "esim";
    case EC_CATALOG_DOC_PHYSICAL | EC_CATALOG_DOC_ESIM:
        return "physical,esim";
    }
    return "";
}

/* A mask for a change line: "0,6" or "physical,esim". */
static void
add_mask(struct ec_buf *b, unsigned mask, int sims)
{
    if (sims) {
        ec_buf_adds(b, sim_set(mask));
        return;
    }
    for (unsigned i = 0, n = 0; i <= BINDING_MAX; i++)
        if (mask & (1u << i))
            ec_buf_addf(b, "%s%u", n++ ? "," : "", i);
}

static int
str_eq(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

/* ---- the tenant ---- */

static int
id_row(const struct ec_db_row *row, void *ctx)
{
    *(long long *)ctx = int_col(row, 0, 0);
    return 0;
}

/* A tenant: its id and its time zone (NULL when it cannot be loaded). */
struct tenant {
    long long id;
    char zone_name[65];
    struct ec_tztime_zone *zone;
};

static int
tenant_row(const struct ec_db_row *row, void *ctx)
{
    struct tenant *t = ctx;

    t->id = int_col(row, 0, 0);
    snprintf(t->zone_name, sizeof(t->zone_name), "%s",
             row->vals[1] ? row->vals[1] : "");
    return 0;
}

/*
 * The tenant slug into *t, with its time zone loaded (the caller frees it
 * with ec_tztime_zone_free); locked till the end of the transaction when
 * lock is set, so two imports of one tenant run one after the other. A
 * zone that cannot be loaded leaves t->zone NULL: documents are then
 * written in UTC and local times in them refused, never guessed at.
 */
static int
tenant_load(struct ec_db *db, const char *slug, int lock, struct tenant *t)
{
    struct ec_db_param p[] = {EC_DB_S(slug)};
    int rc;

    memset(t, 0, sizeof(*t));
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

/* ---- loading what the database holds ---- */

/*
 * The tenant's catalog as a document, with the database ids of its
 * channels, products and campaigns alongside (ids[i] belongs to
 * doc.channels[i], doc.products[i] or doc.campaigns[i]). Products are in
 * SKU byte order and campaigns in code byte order, which
 * ec_catalog_doc_sort keeps.
 */
struct current {
    struct ec_catalog_doc doc;
    long long *channel_ids;
    long long *product_ids;
    long long *campaign_ids;
};

struct loaded_product {
    long long id;
    struct ec_catalog_doc_product p;
};

/* A product's position in the sorted array, found by id. */
struct id_pos {
    long long id;
    size_t pos;
};

struct loaded_campaign {
    long long id;
    struct ec_catalog_doc_campaign c;
};

/* A SKU or channel code of a campaign, or one of its actions, by owner. */
struct campaign_item {
    size_t owner; /* position in the loader's campaigns */
    const char *s;
};

struct campaign_action {
    size_t owner;
    struct ec_catalog_doc_action a;
};

struct loader {
    struct ec_arena *a;
    long long tenant;
    struct vec channels, channel_ids, rules, products;
    struct id_pos *by_id;
    size_t nproducts;
    struct vec entries, entry_owner; /* owner: product position */
    struct vec addons, addon_owner, addon_first, addon_codes;
    struct vec campaigns; /* struct loaded_campaign, by id */
    struct vec campaign_skus, campaign_channels, campaign_actions;
};

/* nchannels of an add-on a NULL channel row offers in every channel */
#define EVERY_CHANNEL ((size_t)-1)

static int
channel_row(const struct ec_db_row *row, void *ctx)
{
    struct loader *l = ctx;
    struct ec_catalog_doc_channel *ch;

    *(long long *)vec_push(l->a, &l->channel_ids, sizeof(long long)) =
        int_col(row, 0, 0);
    ch = vec_push(l->a, &l->channels, sizeof(*ch));
    ch->code = dup_col(l->a, row, 1);
    ch->name = dup_col(l->a, row, 2);
    ch->kind = dup_col(l->a, row, 3);
    ch->is_default = int_col(row, 4, 0) != 0;
    return 0;
}

static int
rule_row(const struct ec_db_row *row, void *ctx)
{
    struct loader *l = ctx;
    struct ec_catalog_doc_rule *r = vec_push(l->a, &l->rules, sizeof(*r));

    r->kind = dup_col(l->a, row, 0);
    r->param = dup_col(l->a, row, 1);
    r->value = dup_col(l->a, row, 2);
    r->channel = dup_col(l->a, row, 3);
    return 0;
}

static int
product_row(const struct ec_db_row *row, void *ctx)
{
    struct loader *l = ctx;
    struct loaded_product *lp = vec_push(l->a, &l->products, sizeof(*lp));
    struct ec_catalog_doc_product *p = &lp->p;

    lp->id = int_col(row, 0, 0);
    p->sku = dup_col(l->a, row, 1);
    p->kind = dup_col(l->a, row, 2);
    p->status = dup_col(l->a, row, 3);
    p->name = dup_col(l->a, row, 4);
    p->description = dup_col(l->a, row, 5);
    p->data_gb = int_col(row, 6, EC_CATALOG_DOC_UNLIMITED);
    p->talk_minutes = int_col(row, 7, EC_CATALOG_DOC_UNLIMITED);
    p->network = dup_col(l->a, row, 8);
    p->eu_data_gb = int_col(row, 9, 0);
    p->monthly_price = int_col(row, 10, 0);
    p->fee_startup = int_col(row, 11, 0);
    p->fee_sim = int_col(row, 12, 0);
    p->binding_months = (unsigned)int_col(row, 13, 0);
    p->sim_types = sim_mask(row->vals[14]);
    return 0;
}

static int
id_pos_cmp(const void *a, const void *b)
{
    const struct id_pos *x = a, *y = b;

    return x->id < y->id ? -1 : x->id > y->id;
}

/* The position of product id, or -1 (a row the loader cannot place). */
static long
product_pos(const struct loader *l, long long id)
{
    struct id_pos key = {id, 0}, *hit;

    hit = bsearch(&key, l->by_id, l->nproducts, sizeof(*l->by_id), id_pos_cmp);
    return hit ? (long)hit->pos : -1;
}

static int
entry_row(const struct ec_db_row *row, void *ctx)
{
    struct loader *l = ctx;
    struct ec_catalog_doc_entry *e;
    long pos = product_pos(l, int_col(row, 0, 0));

    if (pos < 0)
        return 0;
    *(size_t *)vec_push(l->a, &l->entry_owner, sizeof(size_t)) = (size_t)pos;
    e = vec_push(l->a, &l->entries, sizeof(*e));
    e->channel = dup_col(l->a, row, 1);
    e->visible = int_col(row, 2, 0) != 0;
    e->name = dup_col(l->a, row, 3);
    e->sort = int_col(row, 4, 0);
    e->sim_types = sim_mask(row->vals[5]);
    e->binding_months = (unsigned)int_col(row, 6, 0);
    e->monthly_price = int_col(row, 7, EC_CATALOG_DOC_NO_PRICE);
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
    struct loader *l = ctx;
    struct ec_catalog_doc_addon *a = NULL;
    long pos = product_pos(l, int_col(row, 0, 0));
    size_t *owners = l->addon_owner.items;

    if (pos < 0)
        return 0;
    if (l->addons.n && owners[l->addons.n - 1] == (size_t)pos) {
        a = (struct ec_catalog_doc_addon *)l->addons.items + l->addons.n - 1;
        if (strcmp(a->sku, row->vals[1]) != 0)
            a = NULL;
    }
    if (!a) {
        *(size_t *)vec_push(l->a, &l->addon_owner, sizeof(size_t)) =
            (size_t)pos;
        a = vec_push(l->a, &l->addons, sizeof(*a));
        *(size_t *)vec_push(l->a, &l->addon_first, sizeof(size_t)) =
            l->addon_codes.n;
        a->sku = dup_col(l->a, row, 1);
        a->nchannels = row->vals[2] ? 0 : EVERY_CHANNEL;
    }
    if (row->vals[2] && a->nchannels != EVERY_CHANNEL) {
        *(const char **)vec_push(l->a, &l->addon_codes, sizeof(char *)) =
            dup_col(l->a, row, 2);
        a->nchannels++;
    }
    return 0;
}

static int
loaded_cmp(const void *a, const void *b)
{
    const struct loaded_product *x = a, *y = b;

    return strcmp(x->p.sku, y->p.sku);
}

/* Hand consecutive runs of items owned by one product to that product. */
static void
attach_entries(struct current *cur, struct loader *l)
{
    struct ec_catalog_doc_entry *e = l->entries.items;
    size_t *owner = l->entry_owner.items;

    for (size_t i = 0; i < l->entries.n; i++) {
        struct ec_catalog_doc_product *p = &cur->doc.products[owner[i]];

        if (!p->entries)
            p->entries = &e[i];
        /* rows of one product are consecutive (ORDER BY product_id) */
        if (&p->entries[p->nentries] == &e[i])
            p->nentries++;
    }
}

static void
attach_addons(struct current *cur, struct loader *l)
{
    struct ec_catalog_doc_addon *a = l->addons.items;
    const char **codes = l->addon_codes.items;
    size_t *owner = l->addon_owner.items, *first = l->addon_first.items;

    for (size_t i = 0; i < l->addons.n; i++) {
        struct ec_catalog_doc_product *p = &cur->doc.products[owner[i]];

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

/* "startup,sim" (a MySQL SET) as EC_CATALOG_DOC_FEE_* bits, and back */
static unsigned
fee_mask(const char *set)
{
    static const char *const names[] = {"startup", "sim"};
    unsigned bits = ec_db_set_bits(set, names, 2);

    return (bits & 1u ? EC_CATALOG_DOC_FEE_STARTUP : 0) |
           (bits & 2u ? EC_CATALOG_DOC_FEE_SIM : 0);
}

static const char *
fee_set(unsigned mask)
{
    switch (mask & (EC_CATALOG_DOC_FEE_STARTUP | EC_CATALOG_DOC_FEE_SIM)) {
    case EC_CATALOG_DOC_FEE_STARTUP:
        return "startup";
    case EC_CATALOG_DOC_FEE_SIM:
        return "sim";
    case EC_CATALOG_DOC_FEE_STARTUP | EC_CATALOG_DOC_FEE_SIM:
        return "startup,sim";
    }
    return NULL;
}

static int
is_fee_action(const char *kind)
{
    return strcmp(kind, "waive_fee") == 0 || strcmp(kind, "reduce_fee") == 0;
}

static int
campaign_row(const struct ec_db_row *row, void *ctx)
{
    struct loader *l = ctx;
    struct loaded_campaign *lc = vec_push(l->a, &l->campaigns, sizeof(*lc));
    struct ec_catalog_doc_campaign *c = &lc->c;

    lc->id = int_col(row, 0, 0);
    c->code = dup_col(l->a, row, 1);
    c->name = dup_col(l->a, row, 2);
    c->valid_from = int_col(row, 3, 0);
    c->valid_to = int_col(row, 4, 0);
    c->priority = int_col(row, 5, 0);
    c->stacking = dup_col(l->a, row, 6);
    c->required_binding = int_col(row, 7, 0);
    return 0;
}

/* The position of campaign id among those loaded (by id), or -1. */
static long
campaign_pos(const struct loader *l, long long id)
{
    const struct loaded_campaign *lc = l->campaigns.items;
    size_t lo = 0, hi = l->campaigns.n;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;

        if (lc[mid].id == id)
            return (long)mid;
        if (lc[mid].id < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -1;
}

static int
campaign_item_row(struct loader *l, const struct ec_db_row *row, struct vec *v)
{
    long pos = campaign_pos(l, int_col(row, 0, 0));
    struct campaign_item *it;

    if (pos < 0)
        return 0;
    it = vec_push(l->a, v, sizeof(*it));
    it->owner = (size_t)pos;
    it->s = dup_col(l->a, row, 1);
    return 0;
}

static int
campaign_sku_row(const struct ec_db_row *row, void *ctx)
{
    struct loader *l = ctx;

    return campaign_item_row(l, row, &l->campaign_skus);
}

static int
campaign_channel_row(const struct ec_db_row *row, void *ctx)
{
    struct loader *l = ctx;

    return campaign_item_row(l, row, &l->campaign_channels);
}

static int
campaign_action_row(const struct ec_db_row *row, void *ctx)
{
    struct loader *l = ctx;
    long pos = campaign_pos(l, int_col(row, 0, 0));
    struct campaign_action *ca;
    struct ec_catalog_doc_action *a;

    if (pos < 0)
        return 0;
    ca = vec_push(l->a, &l->campaign_actions, sizeof(*ca));
    ca->owner = (size_t)pos;
    a = &ca->a;
    a->kind = dup_col(l->a, row, 1);
    a->value = int_col(row, 2, 0);
    /* the document's canonical form: what the engine reads them as */
    if (is_fee_action(a->kind)) {
        a->first_month = 1;
        a->months = 0;
        a->fees = fee_mask(row->vals[5]);
    } else {
        a->first_month = int_col(row, 3, 1);
        if (a->first_month < 1)
            a->first_month = 1;
        a->months = int_col(row, 4, 0);
    }
    return 0;
}

/*
 * Give each campaign of l its run of items from v: rows come ordered by
 * campaign id, and so are the loaded campaigns, so one campaign's rows
 * are consecutive.
 */
static void
attach_strings(struct loader *l, struct vec *v, int channels)
{
    struct loaded_campaign *lc = l->campaigns.items;
    struct campaign_item *it = v->items;

    for (size_t i = 0, j; i < v->n; i = j) {
        struct ec_catalog_doc_campaign *c = &lc[it[i].owner].c;
        const char **list;

        for (j = i; j < v->n && it[j].owner == it[i].owner; j++)
            ;
        list = ec_arena_calloc(l->a, j - i, sizeof(*list));
        for (size_t k = i; k < j; k++)
            list[k - i] = it[k].s;
        if (channels) {
            c->channels = list;
            c->nchannels = j - i;
        } else {
            c->products = list;
            c->nproducts = j - i;
        }
    }
}

static int
loaded_campaign_cmp(const void *a, const void *b)
{
    const struct loaded_campaign *x = a, *y = b;

    return strcmp(x->c.code, y->c.code);
}

/* The tenant's campaigns into cur, in code byte order. */
static int
load_campaigns(struct ec_db *db, struct loader *l, struct current *cur)
{
    struct ec_db_param t[] = {EC_DB_I(l->tenant)};
    struct loaded_campaign *lc;
    struct campaign_action *ca;
    size_t n;
    int rc;

    rc = ec_db_exec(db,
                    "SELECT id, code, name, UNIX_TIMESTAMP(valid_from),"
                    " UNIX_TIMESTAMP(valid_to), priority, stacking,"
                    " required_binding FROM campaigns"
                    " WHERE tenant_id = ? ORDER BY id",
                    t, 1, campaign_row, l, NULL);
    if (rc < 0)
        return rc;
    rc = ec_db_exec(db,
                    "SELECT cp.campaign_id, p.sku FROM campaign_products cp"
                    " JOIN products p"
                    " ON p.id = cp.product_id AND p.tenant_id = cp.tenant_id"
                    " WHERE cp.tenant_id = ? ORDER BY cp.campaign_id, p.id",
                    t, 1, campaign_sku_row, l, NULL);
    if (rc < 0)
        return rc;
    rc = ec_db_exec(db,
                    "SELECT cc.campaign_id, c.code FROM campaign_channels cc"
                    " JOIN channels c"
                    " ON c.id = cc.channel_id AND c.tenant_id = cc.tenant_id"
                    " WHERE cc.tenant_id = ? ORDER BY cc.campaign_id, c.id",
                    t, 1, campaign_channel_row, l, NULL);
    if (rc < 0)
        return rc;
    rc = ec_db_exec(db,
                    "SELECT campaign_id, kind, value, first_month, months,"
                    " fees FROM campaign_actions"
                    " WHERE tenant_id = ? ORDER BY campaign_id, position",
                    t, 1, campaign_action_row, l, NULL);
    if (rc < 0)
        return rc;

    lc = l->campaigns.items;
    n = l->campaigns.n;
    attach_strings(l, &l->campaign_skus, 0);
    attach_strings(l, &l->campaign_channels, 1);
    ca = l->campaign_actions.items;
    for (size_t i = 0, j; i < l->campaign_actions.n; i = j) {
        struct ec_catalog_doc_campaign *c = &lc[ca[i].owner].c;

        for (j = i; j < l->campaign_actions.n && ca[j].owner == ca[i].owner;
             j++)
            ;
        c->actions = ec_arena_calloc(l->a, j - i, sizeof(*c->actions));
        for (size_t k = i; k < j; k++)
            c->actions[c->nactions++] = ca[k].a;
    }
    /* byte order, not the collation's, as for products */
    if (n)
        qsort(lc, n, sizeof(*lc), loaded_campaign_cmp);
    cur->doc.campaigns =
        ec_arena_calloc(l->a, n + 1, sizeof(*cur->doc.campaigns));
    cur->campaign_ids = ec_arena_calloc(l->a, n + 1, sizeof(long long));
    for (size_t i = 0; i < n; i++) {
        cur->doc.campaigns[i] = lc[i].c;
        cur->campaign_ids[i] = lc[i].id;
    }
    cur->doc.ncampaigns = n;
    return 0;
}

static int
load(struct ec_db *db, long long tenant, struct current *cur)
{
    struct ec_db_param t[] = {EC_DB_I(tenant)};
    struct loader l;
    struct loaded_product *lp;
    int rc;

    memset(&l, 0, sizeof(l));
    l.a = &cur->doc.arena;
    l.tenant = tenant;
    rc = ec_db_exec(db,
                    "SELECT id, code, name, kind, is_default FROM channels"
                    " WHERE tenant_id = ? ORDER BY id",
                    t, 1, channel_row, &l, NULL);
    if (rc < 0)
        return rc;
    rc = ec_db_exec(db,
                    "SELECT r.kind, r.param, r.value, c.code"
                    " FROM channel_rules r JOIN channels c"
                    " ON c.id = r.channel_id AND c.tenant_id = r.tenant_id"
                    " WHERE r.tenant_id = ? ORDER BY r.position",
                    t, 1, rule_row, &l, NULL);
    if (rc < 0)
        return rc;
    rc = ec_db_exec(db,
                    "SELECT id, sku, kind, status, name, description,"
                    " data_gb, talk_minutes, network, eu_data_gb,"
                    " monthly_price, fee_startup, fee_sim, binding_months,"
                    " sim_types FROM products WHERE tenant_id = ?",
                    t, 1, product_row, &l, NULL);
    if (rc < 0)
        return rc;

    /* byte order, not the collation's: exports must not depend on it */
    lp = l.products.items;
    l.nproducts = l.products.n;
    if (l.nproducts)
        qsort(lp, l.nproducts, sizeof(*lp), loaded_cmp);
    l.by_id = ec_arena_calloc(l.a, l.nproducts + 1, sizeof(*l.by_id));
    for (size_t i = 0; i < l.nproducts; i++)
        l.by_id[i] = (struct id_pos){lp[i].id, i};
    if (l.nproducts)
        qsort(l.by_id, l.nproducts, sizeof(*l.by_id), id_pos_cmp);

    rc = ec_db_exec(db,
                    "SELECT pc.product_id, c.code, pc.visible,"
                    " pc.display_name, pc.sort_order, pc.sim_types,"
                    " pc.binding_months, pc.monthly_price"
                    " FROM product_channels pc"
                    " JOIN channels c"
                    " ON c.id = pc.channel_id AND c.tenant_id = pc.tenant_id"
                    " WHERE pc.tenant_id = ? ORDER BY pc.product_id, c.id",
                    t, 1, entry_row, &l, NULL);
    if (rc < 0)
        return rc;
    rc = ec_db_exec(db,
                    "SELECT ac.plan_id, a.sku, c.code FROM addon_compat ac"
                    " JOIN products a"
                    " ON a.id = ac.addon_id AND a.tenant_id = ac.tenant_id"
                    " LEFT JOIN channels c"
                    " ON c.id = ac.channel_id AND c.tenant_id = ac.tenant_id"
                    " WHERE ac.tenant_id = ?"
                    " ORDER BY ac.plan_id, ac.addon_id, c.id IS NOT NULL, c.id",
                    t, 1, addon_row, &l, NULL);
    if (rc < 0)
        return rc;

    cur->doc.channels = l.channels.items;
    cur->doc.nchannels = l.channels.n;
    cur->channel_ids = l.channel_ids.items;
    cur->doc.rules = l.rules.items;
    cur->doc.nrules = l.rules.n;
    cur->doc.products =
        ec_arena_calloc(l.a, l.nproducts + 1, sizeof(*cur->doc.products));
    cur->product_ids =
        ec_arena_calloc(l.a, l.nproducts + 1, sizeof(*cur->product_ids));
    for (size_t i = 0; i < l.nproducts; i++) {
        cur->doc.products[i] = lp[i].p;
        cur->product_ids[i] = lp[i].id;
    }
    cur->doc.nproducts = l.nproducts;
    attach_entries(cur, &l);
    attach_addons(cur, &l);
    return load_campaigns(db, &l, cur);
}

int
ec_catalog_io_export(struct ec_db *db, const char *slug,
                     struct json_object **out)
{
    struct current cur;
    struct tenant t;
    int rc;

    *out = NULL;
    memset(&cur, 0, sizeof(cur));
    memset(&t, 0, sizeof(t));
    ec_catalog_doc_init(&cur.doc);
    /* one transaction: the reads see one state of the catalog */
    if ((rc = ec_db_begin(db)) < 0)
        goto out;
    rc = tenant_load(db, slug, 0, &t);
    if (rc == 0)
        rc = load(db, t.id, &cur);
    ec_db_rollback(db); /* nothing was written */
    if (rc < 0)
        goto out;
    ec_catalog_doc_sort(&cur.doc);
    *out = ec_catalog_doc_to_json(&cur.doc, t.zone);
out:
    ec_tztime_zone_free(t.zone);
    ec_catalog_doc_release(&cur.doc);
    return rc;
}

/* ---- applying a document ---- */

struct import {
    struct ec_db *db;
    long long tenant;
    const struct ec_tztime_zone *zone; /* the tenant's, for change lines */
    struct ec_arena *a;
    const struct ec_catalog_doc *want;
    struct current cur;
    long long *want_channel_ids; /* parallel to want->channels */
    long long *want_product_ids; /* parallel to want->products */
    struct vec lines;            /* char *, what changed */
};

static void say(struct import *im, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
say(struct import *im, const char *fmt, ...)
{
    struct ec_buf b = EC_BUF_INIT;
    va_list ap;

    va_start(ap, fmt);
    ec_buf_vaddf(&b, fmt, ap);
    va_end(ap);
    *(char **)vec_push(im->a, &im->lines, sizeof(char *)) =
        ec_arena_strdup(im->a, b.data);
    ec_buf_release(&b);
}

/*
 * The fields of a change line: those with short values as "old -> new"
 * first, then those too long to show (texts, entry and add-on lists) by
 * name: "monthly_price 19900 -> 17900, kind web_sub -> app, name".
 */
struct fields {
    struct ec_buf values;
    struct ec_buf names;
};

static void
fields_reset(struct fields *f)
{
    ec_buf_reset(&f->values);
    ec_buf_reset(&f->names);
}

static void
fields_release(struct fields *f)
{
    ec_buf_release(&f->values);
    ec_buf_release(&f->names);
}

static int
fields_any(const struct fields *f)
{
    return f->values.len || f->names.len;
}

/* values, then names, as one line */
static const char *
fields_text(struct fields *f)
{
    if (f->values.len && f->names.len)
        ec_buf_adds(&f->values, ", ");
    ec_buf_add(&f->values, f->names.data, f->names.len);
    ec_buf_reset(&f->names);
    return f->values.data;
}

static void
field(struct fields *f, const char *name)
{
    ec_buf_addf(&f->names, "%s%s", f->names.len ? ", " : "", name);
}

static void
field_str(struct fields *f, const char *name, const char *from, const char *to)
{
    struct ec_buf *b = &f->values;

    ec_buf_addf(b, "%s%s %s -> %s", b->len ? ", " : "", name, from, to);
}

static void
field_num(struct fields *f, const char *name, long long from, long long to,
          int nullable)
{
    struct ec_buf *b = &f->values;

    ec_buf_addf(b, "%s%s", b->len ? ", " : "", name);
    if (nullable && from == EC_CATALOG_DOC_UNLIMITED)
        ec_buf_adds(b, " unlimited");
    else
        ec_buf_addf(b, " %lld", from);
    if (nullable && to == EC_CATALOG_DOC_UNLIMITED)
        ec_buf_adds(b, " -> unlimited");
    else
        ec_buf_addf(b, " -> %lld", to);
}

static void
field_mask(struct fields *f, const char *name, unsigned from, unsigned to,
           int sims)
{
    struct ec_buf *b = &f->values;

    ec_buf_addf(b, "%s%s ", b->len ? ", " : "", name);
    add_mask(b, from, sims);
    ec_buf_adds(b, " -> ");
    add_mask(b, to, sims);
}

static long
find_channel(const struct ec_catalog_doc *doc, const char *code)
{
    for (size_t i = 0; i < doc->nchannels; i++)
        if (strcasecmp(doc->channels[i].code, code) == 0)
            return (long)i;
    return -1;
}

static int
apply_channels(struct import *im)
{
    const struct ec_catalog_doc *want = im->want, *cur = &im->cur.doc;
    char *used = ec_arena_calloc(im->a, cur->nchannels + 1, 1);
    struct fields f = {EC_BUF_INIT, EC_BUF_INIT};
    int rc = 0;

    im->want_channel_ids =
        ec_arena_calloc(im->a, want->nchannels + 1, sizeof(long long));
    for (size_t i = 0; i < want->nchannels && rc == 0; i++) {
        const struct ec_catalog_doc_channel *w = &want->channels[i];
        long j = find_channel(cur, w->code);
        struct ec_db_param p[] = {
            EC_DB_S(w->code),       EC_DB_S(w->name),    EC_DB_S(w->kind),
            EC_DB_I(w->is_default), EC_DB_I(im->tenant), EC_DB_I(0),
        };
        const struct ec_catalog_doc_channel *c;

        if (j < 0) {
            struct ec_db_param ins[] = {
                EC_DB_I(im->tenant), EC_DB_S(w->code),       EC_DB_S(w->name),
                EC_DB_S(w->kind),    EC_DB_I(w->is_default),
            };
            struct ec_db_param sel[] = {EC_DB_I(im->tenant), EC_DB_S(w->code)};

            rc = ec_db_exec(im->db,
                            "INSERT INTO channels"
                            " (tenant_id, code, name, kind, is_default)"
                            " VALUES (?, ?, ?, ?, ?)",
                            ins, 5, NULL, NULL, NULL);
            if (rc == 0)
                rc = ec_db_exec(im->db,
                                "SELECT id FROM channels"
                                " WHERE tenant_id = ? AND code = ?",
                                sel, 2, id_row, &im->want_channel_ids[i], NULL);
            say(im, "added channel %s", w->code);
            continue;
        }
        c = &cur->channels[j];
        used[j] = 1;
        im->want_channel_ids[i] = im->cur.channel_ids[j];
        fields_reset(&f);
        if (strcmp(c->code, w->code) != 0)
            field_str(&f, "code", c->code, w->code);
        if (strcmp(c->name, w->name) != 0)
            field(&f, "name");
        if (strcmp(c->kind, w->kind) != 0)
            field_str(&f, "kind", c->kind, w->kind);
        if (c->is_default != w->is_default)
            field_str(&f, "default", c->is_default ? "true" : "false",
                      w->is_default ? "true" : "false");
        if (!fields_any(&f))
            continue;
        p[5] = EC_DB_I(im->cur.channel_ids[j]);
        rc = ec_db_exec(im->db,
                        "UPDATE channels SET code = ?, name = ?, kind = ?,"
                        " is_default = ? WHERE tenant_id = ? AND id = ?",
                        p, 6, NULL, NULL, NULL);
        say(im, "updated channel %s: %s", w->code, fields_text(&f));
    }
    for (size_t j = 0; j < cur->nchannels && rc == 0; j++) {
        struct ec_db_param p[] = {EC_DB_I(im->tenant),
                                  EC_DB_I(im->cur.channel_ids[j])};

        if (used[j])
            continue;
        /* its rules, placements and add-on rows go with it (cascade) */
        rc = ec_db_exec(im->db,
                        "DELETE FROM channels WHERE tenant_id = ? AND id = ?",
                        p, 2, NULL, NULL, NULL);
        say(im, "removed channel %s", cur->channels[j].code);
    }
    fields_release(&f);
    return rc;
}

static long long
want_channel_id(const struct import *im, const char *code)
{
    long i = find_channel(im->want, code);

    return i < 0 ? 0 : im->want_channel_ids[i];
}

static int
same_rules(const struct ec_catalog_doc *a, const struct ec_catalog_doc *b)
{
    if (a->nrules != b->nrules)
        return 0;
    for (size_t i = 0; i < a->nrules; i++) {
        const struct ec_catalog_doc_rule *x = &a->rules[i], *y = &b->rules[i];

        if (strcmp(x->kind, y->kind) != 0 || !str_eq(x->param, y->param) ||
            strcmp(x->value, y->value) != 0 ||
            strcasecmp(x->channel, y->channel) != 0)
            return 0;
    }
    return 1;
}

static int
apply_rules(struct import *im)
{
    const struct ec_catalog_doc *want = im->want;
    struct ec_db_param t[] = {EC_DB_I(im->tenant)};
    int rc;

    if (same_rules(want, &im->cur.doc))
        return 0;
    rc = ec_db_exec(im->db, "DELETE FROM channel_rules WHERE tenant_id = ?", t,
                    1, NULL, NULL, NULL);
    for (size_t i = 0; i < want->nrules && rc == 0; i++) {
        const struct ec_catalog_doc_rule *r = &want->rules[i];
        struct ec_db_param p[] = {
            EC_DB_I(im->tenant), EC_DB_I((long long)i + 1),
            EC_DB_S(r->kind),    str_or_null(r->param),
            EC_DB_S(r->value),   EC_DB_I(want_channel_id(im, r->channel)),
        };

        rc = ec_db_exec(im->db,
                        "INSERT INTO channel_rules"
                        " (tenant_id, position, kind, param, value,"
                        " channel_id) VALUES (?, ?, ?, ?, ?, ?)",
                        p, 6, NULL, NULL, NULL);
    }
    if (rc == 0)
        say(im, "replaced channel rules (%zu)", want->nrules);
    return rc;
}

/* ---- products ---- */

/* A document's products by SKU, for lookups: exact, or ignoring case. */
struct sku_pos {
    const char *sku;
    size_t pos;
};

struct sku_index {
    struct sku_pos *items;
    size_t n;
    int ignore_case;
};

static int
sku_pos_cmp(const void *a, const void *b)
{
    return strcmp(((const struct sku_pos *)a)->sku,
                  ((const struct sku_pos *)b)->sku);
}

static int
sku_pos_casecmp(const void *a, const void *b)
{
    return strcasecmp(((const struct sku_pos *)a)->sku,
                      ((const struct sku_pos *)b)->sku);
}

static void
sku_index_build(struct sku_index *ix, struct ec_arena *a,
                const struct ec_catalog_doc *doc, int ignore_case)
{
    ix->n = doc->nproducts;
    ix->ignore_case = ignore_case;
    ix->items = ec_arena_calloc(a, ix->n + 1, sizeof(*ix->items));
    for (size_t i = 0; i < ix->n; i++)
        ix->items[i] = (struct sku_pos){doc->products[i].sku, i};
    if (ix->n)
        qsort(ix->items, ix->n, sizeof(*ix->items),
              ignore_case ? sku_pos_casecmp : sku_pos_cmp);
}

/* The position of the product with sku, or -1. */
static long
sku_index_find(const struct sku_index *ix, const char *sku)
{
    struct sku_pos key = {sku, 0}, *hit;

    hit = bsearch(&key, ix->items, ix->n, sizeof(*ix->items),
                  ix->ignore_case ? sku_pos_casecmp : sku_pos_cmp);
    return hit ? (long)hit->pos : -1;
}

static const struct ec_catalog_doc_entry *
find_entry(const struct ec_catalog_doc_product *p, const char *channel)
{
    for (size_t i = 0; i < p->nentries; i++)
        if (strcasecmp(p->entries[i].channel, channel) == 0)
            return &p->entries[i];
    return NULL;
}

static int
same_entries(const struct ec_catalog_doc_product *w,
             const struct ec_catalog_doc_product *c)
{
    if (w->nentries != c->nentries)
        return 0;
    for (size_t i = 0; i < w->nentries; i++) {
        const struct ec_catalog_doc_entry *x = &w->entries[i];
        const struct ec_catalog_doc_entry *y = find_entry(c, x->channel);

        if (!y || x->visible != y->visible || !str_eq(x->name, y->name) ||
            x->sort != y->sort || x->sim_types != y->sim_types ||
            x->binding_months != y->binding_months ||
            x->monthly_price != y->monthly_price)
            return 0;
    }
    return 1;
}

static int
same_channel_set(const struct ec_catalog_doc_addon *x,
                 const struct ec_catalog_doc_addon *y)
{
    if (x->nchannels != y->nchannels)
        return 0;
    for (size_t i = 0; i < x->nchannels; i++) {
        size_t j = 0;

        while (j < y->nchannels && strcasecmp(x->channels[i], y->channels[j]))
            j++;
        if (j == y->nchannels)
            return 0;
    }
    return 1;
}

static int
same_addons(const struct ec_catalog_doc_product *w,
            const struct ec_catalog_doc_product *c)
{
    if (w->naddons != c->naddons)
        return 0;
    for (size_t i = 0; i < w->naddons; i++) {
        size_t j = 0;

        while (j < c->naddons && strcmp(w->addons[i].sku, c->addons[j].sku))
            j++;
        if (j == c->naddons || !same_channel_set(&w->addons[i], &c->addons[j]))
            return 0;
    }
    return 1;
}

/* The fields of c that w changes, into f. */
static void
product_changes(struct fields *f, const struct ec_catalog_doc_product *c,
                const struct ec_catalog_doc_product *w)
{
    if (strcmp(c->sku, w->sku) != 0)
        field_str(f, "sku", c->sku, w->sku);
    if (strcmp(c->kind, w->kind) != 0)
        field_str(f, "kind", c->kind, w->kind);
    if (strcmp(c->status, w->status) != 0)
        field_str(f, "status", c->status, w->status);
    if (strcmp(c->name, w->name) != 0)
        field(f, "name");
    if (strcmp(c->description, w->description) != 0)
        field(f, "description");
    if (c->data_gb != w->data_gb)
        field_num(f, "data_gb", c->data_gb, w->data_gb, 1);
    if (c->talk_minutes != w->talk_minutes)
        field_num(f, "talk_minutes", c->talk_minutes, w->talk_minutes, 1);
    if (strcmp(c->network, w->network) != 0)
        field_str(f, "network", c->network, w->network);
    if (c->eu_data_gb != w->eu_data_gb)
        field_num(f, "eu_data_gb", c->eu_data_gb, w->eu_data_gb, 0);
    if (c->monthly_price != w->monthly_price)
        field_num(f, "monthly_price", c->monthly_price, w->monthly_price, 0);
    if (c->fee_startup != w->fee_startup)
        field_num(f, "fees.startup", c->fee_startup, w->fee_startup, 0);
    if (c->fee_sim != w->fee_sim)
        field_num(f, "fees.sim", c->fee_sim, w->fee_sim, 0);
    if (c->binding_months != w->binding_months)
        field_mask(f, "binding_months", c->binding_months, w->binding_months,
                   0);
    if (c->sim_types != w->sim_types)
        field_mask(f, "sim_types", c->sim_types, w->sim_types, 1);
}

static struct ec_db_param
count_or_null(long long n)
{
    return n == EC_CATALOG_DOC_UNLIMITED ? null_param : EC_DB_I(n);
}

static int
insert_product(struct import *im, const struct ec_catalog_doc_product *w,
               long long *id)
{
    struct ec_db_param p[] = {
        EC_DB_I(im->tenant),
        EC_DB_S(w->sku),
        EC_DB_S(w->kind),
        EC_DB_S(w->status),
        EC_DB_S(w->name),
        EC_DB_S(w->description),
        count_or_null(w->data_gb),
        count_or_null(w->talk_minutes),
        EC_DB_S(w->network),
        EC_DB_I(w->eu_data_gb),
        EC_DB_I(w->monthly_price),
        EC_DB_I(w->fee_startup),
        EC_DB_I(w->fee_sim),
        EC_DB_I(w->binding_months),
        EC_DB_S(sim_set(w->sim_types)),
    };
    struct ec_db_param sel[] = {EC_DB_I(im->tenant), EC_DB_S(w->sku)};
    int rc;

    rc = ec_db_exec(im->db,
                    "INSERT INTO products (tenant_id, sku, kind, status,"
                    " name, description, data_gb, talk_minutes, network,"
                    " eu_data_gb, monthly_price, fee_startup, fee_sim,"
                    " binding_months, sim_types)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    p, 15, NULL, NULL, NULL);
    if (rc < 0)
        return rc;
    return ec_db_exec(im->db,
                      "SELECT id FROM products WHERE tenant_id = ? AND sku = ?",
                      sel, 2, id_row, id, NULL);
}

static int
update_product(struct import *im, const struct ec_catalog_doc_product *w,
               long long id)
{
    struct ec_db_param p[] = {
        EC_DB_S(w->sku),
        EC_DB_S(w->kind),
        EC_DB_S(w->status),
        EC_DB_S(w->name),
        EC_DB_S(w->description),
        count_or_null(w->data_gb),
        count_or_null(w->talk_minutes),
        EC_DB_S(w->network),
        EC_DB_I(w->eu_data_gb),
        EC_DB_I(w->monthly_price),
        EC_DB_I(w->fee_startup),
        EC_DB_I(w->fee_sim),
        EC_DB_I(w->binding_months),
        EC_DB_S(sim_set(w->sim_types)),
        EC_DB_I(im->tenant),
        EC_DB_I(id),
    };

    return ec_db_exec(im->db,
                      "UPDATE products SET sku = ?, kind = ?, status = ?,"
                      " name = ?, description = ?, data_gb = ?,"
                      " talk_minutes = ?, network = ?, eu_data_gb = ?,"
                      " monthly_price = ?, fee_startup = ?, fee_sim = ?,"
                      " binding_months = ?, sim_types = ?"
                      " WHERE tenant_id = ? AND id = ?",
                      p, 16, NULL, NULL, NULL);
}

/* Replace the channel entries of product id by w's. */
static int
put_entries(struct import *im, const struct ec_catalog_doc_product *w,
            long long id, int existed)
{
    struct ec_db_param del[] = {EC_DB_I(im->tenant), EC_DB_I(id)};
    int rc = 0;

    if (existed)
        rc = ec_db_exec(im->db,
                        "DELETE FROM product_channels"
                        " WHERE tenant_id = ? AND product_id = ?",
                        del, 2, NULL, NULL, NULL);
    for (size_t i = 0; i < w->nentries && rc == 0; i++) {
        const struct ec_catalog_doc_entry *e = &w->entries[i];
        struct ec_db_param p[] = {
            EC_DB_I(im->tenant),
            EC_DB_I(id),
            EC_DB_I(want_channel_id(im, e->channel)),
            EC_DB_I(e->visible),
            str_or_null(e->name),
            EC_DB_I(e->sort),
            e->sim_types ? EC_DB_S(sim_set(e->sim_types)) : null_param,
            e->binding_months ? EC_DB_I(e->binding_months) : null_param,
            e->monthly_price == EC_CATALOG_DOC_NO_PRICE
                ? null_param
                : EC_DB_I(e->monthly_price),
        };

        rc = ec_db_exec(im->db,
                        "INSERT INTO product_channels (tenant_id,"
                        " product_id, channel_id, visible, display_name,"
                        " sort_order, sim_types, binding_months,"
                        " monthly_price)"
                        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        p, 9, NULL, NULL, NULL);
    }
    return rc;
}

/* Replace the add-on rows of plan w (position i) by the document's. */
static int
put_addons(struct import *im, const struct sku_index *want_ix, size_t i,
           int existed)
{
    const struct ec_catalog_doc_product *w = &im->want->products[i];
    long long plan = im->want_product_ids[i];
    struct ec_db_param del[] = {EC_DB_I(im->tenant), EC_DB_I(plan)};
    int rc = 0;

    if (existed)
        rc = ec_db_exec(im->db,
                        "DELETE FROM addon_compat"
                        " WHERE tenant_id = ? AND plan_id = ?",
                        del, 2, NULL, NULL, NULL);
    for (size_t k = 0; k < w->naddons && rc == 0; k++) {
        const struct ec_catalog_doc_addon *a = &w->addons[k];
        long pos = sku_index_find(want_ix, a->sku);
        size_t n = a->nchannels ? a->nchannels : 1;

        for (size_t c = 0; c < n && rc == 0; c++) {
            struct ec_db_param p[] = {
                EC_DB_I(im->tenant),
                EC_DB_I(plan),
                EC_DB_I(pos < 0 ? 0 : im->want_product_ids[pos]),
                a->nchannels ? EC_DB_I(want_channel_id(im, a->channels[c]))
                             : null_param,
            };

            rc = ec_db_exec(im->db,
                            "INSERT INTO addon_compat"
                            " (tenant_id, plan_id, addon_id, channel_id)"
                            " VALUES (?, ?, ?, ?)",
                            p, 4, NULL, NULL, NULL);
        }
    }
    return rc;
}

static int
apply_products(struct import *im)
{
    const struct ec_catalog_doc *want = im->want, *cur = &im->cur.doc;
    char *matched = ec_arena_calloc(im->a, cur->nproducts + 1, 1);
    char *addons = ec_arena_calloc(im->a, want->nproducts + 1, 1);
    char *existed = ec_arena_calloc(im->a, want->nproducts + 1, 1);
    struct sku_index cur_ix, want_ix;
    struct fields f = {EC_BUF_INIT, EC_BUF_INIT};
    int rc = 0;

    /* the database compares SKUs ignoring case, and so must matching */
    sku_index_build(&cur_ix, im->a, cur, 1);
    sku_index_build(&want_ix, im->a, want, 0);
    im->want_product_ids =
        ec_arena_calloc(im->a, want->nproducts + 1, sizeof(long long));
    for (size_t i = 0; i < want->nproducts && rc == 0; i++) {
        const struct ec_catalog_doc_product *w = &want->products[i], *c;
        long j = sku_index_find(&cur_ix, w->sku);
        long long id;

        if (j < 0) {
            rc = insert_product(im, w, &im->want_product_ids[i]);
            if (rc == 0)
                rc = put_entries(im, w, im->want_product_ids[i], 0);
            addons[i] = w->naddons > 0;
            say(im, "added product %s", w->sku);
            continue;
        }
        c = &cur->products[j];
        id = im->want_product_ids[i] = im->cur.product_ids[j];
        matched[j] = existed[i] = 1;
        fields_reset(&f);
        product_changes(&f, c, w);
        if (fields_any(&f))
            rc = update_product(im, w, id);
        if (rc == 0 && strcmp(c->kind, "addon") == 0 &&
            strcmp(w->kind, "plan") == 0) {
            /* a plan is no add-on: rows naming it as one go, including
               those of plans the document does not name */
            struct ec_db_param p[] = {EC_DB_I(im->tenant), EC_DB_I(id)};

            rc = ec_db_exec(im->db,
                            "DELETE FROM addon_compat"
                            " WHERE tenant_id = ? AND addon_id = ?",
                            p, 2, NULL, NULL, NULL);
        }
        if (rc == 0 && !same_entries(w, c)) {
            field(&f, "channels");
            rc = put_entries(im, w, id, 1);
        }
        if (!same_addons(w, c)) {
            field(&f, "addons");
            addons[i] = 1;
        }
        if (fields_any(&f))
            say(im, "updated product %s: %s", w->sku, fields_text(&f));
    }
    for (size_t j = 0; j < cur->nproducts && rc == 0; j++) {
        struct ec_db_param p[] = {EC_DB_I(im->tenant),
                                  EC_DB_I(im->cur.product_ids[j])};

        if (matched[j] || strcmp(cur->products[j].status, "retired") == 0)
            continue;
        /* orders may refer to it: retire, never delete */
        rc = ec_db_exec(im->db,
                        "UPDATE products SET status = 'retired'"
                        " WHERE tenant_id = ? AND id = ?",
                        p, 2, NULL, NULL, NULL);
        say(im, "retired product %s", cur->products[j].sku);
    }
    /* after every product exists, so an add-on may come later */
    for (size_t i = 0; i < want->nproducts && rc == 0; i++)
        if (addons[i])
            rc = put_addons(im, &want_ix, i, existed[i]);
    fields_release(&f);
    return rc;
}

/* ---- campaigns ---- */

/* Do x and y hold the same strings, in any order (ignoring case, as the
   database compares SKUs)? Neither lists one twice. */
static int
same_strings(const char *const *x, size_t nx, const char *const *y, size_t ny)
{
    if (nx != ny)
        return 0;
    for (size_t i = 0; i < nx; i++) {
        size_t j = 0;

        while (j < ny && strcasecmp(x[i], y[j]) != 0)
            j++;
        if (j == ny)
            return 0;
    }
    return 1;
}

static int
same_actions(const struct ec_catalog_doc_campaign *w,
             const struct ec_catalog_doc_campaign *c)
{
    if (w->nactions != c->nactions)
        return 0;
    for (size_t i = 0; i < w->nactions; i++) {
        const struct ec_catalog_doc_action *x = &w->actions[i];
        const struct ec_catalog_doc_action *y = &c->actions[i];

        if (strcmp(x->kind, y->kind) != 0 || x->value != y->value ||
            x->first_month != y->first_month || x->months != y->months ||
            x->fees != y->fees)
            return 0;
    }
    return 1;
}

static void
field_time(struct import *im, struct fields *f, const char *name, int64_t from,
           int64_t to)
{
    char a[EC_TZTIME_RFC3339_SIZE], b[EC_TZTIME_RFC3339_SIZE];

    field_str(f, name, ec_catalog_doc_time(im->zone, from, a, sizeof(a)),
              ec_catalog_doc_time(im->zone, to, b, sizeof(b)));
}

/* The fields of the campaign row c that w changes, into f. */
static void
campaign_changes(struct import *im, struct fields *f,
                 const struct ec_catalog_doc_campaign *c,
                 const struct ec_catalog_doc_campaign *w)
{
    if (strcmp(c->name, w->name) != 0)
        field(f, "name");
    if (c->valid_from != w->valid_from)
        field_time(im, f, "valid_from", c->valid_from, w->valid_from);
    if (c->valid_to != w->valid_to)
        field_time(im, f, "valid_to", c->valid_to, w->valid_to);
    if (c->priority != w->priority)
        field_num(f, "priority", c->priority, w->priority, 0);
    if (strcmp(c->stacking, w->stacking) != 0)
        field_str(f, "stacking", c->stacking, w->stacking);
    if (c->required_binding != w->required_binding)
        field_num(f, "required_binding", c->required_binding,
                  w->required_binding, 0);
}

static int
insert_campaign(struct import *im, const struct ec_catalog_doc_campaign *w,
                long long *id)
{
    struct ec_db_param p[] = {
        EC_DB_I(im->tenant),  EC_DB_S(w->code),
        EC_DB_S(w->name),     EC_DB_I(w->valid_from),
        EC_DB_I(w->valid_to), EC_DB_I(w->priority),
        EC_DB_S(w->stacking), EC_DB_I(w->required_binding),
    };
    struct ec_db_param sel[] = {EC_DB_I(im->tenant), EC_DB_S(w->code)};
    int rc;

    /* created_at takes its default: the campaign is new now */
    rc = ec_db_exec(im->db,
                    "INSERT INTO campaigns (tenant_id, code, name,"
                    " valid_from, valid_to, priority, stacking,"
                    " required_binding) VALUES (?, ?, ?, FROM_UNIXTIME(?),"
                    " FROM_UNIXTIME(?), ?, ?, ?)",
                    p, 8, NULL, NULL, NULL);
    if (rc < 0)
        return rc;
    return ec_db_exec(
        im->db, "SELECT id FROM campaigns WHERE tenant_id = ? AND code = ?",
        sel, 2, id_row, id, NULL);
}

static int
update_campaign(struct import *im, const struct ec_catalog_doc_campaign *w,
                long long id)
{
    struct ec_db_param p[] = {
        EC_DB_S(w->name),     EC_DB_I(w->valid_from),
        EC_DB_I(w->valid_to), EC_DB_I(w->priority),
        EC_DB_S(w->stacking), EC_DB_I(w->required_binding),
        EC_DB_I(im->tenant),  EC_DB_I(id),
    };

    /* created_at stays: it decides which campaign is the newest */
    return ec_db_exec(im->db,
                      "UPDATE campaigns SET name = ?,"
                      " valid_from = FROM_UNIXTIME(?),"
                      " valid_to = FROM_UNIXTIME(?), priority = ?,"
                      " stacking = ?, required_binding = ?"
                      " WHERE tenant_id = ? AND id = ?",
                      p, 8, NULL, NULL, NULL);
}

/* A campaign's own tables, which an update replaces one by one. */
enum campaign_rows { CAMPAIGN_PRODUCTS, CAMPAIGN_CHANNELS, CAMPAIGN_ACTIONS };

/* one literal each: the database layer keeps prepared statements by the
   address of their text */
static const char *const clear_sql[] = {
    "DELETE FROM campaign_products WHERE tenant_id = ? AND campaign_id = ?",
    "DELETE FROM campaign_channels WHERE tenant_id = ? AND campaign_id = ?",
    "DELETE FROM campaign_actions WHERE tenant_id = ? AND campaign_id = ?",
};

/* Delete the rows of campaign id in table. */
static int
clear_campaign_rows(struct import *im, enum campaign_rows table, long long id)
{
    struct ec_db_param p[] = {EC_DB_I(im->tenant), EC_DB_I(id)};

    return ec_db_exec(im->db, clear_sql[table], p, 2, NULL, NULL, NULL);
}

static int
put_campaign_products(struct import *im, const struct sku_index *want_ix,
                      const struct ec_catalog_doc_campaign *w, long long id)
{
    int rc = 0;

    for (size_t k = 0; k < w->nproducts && rc == 0; k++) {
        long pos = sku_index_find(want_ix, w->products[k]);
        struct ec_db_param p[] = {
            EC_DB_I(im->tenant),
            EC_DB_I(id),
            EC_DB_I(pos < 0 ? 0 : im->want_product_ids[pos]),
        };

        rc = ec_db_exec(im->db,
                        "INSERT INTO campaign_products"
                        " (tenant_id, campaign_id, product_id)"
                        " VALUES (?, ?, ?)",
                        p, 3, NULL, NULL, NULL);
    }
    return rc;
}

static int
put_campaign_channels(struct import *im,
                      const struct ec_catalog_doc_campaign *w, long long id)
{
    int rc = 0;

    for (size_t k = 0; k < w->nchannels && rc == 0; k++) {
        struct ec_db_param p[] = {
            EC_DB_I(im->tenant),
            EC_DB_I(id),
            EC_DB_I(want_channel_id(im, w->channels[k])),
        };

        rc = ec_db_exec(im->db,
                        "INSERT INTO campaign_channels"
                        " (tenant_id, campaign_id, channel_id)"
                        " VALUES (?, ?, ?)",
                        p, 3, NULL, NULL, NULL);
    }
    return rc;
}

static int
put_campaign_actions(struct import *im, const struct ec_catalog_doc_campaign *w,
                     long long id)
{
    int rc = 0;

    for (size_t k = 0; k < w->nactions && rc == 0; k++) {
        const struct ec_catalog_doc_action *a = &w->actions[k];
        const char *fees = fee_set(a->fees);
        struct ec_db_param p[] = {
            EC_DB_I(im->tenant),       EC_DB_I(id),
            EC_DB_I((long long)k + 1), EC_DB_S(a->kind),
            EC_DB_I(a->value),         EC_DB_I(a->first_month),
            EC_DB_I(a->months),        fees ? EC_DB_S(fees) : null_param,
        };

        rc = ec_db_exec(im->db,
                        "INSERT INTO campaign_actions (tenant_id,"
                        " campaign_id, position, kind, value, first_month,"
                        " months, fees) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                        p, 8, NULL, NULL, NULL);
    }
    return rc;
}

static long
find_campaign(const struct ec_catalog_doc *doc, const char *code)
{
    for (size_t i = 0; i < doc->ncampaigns; i++)
        if (strcmp(doc->campaigns[i].code, code) == 0)
            return (long)i;
    return -1;
}

/*
 * Campaigns are matched by code. Those the document lacks are deleted
 * (orders keep their own prices and never refer to a campaign), first, so
 * that nothing of theirs is in the way of the others.
 */
static int
apply_campaigns(struct import *im)
{
    const struct ec_catalog_doc *want = im->want, *cur = &im->cur.doc;
    long *match = ec_arena_calloc(im->a, want->ncampaigns + 1, sizeof(long));
    char *kept = ec_arena_calloc(im->a, cur->ncampaigns + 1, 1);
    struct fields f = {EC_BUF_INIT, EC_BUF_INIT};
    struct sku_index want_ix;
    int rc = 0;

    sku_index_build(&want_ix, im->a, want, 0);
    for (size_t i = 0; i < want->ncampaigns; i++) {
        match[i] = find_campaign(cur, want->campaigns[i].code);
        if (match[i] >= 0)
            kept[match[i]] = 1;
    }
    for (size_t j = 0; j < cur->ncampaigns && rc == 0; j++) {
        struct ec_db_param p[] = {EC_DB_I(im->tenant),
                                  EC_DB_I(im->cur.campaign_ids[j])};

        if (kept[j])
            continue;
        /* its products, channels and actions go with it (cascade) */
        rc = ec_db_exec(im->db,
                        "DELETE FROM campaigns WHERE tenant_id = ? AND id = ?",
                        p, 2, NULL, NULL, NULL);
    }
    for (size_t i = 0; i < want->ncampaigns && rc == 0; i++) {
        const struct ec_catalog_doc_campaign *w = &want->campaigns[i], *c;
        long long id;

        if (match[i] < 0) {
            rc = insert_campaign(im, w, &id);
            if (rc == 0)
                rc = put_campaign_products(im, &want_ix, w, id);
            if (rc == 0)
                rc = put_campaign_channels(im, w, id);
            if (rc == 0)
                rc = put_campaign_actions(im, w, id);
            say(im, "added campaign %s", w->code);
            continue;
        }
        c = &cur->campaigns[match[i]];
        id = im->cur.campaign_ids[match[i]];
        fields_reset(&f);
        campaign_changes(im, &f, c, w);
        if (fields_any(&f))
            rc = update_campaign(im, w, id);
        if (rc == 0 && !same_strings(w->products, w->nproducts, c->products,
                                     c->nproducts)) {
            field(&f, "products");
            rc = clear_campaign_rows(im, CAMPAIGN_PRODUCTS, id);
            if (rc == 0)
                rc = put_campaign_products(im, &want_ix, w, id);
        }
        if (rc == 0 && !same_strings(w->channels, w->nchannels, c->channels,
                                     c->nchannels)) {
            field(&f, "channels");
            rc = clear_campaign_rows(im, CAMPAIGN_CHANNELS, id);
            if (rc == 0)
                rc = put_campaign_channels(im, w, id);
        }
        if (rc == 0 && !same_actions(w, c)) {
            field(&f, "actions");
            rc = clear_campaign_rows(im, CAMPAIGN_ACTIONS, id);
            if (rc == 0)
                rc = put_campaign_actions(im, w, id);
        }
        if (fields_any(&f))
            say(im, "updated campaign %s: %s", w->code, fields_text(&f));
    }
    for (size_t j = 0; j < cur->ncampaigns && rc == 0; j++)
        if (!kept[j])
            say(im, "removed campaign %s", cur->campaigns[j].code);
    fields_release(&f);
    return rc;
}

int
ec_catalog_io_import(struct ec_db *db, const char *slug,
                     struct json_object *json, struct ec_catalog_doc_error *err,
                     ec_catalog_io_emit_fn emit, void *ctx)
{
    struct ec_catalog_doc want;
    struct tenant t;
    struct import im;
    int rc;

    memset(&t, 0, sizeof(t));
    memset(&im, 0, sizeof(im));
    ec_catalog_doc_init(&want);
    im.db = db;
    im.want = &want;
    ec_catalog_doc_init(&im.cur.doc);
    im.a = &im.cur.doc.arena;
    if ((rc = ec_db_begin(db)) < 0)
        goto out;
    /* local times in the document are the tenant's: read it first */
    if ((rc = tenant_load(db, slug, 1, &t)) == 0 &&
        (rc = ec_catalog_doc_parse(&want, json, t.zone, err)) == 0) {
        im.tenant = t.id;
        im.zone = t.zone;
        if ((rc = load(db, im.tenant, &im.cur)) == 0 &&
            (rc = apply_channels(&im)) == 0 && (rc = apply_rules(&im)) == 0 &&
            (rc = apply_products(&im)) == 0 && (rc = apply_campaigns(&im)) == 0)
            rc = ec_db_commit(db);
    }
    if (rc < 0) {
        ec_db_rollback(db);
        goto out;
    }
    for (size_t i = 0; i < im.lines.n; i++)
        emit(((char **)im.lines.items)[i], ctx);
    if (!im.lines.n)
        emit("no changes", ctx);
out:
    ec_tztime_zone_free(t.zone);
    ec_catalog_doc_release(&im.cur.doc);
    ec_catalog_doc_release(&want);
    return rc;
}
