#include "render/messages.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <json-c/json.h>

#include "core/buf.h"
#include "core/clock.h"
#include "core/log.h"
#include "core/xalloc.h"
#include "render/mustache.h"

/* ---- the .po format ---- */

/* What the parser is reading the strings of. */
enum po_field { PO_NONE, PO_ID, PO_STR };

struct po_parser {
    const char *p, *end;
    unsigned line;
    const char *why;
    struct ec_buf id, str;
    enum po_field field; /* what a continuation line appends to */
    int has_id, has_str, fuzzy;
    size_t cap;
};

static int
po_fail(struct po_parser *ps, const char *why)
{
    ps->why = why;
    return -1;
}

/* The next line, without its end; NULL at the end of the text. */
static const char *
next_line(struct po_parser *ps, size_t *len)
{
    const char *s = ps->p, *nl;

    if (ps->p >= ps->end)
        return NULL;
    nl = memchr(s, '\n', (size_t)(ps->end - s));
    *len = (size_t)((nl ? nl : ps->end) - s);
    ps->p = nl ? nl + 1 : ps->end;
    ps->line++;
    if (*len > 0 && s[*len - 1] == '\r')
        (*len)--;
    return s;
}

/* Append the C-quoted string at s (len bytes, from its opening quote,
   nothing but blanks after its closing one) to out. */
static int
po_string(struct po_parser *ps, const char *s, size_t len, struct ec_buf *out)
{
    size_t i = 1;

    if (len == 0 || s[0] != '"')
        return po_fail(ps, "expected a quoted string");
    for (; i < len && s[i] != '"'; i++) {
        char c = s[i];

        if ((unsigned char)c < 0x20)
            return po_fail(ps, "control character in a string");
        if (c != '\\') {
            ec_buf_addch(out, c);
            continue;
        }
        if (++i == len)
            break;
        switch (s[i]) {
        case 'n':
            ec_buf_addch(out, '\n');
            break;
        case 't':
            ec_buf_addch(out, '\t');
            break;
        case 'r':
            ec_buf_addch(out, '\r');
            break;
        case '"':
        case '\\':
            ec_buf_addch(out, s[i]);
            break;
        default:
            return po_fail(ps, "unknown escape in a string");
        }
    }
    if (i >= len)
        return po_fail(ps, "string without its closing quote");
    for (i++; i < len; i++)
        if (s[i] != ' ' && s[i] != '\t')
            return po_fail(ps, "text after a string");
    return 0;
}

static int
entry_cmp(const void *a, const void *b)
{
    return strcmp(((const struct ec_po_entry *)a)->id,
                  ((const struct ec_po_entry *)b)->id);
}

/* The entry read so far into po, unless msgfmt would leave it out. */
static int
po_finish(struct po_parser *ps, struct ec_po *po)
{
    if (!ps->has_id && !ps->has_str) {
        ps->fuzzy = 0;
        return 0;
    }
    if (!ps->has_id || !ps->has_str)
        return po_fail(ps, "msgid without msgstr or msgstr without msgid");
    /* the header (msgid "") and untranslated or fuzzy entries */
    if (ps->id.len > 0 && ps->str.len > 0 && !ps->fuzzy) {
        if (memchr(ps->id.data, '\0', ps->id.len) ||
            memchr(ps->str.data, '\0', ps->str.len))
            return po_fail(ps, "NUL in a string");
        if (po->n == ps->cap) {
            ps->cap = ps->cap ? 2 * ps->cap : 64;
            po->entries =
                ec_xrealloc(po->entries, ps->cap * sizeof(*po->entries));
        }
        po->entries[po->n].id = ec_xstrndup(ps->id.data, ps->id.len);
        po->entries[po->n].str = ec_xstrndup(ps->str.data, ps->str.len);
        po->n++;
    }
    ec_buf_reset(&ps->id);
    ec_buf_reset(&ps->str);
    ps->has_id = ps->has_str = ps->fuzzy = 0;
    ps->field = PO_NONE;
    return 0;
}

static int
keyword(const char *s, size_t len, const char *kw, const char **rest,
        size_t *rlen)
{
    size_t k = strlen(kw);

    if (len <= k || memcmp(s, kw, k) != 0 || (s[k] != ' ' && s[k] != '\t'))
        return 0;
    for (s += k, len -= k; len && (*s == ' ' || *s == '\t'); s++, len--)
        ;
    *rest = s;
    *rlen = len;
    return 1;
}

static int
po_line(struct po_parser *ps, struct ec_po *po, const char *s, size_t len)
{
    const char *rest;
    size_t rlen;

    while (len && (*s == ' ' || *s == '\t'))
        s++, len--;
    if (len == 0)
        return po_finish(ps, po);
    if (s[0] == '#') {
        /* a comment starts the next entry; "#," lists its flags */
        if (ps->has_str && po_finish(ps, po) < 0)
            return -1;
        if (len > 1 && s[1] == ',') {
            struct ec_buf flags = EC_BUF_INIT;

            ec_buf_add(&flags, s, len);
            if (strstr(flags.data, "fuzzy"))
                ps->fuzzy = 1;
            ec_buf_release(&flags);
        }
        return 0;
    }
    if (s[0] == '"') {
        if (ps->field == PO_NONE)
            return po_fail(ps, "string outside an entry");
        return po_string(ps, s, len, ps->field == PO_ID ? &ps->id : &ps->str);
    }
    if (keyword(s, len, "msgid", &rest, &rlen)) {
        if (ps->has_str && po_finish(ps, po) < 0)
            return -1;
        if (ps->has_id)
            return po_fail(ps, "two msgids in one entry");
        ps->has_id = 1;
        ps->field = PO_ID;
        return po_string(ps, rest, rlen, &ps->id);
    }
    if (keyword(s, len, "msgstr", &rest, &rlen)) {
        if (!ps->has_id || ps->has_str)
            return po_fail(ps, "msgstr without its msgid");
        ps->has_str = 1;
        ps->field = PO_STR;
        return po_string(ps, rest, rlen, &ps->str);
    }
    if (len >= 7 && memcmp(s, "msgctxt", 7) == 0)
        return po_fail(ps, "msgctxt is not supported");
    if (len >= 6 && memcmp(s, "msgid_", 6) == 0)
        return po_fail(ps, "plural forms are not supported");
    if (len >= 7 && memcmp(s, "msgstr[", 7) == 0)
        return po_fail(ps, "plural forms are not supported");
    return po_fail(ps, "unknown keyword");
}

int
ec_po_parse(struct ec_po *po, const char *text, size_t len, unsigned *line,
            const char **why)
{
    struct po_parser ps = {.p = text, .end = text + len};
    const char *s;
    size_t n;
    int rc = 0;

    memset(po, 0, sizeof(*po));
    ec_buf_init(&ps.id);
    ec_buf_init(&ps.str);
    while (rc == 0 && (s = next_line(&ps, &n)))
        rc = po_line(&ps, po, s, n);
    if (rc == 0)
        rc = po_finish(&ps, po);
    if (rc == 0 && po->n > 1) {
        qsort(po->entries, po->n, sizeof(*po->entries), entry_cmp);
        for (size_t i = 1; i < po->n; i++)
            if (strcmp(po->entries[i - 1].id, po->entries[i].id) == 0) {
                ps.line = 0;
                rc = po_fail(&ps, "a msgid appears twice");
                break;
            }
    }
    ec_buf_release(&ps.id);
    ec_buf_release(&ps.str);
    if (rc < 0) {
        *line = ps.line;
        *why = ps.why;
        ec_po_release(po);
        return -1;
    }
    return 0;
}

void
ec_po_release(struct ec_po *po)
{
    for (size_t i = 0; i < po->n; i++) {
        free(po->entries[i].id);
        free(po->entries[i].str);
    }
    free(po->entries);
    po->entries = NULL;
    po->n = 0;
}

static const struct ec_po_entry *
po_lookup(const struct ec_po *po, const char *id)
{
    struct ec_po_entry key = {(char *)id, NULL};

    if (po->n == 0)
        return NULL;
    return bsearch(&key, po->entries, po->n, sizeof(*po->entries), entry_cmp);
}

const char *
ec_po_find(const struct ec_po *po, const char *id)
{
    const struct ec_po_entry *e = po_lookup(po, id);

    return e ? e->str : NULL;
}

/* ---- files and catalogs ---- */

/* One .po file as last read; shared by every catalog that layers it. */
struct po_file {
    struct po_file *next;
    char *path;
    int exists;
    struct timespec mtime;
    off_t size;
    struct ec_po po;
};

/*
 * One (tenant, requested locale): its layers merged into one sorted
 * table (a tenant's message first), plus what templates and the script
 * read, all built together.
 */
struct ec_msgcat {
    struct ec_msgcat *next;
    char *slug, *want;         /* as asked for */
    char *locale;              /* as spoken */
    struct po_file *layers[2]; /* the tenant's, the default: may be NULL */
    struct timespec stamp[2];  /* the layers' mtimes when merged */
    int existed[2];
    struct ec_po merged;        /* entries borrowed from the layers */
    struct ec_tmpl **tmpls;     /* one per merged entry, NULL if broken */
    struct json_object *json;   /* {{t....}} */
    struct json_object *script; /* a json-c string: script_json */
    long long checked_ms;       /* its files' last check (monotonic) */
};

struct ec_messages {
    char *dir;
    long check_ms; /* < 0: never */
    struct po_file *files;
    struct ec_msgcat *cats;
};

struct ec_messages *
ec_messages_new(const char *dir, long check_ms)
{
    struct ec_messages *m = ec_xcalloc(1, sizeof(*m));

    m->dir = ec_xstrdup(dir);
    m->check_ms = check_ms;
    return m;
}

static void
cat_clear(struct ec_msgcat *c)
{
    for (size_t i = 0; c->tmpls && i < c->merged.n; i++)
        ec_tmpl_free(c->tmpls[i]);
    free(c->tmpls);
    c->tmpls = NULL;
    free(c->merged.entries); /* the strings belong to the layers */
    c->merged.entries = NULL;
    c->merged.n = 0;
    if (c->json)
        json_object_put(c->json);
    c->json = NULL;
    if (c->script)
        json_object_put(c->script);
    c->script = NULL;
    free(c->locale);
    c->locale = NULL;
}

int
ec_messages_speaks(const char *dir, const char *locale)
{
    struct ec_messages *m;
    int ok;

    if (!locale || strlen(locale) < 2)
        return 0;
    m = ec_messages_new(dir, -1);
    ok = strncmp(ec_msgcat_locale(ec_messages_get(m, NULL, locale)), locale,
                 2) == 0;
    ec_messages_free(m);
    return ok;
}

void
ec_messages_free(struct ec_messages *m)
{
    struct ec_msgcat *c, *cn;
    struct po_file *f, *fn;

    if (!m)
        return;
    for (c = m->cats; c; c = cn) {
        cn = c->next;
        cat_clear(c);
        free(c->slug);
        free(c->want);
        free(c);
    }
    for (f = m->files; f; f = fn) {
        fn = f->next;
        ec_po_release(&f->po);
        free(f->path);
        free(f);
    }
    free(m->dir);
    free(m);
}

static int
same_time(const struct timespec *a, const struct timespec *b)
{
    return a->tv_sec == b->tv_sec && a->tv_nsec == b->tv_nsec;
}

static void
file_read(struct po_file *f, const struct stat *st)
{
    struct ec_buf text = EC_BUF_INIT;
    const char *why;
    unsigned line;

    ec_po_release(&f->po);
    f->exists = st != NULL;
    if (!st)
        return;
    f->mtime = st->st_mtim;
    f->size = st->st_size;
    if (ec_buf_read_file(&text, f->path, EC_MESSAGES_MAX_FILE) < 0)
        ec_log_error("messages %s: cannot read: %s", f->path, strerror(errno));
    else if (ec_po_parse(&f->po, text.data ? text.data : "", text.len, &line,
                         &why) < 0)
        ec_log_error("messages %s:%u: %s", f->path, line, why);
    ec_buf_release(&text);
}

/* The file at path, read (or reread, when reload is on and it changed). */
static struct po_file *
file_get(struct ec_messages *m, const char *path)
{
    struct po_file *f;
    struct stat st;
    int exists;

    for (f = m->files; f; f = f->next)
        if (strcmp(f->path, path) == 0)
            break;
    if (f && m->check_ms < 0)
        return f;
    exists = stat(path, &st) == 0 && S_ISREG(st.st_mode);
    if (f) {
        if (exists == f->exists &&
            (!exists ||
             (same_time(&st.st_mtim, &f->mtime) && st.st_size == f->size)))
            return f;
    } else {
        f = ec_xcalloc(1, sizeof(*f));
        f->path = ec_xstrdup(path);
        f->next = m->files;
        m->files = f;
    }
    file_read(f, exists ? &st : NULL);
    return f;
}

static struct po_file *
layer(struct ec_messages *m, const char *slug, const char *locale)
{
    struct ec_buf p = EC_BUF_INIT;
    struct po_file *f;

    if (slug)
        ec_buf_addf(&p, "%s/tenants/%s/messages/%s.po", m->dir, slug, locale);
    else
        ec_buf_addf(&p, "%s/default/messages/%s.po", m->dir, locale);
    f = file_get(m, p.data);
    ec_buf_release(&p);
    return f;
}

/* Locales and slugs become file names: nothing but [A-Za-z0-9_-]. */
static int
safe_name(const char *s)
{
    if (!*s || strlen(s) > 64)
        return 0;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
              (*s >= '0' && *s <= '9') || *s == '-' || *s == '_'))
            return 0;
    return 1;
}

/* The default layer of the locale the tenant's locale is spoken in. */
static struct po_file *
spoken(struct ec_messages *m, const char *want, char **locale)
{
    char lang[65];
    struct po_file *f;
    size_t n;

    if (want && safe_name(want)) {
        if ((f = layer(m, NULL, want))->exists) {
            *locale = ec_xstrdup(want);
            return f;
        }
        n = strcspn(want, "-_");
        if (want[n]) {
            memcpy(lang, want, n);
            lang[n] = '\0';
            if ((f = layer(m, NULL, lang))->exists) {
                *locale = ec_xstrdup(lang);
                return f;
            }
        }
    }
    *locale = ec_xstrdup(EC_MESSAGES_FALLBACK_LOCALE);
    return layer(m, NULL, EC_MESSAGES_FALLBACK_LOCALE);
}

static const char *const script_prefixes[] = {"js.", "form_error.",
                                              "field_error."};

static int
for_script(const char *id)
{
    for (size_t i = 0; i < sizeof(script_prefixes) / sizeof(*script_prefixes);
         i++)
        if (strncmp(id, script_prefixes[i], strlen(script_prefixes[i])) == 0)
            return 1;
    return 0;
}

/* Put text under the dotted id into root; 0, or -1 on a leaf/prefix clash. */
static int
json_put(struct json_object *root, const char *id, const char *text)
{
    struct json_object *o = root, *next;
    const char *seg = id, *dot;
    char key[256];

    while ((dot = strchr(seg, '.'))) {
        size_t n = (size_t)(dot - seg);

        if (n == 0 || n >= sizeof(key))
            return -1;
        memcpy(key, seg, n);
        key[n] = '\0';
        if (!json_object_object_get_ex(o, key, &next)) {
            next = json_object_new_object();
            json_object_object_add(o, key, next);
        } else if (!json_object_is_type(next, json_type_object)) {
            return -1;
        }
        o = next;
        seg = dot + 1;
    }
    if (!*seg || json_object_object_get_ex(o, seg, NULL))
        return -1;
    json_object_object_add(o, seg, json_object_new_string(text));
    return 0;
}

/*
 * A message as template source: its literal text HTML-escaped, its tags
 * as they are, so {{>t/id}} writes what {{t.id}} would for plain text.
 */
static void
escaped_source(struct ec_buf *b, const char *s)
{
    const char *open, *close;

    while ((open = strstr(s, "{{")) && (close = strstr(open + 2, "}}"))) {
        ec_buf_add_html(b, s, (size_t)(open - s));
        close += 2;
        if (*close == '}') /* {{{name}}} */
            close++;
        ec_buf_add(b, open, (size_t)(close - open));
        s = close;
    }
    ec_buf_add_html(b, s, strlen(s));
}

static void
cat_build(struct ec_messages *m, struct ec_msgcat *c)
{
    struct po_file *def = spoken(m, c->want, &c->locale);
    struct ec_buf json = EC_BUF_INIT, src = EC_BUF_INIT;
    size_t n = 0, i, j;

    c->layers[0] = c->slug ? layer(m, c->slug, c->locale) : NULL;
    c->layers[1] = def;
    for (i = 0; i < 2; i++) {
        c->existed[i] = c->layers[i] && c->layers[i]->exists;
        if (c->layers[i])
            c->stamp[i] = c->layers[i]->mtime;
        n += c->layers[i] ? c->layers[i]->po.n : 0;
    }
    /* merge the two sorted tables; the tenant's entry wins a tie */
    c->merged.entries = ec_xcalloc(n ? n : 1, sizeof(*c->merged.entries));
    {
        const struct ec_po *a = c->layers[0] ? &c->layers[0]->po : NULL;
        const struct ec_po *b = &def->po;
        size_t an = a ? a->n : 0;

        for (i = 0, j = 0; i < an || j < b->n;) {
            int cmp = i == an     ? 1
                      : j == b->n ? -1
                                  : strcmp(a->entries[i].id, b->entries[j].id);

            if (cmp <= 0) {
                c->merged.entries[c->merged.n++] = a->entries[i++];
                if (cmp == 0)
                    j++;
            } else {
                c->merged.entries[c->merged.n++] = b->entries[j++];
            }
        }
    }
    c->tmpls = ec_xcalloc(c->merged.n ? c->merged.n : 1, sizeof(*c->tmpls));
    c->json = json_object_new_object();
    ec_buf_addch(&json, '{');
    for (i = 0; i < c->merged.n; i++) {
        const struct ec_po_entry *e = &c->merged.entries[i];
        struct ec_tmpl_error err;

        if (json_put(c->json, e->id, e->str) < 0)
            ec_log_error("messages %s: \"%s\" clashes with another msgid "
                         "(one may not be a prefix of another)",
                         c->locale, e->id);
        ec_buf_reset(&src);
        escaped_source(&src, e->str);
        if (ec_tmpl_compile(e->id, src.data, src.len, &c->tmpls[i], &err) < 0)
            ec_log_error("messages %s: %s:%u:%u: %s", c->locale, err.name,
                         err.line, err.column, err.message);
        if (for_script(e->id)) {
            if (json.len > 1)
                ec_buf_addch(&json, ',');
            ec_buf_addch(&json, '"');
            ec_buf_add_json_str(&json, e->id, strlen(e->id));
            ec_buf_adds(&json, "\":\"");
            ec_buf_add_json_str(&json, e->str, strlen(e->str));
            ec_buf_addch(&json, '"');
        }
    }
    ec_buf_addch(&json, '}');
    /* one string shared by every page that carries it */
    c->script = json_object_new_string_len(json.data, (int)json.len);
    ec_buf_release(&json);
    ec_buf_release(&src);
}

/* Whether a layer of c changed on disk since c was merged. */
static int
cat_stale(struct ec_messages *m, struct ec_msgcat *c)
{
    struct po_file *def;
    char *locale;
    int stale;

    def = spoken(m, c->want, &locale);
    stale = strcmp(locale, c->locale) != 0 || def != c->layers[1];
    free(locale);
    if (stale)
        return 1;
    if (c->slug && layer(m, c->slug, c->locale) != c->layers[0])
        return 1;
    for (int i = 0; i < 2; i++)
        if (c->layers[i] && (c->layers[i]->exists != c->existed[i] ||
                             !same_time(&c->layers[i]->mtime, &c->stamp[i])))
            return 1;
    return 0;
}

static int
same_str(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

const struct ec_msgcat *
ec_messages_get(struct ec_messages *m, const char *slug, const char *locale)
{
    struct ec_msgcat *c;
    long long now = ec_clock_ms();

    if (slug && (!*slug || !safe_name(slug)))
        slug = NULL;
    for (c = m->cats; c; c = c->next)
        if (same_str(c->slug, slug) && same_str(c->want, locale))
            break;
    if (c) {
        if (m->check_ms < 0 || now - c->checked_ms < m->check_ms)
            return c;
        c->checked_ms = now;
        if (!cat_stale(m, c))
            return c;
        cat_clear(c);
    } else {
        c = ec_xcalloc(1, sizeof(*c));
        c->slug = slug ? ec_xstrdup(slug) : NULL;
        c->want = locale ? ec_xstrdup(locale) : NULL;
        c->next = m->cats;
        m->cats = c;
    }
    c->checked_ms = now;
    cat_build(m, c);
    return c;
}

const char *
ec_msgcat_locale(const struct ec_msgcat *c)
{
    return c->locale;
}

const char *
ec_msgcat_find(const struct ec_msgcat *c, const char *id)
{
    return c ? ec_po_find(&c->merged, id) : NULL;
}

const char *
ec_msgcat_text(const struct ec_msgcat *c, const char *id)
{
    const char *s = ec_msgcat_find(c, id);

    return s ? s : id;
}

struct json_object *
ec_msgcat_json(const struct ec_msgcat *c)
{
    return c->json;
}

const char *
ec_msgcat_script_json(const struct ec_msgcat *c)
{
    return json_object_get_string(c->script);
}

struct json_object *
ec_msgcat_script_model(const struct ec_msgcat *c)
{
    return c->script;
}

const struct ec_tmpl *
ec_msgcat_tmpl(const struct ec_msgcat *c, const char *id, size_t len)
{
    char key[256];
    const struct ec_po_entry *e;

    if (len >= sizeof(key))
        return NULL;
    memcpy(key, id, len);
    key[len] = '\0';
    if (!(e = po_lookup(&c->merged, key)))
        return NULL;
    return c->tmpls[e - c->merged.entries];
}

int
ec_msgcat_render(const struct ec_msgcat *c, const char *id,
                 struct json_object *model, struct ec_buf *out)
{
    const char *s = ec_msgcat_text(c, id);
    struct ec_tmpl_error err;
    struct ec_tmpl *t;
    size_t mark = out->len;
    int rc;

    if (!strstr(s, "{{")) {
        ec_buf_adds(out, s);
        return 0;
    }
    if (ec_tmpl_compile(id, s, strlen(s), &t, &err) < 0) {
        ec_log_error("messages %s: %s:%u:%u: %s", c ? c->locale : "-", err.name,
                     err.line, err.column, err.message);
        ec_buf_adds(out, id);
        return -1;
    }
    rc = ec_tmpl_render(t, model, NULL, NULL, out, &err);
    ec_tmpl_free(t);
    if (rc < 0) {
        out->len = mark;
        if (out->cap)
            out->data[mark] = '\0';
        ec_buf_adds(out, id);
    }
    return rc;
}
