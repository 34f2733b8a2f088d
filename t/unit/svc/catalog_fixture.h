/*
 * A small catalog built in memory for the catalog and channel tests, as a
 * catalog document turned into a snapshot (ec_catalog_from_doc), the way
 * a worker builds one: channels web (default), tilbud (path /tilbud), app
 * (header x-channel: app, and query ?src=app), sales (outbound); plans S
 * (small), L (large, 5G), a draft D and a retired R; add-ons SHARE (fits
 * L only) and EU (fits S and L, but S only in the app).
 */
#ifndef EC_T_CATALOG_FIXTURE_H
#define EC_T_CATALOG_FIXTURE_H

#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "svc/catalog.h"

enum { CH_WEB, CH_TILBUD, CH_APP, CH_SALES, NCH };
enum { P_S, P_L, P_D, P_R, P_SHARE, P_EU, NP };

/* The fixture's document into doc (initialised and empty). */
static inline void
fixture_doc(struct ec_catalog_doc *doc)
{
    static const char *const codes[NCH] = {"web", "tilbud", "app", "sales"};
    static const enum ec_channel_kind kinds[NCH] = {
        EC_CHANNEL_WEB_FRONT, EC_CHANNEL_WEB_SUB, EC_CHANNEL_APP,
        EC_CHANNEL_OUTBOUND};
    static const char *const skus[NP] = {"S", "L", "D", "R", "SHARE", "EU"};
    static const char *const app_only[] = {"app"};
    const unsigned all_bind = 1u << 0 | 1u << 6;
    struct ec_arena *a = &doc->arena;

    doc->nchannels = NCH;
    doc->channels = ec_arena_calloc(a, NCH, sizeof(*doc->channels));
    for (int i = 0; i < NCH; i++) {
        doc->channels[i].id = 100 + i;
        doc->channels[i].code = codes[i];
        doc->channels[i].name = codes[i];
        doc->channels[i].kind = kinds[i];
    }
    doc->channels[CH_WEB].is_default = 1;

    doc->nproducts = NP;
    doc->products = ec_arena_calloc(a, NP, sizeof(*doc->products));
    for (int i = 0; i < NP; i++) {
        struct ec_product *p = &doc->products[i];

        p->id = i + 1;
        p->sku = skus[i];
        p->name = skus[i];
        p->description = "";
        p->status = EC_PRODUCT_ACTIVE;
        p->kind = i >= P_SHARE ? EC_PRODUCT_ADDON : EC_PRODUCT_PLAN;
        p->monthly_price = 10000 + 1000 * i;
        p->binding_months = p->kind == EC_PRODUCT_ADDON ? 1u : all_bind;
        p->sim_types = EC_SIM_PHYSICAL | EC_SIM_ESIM;
        p->data_gb = 10;
        p->talk_minutes = EC_UNLIMITED;
        p->placements = ec_arena_calloc(a, NCH, sizeof(*p->placements));
    }
    doc->products[P_L].network = EC_NETWORK_5G;
    doc->products[P_D].status = EC_PRODUCT_DRAFT;
    doc->products[P_R].status = EC_PRODUCT_RETIRED;

    doc->nrules = 3;
    doc->rules = ec_arena_calloc(a, 3, sizeof(*doc->rules));
    doc->rules[0] =
        (struct ec_catalog_doc_rule){EC_RULE_HEADER, "x-channel", "app", "app"};
    doc->rules[1] =
        (struct ec_catalog_doc_rule){EC_RULE_QUERY_PARAM, "src", "app", "app"};
    doc->rules[2] = (struct ec_catalog_doc_rule){EC_RULE_PATH_PREFIX, NULL,
                                                 "/tilbud", "tilbud"};

    /* L takes both add-ons everywhere; S takes EU in the app only */
    doc->products[P_L].addons =
        ec_arena_calloc(a, 2, sizeof(struct ec_product_addon));
    doc->products[P_L].addons[0] = (struct ec_product_addon){"SHARE", NULL, 0};
    doc->products[P_L].addons[1] = (struct ec_product_addon){"EU", NULL, 0};
    doc->products[P_L].naddons = 2;
    doc->products[P_S].addons =
        ec_arena_calloc(a, 1, sizeof(struct ec_product_addon));
    doc->products[P_S].addons[0] =
        (struct ec_product_addon){"EU", (const char **)app_only, 1};
    doc->products[P_S].naddons = 1;

    /* web: everything, L first; tilbud: only L, renamed; app: S and L,
       eSIM only, plus both add-ons; sales: S and L with 6 months only
       (L's 3 months are not the product's, so they narrow to nothing) */
#define PLACE(p, ch, vis, name_, sort_, bind, sim)                             \
    doc->products[p].placements[doc->products[p].nplacements++] =              \
        (struct ec_placement){.channel = codes[ch],                            \
                              .visible = (vis),                                \
                              .name = (name_),                                 \
                              .sort = (sort_),                                 \
                              .binding_months = (bind),                        \
                              .sim_types = (sim),                              \
                              .monthly_price = EC_NO_PRICE}
    PLACE(P_S, CH_WEB, 1, NULL, 20, 0, 0);
    PLACE(P_L, CH_WEB, 1, "Large on the web", 10, 0, 0);
    PLACE(P_D, CH_WEB, 1, NULL, 30, 0, 0);
    PLACE(P_R, CH_WEB, 1, NULL, 40, 0, 0);
    PLACE(P_SHARE, CH_WEB, 1, NULL, 50, 0, 0);
    PLACE(P_EU, CH_WEB, 1, NULL, 60, 0, 0);
    PLACE(P_L, CH_TILBUD, 1, "Offer: Large", 1, 0, 0);
    PLACE(P_S, CH_TILBUD, 0, NULL, 2, 0, 0);
    PLACE(P_S, CH_APP, 1, NULL, 1, 0, EC_SIM_ESIM);
    PLACE(P_L, CH_APP, 1, NULL, 1, 0, EC_SIM_ESIM);
    PLACE(P_SHARE, CH_APP, 1, NULL, 5, 0, 0);
    PLACE(P_EU, CH_APP, 1, NULL, 6, 0, 0);
    PLACE(P_S, CH_SALES, 1, NULL, 1, 1u << 6, 0);
    PLACE(P_L, CH_SALES, 1, NULL, 2, 1u << 6 | 1u << 3, 0);
#undef PLACE
}

static inline struct ec_catalog *
fixture_catalog(void)
{
    struct ec_catalog_doc doc;
    struct ec_catalog *c;

    ec_catalog_doc_init(&doc);
    fixture_doc(&doc);
    if (ec_catalog_from_doc(&doc, 1, &c) != 0)
        abort();
    ec_catalog_doc_release(&doc);
    return c;
}

#endif
