#include "svc/catalog_export.h"

#include <string.h>

#include <json-c/json.h>

#include "core/tztime.h"
#include "store/db.h"
#include "svc/catalog_read.h"
#include "svc/product_attr.h"

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

/* A product as the document writes it: its attributes in their table's
   order (svc/product_attr.h), then its channel entries and add-ons. */
static struct json_object *
product_json(const struct ec_product *p)
{
    struct json_object *o = json_object_new_object();
    struct json_object *chans = json_object_new_object();

    ec_product_attr_to_json(ec_product_attrs, ec_product_nattrs, p, o);
    for (size_t i = 0; i < p->nplacements; i++) {
        struct json_object *eo = json_object_new_object();

        ec_product_attr_to_json(ec_placement_attrs, ec_placement_nattrs,
                                &p->placements[i], eo);
        json_object_object_add(chans, p->placements[i].channel, eo);
    }
    json_object_object_add(o, "channels", chans);
    if (p->kind == EC_PRODUCT_PLAN) {
        struct json_object *addons = json_object_new_array();

        for (size_t i = 0; i < p->naddons; i++) {
            const struct ec_product_addon *a = &p->addons[i];
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
action_json(const struct ec_promotion_action *a)
{
    struct json_object *o = json_object_new_object();
    int fee =
        a->kind == EC_PROMOTION_WAIVE_FEE || a->kind == EC_PROMOTION_REDUCE_FEE;

    put_str(o, "kind",
            ec_name_of(ec_promotion_action_kind_names, (unsigned)a->kind - 1u));
    if (a->kind == EC_PROMOTION_PERCENT_OFF)
        put_int(o, "percent_bp", a->value);
    else if (a->kind != EC_PROMOTION_WAIVE_FEE)
        put_int(o, "amount", a->value);
    if (fee) {
        struct json_object *fees = json_object_new_array();

        for (unsigned i = 0; ec_fee_names[i]; i++)
            if (a->fees & (1u << i))
                json_object_array_add(fees,
                                      json_object_new_string(ec_fee_names[i]));
        json_object_object_add(o, "fees", fees);
    } else {
        put_int(o, "first_month", a->first_month);
        put_int(o, "months", a->months);
    }
    return o;
}

static struct json_object *
campaign_json(const struct ec_promotion_campaign *c,
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
    json_object_object_add(o, "products", strings_json(c->skus, c->n_skus));
    if (c->n_channels)
        json_object_object_add(o, "channels",
                               strings_json(c->channels, c->n_channels));
    put_int(o, "priority", c->priority);
    put_str(o, "stacking",
            ec_name_of(ec_promotion_stacking_names, c->stacking));
    put_int(o, "required_binding", c->required_binding);
    for (size_t i = 0; i < c->n_actions; i++)
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
        put_str(o, "kind", ec_name_of(ec_channel_kind_names, ch->kind));
        if (ch->is_default)
            json_object_object_add(o, "default", json_object_new_boolean(1));
        json_object_array_add(chans, o);
    }
    for (size_t i = 0; i < doc->nrules; i++) {
        const struct ec_catalog_doc_rule *r = &doc->rules[i];
        struct json_object *o = json_object_new_object();

        put_str(o, "kind", ec_name_of(ec_rule_kind_names, r->kind));
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

int
ec_catalog_export(struct ec_db *db, const char *slug, struct json_object **out)
{
    struct ec_catalog_doc doc;
    struct ec_catalog_tenant t;
    int rc;

    *out = NULL;
    memset(&t, 0, sizeof(t));
    ec_catalog_doc_init(&doc);
    /* one transaction: the reads see one state of the catalog */
    if ((rc = ec_db_begin(db)) < 0)
        goto out;
    rc = ec_catalog_tenant_read(db, slug, 0, &t);
    if (rc == 0)
        rc = ec_catalog_read(db, t.id, &doc);
    ec_db_rollback(db); /* nothing was written */
    if (rc < 0)
        goto out;
    ec_catalog_doc_sort(&doc);
    *out = ec_catalog_doc_to_json(&doc, t.zone);
out:
    ec_catalog_tenant_release(&t);
    ec_catalog_doc_release(&doc);
    return rc;
}
