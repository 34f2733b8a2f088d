/*
 * The panel's products screen (docs/admin.md): every product of the
 * tenant, drafts and retired ones too, with the channels it is visible
 * in, filtered by channel, status and a text. It reads the worker's
 * catalog snapshot (the route is CATALOG), which holds the whole
 * document and is current as of this request (svc/catalog.h), so the
 * screen costs no query of its own.
 */
#include <string.h>
#include <strings.h>

#include <json-c/json.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/err.h"
#include "handlers/admin.h"
#include "handlers/env.h"
#include "handlers/handlers.h"
#include "http/request.h"
#include "http/response.h"
#include "render/messages.h"
#include "svc/catalog.h"
#include "svc/product.h"
#include "svc/staff.h"

/* the longest filter text taken; longer ones are cut */
#define QUERY_MAX 100

/* What the list shows. */
struct filter {
    const struct ec_catalog_doc_channel *channel; /* NULL: any */
    int status;                                   /* -1: any */
    const char *q;                                /* "": any */
};

/* 1 if needle is in hay, ignoring ASCII case. */
static int
contains(const char *hay, const char *needle)
{
    size_t n = strlen(needle);

    for (; *hay; hay++)
        if (strncasecmp(hay, needle, n) == 0)
            return 1;
    return n == 0;
}

static int
visible_in(const struct ec_product *p, const char *channel)
{
    const struct ec_placement *pl = ec_product_placement(p, channel);

    return pl && pl->visible;
}

static int
selected(const struct ec_product *p, const struct filter *f)
{
    if (f->status >= 0 && (int)p->status != f->status)
        return 0;
    if (f->channel && !visible_in(p, f->channel->code))
        return 0;
    return !*f->q || contains(p->sku, f->q) || contains(p->name, f->q);
}

static struct json_object *
product_json(struct ec_request *req, const struct ec_product *p)
{
    const struct ec_catalog_doc *doc = &req->catalog->doc;
    struct json_object *o = json_object_new_object();
    struct ec_buf in = EC_BUF_INIT;
    const char *status = ec_name_of(ec_product_status_names, p->status);
    const char *kind = ec_name_of(ec_product_kind_names, p->kind);

    json_object_object_add(o, "sku", ec_json_str(p->sku));
    json_object_object_add(o, "name", ec_json_str(p->name));
    json_object_object_add(o, "status", ec_json_str(status));
    json_object_object_add(
        o, "status_text",
        ec_json_str(ec_msgcat_text(
            req->texts,
            ec_arena_printf(req->arena, "admin.product.status.%s", status))));
    json_object_object_add(
        o, "kind_text",
        ec_json_str(ec_msgcat_text(
            req->texts,
            ec_arena_printf(req->arena, "admin.product.kind.%s", kind))));
    ec_json_money(req, o, "monthly", p->monthly_price);
    for (size_t i = 0; i < doc->nchannels; i++) {
        if (!visible_in(p, doc->channels[i].code))
            continue;
        if (in.len)
            ec_buf_adds(&in, ", ");
        ec_buf_adds(&in, doc->channels[i].name);
    }
    json_object_object_add(o, "channels_text",
                           json_object_new_string(in.len ? in.data : "-"));
    ec_buf_release(&in);
    return o;
}

/* The filter the query asks for, and the form's options with the chosen
   ones marked, into m. */
static void
read_filter(struct ec_request *req, struct filter *f, struct json_object *m)
{
    const struct ec_catalog_doc *doc = &req->catalog->doc;
    const char *ch = ec_request_arg(req, "channel");
    const char *st = ec_request_arg(req, "status");
    const char *q = ec_request_arg(req, "q");
    struct json_object *chans = json_object_new_array();
    struct json_object *stats = json_object_new_array();

    f->channel = NULL;
    f->status = st && *st ? ec_name_index(ec_product_status_names, st) : -1;
    f->q =
        q ? (strlen(q) > QUERY_MAX ? ec_arena_strndup(req->arena, q, QUERY_MAX)
                                   : q)
          : "";
    for (size_t i = 0; i < doc->nchannels; i++) {
        struct json_object *o = json_object_new_object();
        int on = ch && strcmp(ch, doc->channels[i].code) == 0;

        if (on)
            f->channel = &doc->channels[i];
        json_object_object_add(o, "code", ec_json_str(doc->channels[i].code));
        json_object_object_add(o, "name", ec_json_str(doc->channels[i].name));
        json_object_object_add(o, "selected", json_object_new_boolean(on));
        json_object_array_add(chans, o);
    }
    for (int i = 0; ec_product_status_names[i]; i++) {
        struct json_object *o = json_object_new_object();
        const char *name = ec_product_status_names[i];

        json_object_object_add(o, "code", ec_json_str(name));
        json_object_object_add(
            o, "name",
            ec_json_str(ec_msgcat_text(
                req->texts,
                ec_arena_printf(req->arena, "admin.product.status.%s", name))));
        json_object_object_add(o, "selected",
                               json_object_new_boolean(f->status == i));
        json_object_array_add(stats, o);
    }
    json_object_object_add(m, "channels", chans);
    json_object_object_add(m, "statuses", stats);
    json_object_object_add(m, "q", ec_json_str(f->q));
}

/* GET /admin/products[?channel=&status=&q=] */
int
ec_h_admin_products(struct ec_request *req, struct ec_response *res)
{
    const struct ec_catalog *c = req->catalog;
    struct json_object *m = json_object_new_object();
    struct json_object *list = json_object_new_array();
    struct filter f;

    read_filter(req, &f, m);
    for (size_t i = 0; i < c->nproducts; i++)
        if (selected(&c->products[i], &f))
            json_object_array_add(list, product_json(req, &c->products[i]));
    json_object_object_add(
        m, "has_products",
        json_object_new_boolean(json_object_array_length(list) > 0));
    json_object_object_add(m, "products", list);
    json_object_object_add(m, "can_edit",
                           json_object_new_boolean(ec_staff_can(
                               req->staff->role, EC_STAFF_EDIT_CATALOG)));
    return ec_admin_page(req, res, "products", "admin/products", m, 200);
}
