#include "svc/catalog_doc.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/tztime.h"

const char *const ec_channel_kind_names[] = {
    "web_front", "web_sub", "app", "outbound", "custom", NULL,
};
const char *const ec_rule_kind_names[] = {"path_prefix", "query_param",
                                          "header", NULL};

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

/* ---- canonical order ---- */

static int
product_cmp(const void *a, const void *b)
{
    const struct ec_product *x = a, *y = b;

    return strcmp(x->sku, y->sku);
}

static int
placement_cmp(const void *a, const void *b)
{
    const struct ec_placement *x = a, *y = b;

    return strcmp(x->channel, y->channel);
}

static int
addon_cmp(const void *a, const void *b)
{
    const struct ec_product_addon *x = a, *y = b;

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
    const struct ec_promotion_campaign *x = a, *y = b;

    return strcmp(x->code, y->code);
}

void
ec_catalog_doc_sort(struct ec_catalog_doc *doc)
{
    if (doc->nproducts)
        qsort(doc->products, doc->nproducts, sizeof(*doc->products),
              product_cmp);
    for (size_t i = 0; i < doc->nproducts; i++) {
        struct ec_product *p = &doc->products[i];

        if (p->nplacements)
            qsort(p->placements, p->nplacements, sizeof(*p->placements),
                  placement_cmp);
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
        struct ec_promotion_campaign *c = &doc->campaigns[i];

        /* the lists were made in the document's arena, and are its own */
        if (c->n_skus)
            qsort((void *)c->skus, c->n_skus, sizeof(*c->skus), str_cmp);
        if (c->n_channels)
            qsort((void *)c->channels, c->n_channels, sizeof(*c->channels),
                  str_cmp);
    }
}
