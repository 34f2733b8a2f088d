/*
 * Mail as svc/mail.c builds it: the headers (and nothing a customer typed
 * spliced into them), encoded words that decode to the text, a
 * quoted-printable body within line limits that decodes to the text, and
 * the file adapter writing whole .eml files.
 */
#include <dirent.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "../test.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/log.h"
#include "svc/mail.h"

static const char *date = "Thu, 03 Dec 2026 11:25:26 +0000";

static void
format(const struct ec_mail_msg *msg, struct ec_buf *out)
{
    ec_buf_reset(out);
    CU_ASSERT_EQUAL_FATAL(
        ec_mail_format(msg, "shop@example.dk", date, "id@example.dk", out), 0);
}

/* The headers of text (up to the blank line), or the body after it. */
static char *
part(const char *text, int body)
{
    const char *end = strstr(text, "\r\n\r\n");

    CU_ASSERT_PTR_NOT_NULL_FATAL(end);
    return body ? strdup(end + 4) : strndup(text, (size_t)(end - text + 2));
}

/* Quoted-printable decoded (soft breaks dropped, CRLF to LF). */
static char *
qp_decode(const char *s)
{
    struct ec_buf b = EC_BUF_INIT;

    while (*s) {
        if (s[0] == '=' && s[1] == '\r' && s[2] == '\n') {
            s += 3;
        } else if (s[0] == '=') {
            char hex[3] = {s[1], s[2], 0};

            ec_buf_addch(&b, (int)strtol(hex, NULL, 16));
            s += 3;
        } else if (s[0] == '\r' && s[1] == '\n') {
            ec_buf_addch(&b, '\n');
            s += 2;
        } else {
            ec_buf_addch(&b, *s++);
        }
    }
    return ec_buf_detach(&b, NULL);
}

/* The text of the header at v (made of encoded words, on folded lines
   up to the next header), decoded. */
static char *
words_decode(const char *v)
{
    struct ec_buf b = EC_BUF_INIT;
    const char *p = v, *stop = v;

    while ((stop = strstr(stop, "\r\n")) && stop[2] == ' ')
        stop += 2;
    while ((p = strstr(p, "=?UTF-8?B?")) && (!stop || p < stop)) {
        const char *end = strstr(p + 10, "?=");
        unsigned char out[128];
        int n, pad = 0;

        CU_ASSERT_PTR_NOT_NULL_FATAL(end);
        CU_ASSERT_TRUE(end + 2 - p <= 75); /* RFC 2047's limit */
        n = EVP_DecodeBlock(out, (const unsigned char *)p + 10,
                            (int)(end - p - 10));
        for (const char *q = end - 1; *q == '='; q--)
            pad++;
        ec_buf_add(&b, out, (size_t)(n - pad));
        p = end + 2;
    }
    return ec_buf_detach(&b, NULL);
}

static void
test_plain_message(void)
{
    struct ec_buf out = EC_BUF_INIT;
    struct ec_mail_msg msg = {"Fjordmobil", "ann@example.dk", "Ann Berg",
                              "Reset your password", "Hello Ann\n\nBye\n"};

    format(&msg, &out);
    EC_ASSERT_STR(out.data, "Date: Thu, 03 Dec 2026 11:25:26 +0000\r\n"
                            "From: Fjordmobil <shop@example.dk>\r\n"
                            "To: Ann Berg <ann@example.dk>\r\n"
                            "Subject: Reset your password\r\n"
                            "Message-ID: <id@example.dk>\r\n"
                            "MIME-Version: 1.0\r\n"
                            "Content-Type: text/plain; charset=UTF-8\r\n"
                            "Content-Transfer-Encoding: quoted-printable\r\n"
                            "Auto-Submitted: auto-generated\r\n"
                            "\r\n"
                            "Hello Ann\r\n"
                            "\r\n"
                            "Bye\r\n");
    ec_buf_release(&out);
}

/* Danish letters and any punctuation go into encoded words. */
static void
test_encoded_words(void)
{
    struct ec_buf out = EC_BUF_INIT;
    struct ec_mail_msg msg = {"Nordlys \"Mobil\"", "ann@example.dk",
                              "Søren Ærø", "Glemt din adgangskode? Ærø", "x\n"};
    char *head, *name;

    format(&msg, &out);
    head = part(out.data, 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(
        head,
        "Subject: =?UTF-8?B?R2xlbXQgZGluIGFkZ2FuZ3Nrb2RlPyDDhnLDuA==?=\r\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(head, "From: =?UTF-8?B?"));
    CU_ASSERT_PTR_NULL(strstr(head, "\"Mobil\""));
    name = words_decode(strstr(head, "To: "));
    EC_ASSERT_STR(name, "Søren Ærø");
    free(name);
    free(head);
    ec_buf_release(&out);
}

/* A long subject is several words, each whole characters, on folded
   lines; together they are the subject again. */
static void
test_long_subject_folds(void)
{
    struct ec_buf out = EC_BUF_INIT, subject = EC_BUF_INIT;
    struct ec_mail_msg msg = {NULL, "ann@example.dk", NULL, NULL, ""};
    char *head, *got;

    for (int i = 0; i < 40; i++)
        ec_buf_adds(&subject, "æøå ");
    msg.subject = subject.data;
    format(&msg, &out);
    head = part(out.data, 0);
    got = words_decode(strstr(head, "Subject: "));
    EC_ASSERT_STR(got, subject.data);
    CU_ASSERT_PTR_NOT_NULL(strstr(head, "?=\r\n =?UTF-8?B?"));
    CU_ASSERT_PTR_NOT_NULL(strstr(head, "From: <shop@example.dk>\r\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(head, "To: <ann@example.dk>\r\n"));
    free(got);
    free(head);
    ec_buf_release(&subject);
    ec_buf_release(&out);
}

/* Line breaks in a name or a subject never start a header of their own. */
static void
test_no_header_injection(void)
{
    struct ec_buf out = EC_BUF_INIT;
    struct ec_mail_msg msg = {"Shop\r\nBcc: eve@example.dk", "ann@example.dk",
                              "Ann\nBcc: eve@example.dk",
                              "Hi\r\nBcc: eve@example.dk\r\n\r\nforged body",
                              "body\n"};
    char *head;

    format(&msg, &out);
    head = part(out.data, 0);
    CU_ASSERT_PTR_NULL(strstr(head, "\nBcc"));
    CU_ASSERT_PTR_NULL(strstr(head, "forged"));
    /* every header line is a known header or a folded continuation */
    for (char *line = head; *line; line = strstr(line, "\r\n") + 2)
        CU_ASSERT_TRUE(line[0] == ' ' || strncmp(line, "Date:", 5) == 0 ||
                       strncmp(line, "From:", 5) == 0 ||
                       strncmp(line, "To:", 3) == 0 ||
                       strncmp(line, "Subject:", 8) == 0 ||
                       strncmp(line, "Message-ID:", 11) == 0 ||
                       strncmp(line, "MIME-Version:", 13) == 0 ||
                       strncmp(line, "Content-", 8) == 0 ||
                       strncmp(line, "Auto-Submitted:", 15) == 0);
    /* an address that is no normalised address is refused outright */
    msg.to = "ann@example.dk>\r\nBcc: eve@example.dk";
    CU_ASSERT_EQUAL(ec_mail_format(&msg, "shop@example.dk", date, "x", &out),
                    EC_ERR_INVALID_FIELD);
    msg.to = "Ann@Example.dk";
    CU_ASSERT_EQUAL(ec_mail_format(&msg, "shop@example.dk", date, "x", &out),
                    EC_ERR_INVALID_FIELD);
    free(head);
    ec_buf_release(&out);
}

static void
test_quoted_printable_body(void)
{
    struct ec_buf out = EC_BUF_INIT, body = EC_BUF_INIT;
    struct ec_mail_msg msg = {NULL, "ann@example.dk", NULL, "s", NULL};
    char *got, *decoded;

    ec_buf_adds(&body, "Hej Søren, 2+2=4 \n.\n.dot first\nlink: ");
    ec_buf_adds(&body, "https://nordlys.example/account/password-reset/");
    for (int i = 0; i < 64; i++)
        ec_buf_addch(&body, "0123456789abcdef"[i % 16]);
    ec_buf_adds(&body, "\nslut\n");
    msg.body = body.data;
    format(&msg, &out);
    got = part(out.data, 1);
    CU_ASSERT_PTR_NOT_NULL(strstr(got, "Hej S=C3=B8ren, 2+2=3D4=20\r\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(got, "\r\n=2E\r\n=2Edot first\r\n"));
    for (char *line = got; *line; line = strstr(line, "\r\n") + 2) {
        size_t n = (size_t)(strstr(line, "\r\n") - line);

        CU_ASSERT_TRUE(n <= 76);
        for (size_t i = 0; i < n; i++)
            CU_ASSERT_TRUE(line[i] >= 32 && line[i] <= 126);
    }
    decoded = qp_decode(got);
    EC_ASSERT_STR(decoded, body.data);
    free(decoded);
    free(got);
    ec_buf_release(&body);
    ec_buf_release(&out);
}

static char scratch[] = "/tmp/ec-mail-XXXXXX";

static int
count_files(const char *dir, const char *suffix, char *last, size_t size)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    int n = 0;

    while (d && (e = readdir(d))) {
        size_t len = strlen(e->d_name), s = strlen(suffix);

        if (e->d_name[0] == '.' && strcmp(suffix, ".tmp") != 0)
            continue;
        if (len > s && strcmp(e->d_name + len - s, suffix) == 0) {
            n++;
            snprintf(last, size, "%s/%s", dir, e->d_name);
        }
    }
    if (d)
        closedir(d);
    return n;
}

static void
test_file_adapter(void)
{
    struct ec_mail_config cfg = {
        "file", "shop@example.dk", scratch, NULL, NULL, NULL, 0};
    struct ec_mail_msg msg = {"Fjordmobil", "ann@example.dk", "Ann", "Nulstil",
                              "Hej\n"};
    struct ec_buf text = EC_BUF_INIT;
    char err[256], path[4096];
    struct ec_mail *m;
    struct stat st;

    CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(scratch));
    m = ec_mail_new(&cfg, err, sizeof(err));
    CU_ASSERT_PTR_NOT_NULL_FATAL(m);
    CU_ASSERT_EQUAL(ec_mail_send(m, &msg), 0);
    CU_ASSERT_EQUAL(ec_mail_send(m, &msg), 0);
    CU_ASSERT_EQUAL(count_files(scratch, ".eml", path, sizeof(path)), 2);
    CU_ASSERT_EQUAL(count_files(scratch, ".tmp", path + 2048, 2048), 0);
    CU_ASSERT_EQUAL_FATAL(count_files(scratch, ".eml", path, sizeof(path)), 2);
    CU_ASSERT_EQUAL(stat(path, &st), 0);
    CU_ASSERT_EQUAL(st.st_mode & 0777, 0640);
    CU_ASSERT_EQUAL(ec_buf_read_file(&text, path, 65536), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(text.data, "To: Ann <ann@example.dk>\r\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(text.data, "Message-ID: <"));
    CU_ASSERT_PTR_NOT_NULL(strstr(text.data, "@example.dk>\r\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(text.data, "\r\n\r\nHej\r\n"));
    /* a folder that cannot be written: unavailable, nothing left behind */
    ec_mail_free(m);
    cfg.dir = "/nonexistent/mail";
    m = ec_mail_new(&cfg, err, sizeof(err));
    CU_ASSERT_EQUAL(ec_mail_send(m, &msg), EC_ERR_UNAVAILABLE);
    ec_mail_free(m);
    ec_buf_release(&text);
    while (count_files(scratch, ".eml", path, sizeof(path)))
        unlink(path);
    rmdir(scratch);
}

static void
test_configurations(void)
{
    static const struct {
        struct ec_mail_config cfg;
        const char *why; /* NULL: accepted */
    } cases[] = {
        {{"off", NULL, NULL, NULL, NULL, NULL, 0}, NULL},
        {{NULL, NULL, NULL, NULL, NULL, NULL, 0}, NULL},
        {{"file", "a@b.dk", "/tmp", NULL, NULL, NULL, 0}, NULL},
        {{"smtp", "a@b.dk", NULL, "smtps://mail.b.dk", "u", "p", 0}, NULL},
        {{"smtp", "a@b.dk", NULL, "smtp://mail.b.dk:587", NULL, NULL, 0}, NULL},
        {{"file", "a@b.dk", NULL, NULL, NULL, NULL, 0}, "mail_dir"},
        {{"file", NULL, "/tmp", NULL, NULL, NULL, 0}, "mail_from"},
        {{"file", "A@B.dk", "/tmp", NULL, NULL, NULL, 0}, "mail_from"},
        {{"smtp", "a@b.dk", NULL, NULL, NULL, NULL, 0}, "smtp_url"},
        {{"smtp", "a@b.dk", NULL, "http://b.dk", NULL, NULL, 0}, "smtp_url"},
        {{"pigeon", "a@b.dk", NULL, NULL, NULL, NULL, 0}, "smtp, file or off"},
    };
    struct ec_mail_msg msg = {NULL, "ann@example.dk", NULL, "s", "b\n"};
    char err[256];

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct ec_mail *m;

        err[0] = '\0';
        m = ec_mail_new(&cases[i].cfg, err, sizeof(err));
        if (!cases[i].why) {
            CU_ASSERT_PTR_NOT_NULL(m);
        } else {
            CU_ASSERT_PTR_NULL(m);
            if (!strstr(err, cases[i].why))
                fprintf(stderr, "\n    %zu: %s\n", i, err);
            CU_ASSERT_PTR_NOT_NULL(strstr(err, cases[i].why));
        }
        ec_mail_free(m);
    }
    /* off: sends nothing, and says so */
    {
        struct ec_mail *m = ec_mail_new(&cases[0].cfg, err, sizeof(err));

        CU_ASSERT_EQUAL(ec_mail_send(m, &msg), 0);
        ec_mail_free(m);
    }
}

static const struct ec_test tests[] = {
    {"a plain message, header by header", test_plain_message},
    {"non-ASCII names and subjects are encoded words", test_encoded_words},
    {"a long subject folds into whole-character words",
     test_long_subject_folds},
    {"no header can be injected", test_no_header_injection},
    {"the body is quoted-printable within line limits",
     test_quoted_printable_body},
    {"the file adapter writes whole .eml files", test_file_adapter},
    {"adapters and what each needs", test_configurations},
    {NULL, NULL},
};

int
main(void)
{
    ec_log_open("/dev/null", "/dev/null", EC_LOG_ERROR);
    return ec_test_run("svc/mail", tests);
}
