#include "core/err.h"

static const struct ec_err_info infos[EC_ERR__COUNT] = {
    [0] = {200, "ok", "OK"},
    [-EC_ERR_NOT_FOUND] = {404, "not_found",
                           "The page you asked for does not exist."},
    [-EC_ERR_METHOD] = {405, "method_not_allowed",
                        "This address does not accept that method."},
    [-EC_ERR_BAD_REQUEST] = {400, "bad_request",
                             "The request could not be understood."},
    [-EC_ERR_INVALID_JSON] = {400, "invalid_json",
                              "The request body is not valid JSON."},
    [-EC_ERR_TOO_LARGE] = {413, "payload_too_large",
                           "The request body is too large."},
    [-EC_ERR_INVALID_FIELD] = {422, "invalid_field",
                               "A field has an invalid value."},
    [-EC_ERR_CONFLICT] = {409, "conflict",
                          "The request conflicts with the current state."},
    [-EC_ERR_UNAVAILABLE] =
        {503, "unavailable",
         "The shop is temporarily unavailable. Please try again in a moment."},
    [-EC_ERR_SUSPENDED] = {503, "tenant_suspended",
                           "This shop is temporarily closed."},
    [-EC_ERR_UNKNOWN_HOST] = {404, "not_found",
                              "There is no shop at this address."},
    [-EC_ERR_UNSUPPORTED_MEDIA] =
        {415, "unsupported_media_type",
         "The request body has a type this address does not accept."},
    [-EC_ERR_INTERNAL] =
        {500, "internal_error",
         "Something went wrong on our side. Please try again."},
    [-EC_ERR_NUMBER_TAKEN] =
        {409, "number_taken",
         "This number has just been taken. Please choose another."},
    [-EC_ERR_VERSION_CONFLICT] =
        {409, "version_conflict",
         "The basket was changed elsewhere. Reload it and try again."},
    [-EC_ERR_SIM_TYPE_NOT_ALLOWED] =
        {422, "sim_type_not_allowed",
         "This SIM type is not available for this product."},
    [-EC_ERR_ADDON_INCOMPATIBLE] = {422, "addon_incompatible",
                                    "An add-on does not fit this product."},
    [-EC_ERR_FORBIDDEN] = {403, "forbidden", "You may not do that."},
    [-EC_ERR_CSRF_FAILED] = {403, "csrf_failed",
                             "This form has expired. Please go back, reload "
                             "the page and try again."},
    [-EC_ERR_API_KEY_INVALID] = {401, "api_key_invalid",
                                 "This API key is not valid here."},
    [-EC_ERR_BASKET_LIMIT] = {422, "basket_limit",
                              "The basket holds as much as it can."},
    [-EC_ERR_RATE_LIMITED] = {429, "rate_limited",
                              "Too many requests; try again in a minute."},
    [-EC_ERR_EMAIL_TAKEN] = {409, "email_taken",
                             "There is already an account with this e-mail "
                             "address. Sign in, or reset your password."},
    [-EC_ERR_SIGNIN_FAILED] = {401, "invalid_credentials",
                               "The e-mail address or the password is wrong."},
    [-EC_ERR_RESET_TOKEN_INVALID] =
        {410, "reset_token_invalid",
         "This password reset link has expired or has been used. Ask for a "
         "new one."},
    [-EC_ERR_NOT_SIGNED_IN] = {401, "not_signed_in", "Please sign in first."},
    [-EC_ERR_PRICE_CHANGED] = {409, "price_changed",
                               "A price has changed since you chose it. "
                               "Please confirm the new price."},
    [-EC_ERR_BINDING_NOT_ACCEPTED] = {422, "binding_not_accepted",
                                      "Please accept the binding period of "
                                      "every subscription."},
    [-EC_ERR_IDENTITY_REQUIRED] = {403, "identity_required",
                                   "Please confirm who you are with MitID "
                                   "first."},
    [-EC_ERR_IDEMPOTENCY_KEY_REUSED] =
        {422, "idempotency_key_reused",
         "This Idempotency-Key was used for another request."},
    [-EC_ERR_IDEMPOTENCY_KEY_INVALID] =
        {400, "idempotency_key_invalid",
         "An Idempotency-Key header of 1 to 128 printable characters is "
         "required."},
    [-EC_ERR_BASKET_EMPTY] = {422, "basket_empty", "Your basket is empty."},
    [-EC_ERR_UNAUTHORIZED] = {401, "unauthorized",
                              "The request is not signed as it must be."},
};

const struct ec_err_info *
ec_err_info(int err)
{
    if (err > 0 || err <= -EC_ERR__COUNT || !infos[-err].code)
        return &infos[-EC_ERR_INTERNAL];
    return &infos[-err];
}
