/*
 * The basket in HTML: the number picker and choices on the product page,
 * the basket page, and the plain form posts behind them, so every action
 * works without JavaScript (static/default/basket.js only makes them
 * quicker). A form post makes the same change as the JSON API
 * (handlers/basket.h); it answers 303 See Other to the basket page, or the
 * page it came from again, with the error next to the form and the
 * status of the error.
 *
 * Every form carries a CSRF token (http/csrf.h; the route table flags the
 * posts FORM, so the dispatcher checks it before a handler here runs) and
 * the basket version the page showed, so a form from an older tab answers
 * version_conflict instead of undoing a newer change.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "handlers/env.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/tztime.h"
#include "handlers/basket.h"
#include "handlers/handlers.h"
#include "http/request.h"
#include "http/response.h"
#include "render/messages.h"
#include "svc/account_basket.h"
#include "svc/number.h"
#include "svc/tenant.h"

#define CHANGE_NUMBERS 3 /* numbers offered to change a line's */

static struct json_object *
jbool(int b)
{
    return json_object_new_boolean(b);
}

/*
 * What went wrong, in the shop's words (render/messages.h): the API's
 * messages are for developers, these for shoppers. The message of the
 * error's field and code wins over the code's; basket.js picks its texts
 * from the same messages by the same rule, so both paths say the same.
 * A form from an older page shows the basket as it is now, and says so.
 */
static void
shopper_message(struct ec_request *req, struct ec_response *res, int rc)
{
    const char *code = ec_err_info(rc)->code, *s = NULL;

    if (rc == EC_ERR_VERSION_CONFLICT)
        s = ec_msgcat_find(req->texts, "basket.changed_elsewhere");
    if (!s && res->err_field)
        s = ec_msgcat_find(req->texts,
                           ec_arena_printf(req->arena, "field_error.%s.%s",
                                           res->err_field, code));
    if (!s)
        s = ec_msgcat_find(req->texts,
                           ec_arena_printf(req->arena, "form_error.%s", code));
    res->err_message = s ? s : ec_msgcat_text(req->texts, "form_error.other");
}

/* ---- from a form to a change ---- */

/* The number choice of a form into line: a number of ours, porting, or
   none. */
static void
number_from_form(const struct ec_request *req, struct json_object *line)
{
    const char *number = ec_request_form(req, "number");

    if (!number || !*number)
        return;
    if (strcmp(number, "port") == 0) {
        struct json_object *p = json_object_new_object();
        const char *m = ec_request_form(req, "porting_msisdn");

        json_object_object_add(p, "msisdn", ec_json_str(m ? m : ""));
        json_object_object_add(line, "porting", p);
    } else if (strcmp(number, "none") == 0) {
        json_object_object_add(line, "msisdn", NULL);
        json_object_object_add(line, "porting", NULL);
    } else {
        json_object_object_add(line, "msisdn", ec_json_str(number));
    }
}

/* A whole line as the product page's form posts it. */
static struct json_object *
line_from_form(const struct ec_request *req)
{
    struct json_object *line = json_object_new_object(), *addons;
    const char *s;

    if ((s = ec_request_form(req, "sku")))
        json_object_object_add(line, "sku", ec_json_str(s));
    /* the number as posted: one past a long long stays text (422) */
    if ((s = ec_request_form(req, "binding_months")) && *s)
        json_object_object_add(line, "binding_months", ec_json_form_int(s));
    json_object_object_add(
        line, "binding_accepted",
        jbool(ec_request_form(req, "binding_accepted") != NULL));
    if ((s = ec_request_form(req, "sim_type")))
        json_object_object_add(line, "sim_type", ec_json_str(s));
    addons = json_object_new_array();
    for (size_t i = 0; i < req->form.n; i++)
        if (strcmp(req->form.items[i].name, "addons") == 0)
            json_object_array_add(addons,
                                  ec_json_str(req->form.items[i].value));
    json_object_object_add(line, "addons", addons);
    number_from_form(req, line);
    return line;
}

/* The fields a basket-page form changes: binding acceptance, number. */
static struct json_object *
patch_from_form(const struct ec_request *req)
{
    struct json_object *patch = json_object_new_object();
    const char *s = ec_request_form(req, "binding_accepted");

    if (s)
        json_object_object_add(patch, "binding_accepted",
                               jbool(strcmp(s, "false") != 0));
    number_from_form(req, patch);
    return patch;
}

static int
see_basket(struct ec_request *req, struct ec_response *res)
{
    (void)req;
    res->status = 303;
    ec_response_header(res, "Location", "/basket");
    return 0;
}

/* ---- the basket page ---- */

/* A notice's text by its code; the API's message if there is none. */
static void
notice_text(struct ec_request *req, struct json_object *n)
{
    struct json_object *v;
    const char *s = NULL;

    if (json_object_object_get_ex(n, "code", &v))
        s = ec_msgcat_find(req->texts,
                           ec_arena_printf(req->arena, "notice.%s",
                                           json_object_get_string(v)));
    if (!s && json_object_object_get_ex(n, "message", &v))
        s = json_object_get_string(v);
    json_object_object_add(n, "text", ec_json_str(s ? s : ""));
}

/* "14:35" and the full instant of a lock's end, in the shop's zone. */
static void
add_lock_times(struct ec_request *req, struct json_object *line)
{
    struct json_object *lock, *exp;
    char iso[EC_TZTIME_RFC3339_SIZE];

    if (!json_object_object_get_ex(line, "lock", &lock) ||
        !json_object_object_get_ex(lock, "expires_at", &exp) ||
        !json_object_is_type(exp, json_type_int))
        return;
    ec_tztime_format(req->tenant->zone, json_object_get_int64(exp) / 1000, iso,
                     sizeof(iso));
    json_object_object_add(lock, "until_iso", ec_json_str(iso));
    json_object_object_add(lock, "until_text",
                           json_object_new_string_len(iso + 11, 5));
}

/*
 * Numbers to change lines' numbers to: one draw from the pool's sample
 * for every line that holds a number, CHANGE_NUMBERS each (as far as 50
 * go), so each line is offered others. 0 with *out and *n (0 when no
 * line holds a number), or an ec_err (the lines then offer none).
 */
static int
change_numbers(struct ec_request *req, const struct ec_basket_view *v,
               const char ***out, size_t *n)
{
    struct ec_number_query q = {0};
    size_t want = 0;

    *out = NULL;
    *n = 0;
    for (size_t i = 0; i < v->nlines; i++)
        if (v->lines[i].has_number)
            want += CHANGE_NUMBERS;
    if (want == 0)
        return 0;
    q.count = want < EC_NUMBER_COUNT_MAX ? (unsigned)want : EC_NUMBER_COUNT_MAX;
    return ec_number_offer(req->env->numbers, req->env->db, req->env->kv,
                           req->tenant, &q, req->arena, out, n);
}

/* The next line's share of the drawn numbers, from *next on (wrapping
   around when there are fewer than lines need), the first checked. */
static struct json_object *
line_numbers(const char **drawn, size_t n, size_t *next)
{
    const char *mine[CHANGE_NUMBERS];
    size_t k = n < CHANGE_NUMBERS ? n : CHANGE_NUMBERS;
    struct json_object *arr;

    for (size_t j = 0; j < k; j++)
        mine[j] = drawn[(*next + j) % n];
    *next = n ? (*next + k) % n : 0;
    if (k > 1) /* in number order within the line */
        for (size_t a = 1; a < k; a++)
            for (size_t b = a; b > 0 && strcmp(mine[b - 1], mine[b]) > 0; b--) {
                const char *t = mine[b];
                mine[b] = mine[b - 1];
                mine[b - 1] = t;
            }
    arr = ec_numbers_json(mine, k);
    if (k > 0)
        json_object_object_add(json_object_array_get_idx(arr, 0), "checked",
                               jbool(1));
    return arr;
}

/* What templates cannot work out: texts, the line's notices, the
   acceptance still missing (the basket service's verdict, vl), numbers
   to change to (numbers, which the line takes over). */
static void
decorate_line(struct ec_request *req, struct json_object *line,
              const struct ec_basket_view_line *vl, struct json_object *notices,
              struct json_object *numbers)
{
    struct json_object *v, *mine = json_object_new_array();
    const char *id = vl->id;

    json_object_object_add(line, "binding_text",
                           ec_binding_text(req, vl->binding_months));
    json_object_object_add(line, "needs_acceptance",
                           jbool(vl->needs_acceptance));
    if (vl->sim)
        json_object_object_add(
            line, "sim_text",
            ec_json_str(ec_msgcat_text(req->texts, vl->sim == EC_SIM_ESIM
                                                       ? "sim.esim"
                                                       : "sim.physical")));
    for (size_t i = 0; i < json_object_array_length(notices); i++) {
        struct json_object *n = json_object_array_get_idx(notices, i), *l;

        if (json_object_object_get_ex(n, "line", &l) &&
            strcmp(json_object_get_string(l), id) == 0) {
            notice_text(req, n);
            json_object_array_add(mine, json_object_get(n));
        }
    }
    json_object_object_add(line, "line_notices", mine);
    json_object_object_add(line, "has_notices",
                           jbool(json_object_array_length(mine) > 0));
    add_lock_times(req, line);
    if (json_object_object_get_ex(line, "price", &v) &&
        json_object_object_get_ex(v, "addons", &v))
        json_object_object_add(json_object_object_get(line, "price"),
                               "has_addons",
                               jbool(json_object_array_length(v) > 0));
    json_object_object_add(
        line, "can_change",
        jbool(numbers && json_object_array_length(numbers) > 0));
    if (numbers)
        json_object_object_add(line, "change_numbers", numbers);
}

/* The server's clock in ms since the epoch, the clock locks expire by:
   the page's countdown counts from it, not from the browser's clock. */
static int64_t
server_now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * Render the basket page of basket b (its error, if any, from res),
 * with status. 0 or an ec_err.
 */
/*
 * The lines set aside when the customer signed in (svc/account_basket.h),
 * into model as "set_aside" [{sku, number, reason_text}]: only a browser
 * that signed in can have them, so a guest's page asks nothing more. A
 * store that cannot say shows none rather than failing the page.
 */
static void
set_aside_model(struct ec_request *req, const struct ec_basket *b,
                struct json_object *model)
{
    struct json_object *aside, *out;
    size_t n;

    if (!b->id[0] || !ec_request_cookie(req, EC_SIGNED_IN_COOKIE) ||
        ec_account_basket_aside(req->env->kv, req->tenant->slug, b->id,
                                req->arena, &aside) < 0 ||
        (n = json_object_array_length(aside)) == 0)
        return;
    out = json_object_new_array();
    for (size_t i = 0; i < n; i++) {
        struct json_object *e = json_object_array_get_idx(aside, i), *line;
        const char *reason = ec_basket_line_str(e, "reason"), *msisdn;
        struct json_object *o = json_object_new_object();
        char national[EC_NUMBER_SIZE];

        if (!json_object_object_get_ex(e, "line", &line))
            line = NULL;
        json_object_object_add(
            o, "sku", ec_json_str(line ? ec_basket_line_str(line, "sku") : ""));
        if (line && (msisdn = ec_basket_line_str(line, "msisdn"))) {
            ec_number_format_national(msisdn, national, sizeof(national));
            json_object_object_add(o, "number", ec_json_str(national));
        }
        json_object_object_add(
            o, "reason_text",
            ec_json_str(ec_msgcat_text(
                req->texts,
                ec_arena_printf(req->arena, "basket.set_aside.reason.%s",
                                reason ? reason : "lines"))));
        json_object_array_add(out, o);
    }
    json_object_object_add(model, "set_aside", out);
    json_object_object_add(model, "has_set_aside", jbool(1));
}

static int
basket_page(struct ec_request *req, struct ec_response *res,
            const struct ec_basket *b, int status)
{
    struct json_object *m, *view, *lines, *notices;
    const struct ec_basket_view *v;
    const char **drawn;
    size_t ndrawn, next = 0;
    int rc, offered;

    if ((rc = ec_basket_view(req, b, &v, &view)) < 0)
        return rc;
    m = json_object_new_object();
    /* the page works without them: a line then offers no change */
    offered = change_numbers(req, v, &drawn, &ndrawn) == 0;
    json_object_object_get_ex(view, "lines", &lines);
    json_object_object_get_ex(view, "notices", &notices);
    /* the JSON's lines are the view's, one for one */
    for (size_t i = 0; i < json_object_array_length(lines) && i < v->nlines;
         i++)
        decorate_line(req, json_object_array_get_idx(lines, i), &v->lines[i],
                      notices,
                      offered && v->lines[i].has_number
                          ? line_numbers(drawn, ndrawn, &next)
                          : NULL);
    json_object_object_add(m, "csrf", ec_json_str(req->csrf_token));
    json_object_object_add(m, "basket", view);
    json_object_object_add(m, "has_lines",
                           jbool(json_object_array_length(lines) > 0));
    json_object_object_add(m, "holds_numbers", jbool(v->holds_numbers));
    json_object_object_add(m, "now_ms", json_object_new_int64(server_now_ms()));
    if (res->err_message) {
        struct json_object *e = json_object_new_object();

        json_object_object_add(e, "message", ec_json_str(res->err_message));
        json_object_object_add(m, "error", e);
    }
    set_aside_model(req, b, m);
    ec_page_script_texts(req, m);
    res->status = status;
    ec_response_set_model(res, m, "basket");
    return 0;
}

/* GET /basket */
int
ec_h_basket_page(struct ec_request *req, struct ec_response *res)
{
    struct ec_basket b;
    int rc;

    if ((rc = ec_basket_current(req, &b)) < 0)
        return rc;
    return basket_page(req, res, &b, 200);
}

/*
 * A basket form failed with rc: the basket page again, as it is now,
 * with the message; a store that is down is the error page's.
 */
static int
basket_form_failed(struct ec_request *req, struct ec_response *res, int rc)
{
    struct ec_basket b;
    int status = ec_err_info(rc)->status;

    if (status >= 500 || ec_basket_current(req, &b) < 0)
        return rc;
    shopper_message(req, res, rc);
    return basket_page(req, res, &b, status);
}

/* POST /basket/lines: the product page's form. */
int
ec_h_form_basket_add(struct ec_request *req, struct ec_response *res)
{
    struct ec_basket_want w;
    struct ec_basket_line l;
    struct ec_basket b;
    struct json_object *line;
    int rc;

    line = line_from_form(req);
    ec_arena_cleanup(req->arena, ec_json_put, line);
    rc = ec_basket_wanted(req, res, &w);
    if (rc == 0)
        rc = ec_basket_do_add(req, res, line, &w, &b, &l);
    if (rc == 0)
        return see_basket(req, res);
    if (ec_err_info(rc)->status >= 500)
        return rc;
    shopper_message(req, res, rc);
    /* the product page again, with what was chosen and what went wrong */
    return ec_product_page(req, res, ec_request_form(req, "sku"), rc);
}

/* What a basket-page form does. */
enum basket_form {
    FORM_UPDATE, /* accept the binding, change the number */
    FORM_REMOVE,
    FORM_KEEP,
};

/*
 * A basket-page form (its token checked by the dispatcher): its change
 * made, then 303 to /basket, or the basket page again with the error.
 */
static int
basket_form(struct ec_request *req, struct ec_response *res,
            enum basket_form what)
{
    const char *line_id = ec_request_route_arg(req, "id");
    struct ec_basket_want w;
    struct ec_basket_line l;
    struct ec_basket b;
    struct json_object *patch;
    int rc;

    if (!line_id)
        line_id = "";
    if ((rc = ec_basket_wanted(req, res, &w)) < 0)
        return basket_form_failed(req, res, rc);
    switch (what) {
    case FORM_UPDATE:
        patch = patch_from_form(req);
        ec_arena_cleanup(req->arena, ec_json_put, patch);
        rc = ec_basket_do_update(req, res, line_id, patch, &w, &b, &l);
        break;
    case FORM_REMOVE:
        rc = ec_basket_do_remove(req, res, line_id, &w, &b);
        break;
    case FORM_KEEP:
        rc = ec_basket_do_keep(req, res, &w, &b);
        break;
    }
    return rc == 0 ? see_basket(req, res) : basket_form_failed(req, res, rc);
}

/* POST /basket/lines/{id} */
int
ec_h_form_basket_update(struct ec_request *req, struct ec_response *res)
{
    return basket_form(req, res, FORM_UPDATE);
}

/* POST /basket/lines/{id}/remove */
int
ec_h_form_basket_remove(struct ec_request *req, struct ec_response *res)
{
    return basket_form(req, res, FORM_REMOVE);
}

/* POST /basket/keep: keep the numbers reserved a while longer. */
int
ec_h_form_basket_keep(struct ec_request *req, struct ec_response *res)
{
    return basket_form(req, res, FORM_KEEP);
}

/* POST /basket/set-aside/clear: the customer read the lines set aside. */
int
ec_h_form_set_aside_clear(struct ec_request *req, struct ec_response *res)
{
    struct ec_basket b;
    int rc;

    if ((rc = ec_basket_current(req, &b)) < 0)
        return rc;
    if (b.id[0] && (rc = ec_account_basket_aside_clear(
                        req->env->kv, req->tenant->slug, b.id)) < 0)
        return rc;
    res->status = 303;
    ec_response_header(res, "Location", "/basket");
    return 0;
}
