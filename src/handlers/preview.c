/*
 * Preview (docs/admin.md, "Drafts, publishing and preview"): a staff
 * member sees the storefront as a chosen channel at a chosen instant,
 * with or without the catalog draft, before a change goes live.
 *
 * The panel's form (GET/POST /admin/preview) hands out a cookie that
 * says what to preview; the cookie is signed with the shop's form key
 * and bound to the session id and the host, so it is worth nothing in
 * another browser or shop, and it expires. It grants nothing by itself:
 * on each storefront page that may be previewed (EC_R_PREVIEW) the
 * dispatcher reads it, checks the session is still signed in as that
 * staff member with a role that reads the panel, and only then shows the
 * page from the preview's snapshot (app/dispatch.c). Ordinary visitors
 * carry no such cookie and pay nothing for it.
 */
#include "handlers/preview.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "core/arena.h"
#include "core/base64.h"
#include "core/crypto.h"
#include "core/err.h"
#include "core/tztime.h"
#include "handlers/admin.h"
#include "handlers/env.h"
#include "handlers/handlers.h"
#include "http/request.h"
#include "http/response.h"
#include "render/messages.h"
#include "svc/catalog.h"
#include "svc/catalog_draft.h"
#include "svc/catalog_edit.h"
#include "svc/tenant.h"

/* How long a preview lasts before the form must be sent again. */
#define PREVIEW_SECONDS 3600

/* The signature over session, host and the preview's fields, in
   base64url (43 characters and a NUL). */
static void
sign(const struct ec_request *req, const char *fields, char out[44])
{
    unsigned char mac[EC_SHA256_SIZE];
    const char *msg = ec_arena_printf(req->arena, "preview:%s:%s:%s",
                                      req->session_id, req->host, fields);

    ec_hmac_sha256(req->env->form_key, req->env->form_key_len, msg, strlen(msg),
                   mac);
    ec_b64url_encode(out, mac, sizeof(mac));
}

/* A channel code as the catalog allows them: nothing else is signed. */
static int
code_ok(const char *s)
{
    size_t n = strlen(s);

    if (n == 0 || n > 40)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') ||
              s[i] == '_' || s[i] == '-'))
            return 0;
    return 1;
}

int
ec_preview_read(const struct ec_request *req, int64_t now, struct ec_preview *p)
{
    const char *v = ec_request_cookie(req, EC_PREVIEW_COOKIE), *dot;
    char fields[160], want[44];
    long long at, expires;
    int n = 0;

    memset(p, 0, sizeof(*p));
    if (!v || !req->session_id || !req->host || !(dot = strrchr(v, '.')) ||
        (size_t)(dot - v) >= sizeof(fields))
        return EC_ERR_NOT_FOUND;
    memcpy(fields, v, (size_t)(dot - v));
    fields[dot - v] = '\0';
    sign(req, fields, want);
    if (strlen(dot + 1) != 43 || !ec_mem_equal(want, dot + 1, 43))
        return EC_ERR_NOT_FOUND;
    if (sscanf(fields, "%lld.%d.%lld.%lld.%40[a-z0-9_-]%n", &p->staff_id,
               &p->draft, &at, &expires, p->channel, &n) != 5 ||
        fields[n] != '\0' || expires < now)
        return EC_ERR_NOT_FOUND;
    p->at = (int64_t)at;
    p->expires = (int64_t)expires;
    return 0;
}

/* The Set-Cookie that hands p out, or clears it (p NULL). */
static void
set_cookie(struct ec_request *req, struct ec_response *res,
           const struct ec_preview *p)
{
    const char *value = "";
    char mac[44];

    if (p) {
        const char *fields = ec_arena_printf(
            req->arena, "%lld.%d.%lld.%lld.%s", p->staff_id, p->draft,
            (long long)p->at, (long long)p->expires, p->channel);

        sign(req, fields, mac);
        value = ec_arena_printf(req->arena, "%s.%s", fields, mac);
    }
    ec_response_header(
        res, "Set-Cookie",
        ec_arena_printf(req->arena,
                        "%s=%s; Path=/; Max-Age=%d; HttpOnly; SameSite=Lax%s",
                        EC_PREVIEW_COOKIE, value, p ? PREVIEW_SECONDS : 0,
                        req->https ? "; Secure" : ""));
}

/* ---- the banner every previewed page shows ---- */

struct json_object *
ec_preview_banner(struct ec_request *req, const struct ec_preview *p)
{
    struct json_object *o = json_object_new_object();
    const struct ec_channel *ch = req->channel;
    char when[32];

    json_object_object_add(o, "channel",
                           ec_json_str(ch ? ch->name : p->channel));
    if (p->at)
        ec_admin_local_time(req, p->at, when, sizeof(when));
    json_object_object_add(o, "at", p->at ? ec_json_str(when) : NULL);
    json_object_object_add(o, "draft", json_object_new_boolean(p->draft));
    json_object_object_add(o, "broken", json_object_new_boolean(p->broken));
    return o;
}

/* ---- the panel's form ---- */

/* Option {value, label, selected} for a select. */
static struct json_object *
option(const char *value, const char *label, int selected)
{
    struct json_object *o = json_object_new_object();

    json_object_object_add(o, "value", ec_json_str(value));
    json_object_object_add(o, "label", ec_json_str(label));
    json_object_object_add(o, "selected", json_object_new_boolean(selected));
    return o;
}

/* The draft's channels and products as the form's choices. */
static int
choices(struct ec_request *req, struct json_object *m, const char *channel,
        const char *page)
{
    struct json_object *doc, *chs, *prods, *list, *v, *n;
    int rc;

    if ((rc = ec_catalog_draft_document(req->env->db, req->tenant->slug,
                                        &doc)) < 0)
        return rc;
    chs = ec_catalog_edit_array(doc, EC_CATALOG_CHANNEL);
    prods = ec_catalog_edit_array(doc, EC_CATALOG_PRODUCT);
    list = json_object_new_array();
    for (size_t i = 0; i < json_object_array_length(chs); i++) {
        struct json_object *c = json_object_array_get_idx(chs, i);
        const char *code;

        json_object_object_get_ex(c, "code", &v);
        json_object_object_get_ex(c, "name", &n);
        code = json_object_get_string(v);
        json_object_array_add(list, option(code, json_object_get_string(n),
                                           channel && !strcmp(code, channel)));
    }
    json_object_object_add(m, "channels", list);
    list = json_object_new_array();
    json_object_array_add(
        list, option("/", ec_msgcat_text(req->texts, "admin.preview.front"),
                     !page || !strcmp(page, "/")));
    for (size_t i = 0; i < json_object_array_length(prods); i++) {
        struct json_object *o = json_object_array_get_idx(prods, i);
        const char *path;

        json_object_object_get_ex(o, "sku", &v);
        json_object_object_get_ex(o, "name", &n);
        path = ec_arena_printf(req->arena, "/products/%s",
                               json_object_get_string(v));
        json_object_array_add(list,
                              option(path,
                                     ec_arena_printf(req->arena, "%s (%s)",
                                                     json_object_get_string(n),
                                                     json_object_get_string(v)),
                                     page && !strcmp(page, path)));
    }
    json_object_object_add(m, "pages", list);
    json_object_put(doc);
    return 0;
}

static int
preview_form(struct ec_request *req, struct ec_response *res, const char *error,
             int status)
{
    struct json_object *m = json_object_new_object();
    const char *at = ec_request_form(req, "at");
    int rc;

    if ((rc = choices(req, m, ec_request_form(req, "channel"),
                      ec_request_form(req, "page"))) < 0) {
        json_object_put(m);
        return rc;
    }
    json_object_object_add(m, "at", ec_json_str(at ? at : ""));
    json_object_object_add(
        m, "draft",
        json_object_new_boolean(!ec_request_form(req, "channel") ||
                                ec_request_form(req, "draft")));
    if (error)
        json_object_object_add(m, "error", ec_json_str(error));
    return ec_admin_page(req, res, "preview", "admin/preview", m, status);
}

/* GET /admin/preview */
int
ec_h_admin_preview(struct ec_request *req, struct ec_response *res)
{
    return preview_form(req, res, NULL, 200);
}

/* A storefront path the form offers: "/" or "/products/<sku>". */
static int
page_ok(const char *p)
{
    if (!p || strcmp(p, "/") == 0)
        return 1;
    if (strncmp(p, "/products/", 10) != 0 || !p[10])
        return 0;
    for (p += 10; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
              (*p >= '0' && *p <= '9') || *p == '_' || *p == '-'))
            return 0;
    return 1;
}

/* POST /admin/preview: the cookie, then 303 to the page. */
int
ec_h_admin_form_preview(struct ec_request *req, struct ec_response *res)
{
    const char *channel = ec_request_form(req, "channel");
    const char *at = ec_request_form(req, "at");
    const char *page = ec_request_form(req, "page");
    struct ec_preview p = {.staff_id = req->staff->id};

    if (!channel || !code_ok(channel))
        return preview_form(
            req, res, ec_msgcat_text(req->texts, "admin.preview.bad_channel"),
            422);
    if (at && *at &&
        ec_tztime_parse(req->tenant->zone, at, EC_TZTIME_COMPATIBLE, &p.at) < 0)
        return preview_form(
            req, res, ec_msgcat_text(req->texts, "admin.preview.bad_at"), 422);
    if (!page_ok(page))
        return preview_form(
            req, res, ec_msgcat_text(req->texts, "admin.preview.bad_page"),
            422);
    snprintf(p.channel, sizeof(p.channel), "%s", channel);
    p.draft = ec_request_form(req, "draft") != NULL;
    p.expires = (int64_t)time(NULL) + PREVIEW_SECONDS;
    set_cookie(req, res, &p);
    res->status = 303;
    ec_response_header(res, "Location", page ? page : "/");
    return 0;
}

/* POST /admin/preview/end: the cookie cleared, back to the form. */
int
ec_h_admin_form_preview_end(struct ec_request *req, struct ec_response *res)
{
    set_cookie(req, res, NULL);
    res->status = 303;
    ec_response_header(res, "Location", "/admin/preview");
    return 0;
}
