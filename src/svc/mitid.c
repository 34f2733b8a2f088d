#include "svc/mitid.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "core/arena.h"
#include "core/clock.h"
#include "core/crypto.h"
#include "core/err.h"
#include "core/jwks.h"
#include "core/jwt.h"
#include "core/log.h"
#include "core/pkce.h"
#include "core/seal.h"
#include "core/xalloc.h"
#include "net/oidc.h"
#include "store/db.h"
#include "store/kv.h"

/* The context of the typed number in a flow's state: "<slug>:mitid.flow". */
#define FLOW_CONTEXT "mitid.flow"
/* Brokers a worker keeps keys of (a tenant has one). */
#define KEYS_MAX 32
/* A key set is fetched again for an unknown kid at most this often. */
#define REFETCH_MIN_MS 10000
#define KEY_SIZE 128

static const char *const style_names[] = {
    [EC_MITID_IDURA] = "idura",
    [EC_MITID_SIGNICAT] = "signicat",
    [EC_MITID_SIGNATURGRUPPEN] = "signaturgruppen",
};

enum ec_mitid_style
ec_mitid_style_parse(const char *s)
{
    for (int i = EC_MITID_IDURA; i <= EC_MITID_SIGNATURGRUPPEN; i++)
        if (s && strcmp(s, style_names[i]) == 0)
            return (enum ec_mitid_style)i;
    return 0;
}

const char *
ec_mitid_style_name(enum ec_mitid_style style)
{
    if (style < EC_MITID_IDURA || style > EC_MITID_SIGNATURGRUPPEN)
        return "unknown";
    return style_names[style];
}

unsigned
ec_mitid_algs(enum ec_mitid_style style)
{
    return style == EC_MITID_SIGNATURGRUPPEN ? EC_SIG_ES256 : EC_SIG_RS256;
}

/* ---- configuration ---- */

static const char *const config_sql =
    "SELECT style, issuer, client_id, client_secret, scopes, acr_values,"
    " required FROM tenant_mitid WHERE tenant_id = ?";

static void
copy_col(char *out, size_t size, const struct ec_db_row *row, unsigned i)
{
    snprintf(out, size, "%s", row->vals[i] ? row->vals[i] : "");
}

static int
config_row(const struct ec_db_row *row, void *ctx)
{
    struct ec_mitid_config *c = ctx;

    c->style = ec_mitid_style_parse(row->vals[0]);
    copy_col(c->issuer, sizeof(c->issuer), row, 1);
    copy_col(c->client_id, sizeof(c->client_id), row, 2);
    copy_col(c->secret_sealed, sizeof(c->secret_sealed), row, 3);
    copy_col(c->scopes, sizeof(c->scopes), row, 4);
    copy_col(c->acr_values, sizeof(c->acr_values), row, 5);
    c->required = row->vals[6] && atoi(row->vals[6]) != 0;
    return 1;
}

int
ec_mitid_config_load(struct ec_db *db, long long tenant_id,
                     struct ec_mitid_config *out)
{
    struct ec_db_param p[] = {EC_DB_I(tenant_id)};
    int rc;

    memset(out, 0, sizeof(*out));
    rc = ec_db_exec(db, config_sql, p, 1, config_row, out, NULL);
    if (rc < 0)
        return rc;
    return out->style ? 0 : EC_ERR_NOT_FOUND;
}

static const char *const save_sql =
    "INSERT INTO tenant_mitid (tenant_id, style, issuer, client_id,"
    " client_secret, scopes, acr_values, required)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
    " ON DUPLICATE KEY UPDATE style = VALUES(style), issuer = VALUES(issuer),"
    " client_id = VALUES(client_id), client_secret = VALUES(client_secret),"
    " scopes = VALUES(scopes), acr_values = VALUES(acr_values),"
    " required = VALUES(required)";

/* 1 if s is printable ASCII without spaces at its ends. */
static int
plain_text(const char *s)
{
    size_t n = strlen(s);

    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] > 0x7e)
            return 0;
    return n == 0 || (s[0] != ' ' && s[n - 1] != ' ');
}

int
ec_mitid_config_save(struct ec_db *db, const struct ec_seal *seal,
                     long long tenant_id, const char *slug,
                     struct ec_mitid_config *c, const char *secret, size_t len,
                     const char **why)
{
    struct ec_buf sealed = EC_BUF_INIT;
    char *context;
    int rc;

    *why = NULL;
    if (!c->style)
        *why = "the style must be idura, signicat or signaturgruppen";
    else if (strncmp(c->issuer, "https://", 8) != 0 || !c->issuer[8] ||
             !plain_text(c->issuer) || strchr(c->issuer, ' '))
        *why = "the issuer must be an https URL";
    else if (!c->client_id[0] || !plain_text(c->client_id))
        *why = "the client id must be printable text";
    else if (!plain_text(c->scopes) || !plain_text(c->acr_values))
        *why = "scopes and acr_values must be printable text";
    else if (len == 0 || len > EC_MITID_SECRET_MAX)
        *why = "the client secret must be 1 to 512 bytes";
    if (*why)
        return EC_ERR_INVALID_FIELD;
    context = ec_xmalloc(strlen(slug) + sizeof(EC_MITID_SECRET_CONTEXT) + 2);
    sprintf(context, "%s:%s", slug, EC_MITID_SECRET_CONTEXT);
    rc = ec_seal_encrypt(seal, context, secret, len, &sealed);
    free(context);
    if (rc < 0) {
        *why = "no seal key (seal_keys_file)";
        ec_buf_release(&sealed);
        return EC_ERR_INTERNAL;
    }
    snprintf(c->secret_sealed, sizeof(c->secret_sealed), "%s", sealed.data);
    {
        char required[2] = {c->required ? '1' : '0', '\0'};
        struct ec_db_param p[] = {
            EC_DB_I(tenant_id),        EC_DB_S(ec_mitid_style_name(c->style)),
            EC_DB_S(c->issuer),        EC_DB_S(c->client_id),
            EC_DB_S(c->secret_sealed), EC_DB_S(c->scopes),
            EC_DB_S(c->acr_values),    EC_DB_S(required),
        };
        rc = ec_db_exec(db, save_sql, p, 8, NULL, NULL, NULL);
    }
    ec_buf_release(&sealed);
    return rc;
}

/* ---- the authorization request ---- */

static const char *
style_scope(enum ec_mitid_style s)
{
    switch (s) {
    case EC_MITID_SIGNICAT:
        return "openid nin mitid-extra";
    default:
        return "openid ssn";
    }
}

void
ec_mitid_scope(const struct ec_mitid_config *c, struct ec_buf *out)
{
    const char *s = c->scopes[0] ? c->scopes : style_scope(c->style);
    const char *p = s;
    int has_openid = 0;

    /* "openid" as a word of the list */
    while ((p = strstr(p, "openid"))) {
        if ((p == s || p[-1] == ' ') && (p[6] == '\0' || p[6] == ' '))
            has_openid = 1;
        p += 6;
    }
    if (!has_openid)
        ec_buf_adds(out, "openid ");
    ec_buf_adds(out, s);
}

const char *
ec_mitid_acr(const struct ec_mitid_config *c)
{
    if (c->acr_values[0])
        return c->acr_values;
    return c->style == EC_MITID_IDURA ? "urn:grn:authn:dk:mitid:substantial"
                                      : "";
}

void
ec_mitid_authorize_url(const struct ec_mitid_config *c, const char *endpoint,
                       const struct ec_mitid_request *r, struct ec_buf *out)
{
    struct ec_buf scope = EC_BUF_INIT;
    const char *fields[32];
    char hint[32];
    const char *acr = ec_mitid_acr(c);
    size_t n = 0;

    ec_mitid_scope(c, &scope);
    fields[n++] = "response_type";
    fields[n++] = "code";
    fields[n++] = "client_id";
    fields[n++] = c->client_id;
    fields[n++] = "redirect_uri";
    fields[n++] = r->redirect_uri;
    fields[n++] = "scope";
    fields[n++] = scope.data;
    fields[n++] = "state";
    fields[n++] = r->state;
    fields[n++] = "nonce";
    fields[n++] = r->nonce;
    fields[n++] = "code_challenge";
    fields[n++] = r->challenge;
    fields[n++] = "code_challenge_method";
    fields[n++] = "S256";
    if (*acr) {
        fields[n++] = "acr_values";
        fields[n++] = acr;
    }
    switch (c->style) {
    case EC_MITID_IDURA:
        /* Idura matches the number itself: MitID refuses another person */
        if (r->cpr && *r->cpr) {
            snprintf(hint, sizeof(hint), "sub:%s", r->cpr);
            fields[n++] = "login_hint";
            fields[n++] = hint;
        }
        break;
    case EC_MITID_SIGNATURGRUPPEN:
        fields[n++] = "idp_values";
        fields[n++] = "mitid";
        break;
    default:
        break;
    }
    fields[n] = NULL;
    ec_buf_adds(out, endpoint);
    ec_buf_addch(out, strchr(endpoint, '?') ? '&' : '?');
    ec_https_form_encode(out, fields);
    ec_mem_wipe(hint, sizeof(hint));
    ec_buf_release(&scope);
}

/* ---- the person in a token ---- */

static const char *
claim_str(struct json_object *claims, const char *k)
{
    struct json_object *v;

    if (!json_object_object_get_ex(claims, k, &v) ||
        !json_object_is_type(v, json_type_string))
        return NULL;
    return json_object_get_string(v);
}

/* s cut to at most EC_MITID_NAME_MAX bytes at a UTF-8 boundary. */
static void
copy_name(char *out, const char *s)
{
    size_t n = s ? strlen(s) : 0;

    if (n > EC_MITID_NAME_MAX) {
        n = EC_MITID_NAME_MAX;
        while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
            n--;
    }
    if (n)
        memcpy(out, s, n);
    out[n] = '\0';
}

int
ec_mitid_claims(enum ec_mitid_style style, struct json_object *claims,
                struct ec_cpr *cpr, char *name)
{
    const char *number = NULL, *who = NULL, *s;

    name[0] = '\0';
    if (!claims || !json_object_is_type(claims, json_type_object))
        return EC_ERR_FORBIDDEN;
    switch (style) {
    case EC_MITID_IDURA:
        number = claim_str(claims, "cprNumberIdentifier");
        who = claim_str(claims, "name");
        break;
    case EC_MITID_SIGNICAT:
        number = claim_str(claims, "nin");
        who = claim_str(claims, "name");
        /* the number must be a Danish person's, and come from MitID */
        if (!claim_str(claims, "mitid_cpr_source") ||
            ((s = claim_str(claims, "nin_type")) && strcmp(s, "PERSON")) ||
            ((s = claim_str(claims, "nin_issuing_country")) && strcmp(s, "DK")))
            return EC_ERR_FORBIDDEN;
        break;
    case EC_MITID_SIGNATURGRUPPEN:
        number = claim_str(claims, "dk.cpr");
        who = claim_str(claims, "mitid.identity_name");
        if (!who)
            who = claim_str(claims, "name");
        break;
    default:
        return EC_ERR_FORBIDDEN;
    }
    /* exactly ten digits: a broker sends no hyphen */
    if (!number || strlen(number) != 10 || strspn(number, "0123456789") != 10 ||
        ec_cpr_parse(number, cpr) < 0)
        return EC_ERR_FORBIDDEN;
    copy_name(name, who);
    return 0;
}

/* ---- brokers' keys, per worker ---- */

struct broker {
    char issuer[EC_MITID_FIELD_MAX + 1];
    struct ec_oidc_endpoints endpoints;
    struct ec_jwks keys;
    long long fetched_ms;   /* 0: never */
    long long refetched_ms; /* the last fetch for an unknown kid */
};

struct ec_mitid_keys {
    long long ttl_ms;
    struct broker brokers[KEYS_MAX];
    size_t n;
};

struct ec_mitid_keys *
ec_mitid_keys_new(long long ttl_ms)
{
    struct ec_mitid_keys *k = ec_xcalloc(1, sizeof(*k));

    k->ttl_ms = ttl_ms;
    return k;
}

void
ec_mitid_keys_free(struct ec_mitid_keys *k)
{
    if (!k)
        return;
    for (size_t i = 0; i < k->n; i++)
        ec_jwks_release(&k->brokers[i].keys);
    free(k);
}

/* Discovery and key set of b's issuer, fetched now. 0 or an ec_err. */
static int
fetch(const struct ec_mitid_env *e, struct broker *b)
{
    struct ec_oidc_endpoints ep;
    struct ec_jwks set = {0};
    char err[256];
    int rc;

    rc = ec_oidc_discover(&e->https, b->issuer, &ep, err, sizeof(err));
    if (rc == 0)
        rc = ec_oidc_fetch_jwks(&e->https, ep.jwks_uri, &set, err, sizeof(err));
    if (rc < 0) {
        ec_log_error("mitid: broker %s: %s", b->issuer, err);
        ec_jwks_release(&set);
        return rc;
    }
    ec_jwks_release(&b->keys);
    b->keys = set;
    b->endpoints = ep;
    b->fetched_ms = ec_clock_ms();
    return 0;
}

/*
 * The cached broker of issuer, fetched when it is new or its keys are
 * older than the TTL (a stale set serves while the broker cannot be
 * reached). 0 with *out, or EC_ERR_UNAVAILABLE.
 */
static int
broker_of(const struct ec_mitid_env *e, const char *issuer, struct broker **out)
{
    struct ec_mitid_keys *k = e->keys;
    struct broker *b = NULL;
    long long now = ec_clock_ms();

    for (size_t i = 0; i < k->n; i++)
        if (strcmp(k->brokers[i].issuer, issuer) == 0)
            b = &k->brokers[i];
    if (!b) {
        if (k->n == KEYS_MAX) {
            /* a full cache starts again: brokers are few */
            for (size_t i = 0; i < k->n; i++)
                ec_jwks_release(&k->brokers[i].keys);
            k->n = 0;
        }
        b = &k->brokers[k->n++];
        memset(b, 0, sizeof(*b));
        snprintf(b->issuer, sizeof(b->issuer), "%s", issuer);
    }
    if (b->fetched_ms == 0 || now - b->fetched_ms >= k->ttl_ms) {
        if (fetch(e, b) < 0 && b->fetched_ms == 0) {
            /* never fetched: forget it, so the next request tries again */
            k->n--;
            return EC_ERR_UNAVAILABLE;
        }
    }
    *out = b;
    return 0;
}

/* ---- the flow ---- */

static char *
context_of(struct ec_arena *a, const char *slug, const char *what)
{
    return ec_arena_printf(a, "%s:%s", slug, what);
}

static int
flow_key(char *out, size_t size, const char *slug, const char *state)
{
    int n = snprintf(out, size, "ecom:{%s}:mitid:%s", slug, state);

    return n < 0 || (size_t)n >= size ? EC_ERR_INVALID_FIELD : 0;
}

/* 1 if s is a state we could have made: 43 characters of base64url. */
static int
state_valid(const char *s)
{
    static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnop"
                                   "qrstuvwxyz0123456789-_";

    return s && strlen(s) == EC_PKCE_LEN && strspn(s, alphabet) == EC_PKCE_LEN;
}

int
ec_mitid_begin(const struct ec_mitid_env *e, const char *slug,
               const struct ec_mitid_config *c, const char *basket_id,
               const struct ec_cpr *cpr, const char *redirect_uri,
               struct ec_arena *a, struct ec_buf *url)
{
    char state[EC_PKCE_LEN + 1], nonce[EC_PKCE_LEN + 1];
    char verifier[EC_PKCE_LEN + 1], challenge[EC_PKCE_LEN + 1];
    char key[KEY_SIZE];
    struct ec_buf sealed = EC_BUF_INIT;
    struct json_object *flow;
    struct ec_mitid_request r;
    struct broker *b;
    int rc;

    if ((rc = broker_of(e, c->issuer, &b)) < 0)
        return rc;
    ec_pkce_random(state);
    ec_pkce_random(nonce);
    ec_pkce_random(verifier);
    if (ec_pkce_challenge(verifier, challenge) < 0)
        return EC_ERR_INTERNAL;
    if (ec_seal_encrypt(e->seal, context_of(a, slug, FLOW_CONTEXT), cpr->digits,
                        strlen(cpr->digits), &sealed) < 0) {
        ec_log_error("mitid: no seal key (seal_keys_file)");
        ec_buf_release(&sealed);
        return EC_ERR_INTERNAL;
    }
    if ((rc = flow_key(key, sizeof(key), slug, state)) < 0) {
        ec_buf_release(&sealed);
        return rc;
    }
    flow = json_object_new_object();
    json_object_object_add(flow, "basket", json_object_new_string(basket_id));
    json_object_object_add(flow, "nonce", json_object_new_string(nonce));
    json_object_object_add(flow, "verifier", json_object_new_string(verifier));
    json_object_object_add(flow, "cpr", json_object_new_string(sealed.data));
    json_object_object_add(flow, "redirect_uri",
                           json_object_new_string(redirect_uri));
    json_object_object_add(flow, "issuer", json_object_new_string(c->issuer));
    json_object_object_add(flow, "client_id",
                           json_object_new_string(c->client_id));
    rc = ec_kv_set_px(
        e->kv, key,
        json_object_to_json_string_ext(flow, JSON_C_TO_STRING_PLAIN),
        e->flow_ttl_ms);
    json_object_put(flow);
    ec_buf_release(&sealed);
    if (rc < 0)
        return rc;
    r = (struct ec_mitid_request){redirect_uri, state, nonce, challenge,
                                  cpr->digits};
    ec_mitid_authorize_url(c, b->endpoints.authorization, &r, url);
    ec_mem_wipe(verifier, sizeof(verifier));
    return 0;
}

static int
outcome(struct ec_mitid_result *r, enum ec_mitid_outcome o, const char *why)
{
    r->outcome = o;
    r->why = why;
    return 0;
}

static void
put_json(void *obj)
{
    json_object_put(obj);
}

/* Verify token against b's keys, fetching them again once when the
   token names a kid they lack. */
static int
verify(const struct ec_mitid_env *e, struct broker *b,
       const struct ec_mitid_config *c, const struct ec_buf *token,
       const char *nonce, struct json_object **claims, const char **why)
{
    struct ec_jwt_expect want = {
        .issuer = c->issuer,
        .client_id = c->client_id,
        .nonce = nonce,
        .algs = ec_mitid_algs(c->style),
        .now = (long long)time(NULL),
        .leeway = EC_JWT_LEEWAY,
    };
    long long now = ec_clock_ms();
    int rc;

    rc = ec_jwt_verify(token->data, token->len, &b->keys, &want, claims, why);
    if (rc < 0 && *why && strcmp(*why, "kid") == 0 &&
        (b->refetched_ms == 0 || now - b->refetched_ms >= REFETCH_MIN_MS)) {
        b->refetched_ms = now;
        if (fetch(e, b) == 0)
            rc = ec_jwt_verify(token->data, token->len, &b->keys, &want, claims,
                               why);
    }
    return rc;
}

int
ec_mitid_finish(const struct ec_mitid_env *e, const char *slug,
                const struct ec_mitid_config *c,
                const struct ec_mitid_answer *a, struct ec_arena *arena,
                struct ec_mitid_result *r)
{
    const char *basket, *nonce, *verifier, *sealed, *redirect, *issuer, *cid;
    struct ec_buf token = EC_BUF_INIT;
    struct json_object *flow, *claims = NULL;
    struct ec_oidc_client client;
    unsigned char typed[16], secret[EC_MITID_SECRET_MAX + 1];
    char key[KEY_SIZE], err[256];
    const char *why = NULL;
    struct broker *b;
    size_t len, typed_len;
    char *text;
    int rc;

    memset(r, 0, sizeof(*r));
    if (!state_valid(a->state) || flow_key(key, sizeof(key), slug, a->state))
        return outcome(r, EC_MITID_BAD_STATE, "state");
    rc = ec_kv_getdel(e->kv, key, arena, &text, &len);
    if (rc == EC_ERR_NOT_FOUND)
        return outcome(r, EC_MITID_BAD_STATE, "state");
    if (rc < 0)
        return rc;
    if (!(flow = json_tokener_parse(text)))
        return outcome(r, EC_MITID_BAD_STATE, "state");
    ec_arena_cleanup(arena, put_json, flow);
    basket = claim_str(flow, "basket");
    nonce = claim_str(flow, "nonce");
    verifier = claim_str(flow, "verifier");
    sealed = claim_str(flow, "cpr");
    redirect = claim_str(flow, "redirect_uri");
    issuer = claim_str(flow, "issuer");
    cid = claim_str(flow, "client_id");
    /* the state is this basket's, for this broker, at this address */
    if (!basket || !nonce || !verifier || !sealed || !redirect || !issuer ||
        !cid || !a->basket_id || strcmp(basket, a->basket_id) != 0 ||
        strcmp(issuer, c->issuer) != 0 || strcmp(cid, c->client_id) != 0 ||
        strcmp(redirect, a->redirect_uri) != 0)
        return outcome(r, EC_MITID_BAD_STATE, "state of another basket");
    if (a->error) {
        /* Idura's answer to a number that is not the person's */
        if (strcmp(a->error, "access_denied") == 0 && a->error_description &&
            strcmp(a->error_description, "cpr_mismatch") == 0)
            return outcome(r, EC_MITID_MISMATCH, "cpr_mismatch");
        return outcome(r, EC_MITID_CANCELLED, "broker error");
    }
    if (!a->code || !*a->code || strlen(a->code) > EC_MITID_CODE_MAX)
        return outcome(r, EC_MITID_CANCELLED, "no code");
    if ((rc = broker_of(e, c->issuer, &b)) < 0)
        return outcome(r, EC_MITID_BROKER_DOWN, "discovery");
    rc = ec_seal_decrypt(e->seal,
                         context_of(arena, slug, EC_MITID_SECRET_CONTEXT),
                         c->secret_sealed, secret, sizeof(secret) - 1, &len);
    if (rc < 0) {
        ec_log_error("mitid %s: the client secret does not open (%s)", slug,
                     rc == EC_ERR_NOT_FOUND ? "its key is not in the ring"
                                            : "sealed for another place");
        return EC_ERR_INTERNAL;
    }
    secret[len] = '\0';
    client = (struct ec_oidc_client){c->client_id, (const char *)secret, 0};
    rc = ec_oidc_exchange(&e->https, b->endpoints.token, &client, a->code,
                          verifier, redirect, &token, err, sizeof(err));
    ec_mem_wipe(secret, sizeof(secret));
    if (rc < 0) {
        ec_log_error("mitid %s: code exchange: %s", slug, err);
        ec_buf_release(&token);
        return outcome(r,
                       rc == EC_ERR_UNAVAILABLE ? EC_MITID_BROKER_DOWN
                                                : EC_MITID_BAD_TOKEN,
                       "exchange");
    }
    rc = verify(e, b, c, &token, nonce, &claims, &why);
    ec_buf_release(&token);
    if (rc < 0)
        return outcome(r, EC_MITID_BAD_TOKEN, why ? why : "token");
    rc = ec_mitid_claims(c->style, claims, &r->cpr, r->name);
    json_object_put(claims);
    if (rc < 0)
        return outcome(r, EC_MITID_BAD_TOKEN, "claims");
    rc = ec_seal_decrypt(e->seal, context_of(arena, slug, FLOW_CONTEXT), sealed,
                         typed, sizeof(typed), &typed_len);
    if (rc < 0) {
        ec_mem_wipe(&r->cpr, sizeof(r->cpr));
        ec_log_error("mitid %s: a flow's number does not open", slug);
        return EC_ERR_INTERNAL;
    }
    if (typed_len != 10 || !ec_mem_equal(typed, r->cpr.digits, 10)) {
        ec_mem_wipe(typed, sizeof(typed));
        ec_mem_wipe(&r->cpr, sizeof(r->cpr));
        r->name[0] = '\0';
        return outcome(r, EC_MITID_MISMATCH, "cpr differs");
    }
    ec_mem_wipe(typed, sizeof(typed));
    return outcome(r, EC_MITID_VERIFIED, "verified");
}
