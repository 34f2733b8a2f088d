#include "svc/catalog_write.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/tztime.h"
#include "core/xalloc.h"
#include "store/db.h"
#include "svc/catalog_read.h"
#include "svc/product_attr.h"

/* the database's words for the model's enums */
#define CHANNEL_KIND(k) ec_name_of(ec_channel_kind_names, (unsigned)(k))
#define STACKING(s) ec_name_of(ec_promotion_stacking_names, (unsigned)(s))
#define ACTION_KIND(k)                                                         \
    ec_name_of(ec_promotion_action_kind_names, (unsigned)(k)-1u)

static const struct ec_db_param null_param = {EC_DB_NULL, NULL, 0, 0};

/* ---- what changed ---- */

void
ec_catalog_changes_init(struct ec_catalog_changes *ch)
{
    memset(ch, 0, sizeof(*ch));
    ec_arena_init(&ch->arena, 0);
}

void
ec_catalog_changes_release(struct ec_catalog_changes *ch)
{
    ec_arena_release(&ch->arena);
    memset(ch, 0, sizeof(*ch));
}

static void
changes_add(struct ec_catalog_changes *ch, const char *line)
{
    if (ch->n == ch->cap) {
        size_t cap = ch->cap ? ch->cap * 2 : 16;
        const char **lines = ec_arena_calloc(&ch->arena, cap, sizeof(*lines));

        if (ch->n)
            memcpy(lines, ch->lines, ch->n * sizeof(*lines));
        ch->lines = lines;
        ch->cap = cap;
    }
    ch->lines[ch->n++] = ec_arena_strdup(&ch->arena, line);
}

void
ec_catalog_changes_emit(const struct ec_catalog_changes *ch,
                        ec_catalog_emit_fn emit, void *ctx)
{
    for (size_t i = 0; i < ch->n; i++)
        emit(ch->lines[i], ctx);
    if (!ch->n)
        emit("no changes", ctx);
}

/* ---- small helpers ---- */

static struct ec_db_param
str_or_null(const char *s)
{
    return s ? EC_DB_S(s) : null_param;
}

static int
str_eq(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

static int
id_row(const struct ec_db_row *row, void *ctx)
{
    *(long long *)ctx = row->vals[0] ? strtoll(row->vals[0], NULL, 10) : 0;
    return 0;
}

/* A set as a MySQL SET value ("physical,esim"), in arena a. */
static const char *
set_value(struct ec_arena *a, unsigned set, const char *const *names)
{
    char buf[64];

    return ec_arena_strdup(a, ec_set_text(set, names, ",", buf, sizeof(buf)));
}

struct import {
    struct ec_db *db;
    long long tenant;
    const struct ec_tztime_zone *zone; /* the tenant's, for change lines */
    struct ec_arena *a;                /* cur's, for working memory */
    const struct ec_catalog_doc *want;
    struct ec_catalog_doc cur;   /* what the database holds */
    long long *want_channel_ids; /* parallel to want->channels */
    long long *want_product_ids; /* parallel to want->products */
    struct ec_catalog_changes *changes;
};

static void say(struct import *im, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
say(struct import *im, const char *fmt, ...)
{
    struct ec_buf b = EC_BUF_INIT;
    va_list ap;

    va_start(ap, fmt);
    ec_buf_vaddf(&b, fmt, ap);
    va_end(ap);
    changes_add(im->changes, b.data);
    ec_buf_release(&b);
}

/*
 * The fields of a change line: those with short values as "old -> new"
 * first, then those too long to show (texts, entry and add-on lists) by
 * name: "monthly_price 19900 -> 17900, kind web_sub -> app, name".
 */
struct fields {
    struct ec_buf values;
    struct ec_buf names;
};

static void
fields_reset(struct fields *f)
{
    ec_buf_reset(&f->values);
    ec_buf_reset(&f->names);
}

static void
fields_release(struct fields *f)
{
    ec_buf_release(&f->values);
    ec_buf_release(&f->names);
}

static int
fields_any(const struct fields *f)
{
    return f->values.len || f->names.len;
}

/* values, then names, as one line */
static const char *
fields_text(struct fields *f)
{
    if (f->values.len && f->names.len)
        ec_buf_adds(&f->values, ", ");
    ec_buf_add(&f->values, f->names.data, f->names.len);
    ec_buf_reset(&f->names);
    return f->values.data;
}

static void
field(struct fields *f, const char *name)
{
    ec_buf_addf(&f->names, "%s%s", f->names.len ? ", " : "", name);
}

static void
field_str(struct fields *f, const char *name, const char *from, const char *to)
{
    struct ec_buf *b = &f->values;

    ec_buf_addf(b, "%s%s %s -> %s", b->len ? ", " : "", name, from, to);
}

static void
field_num(struct fields *f, const char *name, long long from, long long to,
          int nullable)
{
    struct ec_buf *b = &f->values;

    ec_buf_addf(b, "%s%s", b->len ? ", " : "", name);
    if (nullable && from == EC_UNLIMITED)
        ec_buf_adds(b, " unlimited");
    else
        ec_buf_addf(b, " %lld", from);
    if (nullable && to == EC_UNLIMITED)
        ec_buf_adds(b, " -> unlimited");
    else
        ec_buf_addf(b, " -> %lld", to);
}

static long
find_channel(const struct ec_catalog_doc *doc, const char *code)
{
    for (size_t i = 0; i < doc->nchannels; i++)
        if (strcasecmp(doc->channels[i].code, code) == 0)
            return (long)i;
    return -1;
}

static int
apply_channels(struct import *im)
{
    const struct ec_catalog_doc *want = im->want, *cur = &im->cur;
    char *used = ec_arena_calloc(im->a, cur->nchannels + 1, 1);
    struct fields f = {EC_BUF_INIT, EC_BUF_INIT};
    int rc = 0;

    im->want_channel_ids =
        ec_arena_calloc(im->a, want->nchannels + 1, sizeof(long long));
    for (size_t i = 0; i < want->nchannels && rc == 0; i++) {
        const struct ec_catalog_doc_channel *w = &want->channels[i];
        long j = find_channel(cur, w->code);
        struct ec_db_param p[] = {
            EC_DB_S(w->code),
            EC_DB_S(w->name),
            EC_DB_S(CHANNEL_KIND(w->kind)),
            EC_DB_I(w->is_default),
            EC_DB_I(im->tenant),
            EC_DB_I(0),
        };
        const struct ec_catalog_doc_channel *c;

        if (j < 0) {
            struct ec_db_param ins[] = {
                EC_DB_I(im->tenant),    EC_DB_S(w->code),
                EC_DB_S(w->name),       EC_DB_S(CHANNEL_KIND(w->kind)),
                EC_DB_I(w->is_default),
            };
            struct ec_db_param sel[] = {EC_DB_I(im->tenant), EC_DB_S(w->code)};

            rc = ec_db_exec(im->db,
                            "INSERT INTO channels"
                            " (tenant_id, code, name, kind, is_default)"
                            " VALUES (?, ?, ?, ?, ?)",
                            ins, 5, NULL, NULL, NULL);
            if (rc == 0)
                rc = ec_db_exec(im->db,
                                "SELECT id FROM channels"
                                " WHERE tenant_id = ? AND code = ?",
                                sel, 2, id_row, &im->want_channel_ids[i], NULL);
            say(im, "added channel %s", w->code);
            continue;
        }
        c = &cur->channels[j];
        used[j] = 1;
        im->want_channel_ids[i] = im->cur.channels[j].id;
        fields_reset(&f);
        if (strcmp(c->code, w->code) != 0)
            field_str(&f, "code", c->code, w->code);
        if (strcmp(c->name, w->name) != 0)
            field(&f, "name");
        if (c->kind != w->kind)
            field_str(&f, "kind", CHANNEL_KIND(c->kind), CHANNEL_KIND(w->kind));
        if (c->is_default != w->is_default)
            field_str(&f, "default", c->is_default ? "true" : "false",
                      w->is_default ? "true" : "false");
        if (!fields_any(&f))
            continue;
        p[5] = EC_DB_I(im->cur.channels[j].id);
        rc = ec_db_exec(im->db,
                        "UPDATE channels SET code = ?, name = ?, kind = ?,"
                        " is_default = ? WHERE tenant_id = ? AND id = ?",
                        p, 6, NULL, NULL, NULL);
        say(im, "updated channel %s: %s", w->code, fields_text(&f));
    }
    for (size_t j = 0; j < cur->nchannels && rc == 0; j++) {
        struct ec_db_param p[] = {EC_DB_I(im->tenant),
                                  EC_DB_I(im->cur.channels[j].id)};

        if (used[j])
            continue;
        /* its rules, placements and add-on rows go with it (cascade) */
        rc = ec_db_exec(im->db,
                        "DELETE FROM channels WHERE tenant_id = ? AND id = ?",
                        p, 2, NULL, NULL, NULL);
        say(im, "removed channel %s", cur->channels[j].code);
    }
    fields_release(&f);
    return rc;
}

static long long
want_channel_id(const struct import *im, const char *code)
{
    long i = find_channel(im->want, code);

    return i < 0 ? 0 : im->want_channel_ids[i];
}

static int
same_rules(const struct ec_catalog_doc *a, const struct ec_catalog_doc *b)
{
    if (a->nrules != b->nrules)
        return 0;
    for (size_t i = 0; i < a->nrules; i++) {
        const struct ec_catalog_doc_rule *x = &a->rules[i], *y = &b->rules[i];

        if (x->kind != y->kind || !str_eq(x->param, y->param) ||
            strcmp(x->value, y->value) != 0 ||
            strcasecmp(x->channel, y->channel) != 0)
            return 0;
    }
    return 1;
}

static int
apply_rules(struct import *im)
{
    const struct ec_catalog_doc *want = im->want;
    struct ec_db_param t[] = {EC_DB_I(im->tenant)};
    int rc;

    if (same_rules(want, &im->cur))
        return 0;
    rc = ec_db_exec(im->db, "DELETE FROM channel_rules WHERE tenant_id = ?", t,
                    1, NULL, NULL, NULL);
    for (size_t i = 0; i < want->nrules && rc == 0; i++) {
        const struct ec_catalog_doc_rule *r = &want->rules[i];
        struct ec_db_param p[] = {
            EC_DB_I(im->tenant),
            EC_DB_I((long long)i + 1),
            EC_DB_S(ec_name_of(ec_rule_kind_names, r->kind)),
            str_or_null(r->param),
            EC_DB_S(r->value),
            EC_DB_I(want_channel_id(im, r->channel)),
        };

        rc = ec_db_exec(im->db,
                        "INSERT INTO channel_rules"
                        " (tenant_id, position, kind, param, value,"
                        " channel_id) VALUES (?, ?, ?, ?, ?, ?)",
                        p, 6, NULL, NULL, NULL);
    }
    if (rc == 0)
        say(im, "replaced channel rules (%zu)", want->nrules);
    return rc;
}

/* ---- products ---- */

/* A document's products by SKU, for lookups: exact, or ignoring case. */
struct sku_pos {
    const char *sku;
    size_t pos;
};

struct sku_index {
    struct sku_pos *items;
    size_t n;
    int ignore_case;
};

static int
sku_pos_cmp(const void *a, const void *b)
{
    return strcmp(((const struct sku_pos *)a)->sku,
                  ((const struct sku_pos *)b)->sku);
}

static int
sku_pos_casecmp(const void *a, const void *b)
{
    return strcasecmp(((const struct sku_pos *)a)->sku,
                      ((const struct sku_pos *)b)->sku);
}

static void
sku_index_build(struct sku_index *ix, struct ec_arena *a,
                const struct ec_catalog_doc *doc, int ignore_case)
{
    ix->n = doc->nproducts;
    ix->ignore_case = ignore_case;
    ix->items = ec_arena_calloc(a, ix->n + 1, sizeof(*ix->items));
    for (size_t i = 0; i < ix->n; i++)
        ix->items[i] = (struct sku_pos){doc->products[i].sku, i};
    if (ix->n)
        qsort(ix->items, ix->n, sizeof(*ix->items),
              ignore_case ? sku_pos_casecmp : sku_pos_cmp);
}

/* The position of the product with sku, or -1. */
static long
sku_index_find(const struct sku_index *ix, const char *sku)
{
    struct sku_pos key = {sku, 0}, *hit;

    hit = bsearch(&key, ix->items, ix->n, sizeof(*ix->items),
                  ix->ignore_case ? sku_pos_casecmp : sku_pos_cmp);
    return hit ? (long)hit->pos : -1;
}

static const struct ec_placement *
find_entry(const struct ec_product *p, const char *channel)
{
    for (size_t i = 0; i < p->nplacements; i++)
        if (strcasecmp(p->placements[i].channel, channel) == 0)
            return &p->placements[i];
    return NULL;
}

static int
same_entries(const struct ec_product *w, const struct ec_product *c)
{
    if (w->nplacements != c->nplacements)
        return 0;
    for (size_t i = 0; i < w->nplacements; i++) {
        const struct ec_placement *x = &w->placements[i];
        const struct ec_placement *y = find_entry(c, x->channel);

        if (!y)
            return 0;
        for (size_t k = 0; k < ec_placement_nattrs; k++)
            if (!ec_product_attr_equal(&ec_placement_attrs[k], x, y))
                return 0;
    }
    return 1;
}

static int
same_channel_set(const struct ec_product_addon *x,
                 const struct ec_product_addon *y)
{
    if (x->nchannels != y->nchannels)
        return 0;
    for (size_t i = 0; i < x->nchannels; i++) {
        size_t j = 0;

        while (j < y->nchannels && strcasecmp(x->channels[i], y->channels[j]))
            j++;
        if (j == y->nchannels)
            return 0;
    }
    return 1;
}

static int
same_addons(const struct ec_product *w, const struct ec_product *c)
{
    if (w->naddons != c->naddons)
        return 0;
    for (size_t i = 0; i < w->naddons; i++) {
        size_t j = 0;

        while (j < c->naddons && strcmp(w->addons[i].sku, c->addons[j].sku))
            j++;
        if (j == c->naddons || !same_channel_set(&w->addons[i], &c->addons[j]))
            return 0;
    }
    return 1;
}

/*
 * The attributes of c that w changes, into f, in their table's order:
 * texts by name, the others as "old -> new".
 */
static void
product_changes(struct fields *f, const struct ec_product *c,
                const struct ec_product *w)
{
    char from[128], to[128];

    for (size_t i = 0; i < ec_product_nattrs; i++) {
        const struct ec_product_attr *a = &ec_product_attrs[i];

        if (!a->column || ec_product_attr_equal(a, c, w))
            continue;
        if (a->kind == EC_ATTR_TEXT)
            field(f, a->key);
        else
            field_str(f, a->key, ec_product_attr_text(a, c, from, sizeof(from)),
                      ec_product_attr_text(a, w, to, sizeof(to)));
    }
}

/* Room for the parameters of one row of a table and those that place it. */
#define MAX_PARAMS 48

/*
 * The parameters of row base into p after the first `lead` already
 * there, then trail[0..ntrail): the number in all.
 */
static unsigned
attr_params(struct import *im, const struct ec_product_attr *attrs, size_t n,
            const void *base, struct ec_db_param *p, unsigned lead,
            const struct ec_db_param *trail, unsigned ntrail)
{
    unsigned k = lead;

    for (size_t i = 0; i < n; i++) {
        if (!attrs[i].column)
            continue;
        if (k == MAX_PARAMS)
            EC_BUG("too many columns for one statement");
        p[k++] = ec_product_attr_param(&attrs[i], base, im->a);
    }
    for (unsigned i = 0; i < ntrail; i++) {
        if (k == MAX_PARAMS)
            EC_BUG("too many columns for one statement");
        p[k++] = trail[i];
    }
    return k;
}

/* The statements' texts, made from the attribute tables on first use
   and kept, so they stay prepared. */
static const char *
insert_product_sql(void)
{
    static char sql[1024], marks[256];

    if (!sql[0]) {
        ec_product_attr_sql(marks, sizeof(marks), "", ec_product_attrs,
                            ec_product_nattrs, EC_ATTR_SQL_MARKS, NULL, ")");
        ec_product_attr_sql(sql, sizeof(sql),
                            "INSERT INTO products (tenant_id, ",
                            ec_product_attrs, ec_product_nattrs,
                            EC_ATTR_SQL_COLUMNS, NULL, ") VALUES (?, ");
        if (strlen(sql) + strlen(marks) >= sizeof(sql))
            EC_BUG("a statement's text outgrew its buffer");
        strcat(sql, marks);
    }
    return sql;
}

static const char *
update_product_sql(void)
{
    static char sql[1024];

    if (!sql[0])
        ec_product_attr_sql(sql, sizeof(sql), "UPDATE products SET ",
                            ec_product_attrs, ec_product_nattrs,
                            EC_ATTR_SQL_SETS, NULL,
                            " WHERE tenant_id = ? AND id = ?");
    return sql;
}

static const char *
insert_placement_sql(void)
{
    static char sql[1024], marks[256];

    if (!sql[0]) {
        ec_product_attr_sql(marks, sizeof(marks), "", ec_placement_attrs,
                            ec_placement_nattrs, EC_ATTR_SQL_MARKS, NULL, ")");
        ec_product_attr_sql(
            sql, sizeof(sql),
            "INSERT INTO product_channels (tenant_id, product_id, channel_id, ",
            ec_placement_attrs, ec_placement_nattrs, EC_ATTR_SQL_COLUMNS, NULL,
            ") VALUES (?, ?, ?, ");
        if (strlen(sql) + strlen(marks) >= sizeof(sql))
            EC_BUG("a statement's text outgrew its buffer");
        strcat(sql, marks);
    }
    return sql;
}

static int
insert_product(struct import *im, const struct ec_product *w, long long *id)
{
    struct ec_db_param p[MAX_PARAMS];
    struct ec_db_param sel[] = {EC_DB_I(im->tenant), EC_DB_S(w->sku)};
    unsigned n;
    int rc;

    p[0] = EC_DB_I(im->tenant);
    n = attr_params(im, ec_product_attrs, ec_product_nattrs, w, p, 1, NULL, 0);
    rc = ec_db_exec(im->db, insert_product_sql(), p, n, NULL, NULL, NULL);
    if (rc < 0)
        return rc;
    return ec_db_exec(im->db,
                      "SELECT id FROM products WHERE tenant_id = ? AND sku = ?",
                      sel, 2, id_row, id, NULL);
}

static int
update_product(struct import *im, const struct ec_product *w, long long id)
{
    struct ec_db_param where[] = {EC_DB_I(im->tenant), EC_DB_I(id)};
    struct ec_db_param p[MAX_PARAMS];
    unsigned n;

    n = attr_params(im, ec_product_attrs, ec_product_nattrs, w, p, 0, where, 2);
    return ec_db_exec(im->db, update_product_sql(), p, n, NULL, NULL, NULL);
}

/* Replace the channel entries of product id by w's. */
static int
put_entries(struct import *im, const struct ec_product *w, long long id,
            int existed)
{
    struct ec_db_param del[] = {EC_DB_I(im->tenant), EC_DB_I(id)};
    int rc = 0;

    if (existed)
        rc = ec_db_exec(im->db,
                        "DELETE FROM product_channels"
                        " WHERE tenant_id = ? AND product_id = ?",
                        del, 2, NULL, NULL, NULL);
    for (size_t i = 0; i < w->nplacements && rc == 0; i++) {
        const struct ec_placement *e = &w->placements[i];
        struct ec_db_param p[MAX_PARAMS];
        unsigned n;

        p[0] = EC_DB_I(im->tenant);
        p[1] = EC_DB_I(id);
        p[2] = EC_DB_I(want_channel_id(im, e->channel));
        n = attr_params(im, ec_placement_attrs, ec_placement_nattrs, e, p, 3,
                        NULL, 0);
        rc = ec_db_exec(im->db, insert_placement_sql(), p, n, NULL, NULL, NULL);
    }
    return rc;
}

/* Replace the add-on rows of plan w (position i) by the document's. */
static int
put_addons(struct import *im, const struct sku_index *want_ix, size_t i,
           int existed)
{
    const struct ec_product *w = &im->want->products[i];
    long long plan = im->want_product_ids[i];
    struct ec_db_param del[] = {EC_DB_I(im->tenant), EC_DB_I(plan)};
    int rc = 0;

    if (existed)
        rc = ec_db_exec(im->db,
                        "DELETE FROM addon_compat"
                        " WHERE tenant_id = ? AND plan_id = ?",
                        del, 2, NULL, NULL, NULL);
    for (size_t k = 0; k < w->naddons && rc == 0; k++) {
        const struct ec_product_addon *a = &w->addons[k];
        long pos = sku_index_find(want_ix, a->sku);
        size_t n = a->nchannels ? a->nchannels : 1;

        for (size_t c = 0; c < n && rc == 0; c++) {
            struct ec_db_param p[] = {
                EC_DB_I(im->tenant),
                EC_DB_I(plan),
                EC_DB_I(pos < 0 ? 0 : im->want_product_ids[pos]),
                a->nchannels ? EC_DB_I(want_channel_id(im, a->channels[c]))
                             : null_param,
            };

            rc = ec_db_exec(im->db,
                            "INSERT INTO addon_compat"
                            " (tenant_id, plan_id, addon_id, channel_id)"
                            " VALUES (?, ?, ?, ?)",
                            p, 4, NULL, NULL, NULL);
        }
    }
    return rc;
}

static int
apply_products(struct import *im)
{
    const struct ec_catalog_doc *want = im->want, *cur = &im->cur;
    char *matched = ec_arena_calloc(im->a, cur->nproducts + 1, 1);
    char *addons = ec_arena_calloc(im->a, want->nproducts + 1, 1);
    char *existed = ec_arena_calloc(im->a, want->nproducts + 1, 1);
    struct sku_index cur_ix, want_ix;
    struct fields f = {EC_BUF_INIT, EC_BUF_INIT};
    int rc = 0;

    /* the database compares SKUs ignoring case, and so must matching */
    sku_index_build(&cur_ix, im->a, cur, 1);
    sku_index_build(&want_ix, im->a, want, 0);
    im->want_product_ids =
        ec_arena_calloc(im->a, want->nproducts + 1, sizeof(long long));
    for (size_t i = 0; i < want->nproducts && rc == 0; i++) {
        const struct ec_product *w = &want->products[i], *c;
        long j = sku_index_find(&cur_ix, w->sku);
        long long id;

        if (j < 0) {
            rc = insert_product(im, w, &im->want_product_ids[i]);
            if (rc == 0)
                rc = put_entries(im, w, im->want_product_ids[i], 0);
            addons[i] = w->naddons > 0;
            say(im, "added product %s", w->sku);
            continue;
        }
        c = &cur->products[j];
        id = im->want_product_ids[i] = im->cur.products[j].id;
        matched[j] = existed[i] = 1;
        fields_reset(&f);
        product_changes(&f, c, w);
        if (fields_any(&f))
            rc = update_product(im, w, id);
        if (rc == 0 && c->kind == EC_PRODUCT_ADDON &&
            w->kind == EC_PRODUCT_PLAN) {
            /* a plan is no add-on: rows naming it as one go, including
               those of plans the document does not name */
            struct ec_db_param p[] = {EC_DB_I(im->tenant), EC_DB_I(id)};

            rc = ec_db_exec(im->db,
                            "DELETE FROM addon_compat"
                            " WHERE tenant_id = ? AND addon_id = ?",
                            p, 2, NULL, NULL, NULL);
        }
        if (rc == 0 && !same_entries(w, c)) {
            field(&f, "channels");
            rc = put_entries(im, w, id, 1);
        }
        if (!same_addons(w, c)) {
            field(&f, "addons");
            addons[i] = 1;
        }
        if (fields_any(&f))
            say(im, "updated product %s: %s", w->sku, fields_text(&f));
    }
    for (size_t j = 0; j < cur->nproducts && rc == 0; j++) {
        struct ec_db_param p[] = {EC_DB_I(im->tenant),
                                  EC_DB_I(im->cur.products[j].id)};

        if (matched[j] || cur->products[j].status == EC_PRODUCT_RETIRED)
            continue;
        /* orders may refer to it: retire, never delete */
        rc = ec_db_exec(im->db,
                        "UPDATE products SET status = 'retired'"
                        " WHERE tenant_id = ? AND id = ?",
                        p, 2, NULL, NULL, NULL);
        say(im, "retired product %s", cur->products[j].sku);
    }
    /* after every product exists, so an add-on may come later */
    for (size_t i = 0; i < want->nproducts && rc == 0; i++)
        if (addons[i])
            rc = put_addons(im, &want_ix, i, existed[i]);
    fields_release(&f);
    return rc;
}

/* ---- campaigns ---- */

/* Do x and y hold the same strings, in any order (ignoring case, as the
   database compares SKUs)? Neither lists one twice. */
static int
same_strings(const char *const *x, size_t nx, const char *const *y, size_t ny)
{
    if (nx != ny)
        return 0;
    for (size_t i = 0; i < nx; i++) {
        size_t j = 0;

        while (j < ny && strcasecmp(x[i], y[j]) != 0)
            j++;
        if (j == ny)
            return 0;
    }
    return 1;
}

static int
same_actions(const struct ec_promotion_campaign *w,
             const struct ec_promotion_campaign *c)
{
    if (w->n_actions != c->n_actions)
        return 0;
    for (size_t i = 0; i < w->n_actions; i++) {
        const struct ec_promotion_action *x = &w->actions[i];
        const struct ec_promotion_action *y = &c->actions[i];

        if (x->kind != y->kind || x->value != y->value ||
            x->first_month != y->first_month || x->months != y->months ||
            x->fees != y->fees)
            return 0;
    }
    return 1;
}

static void
field_time(struct import *im, struct fields *f, const char *name, int64_t from,
           int64_t to)
{
    char a[EC_TZTIME_RFC3339_SIZE], b[EC_TZTIME_RFC3339_SIZE];

    field_str(f, name, ec_catalog_doc_time(im->zone, from, a, sizeof(a)),
              ec_catalog_doc_time(im->zone, to, b, sizeof(b)));
}

/* The fields of the campaign row c that w changes, into f. */
static void
campaign_changes(struct import *im, struct fields *f,
                 const struct ec_promotion_campaign *c,
                 const struct ec_promotion_campaign *w)
{
    if (strcmp(c->name, w->name) != 0)
        field(f, "name");
    if (c->valid_from != w->valid_from)
        field_time(im, f, "valid_from", c->valid_from, w->valid_from);
    if (c->valid_to != w->valid_to)
        field_time(im, f, "valid_to", c->valid_to, w->valid_to);
    if (c->priority != w->priority)
        field_num(f, "priority", c->priority, w->priority, 0);
    if (c->stacking != w->stacking)
        field_str(f, "stacking", STACKING(c->stacking), STACKING(w->stacking));
    if (c->required_binding != w->required_binding)
        field_num(f, "required_binding", c->required_binding,
                  w->required_binding, 0);
}

static int
insert_campaign(struct import *im, const struct ec_promotion_campaign *w,
                long long *id)
{
    struct ec_db_param p[] = {
        EC_DB_I(im->tenant),
        EC_DB_S(w->code),
        EC_DB_S(w->name),
        EC_DB_I(w->valid_from),
        EC_DB_I(w->valid_to),
        EC_DB_I(w->priority),
        EC_DB_S(STACKING(w->stacking)),
        EC_DB_I(w->required_binding),
    };
    struct ec_db_param sel[] = {EC_DB_I(im->tenant), EC_DB_S(w->code)};
    int rc;

    /* created_at takes its default: the campaign is new now */
    rc = ec_db_exec(im->db,
                    "INSERT INTO campaigns (tenant_id, code, name,"
                    " valid_from, valid_to, priority, stacking,"
                    " required_binding) VALUES (?, ?, ?, FROM_UNIXTIME(?),"
                    " FROM_UNIXTIME(?), ?, ?, ?)",
                    p, 8, NULL, NULL, NULL);
    if (rc < 0)
        return rc;
    return ec_db_exec(
        im->db, "SELECT id FROM campaigns WHERE tenant_id = ? AND code = ?",
        sel, 2, id_row, id, NULL);
}

static int
update_campaign(struct import *im, const struct ec_promotion_campaign *w,
                long long id)
{
    struct ec_db_param p[] = {
        EC_DB_S(w->name),
        EC_DB_I(w->valid_from),
        EC_DB_I(w->valid_to),
        EC_DB_I(w->priority),
        EC_DB_S(STACKING(w->stacking)),
        EC_DB_I(w->required_binding),
        EC_DB_I(im->tenant),
        EC_DB_I(id),
    };

    /* created_at stays: it decides which campaign is the newest */
    return ec_db_exec(im->db,
                      "UPDATE campaigns SET name = ?,"
                      " valid_from = FROM_UNIXTIME(?),"
                      " valid_to = FROM_UNIXTIME(?), priority = ?,"
                      " stacking = ?, required_binding = ?"
                      " WHERE tenant_id = ? AND id = ?",
                      p, 8, NULL, NULL, NULL);
}

/* A campaign's own tables, which an update replaces one by one. */
enum campaign_rows { CAMPAIGN_PRODUCTS, CAMPAIGN_CHANNELS, CAMPAIGN_ACTIONS };

/* one literal each: the database layer keeps prepared statements by the
   address of their text */
static const char *const clear_sql[] = {
    "DELETE FROM campaign_products WHERE tenant_id = ? AND campaign_id = ?",
    "DELETE FROM campaign_channels WHERE tenant_id = ? AND campaign_id = ?",
    "DELETE FROM campaign_actions WHERE tenant_id = ? AND campaign_id = ?",
};

/* Delete the rows of campaign id in table. */
static int
clear_campaign_rows(struct import *im, enum campaign_rows table, long long id)
{
    struct ec_db_param p[] = {EC_DB_I(im->tenant), EC_DB_I(id)};

    return ec_db_exec(im->db, clear_sql[table], p, 2, NULL, NULL, NULL);
}

/* One row (tenant, campaign id, other id) of a campaign's link table. */
static int
put_campaign_link(struct import *im, const char *sql, long long id,
                  long long other)
{
    struct ec_db_param p[] = {EC_DB_I(im->tenant), EC_DB_I(id), EC_DB_I(other)};

    return ec_db_exec(im->db, sql, p, 3, NULL, NULL, NULL);
}

static int
put_campaign_products(struct import *im, const struct sku_index *want_ix,
                      const struct ec_promotion_campaign *w, long long id)
{
    int rc = 0;

    for (size_t k = 0; k < w->n_skus && rc == 0; k++) {
        long pos = sku_index_find(want_ix, w->skus[k]);

        rc = put_campaign_link(im,
                               "INSERT INTO campaign_products"
                               " (tenant_id, campaign_id, product_id)"
                               " VALUES (?, ?, ?)",
                               id, pos < 0 ? 0 : im->want_product_ids[pos]);
    }
    return rc;
}

static int
put_campaign_channels(struct import *im, const struct ec_promotion_campaign *w,
                      long long id)
{
    int rc = 0;

    for (size_t k = 0; k < w->n_channels && rc == 0; k++)
        rc = put_campaign_link(im,
                               "INSERT INTO campaign_channels"
                               " (tenant_id, campaign_id, channel_id)"
                               " VALUES (?, ?, ?)",
                               id, want_channel_id(im, w->channels[k]));
    return rc;
}

static int
put_campaign_actions(struct import *im, const struct ec_promotion_campaign *w,
                     long long id)
{
    int rc = 0;

    for (size_t k = 0; k < w->n_actions && rc == 0; k++) {
        const struct ec_promotion_action *a = &w->actions[k];
        const char *fees =
            a->fees ? set_value(im->a, a->fees, ec_fee_names) : NULL;
        struct ec_db_param p[] = {
            EC_DB_I(im->tenant),       EC_DB_I(id),
            EC_DB_I((long long)k + 1), EC_DB_S(ACTION_KIND(a->kind)),
            EC_DB_I(a->value),         EC_DB_I(a->first_month),
            EC_DB_I(a->months),        fees ? EC_DB_S(fees) : null_param,
        };

        rc = ec_db_exec(im->db,
                        "INSERT INTO campaign_actions (tenant_id,"
                        " campaign_id, position, kind, value, first_month,"
                        " months, fees) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                        p, 8, NULL, NULL, NULL);
    }
    return rc;
}

static long
find_campaign(const struct ec_catalog_doc *doc, const char *code)
{
    for (size_t i = 0; i < doc->ncampaigns; i++)
        if (strcmp(doc->campaigns[i].code, code) == 0)
            return (long)i;
    return -1;
}

/*
 * Campaigns are matched by code. Those the document lacks are deleted
 * (orders keep their own prices and never refer to a campaign), first, so
 * that nothing of theirs is in the way of the others.
 */
static int
apply_campaigns(struct import *im)
{
    const struct ec_catalog_doc *want = im->want, *cur = &im->cur;
    long *match = ec_arena_calloc(im->a, want->ncampaigns + 1, sizeof(long));
    char *kept = ec_arena_calloc(im->a, cur->ncampaigns + 1, 1);
    struct fields f = {EC_BUF_INIT, EC_BUF_INIT};
    struct sku_index want_ix;
    int rc = 0;

    sku_index_build(&want_ix, im->a, want, 0);
    for (size_t i = 0; i < want->ncampaigns; i++) {
        match[i] = find_campaign(cur, want->campaigns[i].code);
        if (match[i] >= 0)
            kept[match[i]] = 1;
    }
    for (size_t j = 0; j < cur->ncampaigns && rc == 0; j++) {
        struct ec_db_param p[] = {EC_DB_I(im->tenant),
                                  EC_DB_I(im->cur.campaigns[j].id)};

        if (kept[j])
            continue;
        /* its products, channels and actions go with it (cascade) */
        rc = ec_db_exec(im->db,
                        "DELETE FROM campaigns WHERE tenant_id = ? AND id = ?",
                        p, 2, NULL, NULL, NULL);
    }
    for (size_t i = 0; i < want->ncampaigns && rc == 0; i++) {
        const struct ec_promotion_campaign *w = &want->campaigns[i], *c;
        long long id;

        if (match[i] < 0) {
            rc = insert_campaign(im, w, &id);
            if (rc == 0)
                rc = put_campaign_products(im, &want_ix, w, id);
            if (rc == 0)
                rc = put_campaign_channels(im, w, id);
            if (rc == 0)
                rc = put_campaign_actions(im, w, id);
            say(im, "added campaign %s", w->code);
            continue;
        }
        c = &cur->campaigns[match[i]];
        id = im->cur.campaigns[match[i]].id;
        fields_reset(&f);
        campaign_changes(im, &f, c, w);
        if (fields_any(&f))
            rc = update_campaign(im, w, id);
        if (rc == 0 && !same_strings(w->skus, w->n_skus, c->skus, c->n_skus)) {
            field(&f, "products");
            rc = clear_campaign_rows(im, CAMPAIGN_PRODUCTS, id);
            if (rc == 0)
                rc = put_campaign_products(im, &want_ix, w, id);
        }
        if (rc == 0 && !same_strings(w->channels, w->n_channels, c->channels,
                                     c->n_channels)) {
            field(&f, "channels");
            rc = clear_campaign_rows(im, CAMPAIGN_CHANNELS, id);
            if (rc == 0)
                rc = put_campaign_channels(im, w, id);
        }
        if (rc == 0 && !same_actions(w, c)) {
            field(&f, "actions");
            rc = clear_campaign_rows(im, CAMPAIGN_ACTIONS, id);
            if (rc == 0)
                rc = put_campaign_actions(im, w, id);
        }
        if (fields_any(&f))
            say(im, "updated campaign %s: %s", w->code, fields_text(&f));
    }
    for (size_t j = 0; j < cur->ncampaigns && rc == 0; j++)
        if (!kept[j])
            say(im, "removed campaign %s", cur->campaigns[j].code);
    fields_release(&f);
    return rc;
}
int
ec_catalog_write(struct ec_db *db, const struct ec_catalog_tenant *t,
                 const struct ec_catalog_doc *want,
                 struct ec_catalog_changes *changes)
{
    struct import im;
    int rc;

    memset(&im, 0, sizeof(im));
    im.db = db;
    im.tenant = t->id;
    im.zone = t->zone;
    im.want = want;
    im.changes = changes;
    ec_catalog_doc_init(&im.cur);
    im.a = &im.cur.arena;
    if ((rc = ec_catalog_read(db, im.tenant, &im.cur)) == 0 &&
        (rc = apply_channels(&im)) == 0 && (rc = apply_rules(&im)) == 0 &&
        (rc = apply_products(&im)) == 0)
        rc = apply_campaigns(&im);
    ec_catalog_doc_release(&im.cur);
    return rc;
}
