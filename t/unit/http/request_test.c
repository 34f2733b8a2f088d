#include <json-c/json.h>

#include "../test.h"
#include "core/arena.h"
#include "core/err.h"
#include "http/request.h"

static struct ec_arena arena;

/* A body reader over a fixed string that can announce more than it has. */
struct body {
    const char *data;
    size_t len, off;
};

static long
read_body(void *ctx, char *buf, size_t n)
{
    struct body *b = ctx;
    size_t left = b->len - b->off;

    if (n > left)
        n = left;
    memcpy(buf, b->data + b->off, n);
    b->off += n;
    return (long)n;
}

static int
parse(struct ec_request *req, const char *method, const char *uri,
      const char *ctype, const char *body, const char *content_length)
{
    char cl[32], m[64], u[512], ct[128];
    char *envp[] = {m,
                    u,
                    "HTTP_HOST=Nordlys.Localhost:8080",
                    "HTTP_ACCEPT=text/html",
                    "QUERY_STRING=",
                    ct,
                    cl,
                    "HTTP_COOKIE=sid=s1; basket=b2",
                    "HTTP_X_REQUEST_ID=req-123",
                    NULL};
    struct body b = {body, body ? strlen(body) : 0, 0};
    int rc;

    snprintf(m, sizeof(m), "REQUEST_METHOD=%s", method);
    snprintf(u, sizeof(u), "REQUEST_URI=%s", uri);
    snprintf(ct, sizeof(ct), "CONTENT_TYPE=%s", ctype ? ctype : "");
    if (content_length)
        snprintf(cl, sizeof(cl), "CONTENT_LENGTH=%s", content_length);
    else
        snprintf(cl, sizeof(cl), "CONTENT_LENGTH=%zu", b.len);
    ec_arena_reset(&arena);
    rc = ec_request_parse_head(req, &arena, envp);
    if (rc < 0)
        return rc;
    return ec_request_read_body(req, 1024, read_body, &b);
}

static void
test_head_fields(void)
{
    struct ec_request req;

    CU_ASSERT_EQUAL_FATAL(
        parse(&req, "GET", "/products/5g?x=1", NULL, NULL, NULL), 0);
    EC_ASSERT_STR(req.method, "GET");
    EC_ASSERT_STR(req.host, "nordlys.localhost");
    EC_ASSERT_STR(req.path, "/products/5g");
    EC_ASSERT_STR(req.request_id, "req-123");
    EC_ASSERT_STR(ec_request_cookie(&req, "basket"), "b2");
    EC_ASSERT_STR(ec_request_header(&req, "accept"), "text/html");
    CU_ASSERT_FALSE(req.wants_json);
    CU_ASSERT_EQUAL(req.body_kind, EC_BODY_NONE);
}

static void
test_query_string_from_uri(void)
{
    struct ec_request req;
    char *envp[] = {"REQUEST_METHOD=GET", "REQUEST_URI=/p?channel=app&n=2",
                    "HTTP_HOST=a.localhost", NULL};

    ec_arena_reset(&arena);
    CU_ASSERT_EQUAL_FATAL(ec_request_parse_head(&req, &arena, envp), 0);
    EC_ASSERT_STR(ec_request_arg(&req, "channel"), "app");
    EC_ASSERT_STR(ec_request_arg(&req, "n"), "2");
}

static void
test_request_id_is_made_when_missing_or_bad(void)
{
    struct ec_request req;
    char *envp[] = {"REQUEST_METHOD=GET", "REQUEST_URI=/",
                    "HTTP_HOST=a.localhost",
                    "HTTP_X_REQUEST_ID=bad id\r\ninjected: yes", NULL};

    ec_arena_reset(&arena);
    CU_ASSERT_EQUAL_FATAL(ec_request_parse_head(&req, &arena, envp), 0);
    CU_ASSERT_EQUAL(strlen(req.request_id), 32);
    CU_ASSERT_TRUE(ec_request_id_valid(req.request_id));
    CU_ASSERT_FALSE(ec_request_id_valid(""));
    CU_ASSERT_FALSE(ec_request_id_valid("a b"));
}

static void
test_json_body(void)
{
    struct ec_request req;
    struct json_object *sku;

    CU_ASSERT_EQUAL_FATAL(parse(&req, "POST", "/api/v1/basket/lines",
                                "application/json; charset=utf-8",
                                "{\"sku\":\"PLAN-5G\",\"addons\":[1,2]} \n",
                                NULL),
                          0);
    CU_ASSERT_EQUAL(req.body_kind, EC_BODY_JSON);
    CU_ASSERT_TRUE(req.wants_json);
    CU_ASSERT_TRUE(json_object_object_get_ex(req.json, "sku", &sku));
    EC_ASSERT_STR(json_object_get_string(sku), "PLAN-5G");
}

static void
test_malformed_json_is_refused(void)
{
    static const char *const bad[] = {
        "{\"sku\":",
        "{sku: 1}",
        "{\"a\":1} trailing",
        "[1,2,]",
        "nope",
        "{\"a\":'x'}",
        /* nested deeper than the parser allows (one literal, split) */
        ("[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]"
         "]"
         "]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]"),
    };
    struct ec_request req;

    for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
        int rc =
            parse(&req, "POST", "/api/v1/x", "application/json", bad[i], NULL);
        if (rc != EC_ERR_INVALID_JSON)
            fprintf(stderr, "\n    accepted bad JSON %s\n", bad[i]);
        CU_ASSERT_EQUAL(rc, EC_ERR_INVALID_JSON);
    }
}

static void
test_form_body(void)
{
    struct ec_request req;

    CU_ASSERT_EQUAL_FATAL(parse(&req, "POST", "/basket",
                                "application/x-www-form-urlencoded",
                                "sku=PLAN-5G&binding_months=6", NULL),
                          0);
    CU_ASSERT_EQUAL(req.body_kind, EC_BODY_FORM);
    EC_ASSERT_STR(ec_kvlist_get(&req.form, "binding_months"), "6");
    CU_ASSERT_EQUAL(parse(&req, "POST", "/basket",
                          "application/x-www-form-urlencoded", "sku=%ZZ", NULL),
                    EC_ERR_BAD_REQUEST);
}

static void
test_oversized_body(void)
{
    struct ec_request req;
    char big[2048];

    memset(big, 'a', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    CU_ASSERT_EQUAL(parse(&req, "POST", "/x", "text/plain", big, NULL),
                    EC_ERR_TOO_LARGE);
    /* the announced length alone is enough to refuse, before any read */
    CU_ASSERT_EQUAL(parse(&req, "POST", "/x", "text/plain", "", "99999999"),
                    EC_ERR_TOO_LARGE);
}

static void
test_short_body_and_bad_length(void)
{
    struct ec_request req;

    CU_ASSERT_EQUAL(parse(&req, "POST", "/x", "text/plain", "abc", "10"),
                    EC_ERR_BAD_REQUEST);
    CU_ASSERT_EQUAL(parse(&req, "POST", "/x", "text/plain", "", "-1"),
                    EC_ERR_BAD_REQUEST);
    CU_ASSERT_EQUAL(parse(&req, "POST", "/x", "text/plain", "", "12abc"),
                    EC_ERR_BAD_REQUEST);
}

static void
test_bad_head(void)
{
    struct ec_request req;
    char *no_host[] = {"REQUEST_METHOD=GET", "REQUEST_URI=/", NULL};
    char *no_method[] = {"REQUEST_URI=/", "HTTP_HOST=a", NULL};

    CU_ASSERT_EQUAL(parse(&req, "GET", "/a/../etc/passwd", NULL, NULL, NULL),
                    EC_ERR_BAD_REQUEST);
    ec_arena_reset(&arena);
    CU_ASSERT_EQUAL(ec_request_parse_head(&req, &arena, no_host),
                    EC_ERR_BAD_REQUEST);
    CU_ASSERT_EQUAL(ec_request_parse_head(&req, &arena, no_method),
                    EC_ERR_BAD_REQUEST);
}

static void
test_wants_json(void)
{
    struct ec_request req;
    char *api[] = {"REQUEST_METHOD=GET", "REQUEST_URI=/api/v1/products",
                   "HTTP_HOST=a", NULL};
    char *accept[] = {"REQUEST_METHOD=GET", "REQUEST_URI=/", "HTTP_HOST=a",
                      "HTTP_ACCEPT=application/json", NULL};

    ec_arena_reset(&arena);
    CU_ASSERT_EQUAL_FATAL(ec_request_parse_head(&req, &arena, api), 0);
    CU_ASSERT_TRUE(req.wants_json);
    CU_ASSERT_EQUAL_FATAL(ec_request_parse_head(&req, &arena, accept), 0);
    CU_ASSERT_TRUE(req.wants_json);
}

static const struct ec_test tests[] = {
    {"head fields: method, host, path, cookies, id", test_head_fields},
    {"query string comes from the URI when absent", test_query_string_from_uri},
    {"a request id is made when missing or unsafe",
     test_request_id_is_made_when_missing_or_bad},
    {"a JSON body is parsed", test_json_body},
    {"malformed or too deep JSON is invalid_json",
     test_malformed_json_is_refused},
    {"an urlencoded body becomes form fields", test_form_body},
    {"a body over the limit is payload_too_large", test_oversized_body},
    {"a short body or bad length is bad_request",
     test_short_body_and_bad_length},
    {"no host, no method or .. is bad_request", test_bad_head},
    {"API paths and Accept: json want JSON errors", test_wants_json},
    {NULL, NULL},
};

int
main(void)
{
    int rc;

    ec_arena_init(&arena, 0);
    rc = ec_test_run("http/request", tests);
    ec_arena_release(&arena);
    return rc;
}
