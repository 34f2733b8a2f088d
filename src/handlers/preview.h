/*
 * Preview of the storefront by staff (handlers/preview.c): as a chosen
 * channel, at a chosen instant, with or without the catalog draft.
 */
#ifndef EC_HANDLERS_PREVIEW_H
#define EC_HANDLERS_PREVIEW_H

#include <stdint.h>

struct ec_request;
struct ec_response;
struct json_object;

#define EC_PREVIEW_COOKIE "ec_preview"

struct ec_preview {
    long long staff_id; /* who asked for it: the session must still be them */
    int draft;          /* the catalog draft put over the live catalog */
    int64_t at;         /* UTC seconds; 0: now */
    int64_t expires;    /* UTC seconds */
    char channel[41];   /* a channel code */
    int broken;         /* the draft could not be shown (the live one is) */
};

/*
 * The request's preview cookie into *p: 0 when it is there, signed for
 * this session and host, and not expired at now; EC_ERR_NOT_FOUND for
 * anything else (no cookie, another session's, forged, old). Says
 * nothing of the staff member: the caller checks the session is theirs.
 */
int ec_preview_read(const struct ec_request *req, int64_t now,
                    struct ec_preview *p);

/* The banner a previewed page shows: {channel, at, draft, broken}. */
struct json_object *ec_preview_banner(struct ec_request *req,
                                      const struct ec_preview *p);

/* The panel's form: GET/POST /admin/preview; POST /admin/preview/end */
int ec_h_admin_preview(struct ec_request *req, struct ec_response *res);
int ec_h_admin_form_preview(struct ec_request *req, struct ec_response *res);
int ec_h_admin_form_preview_end(struct ec_request *req,
                                struct ec_response *res);

#endif
