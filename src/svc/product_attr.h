/*
 * The attributes of a product and of a placement, declared once as
 * tables: each entry names the document's key, the SQL column, the kind
 * of value, where it lives in the struct (offsetof) and the rule a
 * document's value must follow. Everything that lists a product's fields
 * walks these tables instead:
 *   - svc/catalog_read.c: the SELECT's columns and the row's assignment;
 *   - svc/catalog_import.c: the document's rules (core/check.h fields);
 *   - svc/catalog_export.c: the export's JSON, in table order;
 *   - svc/catalog_write.c: the INSERT and UPDATE statements, their
 *     parameters, and the change lines ("monthly_price 19900 -> 17900").
 * So a new attribute is a migration, its struct field, and its entry
 * here (docs/catalog.md, "Adding a product attribute").
 *
 * Invariants of a table:
 *   - entries are in the document's order, which is the order an import
 *     checks them, an export writes them and a change line shows them;
 *   - a GROUP entry (no column) is a JSON object whose members are the
 *     entries right after it, keyed "group.member" ("fees.startup");
 *     groups do not nest;
 *   - every entry but a GROUP has a column, and its offset is of a field
 *     of the kind's C type in the table's struct;
 *   - -1 is the one "unset" value of an INT (EC_UNLIMITED, EC_NO_PRICE).
 */
#ifndef EC_SVC_PRODUCT_ATTR_H
#define EC_SVC_PRODUCT_ATTR_H

#include <stddef.h>

#include "svc/product.h"

struct ec_arena;
struct ec_db_param;
struct json_object;

enum ec_product_attr_kind {
    EC_ATTR_CODE,  /* const char *: short; a change shows old -> new */
    EC_ATTR_TEXT,  /* const char *: a text; a change names the field */
    EC_ATTR_BOOL,  /* int, 0 or 1 */
    EC_ATTR_INT,   /* long long, min..max (money: whole øre) */
    EC_ATTR_ENUM,  /* an enum: the index of its name in names */
    EC_ATTR_SET,   /* unsigned: bit i is names[i] (a SQL SET), or without
                      names bit n is the number n, 0..max (an INT column) */
    EC_ATTR_GROUP, /* no value: the following "key.member" entries */
};

/* The document must give it. */
#define EC_ATTR_REQUIRED 1u
/* INT: -1 (EC_UNLIMITED) is JSON null and SQL NULL. */
#define EC_ATTR_NULL 2u
/* Unset (NULL, an empty set, -1) is absent from the JSON, NULL in SQL. */
#define EC_ATTR_OPTIONAL 4u
/* Checked by the import before the others (the SKU: unique, a pattern). */
#define EC_ATTR_IDENTITY 8u
/* SET of a placement: only values the product offers (it narrows). */
#define EC_ATTR_NARROWS 16u

struct ec_product_attr {
    const char *key;    /* the document's ("fees.startup" in group fees) */
    const char *column; /* the table's; NULL for a GROUP */
    enum ec_product_attr_kind kind;
    unsigned flags;
    long long min;    /* CODE, TEXT: characters; INT: value */
    long long max;    /* ... and SET without names: the highest member */
    const char *what; /* what belongs there, for the import's messages */
    const char *one;  /* SET: one member, "binding period (0 to 6 months)" */
    const char *item; /* SET without names: what one member must be */
    const char *const *names; /* ENUM, SET */
    size_t offset;            /* of the field in the table's struct */
};

/* struct ec_product's attributes (its id, placements and add-ons are
   not attributes) and struct ec_placement's (its channel is not). */
extern const struct ec_product_attr ec_product_attrs[];
extern const size_t ec_product_nattrs;
extern const struct ec_product_attr ec_placement_attrs[];
extern const size_t ec_placement_nattrs;

/* The key without its group: "startup" for "fees.startup". */
const char *ec_product_attr_member(const struct ec_product_attr *a);

/* Set every attribute of base to its default: "" for a CODE or TEXT
   that is not OPTIONAL, -1 for an INT that is NULL or OPTIONAL, else 0
   (NULL, false, the first name, the empty set). */
void ec_product_attr_defaults(const struct ec_product_attr *attrs, size_t n,
                              void *base);

/* Attribute a of base from a SQL value (NULL for SQL NULL); strings are
   copied to arena. Unknown names read as the first. */
void ec_product_attr_from_sql(const struct ec_product_attr *a, const char *val,
                              struct ec_arena *arena, void *base);

/* Attribute a of base as a statement parameter; a SET's text is made in
   arena. */
struct ec_db_param ec_product_attr_param(const struct ec_product_attr *a,
                                         const void *base,
                                         struct ec_arena *arena);

/* The attributes of base into object o, as the document writes them
   (groups as objects, unset OPTIONAL ones left out). */
void ec_product_attr_to_json(const struct ec_product_attr *attrs, size_t n,
                             const void *base, struct json_object *o);

/* 1 when attribute a is the same in x and y. */
int ec_product_attr_equal(const struct ec_product_attr *a, const void *x,
                          const void *y);

/*
 * Attribute a of base as a change line shows it, into buf: a name for
 * ENUM, "true"/"false", "unlimited" for a NULL INT's -1, "0,6" or
 * "physical,esim" for a SET. Returns buf.
 */
const char *ec_product_attr_text(const struct ec_product_attr *a,
                                 const void *base, char *buf, size_t size);

/* The SQL text lists made from a table's columns, in its order. */
enum ec_product_attr_sql {
    EC_ATTR_SQL_COLUMNS, /* "prefix.a, prefix.b" */
    EC_ATTR_SQL_MARKS,   /* "?, ?" */
    EC_ATTR_SQL_SETS,    /* "a = ?, b = ?" */
};

/*
 * head, then the list, then tail, into buf (size bytes); a list that
 * does not fit is a bug. The statement's text is made once and kept, so
 * the database layer keeps it prepared by its address. Returns buf.
 */
const char *ec_product_attr_sql(char *buf, size_t size, const char *head,
                                const struct ec_product_attr *attrs, size_t n,
                                enum ec_product_attr_sql what,
                                const char *prefix, const char *tail);

/* The number of attributes with a column (what a row holds of them). */
size_t ec_product_attr_ncolumns(const struct ec_product_attr *attrs, size_t n);

#endif
