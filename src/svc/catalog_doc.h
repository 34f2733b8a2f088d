/*
 * The catalog document ("ecom-catalog/1", docs/catalog.md): a tenant's
 * whole catalog as one JSON value. This file checks such a value against
 * the document's rules and turns it into C structures, and writes the
 * structures back as JSON. It is pure (no I/O) so the rules can be tested
 * alone; reading and writing MySQL is catalog_io's business.
 *
 * Invariants of a struct ec_catalog_doc filled by ec_catalog_doc_parse:
 *   - it obeys every rule of docs/catalog.md: channel codes, SKUs and
 *     campaign codes are unique (SKUs ignoring case, as the database
 *     compares them), exactly one channel is the default, every channel or
 *     SKU named anywhere exists in the document, add-ons hang on plans only
 *     and name add-on products, channel entries only narrow the product's
 *     options;
 *   - every product and campaign passed the legal guard of the promotion
 *     engine (svc/promotion.h): nobody is bound for more than 6 months,
 *     directly or through a campaign's benefit;
 *   - campaign times are instants (UTC seconds) the database can hold;
 *   - strings are valid UTF-8 without NUL, within the columns' lengths;
 *   - every pointer in it points into doc->arena, so the JSON value it was
 *     parsed from may be freed at once; ec_catalog_doc_release frees all.
 *
 * Channels and rules keep their order (rules are tried in order), and so
 * do a campaign's actions (they apply in order); the order of products,
 * channel entries, add-ons, campaigns and their lists carries no meaning,
 * and ec_catalog_doc_sort gives them the canonical one that exports use.
 *
 * Campaign times are read and written in a time zone (the tenant's): a
 * time with an offset names its instant alone, a local time is read in
 * the zone, and instants are written with the zone's offset at that
 * instant, so writing and reading back gives the same instants.
 */
#ifndef EC_SVC_CATALOG_DOC_H
#define EC_SVC_CATALOG_DOC_H

#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"

struct json_object;
struct ec_tztime_zone;

#define EC_CATALOG_DOC_FORMAT "ecom-catalog/1"

/* data_gb or talk_minutes null in the document */
#define EC_CATALOG_DOC_UNLIMITED (-1)

/* a channel entry without a monthly_price of its own */
#define EC_CATALOG_DOC_NO_PRICE (-1)

/* sim_types bits, in the order of the SQL SET('physical', 'esim') */
#define EC_CATALOG_DOC_PHYSICAL 1u
#define EC_CATALOG_DOC_ESIM 2u

/* fee bits of a fee action, in the order of the SQL SET('startup', 'sim')
   and equal to the promotion engine's EC_PROMOTION_FEE_* */
#define EC_CATALOG_DOC_FEE_STARTUP 1u
#define EC_CATALOG_DOC_FEE_SIM 2u

/* At most this many campaigns: the engine prices with all of them. */
#define EC_CATALOG_DOC_MAX_CAMPAIGNS 128

struct ec_catalog_doc_channel {
    const char *code;
    const char *name;
    const char *kind; /* "web_front", "web_sub", ... */
    int is_default;
};

struct ec_catalog_doc_rule {
    const char *kind;  /* "path_prefix", "query_param", "header" */
    const char *param; /* NULL for path_prefix */
    const char *value;
    const char *channel; /* a channel code of the document */
};

/* How a product appears in one channel. */
struct ec_catalog_doc_entry {
    const char *channel;
    int visible;
    const char *name; /* display name, NULL: the product's */
    long long sort;
    unsigned sim_types;      /* narrowing; 0: as the product */
    unsigned binding_months; /* narrowing; 0: as the product */
    long long monthly_price; /* øre, or EC_CATALOG_DOC_NO_PRICE */
};

/* An add-on that fits a plan, in every channel or only in some. */
struct ec_catalog_doc_addon {
    const char *sku;
    const char **channels; /* NULL when nchannels == 0 */
    size_t nchannels;      /* 0: in every channel */
};

struct ec_catalog_doc_product {
    const char *sku;
    const char *kind;   /* "plan" or "addon" */
    const char *status; /* "draft", "active" or "retired" */
    const char *name;
    const char *description; /* "" when absent */
    long long data_gb;       /* GB or EC_CATALOG_DOC_UNLIMITED */
    long long talk_minutes;  /* minutes or EC_CATALOG_DOC_UNLIMITED */
    const char *network;     /* "4g" or "5g" */
    long long eu_data_gb;
    long long monthly_price; /* øre, VAT included */
    long long fee_startup;
    long long fee_sim;
    unsigned binding_months; /* bit n: a binding of n months (0..6) */
    unsigned sim_types;      /* EC_CATALOG_DOC_PHYSICAL | _ESIM */
    struct ec_catalog_doc_entry *entries;
    size_t nentries;
    struct ec_catalog_doc_addon *addons; /* plans only */
    size_t naddons;
};

/*
 * One price action of a campaign. value is øre for fixed_price, amount_off
 * and reduce_fee ("amount" in the document), basis points for percent_off
 * ("percent_bp"), 0 for waive_fee; as campaign_actions.value stores it.
 */
struct ec_catalog_doc_action {
    const char *kind; /* "fixed_price", ..., "reduce_fee" */
    long long value;
    long long first_month; /* monthly actions: from 1; else 1 */
    long long months;      /* monthly actions: 0 = to the end of
                              the binding period; else 0 */
    unsigned fees;         /* fee actions: EC_CATALOG_DOC_FEE_* */
};

struct ec_catalog_doc_campaign {
    const char *code;
    const char *name;
    int64_t valid_from;    /* UTC seconds: applies from here ... */
    int64_t valid_to;      /* ... up to, not including, here */
    const char **products; /* SKUs of the document, at least one */
    size_t nproducts;
    const char **channels; /* NULL when nchannels == 0 */
    size_t nchannels;      /* 0: in every channel */
    long long priority;
    const char *stacking;                  /* "exclusive" or "stackable" */
    long long required_binding;            /* months, 0 to 6 */
    struct ec_catalog_doc_action *actions; /* 1 to 8, in order */
    size_t nactions;
};

struct ec_catalog_doc {
    struct ec_arena arena; /* owns everything below */
    struct ec_catalog_doc_channel *channels;
    size_t nchannels;
    struct ec_catalog_doc_rule *rules;
    size_t nrules;
    struct ec_catalog_doc_product *products;
    size_t nproducts;
    struct ec_catalog_doc_campaign *campaigns;
    size_t ncampaigns;
};

/*
 * Where a document breaks a rule: the JSON path of the field, such as
 * "$.products[2].channels.app.sim_types[0]", and a short user-facing
 * message saying what is wrong and what is allowed. Both are truncated
 * to fit, never overflowed.
 */
struct ec_catalog_doc_error {
    char path[256];
    char message[256];
};

/* An empty document with its own arena. */
void ec_catalog_doc_init(struct ec_catalog_doc *doc);

/* Free everything doc holds; it may be initialised again. */
void ec_catalog_doc_release(struct ec_catalog_doc *doc);

/*
 * Check the JSON value json against the document's rules and fill doc
 * (initialised and empty) with it; local campaign times are read in zone
 * (borrowed; with NULL they are refused and only times with an offset
 * do). Returns 0, or EC_ERR_INVALID_FIELD with err naming the first
 * field, in document order, that breaks a rule (doc then holds a partial
 * result that only ec_catalog_doc_release may touch). A product or
 * campaign is checked against the legal guard once it is otherwise well
 * formed, so the guard's refusal comes after the product's or campaign's
 * own format errors and before the next one's. json stays the caller's.
 */
int ec_catalog_doc_parse(struct ec_catalog_doc *doc, struct json_object *json,
                         const struct ec_tztime_zone *zone,
                         struct ec_catalog_doc_error *err);

/* Check json without keeping the result: 0 or EC_ERR_INVALID_FIELD. */
int ec_catalog_doc_validate(struct json_object *json,
                            const struct ec_tztime_zone *zone,
                            struct ec_catalog_doc_error *err);

/*
 * Put products in SKU order, each product's channel entries in channel
 * code order and its add-ons in SKU order (each add-on's channels in code
 * order); campaigns in code order, each with its products by SKU and its
 * channels by code. Channels, rules and actions keep their order. Byte
 * order, so the result does not depend on a database collation.
 */
void ec_catalog_doc_sort(struct ec_catalog_doc *doc);

/*
 * doc as a new json-c value in the documented format, fields in the order
 * docs/catalog.md shows them; optional fields that are unset (a channel
 * that is not the default, a rule's missing param, an entry's missing
 * name, narrowing or price, an add-on or campaign offered in every
 * channel) are left out, only plans carry "addons", and a campaign's
 * other defaults are written out. Campaign times are written as RFC 3339
 * with zone's offset at that instant (borrowed; NULL: UTC, "+00:00").
 * The caller owns the result (json_object_put).
 */
struct json_object *ec_catalog_doc_to_json(const struct ec_catalog_doc *doc,
                                           const struct ec_tztime_zone *zone);

/*
 * Write instant t as catalog documents do, RFC 3339 with zone's offset
 * (UTC when zone is NULL), into buf of EC_TZTIME_RFC3339_SIZE bytes.
 * Returns buf ("" for an instant outside years 0-9999).
 */
const char *ec_catalog_doc_time(const struct ec_tztime_zone *zone, int64_t t,
                                char *buf, size_t size);

#endif
