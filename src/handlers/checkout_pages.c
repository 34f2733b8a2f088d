/*
 * The checkout and the customer's orders in HTML, without JavaScript: the
 * checkout page (the basket as it will be sold, priced now, the binding
 * periods to accept, the MitID step where the shop requires it, the
 * customer's details, the consents and the EU contract summary), its form
 * post, which makes the same checkout as POST /api/v1/checkout
 * (ec_checkout_run) and answers 303 to the payment's page, or the page
 * again with the error at its field and everything typed kept; and the
 * order page of its owner.
 *
 * The form carries an idempotency key made when the page was shown and
 * kept while it is shown again after an error, so a form sent twice (a
 * double click, a reload after a lost answer) makes one order.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/rand.h"
#include "core/tztime.h"
#include "handlers/basket.h"
#include "handlers/contract_summary.h"
#include "handlers/env.h"
#include "handlers/handlers.h"
#include "http/request.h"
#include "http/response.h"
#include "render/messages.h"
#include "svc/account.h"
#include "svc/checkout.h"
#include "svc/order.h"
#include "svc/session.h"
#include "svc/tenant.h"

#define KEY_BYTES 16 /* an idempotency key: 128 random bits in hex */

/* The form fields a customer types, and the JSON members they go to. */
static const struct {
    const char *form, *json;
} customer_fields[] = {
    {"name", "name"},
    {"email", "email"},
    {"phone", "phone"},
    {"address", "address"},
};
static const char *const consent_fields[] = {"terms", "contract_summary",
                                             "marketing"};

#define NFIELDS(a) (sizeof(a) / sizeof((a)[0]))

static struct json_object *
jbool(int b)
{
    return json_object_new_boolean(b);
}

/* 1 when checkbox name was ticked in the form posted. */
static int
ticked(const struct ec_request *req, const char *name)
{
    const char *v = ec_kvlist_get(&req->form, name);

    return v && *v;
}

/* ---- what the customer typed ---- */

/*
 * The customer's details and consents for the page: what the form posted
 * (posted 1), else the signed-in account's name and e-mail, else empty.
 */
static struct json_object *
typed_model(struct ec_request *req, int posted)
{
    struct json_object *m = json_object_new_object();
    struct ec_order_owner owner;
    struct ec_session s;
    struct ec_account a;

    for (size_t i = 0; i < NFIELDS(customer_fields); i++) {
        const char *v =
            posted ? ec_kvlist_get(&req->form, customer_fields[i].form) : NULL;

        json_object_object_add(m, customer_fields[i].form,
                               json_object_new_string(v ? v : ""));
    }
    for (size_t i = 0; i < NFIELDS(consent_fields); i++)
        json_object_object_add(m, consent_fields[i],
                               jbool(posted && ticked(req, consent_fields[i])));
    if (posted || ec_order_owner_of(req, &owner, &s) < 0 || !owner.account_id ||
        ec_account_find(req->env->db, req->tenant->id, owner.account_id, &a) <
            0)
        return m;
    json_object_object_add(m, "name", json_object_new_string(a.name));
    json_object_object_add(m, "email", json_object_new_string(a.email));
    return m;
}

/*
 * The body POST /api/v1/checkout takes, from the form: the customer, the
 * consents, and the new monthly prices the customer accepted
 * (accept_price_<line>, valued with the price the page showed).
 */
static struct json_object *
body_of_form(const struct ec_request *req)
{
    struct json_object *body = json_object_new_object();
    struct json_object *c = json_object_new_object();
    struct json_object *k = json_object_new_object();
    struct json_object *prices = json_object_new_object();

    for (size_t i = 0; i < NFIELDS(customer_fields); i++) {
        const char *v = ec_kvlist_get(&req->form, customer_fields[i].form);

        json_object_object_add(c, customer_fields[i].json,
                               json_object_new_string(v ? v : ""));
    }
    for (size_t i = 0; i < NFIELDS(consent_fields); i++)
        json_object_object_add(k, consent_fields[i],
                               jbool(ticked(req, consent_fields[i])));
    for (size_t i = 0; i < req->form.n; i++) {
        const char *name = req->form.items[i].name;

        if (strncmp(name, "accept_price_", 13) == 0 && name[13])
            json_object_object_add(prices, name + 13,
                                   ec_json_form_int(req->form.items[i].value));
    }
    json_object_object_add(body, "customer", c);
    json_object_object_add(body, "consents", k);
    json_object_object_add(body, "accepted_prices", prices);
    return body;
}

/*
 * The bindings the customer accepted on the form (accept_binding_<line>)
 * recorded on the basket's lines that still await it, as the basket
 * page's "accept" does. A line the basket no longer has (sold by the same
 * form sent a moment before, removed in another tab) has nothing to
 * accept: the checkout then answers for the basket as it is. 0, or the
 * change's ec_err (recorded on res).
 */
static int
accept_bindings(struct ec_request *req, struct ec_response *res)
{
    struct ec_basket b;
    int rc;

    if ((rc = ec_basket_current(req, &b)) < 0)
        return rc;
    for (size_t i = 0; i < req->form.n; i++) {
        const char *name = req->form.items[i].name, *id = name + 15;
        struct json_object *patch, *stored, *v;
        struct ec_basket_line l;

        if (strncmp(name, "accept_binding_", 15) != 0 || !*id ||
            !*req->form.items[i].value ||
            !(stored = ec_basket_find_line(&b, id, NULL)) ||
            (json_object_object_get_ex(stored, "binding_accepted", &v) &&
             json_object_get_boolean(v)))
            continue;
        patch = json_object_new_object();
        json_object_object_add(patch, "binding_accepted", jbool(1));
        ec_arena_cleanup(req->arena, ec_json_put, patch);
        if ((rc = ec_basket_do_update(req, res, id, patch, NULL, &b, &l)) < 0)
            return rc;
    }
    return 0;
}

/* ---- the page ---- */

/* The lines of view as the page shows them: the basket's own view with
   the texts templates cannot work out. */
static void
decorate_lines(struct ec_request *req, struct json_object *lines,
               const struct ec_basket_view *v, const struct json_object *typed)
{
    for (size_t i = 0; i < json_object_array_length(lines) && i < v->nlines;
         i++) {
        struct json_object *line = json_object_array_get_idx(lines, i);
        const struct ec_basket_view_line *vl = &v->lines[i];

        json_object_object_add(line, "binding_text",
                               ec_binding_text(req, vl->binding_months));
        json_object_object_add(line, "needs_acceptance",
                               jbool(vl->needs_acceptance));
        json_object_object_add(
            line, "accept_checked",
            jbool(typed &&
                  ticked(req, ec_arena_printf(req->arena, "accept_binding_%s",
                                              vl->id))));
        if (vl->sim)
            json_object_object_add(
                line, "sim_text",
                ec_json_str(ec_msgcat_text(req->texts, vl->sim == EC_SIM_ESIM
                                                           ? "sim.esim"
                                                           : "sim.physical")));
    }
}

/*
 * The lines whose price changed (the detail of a 409 price_changed): for
 * each, its name and both prices, and the price to accept.
 */
static struct json_object *
price_changes(struct ec_request *req, const struct ec_response *res,
              struct json_object *lines)
{
    struct json_object *out = json_object_new_array(), *changed, *name;

    if (!res->err_detail ||
        !json_object_object_get_ex(res->err_detail, "lines", &changed) ||
        !json_object_is_type(changed, json_type_array))
        return out;
    for (size_t i = 0; i < json_object_array_length(changed); i++) {
        struct json_object *c = json_object_array_get_idx(changed, i);
        struct json_object *o = json_object_new_object(), *id, *was, *now;

        if (!json_object_object_get_ex(c, "line", &id) ||
            !json_object_object_get_ex(c, "monthly_at_add", &was) ||
            !json_object_object_get_ex(c, "monthly_now", &now)) {
            json_object_put(o);
            continue;
        }
        json_object_object_add(o, "line", json_object_get(id));
        for (size_t j = 0; j < json_object_array_length(lines); j++) {
            struct json_object *l = json_object_array_get_idx(lines, j), *lid;

            if (json_object_object_get_ex(l, "id", &lid) &&
                strcmp(json_object_get_string(lid),
                       json_object_get_string(id)) == 0 &&
                json_object_object_get_ex(l, "name", &name))
                json_object_object_add(o, "name", json_object_get(name));
        }
        ec_json_money(req, o, "before", json_object_get_int64(was));
        ec_json_money(req, o, "now", json_object_get_int64(now));
        json_object_array_add(out, o);
    }
    return out;
}

/* The error res records, for the page: its message, and at_<field> for
   the field it is about (customer.email: at_email). */
static void
error_model(struct ec_request *req, const struct ec_response *res, int rc,
            struct json_object *m)
{
    struct json_object *e = json_object_new_object();
    const char *f = res->err_field, *dot;
    const char *msg = res->err_message;

    if (!msg)
        msg = ec_msgcat_find(req->texts,
                             ec_arena_printf(req->arena, "error_page.%s",
                                             ec_err_info(rc)->code));
    if (!msg)
        msg = ec_err_info(rc)->message;
    json_object_object_add(e, "message", ec_json_str(msg));
    if (f && (dot = strchr(f, '.')))
        f = dot + 1;
    json_object_object_add(
        e, ec_arena_printf(req->arena, "at_%s", f && *f ? f : "form"),
        jbool(1));
    json_object_object_add(e, "code", ec_json_str(ec_err_info(rc)->code));
    json_object_object_add(m, "error", e);
}

/*
 * The EU contract summary of the priced lines v into m as
 * contract_summary_html, as the checkout will store it; none when a line
 * has no price (the checkout refuses such a basket and says why).
 */
static void
summary_model(struct ec_request *req, const struct ec_basket_view *v,
              struct json_object *m)
{
    struct ec_buf b = EC_BUF_INIT;

    if (v->nlines > 0 &&
        ec_contract_summary_for_request(req, v, (int64_t)time(NULL), &b) == 0)
        json_object_object_add(m, "contract_summary_html",
                               json_object_new_string_len(b.data, (int)b.len));
    ec_buf_release(&b);
}

/*
 * The checkout page of basket b with status: the form as typed (typed,
 * taken over; NULL: a fresh page) and the error rc recorded on res (0:
 * none), the idempotency key key (NULL: a new one).
 */
static int
checkout_page(struct ec_request *req, struct ec_response *res,
              const struct ec_basket *b, struct json_object *typed,
              const char *key, int rc, int status)
{
    struct json_object *m, *view, *lines, *totals, *changes;
    const struct ec_basket_view *v;
    char fresh[2 * KEY_BYTES + 1];
    int err;

    if ((err = ec_basket_view(req, b, &v, &view)) < 0) {
        json_object_put(typed);
        return err;
    }
    m = json_object_new_object();
    json_object_object_get_ex(view, "lines", &lines);
    decorate_lines(req, lines, v, rc ? typed : NULL);
    if (json_object_object_get_ex(view, "totals", &totals))
        ec_json_money(req, totals, "due_now", v->monthly_now + v->one_time);
    if (!key) {
        ec_rand_hex(fresh, KEY_BYTES);
        key = fresh;
    }
    json_object_object_add(m, "csrf", ec_json_str(req->csrf_token));
    json_object_object_add(m, "idempotency_key", ec_json_str(key));
    json_object_object_add(m, "basket", view);
    json_object_object_add(m, "has_lines",
                           jbool(json_object_array_length(lines) > 0));
    json_object_object_add(m, "needs_acceptance",
                           jbool(v->needs_acceptance > 0));
    json_object_object_add(m, "customer", typed ? typed : typed_model(req, 0));
    changes = price_changes(req, res, lines);
    json_object_object_add(m, "has_price_changes",
                           jbool(json_object_array_length(changes) > 0));
    json_object_object_add(m, "price_changes", changes);
    ec_basket_identity_model(req, b, m);
    summary_model(req, v, m);
    if (rc)
        error_model(req, res, rc, m);
    res->status = status;
    ec_response_set_model(res, m, "checkout");
    return 0;
}

/* GET /checkout */
int
ec_h_checkout_page(struct ec_request *req, struct ec_response *res)
{
    struct ec_basket b;
    int rc;

    if ((rc = ec_basket_current(req, &b)) < 0)
        return rc;
    return checkout_page(req, res, &b, NULL, NULL, 0, 200);
}

/* The page of the payment the checkout's answer names (res's model). */
static const char *
payment_url(const struct ec_response *res)
{
    struct json_object *p, *u;

    if (!res->model || !json_object_object_get_ex(res->model, "payment", &p) ||
        !json_object_object_get_ex(p, "url", &u) ||
        !json_object_is_type(u, json_type_string))
        return NULL;
    return json_object_get_string(u);
}

/* POST /checkout: 303 to the payment's page, or the page again. */
int
ec_h_form_checkout(struct ec_request *req, struct ec_response *res)
{
    const char *key = ec_kvlist_get(&req->form, "idempotency_key");
    const char *url;
    struct ec_basket b;
    int rc;

    rc = accept_bindings(req, res);
    if (rc == 0) {
        req->json = body_of_form(req);
        ec_arena_cleanup(req->arena, ec_json_put, req->json);
        rc = ec_checkout_run(req, res, key);
    }
    if (rc == 0 && (url = payment_url(res))) {
        res->status = 303;
        ec_response_set_header(res, "Location", url);
        return 0;
    }
    if (rc == 0) /* an order without an open payment: its page says why */
        rc = EC_ERR_INTERNAL;
    if (rc == EC_ERR_UNAVAILABLE || rc == EC_ERR_INTERNAL)
        return rc;
    if (ec_basket_current(req, &b) < 0)
        return EC_ERR_UNAVAILABLE;
    return checkout_page(req, res, &b, typed_model(req, 1),
                         ec_order_key_valid(key) ? key : NULL, rc,
                         ec_err_info(rc)->status);
}

/* ---- the order page ---- */

/*
 * created_at ("2026-12-03T14:05:09Z", UTC) as the shop's clock showed it:
 * created_local "2026-12-03 15:05", and created_iso with its offset.
 */
static void
created_texts(struct ec_request *req, struct json_object *order)
{
    struct json_object *v;
    char iso[EC_TZTIME_RFC3339_SIZE];
    int64_t t;

    if (!json_object_object_get_ex(order, "created_at", &v) ||
        ec_tztime_parse(NULL, json_object_get_string(v), EC_TZTIME_COMPATIBLE,
                        &t) < 0 ||
        ec_tztime_format(req->tenant->zone, t, iso, sizeof(iso)) < 0)
        return;
    json_object_object_add(order, "created_iso", json_object_new_string(iso));
    iso[10] = ' ';
    json_object_object_add(order, "created_local",
                           json_object_new_string_len(iso, 16));
}

void
ec_order_texts(struct ec_request *req, struct json_object *order)
{
    struct json_object *lines, *v, *totals;
    const char *status = "";

    if (json_object_object_get_ex(order, "status", &v))
        status = json_object_get_string(v);
    json_object_object_add(
        order, "status_text",
        ec_json_str(ec_msgcat_text(
            req->texts,
            ec_arena_printf(req->arena, "order.status.%s", status))));
    json_object_object_add(order, "pending_payment",
                           jbool(strcmp(status, "pending_payment") == 0));
    created_texts(req, order);
    if (json_object_object_get_ex(order, "totals", &totals)) {
        static const char *const keys[] = {"monthly", "one_time", "due_now",
                                           "min_total"};

        for (size_t i = 0; i < NFIELDS(keys); i++)
            if (json_object_object_get_ex(totals, keys[i], &v))
                ec_json_money(req, totals, keys[i], json_object_get_int64(v));
    }
    /* a list's entries count their lines */
    if (!json_object_object_get_ex(order, "lines", &lines) ||
        !json_object_is_type(lines, json_type_array))
        return;
    for (size_t i = 0; i < json_object_array_length(lines); i++) {
        struct json_object *l = json_object_array_get_idx(lines, i);
        static const char *const keys[] = {"monthly_now", "one_time",
                                           "min_total"};

        for (size_t k = 0; k < NFIELDS(keys); k++)
            if (json_object_object_get_ex(l, keys[k], &v))
                ec_json_money(req, l, keys[k], json_object_get_int64(v));
        if (json_object_object_get_ex(l, "binding_months", &v))
            json_object_object_add(
                l, "binding_text",
                ec_binding_text(req, json_object_get_int(v)));
        if (json_object_object_get_ex(l, "sim_type", &v))
            json_object_object_add(
                l, "sim_text",
                ec_json_str(ec_msgcat_text(
                    req->texts, strcmp(json_object_get_string(v), "esim") == 0
                                    ? "sim.esim"
                                    : "sim.physical")));
    }
}

/* GET /orders/{id}: the order of its session or account, else 404. */
int
ec_h_order_page(struct ec_request *req, struct ec_response *res)
{
    struct json_object *order, *m;
    int rc;

    if ((rc = ec_order_for_asker(req, res, ec_request_route_arg(req, "id"),
                                 &order)) < 0)
        return rc;
    ec_order_texts(req, order);
    m = json_object_new_object();
    json_object_object_add(m, "order", order);
    ec_response_set_model(res, m, "order");
    return 0;
}

/*
 * GET /orders/{id}/contract-summary: the summary the order was accepted
 * with, as the checkout stored it, in a document of its own to keep
 * (Content-Disposition: attachment), for the order's owner only.
 */
int
ec_h_order_summary(struct ec_request *req, struct ec_response *res)
{
    const char *id = ec_request_route_arg(req, "id");
    struct ec_buf html = EC_BUF_INIT;
    struct ec_order_owner owner;
    struct json_object *m;
    int rc;

    if ((rc = ec_order_asker(req, res, id, &owner)) < 0)
        return rc;
    rc = ec_order_contract_summary(req->env->db, req->tenant->id, id, &owner,
                                   &html);
    if (rc < 0) {
        ec_buf_release(&html);
        return rc == EC_ERR_NOT_FOUND
                   ? ec_fail(res, rc, NULL, "There is no such order.")
                   : rc;
    }
    m = json_object_new_object();
    json_object_object_add(m, "order_id", json_object_new_string(id));
    json_object_object_add(
        m, "summary_html",
        json_object_new_string_len(html.data, (int)html.len));
    ec_buf_release(&html);
    ec_response_header(
        res, "Content-Disposition",
        ec_arena_printf(req->arena,
                        "attachment; filename=\"contract-summary-%s.html\"",
                        id));
    ec_response_set_model(res, m, "contract_summary_document");
    return 0;
}
