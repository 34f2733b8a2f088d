/*
 * The mails of accounts, in the shop's language: their words come from
 * the message catalogs (mail.reset.subject, mail.reset.body; see
 * docs/messages.md), the sending from svc/mail.h.
 */
#ifndef EC_HANDLERS_ACCOUNT_MAIL_H
#define EC_HANDLERS_ACCOUNT_MAIL_H

struct ec_account;
struct ec_mail;
struct ec_msgcat;

/*
 * Mail account a (of the shop named shop) the link that sets a new
 * password, working for ttl_ms, in the language of texts. Returns 0 or
 * an ec_err of ec_mail_send(); the link is logged nowhere.
 */
int ec_account_mail_reset(struct ec_mail *m, const struct ec_msgcat *texts,
                          const char *shop, const struct ec_account *a,
                          const char *link, long long ttl_ms);

#endif
