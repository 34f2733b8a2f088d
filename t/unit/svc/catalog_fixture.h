/*
 * A small catalog built in memory for the catalog and channel tests:
 * channels web (default), tilbud (path /tilbud), app (header x-channel:
 * app, and query ?src=app), sales (outbound); plans S (small), L (large,
 * 5G), a draft D and a retired R; add-ons SHARE (fits L only) and EU (fits
 * S and L, but S only in the app).
 */
#ifndef EC_T_CATALOG_FIXTURE_H
#define EC_T_CATALOG_FIXTURE_H

#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "svc/catalog.h"

enum { CH_WEB, CH_TILBUD, CH_APP, CH_SALES, NCH };
enum { P_S, P_L, P_D, P_R, P_SHARE, P_EU, NP };

static inline struct ec_catalog *
fixture_catalog(void)
{
    static const char *const codes[NCH] = {"web", "tilbud", "app", "sales"};
    static const enum ec_channel_kind kinds[NCH] = {
        EC_CHANNEL_WEB_FRONT, EC_CHANNEL_WEB_SUB, EC_CHANNEL_APP,
        EC_CHANNEL_OUTBOUND};
    static const char *const skus[NP] = {"S", "L", "D", "R", "SHARE", "EU"};
    const unsigned all_bind = 1u << 0 | 1u << 6;
    struct ec_catalog *c = calloc(1, sizeof(*c));
    struct ec_placement pl[32];
    size_t n = 0;

    c->arena = malloc(sizeof(*c->arena));
    ec_arena_init(c->arena, 0);
    c->nchannels = NCH;
    c->channels = ec_arena_calloc(c->arena, NCH, sizeof(*c->channels));
    for (int i = 0; i < NCH; i++) {
        c->channels[i].id = 100 + i;
        c->channels[i].code = codes[i];
        c->channels[i].name = codes[i];
        c->channels[i].kind = kinds[i];
    }
    c->channels[CH_WEB].is_default = 1;

    c->nproducts = NP;
    c->products = ec_arena_calloc(c->arena, NP, sizeof(*c->products));
    for (int i = 0; i < NP; i++) {
        struct ec_product *p = &c->products[i];
        p->id = i + 1;
        p->sku = skus[i];
        p->name = skus[i];
        p->description = "";
        p->status = EC_PRODUCT_ACTIVE;
        p->is_addon = i >= P_SHARE;
        p->monthly_price = 10000 + 1000 * i;
        p->binding_mask = p->is_addon ? 1u : all_bind;
        p->sim_mask = EC_SIM_PHYSICAL | EC_SIM_ESIM;
        p->data_gb = 10;
        p->talk_minutes = EC_UNLIMITED;
    }
    c->products[P_D].status = EC_PRODUCT_DRAFT;
    c->products[P_R].status = EC_PRODUCT_RETIRED;

    c->nrules = 3;
    c->rules = ec_arena_calloc(c->arena, 3, sizeof(*c->rules));
    c->rules[0] = (struct ec_channel_rule){EC_RULE_HEADER, "x-channel", "app",
                                           &c->channels[CH_APP]};
    c->rules[1] = (struct ec_channel_rule){EC_RULE_QUERY_PARAM, "src", "app",
                                           &c->channels[CH_APP]};
    c->rules[2] = (struct ec_channel_rule){EC_RULE_PATH_PREFIX, NULL, "/tilbud",
                                           &c->channels[CH_TILBUD]};

    c->nfits = 3;
    c->fits = ec_arena_calloc(c->arena, 3, sizeof(*c->fits));
    c->fits[0] =
        (struct ec_addon_fit){&c->products[P_L], &c->products[P_SHARE], NULL};
    c->fits[1] =
        (struct ec_addon_fit){&c->products[P_L], &c->products[P_EU], NULL};
    c->fits[2] = (struct ec_addon_fit){&c->products[P_S], &c->products[P_EU],
                                       &c->channels[CH_APP]};

    /* web: everything, L first; tilbud: only L, renamed; app: S and L,
       eSIM only, plus both add-ons; sales: S and L with 6 months only */
#define PLACE(p, ch, vis, name, sort, bind, sim)                               \
    pl[n++] = (struct ec_placement){.product = (p),                            \
                                    .channel = (ch),                           \
                                    .visible = (vis),                          \
                                    .display_name = (name),                    \
                                    .sort_order = (sort),                      \
                                    .binding_mask = (bind),                    \
                                    .sim_mask = (sim)}
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
    if (ec_catalog_finish(c, pl, n) != 0)
        abort();
    return c;
}

#endif
