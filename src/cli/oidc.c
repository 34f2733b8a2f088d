#include "cli/oidc.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "core/buf.h"
#include "core/jwks.h"
#include "core/jwt.h"
#include "net/https.h"
#include "net/oidc.h"

struct args {
    const char *pos[7];
    int n;
    const char *ca_file;
    int basic;
};

/* Positional arguments and the two options, in any order. Anything else
   is positional, since a code or a verifier may begin with '-'. */
static int
parse_args(int argc, char **argv, struct args *a)
{
    int i;

    memset(a, 0, sizeof(*a));
    for (i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--ca-file") == 0 && i + 1 < argc)
            a->ca_file = argv[++i];
        else if (strcmp(argv[i], "--basic") == 0)
            a->basic = 1;
        else if (a->n == 7)
            return -1;
        else
            a->pos[a->n++] = argv[i];
    }
    return 0;
}

static int
discover(const struct args *a, FILE *out, FILE *err)
{
    struct ec_https_opts o = {.ca_file = a->ca_file};
    struct ec_oidc_endpoints ep;
    struct ec_jwks set;
    char why[512];
    size_t i;
    int rc;

    memset(&set, 0, sizeof(set));
    rc = ec_oidc_discover(&o, a->pos[1], &ep, why, sizeof(why));
    if (rc == 0)
        rc = ec_oidc_fetch_jwks(&o, ep.jwks_uri, &set, why, sizeof(why));
    if (rc < 0) {
        fprintf(err, "ecomctl: %s\n", why);
        ec_jwks_release(&set);
        return 1;
    }
    fprintf(out, "authorization_endpoint %s\ntoken_endpoint %s\njwks_uri %s\n",
            ep.authorization, ep.token, ep.jwks_uri);
    for (i = 0; i < set.n; i++)
        fprintf(out, "key %s %s\n", set.keys[i].kid,
                ec_sig_alg_name(set.keys[i].alg));
    ec_jwks_release(&set);
    return 0;
}

static void
print_valid(FILE *out, struct json_object *claims)
{
    fprintf(out, "valid: claims");
    json_object_object_foreach(claims, key, val)
    {
        (void)val;
        fprintf(out, " %s", key);
    }
    fprintf(out, "\n");
}

/* Verify an ID token against the issuer's keys. */
static int
verify(const struct args *a, const struct ec_https_opts *o,
       const struct ec_oidc_endpoints *ep, const struct ec_buf *tok, FILE *out,
       FILE *err)
{
    struct ec_jwt_expect want = {a->pos[1],
                                 a->pos[2],
                                 a->pos[6],
                                 EC_SIG_RS256 | EC_SIG_ES256,
                                 (long long)time(NULL),
                                 EC_JWT_LEEWAY};
    struct json_object *claims;
    struct ec_jwks set;
    const char *reason;
    char why[512];
    int rc;

    memset(&set, 0, sizeof(set));
    if (ec_oidc_fetch_jwks(o, ep->jwks_uri, &set, why, sizeof(why)) < 0) {
        fprintf(err, "ecomctl: %s\n", why);
        ec_jwks_release(&set);
        return 1;
    }
    rc = ec_jwt_verify(tok->data, tok->len, &set, &want, &claims, &reason);
    ec_jwks_release(&set);
    if (rc < 0) {
        fprintf(out, "refused: %s\n", reason);
        return 1;
    }
    print_valid(out, claims);
    json_object_put(claims);
    return 0;
}

static int
token(const struct args *a, FILE *out, FILE *err)
{
    struct ec_https_opts o = {.ca_file = a->ca_file};
    struct ec_oidc_client client = {
        a->pos[2], getenv("ECOMD_OIDC_CLIENT_SECRET"), a->basic};
    struct ec_oidc_endpoints ep;
    struct ec_buf tok = EC_BUF_INIT;
    char why[512];
    int rc;

    if (!client.client_secret) {
        fprintf(err, "ecomctl: set ECOMD_OIDC_CLIENT_SECRET\n");
        return 1;
    }
    rc = ec_oidc_discover(&o, a->pos[1], &ep, why, sizeof(why));
    if (rc == 0)
        rc = ec_oidc_exchange(&o, ep.token, &client, a->pos[4], a->pos[5],
                              a->pos[3], &tok, why, sizeof(why));
    if (rc < 0) {
        fprintf(err, "ecomctl: %s\n", why);
        ec_buf_release(&tok);
        return 1;
    }
    rc = verify(a, &o, &ep, &tok, out, err);
    ec_buf_release(&tok);
    return rc;
}

int
ec_ctl_oidc(int argc, char **argv, FILE *out, FILE *err)
{
    struct args a;
    int rc;

    if (parse_args(argc, argv, &a) < 0 || a.n < 1)
        return 2;
    ec_https_global_init();
    if (strcmp(a.pos[0], "discover") == 0 && a.n == 2)
        rc = discover(&a, out, err);
    else if (strcmp(a.pos[0], "token") == 0 && a.n == 7)
        rc = token(&a, out, err);
    else
        rc = 2;
    ec_https_global_cleanup();
    return rc;
}
