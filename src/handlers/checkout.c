/*
 * The checkout (POST /api/v1/checkout) and the customer's orders (GET
 * /api/v1/orders, GET /api/v1/orders/{id}); docs/orders.md and
 * docs/api.md. The route re-validates the session's basket now (the
 * basket view of svc/basket.h: catalog, campaigns, channel), checks what
 * the customer must have accepted, and hands the order to
 * ec_order_create(), which decides in MySQL whether the numbers can
 * still be sold. The rules without I/O are in svc/checkout.h.
 *
 * Order of the work, so a retry is always recognised:
 *   1. the Idempotency-Key and the body are checked (nothing read yet);
 *   2. the basket is read and the request hash made (body + the basket's
 *      choices, or the note a sold basket keeps of them);
 *   3. an order with that key answers at once: the same order for the
 *      same hash, 422 idempotency_key_reused for another;
 *   4. otherwise every rule, then the order, the payment, the basket
 *      emptied, the mail after the answer. A refusal in 4 looks the key
 *      up once more: a racing request with the same key may have made
 *      the order (and emptied the basket) meanwhile.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/log.h"
#include "core/metrics.h"
#include "core/rand.h"
#include "handlers/basket.h"
#include "handlers/contract_summary.h"
#include "handlers/env.h"
#include "handlers/handlers.h"
#include "http/request.h"
#include "http/response.h"
#include "render/messages.h"
#include "svc/basket_identity.h"
#include "svc/channel.h"
#include "svc/checkout.h"
#include "svc/mail.h"
#include "svc/order.h"
#include "svc/payment.h"
#include "svc/promotion.h"
#include "svc/session.h"
#include "svc/tenant.h"

int
ec_order_owner_of(struct ec_request *req, struct ec_order_owner *owner,
                  struct ec_session *s)
{
    char *hash;
    int rc;

    memset(owner, 0, sizeof(*owner));
    memset(s, 0, sizeof(*s));
    if (!req->session_id)
        return 0;
    hash = ec_arena_alloc(req->arena, 65);
    ec_order_session_hash(req->session_id, hash);
    owner->session_hash = hash;
    if (req->session_fresh)
        return 0;
    rc = ec_session_load(req->env->kv, req->tenant->slug, req->session_id,
                         req->env->session_idle_ms, req->arena, s);
    if (rc < 0)
        return rc;
    if (s->account[0])
        owner->account_id = atoll(s->account);
    return 0;
}

/* ---- the payment ---- */

/*
 * Make the provider's page of order order_id's payment payment_id and
 * record it (handlers/payment_pages.c: the tenant's provider, the return
 * page on this host). 0 or an ec_err.
 */
static int
start_payment(struct ec_request *req, const char *order_id,
              const char *payment_id)
{
    const char *url;

    return ec_payment_start(req, order_id, payment_id, &url);
}

/*
 * The answer for order id: 201 {order, payment: {id, status, url}}, the
 * payment started again first if it never was (a checkout that failed
 * after its commit, retried).
 */
static int
answer_order(struct ec_request *req, struct ec_response *res,
             const struct ec_order_owner *owner, const char *id, int replayed)
{
    struct json_object *order, *payment = NULL, *m, *v;
    int rc;

    if ((rc = ec_order_view(req->env->db, req->tenant->id, id, owner, &order)) <
        0)
        return rc;
    if (json_object_object_get_ex(order, "payment", &payment) &&
        json_object_object_get_ex(payment, "status", &v) &&
        strcmp(json_object_get_string(v), "created") == 0 &&
        json_object_object_get_ex(payment, "id", &v)) {
        if ((rc = start_payment(req, id, json_object_get_string(v))) < 0) {
            json_object_put(order);
            return rc;
        }
        json_object_put(order);
        if ((rc = ec_order_view(req->env->db, req->tenant->id, id, owner,
                                &order)) < 0)
            return rc;
        json_object_object_get_ex(order, "payment", &payment);
    }
    m = json_object_new_object();
    json_object_object_add(m, "payment", json_object_get(payment));
    json_object_object_del(order, "payment");
    json_object_object_add(m, "order", order);
    json_object_object_add(m, "replayed", json_object_new_boolean(replayed));
    ec_response_set_model(res, m, NULL);
    ec_response_header(res, "Location",
                       ec_arena_printf(req->arena, "/api/v1/orders/%s", id));
    if (replayed)
        ec_response_header(res, "Idempotent-Replayed", "true");
    res->status = 201;
    ec_metric_inc(replayed ? EC_M_CHECKOUTS_REPLAYED : EC_M_CHECKOUTS_PLACED);
    return 0;
}

/* ---- the mail ---- */

struct later_mail {
    struct ec_mail *mail;
    struct ec_mail_msg msg;
    char order[EC_ORDER_ID_SIZE];
};

static void
send_later(void *ctx)
{
    struct later_mail *l = ctx;

    if (ec_mail_send(l->mail, &l->msg) < 0)
        ec_log_error("the confirmation mail of order %s was not sent",
                     l->order);
}

/* The confirmation mail of order id, written now in the shop's
   language and sent once the answer is out. */
static void
mail_after(struct ec_request *req, struct ec_response *res,
           const struct ec_checkout_req *r, const char *id,
           const struct ec_basket_view *v)
{
    struct later_mail *l = ec_arena_alloc(req->arena, sizeof(*l));
    struct json_object *model = json_object_new_object();
    struct json_object *lines = json_object_new_array();
    struct ec_buf subject = EC_BUF_INIT, body = EC_BUF_INIT;

    json_object_object_add(model, "shop",
                           json_object_new_string(req->tenant->name));
    json_object_object_add(model, "name", json_object_new_string(r->name));
    json_object_object_add(model, "order", json_object_new_string(id));
    for (size_t i = 0; i < v->nlines; i++) {
        const struct ec_basket_view_line *vl = &v->lines[i];
        const char *msisdn = ec_basket_line_str(vl->stored, "msisdn");
        struct json_object *o = json_object_new_object(), *t;
        char national[EC_NUMBER_SIZE];

        json_object_object_add(o, "name",
                               json_object_new_string(vl->offer->display_name));
        if (msisdn) {
            ec_number_format_national(msisdn, national, sizeof(national));
            json_object_object_add(o, "number",
                                   json_object_new_string(national));
        }
        ec_json_money(req, o, "m", vl->monthly_now);
        json_object_object_get_ex(o, "m_text", &t);
        json_object_object_add(o, "monthly", json_object_get(t));
        json_object_array_add(lines, o);
    }
    json_object_object_add(model, "lines", lines);
    ec_json_money(req, model, "due", v->monthly_now + v->one_time);
    ec_json_money(req, model, "min", v->min_total);
    {
        struct json_object *t;

        json_object_object_get_ex(model, "due_text", &t);
        json_object_object_add(model, "due_now", json_object_get(t));
        json_object_object_get_ex(model, "min_text", &t);
        json_object_object_add(model, "min_total", json_object_get(t));
    }
    ec_msgcat_render(req->texts, "mail.order.subject", model, &subject);
    ec_msgcat_render(req->texts, "mail.order.body", model, &body);
    if (body.len && body.data[body.len - 1] != '\n')
        ec_buf_addch(&body, '\n');
    snprintf(l->order, sizeof(l->order), "%s", id);
    l->mail = req->env->mail;
    l->msg = (struct ec_mail_msg){
        .from_name = req->tenant->name,
        .to = ec_arena_printf(req->arena, "%s", r->email),
        .to_name = ec_arena_printf(req->arena, "%s", r->name),
        .subject = ec_arena_printf(req->arena, "%s", subject.data),
        .body = ec_arena_printf(req->arena, "%s", body.data),
    };
    ec_buf_release(&subject);
    ec_buf_release(&body);
    json_object_put(model);
    res->after = send_later;
    res->after_ctx = l;
}

/* ---- the checks ---- */

static struct json_object *
ids_detail(const char *key, struct json_object *ids)
{
    struct json_object *d = json_object_new_object();

    json_object_object_add(d, key, ids);
    return d;
}

/*
 * Every rule a basket's lines must meet now (view v of basket b, whose
 * locks held says). 0, or the refusal recorded on res.
 */
static int
check_lines(struct ec_request *req, struct ec_response *res,
            const struct ec_checkout_req *r, const struct ec_basket *b,
            const struct ec_basket_view *v)
{
    struct json_object *ids = json_object_new_array(), *changed;
    int rc;

    for (size_t i = 0; i < v->nlines; i++)
        if (!v->lines[i].offer || v->lines[i].addon_unavailable ||
            !ec_channel_sellable(v->lines[i].channel, req->agent != NULL))
            json_object_array_add(ids, json_object_new_string(v->lines[i].id));
    if (json_object_array_length(ids))
        return ec_fail_detail(res, EC_ERR_INVALID_FIELD, "lines",
                              "A product in your basket is no longer "
                              "offered as chosen. Please change or remove it.",
                              ids_detail("lines", ids));
    for (size_t i = 0; i < v->nlines; i++)
        if (v->lines[i].needs_acceptance)
            json_object_array_add(ids, json_object_new_string(v->lines[i].id));
    if (json_object_array_length(ids))
        return ec_fail_detail(res, EC_ERR_BINDING_NOT_ACCEPTED, "lines", NULL,
                              ids_detail("lines", ids));
    json_object_put(ids);

    changed = json_object_new_array();
    for (size_t i = 0; i < v->nlines; i++) {
        const struct ec_basket_view_line *vl = &v->lines[i];
        struct json_object *c, *at_add;

        if (!vl->price_changed ||
            ec_checkout_accepted(r, vl->id) == vl->monthly_now)
            continue;
        c = json_object_new_object();
        json_object_object_add(c, "line", json_object_new_string(vl->id));
        json_object_object_add(
            c, "monthly_at_add",
            json_object_object_get_ex(vl->stored, "monthly_at_add", &at_add)
                ? json_object_get(at_add)
                : NULL);
        json_object_object_add(c, "monthly_now",
                               json_object_new_int64(vl->monthly_now));
        json_object_object_add(c, "currency",
                               json_object_new_string(req->tenant->currency));
        json_object_array_add(changed, c);
    }
    if (json_object_array_length(changed))
        return ec_fail_detail(res, EC_ERR_PRICE_CHANGED, "accepted_prices",
                              NULL, ids_detail("lines", changed));
    json_object_put(changed);

    if (ec_basket_identity_needed(b, req->tenant->mitid_required))
        return ec_fail(res, EC_ERR_IDENTITY_REQUIRED, NULL, NULL);

    for (size_t i = 0; i < v->nlines; i++) {
        const char *port = NULL;
        struct json_object *p;

        if (json_object_object_get_ex(v->lines[i].stored, "porting", &p))
            port = ec_basket_line_str(p, "msisdn");
        if (!port)
            continue;
        if (!ec_checkout_mobile_dk(port))
            return ec_fail(res, EC_ERR_INVALID_FIELD, "porting",
                           "The number to port is not a Danish mobile "
                           "number.");
        rc = ec_number_check_available(req->env->db, req->tenant->id, port);
        if (rc != EC_ERR_NOT_FOUND)
            return rc < 0 && rc != EC_ERR_NUMBER_TAKEN
                       ? rc
                       : ec_fail(res, EC_ERR_INVALID_FIELD, "porting",
                                 "This number is already ours: it cannot "
                                 "be ported to us.");
    }

    for (size_t i = 0; i < v->nlines; i++) {
        const char *msisdn = ec_basket_line_str(v->lines[i].stored, "msisdn");

        if (msisdn && !v->lines[i].lock_held) {
            struct json_object *d = json_object_new_object();

            ec_metric_inc(EC_M_NUMBER_LOCKS_EXPIRED);
            json_object_object_add(d, "msisdn", json_object_new_string(msisdn));
            json_object_object_add(d, "line",
                                   json_object_new_string(v->lines[i].id));
            return ec_fail_detail(res, EC_ERR_NUMBER_TAKEN, "msisdn",
                                  "The number is no longer reserved for "
                                  "you. Please choose another.",
                                  d);
        }
    }
    return 0;
}

/* A line's breakdown as sold: the plan's and each add-on's. */
static const char *
line_breakdown(struct ec_request *req, const struct ec_basket_view_line *vl)
{
    struct json_object *o = json_object_new_object();
    struct json_object *addons = json_object_new_array();
    const char *s;

    json_object_object_add(o, "plan", ec_breakdown_json(req, vl->plan));
    for (size_t i = 0; i < vl->naddons; i++) {
        struct json_object *a = json_object_new_object();

        json_object_object_add(a, "sku",
                               json_object_new_string(vl->addons[i].sku));
        json_object_object_add(a, "name",
                               json_object_new_string(vl->addons[i].name));
        json_object_object_add(
            a, "monthly_now", json_object_new_int64(vl->addons[i].monthly_now));
        json_object_object_add(a, "one_time",
                               json_object_new_int64(vl->addons[i].one_time));
        json_object_object_add(a, "min_total",
                               json_object_new_int64(vl->addons[i].min_total));
        json_object_array_add(addons, a);
    }
    json_object_object_add(o, "addons", addons);
    s = ec_arena_printf(
        req->arena, "%s",
        json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
                                              JSON_C_TO_STRING_NOSLASHESCAPE));
    json_object_put(o);
    return s;
}

/* The order's lines from view v into lines (room for v->nlines). */
static void
order_lines(struct ec_request *req, const struct ec_basket_view *v,
            struct ec_order_line_in *lines)
{
    for (size_t i = 0; i < v->nlines; i++) {
        const struct ec_basket_view_line *vl = &v->lines[i];
        struct json_object *p;
        const char *port = NULL;

        if (json_object_object_get_ex(vl->stored, "porting", &p))
            port = ec_basket_line_str(p, "msisdn");
        lines[i] = (struct ec_order_line_in){
            .sku = vl->offer->product->sku,
            .name = vl->offer->display_name,
            .channel = vl->channel->code,
            .binding_months = vl->binding_months,
            .sim_type = ec_sim_type_name(vl->sim),
            .msisdn = ec_basket_line_str(vl->stored, "msisdn"),
            .porting = port,
            .monthly_now = vl->monthly_now,
            .one_time = vl->one_time,
            .min_total = vl->min_total,
            .breakdown_json = line_breakdown(req, vl),
        };
    }
}

/* After a refusal: did a racing request with this key make the order?
   Then that order is the answer (1), else 0. */
static int
raced(struct ec_request *req, struct ec_response *res,
      const struct ec_order_owner *owner, const char *key, const char *hash)
{
    char id[EC_ORDER_ID_SIZE], stored[65];

    if (ec_order_find_key(req->env->db, req->tenant->id, key, id, stored) < 0 ||
        !id[0] || strcmp(stored, hash) != 0)
        return 0;
    res->err_detail = NULL;
    res->err_field = res->err_message = NULL;
    return answer_order(req, res, owner, id, 1) == 0;
}

/* Write the order of view v for request r; the answer on res. */
static int
place(struct ec_request *req, struct ec_response *res,
      const struct ec_checkout_req *r, const char *key, const char *hash,
      const char *digest, struct ec_basket *b, const struct ec_basket_view *v,
      const struct ec_order_owner *owner)
{
    struct ec_order_line_in lines[EC_BASKET_LINES_MAX];
    struct ec_buf cpr = EC_BUF_INIT, summary = EC_BUF_INIT, page = EC_BUF_INIT;
    char payment_id[EC_ORDER_ID_SIZE];
    const char *provider =
        ec_payment_provider(req->env->payments, req->tenant->slug);
    struct ec_basket_identity id;
    struct ec_order_created out;
    struct ec_basket_policy p;
    struct ec_order_new o;
    int rc;

    if (!provider) {
        ec_log_error("checkout: %s has no payment provider configured",
                     req->tenant->slug);
        return EC_ERR_UNAVAILABLE;
    }
    /* the summary the checkout page showed, from the same priced lines,
       is the one the order keeps */
    if ((rc = ec_contract_summary_for_request(req, v, (int64_t)time(NULL),
                                              &summary)) < 0) {
        ec_log_error("checkout: no contract summary for %s: %s",
                     req->tenant->slug, ec_err_info(rc)->code);
        ec_buf_release(&summary);
        return EC_ERR_INTERNAL;
    }
    order_lines(req, v, lines);
    ec_basket_identity_get(b, &id);
    if (id.verified && id.cpr_sealed &&
        ec_checkout_seal_cpr(req->env->mitid.seal, req->tenant->slug,
                             id.cpr_sealed, &cpr) < 0) {
        ec_log_error("checkout: the basket's identity does not open");
        ec_buf_release(&summary);
        return EC_ERR_INTERNAL;
    }
    o = (struct ec_order_new){
        .tenant_id = req->tenant->id,
        .currency = req->tenant->currency,
        .idempotency_key = key,
        .request_hash = hash,
        .name = r->name,
        .email = r->email,
        .phone = r->phone,
        .address = r->address,
        .consent_terms = r->terms,
        .consent_contract_summary = r->contract_summary,
        .consent_marketing = r->marketing,
        .contract_summary = summary.data,
        .basket_id = b->id,
        .account_id = owner->account_id,
        .session_hash = owner->session_hash,
        /* a sales agent checking out for the customer (the dispatcher's
           staff lens): the order records who sold it */
        .agent_staff_id = req->agent ? req->agent->id : 0,
        .identity_sealed = cpr.len ? cpr.data : NULL,
        .lines = lines,
        .nlines = v->nlines,
        .vat_due_now = ec_promotion_vat(v->monthly_now + v->one_time,
                                        req->tenant->vat_rate_bp),
        .pay_within_s = req->env->order_payment_timeout_ms / 1000,
        .provider = provider,
        .payment_id = payment_id,
    };
    /* the simulator's page is ours: the payment is written started */
    ec_rand_hex(payment_id, 16);
    if (strcmp(provider, EC_PAYMENT_SIM) == 0) {
        ec_payment_sim_url(&page, payment_id);
        o.payment_page = page.data;
    }
    rc = ec_order_create(req->env->db, &o, &out);
    ec_buf_release(&cpr);
    ec_buf_release(&summary);
    ec_buf_release(&page);
    if (rc == EC_ERR_NUMBER_TAKEN) {
        struct json_object *d = json_object_new_object();

        json_object_object_add(
            d, "msisdn", json_object_new_string(out.taken ? out.taken : ""));
        return ec_fail_detail(res, rc, "msisdn", NULL, d);
    }
    if (rc == EC_ERR_CONFLICT)
        return ec_fail(res, EC_ERR_IDEMPOTENCY_KEY_REUSED, "Idempotency-Key",
                       NULL);
    if (rc < 0)
        return rc;
    if (out.replayed)
        return answer_order(req, res, owner, out.id, 1);
    ec_log_info("order %s of %s placed (%zu lines)", out.id, req->tenant->slug,
                v->nlines);
    if (!out.payment_started &&
        (rc = start_payment(req, out.id, out.payment_id)) < 0)
        return rc; /* a retry with the key starts it */
    ec_basket_policy_of(req, &p);
    if (ec_basket_sold(req->env->kv, req->tenant->slug, b, &p, key, digest,
                       out.id) < 0)
        ec_log_warn("order %s: its basket changed meanwhile and was not "
                    "emptied",
                    out.id);
    if ((rc = answer_order(req, res, owner, out.id, 0)) < 0)
        return rc;
    mail_after(req, res, r, out.id, v);
    return 0;
}

/* POST /api/v1/checkout */
int
ec_h_checkout(struct ec_request *req, struct ec_response *res)
{
    return ec_checkout_run(req, res, ec_request_header(req, "idempotency-key"));
}

int
ec_checkout_run(struct ec_request *req, struct ec_response *res,
                const char *key)
{
    const char *field, *message, *sold_key, *sold_digest;
    char digest[EC_CHECKOUT_HASH_SIZE], hash[EC_CHECKOUT_HASH_SIZE];
    char id[EC_ORDER_ID_SIZE], stored[65];
    int held[EC_BASKET_LINES_MAX] = {0};
    struct ec_order_owner owner;
    struct ec_checkout_req *r = ec_arena_alloc(req->arena, sizeof(*r));
    struct ec_basket_view *v = ec_arena_alloc(req->arena, sizeof(*v));
    struct ec_session s;
    struct ec_basket b;
    int rc;

    if (!ec_order_key_valid(key))
        return ec_fail(res, EC_ERR_IDEMPOTENCY_KEY_INVALID, "Idempotency-Key",
                       NULL);
    if ((rc = ec_checkout_read(req->json, r, &field, &message)) < 0)
        return ec_fail(res, rc, field, message);
    if ((rc = ec_order_owner_of(req, &owner, &s)) < 0)
        return rc;
    memset(&b, 0, sizeof(b));
    if (s.basket[0] && (rc = ec_basket_load(req->env->kv, req->tenant->slug,
                                            s.basket, req->arena, &b)) < 0)
        return rc;
    if (b.lines && json_object_array_length(b.lines) > 0)
        ec_checkout_lines_digest(b.lines, digest);
    else if (ec_basket_sold_note(&b, &sold_key, &sold_digest) &&
             strcmp(sold_key, key) == 0 && strlen(sold_digest) == 64)
        memcpy(digest, sold_digest, sizeof(digest));
    else
        ec_checkout_lines_digest(NULL, digest);
    ec_checkout_request_hash(r, digest, hash);

    if ((rc = ec_order_find_key(req->env->db, req->tenant->id, key, id,
                                stored)) < 0)
        return rc;
    if (id[0]) {
        if (strcmp(stored, hash) != 0)
            return ec_fail(res, EC_ERR_IDEMPOTENCY_KEY_REUSED,
                           "Idempotency-Key", NULL);
        return answer_order(req, res, &owner, id, 1);
    }
    if (!b.lines || json_object_array_length(b.lines) == 0)
        rc = ec_fail(res, EC_ERR_BASKET_EMPTY, NULL, NULL);
    else if ((rc = ec_basket_locks_held(req->env->kv, req->tenant->slug, &b,
                                        req->arena, held,
                                        EC_BASKET_LINES_MAX)) == 0) {
        ec_basket_view_build(req->catalog, req->channel, &b, held, time(NULL),
                             req->tenant->vat_rate_bp, req->arena, v);
        if ((rc = check_lines(req, res, r, &b, v)) == 0)
            rc = place(req, res, r, key, hash, digest, &b, v, &owner);
    }
    if (rc < 0 && rc != EC_ERR_UNAVAILABLE && rc != EC_ERR_INTERNAL &&
        raced(req, res, &owner, key, hash))
        return 0;
    if (rc < 0 && rc != EC_ERR_UNAVAILABLE && rc != EC_ERR_INTERNAL)
        ec_metric_inc(EC_M_CHECKOUTS_REFUSED);
    return rc;
}

/* ---- reading ---- */

/* GET /api/v1/orders[?limit=N]: the asker's orders, newest first. */
int
ec_h_orders(struct ec_request *req, struct ec_response *res)
{
    const char *ls = ec_request_arg(req, "limit");
    unsigned limit = EC_ORDER_LIST_DEFAULT;
    struct json_object *list, *m;
    struct ec_order_owner owner;
    struct ec_session s;
    int rc;

    if (ls) {
        char *end;
        long n = strtol(ls, &end, 10);

        if (!*ls || *end || n < 1 || n > EC_ORDER_LIST_MAX)
            return ec_fail(res, EC_ERR_INVALID_FIELD, "limit",
                           "limit is a whole number from 1 to 50.");
        limit = (unsigned)n;
    }
    if ((rc = ec_order_owner_of(req, &owner, &s)) < 0)
        return rc;
    if (!owner.session_hash && !owner.account_id)
        list = json_object_new_array();
    else if ((rc = ec_order_list(req->env->db, req->tenant->id, &owner, limit,
                                 &list)) < 0)
        return rc;
    m = json_object_new_object();
    json_object_object_add(m, "orders", list);
    ec_response_set_model(res, m, NULL);
    return 0;
}

int
ec_order_asker(struct ec_request *req, struct ec_response *res, const char *id,
               struct ec_order_owner *owner)
{
    struct ec_session s;
    int rc;

    if ((rc = ec_order_owner_of(req, owner, &s)) < 0)
        return rc;
    if (!id || (!owner->session_hash && !owner->account_id))
        return ec_fail(res, EC_ERR_NOT_FOUND, NULL, "There is no such order.");
    return 0;
}

int
ec_order_for_asker(struct ec_request *req, struct ec_response *res,
                   const char *id, struct json_object **order)
{
    struct ec_order_owner owner;
    int rc;

    if ((rc = ec_order_asker(req, res, id, &owner)) < 0)
        return rc;
    rc = ec_order_view(req->env->db, req->tenant->id, id, &owner, order);
    if (rc == EC_ERR_NOT_FOUND)
        return ec_fail(res, rc, NULL, "There is no such order.");
    return rc;
}

/* GET /api/v1/orders/{id}: 404 for any order not the asker's. */
int
ec_h_order(struct ec_request *req, struct ec_response *res)
{
    struct json_object *order, *m;
    int rc;

    if ((rc = ec_order_for_asker(req, res, ec_request_route_arg(req, "id"),
                                 &order)) < 0)
        return rc;
    m = json_object_new_object();
    json_object_object_add(m, "order", order);
    ec_response_set_model(res, m, NULL);
    return 0;
}
