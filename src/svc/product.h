/*
 * The catalog model: what a product is, and the small vocabularies its
 * fields take (SIM types, binding periods, fees, kinds, statuses). A
 * product is defined here once. The catalog document (svc/catalog_doc.h)
 * holds these structs, the per-worker snapshot (svc/catalog.h) is built
 * from that document and points at them, and the promotion engine
 * (svc/promotion.h) reads them; none of them declares a product's fields
 * again.
 *
 * Invariants of a struct ec_product read from the database
 * (svc/catalog_read.h) or checked by an import (svc/catalog_import.h):
 *   - binding_months and sim_types are sets (bit n: n months; enum
 *     ec_sim_type bits) with at least one member, and no binding period is
 *     longer than EC_BINDING_MAX_MONTHS (the law's limit; the promotion
 *     engine's guard refuses a product that breaks it);
 *   - a placement only narrows: its sets are subsets of the product's, 0
 *     meaning "as the product";
 *   - money is whole øre, VAT included, 0 or more; data_gb and
 *     talk_minutes are EC_UNLIMITED or 0 or more;
 *   - strings belong to whoever holds the product (a document's arena).
 *
 * Each vocabulary has one name table, in the order of its enum (or of its
 * bits, for the sets, which is also the order of the SQL SET column), and
 * one parser; every file that reads or writes such a name uses them.
 */
#ifndef EC_SVC_PRODUCT_H
#define EC_SVC_PRODUCT_H

#include <stddef.h>

/* The law's maximum binding period for a consumer, in months. */
#define EC_BINDING_MAX_MONTHS 6
/* ... as text, for messages: "6" */
#define EC_BINDING_MAX_MONTHS_TEXT EC_PRODUCT_STR(EC_BINDING_MAX_MONTHS)
#define EC_PRODUCT_STR(x) EC_PRODUCT_STR_(x)
#define EC_PRODUCT_STR_(x) #x

/* data_gb or talk_minutes without a limit (null in JSON, NULL in SQL) */
#define EC_UNLIMITED (-1)

/* a placement without a monthly price of its own */
#define EC_NO_PRICE (-1)

/* ---- SIM types: a set of these bits ---- */

enum ec_sim_type { EC_SIM_PHYSICAL = 1 << 0, EC_SIM_ESIM = 1 << 1 };

#define EC_SIM_TYPES_ALL ((unsigned)(EC_SIM_PHYSICAL | EC_SIM_ESIM))

/* "physical", "esim", NULL: index i names bit 1 << i */
extern const char *const ec_sim_type_names[];

/* "physical" or "esim" ("" for anything that is not one SIM type). */
const char *ec_sim_type_name(enum ec_sim_type s);

/* The SIM type named s into *out: 0, or -1 (out untouched). */
int ec_sim_type_parse(const char *s, enum ec_sim_type *out);

/* The first SIM type of set (physical before esim), or 0 for none. */
enum ec_sim_type ec_sim_type_first(unsigned set);

/* ---- binding periods: a set, bit n for n months ---- */

/* 1 when months is a period 0..EC_BINDING_MAX_MONTHS that set offers. */
int ec_binding_offered(unsigned set, long long months);

/* The shortest period set offers, or -1 when it offers none. */
int ec_binding_lowest(unsigned set);

/* s as a binding period: exactly "0" to "6". 0 with *months, or -1. */
int ec_binding_parse(const char *s, int *months);

/* ---- one-time fees ---- */

#define EC_FEE_STARTUP 1u
#define EC_FEE_SIM 2u
#define EC_FEES_ALL (EC_FEE_STARTUP | EC_FEE_SIM)

/* "startup", "sim", NULL: index i names bit 1 << i */
extern const char *const ec_fee_names[];

struct ec_fees {
    long long startup;
    long long sim;
};

/* ---- sets as text ---- */

/*
 * The members of set as text into buf (size bytes, always terminated):
 * with names, the names of its bits (names[i] for bit i, up to the NULL);
 * without, the bit numbers (a binding set: "0,6"); each after the first
 * preceded by sep. Returns buf.
 */
const char *ec_set_text(unsigned set, const char *const *names, const char *sep,
                        char *buf, size_t size);

/* ---- kinds, statuses, networks ---- */

enum ec_product_kind { EC_PRODUCT_PLAN, EC_PRODUCT_ADDON };
enum ec_product_status {
    EC_PRODUCT_DRAFT,
    EC_PRODUCT_ACTIVE,
    EC_PRODUCT_RETIRED,
};
enum ec_network { EC_NETWORK_4G, EC_NETWORK_5G };

/* Name tables, NULL-terminated, index = enum value. */
extern const char *const ec_product_kind_names[];   /* "plan", "addon" */
extern const char *const ec_product_status_names[]; /* "draft", ... */
extern const char *const ec_network_names[];        /* "4g", "5g" */

/*
 * The index of s in the NULL-terminated table names, or -1. The one
 * parser of every name table in the catalog.
 */
int ec_name_index(const char *const *names, const char *s);

/* names[i], or "" when i is out of the table's range. */
const char *ec_name_of(const char *const *names, unsigned i);

/* ---- a product and how it appears in channels ---- */

/* How a product appears in one channel (a channel entry of a document). */
struct ec_placement {
    const char *channel; /* the channel's code */
    int visible;
    const char *name; /* display name; NULL: the product's */
    long long sort;
    unsigned sim_types;      /* narrowing; 0: as the product */
    unsigned binding_months; /* narrowing; 0: as the product */
    long long monthly_price; /* the channel's base price, or EC_NO_PRICE */
};

/* An add-on that fits a plan, in every channel or only in some. */
struct ec_product_addon {
    const char *sku;
    const char **channels; /* channel codes; NULL when nchannels == 0 */
    size_t nchannels;      /* 0: in every channel */
};

struct ec_product {
    long long id; /* the database's; 0 in a document not yet stored */
    const char *sku;
    enum ec_product_kind kind;
    enum ec_product_status status;
    const char *name;
    const char *description; /* "" when there is none */
    long long data_gb;       /* GB or EC_UNLIMITED */
    long long talk_minutes;  /* minutes or EC_UNLIMITED */
    enum ec_network network;
    long long eu_data_gb;    /* EU roaming, GB */
    long long monthly_price; /* øre, VAT included */
    struct ec_fees fees;
    unsigned binding_months; /* the binding set */
    unsigned sim_types;      /* enum ec_sim_type bits */
    struct ec_placement *placements;
    size_t nplacements;
    struct ec_product_addon *addons; /* plans only */
    size_t naddons;
};

/* The placement of p in channel (by code), or NULL. */
const struct ec_placement *ec_product_placement(const struct ec_product *p,
                                                const char *channel);

#endif
