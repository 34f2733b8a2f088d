/*
 * The admin JSON API's catalog and audit routes (/api/admin/v1/,
 * docs/admin.md): products, campaigns and channels read and edited one
 * at a time through svc/catalog_edit.h, the audit log read as JSON or
 * CSV. The dispatcher has checked the request's API key, its tenant and
 * its role before any of these runs (EC_R_ADMIN_API); every change is
 * audited with the key as its actor.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/check.h"
#include "core/err.h"
#include "core/tztime.h"
#include "handlers/env.h"
#include "handlers/handlers.h"
#include "http/request.h"
#include "http/response.h"
#include "svc/audit.h"
#include "svc/catalog_edit.h"
#include "svc/tenant.h"

/* Who the audit log names: the request's API key. */
static struct ec_audit_actor
actor_of(const struct ec_request *req)
{
    struct ec_audit_actor who = {EC_AUDIT_API_KEY, req->api_key_id,
                                 req->api_key_name};

    return who;
}

/* A refused edit: 422 with the bad field's path, or the error as it is. */
static int
edit_failed(struct ec_request *req, struct ec_response *res, int rc,
            const struct ec_check_error *err)
{
    if (rc == EC_ERR_INVALID_FIELD)
        return ec_fail(res, rc, ec_arena_strdup(req->arena, err->path),
                       ec_arena_strdup(req->arena, err->message));
    if (rc == EC_ERR_CONFLICT)
        return ec_fail(res, rc, NULL, "It exists already: PUT replaces it.");
    return rc;
}

/* The body must be a JSON object: a missing one is 422 at "$". */
static int
json_object_body(struct ec_request *req, struct ec_response *res)
{
    if (!req->json || !json_object_is_type(req->json, json_type_object))
        return ec_fail(res, EC_ERR_INVALID_FIELD, "$",
                       "The body must be a JSON object.");
    return 0;
}

static int
list(struct ec_request *req, struct ec_response *res, enum ec_catalog_kind k,
     const char *member)
{
    struct json_object *arr, *m;
    int rc;

    if ((rc = ec_catalog_edit_list(req->env->db, req->tenant->slug, k, &arr)) <
        0)
        return rc;
    m = json_object_new_object();
    json_object_object_add(m, member, arr);
    ec_response_set_model(res, m, NULL);
    return 0;
}

static int
get(struct ec_request *req, struct ec_response *res, enum ec_catalog_kind k,
    const char *arg)
{
    struct json_object *o;
    int rc = ec_catalog_edit_get(req->env->db, req->tenant->slug, k,
                                 ec_request_route_arg(req, arg), &o);

    if (rc < 0)
        return rc;
    ec_response_set_model(res, o, NULL);
    return 0;
}

/* POST (create, key from the body) and PUT (create or replace). */
static int
put(struct ec_request *req, struct ec_response *res, enum ec_catalog_kind k,
    const char *arg)
{
    struct ec_audit_actor who = actor_of(req);
    const char *key = arg ? ec_request_route_arg(req, arg) : NULL;
    struct ec_check_error err;
    struct json_object *after;
    int rc, created;

    if ((rc = json_object_body(req, res)) < 0)
        return rc;
    rc = ec_catalog_edit_put(
        req->env->db, req->env->kv, req->tenant->slug, k, key, req->json,
        arg ? EC_CATALOG_PUT_REPLACE : EC_CATALOG_PUT_CREATE, &who, &err,
        &after, &created);
    if (rc < 0)
        return edit_failed(req, res, rc, &err);
    ec_response_set_model(res, after, NULL);
    res->status = created ? 201 : 200;
    return 0;
}

static int
remove_one(struct ec_request *req, struct ec_response *res,
           enum ec_catalog_kind k, const char *arg)
{
    struct ec_audit_actor who = actor_of(req);
    struct ec_check_error err;
    struct json_object *before;
    int rc;

    rc = ec_catalog_edit_remove(req->env->db, req->env->kv, req->tenant->slug,
                                k, ec_request_route_arg(req, arg), &who, &err,
                                &before);
    if (rc < 0)
        return edit_failed(req, res, rc, &err);
    json_object_put(before);
    res->status = 204;
    return 0;
}

int
ec_h_api_admin_products(struct ec_request *req, struct ec_response *res)
{
    return list(req, res, EC_CATALOG_PRODUCT, "products");
}

int
ec_h_api_admin_product_create(struct ec_request *req, struct ec_response *res)
{
    return put(req, res, EC_CATALOG_PRODUCT, NULL);
}

int
ec_h_api_admin_product(struct ec_request *req, struct ec_response *res)
{
    return get(req, res, EC_CATALOG_PRODUCT, "sku");
}

int
ec_h_api_admin_product_put(struct ec_request *req, struct ec_response *res)
{
    return put(req, res, EC_CATALOG_PRODUCT, "sku");
}

int
ec_h_api_admin_product_retire(struct ec_request *req, struct ec_response *res)
{
    return remove_one(req, res, EC_CATALOG_PRODUCT, "sku");
}

int
ec_h_api_admin_campaigns(struct ec_request *req, struct ec_response *res)
{
    return list(req, res, EC_CATALOG_CAMPAIGN, "campaigns");
}

int
ec_h_api_admin_campaign_create(struct ec_request *req, struct ec_response *res)
{
    return put(req, res, EC_CATALOG_CAMPAIGN, NULL);
}

int
ec_h_api_admin_campaign(struct ec_request *req, struct ec_response *res)
{
    return get(req, res, EC_CATALOG_CAMPAIGN, "code");
}

int
ec_h_api_admin_campaign_put(struct ec_request *req, struct ec_response *res)
{
    return put(req, res, EC_CATALOG_CAMPAIGN, "code");
}

int
ec_h_api_admin_campaign_delete(struct ec_request *req, struct ec_response *res)
{
    return remove_one(req, res, EC_CATALOG_CAMPAIGN, "code");
}

int
ec_h_api_admin_channels(struct ec_request *req, struct ec_response *res)
{
    return list(req, res, EC_CATALOG_CHANNEL, "channels");
}

int
ec_h_api_admin_channel_create(struct ec_request *req, struct ec_response *res)
{
    return put(req, res, EC_CATALOG_CHANNEL, NULL);
}

int
ec_h_api_admin_channel(struct ec_request *req, struct ec_response *res)
{
    return get(req, res, EC_CATALOG_CHANNEL, "code");
}

int
ec_h_api_admin_channel_put(struct ec_request *req, struct ec_response *res)
{
    return put(req, res, EC_CATALOG_CHANNEL, "code");
}

int
ec_h_api_admin_channel_delete(struct ec_request *req, struct ec_response *res)
{
    return remove_one(req, res, EC_CATALOG_CHANNEL, "code");
}

/* ---- the audit log ---- */

/*
 * An instant of a filter: RFC 3339 with an offset, or a local time or
 * date ("2026-12-01", midnight) in the shop's time zone, into *t. 0, or
 * -1.
 */
static int
parse_instant(const struct ec_request *req, const char *s, long long *t)
{
    int64_t v;

    if (ec_tztime_parse(req->tenant->zone, s, EC_TZTIME_COMPATIBLE, &v) < 0)
        return -1;
    *t = v;
    return 0;
}

static int
audit_filter(struct ec_request *req, struct ec_response *res,
             struct ec_audit_filter *f)
{
    const char *kind = ec_request_arg(req, "actor_kind");
    const char *from = ec_request_arg(req, "from");
    const char *to = ec_request_arg(req, "to");
    const char *limit = ec_request_arg(req, "limit");
    const char *before = ec_request_arg(req, "before");
    char *end;

    memset(f, 0, sizeof(*f));
    f->object_type = ec_request_arg(req, "object_type");
    f->object_id = ec_request_arg(req, "object_id");
    f->actor_label = ec_request_arg(req, "actor");
    f->actor_kind = -1;
    if (kind && *kind) {
        for (int i = 0; ec_audit_actor_kinds[i]; i++)
            if (strcmp(ec_audit_actor_kinds[i], kind) == 0)
                f->actor_kind = i;
        if (f->actor_kind < 0)
            return ec_fail(res, EC_ERR_INVALID_FIELD, "actor_kind",
                           "actor_kind is staff, api_key or cli.");
    }
    if (from && *from && parse_instant(req, from, &f->from) < 0)
        return ec_fail(res, EC_ERR_INVALID_FIELD, "from",
                       "from is an instant (RFC 3339) or a date.");
    if (to && *to && parse_instant(req, to, &f->to) < 0)
        return ec_fail(res, EC_ERR_INVALID_FIELD, "to",
                       "to is an instant (RFC 3339) or a date.");
    if (limit && *limit) {
        long n = strtol(limit, &end, 10);

        if (*end || n < 1 || n > EC_AUDIT_LIMIT_MAX)
            return ec_fail(res, EC_ERR_INVALID_FIELD, "limit",
                           "limit is a whole number from 1 to 500.");
        f->limit = (unsigned)n;
    }
    if (before && *before) {
        f->before_id = strtoll(before, &end, 10);
        if (*end || f->before_id < 1)
            return ec_fail(res, EC_ERR_INVALID_FIELD, "before",
                           "before is the id of an entry.");
    }
    return 0;
}

struct audit_ctx {
    struct json_object *entries;
    struct ec_buf *csv;
    long long last_id;
    unsigned n;
};

static int
audit_row(const struct ec_audit_entry *e, void *ctx)
{
    struct audit_ctx *c = ctx;

    if (c->csv)
        ec_audit_csv_row(c->csv, e);
    else
        json_object_array_add(c->entries, ec_audit_entry_json(e));
    c->last_id = e->id;
    c->n++;
    return 0;
}

/* 1 when the client asks for CSV: Accept: text/csv or ?format=csv. */
static int
wants_csv(const struct ec_request *req)
{
    const char *format = ec_request_arg(req, "format");
    const char *accept = ec_request_header(req, "accept");

    if (format && *format)
        return strcmp(format, "csv") == 0;
    return accept && strstr(accept, "text/csv") != NULL;
}

/* GET /api/admin/v1/audit: {"entries":[...],"next":"<cursor>"|null}, or
   the same rows as CSV (newest first) */
int
ec_h_api_admin_audit(struct ec_request *req, struct ec_response *res)
{
    struct ec_audit_filter f;
    struct audit_ctx c = {NULL, NULL, 0, 0};
    struct json_object *m;
    int rc;

    if ((rc = audit_filter(req, res, &f)) < 0)
        return rc;
    if (wants_csv(req)) {
        c.csv = res->body;
        ec_buf_reset(res->body);
        ec_audit_csv_header(res->body);
        if ((rc = ec_audit_each(req->env->db, req->tenant->id, &f, audit_row,
                                &c)) < 0)
            return rc;
        res->status = 200;
        res->content_type = "text/csv; charset=utf-8";
        ec_response_header(res, "Content-Disposition",
                           "attachment; filename=\"audit.csv\"");
        return 0;
    }
    c.entries = json_object_new_array();
    m = json_object_new_object();
    json_object_object_add(m, "entries", c.entries);
    ec_arena_cleanup(req->arena, ec_json_put, m);
    if ((rc = ec_audit_each(req->env->db, req->tenant->id, &f, audit_row, &c)) <
        0)
        return rc;
    /* a full page may have more behind it: its last id is the cursor */
    json_object_object_add(m, "next",
                           c.n == (f.limit ? f.limit : EC_AUDIT_LIMIT_DEFAULT)
                               ? json_object_new_string(ec_arena_printf(
                                     req->arena, "%lld", c.last_id))
                               : NULL);
    ec_response_set_model(res, json_object_get(m), NULL);
    return 0;
}
