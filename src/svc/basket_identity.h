/*
 * Who a basket's customer proved to be with MitID (svc/mitid.h), kept
 * beside the lines in the basket's own document, so it lives, expires and
 * is written (compare-and-set by version, ec_basket_save()) with the
 * basket, and the order can use it later:
 *
 *     "identity": {"cpr": "v1.<kid>.<sealed>", "masked": "DDMMYY-xxxx",
 *                  "name": "…", "broker": "idura", "verified_at": 1767…,
 *                  "failures": 1}
 *
 * Invariants: "cpr" is present only once a match succeeded, and is the
 * matched CPR number sealed (core/seal.h) for the context
 * "<slug>:basket.cpr" (EC_BASKET_CPR_CONTEXT), never the number in
 * clear; "masked" is the only form of it fit to show. "failures" counts
 * the failed matches of this basket: once it reaches
 * EC_BASKET_IDENTITY_FAILURES_MAX no new attempt starts and no answer
 * from a broker is accepted for the basket, verified or not.
 *
 * Everything here works on a basket in memory (no I/O); the caller saves.
 */
#ifndef EC_SVC_BASKET_IDENTITY_H
#define EC_SVC_BASKET_IDENTITY_H

#include <stddef.h>

#include "svc/basket.h"

/* Failed matches a basket may have; the next attempt is refused. */
#define EC_BASKET_IDENTITY_FAILURES_MAX 3
/* The sealing context of the matched number: "<slug>:basket.cpr". */
#define EC_BASKET_CPR_CONTEXT "basket.cpr"

/* What the basket's document says. Strings borrow from the document. */
struct ec_basket_identity {
    int verified;           /* a match succeeded */
    const char *cpr_sealed; /* NULL unless verified */
    const char *masked;     /* "DDMMYY-xxxx", NULL unless verified */
    const char *name;       /* as the broker gave it, NULL unless verified */
    const char *broker;     /* the broker style that matched */
    long long verified_at;  /* UTC seconds */
    unsigned failures;      /* failed matches so far */
};

/* The identity record of b into *out (all zero when it has none). */
void ec_basket_identity_get(const struct ec_basket *b,
                            struct ec_basket_identity *out);

/* 1 while the basket may still try to match (fewer than
   EC_BASKET_IDENTITY_FAILURES_MAX failures), else 0. */
int ec_basket_identity_may_try(const struct ec_basket_identity *id);

/* Count one failed match on b (in memory); the failures so far. */
unsigned ec_basket_identity_note_failure(struct ec_basket *b);

/*
 * Record on b (in memory) a successful match: the sealed number, its
 * masked form, the name and the broker style, at UTC second at. The count
 * of failures stays: it is per basket, not per attempt.
 */
void ec_basket_identity_set_verified(struct ec_basket *b, const char *sealed,
                                     const char *masked, const char *name,
                                     const char *broker, long long at);

/*
 * Whether basket b still needs a verified identity before it can be
 * ordered: the tenant requires one (required), the basket has lines, and
 * no match succeeded. 1 or 0.
 */
int ec_basket_identity_needed(const struct ec_basket *b, int required);

#endif
