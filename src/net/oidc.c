#include "net/oidc.h"

#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "core/err.h"
#include "core/jose.h"

/* The URL member key of doc into out: 0, or -1 when missing, too long or
   not https. */
static int
url_member(struct json_object *doc, const char *key, char *out)
{
    const char *s = ec_jose_str(doc, key);

    if (!s || strlen(s) > EC_OIDC_URL_MAX || strncmp(s, "https://", 8) != 0)
        return -1;
    strcpy(out, s);
    return 0;
}

/* GET url and parse a JSON object from a 200 answer into *doc. */
static int
get_json(const struct ec_https_opts *opts, const char *url,
         struct json_object **doc, char *err, size_t err_size)
{
    struct ec_https_resp r;
    int rc;

    *doc = NULL;
    ec_https_resp_init(&r);
    rc = ec_https_get(opts, url, &r);
    if (rc < 0) {
        snprintf(err, err_size, "GET %s: %s", url, r.error);
    } else if (r.status != 200) {
        snprintf(err, err_size, "GET %s: status %ld", url, r.status);
        rc = EC_ERR_UNAVAILABLE;
    } else if (!(*doc = ec_jose_json(r.body.data, r.body.len)) ||
               !json_object_is_type(*doc, json_type_object)) {
        snprintf(err, err_size, "GET %s: not a JSON object", url);
        rc = EC_ERR_BAD_REQUEST;
    }
    ec_https_resp_release(&r);
    if (rc < 0) {
        json_object_put(*doc);
        *doc = NULL;
    }
    return rc;
}

int
ec_oidc_discover(const struct ec_https_opts *opts, const char *issuer,
                 struct ec_oidc_endpoints *out, char *err, size_t err_size)
{
    struct ec_buf url = EC_BUF_INIT;
    struct json_object *doc;
    const char *iss;
    int rc;

    /* OIDC Discovery §4: the issuer, less a trailing slash, + the path */
    ec_buf_adds(&url, issuer);
    if (url.len && url.data[url.len - 1] == '/')
        url.data[--url.len] = '\0';
    ec_buf_adds(&url, "/.well-known/openid-configuration");
    rc = get_json(opts, url.data, &doc, err, err_size);
    ec_buf_release(&url);
    if (rc < 0)
        return rc;
    iss = ec_jose_str(doc, "issuer");
    if (!iss || strcmp(iss, issuer) != 0) {
        snprintf(err, err_size,
                 "discovery: the document is for another "
                 "issuer");
        rc = EC_ERR_BAD_REQUEST;
    } else if (url_member(doc, "authorization_endpoint", out->authorization) <
                   0 ||
               url_member(doc, "token_endpoint", out->token) < 0 ||
               url_member(doc, "jwks_uri", out->jwks_uri) < 0) {
        snprintf(err, err_size,
                 "discovery: an endpoint is missing or not "
                 "an https URL");
        rc = EC_ERR_BAD_REQUEST;
    }
    json_object_put(doc);
    return rc;
}

int
ec_oidc_fetch_jwks(const struct ec_https_opts *opts, const char *jwks_uri,
                   struct ec_jwks *set, char *err, size_t err_size)
{
    struct ec_https_resp r;
    int rc;

    ec_https_resp_init(&r);
    rc = ec_https_get(opts, jwks_uri, &r);
    if (rc < 0) {
        snprintf(err, err_size, "GET %s: %s", jwks_uri, r.error);
    } else if (r.status != 200) {
        snprintf(err, err_size, "GET %s: status %ld", jwks_uri, r.status);
        rc = EC_ERR_UNAVAILABLE;
    } else if ((rc = ec_jwks_parse(set, r.body.data, r.body.len)) < 0) {
        snprintf(err, err_size, "GET %s: no usable signing key", jwks_uri);
    }
    ec_https_resp_release(&r);
    return rc;
}

/* What a token endpoint's answer means (see oidc.h). */
static int
token_answer(const struct ec_https_resp *r, struct ec_buf *id_token, char *err,
             size_t err_size)
{
    struct json_object *doc = ec_jose_json(r->body.data, r->body.len);
    const char *tok = doc ? ec_jose_str(doc, "id_token") : NULL;
    const char *oauth_err = doc ? ec_jose_str(doc, "error") : NULL;
    int rc = 0;

    if (r->status >= 400 && r->status < 500 && oauth_err) {
        /* the OAuth error code is a fixed word, safe to log */
        snprintf(err, err_size, "token: refused (%ld %.64s)", r->status,
                 oauth_err);
        rc = EC_ERR_FORBIDDEN;
    } else if (r->status != 200) {
        snprintf(err, err_size, "token: status %ld", r->status);
        rc = EC_ERR_UNAVAILABLE;
    } else if (!tok) {
        snprintf(err, err_size, "token: the answer holds no id_token");
        rc = EC_ERR_BAD_REQUEST;
    } else {
        ec_buf_adds(id_token, tok);
    }
    json_object_put(doc);
    return rc;
}

int
ec_oidc_exchange(const struct ec_https_opts *opts, const char *token_url,
                 const struct ec_oidc_client *client, const char *code,
                 const char *verifier, const char *redirect_uri,
                 struct ec_buf *id_token, char *err, size_t err_size)
{
    const char *post[] = {"grant_type",
                          "authorization_code",
                          "code",
                          code,
                          "code_verifier",
                          verifier,
                          "redirect_uri",
                          redirect_uri,
                          "client_id",
                          client->client_id,
                          client->basic_auth ? NULL : "client_secret",
                          client->client_secret,
                          NULL};
    struct ec_https_resp r;
    int rc;

    ec_https_resp_init(&r);
    rc = ec_https_post_form(opts, token_url, post,
                            client->basic_auth ? client->client_id : NULL,
                            client->client_secret, &r);
    if (rc < 0)
        snprintf(err, err_size, "POST %s: %s", token_url, r.error);
    else
        rc = token_answer(&r, id_token, err, err_size);
    ec_https_resp_release(&r);
    return rc;
}
