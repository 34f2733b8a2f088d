/*
 * E-mail addresses as accounts and mail use them: checked and normalised
 * once, here, so that the key of an account, the recipient of a mail and
 * the header that names it agree.
 *
 * Invariants of a normalised address (ec_email_normalize()):
 *   - ASCII only, lower case, 3 to EC_EMAIL_MAX bytes, no blank, no
 *     control character, so it can stand in a mail header or an SMTP
 *     command as it is (no header injection);
 *   - one '@'; a local part of 1 to 64 "atext" characters and dots (no dot
 *     first, last or twice in a row; quoted local parts are refused); a
 *     domain of at least two labels of letters, digits and hyphens (1 to
 *     63 each, no hyphen first or last). An internationalised domain is
 *     written in its xn-- form: browsers' type="email" fields do that.
 * Local parts are folded to lower case too: no mail provider a shopper
 * uses tells "Ann" from "ann", and two accounts for one mailbox would be
 * worse than the rare provider that does.
 */
#ifndef EC_SVC_EMAIL_H
#define EC_SVC_EMAIL_H

#include <stddef.h>

#define EC_EMAIL_MAX 254 /* RFC 5321's path limit less the brackets */

/*
 * The address in (len bytes, as a client sent it), with blanks around it
 * trimmed, checked and lower-cased into out. Returns 0, or
 * EC_ERR_INVALID_FIELD when it is not an address of the kind above.
 */
int ec_email_normalize(const char *in, size_t len, char out[EC_EMAIL_MAX + 1]);

/* 1 if s is already a normalised address (ec_email_normalize() would give
   it back unchanged), else 0. */
int ec_email_valid(const char *s);

#endif
