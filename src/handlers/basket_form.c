/*
 * The basket form of a product page: the choices of binding, SIM type and
 * add-ons, and the number picker (free numbers from the tenant's pool, a
 * digit search, porting), with the CSRF token the post needs. The product
 * page (handlers/catalog.c) embeds it; the form posts to
 * handlers/basket_pages.c.
 */
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "core/arena.h"
#include "handlers/env.h"
#include "handlers/handlers.h"
#include "http/request.h"
#include "http/response.h"
#include "render/messages.h"
#include "svc/catalog.h"
#include "svc/number.h"

#define PICKER_NUMBERS 6 /* numbers offered on a product page */

/*
 * Free numbers for a picker: [{msisdn, national}], or NULL when the pool
 * cannot be asked now (the page then says so instead of failing). They
 * come from the worker's sample of the pool (no MySQL query on a warm
 * view), a digit search from MySQL (svc/number.h, ec_number_offer()).
 */
struct json_object *
ec_offered_numbers(struct ec_request *req, const char *contains, unsigned count)
{
    struct ec_number_query q;
    const char *field, *message, **numbers;
    char n_text[8];
    size_t n;

    snprintf(n_text, sizeof(n_text), "%u", count);
    if (ec_number_query_parse(&q, n_text, contains, &field, &message) < 0 ||
        ec_number_offer(req->env->numbers, req->env->db, req->env->kv,
                        req->tenant, &q, req->arena, &numbers, &n) < 0)
        return NULL;
    return ec_numbers_json(numbers, n);
}

/* Mark the entry of arr whose key equals want (or the first) checked. */
static void
check_one(struct json_object *arr, const char *key, const char *want)
{
    size_t n = arr ? json_object_array_length(arr) : 0, hit = 0;

    for (size_t i = 0; i < n; i++) {
        struct json_object *e = json_object_array_get_idx(arr, i), *v;

        /* the copy came checked as a fresh form: only the chosen one is */
        json_object_object_del(e, "checked");
        if (want && json_object_object_get_ex(e, key, &v) &&
            strcmp(json_object_get_string(v), want) == 0)
            hit = i;
    }
    if (n)
        json_object_object_add(json_object_array_get_idx(arr, hit), "checked",
                               json_object_new_boolean(1));
}

/* The URL a form posts to in the request's channel: a web subpage's
   channel is named explicitly, as the post's path is not under it. */
static const char *
form_action(struct ec_request *req, const char *path)
{
    if (!req->channel || req->channel->is_default)
        return path;
    return ec_arena_printf(req->arena, "%s?channel=%s", path,
                           req->channel->code);
}

/* The number picker: suggestions (the posted number first when it was
   one of ours but is no longer offered), a digit search, porting. */
static void
picker_model(struct ec_request *req, struct json_object *f, int posted)
{
    const char *contains = ec_request_arg(req, "contains");
    const char *chosen = posted ? ec_request_form(req, "number") : NULL;
    struct json_object *numbers;
    int port = chosen && strcmp(chosen, "port") == 0, found = 0;

    if (contains && (!*contains || strlen(contains) > EC_NUMBER_CONTAINS_MAX ||
                     strspn(contains, "0123456789") != strlen(contains))) {
        if (*contains)
            json_object_object_add(
                f, "search_error",
                ec_json_str(ec_msgcat_text(
                    req->texts, "field_error.contains.invalid_field")));
        contains = NULL;
    }
    numbers = ec_offered_numbers(req, contains, PICKER_NUMBERS);
    json_object_object_add(f, "contains",
                           ec_json_str(contains ? contains : ""));
    json_object_object_add(f, "search_action", ec_json_str(req->path));
    /* false, not absent: an absent key would find the page's channel */
    json_object_object_add(f, "channel",
                           req->channel && !req->channel->is_default
                               ? ec_json_str(req->channel->code)
                               : json_object_new_boolean(0));
    if (!numbers) {
        json_object_object_add(f, "numbers_unavailable",
                               json_object_new_boolean(1));
        json_object_object_add(f, "port_checked", json_object_new_boolean(1));
        return;
    }
    for (size_t i = 0; chosen && i < json_object_array_length(numbers); i++) {
        struct json_object *e = json_object_array_get_idx(numbers, i), *v;

        json_object_object_get_ex(e, "msisdn", &v);
        if (strcmp(json_object_get_string(v), chosen) == 0)
            found = 1,
            json_object_object_add(e, "checked", json_object_new_boolean(1));
    }
    if (!port && !found && json_object_array_length(numbers) > 0)
        json_object_object_add(json_object_array_get_idx(numbers, 0), "checked",
                               json_object_new_boolean(1));
    json_object_object_add(
        f, "no_numbers",
        json_object_new_boolean(json_object_array_length(numbers) == 0));
    json_object_object_add(f, "port_checked",
                           json_object_new_boolean(
                               port || json_object_array_length(numbers) == 0));
    json_object_object_add(f, "numbers", numbers);
}

void
ec_basket_form_model(struct ec_request *req, struct ec_response *res,
                     struct json_object *model, struct json_object *product,
                     struct json_object *addons, int posted)
{
    struct json_object *f = json_object_new_object(), *arr;

    ec_page_script_texts(req, model);
    json_object_object_add(f, "csrf", ec_json_str(req->csrf_token));
    json_object_object_add(f, "action",
                           ec_json_str(form_action(req, "/basket/lines")));
    json_object_object_add(
        f, "api_action", ec_json_str(form_action(req, "/api/v1/basket/lines")));
    /* a fresh form's product comes checked (and shared): only a posted
       one marks what was chosen */
    if (posted && json_object_object_get_ex(product, "binding_options", &arr))
        check_one(arr, "value", ec_request_form(req, "binding_months"));
    if (posted && json_object_object_get_ex(product, "sim_options", &arr))
        check_one(arr, "value", ec_request_form(req, "sim_type"));
    for (size_t i = 0; posted && i < json_object_array_length(addons); i++) {
        struct json_object *a = json_object_array_get_idx(addons, i), *sku;

        if (json_object_object_get_ex(a, "sku", &sku) &&
            ec_request_form_has(req, "addons", json_object_get_string(sku)))
            json_object_object_add(a, "checked", json_object_new_boolean(1));
    }
    json_object_object_add(
        f, "binding_accepted",
        json_object_new_boolean(posted &&
                                ec_request_form(req, "binding_accepted")));
    json_object_object_add(
        f, "porting_msisdn",
        ec_json_str(posted && ec_request_form(req, "porting_msisdn")
                        ? ec_request_form(req, "porting_msisdn")
                        : ""));
    picker_model(req, f, posted);
    if (res->err_message || res->err_field) {
        struct json_object *e = json_object_new_object();

        json_object_object_add(e, "message", ec_json_str(res->err_message));
        json_object_object_add(e, "field", ec_json_str(res->err_field));
        json_object_object_add(f, "error", e);
    }
    json_object_object_add(model, "form", f);
}
