/*
 * A new session id for the request, as every sign-in and sign-out makes
 * one (docs/architecture.md, "Sessions and CSRF"): the customers'
 * (handlers/account.c) and the staff's (handlers/admin_signin.c).
 */
#ifndef EC_HANDLERS_SESSION_ID_H
#define EC_HANDLERS_SESSION_ID_H

struct ec_request;

/* The request continues as session id, new: its cookie and CSRF token
   go out with the answer (the dispatcher sends them). */
void ec_h_session_adopt(struct ec_request *req, const char *id);

/*
 * Rotate the request's session to a new random id: the record, when
 * there is one, renamed to it with its content (svc/session.h), the old
 * id naming nothing afterwards; then adopted as above. 0 or a store
 * error (nothing adopted).
 */
int ec_h_session_renew(struct ec_request *req);

#endif
