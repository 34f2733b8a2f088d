#include "net/https.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "core/base64.h"
#include "core/crypto.h"
#include "core/err.h"
#include "core/xalloc.h"

#define HTTPS_USER_AGENT PACKAGE_NAME "/" PACKAGE_VERSION

/* What the write callback needs: where to put the body, and its limit. */
struct sink {
    struct ec_buf *body;
    size_t max;
    int too_large;
};

void
ec_https_global_init(void)
{
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
        ec_die("curl_global_init failed");
}

void
ec_https_global_cleanup(void)
{
    curl_global_cleanup();
}

void
ec_https_resp_init(struct ec_https_resp *resp)
{
    resp->status = 0;
    ec_buf_init(&resp->body);
    resp->error[0] = '\0';
}

void
ec_https_resp_release(struct ec_https_resp *resp)
{
    ec_buf_release(&resp->body);
}

static size_t
on_data(char *data, size_t size, size_t n, void *ctx)
{
    struct sink *s = ctx;

    n *= size;
    if (n > s->max - s->body->len) {
        s->too_large = 1;
        return 0; /* libcurl stops with CURLE_WRITE_ERROR */
    }
    ec_buf_add(s->body, data, n);
    return n;
}

static void
add_encoded(struct ec_buf *out, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    unsigned char c;

    for (; *s; s++) {
        c = (unsigned char)*s;
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
            (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' ||
            c == '~') {
            ec_buf_addch(out, c);
        } else if (c == ' ') {
            ec_buf_addch(out, '+');
        } else {
            ec_buf_addch(out, '%');
            ec_buf_addch(out, hex[c >> 4]);
            ec_buf_addch(out, hex[c & 15]);
        }
    }
}

void
ec_https_form_encode(struct ec_buf *out, const char *const *fields)
{
    for (; fields[0] && fields[1]; fields += 2) {
        if (out->len)
            ec_buf_addch(out, '&');
        add_encoded(out, fields[0]);
        ec_buf_addch(out, '=');
        add_encoded(out, fields[1]);
    }
}

/* "Authorization: Basic base64(enc(user):enc(password))" into out. */
static void
basic_header(struct ec_buf *out, const char *user, const char *password)
{
    struct ec_buf pair = EC_BUF_INIT;
    char *b64;

    add_encoded(&pair, user);
    ec_buf_addch(&pair, ':');
    add_encoded(&pair, password ? password : "");
    b64 = ec_xmalloc(EC_B64_LEN(pair.len) + 1);
    ec_b64_encode(b64, pair.data, pair.len);
    ec_buf_addf(out, "Authorization: Basic %s", b64);
    ec_mem_wipe(b64, strlen(b64));
    ec_mem_wipe(pair.data, pair.len);
    free(b64);
    ec_buf_release(&pair);
}

static void
set_common(CURL *h, const struct ec_https_opts *o, const char *url,
           struct sink *sink, char *errbuf)
{
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "https");
    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
    curl_easy_setopt(h, CURLOPT_SSLVERSION, (long)CURL_SSLVERSION_TLSv1_2);
    if (o && o->ca_file)
        curl_easy_setopt(h, CURLOPT_CAINFO, o->ca_file);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS,
                     o && o->connect_timeout_ms
                         ? o->connect_timeout_ms
                         : (long)EC_HTTPS_CONNECT_TIMEOUT_MS);
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS,
                     o && o->timeout_ms ? o->timeout_ms
                                        : (long)EC_HTTPS_TIMEOUT_MS);
    curl_easy_setopt(h, CURLOPT_USERAGENT, HTTPS_USER_AGENT);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, sink);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
    if (o && o->pool)
        curl_easy_setopt(h, CURLOPT_SHARE, (CURLSH *)o->pool);
    sink->max = o && o->max_body ? o->max_body : EC_HTTPS_MAX_BODY;
}

struct ec_https_pool *
ec_https_pool_new(void)
{
    CURLSH *sh = curl_share_init();

    /* one thread: no lock callbacks */
    if (!sh ||
        curl_share_setopt(sh, CURLSHOPT_SHARE, CURL_LOCK_DATA_CONNECT) !=
            CURLSHE_OK ||
        curl_share_setopt(sh, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION) !=
            CURLSHE_OK ||
        curl_share_setopt(sh, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS) !=
            CURLSHE_OK)
        ec_die("curl_share_init failed");
    return (struct ec_https_pool *)sh;
}

void
ec_https_pool_free(struct ec_https_pool *p)
{
    if (p)
        curl_share_cleanup((CURLSH *)p);
}

/* Run the prepared call and translate the outcome (see https.h). */
static int
perform(CURL *h, struct sink *sink, struct ec_https_resp *resp,
        const char *errbuf)
{
    CURLcode rc = curl_easy_perform(h);

    if (sink->too_large) {
        snprintf(resp->error, sizeof(resp->error),
                 "answer larger than %zu bytes", sink->max);
        return EC_ERR_TOO_LARGE;
    }
    if (rc != CURLE_OK) {
        snprintf(resp->error, sizeof(resp->error), "%s",
                 *errbuf ? errbuf : curl_easy_strerror(rc));
        return rc == CURLE_UNSUPPORTED_PROTOCOL ? EC_ERR_BAD_REQUEST
                                                : EC_ERR_UNAVAILABLE;
    }
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &resp->status);
    return 0;
}

static int
https_only(const char *url, struct ec_https_resp *resp)
{
    if (strncmp(url, "https://", 8) == 0)
        return 0;
    snprintf(resp->error, sizeof(resp->error), "not an https URL");
    return EC_ERR_BAD_REQUEST;
}

/* A handle for url with the options every request has, or NULL when url
   is not https (resp->error says so). */
static CURL *
begin(const struct ec_https_opts *opts, const char *url, struct sink *sink,
      char *errbuf, struct ec_https_resp *resp)
{
    CURL *h;

    if (https_only(url, resp) < 0)
        return NULL;
    if (!(h = curl_easy_init()))
        ec_die("curl_easy_init failed");
    set_common(h, opts, url, sink, errbuf);
    return h;
}

int
ec_https_get(const struct ec_https_opts *opts, const char *url,
             struct ec_https_resp *resp)
{
    char errbuf[CURL_ERROR_SIZE] = "";
    struct sink sink = {&resp->body, 0, 0};
    CURL *h;
    int rc;

    if (!(h = begin(opts, url, &sink, errbuf, resp)))
        return EC_ERR_BAD_REQUEST;
    curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
    rc = perform(h, &sink, resp, errbuf);
    curl_easy_cleanup(h);
    return rc;
}

int
ec_https_get_with(const struct ec_https_opts *opts, const char *url,
                  const char *const *headers, struct ec_https_resp *resp)
{
    char errbuf[CURL_ERROR_SIZE] = "";
    struct sink sink = {&resp->body, 0, 0};
    struct curl_slist *list = NULL, *s;
    CURL *h;
    int rc;

    if (!(h = begin(opts, url, &sink, errbuf, resp)))
        return EC_ERR_BAD_REQUEST;
    list = curl_slist_append(list, "Accept: application/json");
    for (; headers && *headers; headers++)
        list = curl_slist_append(list, *headers);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, list);
    curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
    rc = perform(h, &sink, resp, errbuf);
    curl_easy_cleanup(h);
    for (s = list; s; s = s->next)
        ec_mem_wipe(s->data, strlen(s->data));
    curl_slist_free_all(list);
    return rc;
}

int
ec_https_post_form(const struct ec_https_opts *opts, const char *url,
                   const char *const *fields, const char *basic_user,
                   const char *basic_password, struct ec_https_resp *resp)
{
    char errbuf[CURL_ERROR_SIZE] = "";
    struct sink sink = {&resp->body, 0, 0};
    struct ec_buf form = EC_BUF_INIT, auth = EC_BUF_INIT;
    struct curl_slist *headers = NULL, *s;
    CURL *h;
    int rc;

    if (!(h = begin(opts, url, &sink, errbuf, resp)))
        return EC_ERR_BAD_REQUEST;
    ec_https_form_encode(&form, fields);
    headers = curl_slist_append(headers, "Content-Type: "
                                         "application/x-www-form-urlencoded");
    headers = curl_slist_append(headers, "Accept: application/json");
    if (basic_user) {
        basic_header(&auth, basic_user, basic_password);
        headers = curl_slist_append(headers, auth.data);
    }
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, form.data);
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, (long)form.len);
    rc = perform(h, &sink, resp, errbuf);
    curl_easy_cleanup(h);
    for (s = headers; s; s = s->next)
        ec_mem_wipe(s->data, strlen(s->data));
    curl_slist_free_all(headers);
    /* the form holds a client secret and a code verifier */
    ec_mem_wipe(form.data, form.len);
    ec_mem_wipe(auth.data, auth.len);
    ec_buf_release(&form);
    ec_buf_release(&auth);
    return rc;
}

int
ec_https_post(const struct ec_https_opts *opts, const char *url,
              const char *content_type, const void *body, size_t len,
              const char *const *headers, struct ec_https_resp *resp)
{
    char errbuf[CURL_ERROR_SIZE] = "";
    struct sink sink = {&resp->body, 0, 0};
    struct curl_slist *list = NULL, *s;
    struct ec_buf ct = EC_BUF_INIT;
    CURL *h;
    int rc;

    if (!(h = begin(opts, url, &sink, errbuf, resp)))
        return EC_ERR_BAD_REQUEST;
    ec_buf_addf(&ct, "Content-Type: %s", content_type);
    list = curl_slist_append(list, ct.data);
    list = curl_slist_append(list, "Accept: application/json");
    /* no "Expect: 100-continue" round trip for a larger body */
    list = curl_slist_append(list, "Expect:");
    for (; headers && *headers; headers++)
        list = curl_slist_append(list, *headers);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, list);
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, (long)len);
    rc = perform(h, &sink, resp, errbuf);
    curl_easy_cleanup(h);
    for (s = list; s; s = s->next)
        ec_mem_wipe(s->data, strlen(s->data));
    curl_slist_free_all(list);
    ec_buf_release(&ct);
    return rc;
}
