/*
 * The panel's number pool screen (docs/admin.md, "The number pool";
 * MANAGE): the pool's counts, a search (a GET form: digits, contained or
 * leading, a status; 50 a page), each number's status and when the lock
 * of a number held in a basket ends; a file of numbers imported (a file
 * upload or pasted text, through the admin API's reader,
 * svc/number_csv.c, every bad line named); a free number quarantined and
 * put back, a stuck lock released (svc/number_admin.c, which holds the
 * rules and the audit).
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/tztime.h"
#include "handlers/admin.h"
#include "handlers/env.h"
#include "handlers/handlers.h"
#include "http/multipart.h"
#include "http/request.h"
#include "http/response.h"
#include "render/messages.h"
#include "svc/number.h"
#include "svc/number_admin.h"
#include "svc/number_csv.h"
#include "svc/tenant.h"

/* s for a query string: our values are digits, '+' and plain words, and
   only '+' means something else there (a space). */
static const char *
query_value(struct ec_request *req, const char *s)
{
    size_t n = 0;
    char *out = ec_arena_alloc(req->arena, 3 * strlen(s) + 1);

    for (; *s; s++)
        if (*s == '+')
            memcpy(out + n, "%2B", 3), n += 3;
        else
            out[n++] = *s;
    out[n] = '\0';
    return out;
}

/* When a lock ends, in ms from now, as the shop's clock shows it: a
   "2026-12-03 20:05:42" into *shown and its RFC 3339 into *iso. */
static void
lock_end(struct ec_request *req, long long ms, const char **shown,
         const char **iso)
{
    struct timespec now;
    char buf[EC_TZTIME_RFC3339_SIZE];
    int64_t t;

    clock_gettime(CLOCK_REALTIME, &now);
    t = (int64_t)now.tv_sec + (ms + 999) / 1000;
    if (ec_tztime_format(req->tenant->zone, t, buf, sizeof(buf)) < 0) {
        *shown = *iso = "";
        return;
    }
    *iso = ec_arena_printf(req->arena, "%s", buf);
    buf[10] = ' ';
    *shown = ec_arena_printf(req->arena, "%.19s", buf);
}

static struct json_object *
row_model(struct ec_request *req, const struct ec_number_admin_row *r)
{
    struct json_object *o = json_object_new_object();
    const char *code = strcmp(r->status, "assigned") == 0      ? "sold"
                       : strcmp(r->status, "quarantined") == 0 ? "quarantined"
                       : r->locked                             ? "locked"
                                                               : "free";
    char national[EC_NUMBER_SIZE];

    ec_number_format_national(r->msisdn, national, sizeof(national));
    json_object_object_add(o, "msisdn", ec_json_str(r->msisdn));
    json_object_object_add(o, "national", ec_json_str(national));
    json_object_object_add(o, "status", ec_json_str(code));
    json_object_object_add(
        o, "status_text",
        ec_json_str(ec_admin_text(req, "admin.numbers.status.", code)));
    if (r->locked) {
        const char *shown, *iso;

        json_object_object_add(o, "locked", json_object_new_boolean(1));
        json_object_object_add(o, "lock_seen", ec_json_str(r->lock_seen));
        if (r->lock_ms >= 0) {
            lock_end(req, r->lock_ms, &shown, &iso);
            json_object_object_add(o, "lock_until", ec_json_str(shown));
            json_object_object_add(o, "lock_until_iso", ec_json_str(iso));
        }
    }
    /* what may be done to it: never anything to a sold number */
    json_object_object_add(
        o, "can_quarantine",
        json_object_new_boolean(strcmp(r->status, "available") == 0));
    json_object_object_add(
        o, "can_release",
        json_object_new_boolean(strcmp(r->status, "quarantined") == 0));
    json_object_object_add(
        o, "can_unlock",
        json_object_new_boolean(r->locked &&
                                strcmp(r->status, "assigned") != 0));
    return o;
}

/* The counts at the top. */
static int
counts_model(struct ec_request *req, struct json_object *m)
{
    struct ec_number_admin_counts c;
    struct json_object *o;
    int rc;

    if ((rc = ec_number_admin_counts(req->env->db, req->env->kv,
                                     req->tenant->id, req->tenant->slug, &c)) <
        0)
        return rc;
    o = json_object_new_object();
    json_object_object_add(o, "available", json_object_new_int64(c.available));
    json_object_object_add(o, "locked", json_object_new_int64(c.locked));
    json_object_object_add(o, "locked_complete",
                           json_object_new_boolean(c.locked_complete));
    json_object_object_add(o, "sold", json_object_new_int64(c.assigned));
    json_object_object_add(o, "quarantined",
                           json_object_new_int64(c.quarantined));
    json_object_object_add(
        o, "total",
        json_object_new_int64(c.available + c.assigned + c.quarantined));
    json_object_object_add(m, "counts", o);
    return 0;
}

/* The search form as typed, the statuses as options. */
static void
form_model(struct ec_request *req, const struct ec_number_admin_query *q,
           const char *digits, struct json_object *m)
{
    struct json_object *list = json_object_new_array();

    for (int i = 0; i < EC_NUMBER_ADMIN__NSTATUS; i++) {
        struct json_object *o = json_object_new_object();

        json_object_object_add(o, "code",
                               ec_json_str(ec_number_admin_statuses[i]));
        json_object_object_add(
            o, "name",
            ec_json_str(ec_admin_text(req, "admin.numbers.filter.",
                                      ec_number_admin_statuses[i])));
        json_object_object_add(o, "selected",
                               json_object_new_boolean((int)q->status == i));
        json_object_array_add(list, o);
    }
    json_object_object_add(m, "statuses", list);
    json_object_object_add(m, "digits", ec_json_str(digits ? digits : ""));
    json_object_object_add(m, "starts", json_object_new_boolean(q->prefix));
}

/* A search as its form sends it (NULL: the default). */
struct search {
    const char *digits, *match, *status, *after;
};

/*
 * The screen: counts, search s and its page, plus whatever m holds
 * already (a notice, a refusal, an import's result; taken over), with
 * status.
 */
static int
numbers_page(struct ec_request *req, struct ec_response *res,
             struct json_object *m, const struct search *s, int status)
{
    struct ec_number_admin_query q;
    struct ec_number_admin_page *page;
    struct json_object *rows = json_object_new_array();
    const char *field;
    int rc;

    json_object_object_add(m, "rows", rows);
    if ((rc = counts_model(req, m)) < 0) {
        json_object_put(m);
        return rc;
    }
    rc = ec_number_admin_query_parse(&q, s->digits, s->match, s->status,
                                     s->after, &field);
    form_model(req, &q, s->digits, m);
    if (rc < 0) {
        json_object_object_add(
            m, ec_arena_printf(req->arena, "%s_error", field),
            ec_json_str(ec_admin_text(req, "admin.numbers.bad_", field)));
        return ec_admin_page(req, res, "numbers", "admin/numbers", m,
                             status == 200 ? 422 : status);
    }
    page = ec_arena_alloc(req->arena, sizeof(*page));
    if ((rc = ec_number_admin_search(req->env->db, req->env->kv,
                                     req->tenant->id, req->tenant->slug, &q,
                                     req->arena, page)) < 0) {
        json_object_put(m);
        return rc;
    }
    for (size_t i = 0; i < page->n; i++)
        json_object_array_add(rows, row_model(req, &page->rows[i]));
    json_object_object_add(m, "has_rows", json_object_new_boolean(page->n > 0));
    json_object_object_add(m, "incomplete",
                           json_object_new_boolean(page->incomplete));
    if (page->next[0])
        json_object_object_add(
            m, "next_href",
            ec_json_str(ec_arena_printf(
                req->arena,
                "/admin/numbers?digits=%s&match=%s&status=%s&after=%s",
                query_value(req, q.digits), q.prefix ? "starts" : "contains",
                ec_number_admin_statuses[q.status],
                query_value(req, page->next))));
    return ec_admin_page(req, res, "numbers", "admin/numbers", m, status);
}

/* GET /admin/numbers[?digits=&match=&status=&after=&done=] */
int
ec_h_admin_numbers(struct ec_request *req, struct ec_response *res)
{
    struct json_object *m = json_object_new_object();
    const char *done = ec_request_arg(req, "done");
    struct search s = {
        ec_request_arg(req, "digits"), ec_request_arg(req, "match"),
        ec_request_arg(req, "status"), ec_request_arg(req, "after")};

    /* after a move (303 here): say what was done */
    if (done &&
        (strcmp(done, "quarantine") == 0 || strcmp(done, "release") == 0 ||
         strcmp(done, "unlock") == 0 || strcmp(done, "unchanged") == 0))
        json_object_object_add(
            m, "notice",
            ec_json_str(ec_admin_text(req, "admin.numbers.done.", done)));
    return numbers_page(req, res, m, &s, 200);
}

/* ---- the import ---- */

/*
 * Why a line was refused, in the shop's words: the reader's reasons are
 * operators' English (ecomctl prints them, the API sends them), so the
 * panel names the kind of fault and shows the reason beside it.
 */
static const char *
line_fault(struct ec_request *req, const char *why)
{
    static const struct {
        const char *says, *kind;
    } kinds[] = {
        {"does not start with", "first_digit"},
        {"not a Danish number", "country"},
        {"8 digits", "length"},
        {"more than one field", "fields"},
        {"quote is not closed", "quote"},
        {"header", "header"},
        {"no numbers", "empty"},
        {"digit", "characters"}, /* not a digit, no digits after '+' */
    };

    for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
        if (strstr(why, kinds[i].says))
            return ec_admin_text(req, "admin.numbers.fault.", kinds[i].kind);
    return ec_admin_text(req, "admin.numbers.fault.", "other");
}

static struct json_object *
import_errors(struct ec_request *req, const struct ec_number_csv_result *r)
{
    struct json_object *list = json_object_new_array();

    for (size_t i = 0; i < r->nerrors; i++) {
        struct json_object *o = json_object_new_object();

        json_object_object_add(
            o, "line", json_object_new_int64((int64_t)r->errors[i].line));
        json_object_object_add(o, "whole_file",
                               json_object_new_boolean(r->errors[i].line == 0));
        json_object_object_add(
            o, "fault", ec_json_str(line_fault(req, r->errors[i].message)));
        json_object_object_add(o, "detail", ec_json_str(r->errors[i].message));
        json_object_array_add(list, o);
    }
    return list;
}

/* POST /admin/numbers/import (multipart with a file "file", or a form
   with the numbers pasted in "numbers"): the counts, or every bad line
   (422, nothing imported) with the pasted text kept */
int
ec_h_admin_form_numbers_import(struct ec_request *req, struct ec_response *res)
{
    const struct ec_multipart_part *file = ec_request_file(req, "file");
    const char *pasted = ec_request_form(req, "numbers");
    struct ec_audit_actor who = ec_admin_actor(req);
    struct json_object *m = json_object_new_object(), *o;
    struct search all = {NULL, NULL, NULL, NULL};
    struct ec_number_csv_result *r;
    const char *body;
    size_t len;
    int rc;

    if (file && file->len) {
        body = file->data, len = file->len;
    } else if (pasted && *pasted) {
        body = pasted, len = strlen(pasted);
    } else {
        json_object_object_add(
            m, "import_error",
            ec_json_str(ec_admin_text(req, "admin.numbers.", "no_file")));
        return numbers_page(req, res, m, &all, 422);
    }
    r = ec_arena_alloc(req->arena, sizeof(*r));
    rc = ec_number_csv_import(req->env->db, req->env->kv, req->tenant->id,
                              req->tenant->slug, body, len, &who, r);
    if (rc == EC_ERR_INVALID_FIELD) {
        json_object_object_add(m, "import_error",
                               ec_json_str(ec_admin_text(req, "admin.numbers.",
                                                         "nothing_imported")));
        json_object_object_add(m, "bad_lines", import_errors(req, r));
        json_object_object_add(m, "has_bad_lines",
                               json_object_new_boolean(r->nerrors > 0));
        json_object_object_add(m, "bad_count",
                               json_object_new_int64((int64_t)r->nbad));
        if (r->nbad > r->nerrors)
            json_object_object_add(
                m, "bad_more",
                json_object_new_int64((int64_t)(r->nbad - r->nerrors)));
        if (!file || !file->len)
            json_object_object_add(m, "pasted", ec_json_str(pasted));
        return numbers_page(req, res, m, &all, 422);
    }
    if (rc < 0) {
        json_object_put(m);
        return rc;
    }
    o = json_object_new_object();
    json_object_object_add(o, "added",
                           json_object_new_int64((int64_t)r->counts.added));
    json_object_object_add(o, "in_pool",
                           json_object_new_int64((int64_t)r->counts.in_pool));
    json_object_object_add(o, "repeated",
                           json_object_new_int64((int64_t)r->repeated));
    json_object_object_add(m, "imported", o);
    return numbers_page(req, res, m, &all, 200);
}

/* ---- moves ---- */

static int
move(struct ec_request *req, struct ec_response *res,
     enum ec_number_admin_move mv, const char *done)
{
    const char *msisdn = ec_request_route_arg(req, "number");
    struct ec_audit_actor who = ec_admin_actor(req);
    const char *why = NULL;
    int changed = 0, rc;

    rc = ec_number_admin_move(
        req->env->db, req->env->kv, req->tenant->id, req->tenant->slug, msisdn,
        mv, ec_request_form(req, "lock"), &who, &changed, &why);
    if (rc == EC_ERR_CONFLICT && why) {
        struct json_object *m = json_object_new_object();
        struct search s = {msisdn, NULL, NULL, NULL}; /* the number */

        json_object_object_add(
            m, "refusal",
            ec_json_str(ec_admin_text(req, "admin.numbers.refused.", why)));
        return numbers_page(req, res, m, &s, 409);
    }
    if (rc < 0)
        return rc;
    /* back to the number, saying what was done */
    res->status = 303;
    ec_response_header(res, "Location",
                       ec_arena_printf(req->arena,
                                       "/admin/numbers?digits=%s&done=%s",
                                       query_value(req, msisdn),
                                       changed ? done : "unchanged"));
    return 0;
}

/* POST /admin/numbers/{number}/quarantine, /release-quarantine, /unlock
   (lock: the lock seen, as the page gave it) */
int
ec_h_admin_form_number_quarantine(struct ec_request *req,
                                  struct ec_response *res)
{
    return move(req, res, EC_NUMBER_ADMIN_QUARANTINE, "quarantine");
}

int
ec_h_admin_form_number_release(struct ec_request *req, struct ec_response *res)
{
    return move(req, res, EC_NUMBER_ADMIN_RELEASE, "release");
}

int
ec_h_admin_form_number_unlock(struct ec_request *req, struct ec_response *res)
{
    return move(req, res, EC_NUMBER_ADMIN_UNLOCK, "unlock");
}
