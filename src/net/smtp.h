/*
 * Sending one mail to an SMTP server with libcurl: the one outbound SMTP
 * client (svc/mail.c builds the message, this hands it over).
 *
 * An smtp:// URL must upgrade with STARTTLS before anything is sent
 * (CURLUSESSL_ALL), unless it names a loopback host (a relay on the same
 * machine); smtps:// is TLS from the first byte. Certificates are always
 * verified. The exchange is bounded by timeout_ms (connecting by the
 * smaller of it and 5 s), so a slow server cannot hold a worker longer.
 * Nothing here logs the message, the password or the server's replies
 * that may quote them.
 */
#ifndef EC_NET_SMTP_H
#define EC_NET_SMTP_H

#include <stddef.h>

struct ec_smtp_config {
    const char *url;      /* smtp://host:587 or smtps://host:465 */
    const char *user;     /* NULL: no AUTH */
    const char *password; /* never logged */
    long timeout_ms;
};

/*
 * Send text (len bytes, an RFC 5322 message with CRLF line ends) from
 * the address from to the address to (both already checked: no blanks,
 * no brackets). Returns 0 once the server accepted it, or -1 with a short
 * reason in err (libcurl's, without secrets).
 */
int ec_smtp_send(const struct ec_smtp_config *c, const char *from,
                 const char *to, const char *text, size_t len, char *err,
                 size_t errsize);

#endif
