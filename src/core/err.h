/*
 * One enum of error codes for the whole program.
 *
 * Functions that can fail return 0 or one of these (negative). Only the
 * dispatcher maps a code to an HTTP status and a user-facing message; the
 * table in err.c keeps the three in one place.
 */
#ifndef EC_CORE_ERR_H
#define EC_CORE_ERR_H

enum ec_err {
    EC_OK = 0,
    EC_ERR_NOT_FOUND = -1,             /* 404 not_found */
    EC_ERR_METHOD = -2,                /* 405 method_not_allowed */
    EC_ERR_BAD_REQUEST = -3,           /* 400 bad_request */
    EC_ERR_INVALID_JSON = -4,          /* 400 invalid_json */
    EC_ERR_TOO_LARGE = -5,             /* 413 payload_too_large */
    EC_ERR_INVALID_FIELD = -6,         /* 422 invalid_field */
    EC_ERR_CONFLICT = -7,              /* 409 conflict */
    EC_ERR_UNAVAILABLE = -8,           /* 503 unavailable (a store is down) */
    EC_ERR_SUSPENDED = -9,             /* 503 tenant_suspended */
    EC_ERR_UNKNOWN_HOST = -10,         /* 404 not_found, naming no tenant */
    EC_ERR_UNSUPPORTED_MEDIA = -11,    /* 415 unsupported_media_type */
    EC_ERR_INTERNAL = -12,             /* 500 internal_error */
    EC_ERR_NUMBER_TAKEN = -13,         /* 409 number_taken */
    EC_ERR_VERSION_CONFLICT = -14,     /* 409 version_conflict */
    EC_ERR_SIM_TYPE_NOT_ALLOWED = -15, /* 422 sim_type_not_allowed */
    EC_ERR_ADDON_INCOMPATIBLE = -16,   /* 422 addon_incompatible */
    EC_ERR_RATE_LIMITED = -17,         /* 429 rate_limited */
    EC_ERR_FORBIDDEN = -18,       /* 403 forbidden (a form without its token) */
    EC_ERR_BASKET_LIMIT = -19,    /* 422 basket_limit (lines or numbers) */
    EC_ERR_CSRF_FAILED = -20,     /* 403 csrf_failed (a form without its
                                     token, or from another origin) */
    EC_ERR_API_KEY_INVALID = -21, /* 401 api_key_invalid (a Bearer
                                     credential we do not accept) */
    /* accounts (docs/identity.md) */
    EC_ERR_EMAIL_TAKEN = -22,         /* 409 email_taken (sign-up only) */
    EC_ERR_SIGNIN_FAILED = -23,       /* 401 invalid_credentials: the one
                                         answer for a wrong e-mail or
                                         password */
    EC_ERR_RESET_TOKEN_INVALID = -24, /* 410 reset_token_invalid: unknown,
                                         used or expired */
    EC_ERR_NOT_SIGNED_IN = -25,       /* 401 not_signed_in: the session
                                         has no account */
    /* checkout (docs/orders.md) */
    EC_ERR_PRICE_CHANGED = -26,           /* 409 price_changed: a line costs
                                             other than the customer saw */
    EC_ERR_BINDING_NOT_ACCEPTED = -27,    /* 422 binding_not_accepted */
    EC_ERR_IDENTITY_REQUIRED = -28,       /* 403 identity_required (MitID) */
    EC_ERR_IDEMPOTENCY_KEY_REUSED = -29,  /* 422 idempotency_key_reused: the
                                             key of another request */
    EC_ERR_IDEMPOTENCY_KEY_INVALID = -30, /* 400 idempotency_key_invalid:
                                             missing or malformed */
    EC_ERR_BASKET_EMPTY = -31,            /* 422 basket_empty */
    /* inbound webhooks (docs/cms.md) */
    EC_ERR_UNAUTHORIZED = -32, /* 401 unauthorized: unsigned, badly
                                  signed, stale or replayed */
    EC_ERR__COUNT = 33
};

struct ec_err_info {
    int status;          /* HTTP status */
    const char *code;    /* stable snake_case word for scripts */
    const char *message; /* default user-facing message */
};

/* The status, code and default message of err (EC_ERR_INTERNAL if unknown). */
const struct ec_err_info *ec_err_info(int err);

#endif
