#include <stdint.h>
#include <string.h>

#include "../test.h"
#include "core/buf.h"
#include "core/cfsig.h"
#include "core/err.h"

static const char secret[] =
    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
static const int64_t now = 1700000000000LL;
static const char body[] = "{\"sys\":{\"id\":\"e1\"}}";
/* computed apart from this code: Python's hmac.new(secret,
   canonical, sha256).hexdigest() of the canonical request below */
static const char vector[] =
    "c910a3df250e43162b168b36c1ef4c249e98abb2725bd949260b0597e2a898a2";
static const char canonical[] =
    "POST\n/hooks/contentful/nordlys?x=1\n"
    "x-contentful-timestamp:1700000000000;x-contentful-idempotency-key:abc-1;"
    "x-contentful-topic:ContentManagement.Entry.publish\n"
    "{\"sys\":{\"id\":\"e1\"}}";

/* a request's headers: name, value pairs by lower-case name */
struct headers {
    const char *kv[16];
};

static const char *
lookup(void *ctx, const char *name)
{
    struct headers *h = ctx;

    for (int i = 0; h->kv[i]; i += 2)
        if (strcmp(h->kv[i], name) == 0)
            return h->kv[i + 1];
    return NULL;
}

static struct headers
signed_headers(const char *sig, const char *list, const char *ts)
{
    struct headers h = {{
        "x-contentful-signature",
        sig,
        "x-contentful-signed-headers",
        list,
        "x-contentful-timestamp",
        ts,
        "x-contentful-idempotency-key",
        " abc-1 ", /* trimmed when signed */
        "x-contentful-topic",
        "ContentManagement.Entry.publish",
        NULL,
    }};
    return h;
}

#define LIST                                                                   \
    "X-Contentful-Timestamp, x-contentful-idempotency-key,x-contentful-topic"

static struct ec_cfsig_request
request_of(struct headers *h, const char *b)
{
    return (struct ec_cfsig_request){
        "POST", "/hooks/contentful/nordlys?x=1", lookup, h, b, strlen(b)};
}

static void
test_canonical_request_and_known_vector(void)
{
    struct headers h = signed_headers(vector, LIST, "1700000000000");
    struct ec_cfsig_request r = request_of(&h, body);
    struct ec_buf b = EC_BUF_INIT;
    char hex[65];

    CU_ASSERT_EQUAL(ec_cfsig_canonical(&r, LIST, &b), 0);
    EC_ASSERT_STR(b.data, canonical);
    ec_buf_release(&b);
    CU_ASSERT_EQUAL(ec_cfsig_sign(hex, &r, LIST, secret, 64), 0);
    EC_ASSERT_STR(hex, vector);
    CU_ASSERT_EQUAL(ec_cfsig_verify(&r, secret, 64, now, NULL), 0);
    /* upper-case hex is the same signature */
    {
        char upper[65];

        for (int i = 0; i < 65; i++)
            upper[i] = (vector[i] >= 'a' && vector[i] <= 'f')
                           ? (char)(vector[i] - 32)
                           : vector[i];
        h = signed_headers(upper, LIST, "1700000000000");
        CU_ASSERT_EQUAL(ec_cfsig_verify(&r, secret, 64, now, NULL), 0);
    }
}

static void
expect(struct ec_cfsig_request *r, const char *key, int64_t at,
       enum ec_cfsig_why want)
{
    enum ec_cfsig_why why = EC_CFSIG_OK;

    CU_ASSERT_EQUAL(ec_cfsig_verify(r, key, strlen(key), at, &why),
                    EC_ERR_UNAUTHORIZED);
    CU_ASSERT_EQUAL(why, want);
}

static void
test_refusals(void)
{
    struct headers h = signed_headers(vector, LIST, "1700000000000");
    struct ec_cfsig_request r = request_of(&h, body);
    char other[sizeof(vector)];

    /* another secret, another body, another path, another method */
    expect(&r, "another secret of sixty-four characters, more or less......",
           now, EC_CFSIG_MISMATCH);
    r = request_of(&h, "{\"sys\":{\"id\":\"e2\"}}");
    expect(&r, secret, now, EC_CFSIG_MISMATCH);
    r = request_of(&h, body);
    r.path = "/hooks/contentful/fjordmobil?x=1";
    expect(&r, secret, now, EC_CFSIG_MISMATCH);
    r = request_of(&h, body);
    r.method = "PUT";
    expect(&r, secret, now, EC_CFSIG_MISMATCH);
    /* one flipped digit */
    memcpy(other, vector, sizeof(vector));
    other[10] = other[10] == '0' ? '1' : '0';
    h = signed_headers(other, LIST, "1700000000000");
    r = request_of(&h, body);
    expect(&r, secret, now, EC_CFSIG_MISMATCH);
    /* 30 s either way is the edge */
    h = signed_headers(vector, LIST, "1700000000000");
    CU_ASSERT_EQUAL(ec_cfsig_verify(&r, secret, 64, now + 30000, NULL), 0);
    CU_ASSERT_EQUAL(ec_cfsig_verify(&r, secret, 64, now - 30000, NULL), 0);
    expect(&r, secret, now + 30001, EC_CFSIG_STALE);
    expect(&r, secret, now - 30001, EC_CFSIG_STALE);
    /* the timestamp must be signed */
    h = signed_headers(vector, "x-contentful-topic", "1700000000000");
    expect(&r, secret, now, EC_CFSIG_UNSIGNED_TIMESTAMP);
    /* missing and malformed headers */
    h = signed_headers(NULL, LIST, "1700000000000");
    expect(&r, secret, now, EC_CFSIG_MALFORMED);
    h = signed_headers("abc", LIST, "1700000000000");
    expect(&r, secret, now, EC_CFSIG_MALFORMED);
    h = signed_headers(vector, LIST, "17e11");
    expect(&r, secret, now, EC_CFSIG_MALFORMED);
    h = signed_headers(vector, LIST ",x-not-sent", "1700000000000");
    expect(&r, secret, now, EC_CFSIG_MALFORMED);
    h = signed_headers(vector, LIST ",", "1700000000000");
    expect(&r, secret, now, EC_CFSIG_MALFORMED);
}

static void
test_too_many_signed_headers(void)
{
    struct headers h = signed_headers(vector, "", "1700000000000");
    struct ec_cfsig_request r = request_of(&h, body);
    struct ec_buf list = EC_BUF_INIT, out = EC_BUF_INIT;

    ec_buf_adds(&list, "x-contentful-timestamp");
    for (int i = 0; i < EC_CFSIG_HEADERS_MAX; i++)
        ec_buf_adds(&list, ",x-contentful-topic");
    CU_ASSERT_EQUAL(ec_cfsig_canonical(&r, list.data, &out), -1);
    ec_buf_release(&list);
    ec_buf_release(&out);
    CU_ASSERT_TRUE(ec_cfsig_signs(LIST, "x-contentful-idempotency-key"));
    CU_ASSERT_FALSE(ec_cfsig_signs(LIST, "x-contentful-signature"));
}

static const struct ec_test tests[] = {
    {"the canonical request and a vector computed elsewhere",
     test_canonical_request_and_known_vector},
    {"another secret, body, path or method; stale; unsigned timestamp; "
     "malformed",
     test_refusals},
    {"no more than EC_CFSIG_HEADERS_MAX signed headers",
     test_too_many_signed_headers},
    {NULL, NULL},
};

int
main(void)
{
    return ec_test_run("core/cfsig", tests);
}
