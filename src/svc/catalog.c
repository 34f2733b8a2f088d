#include "svc/catalog.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/log.h"
#include "core/xalloc.h"
#include "store/db.h"

#define EC_CATALOG_CACHE_MAX 256
#define EC_CATALOG_MAX_ADDONS 64

/* ---- names ---- */

static const char *const kind_names[] = {"web_front", "web_sub", "app",
                                         "outbound", "custom"};

const char *
ec_channel_kind_name(enum ec_channel_kind k)
{
    return (unsigned)k < 5 ? kind_names[k] : "custom";
}

const char *
ec_sim_type_name(enum ec_sim_type s)
{
    return s == EC_SIM_ESIM ? "esim" : "physical";
}

/* ---- reading ---- */

const struct ec_channel *
ec_catalog_channel(const struct ec_catalog *c, const char *code)
{
    for (size_t i = 0; i < c->nchannels; i++)
        if (strcmp(c->channels[i].code, code) == 0)
            return &c->channels[i];
    return NULL;
}

const struct ec_offer *
ec_catalog_offer(const struct ec_channel *ch, const char *sku)
{
    for (size_t i = 0; i < ch->noffers; i++)
        if (strcmp(ch->offers[i].product->sku, sku) == 0)
            return &ch->offers[i];
    return NULL;
}

static int
fits(const struct ec_catalog *c, const struct ec_channel *ch,
     const struct ec_product *plan, const struct ec_product *addon)
{
    for (size_t i = 0; i < c->nfits; i++)
        if (c->fits[i].plan == plan && c->fits[i].addon == addon &&
            (!c->fits[i].channel || c->fits[i].channel == ch))
            return 1;
    return 0;
}

size_t
ec_catalog_addons_for(const struct ec_catalog *c, const struct ec_channel *ch,
                      const struct ec_product *plan,
                      const struct ec_offer **out, size_t max)
{
    size_t n = 0;

    /* walk the channel's offers so add-ons come in the channel's order */
    for (size_t i = 0; i < ch->noffers; i++) {
        const struct ec_offer *o = &ch->offers[i];
        if (!o->product->is_addon || !fits(c, ch, plan, o->product))
            continue;
        if (n < max)
            out[n] = o;
        n++;
    }
    return n;
}

/* A memo slot's content; the arena's cleanup frees whatever it holds. */
struct memo {
    void *data;
    void (*free_fn)(void *);
};

static void
memo_release(void *p)
{
    struct memo *m = p;

    if (m->data)
        m->free_fn(m->data);
    m->data = NULL;
}

void *
ec_catalog_memo(const struct ec_channel *ch, unsigned slot)
{
    const struct memo *m = slot < EC_CHANNEL_MEMOS ? ch->memo[slot] : NULL;

    return m ? m->data : NULL;
}

void
ec_catalog_memoize(const struct ec_catalog *c, const struct ec_channel *ch,
                   unsigned slot, void *data, void (*free_fn)(void *))
{
    /* the one mutable part of a snapshot: a cache filled on first use */
    struct ec_channel *mut = (struct ec_channel *)ch;
    struct memo *m;

    if (slot >= EC_CHANNEL_MEMOS)
        EC_BUG("memo slot out of range");
    m = mut->memo[slot];
    if (!m) {
        m = ec_arena_calloc(c->arena, 1, sizeof(*m));
        ec_arena_cleanup(c->arena, memo_release, m);
        mut->memo[slot] = m;
    }
    memo_release(m);
    m->data = data;
    m->free_fn = free_fn;
}

/* ---- finishing a snapshot ---- */

static int
offer_cmp(const void *a, const void *b)
{
    const struct ec_offer *x = a, *y = b;

    if (x->sort_order != y->sort_order)
        return x->sort_order < y->sort_order ? -1 : 1;
    return strcmp(x->product->sku, y->product->sku);
}

/* The placement as an offer, or 0 if it shows nothing in its channel. */
static int
make_offer(const struct ec_catalog *c, const struct ec_placement *pl,
           struct ec_offer *o)
{
    const struct ec_product *p = &c->products[pl->product];

    if (!pl->visible || p->status != EC_PRODUCT_ACTIVE)
        return 0;
    o->product = p;
    o->channel = &c->channels[pl->channel];
    o->display_name = pl->display_name ? pl->display_name : p->name;
    o->monthly_price =
        pl->has_monthly_price ? pl->monthly_price : p->monthly_price;
    o->sort_order = pl->sort_order;
    /* a channel narrows what the product offers; it never widens it */
    o->binding_mask =
        p->binding_mask & (pl->binding_mask ? pl->binding_mask : ~0u);
    o->sim_mask = p->sim_mask & (pl->sim_mask ? pl->sim_mask : ~0u);
    return o->binding_mask && o->sim_mask;
}

int
ec_catalog_finish(struct ec_catalog *c, const struct ec_placement *pl,
                  size_t npl)
{
    struct ec_offer o;
    size_t i, ndefault = 0;

    c->default_channel = NULL;
    for (i = 0; i < c->nchannels; i++) {
        c->channels[i].noffers = 0;
        if (c->channels[i].is_default) {
            ndefault++;
            c->default_channel = &c->channels[i];
        }
    }
    if (ndefault != 1)
        return EC_ERR_INVALID_FIELD;

    for (i = 0; i < npl; i++)
        if (make_offer(c, &pl[i], &o))
            c->channels[pl[i].channel].noffers++;
    for (i = 0; i < c->nchannels; i++) {
        c->channels[i].offers = ec_arena_calloc(
            c->arena, c->channels[i].noffers, sizeof(struct ec_offer));
        c->channels[i].noffers = 0;
    }
    for (i = 0; i < npl; i++) {
        struct ec_channel *ch = &c->channels[pl[i].channel];
        if (make_offer(c, &pl[i], &o))
            ch->offers[ch->noffers++] = o;
    }
    for (i = 0; i < c->nchannels; i++)
        qsort(c->channels[i].offers, c->channels[i].noffers,
              sizeof(struct ec_offer), offer_cmp);
    return 0;
}

/* ---- loading from MySQL ---- */

/* A SKU or channel code a campaign names, until it is sorted into place. */
struct campaign_item {
    int64_t campaign_id;
    int is_channel;
    const char *value;
};

/* Growable arrays while rows arrive; copied into the arena at the end. */
struct loader {
    struct ec_catalog *c;
    struct ec_channel *channels;
    size_t nchannels, cap_channels;
    struct ec_channel_rule *rules;
    size_t nrules, cap_rules;
    struct ec_product *products;
    size_t nproducts, cap_products;
    struct ec_placement *placements;
    size_t nplacements, cap_placements;
    struct ec_addon_fit *fits;
    size_t nfits, cap_fits;
    struct ec_promotion_campaign *campaigns;
    const char **codes;
    size_t ncampaigns, cap_campaigns;
    struct campaign_item *items; /* SKUs and channel codes, by campaign */
    size_t nitems, cap_items;
    struct ec_promotion_action *actions;
    int64_t *action_campaign; /* campaign id of each action */
    size_t nactions, cap_actions;
    int broken; /* a row named a missing channel/product */
};

#define GROW(arr, n, cap)                                                      \
    do {                                                                       \
        if ((n) == (cap)) {                                                    \
            (cap) = (cap) ? (cap)*2 : 16;                                      \
            (arr) = ec_xrealloc((arr), (cap) * sizeof(*(arr)));                \
        }                                                                      \
    } while (0)

static const char *
str(struct loader *l, const char *s)
{
    return s ? ec_arena_strdup(l->c->arena, s) : NULL;
}

static long long
num(const char *s)
{
    return s ? strtoll(s, NULL, 10) : 0;
}

/* a MySQL SET of SIM types as enum ec_sim_type bits */
static unsigned
sim_mask(const char *set)
{
    static const char *const names[] = {"physical", "esim"};

    return ec_db_set_bits(set, names, 2); /* EC_SIM_PHYSICAL, EC_SIM_ESIM */
}

static enum ec_channel_kind
channel_kind(const char *s)
{
    for (unsigned i = 0; i < 5; i++)
        if (strcmp(s, kind_names[i]) == 0)
            return (enum ec_channel_kind)i;
    return EC_CHANNEL_CUSTOM;
}

static long
channel_index(const struct loader *l, long long id)
{
    for (size_t i = 0; i < l->nchannels; i++)
        if (l->channels[i].id == id)
            return (long)i;
    return -1;
}

/* Products arrive ordered by id, so a binary search finds them. */
static long
product_index(const struct loader *l, long long id)
{
    size_t lo = 0, hi = l->nproducts;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (l->products[mid].id == id)
            return (long)mid;
        if (l->products[mid].id < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -1;
}

static int
channel_row(const struct ec_db_row *row, void *ctx)
{
    struct loader *l = ctx;
    struct ec_channel *ch;

    GROW(l->channels, l->nchannels, l->cap_channels);
    ch = &l->channels[l->nchannels++];
    memset(ch, 0, sizeof(*ch));
    ch->id = num(row->vals[0]);
    ch->code = str(l, row->vals[1]);
    ch->name = str(l, row->vals[2]);
    ch->kind = channel_kind(row->vals[3]);
    ch->is_default = num(row->vals[4]) != 0;
    return 0;
}

static int
rule_row(const struct ec_db_row *row, void *ctx)
{
    struct loader *l = ctx;
    struct ec_channel_rule *r;
    long ci = channel_index(l, num(row->vals[3]));

    if (ci < 0) {
        l->broken = 1;
        return 0;
    }
    GROW(l->rules, l->nrules, l->cap_rules);
    r = &l->rules[l->nrules++];
    r->kind = strcmp(row->vals[0], "path_prefix") == 0   ? EC_RULE_PATH_PREFIX
              : strcmp(row->vals[0], "query_param") == 0 ? EC_RULE_QUERY_PARAM
                                                         : EC_RULE_HEADER;
    r->param = str(l, row->vals[1]);
    r->value = str(l, row->vals[2]);
    r->channel = (const struct ec_channel *)(size_t)ci; /* fixed later */
    return 0;
}

static int
product_row(const struct ec_db_row *row, void *ctx)
{
    struct loader *l = ctx;
    struct ec_product *p;
    const char *status = row->vals[3];

    GROW(l->products, l->nproducts, l->cap_products);
    p = &l->products[l->nproducts++];
    p->id = num(row->vals[0]);
    p->sku = str(l, row->vals[1]);
    p->is_addon = strcmp(row->vals[2], "addon") == 0;
    p->status = strcmp(status, "active") == 0    ? EC_PRODUCT_ACTIVE
                : strcmp(status, "retired") == 0 ? EC_PRODUCT_RETIRED
                                                 : EC_PRODUCT_DRAFT;
    p->name = str(l, row->vals[4]);
    p->description = str(l, row->vals[5]);
    p->data_gb = row->vals[6] ? (int)num(row->vals[6]) : EC_UNLIMITED;
    p->talk_minutes = row->vals[7] ? (int)num(row->vals[7]) : EC_UNLIMITED;
    p->is_5g = strcmp(row->vals[8], "5g") == 0;
    p->eu_data_gb = (int)num(row->vals[9]);
    p->monthly_price = (long)num(row->vals[10]);
    p->fee_startup = (long)num(row->vals[11]);
    p->fee_sim = (long)num(row->vals[12]);
    p->binding_mask = (unsigned)num(row->vals[13]);
    p->sim_mask = sim_mask(row->vals[14]);
    return 0;
}

static int
placement_row(const struct ec_db_row *row, void *ctx)
{
    struct loader *l = ctx;
    struct ec_placement *pl;
    long pi = product_index(l, num(row->vals[0]));
    long ci = channel_index(l, num(row->vals[1]));

    if (pi < 0 || ci < 0) {
        l->broken = 1;
        return 0;
    }
    GROW(l->placements, l->nplacements, l->cap_placements);
    pl = &l->placements[l->nplacements++];
    pl->product = (size_t)pi;
    pl->channel = (size_t)ci;
    pl->visible = num(row->vals[2]) != 0;
    pl->display_name = str(l, row->vals[3]);
    pl->sort_order = (int)num(row->vals[4]);
    pl->sim_mask = sim_mask(row->vals[5]);
    pl->binding_mask = (unsigned)num(row->vals[6]);
    pl->has_monthly_price = row->vals[7] != NULL;
    pl->monthly_price = (long)num(row->vals[7]);
    return 0;
}

static int
fit_row(const struct ec_db_row *row, void *ctx)
{
    struct loader *l = ctx;
    struct ec_addon_fit *f;
    long plan = product_index(l, num(row->vals[0]));
    long addon = product_index(l, num(row->vals[1]));
    long ci = row->vals[2] ? channel_index(l, num(row->vals[2])) : -2;

    if (plan < 0 || addon < 0 || ci == -1) {
        l->broken = 1;
        return 0;
    }
    GROW(l->fits, l->nfits, l->cap_fits);
    f = &l->fits[l->nfits++];
    f->plan = (const struct ec_product *)(size_t)plan; /* fixed later */
    f->addon = (const struct ec_product *)(size_t)addon;
    f->channel = (const struct ec_channel *)(ci < 0 ? -1 : ci);
    return 0;
}

static int
campaign_row(const struct ec_db_row *row, void *ctx)
{
    struct loader *l = ctx;
    struct ec_promotion_campaign *cp;

    GROW(l->campaigns, l->ncampaigns, l->cap_campaigns);
    l->codes = ec_xrealloc(l->codes, l->cap_campaigns * sizeof(*l->codes));
    cp = &l->campaigns[l->ncampaigns];
    memset(cp, 0, sizeof(*cp));
    cp->id = num(row->vals[0]);
    l->codes[l->ncampaigns++] = str(l, row->vals[1]);
    cp->name = str(l, row->vals[2]);
    cp->valid_from = num(row->vals[3]);
    cp->valid_to = num(row->vals[4]);
    cp->priority = (int)num(row->vals[5]);
    cp->stacking = strcmp(row->vals[6], "stackable") == 0
                       ? EC_PROMOTION_STACKABLE
                       : EC_PROMOTION_EXCLUSIVE;
    cp->required_binding = (int)num(row->vals[7]);
    cp->created_at = num(row->vals[8]);
    return 0;
}

static int
item_row(struct loader *l, const struct ec_db_row *row, int is_channel)
{
    struct campaign_item *it;

    GROW(l->items, l->nitems, l->cap_items);
    it = &l->items[l->nitems++];
    it->campaign_id = num(row->vals[0]);
    it->is_channel = is_channel;
    it->value = str(l, row->vals[1]);
    return 0;
}

static int
campaign_product_row(const struct ec_db_row *row, void *ctx)
{
    return item_row(ctx, row, 0);
}

static int
campaign_channel_row(const struct ec_db_row *row, void *ctx)
{
    return item_row(ctx, row, 1);
}

static enum ec_promotion_action_kind
action_kind(const char *s)
{
    if (strcmp(s, "fixed_price") == 0)
        return EC_PROMOTION_FIXED_PRICE;
    if (strcmp(s, "amount_off") == 0)
        return EC_PROMOTION_AMOUNT_OFF;
    if (strcmp(s, "percent_off") == 0)
        return EC_PROMOTION_PERCENT_OFF;
    if (strcmp(s, "waive_fee") == 0)
        return EC_PROMOTION_WAIVE_FEE;
    return EC_PROMOTION_REDUCE_FEE;
}

static int
action_row(const struct ec_db_row *row, void *ctx)
{
    struct loader *l = ctx;
    struct ec_promotion_action *a;
    const char *fees = row->vals[5];

    if (l->nactions == l->cap_actions) {
        l->cap_actions = l->cap_actions ? l->cap_actions * 2 : 16;
        l->actions =
            ec_xrealloc(l->actions, l->cap_actions * sizeof(*l->actions));
        l->action_campaign = ec_xrealloc(
            l->action_campaign, l->cap_actions * sizeof(*l->action_campaign));
    }
    l->action_campaign[l->nactions] = num(row->vals[0]);
    a = &l->actions[l->nactions++];
    memset(a, 0, sizeof(*a));
    a->kind = action_kind(row->vals[1]);
    a->value = num(row->vals[2]);
    a->first_month = (int)num(row->vals[3]);
    a->months = (int)num(row->vals[4]);
    {
        static const char *const names[] = {"startup", "sim"};
        unsigned bits = ec_db_set_bits(fees, names, 2);
        a->fees = (bits & 1u ? EC_PROMOTION_FEE_STARTUP : 0) |
                  (bits & 2u ? EC_PROMOTION_FEE_SIM : 0);
    }
    return 0;
}

static const char *const campaigns_sql =
    "SELECT id, code, name, UNIX_TIMESTAMP(valid_from),"
    " UNIX_TIMESTAMP(valid_to), priority, stacking, required_binding,"
    " UNIX_TIMESTAMP(created_at) FROM campaigns"
    " WHERE tenant_id = ? ORDER BY id";
static const char *const campaign_products_sql =
    "SELECT cp.campaign_id, p.sku FROM campaign_products cp"
    " JOIN products p ON p.id = cp.product_id AND p.tenant_id = cp.tenant_id"
    " WHERE cp.tenant_id = ? ORDER BY cp.campaign_id, p.sku";
static const char *const campaign_channels_sql =
    "SELECT cc.campaign_id, c.code FROM campaign_channels cc"
    " JOIN channels c ON c.id = cc.channel_id AND c.tenant_id = cc.tenant_id"
    " WHERE cc.tenant_id = ? ORDER BY cc.campaign_id, c.code";
static const char *const campaign_actions_sql =
    "SELECT campaign_id, kind, value, first_month, months, fees"
    " FROM campaign_actions WHERE tenant_id = ?"
    " ORDER BY campaign_id, position";

static const char *const channels_sql =
    "SELECT id, code, name, kind, is_default FROM channels"
    " WHERE tenant_id = ? ORDER BY id";
static const char *const rules_sql =
    "SELECT kind, param, value, channel_id FROM channel_rules"
    " WHERE tenant_id = ? ORDER BY position";
static const char *const products_sql =
    "SELECT id, sku, kind, status, name, description, data_gb,"
    " talk_minutes, network, eu_data_gb, monthly_price, fee_startup,"
    " fee_sim, binding_months, sim_types FROM products"
    " WHERE tenant_id = ? ORDER BY id";
static const char *const placements_sql =
    "SELECT product_id, channel_id, visible, display_name, sort_order,"
    " sim_types, binding_months, monthly_price FROM product_channels"
    " WHERE tenant_id = ?";
static const char *const fits_sql =
    "SELECT plan_id, addon_id, channel_id FROM addon_compat"
    " WHERE tenant_id = ? ORDER BY id";

/* Give each campaign its SKUs, channels and actions, in arena memory. */
static void
settle_campaigns(struct loader *l)
{
    struct ec_catalog *c = l->c;
    size_t i, j, n;

    c->ncampaigns = l->ncampaigns;
    c->campaigns =
        ec_arena_calloc(c->arena, l->ncampaigns, sizeof(*c->campaigns));
    c->campaign_codes =
        ec_arena_calloc(c->arena, l->ncampaigns, sizeof(*c->campaign_codes));
    for (i = 0; i < l->ncampaigns; i++) {
        struct ec_promotion_campaign *cp = &c->campaigns[i];
        const char **skus, **chans;
        struct ec_promotion_action *acts;
        size_t ns = 0, nc = 0, na = 0;

        *cp = l->campaigns[i];
        c->campaign_codes[i] = l->codes[i];
        for (j = 0; j < l->nitems; j++)
            if (l->items[j].campaign_id == cp->id)
                l->items[j].is_channel ? nc++ : ns++;
        for (j = 0; j < l->nactions; j++)
            na += l->action_campaign[j] == cp->id;
        skus = ec_arena_calloc(c->arena, ns, sizeof(*skus));
        chans = ec_arena_calloc(c->arena, nc, sizeof(*chans));
        acts = ec_arena_calloc(c->arena, na, sizeof(*acts));
        ns = nc = na = 0;
        for (j = 0; j < l->nitems; j++)
            if (l->items[j].campaign_id == cp->id) {
                if (l->items[j].is_channel)
                    chans[nc++] = l->items[j].value;
                else
                    skus[ns++] = l->items[j].value;
            }
        for (j = 0, n = l->nactions; j < n; j++)
            if (l->action_campaign[j] == cp->id)
                acts[na++] = l->actions[j];
        cp->skus = skus;
        cp->n_skus = ns;
        cp->channels = chans;
        cp->n_channels = nc;
        cp->actions = acts;
        cp->n_actions = na;
    }
}

/* Move the loaded arrays into the arena and turn indices into pointers. */
static void
settle(struct loader *l)
{
    struct ec_catalog *c = l->c;
    size_t i;

#define MOVE(dst, count, src)                                                  \
    do {                                                                       \
        c->dst = ec_arena_calloc(c->arena, (count), sizeof(*(src)));           \
        if (count)                                                             \
            memcpy(c->dst, (src), (count) * sizeof(*(src)));                   \
        c->n##dst = (count);                                                   \
    } while (0)
    MOVE(channels, l->nchannels, l->channels);
    MOVE(rules, l->nrules, l->rules);
    MOVE(products, l->nproducts, l->products);
    MOVE(fits, l->nfits, l->fits);
#undef MOVE
    for (i = 0; i < c->nrules; i++)
        c->rules[i].channel = &c->channels[(size_t)c->rules[i].channel];
    for (i = 0; i < c->nfits; i++) {
        intptr_t ci = (intptr_t)c->fits[i].channel;
        c->fits[i].plan = &c->products[(size_t)c->fits[i].plan];
        c->fits[i].addon = &c->products[(size_t)c->fits[i].addon];
        c->fits[i].channel = ci < 0 ? NULL : &c->channels[ci];
    }
}

static void
loader_release(struct loader *l)
{
    free(l->campaigns);
    free(l->codes);
    free(l->items);
    free(l->actions);
    free(l->action_campaign);
    free(l->channels);
    free(l->rules);
    free(l->products);
    free(l->placements);
    free(l->fits);
}

int
ec_catalog_load(struct ec_db *db, long long tenant_id, struct ec_catalog **out)
{
    struct ec_db_param p[] = {EC_DB_I(tenant_id)};
    struct loader l;
    struct ec_catalog *c = ec_xcalloc(1, sizeof(*c));
    int rc;

    memset(&l, 0, sizeof(l));
    c->tenant_id = tenant_id;
    c->arena = ec_xmalloc(sizeof(*c->arena));
    ec_arena_init(c->arena, 16 * 1024);
    l.c = c;
    if ((rc = ec_db_exec(db, channels_sql, p, 1, channel_row, &l, NULL)) < 0 ||
        (rc = ec_db_exec(db, rules_sql, p, 1, rule_row, &l, NULL)) < 0 ||
        (rc = ec_db_exec(db, products_sql, p, 1, product_row, &l, NULL)) < 0 ||
        (rc = ec_db_exec(db, placements_sql, p, 1, placement_row, &l, NULL)) <
            0 ||
        (rc = ec_db_exec(db, fits_sql, p, 1, fit_row, &l, NULL)) < 0 ||
        (rc = ec_db_exec(db, campaigns_sql, p, 1, campaign_row, &l, NULL)) <
            0 ||
        (rc = ec_db_exec(db, campaign_products_sql, p, 1, campaign_product_row,
                         &l, NULL)) < 0 ||
        (rc = ec_db_exec(db, campaign_channels_sql, p, 1, campaign_channel_row,
                         &l, NULL)) < 0 ||
        (rc = ec_db_exec(db, campaign_actions_sql, p, 1, action_row, &l,
                         NULL)) < 0)
        goto fail;
    settle(&l);
    settle_campaigns(&l);
    if (l.broken)
        ec_log_warn("catalog of tenant %lld: rows refer to missing channels "
                    "or products; they were skipped",
                    tenant_id);
    if (c->nchannels && ec_catalog_finish(c, l.placements, l.nplacements) < 0) {
        ec_log_error("catalog of tenant %lld has no single default channel",
                     tenant_id);
        rc = EC_ERR_INTERNAL;
        goto fail;
    }
    loader_release(&l);
    *out = c;
    return 0;
fail:
    loader_release(&l);
    ec_catalog_free(c);
    return rc;
}

void
ec_catalog_free(struct ec_catalog *c)
{
    if (!c)
        return;
    ec_arena_release(c->arena);
    free(c->arena);
    free(c);
}

/* ---- prices ---- */

int
ec_catalog_price(const struct ec_catalog *c, const struct ec_offer *o,
                 int binding, enum ec_sim_type sim, int64_t at, int vat_rate_bp,
                 struct ec_promotion_breakdown *out)
{
    const struct ec_product *p = o->product;
    struct ec_promotion_product pp;
    struct ec_promotion_query q;

    if (binding < 0 || binding > 6 || !(o->binding_mask & (1u << binding)) ||
        !(o->sim_mask & sim))
        return EC_ERR_INVALID_FIELD;
    memset(&pp, 0, sizeof(pp));
    pp.id = p->id;
    pp.sku = p->sku;
    pp.monthly = o->monthly_price; /* the channel's base price */
    pp.startup_fee = p->fee_startup;
    pp.sim_fee = p->fee_sim;
    pp.vat_rate_bp = vat_rate_bp;
    memset(&q, 0, sizeof(q));
    q.product = &pp;
    q.channel = o->channel->code;
    q.binding_months = binding;
    q.sim_type =
        sim == EC_SIM_ESIM ? EC_PROMOTION_SIM_ESIM : EC_PROMOTION_SIM_PHYSICAL;
    q.at = at;
    q.campaigns = c->campaigns;
    q.n_campaigns = c->ncampaigns;
    return ec_promotion_price(&q, out) == 0 ? 0 : EC_ERR_INTERNAL;
}

const char *
ec_catalog_campaign_code(const struct ec_catalog *c,
                         const struct ec_promotion_campaign *cp)
{
    size_t i = (size_t)(cp - c->campaigns);

    return i < c->ncampaigns ? c->campaign_codes[i] : "";
}

int64_t
ec_catalog_next_change(const struct ec_catalog *c, int64_t at)
{
    int64_t next = INT64_MAX;

    for (size_t i = 0; i < c->ncampaigns; i++) {
        if (c->campaigns[i].valid_from > at &&
            c->campaigns[i].valid_from < next)
            next = c->campaigns[i].valid_from;
        if (c->campaigns[i].valid_to > at && c->campaigns[i].valid_to < next)
            next = c->campaigns[i].valid_to;
    }
    return next;
}

/* ---- the per-worker cache ---- */

struct cache_entry {
    long long tenant_id;
    char *slug;
    struct ec_catalog *catalog;
};

struct ec_catalog_cache {
    struct cache_entry entries[EC_CATALOG_CACHE_MAX];
    size_t n;
};

struct ec_catalog_cache *
ec_catalog_cache_new(void)
{
    return ec_xcalloc(1, sizeof(struct ec_catalog_cache));
}

static void
entry_clear(struct cache_entry *e)
{
    free(e->slug);
    ec_catalog_free(e->catalog);
    memset(e, 0, sizeof(*e));
}

static void
entry_remove(struct ec_catalog_cache *cc, size_t i)
{
    entry_clear(&cc->entries[i]);
    cc->entries[i] = cc->entries[--cc->n];
    memset(&cc->entries[cc->n], 0, sizeof(cc->entries[0]));
}

void
ec_catalog_cache_clear(struct ec_catalog_cache *cc)
{
    while (cc->n)
        entry_remove(cc, cc->n - 1);
}

void
ec_catalog_cache_drop(struct ec_catalog_cache *cc, const char *slug)
{
    for (size_t i = 0; i < cc->n; i++)
        if (strcmp(cc->entries[i].slug, slug) == 0) {
            entry_remove(cc, i);
            return;
        }
}

void
ec_catalog_cache_free(struct ec_catalog_cache *cc)
{
    if (!cc)
        return;
    ec_catalog_cache_clear(cc);
    free(cc);
}

int
ec_catalog_get(struct ec_catalog_cache *cc, struct ec_db *db,
               long long tenant_id, const char *slug,
               const struct ec_catalog **out)
{
    struct cache_entry *e;
    struct ec_catalog *fresh;
    int rc;

    for (size_t i = 0; i < cc->n; i++)
        if (cc->entries[i].tenant_id == tenant_id) {
            *out = cc->entries[i].catalog;
            return 0;
        }
    rc = ec_catalog_load(db, tenant_id, &fresh);
    if (rc < 0)
        return rc;
    /* full: give up the oldest slot; it reloads on its next use */
    if (cc->n == EC_CATALOG_CACHE_MAX)
        entry_remove(cc, 0);
    e = &cc->entries[cc->n++];
    e->tenant_id = tenant_id;
    e->slug = ec_xstrdup(slug);
    e->catalog = fresh;
    *out = fresh;
    return 0;
}
