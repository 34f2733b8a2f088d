/*
 * What the catalog draft's two files share (svc/catalog_draft.c: the
 * draft read, saved and previewed; svc/catalog_publish.c: published and
 * scheduled). Nothing else sees it.
 */
#ifndef EC_SVC_CATALOG_DRAFT_INT_H
#define EC_SVC_CATALOG_DRAFT_INT_H

#include <stddef.h>

#include "core/check.h"
#include "svc/catalog_read.h"

struct ec_db;
struct json_object;

/* One changed object of the draft, as stored. */
struct row {
    char type[16]; /* product, campaign, channel, channel_rules */
    char key[65];
    struct json_object *body; /* NULL: removed */
    struct json_object *base; /* the live object when drafted, or NULL */
    char *by;
    long long at;
};

/* A draft's rows. */
struct rows {
    struct row *v;
    size_t n, cap;
    int bad; /* a row did not parse: refused, never half-applied */
};

/*
 * What every call starts from: the tenant (locked when lock), its live
 * document and its draft's rows.
 */
struct draft {
    struct ec_catalog_tenant t;
    struct json_object *live;
    struct rows rows;
};

/* The tenant slug (locked when lock), its live document and its draft. */
int ec_draft_read(struct draft *d, struct ec_db *db, const char *slug,
                  int lock);
void ec_draft_release(struct draft *d);

/* A deep copy of live with every row of r put over it (the caller's). */
struct json_object *ec_draft_apply(struct json_object *live,
                                   const struct rows *r);

/* The kind (enum ec_catalog_kind) of a stored type; -1: the rules. */
int ec_draft_kind(const char *type);

/* The object key of kind k (-1: the rules) in doc, borrowed; or NULL. */
struct json_object *ec_draft_object(struct json_object *doc, int k,
                                    const char *key);

/* What publishing row w does to live's object (NULL: none): "create",
   "update", "retire" or "delete". */
const char *ec_draft_action(const struct row *w, struct json_object *live);

/* doc checked as an import does, canonical into *out (the caller's):
   0 or EC_ERR_INVALID_FIELD with err. */
int ec_draft_check(struct json_object *doc, const struct ec_catalog_tenant *t,
                   struct ec_check_error *err, struct json_object **out);

/* The id of tenant slug (*rc: 0 or the error). */
long long ec_draft_tenant_id(struct ec_db *db, const char *slug, int *rc);

#endif
