#include "svc/catalog.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/log.h"
#include "core/metrics.h"
#include "core/xalloc.h"
#include "store/db.h"
#include "svc/catalog_read.h"
#include "svc/cms_content.h"

#define EC_CATALOG_CACHE_MAX 256
#define EC_CATALOG_MAX_ADDONS 64

/* ---- names ---- */

const char *
ec_channel_kind_name(enum ec_channel_kind k)
{
    const char *s = ec_name_of(ec_channel_kind_names, (unsigned)k);

    return *s ? s : "custom";
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
        if (o->product->kind != EC_PRODUCT_ADDON ||
            !fits(c, ch, plan, o->product))
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

/* ---- building a snapshot from a document ---- */

static int
offer_cmp(const void *a, const void *b)
{
    const struct ec_offer *x = a, *y = b;

    if (x->sort_order != y->sort_order)
        return x->sort_order < y->sort_order ? -1 : 1;
    return strcmp(x->product->sku, y->product->sku);
}

static long
channel_index(const struct ec_catalog *c, const char *code)
{
    for (size_t i = 0; i < c->nchannels; i++)
        if (strcmp(c->channels[i].code, code) == 0)
            return (long)i;
    return -1;
}

static const struct ec_product *
product_by_sku(const struct ec_catalog *c, const char *sku)
{
    for (size_t i = 0; i < c->nproducts; i++)
        if (strcmp(c->products[i].sku, sku) == 0)
            return &c->products[i];
    return NULL;
}

/* Placement pl of p as an offer in channel ch, or 0 if it shows nothing
   there. */
static int
make_offer(const struct ec_product *p, const struct ec_placement *pl,
           const struct ec_channel *ch, struct ec_offer *o)
{
    if (!pl->visible || p->status != EC_PRODUCT_ACTIVE)
        return 0;
    o->product = p;
    o->channel = ch;
    o->display_name = pl->name ? pl->name : p->name;
    o->monthly_price =
        pl->monthly_price != EC_NO_PRICE ? pl->monthly_price : p->monthly_price;
    o->sort_order = pl->sort;
    /* a channel narrows what the product offers; it never widens it */
    o->binding_months =
        p->binding_months & (pl->binding_months ? pl->binding_months : ~0u);
    o->sim_types = p->sim_types & (pl->sim_types ? pl->sim_types : ~0u);
    return o->binding_months && o->sim_types;
}

/* Each channel's offers, sorted. */
static void
build_offers(struct ec_catalog *c)
{
    struct ec_offer o;
    size_t i, j;
    long ci;

    for (int pass = 0; pass < 2; pass++) {
        for (i = 0; i < c->nproducts; i++) {
            const struct ec_product *p = &c->products[i];

            for (j = 0; j < p->nplacements; j++) {
                struct ec_channel *ch;

                ci = channel_index(c, p->placements[j].channel);
                if (ci < 0 ||
                    !make_offer(p, &p->placements[j], &c->channels[ci], &o))
                    continue;
                ch = &c->channels[ci];
                if (pass)
                    ch->offers[ch->noffers] = o;
                ch->noffers++;
            }
        }
        for (i = 0; i < c->nchannels && !pass; i++) {
            c->channels[i].offers = ec_arena_calloc(
                c->arena, c->channels[i].noffers, sizeof(struct ec_offer));
            c->channels[i].noffers = 0;
        }
    }
    for (i = 0; i < c->nchannels; i++)
        qsort(c->channels[i].offers, c->channels[i].noffers,
              sizeof(struct ec_offer), offer_cmp);
}

/* Which add-on fits which plan where, from the plans' add-on lists. */
static void
build_fits(struct ec_catalog *c)
{
    size_t n = 0, i, j, k;

    for (int pass = 0; pass < 2; pass++) {
        for (i = 0; i < c->nproducts; i++) {
            const struct ec_product *plan = &c->products[i];

            for (j = 0; j < plan->naddons; j++) {
                const struct ec_product_addon *a = &plan->addons[j];
                const struct ec_product *addon = product_by_sku(c, a->sku);
                size_t nch = a->nchannels ? a->nchannels : 1;

                for (k = 0; addon && k < nch; k++) {
                    long ci =
                        a->nchannels ? channel_index(c, a->channels[k]) : -2;

                    if (ci == -1)
                        continue;
                    if (pass)
                        c->fits[n] = (struct ec_addon_fit){
                            plan, addon, ci < 0 ? NULL : &c->channels[ci]};
                    n++;
                }
            }
        }
        if (!pass) {
            c->fits = ec_arena_calloc(c->arena, n, sizeof(*c->fits));
            c->nfits = n;
            n = 0;
        }
    }
}

int
ec_catalog_from_doc(struct ec_catalog_doc *doc, long long tenant_id,
                    struct ec_catalog **out)
{
    struct ec_catalog *c = ec_xcalloc(1, sizeof(*c));
    size_t i, ndefault = 0;

    c->tenant_id = tenant_id;
    c->doc = *doc;
    ec_catalog_doc_init(doc);
    c->arena = &c->doc.arena;
    c->products = c->doc.products;
    c->nproducts = c->doc.nproducts;
    c->campaigns = c->doc.campaigns;
    c->ncampaigns = c->doc.ncampaigns;

    c->nchannels = c->doc.nchannels;
    c->channels = ec_arena_calloc(c->arena, c->nchannels, sizeof(*c->channels));
    for (i = 0; i < c->nchannels; i++) {
        const struct ec_catalog_doc_channel *dch = &c->doc.channels[i];
        struct ec_channel *ch = &c->channels[i];

        ch->id = dch->id;
        ch->code = dch->code;
        ch->name = dch->name;
        ch->kind = dch->kind;
        ch->is_default = dch->is_default;
        if (ch->is_default) {
            ndefault++;
            c->default_channel = ch;
        }
    }
    if (c->nchannels && ndefault != 1) {
        ec_catalog_free(c);
        return EC_ERR_INVALID_FIELD;
    }

    c->rules = ec_arena_calloc(c->arena, c->doc.nrules, sizeof(*c->rules));
    for (i = 0; i < c->doc.nrules; i++) {
        const struct ec_catalog_doc_rule *r = &c->doc.rules[i];
        long ci = channel_index(c, r->channel);

        if (ci < 0)
            continue;
        c->rules[c->nrules++] = (struct ec_channel_rule){
            r->kind, r->param, r->value, &c->channels[ci]};
    }
    build_offers(c);
    build_fits(c);
    *out = c;
    return 0;
}

int
ec_catalog_load(struct ec_db *db, long long tenant_id, struct ec_catalog **out)
{
    struct ec_catalog_doc doc;
    int rc;

    ec_catalog_doc_init(&doc);
    rc = ec_catalog_read(db, tenant_id, &doc);
    if (rc == 0 && (rc = ec_catalog_from_doc(&doc, tenant_id, out)) < 0) {
        ec_log_error("catalog of tenant %lld has no single default channel",
                     tenant_id);
        rc = EC_ERR_INTERNAL;
    }
    ec_catalog_doc_release(&doc);
    /* the content belongs to the same moment: one invalidation drops both */
    if (rc == 0 && (rc = ec_cms_content_load(db, tenant_id, &(*out)->cms)) < 0)
        ec_catalog_free(*out);
    return rc;
}

void
ec_catalog_free(struct ec_catalog *c)
{
    if (!c)
        return;
    ec_catalog_doc_release(&c->doc);
    ec_cms_content_free(c->cms);
    free(c);
}

/* ---- prices ---- */

int
ec_catalog_price(const struct ec_catalog *c, const struct ec_offer *o,
                 int binding, enum ec_sim_type sim, int64_t at, int vat_rate_bp,
                 struct ec_promotion_breakdown *out)
{
    struct ec_promotion_query q;

    if (!ec_binding_offered(o->binding_months, binding) ||
        !(o->sim_types & (unsigned)sim))
        return EC_ERR_INVALID_FIELD;
    memset(&q, 0, sizeof(q));
    /* the engine finds the channel's base price among the placements */
    q.product = o->product;
    q.vat_rate_bp = vat_rate_bp;
    q.channel = o->channel->code;
    q.binding_months = binding;
    q.sim_type = sim;
    q.at = at;
    q.campaigns = c->campaigns;
    q.n_campaigns = c->ncampaigns;
    return ec_promotion_price(&q, out) == 0 ? 0 : EC_ERR_INTERNAL;
}

const char *
ec_catalog_campaign_code(const struct ec_catalog *c,
                         const struct ec_promotion_campaign *cp)
{
    (void)c;
    return cp->code ? cp->code : "";
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
            ec_metric_inc(EC_M_CATALOG_CACHE_HITS);
            return 0;
        }
    rc = ec_catalog_load(db, tenant_id, &fresh);
    if (rc < 0)
        return rc;
    ec_metric_inc(EC_M_CATALOG_LOADS);
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
