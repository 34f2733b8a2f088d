#include "net/smtp.h"

#include <stdio.h>
#include <string.h>

#include <curl/curl.h>

#define CONNECT_MAX_MS 5000L

/* The message being read out to libcurl. */
struct reader {
    const char *text;
    size_t len, pos;
};

static size_t
read_text(char *buf, size_t size, size_t nitems, void *ctx)
{
    struct reader *r = ctx;
    size_t n = size * nitems;

    if (n > r->len - r->pos)
        n = r->len - r->pos;
    memcpy(buf, r->text + r->pos, n);
    r->pos += n;
    return n;
}

/* 1 if url's host is a loopback address, where STARTTLS is not needed. */
static int
loopback(const char *url)
{
    static const char *const hosts[] = {"smtp://127.", "smtp://localhost:",
                                        "smtp://localhost/", "smtp://[::1]"};

    if (strcmp(url, "smtp://localhost") == 0)
        return 1;
    for (size_t i = 0; i < sizeof(hosts) / sizeof(hosts[0]); i++)
        if (strncmp(url, hosts[i], strlen(hosts[i])) == 0)
            return 1;
    return 0;
}

static void
set_options(CURL *h, const struct ec_smtp_config *c, const char *from,
            struct curl_slist *rcpt, struct reader *r, char *errbuf)
{
    long timeout = c->timeout_ms > 0 ? c->timeout_ms : 10000L;

    curl_easy_setopt(h, CURLOPT_URL, c->url);
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
    curl_easy_setopt(h, CURLOPT_USE_SSL,
                     loopback(c->url) ? (long)CURLUSESSL_TRY
                                      : (long)CURLUSESSL_ALL);
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, timeout);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS,
                     timeout < CONNECT_MAX_MS ? timeout : CONNECT_MAX_MS);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
    if (c->user && *c->user) {
        curl_easy_setopt(h, CURLOPT_USERNAME, c->user);
        curl_easy_setopt(h, CURLOPT_PASSWORD, c->password ? c->password : "");
    }
    curl_easy_setopt(h, CURLOPT_MAIL_FROM, from);
    curl_easy_setopt(h, CURLOPT_MAIL_RCPT, rcpt);
    curl_easy_setopt(h, CURLOPT_READFUNCTION, read_text);
    curl_easy_setopt(h, CURLOPT_READDATA, r);
    curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(h, CURLOPT_INFILESIZE_LARGE, (curl_off_t)r->len);
}

int
ec_smtp_send(const struct ec_smtp_config *c, const char *from, const char *to,
             const char *text, size_t len, char *err, size_t errsize)
{
    char errbuf[CURL_ERROR_SIZE] = "", path[300], sender[300];
    struct reader r = {text, len, 0};
    struct curl_slist *rcpt;
    CURLcode rc;
    CURL *h;

    if (!c->url ||
        snprintf(path, sizeof(path), "<%s>", to) >= (int)sizeof(path) ||
        snprintf(sender, sizeof(sender), "<%s>", from) >= (int)sizeof(sender)) {
        snprintf(err, errsize, "no server, or an address too long");
        return -1;
    }
    if (!(h = curl_easy_init())) {
        snprintf(err, errsize, "curl_easy_init failed");
        return -1;
    }
    rcpt = curl_slist_append(NULL, path);
    set_options(h, c, sender, rcpt, &r, errbuf);
    rc = curl_easy_perform(h);
    if (rc != CURLE_OK)
        snprintf(err, errsize, "%s", *errbuf ? errbuf : curl_easy_strerror(rc));
    curl_slist_free_all(rcpt);
    curl_easy_cleanup(h);
    return rc == CURLE_OK ? 0 : -1;
}
