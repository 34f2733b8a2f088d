/*
 * The password reset mail, built from the shipped message catalogs and
 * written by the file adapter: in the shop's language, with the link,
 * the minutes it works and the customer's name as plain text (never
 * HTML-escaped: a mail is not a page).
 */
#include <dirent.h>
#include <stdlib.h>
#include <unistd.h>

#include "../test.h"
#include "core/buf.h"
#include "core/log.h"
#include "handlers/account_mail.h"
#include "render/messages.h"
#include "svc/account.h"
#include "svc/mail.h"

static char scratch[] = "/tmp/ec-account-mail-XXXXXX";

/* The one mail in the scratch folder, removed, as text. */
static void
take_mail(struct ec_buf *out)
{
    DIR *d = opendir(scratch);
    struct dirent *e;
    char path[4096];
    int n = 0;

    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    while ((e = readdir(d)))
        if (strstr(e->d_name, ".eml")) {
            snprintf(path, sizeof(path), "%s/%s", scratch, e->d_name);
            n++;
        }
    closedir(d);
    CU_ASSERT_EQUAL_FATAL(n, 1);
    ec_buf_reset(out);
    CU_ASSERT_EQUAL_FATAL(ec_buf_read_file(out, path, 65536), 0);
    unlink(path);
}

/* The body of a quoted-printable mail, decoded, CRLF as LF. */
static char *
body_of(const char *text)
{
    struct ec_buf b = EC_BUF_INIT;
    const char *s = strstr(text, "\r\n\r\n");

    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    for (s += 4; *s;) {
        if (s[0] == '=' && s[1] == '\r') {
            s += 3;
        } else if (s[0] == '=') {
            char hex[3] = {s[1], s[2], 0};

            ec_buf_addch(&b, (int)strtol(hex, NULL, 16));
            s += 3;
        } else if (s[0] == '\r') {
            s++;
        } else {
            ec_buf_addch(&b, *s++);
        }
    }
    return ec_buf_detach(&b, NULL);
}

static void
check_mail(struct ec_messages *msgs, const char *locale, const char *greeting,
           const char *minutes, const char *subject)
{
    struct ec_mail_config cfg = {
        "file", "shop@example.dk", scratch, NULL, NULL, NULL, 0};
    struct ec_account a = {.id = 7, .tenant_id = 1};
    struct ec_buf text = EC_BUF_INIT;
    const char *link = "https://shop.example/account/password-reset/"
                       "00112233445566778899aabbccddeeff"
                       "00112233445566778899aabbccddeeff";
    char err[256], *body;
    struct ec_mail *m = ec_mail_new(&cfg, err, sizeof(err));

    CU_ASSERT_PTR_NOT_NULL_FATAL(m);
    snprintf(a.email, sizeof(a.email), "ann@example.dk");
    snprintf(a.name, sizeof(a.name), "Ann & Bo <3");
    CU_ASSERT_EQUAL(ec_account_mail_reset(m,
                                          ec_messages_get(msgs, NULL, locale),
                                          "Fjordmobil", &a, link, 30 * 60000),
                    0);
    take_mail(&text);
    CU_ASSERT_PTR_NOT_NULL(strstr(text.data, subject));
    CU_ASSERT_PTR_NOT_NULL(strstr(text.data, "From: Fjordmobil <shop@"));
    body = body_of(text.data);
    CU_ASSERT_PTR_NOT_NULL(strstr(body, greeting));
    CU_ASSERT_PTR_NOT_NULL(strstr(body, link));
    CU_ASSERT_PTR_NOT_NULL(strstr(body, minutes));
    CU_ASSERT_PTR_NULL(strstr(body, "&amp;"));
    CU_ASSERT_PTR_NULL(strstr(body, "{{"));
    CU_ASSERT_EQUAL(body[strlen(body) - 1], '\n');
    free(body);
    ec_buf_release(&text);
    ec_mail_free(m);
}

static void
test_danish_and_english(void)
{
    const char *src = getenv("EC_SRCDIR");
    struct ec_buf dir = EC_BUF_INIT;
    struct ec_messages *msgs;

    CU_ASSERT_PTR_NOT_NULL_FATAL(src);
    ec_buf_addf(&dir, "%s/templates", src);
    msgs = ec_messages_new(dir.data, -1);
    CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(scratch));
    /* the subject is ASCII in both: it stands in the header as it is */
    check_mail(msgs, "da-DK", "Hej Ann & Bo <3\n", "virker i 30 minutter",
               "Subject: Nulstil din adgangskode hos Fjordmobil\r\n");
    check_mail(msgs, "en", "Hello Ann & Bo <3\n", "works for 30 minutes",
               "Subject: Reset your password at Fjordmobil\r\n");
    rmdir(scratch);
    ec_messages_free(msgs);
    ec_buf_release(&dir);
}

static const struct ec_test tests[] = {
    {"the reset mail speaks Danish and English, as plain text",
     test_danish_and_english},
    {NULL, NULL},
};

int
main(void)
{
    ec_log_open("/dev/null", "/dev/null", EC_LOG_ERROR);
    return ec_test_run("handlers/account_mail", tests);
}
