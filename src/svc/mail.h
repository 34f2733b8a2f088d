/*
 * ec_mail: mail to customers (password resets), through one adapter
 * chosen by the configuration (mail_transport):
 *   smtp  through libcurl to an SMTP server (smtp:// with STARTTLS
 *         required, or smtps://), for production (svc/mail_smtp.c);
 *   file  each mail an RFC 5322 .eml file in mail_dir, for the demo and
 *         test stacks, where nothing leaves the machine (svc/mail_file.c);
 *   off   nothing is sent; each mail dropped is logged (not its text).
 *
 * A message is built here, the same for every adapter: UTF-8 plain text
 * in quoted-printable (safe for any SMTP server, lines within limits),
 * names and subjects as RFC 2047 encoded words when they are not plain
 * ASCII, addresses only as svc/email.h normalised them. No text a
 * customer typed ever reaches a header as it is: a name with a line break
 * or a quote is encoded, never spliced in, so no header can be injected.
 *
 * The text of a mail (a reset link) is a secret of its recipient: no
 * function here logs it.
 */
#ifndef EC_SVC_MAIL_H
#define EC_SVC_MAIL_H

#include <stddef.h>

struct ec_buf;
struct ec_mail;

struct ec_mail_config {
    const char *transport;     /* "smtp", "file" or "off" */
    const char *from;          /* the sender's address (mail_from) */
    const char *dir;           /* file: the folder (mail_dir) */
    const char *smtp_url;      /* smtp: smtp://host:587 or smtps://host:465 */
    const char *smtp_user;     /* smtp: NULL: no AUTH */
    const char *smtp_password; /* smtp: never logged */
    long timeout_ms;           /* smtp: the whole exchange */
};

/* One message: UTF-8 texts; to is a normalised address. */
struct ec_mail_msg {
    const char *from_name; /* the shop's name, NULL for none */
    const char *to;
    const char *to_name; /* the customer's name, NULL for none */
    const char *subject;
    const char *body; /* plain text, lines ending in "\n" */
};

/*
 * An adapter for cfg (its strings are copied), or NULL with a reason in
 * err when cfg is incomplete (smtp without a URL, file without a folder,
 * a from address that is no address).
 */
struct ec_mail *ec_mail_new(const struct ec_mail_config *cfg, char *err,
                            size_t errsize);
void ec_mail_free(struct ec_mail *m);

/*
 * Build msg and hand it to the adapter. Returns 0 once it was written or
 * the server accepted it (or, with "off", dropped it); EC_ERR_INVALID_FIELD
 * when msg.to is no normalised address; EC_ERR_UNAVAILABLE when the
 * adapter failed (logged without the text).
 */
int ec_mail_send(struct ec_mail *m, const struct ec_mail_msg *msg);

/*
 * The RFC 5322 text of msg from the address from, with the given Date and
 * Message-ID header values, appended to out (CRLF line ends). Returns 0,
 * or EC_ERR_INVALID_FIELD when from or msg.to is no normalised address.
 * For the adapters and the tests.
 */
int ec_mail_format(const struct ec_mail_msg *msg, const char *from,
                   const char *date, const char *message_id,
                   struct ec_buf *out);

/* The file adapter's writing of text into dir, as a new file whose name
   says when it was written (svc/mail_file.c). 0 or EC_ERR_UNAVAILABLE. */
int ec_mail_file_write(const char *dir, const char *text, size_t len);

#endif
