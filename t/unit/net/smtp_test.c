/*
 * The SMTP client against a small SMTP server on loopback (a child
 * process that speaks just enough of RFC 5321 and writes down what it
 * received): the envelope and the message arrive as sent, dot-stuffed on
 * the wire; a server that refuses, or none at all, is an error with a
 * reason.
 */
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../test.h"
#include "core/buf.h"
#include "net/smtp.h"

static char record[] = "/tmp/ec-smtp-XXXXXX";

static void
say(int fd, const char *s)
{
    if (write(fd, s, strlen(s)) < 0)
        _exit(3);
}

/* Read one CRLF line into line (size bytes): its length, or -1. */
static int
read_line(int fd, char *line, size_t size)
{
    size_t n = 0;
    char c;

    while (n + 1 < size && read(fd, &c, 1) == 1) {
        line[n++] = c;
        if (c == '\n')
            break;
    }
    line[n] = '\0';
    return n ? (int)n : -1;
}

/* The server's side of one session: accept, talk, write the record. */
static void
serve(int lfd, int refuse_rcpt)
{
    int fd = accept(lfd, NULL, NULL), out;
    char line[2048];
    int data = 0;

    out = open(record, O_WRONLY | O_TRUNC);
    if (fd < 0 || out < 0)
        _exit(2);
    say(fd, "220 test ESMTP\r\n");
    while (read_line(fd, line, sizeof(line)) > 0) {
        if (data) {
            if (strcmp(line, ".\r\n") == 0) {
                data = 0;
                say(fd, "250 queued\r\n");
            } else if (write(out, line, strlen(line)) < 0) {
                _exit(3);
            }
        } else if (strncmp(line, "EHLO", 4) == 0) {
            say(fd, "250 test\r\n");
        } else if (strncmp(line, "MAIL FROM:", 10) == 0) {
            if (write(out, line, strlen(line)) < 0)
                _exit(3);
            say(fd, "250 ok\r\n");
        } else if (strncmp(line, "RCPT TO:", 8) == 0) {
            if (write(out, line, strlen(line)) < 0)
                _exit(3);
            say(fd, refuse_rcpt ? "550 no such user\r\n" : "250 ok\r\n");
        } else if (strncmp(line, "DATA", 4) == 0) {
            data = 1;
            say(fd, "354 go on\r\n");
        } else if (strncmp(line, "QUIT", 4) == 0) {
            say(fd, "221 bye\r\n");
            break;
        } else {
            say(fd, "502 not here\r\n");
        }
    }
    close(out);
    close(fd);
    _exit(0);
}

/* Start a server in a child; its port into *port. */
static pid_t
start_server(int refuse_rcpt, unsigned *port)
{
    struct sockaddr_in a = {.sin_family = AF_INET};
    socklen_t len = sizeof(a);
    int lfd = socket(AF_INET, SOCK_STREAM, 0);
    pid_t pid;

    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    CU_ASSERT_EQUAL_FATAL(bind(lfd, (struct sockaddr *)&a, sizeof(a)), 0);
    CU_ASSERT_EQUAL_FATAL(listen(lfd, 1), 0);
    CU_ASSERT_EQUAL_FATAL(getsockname(lfd, (struct sockaddr *)&a, &len), 0);
    *port = ntohs(a.sin_port);
    pid = fork();
    CU_ASSERT_TRUE_FATAL(pid >= 0);
    if (pid == 0) {
        alarm(20);
        serve(lfd, refuse_rcpt);
    }
    close(lfd);
    return pid;
}

static const char message[] = "From: <shop@example.dk>\r\n"
                              "To: <ann@example.dk>\r\n"
                              "Subject: hi\r\n"
                              "\r\n"
                              "line one\r\n"
                              ".a line that starts with a dot\r\n";

static void
test_sends_envelope_and_message(void)
{
    struct ec_buf got = EC_BUF_INIT;
    struct ec_smtp_config c = {NULL, NULL, NULL, 5000};
    char url[64], err[256] = "";
    unsigned port;
    pid_t pid = start_server(0, &port);
    int status;

    snprintf(url, sizeof(url), "smtp://127.0.0.1:%u", port);
    c.url = url;
    CU_ASSERT_EQUAL(ec_smtp_send(&c, "shop@example.dk", "ann@example.dk",
                                 message, strlen(message), err, sizeof(err)),
                    0);
    if (*err)
        fprintf(stderr, "\n    %s\n", err);
    waitpid(pid, &status, 0);
    CU_ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    CU_ASSERT_EQUAL_FATAL(ec_buf_read_file(&got, record, 65536), 0);
    CU_ASSERT_EQUAL(strncmp(got.data, "MAIL FROM:<shop@example.dk>", 27), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(got.data, "RCPT TO:<ann@example.dk>\r\n"));
    /* the message, the leading dot doubled on the wire */
    CU_ASSERT_PTR_NOT_NULL(strstr(got.data, "Subject: hi\r\n\r\nline one\r\n"
                                            "..a line that starts with a dot"
                                            "\r\n"));
    ec_buf_release(&got);
}

static void
test_refusal_is_an_error(void)
{
    struct ec_smtp_config c = {NULL, NULL, NULL, 5000};
    char url[64], err[256] = "";
    unsigned port;
    pid_t pid = start_server(1, &port);

    snprintf(url, sizeof(url), "smtp://127.0.0.1:%u", port);
    c.url = url;
    CU_ASSERT_EQUAL(ec_smtp_send(&c, "shop@example.dk", "nobody@example.dk",
                                 message, strlen(message), err, sizeof(err)),
                    -1);
    CU_ASSERT_TRUE(*err != '\0');
    kill(pid, SIGTERM);
    waitpid(pid, NULL, 0);
}

static void
test_no_server_is_an_error(void)
{
    struct ec_smtp_config c = {"smtp://127.0.0.1:1", NULL, NULL, 2000};
    char err[256] = "";

    CU_ASSERT_EQUAL(ec_smtp_send(&c, "shop@example.dk", "ann@example.dk",
                                 message, strlen(message), err, sizeof(err)),
                    -1);
    CU_ASSERT_TRUE(*err != '\0');
}

static const struct ec_test tests[] = {
    {"the envelope and the message arrive as sent",
     test_sends_envelope_and_message},
    {"a refused recipient is an error", test_refusal_is_an_error},
    {"no server is an error", test_no_server_is_an_error},
    {NULL, NULL},
};

int
main(void)
{
    int fd = mkstemp(record), rc;

    if (fd < 0)
        return 2;
    close(fd);
    rc = ec_test_run("net/smtp", tests);
    unlink(record);
    return rc;
}
