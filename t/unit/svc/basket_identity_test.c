#include <string.h>

#include <json-c/json.h>

#include "../test.h"
#include "svc/basket.h"
#include "svc/basket_identity.h"

/* A basket as read from a stored document. */
static void
basket_of(struct ec_basket *b, const char *doc)
{
    memset(b, 0, sizeof(*b));
    b->doc = json_tokener_parse(doc);
    CU_ASSERT_PTR_NOT_NULL_FATAL(b->doc);
    json_object_object_get_ex(b->doc, "lines", &b->lines);
    b->version = 1;
}

static void
test_empty(void)
{
    struct ec_basket_identity id;
    struct ec_basket b;

    basket_of(&b, "{\"version\":1,\"lines\":[{\"id\":\"a\"}]}");
    ec_basket_identity_get(&b, &id);
    CU_ASSERT_EQUAL(id.verified, 0);
    CU_ASSERT_EQUAL(id.failures, 0);
    CU_ASSERT_PTR_NULL(id.cpr_sealed);
    CU_ASSERT(ec_basket_identity_may_try(&id));
    json_object_put(b.doc);
}

/* Three failed matches, and the fourth attempt is refused. */
static void
test_attempts(void)
{
    struct ec_basket_identity id;
    struct ec_basket b;

    basket_of(&b, "{\"version\":1,\"lines\":[{\"id\":\"a\"}]}");
    for (unsigned i = 1; i <= EC_BASKET_IDENTITY_FAILURES_MAX; i++) {
        ec_basket_identity_get(&b, &id);
        CU_ASSERT(ec_basket_identity_may_try(&id));
        CU_ASSERT_EQUAL(ec_basket_identity_note_failure(&b), i);
    }
    ec_basket_identity_get(&b, &id);
    CU_ASSERT_EQUAL(id.failures, 3);
    CU_ASSERT(!ec_basket_identity_may_try(&id));
    CU_ASSERT(!id.verified);
    json_object_put(b.doc);
}

/* A count read back from a stored document, and a nonsense one. */
static void
test_stored_count(void)
{
    struct ec_basket_identity id;
    struct ec_basket b;

    basket_of(&b, "{\"version\":4,\"lines\":[],\"identity\":{\"failures\":2}}");
    ec_basket_identity_get(&b, &id);
    CU_ASSERT_EQUAL(id.failures, 2);
    CU_ASSERT(ec_basket_identity_may_try(&id));
    CU_ASSERT_EQUAL(ec_basket_identity_note_failure(&b), 3);
    json_object_put(b.doc);
    basket_of(&b,
              "{\"version\":4,\"lines\":[],\"identity\":{\"failures\":-7}}");
    ec_basket_identity_get(&b, &id);
    CU_ASSERT_EQUAL(id.failures, 0);
    CU_ASSERT_EQUAL(ec_basket_identity_note_failure(&b), 1);
    json_object_put(b.doc);
}

static void
test_verified(void)
{
    struct ec_basket_identity id;
    struct ec_basket b;

    basket_of(&b, "{\"version\":1,\"lines\":[{\"id\":\"a\"}]}");
    CU_ASSERT(ec_basket_identity_needed(&b, 1));
    CU_ASSERT(!ec_basket_identity_needed(&b, 0));
    ec_basket_identity_note_failure(&b);
    ec_basket_identity_set_verified(&b, "v1.k1.AAAA", "010190-xxxx",
                                    "Anna Hansen", "idura", 1767225600);
    ec_basket_identity_get(&b, &id);
    CU_ASSERT(id.verified);
    EC_ASSERT_STR(id.cpr_sealed, "v1.k1.AAAA");
    EC_ASSERT_STR(id.masked, "010190-xxxx");
    EC_ASSERT_STR(id.name, "Anna Hansen");
    EC_ASSERT_STR(id.broker, "idura");
    CU_ASSERT_EQUAL(id.verified_at, 1767225600);
    CU_ASSERT_EQUAL(id.failures, 1); /* per basket, kept */
    CU_ASSERT(!ec_basket_identity_needed(&b, 1));
    json_object_put(b.doc);
}

static void
test_needed_needs_lines(void)
{
    struct ec_basket b;

    basket_of(&b, "{\"version\":1,\"lines\":[]}");
    CU_ASSERT(!ec_basket_identity_needed(&b, 1));
    json_object_put(b.doc);
    memset(&b, 0, sizeof(b)); /* no basket at all */
    CU_ASSERT(!ec_basket_identity_needed(&b, 1));
}

static const struct ec_test tests[] = {
    {"a basket without a record", test_empty},
    {"three failed matches, then no more", test_attempts},
    {"a stored count", test_stored_count},
    {"a verified identity keeps the count", test_verified},
    {"only a basket with lines needs one", test_needed_needs_lines},
    {NULL, NULL},
};

EC_TEST_MAIN("svc/basket_identity", tests)
