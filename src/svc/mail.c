#include "svc/mail.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/buf.h"
#include "core/err.h"
#include "core/log.h"
#include "core/rand.h"
#include "core/xalloc.h"
#include "net/smtp.h"
#include "svc/email.h"

enum transport { MAIL_OFF, MAIL_FILE, MAIL_SMTP };

struct ec_mail {
    enum transport transport;
    char *from;
    char *dir;
    char *url, *user, *password; /* smtp: owned copies; never logged */
    struct ec_smtp_config smtp;  /* pointing at them */
};

/* A header value written as it is: at most this long, else encoded. */
#define PLAIN_MAX 200
/* Bytes of text per encoded word: 60 base64 characters, so a word stays
   within RFC 2047's 75. */
#define WORD_BYTES 45
/* Quoted-printable lines are at most 76 characters, "=" included. */
#define QP_LINE 76

static const char b64[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static void
add_base64(struct ec_buf *out, const unsigned char *s, size_t n)
{
    for (size_t i = 0; i < n; i += 3) {
        unsigned long v = (unsigned long)s[i] << 16;

        if (i + 1 < n)
            v |= (unsigned long)s[i + 1] << 8;
        if (i + 2 < n)
            v |= s[i + 2];
        ec_buf_addch(out, b64[v >> 18 & 63]);
        ec_buf_addch(out, b64[v >> 12 & 63]);
        ec_buf_addch(out, i + 1 < n ? b64[v >> 6 & 63] : '=');
        ec_buf_addch(out, i + 2 < n ? b64[v & 63] : '=');
    }
}

/* 1 if s may stand in a header as it is: printable ASCII, short, and (for
   a phrase, a display name) only atext and spaces. */
static int
plain(const char *s, int phrase)
{
    size_t n = strlen(s);

    if (n > PLAIN_MAX)
        return 0;
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;

        if (c < 0x20 || c > 0x7e)
            return 0;
        if (phrase &&
            !(c == ' ' || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
              (c >= '0' && c <= '9') || strchr("!#$%&'*+-/=?^_`{|}~", c)))
            return 0;
    }
    return 1;
}

/* How many bytes of s (n left) make whole UTF-8 characters within max. */
static size_t
whole_chars(const unsigned char *s, size_t n, size_t max)
{
    size_t k = n < max ? n : max;

    /* step back off continuation bytes so no character is cut */
    while (k < n && k > 0 && (s[k] & 0xc0) == 0x80)
        k--;
    return k ? k : (n < max ? n : max);
}

/*
 * s as RFC 2047 encoded words ("=?UTF-8?B?...?="), folded onto
 * continuation lines. Control characters become spaces first: a header
 * never carries a line break from a customer's text, even encoded.
 */
static void
add_encoded(struct ec_buf *out, const char *text)
{
    size_t n = strlen(text), i = 0;
    unsigned char *s = (unsigned char *)ec_xstrdup(text);

    for (size_t j = 0; j < n; j++)
        if (s[j] < 0x20 || s[j] == 0x7f)
            s[j] = ' ';
    while (i < n) {
        size_t k = whole_chars(s + i, n - i, WORD_BYTES);

        if (i)
            ec_buf_adds(out, "\r\n ");
        ec_buf_adds(out, "=?UTF-8?B?");
        add_base64(out, s + i, k);
        ec_buf_adds(out, "?=");
        i += k;
    }
    free(s);
}

static void
add_text(struct ec_buf *out, const char *s, int phrase)
{
    if (plain(s, phrase))
        ec_buf_adds(out, s);
    else
        add_encoded(out, s);
}

/* "Name <address>", or the bare address without a name. */
static void
add_mailbox(struct ec_buf *out, const char *header, const char *name,
            const char *address)
{
    ec_buf_addf(out, "%s: ", header);
    if (name && *name) {
        add_text(out, name, 1);
        ec_buf_addch(out, ' ');
    }
    ec_buf_addf(out, "<%s>\r\n", address);
}

/* One byte of quoted-printable, breaking the line softly when needed. */
static void
qp_add(struct ec_buf *out, size_t *col, const char *piece, size_t n)
{
    if (*col + n > QP_LINE - 1) {
        ec_buf_adds(out, "=\r\n");
        *col = 0;
    }
    ec_buf_add(out, piece, n);
    *col += n;
}

/*
 * The body in quoted-printable with CRLF line ends: printable ASCII as it
 * is, everything else (UTF-8, "=", a space that ends a line, a dot that
 * starts one) as =XX.
 */
static void
add_qp(struct ec_buf *out, const char *body)
{
    size_t col = 0;

    for (const unsigned char *p = (const unsigned char *)body; *p; p++) {
        int end = p[1] == '\n' || p[1] == '\0';
        char hex[4];

        if (*p == '\n') {
            ec_buf_adds(out, "\r\n");
            col = 0;
            continue;
        }
        if (*p == '\r')
            continue;
        if ((*p >= 33 && *p <= 126 && *p != '=' && !(*p == '.' && !col)) ||
            ((*p == ' ' || *p == '\t') && !end)) {
            qp_add(out, &col, (const char *)p, 1);
            continue;
        }
        snprintf(hex, sizeof(hex), "=%02X", *p);
        qp_add(out, &col, hex, 3);
    }
    if (col)
        ec_buf_adds(out, "\r\n");
}

int
ec_mail_format(const struct ec_mail_msg *msg, const char *from,
               const char *date, const char *message_id, struct ec_buf *out)
{
    if (!from || !ec_email_valid(from) || !msg->to || !ec_email_valid(msg->to))
        return EC_ERR_INVALID_FIELD;
    ec_buf_addf(out, "Date: %s\r\n", date);
    add_mailbox(out, "From", msg->from_name, from);
    add_mailbox(out, "To", msg->to_name, msg->to);
    ec_buf_adds(out, "Subject: ");
    add_text(out, msg->subject ? msg->subject : "", 0);
    ec_buf_addf(out,
                "\r\nMessage-ID: <%s>\r\n"
                "MIME-Version: 1.0\r\n"
                "Content-Type: text/plain; charset=UTF-8\r\n"
                "Content-Transfer-Encoding: quoted-printable\r\n"
                "Auto-Submitted: auto-generated\r\n"
                "\r\n",
                message_id);
    add_qp(out, msg->body ? msg->body : "");
    return 0;
}

/* RFC 5322's date, in UTC, without the C library's locale. */
static void
mail_date(char *out, size_t size)
{
    static const char *const days[] = {"Sun", "Mon", "Tue", "Wed",
                                       "Thu", "Fri", "Sat"};
    static const char *const months[] = {"Jan", "Feb", "Mar", "Apr",
                                         "May", "Jun", "Jul", "Aug",
                                         "Sep", "Oct", "Nov", "Dec"};
    time_t now = time(NULL);
    struct tm tm;

    gmtime_r(&now, &tm);
    snprintf(out, size, "%s, %02d %s %04d %02d:%02d:%02d +0000",
             days[tm.tm_wday], tm.tm_mday, months[tm.tm_mon], tm.tm_year + 1900,
             tm.tm_hour, tm.tm_min, tm.tm_sec);
}

static int
deliver(struct ec_mail *m, const char *to, const struct ec_buf *text)
{
    char why[256];

    switch (m->transport) {
    case MAIL_FILE:
        return ec_mail_file_write(m->dir, text->data, text->len);
    case MAIL_SMTP:
        if (ec_smtp_send(&m->smtp, m->from, to, text->data, text->len, why,
                         sizeof(why)) == 0)
            return 0;
        ec_log_error("mail: SMTP: %s", why);
        return EC_ERR_UNAVAILABLE;
    case MAIL_OFF:
        break;
    }
    ec_log_warn("mail: mail_transport is off: a mail was not sent");
    return 0;
}

int
ec_mail_send(struct ec_mail *m, const struct ec_mail_msg *msg)
{
    struct ec_buf text = EC_BUF_INIT;
    char date[64], id[160], hex[33];
    int rc;

    mail_date(date, sizeof(date));
    ec_rand_hex(hex, 16);
    snprintf(id, sizeof(id), "%s%s", hex, strchr(m->from, '@'));
    rc = ec_mail_format(msg, m->from, date, id, &text);
    if (rc == 0)
        rc = deliver(m, msg->to, &text);
    /* the text holds a secret of its recipient (a reset link) */
    explicit_bzero(text.data, text.len);
    ec_buf_release(&text);
    return rc;
}

static char *
dup_or_null(const char *s)
{
    return s && *s ? ec_xstrdup(s) : NULL;
}

/* The transport cfg names, or -1 (with err) when it lacks a setting. */
static int
transport_of(const struct ec_mail_config *cfg, char *err, size_t errsize)
{
    const char *t = cfg->transport ? cfg->transport : "off";

    if (strcmp(t, "off") == 0)
        return MAIL_OFF;
    if (!cfg->from || !ec_email_valid(cfg->from)) {
        snprintf(err, errsize,
                 "mail_from: a lower-case e-mail address is required");
        return -1;
    }
    if (strcmp(t, "file") == 0 && cfg->dir && *cfg->dir)
        return MAIL_FILE;
    if (strcmp(t, "smtp") == 0 && cfg->smtp_url &&
        (strncmp(cfg->smtp_url, "smtp://", 7) == 0 ||
         strncmp(cfg->smtp_url, "smtps://", 8) == 0))
        return MAIL_SMTP;
    snprintf(err, errsize, "mail_transport: '%s' needs %s", t,
             strcmp(t, "file") == 0   ? "mail_dir"
             : strcmp(t, "smtp") == 0 ? "an smtp:// or smtps:// smtp_url"
                                      : "to be smtp, file or off");
    return -1;
}

struct ec_mail *
ec_mail_new(const struct ec_mail_config *cfg, char *err, size_t errsize)
{
    int t = transport_of(cfg, err, errsize);
    struct ec_mail *m;

    if (t < 0)
        return NULL;
    m = ec_xcalloc(1, sizeof(*m));
    m->transport = (enum transport)t;
    m->from = ec_xstrdup(cfg->from && *cfg->from ? cfg->from
                                                 : "nobody@localhost.invalid");
    m->dir = dup_or_null(cfg->dir);
    m->url = dup_or_null(cfg->smtp_url);
    m->user = dup_or_null(cfg->smtp_user);
    m->password = dup_or_null(cfg->smtp_password);
    m->smtp.url = m->url;
    m->smtp.user = m->user;
    m->smtp.password = m->password;
    m->smtp.timeout_ms = cfg->timeout_ms > 0 ? cfg->timeout_ms : 10000;
    return m;
}

static void
free_secret(char *s)
{
    if (s)
        explicit_bzero(s, strlen(s));
    free(s);
}

void
ec_mail_free(struct ec_mail *m)
{
    if (!m)
        return;
    free(m->from);
    free(m->dir);
    free(m->url);
    free(m->user);
    free_secret(m->password);
    free(m);
}
