#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "../test.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/pubkey.h"
#include "svc/mitid.h"

static const char *const hint_cpr = "0101901234";

static struct ec_mitid_config
config(enum ec_mitid_style style)
{
    struct ec_mitid_config c;

    memset(&c, 0, sizeof(c));
    c.style = style;
    strcpy(c.issuer, "https://broker.example");
    strcpy(c.client_id, "shop client");
    return c;
}

/* The decoded value of query parameter name in url (into out), or NULL. */
static const char *
param(const char *url, const char *name, char *out, size_t size)
{
    const char *p = strchr(url, '?');
    size_t nlen = strlen(name);

    while (p && *p) {
        p++;
        if (strncmp(p, name, nlen) == 0 && p[nlen] == '=') {
            size_t n = 0;

            for (p += nlen + 1; *p && *p != '&' && n + 1 < size; p++) {
                if (*p == '+') {
                    out[n++] = ' ';
                } else if (*p == '%' && p[1] && p[2]) {
                    char hex[3] = {p[1], p[2], 0};
                    out[n++] = (char)strtol(hex, NULL, 16);
                    p += 2;
                } else {
                    out[n++] = *p;
                }
            }
            out[n] = '\0';
            return out;
        }
        p = strchr(p, '&');
    }
    return NULL;
}

static void
build(const struct ec_mitid_config *c, const char *endpoint, struct ec_buf *b)
{
    struct ec_mitid_request r = {"http://shop.example:8080/mitid/callback",
                                 "STATE", "NONCE", "CHALLENGE", hint_cpr};

    ec_buf_init(b);
    ec_mitid_authorize_url(c, endpoint, &r, b);
}

static void
expect(const char *url, const char *name, const char *want)
{
    char v[256];
    const char *got = param(url, name, v, sizeof(v));

    if (!want) {
        if (got)
            fprintf(stderr, "\n    %s: unexpected %s=%s\n", url, name, got);
        CU_ASSERT_PTR_NULL(got);
        return;
    }
    if (!got)
        fprintf(stderr, "\n    %s: no %s\n", url, name);
    CU_ASSERT_PTR_NOT_NULL_FATAL(got);
    EC_ASSERT_STR(got, want);
}

/* What every style sends. */
static void
expect_common(const char *url)
{
    expect(url, "response_type", "code");
    expect(url, "client_id", "shop client");
    expect(url, "redirect_uri", "http://shop.example:8080/mitid/callback");
    expect(url, "state", "STATE");
    expect(url, "nonce", "NONCE");
    expect(url, "code_challenge", "CHALLENGE");
    expect(url, "code_challenge_method", "S256");
}

static void
test_authorize_idura(void)
{
    struct ec_mitid_config c = config(EC_MITID_IDURA);
    struct ec_buf b;

    build(&c, "https://broker.example/oauth2/authorize", &b);
    CU_ASSERT(strncmp(b.data, "https://broker.example/oauth2/authorize?", 40) ==
              0);
    expect_common(b.data);
    expect(b.data, "scope", "openid ssn");
    expect(b.data, "login_hint", "sub:0101901234");
    expect(b.data, "acr_values", "urn:grn:authn:dk:mitid:substantial");
    expect(b.data, "idp_values", NULL);
    ec_buf_release(&b);
}

static void
test_authorize_signicat(void)
{
    struct ec_mitid_config c = config(EC_MITID_SIGNICAT);
    struct ec_buf b;

    build(&c, "https://broker.example/auth?tenant=x", &b);
    /* the endpoint's own query is kept */
    CU_ASSERT(strncmp(b.data, "https://broker.example/auth?tenant=x&", 37) ==
              0);
    expect_common(b.data);
    expect(b.data, "scope", "openid nin mitid-extra");
    expect(b.data, "login_hint", NULL);
    expect(b.data, "acr_values", NULL);
    expect(b.data, "idp_values", NULL);
    ec_buf_release(&b);
}

static void
test_authorize_signaturgruppen(void)
{
    struct ec_mitid_config c = config(EC_MITID_SIGNATURGRUPPEN);
    struct ec_buf b;

    build(&c, "https://broker.example/connect/authorize", &b);
    expect_common(b.data);
    expect(b.data, "scope", "openid ssn");
    expect(b.data, "idp_values", "mitid");
    expect(b.data, "login_hint", NULL);
    ec_buf_release(&b);
}

static void
test_configured_scope_and_acr(void)
{
    struct ec_mitid_config c = config(EC_MITID_IDURA);
    struct ec_buf b = EC_BUF_INIT;

    strcpy(c.scopes, "ssn address");
    strcpy(c.acr_values, "urn:grn:authn:dk:mitid:high");
    ec_mitid_scope(&c, &b);
    EC_ASSERT_STR(b.data, "openid ssn address"); /* openid added */
    ec_buf_release(&b);
    strcpy(c.scopes, "ssn openid");
    ec_buf_init(&b);
    ec_mitid_scope(&c, &b);
    EC_ASSERT_STR(b.data, "ssn openid");
    ec_buf_release(&b);
    strcpy(c.scopes, "ssn openidx");
    ec_buf_init(&b);
    ec_mitid_scope(&c, &b);
    EC_ASSERT_STR(b.data, "openid ssn openidx"); /* a word, not a prefix */
    ec_buf_release(&b);
    build(&c, "https://b/authorize", &b);
    expect(b.data, "acr_values", "urn:grn:authn:dk:mitid:high");
    ec_buf_release(&b);
}

static void
test_styles(void)
{
    CU_ASSERT_EQUAL(ec_mitid_style_parse("idura"), EC_MITID_IDURA);
    CU_ASSERT_EQUAL(ec_mitid_style_parse("signicat"), EC_MITID_SIGNICAT);
    CU_ASSERT_EQUAL(ec_mitid_style_parse("signaturgruppen"),
                    EC_MITID_SIGNATURGRUPPEN);
    CU_ASSERT_EQUAL(ec_mitid_style_parse("criipto"), 0);
    CU_ASSERT_EQUAL(ec_mitid_style_parse(NULL), 0);
    EC_ASSERT_STR(ec_mitid_style_name(EC_MITID_SIGNICAT), "signicat");
    EC_ASSERT_STR(ec_mitid_style_name(0), "unknown");
    CU_ASSERT_EQUAL(ec_mitid_algs(EC_MITID_IDURA), EC_SIG_RS256);
    CU_ASSERT_EQUAL(ec_mitid_algs(EC_MITID_SIGNICAT), EC_SIG_RS256);
    CU_ASSERT_EQUAL(ec_mitid_algs(EC_MITID_SIGNATURGRUPPEN), EC_SIG_ES256);
}

/* Claims of each style, as the brokers send them. */
static const struct {
    enum ec_mitid_style style;
    const char *claims;
    const char *cpr; /* NULL: refused */
    const char *name;
} claim_cases[] = {
    {EC_MITID_IDURA,
     "{\"cprNumberIdentifier\":\"0101901234\",\"name\":\"Anna Hansen\","
     "\"identityscheme\":\"dkmitid\"}",
     "0101901234", "Anna Hansen"},
    {EC_MITID_IDURA, "{\"nin\":\"0101901234\"}", NULL, NULL},
    {EC_MITID_IDURA, "{\"cprNumberIdentifier\":\"010190-1234\"}", NULL, NULL},
    {EC_MITID_IDURA, "{\"cprNumberIdentifier\":101901234}", NULL, NULL},
    {EC_MITID_IDURA, "{\"cprNumberIdentifier\":\"3102901234\"}", NULL, NULL},
    {EC_MITID_SIGNICAT,
     "{\"nin\":\"0101901234\",\"nin_type\":\"PERSON\","
     "\"nin_issuing_country\":\"DK\",\"mitid_cpr_source\":\"user\","
     "\"name\":\"Bo Berg\"}",
     "0101901234", "Bo Berg"},
    {EC_MITID_SIGNICAT,
     "{\"nin\":\"0101901234\",\"nin_type\":\"PERSON\","
     "\"nin_issuing_country\":\"DK\"}",
     NULL, NULL}, /* no mitid_cpr_source */
    {EC_MITID_SIGNICAT,
     "{\"nin\":\"0101901234\",\"nin_issuing_country\":\"SE\","
     "\"mitid_cpr_source\":\"user\"}",
     NULL, NULL},
    {EC_MITID_SIGNICAT,
     "{\"nin\":\"0101901234\",\"nin_type\":\"ORGANIZATION\","
     "\"mitid_cpr_source\":\"user\"}",
     NULL, NULL},
    {EC_MITID_SIGNATURGRUPPEN,
     "{\"dk.cpr\":\"0101901234\",\"mitid.identity_name\":\"Cai Ebbe\","
     "\"name\":\"C. Ebbe\"}",
     "0101901234", "Cai Ebbe"},
    {EC_MITID_SIGNATURGRUPPEN, "{\"dk.cpr\":\"0101901234\",\"name\":\"Dan\"}",
     "0101901234", "Dan"},
    {EC_MITID_SIGNATURGRUPPEN, "{\"dk.cpr\":\"0101901234\"}", "0101901234", ""},
    {EC_MITID_SIGNATURGRUPPEN, "{\"cprNumberIdentifier\":\"0101901234\"}", NULL,
     NULL},
    {EC_MITID_SIGNATURGRUPPEN, "[]", NULL, NULL},
};

static void
test_claims(void)
{
    for (size_t i = 0; i < sizeof(claim_cases) / sizeof(*claim_cases); i++) {
        struct json_object *j = json_tokener_parse(claim_cases[i].claims);
        char name[EC_MITID_NAME_MAX + 1];
        struct ec_cpr cpr;
        int rc;

        CU_ASSERT_PTR_NOT_NULL_FATAL(j);
        rc = ec_mitid_claims(claim_cases[i].style, j, &cpr, name);
        json_object_put(j);
        if (!claim_cases[i].cpr) {
            if (rc != EC_ERR_FORBIDDEN)
                fprintf(stderr, "\n    case %zu accepted\n", i);
            CU_ASSERT_EQUAL(rc, EC_ERR_FORBIDDEN);
            continue;
        }
        if (rc != 0)
            fprintf(stderr, "\n    case %zu refused\n", i);
        CU_ASSERT_EQUAL_FATAL(rc, 0);
        EC_ASSERT_STR(cpr.digits, claim_cases[i].cpr);
        EC_ASSERT_STR(name, claim_cases[i].name);
    }
    CU_ASSERT_EQUAL(ec_mitid_claims(EC_MITID_IDURA, NULL, NULL, (char[8]){0}),
                    EC_ERR_FORBIDDEN);
}

/* A long name is cut at a character boundary, never inside one. */
static void
test_claims_long_name(void)
{
    char long_name[EC_MITID_NAME_MAX + 40], doc[EC_MITID_NAME_MAX + 200];
    char name[EC_MITID_NAME_MAX + 1];
    struct json_object *j;
    struct ec_cpr cpr;

    /* "a" then "æ" (two bytes) repeated: the limit falls inside one */
    long_name[0] = 'a';
    for (size_t i = 1; i + 2 < sizeof(long_name); i += 2)
        memcpy(long_name + i, "\xc3\xa6", 2), long_name[i + 2] = '\0';
    snprintf(doc, sizeof(doc),
             "{\"cprNumberIdentifier\":\"0101901234\",\"name\":\"%s\"}",
             long_name);
    j = json_tokener_parse(doc);
    CU_ASSERT_PTR_NOT_NULL_FATAL(j);
    CU_ASSERT_EQUAL(ec_mitid_claims(EC_MITID_IDURA, j, &cpr, name), 0);
    json_object_put(j);
    CU_ASSERT(strlen(name) <= EC_MITID_NAME_MAX);
    CU_ASSERT(strlen(name) % 2 == 1); /* "a" and whole "æ"s */
    CU_ASSERT((name[strlen(name) - 1] & 0xff) == 0xa6);
}

static const struct ec_test tests[] = {
    {"authorize URL, Idura style", test_authorize_idura},
    {"authorize URL, Signicat style", test_authorize_signicat},
    {"authorize URL, Signaturgruppen style", test_authorize_signaturgruppen},
    {"configured scope and acr_values", test_configured_scope_and_acr},
    {"style names and algorithms", test_styles},
    {"the person in each style's claims", test_claims},
    {"a long name is cut at a character boundary", test_claims_long_name},
    {NULL, NULL},
};

EC_TEST_MAIN("svc/mitid", tests)
