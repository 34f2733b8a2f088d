#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "../test.h"
#include "core/err.h"
#include "core/buf.h"
#include "render/messages.h"
#include "render/mustache.h"
#include "render/theme.h"

static char dir[64];

static int
write_file(const char *rel, const char *text)
{
    char path[256], cmd[300];
    FILE *f;

    snprintf(path, sizeof(path), "%s/%s", dir, rel);
    snprintf(cmd, sizeof(cmd), "mkdir -p \"$(dirname '%s')\"", path);
    if (system(cmd) != 0 || !(f = fopen(path, "w")))
        return -1;
    fputs(text, f);
    return fclose(f);
}

/* Give a file an mtime in the past so a rewrite is seen as a change. */
static void
age(const char *rel)
{
    char path[256];
    struct timespec t[2] = {{1000000000, 0}, {1000000000, 0}};

    snprintf(path, sizeof(path), "%s/%s", dir, rel);
    CU_ASSERT_EQUAL(utimensat(AT_FDCWD, path, t, 0), 0);
}

static const char da_po[] = "# Danish\n"
                            "msgid \"\"\n"
                            "msgstr \"\"\n"
                            "\"Content-Type: text/plain; charset=UTF-8\\n\"\n"
                            "\n"
                            "msgid \"basket.empty\"\n"
                            "msgstr \"Kurven er tom.\"\n"
                            "\n"
                            "#. a comment for translators\n"
                            "msgid \"basket.title\"\n"
                            "msgstr \"\"\n"
                            "\"Din \"\n"
                            "\"kurv\"\n"
                            "\n"
                            "msgid \"binding.months\"\n"
                            "msgstr \"{{months}} måneders binding\"\n"
                            "\n"
                            "msgid \"js.adding\"\n"
                            "msgstr \"Lægger i <kurven> …\"\n"
                            "\n"
                            "msgid \"only.default\"\n"
                            "msgstr \"Kun i standarden\"\n";

static int
setup(void)
{
    strcpy(dir, "/tmp/ec-messages-XXXXXX");
    if (!mkdtemp(dir))
        return -1;
    if (write_file("default/messages/da-DK.po", da_po) < 0 ||
        write_file("default/messages/en.po",
                   "msgid \"basket.empty\"\nmsgstr \"The basket is empty.\"\n"
                   "msgid \"basket.title\"\nmsgstr \"Your basket\"\n") < 0 ||
        write_file("tenants/acme/messages/da-DK.po",
                   "msgid \"basket.empty\"\nmsgstr \"Ingen varer & intet "
                   "andet.\"\n") < 0 ||
        write_file("tenants/broken/messages/da-DK.po",
                   "msgid \"basket.empty\"\nmsgstr \"no closing quote\n") < 0)
        return -1;
    return 0;
}

static int
teardown(void)
{
    char cmd[128];

    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

static int
parse(struct ec_po *po, const char *text, unsigned *line, const char **why)
{
    return ec_po_parse(po, text, strlen(text), line, why);
}

static void
test_po_parse(void)
{
    struct ec_po po;
    unsigned line = 0;
    const char *why = NULL;

    CU_ASSERT_EQUAL_FATAL(parse(&po, da_po, &line, &why), 0);
    CU_ASSERT_EQUAL(po.n, 5); /* not the header */
    EC_ASSERT_STR(ec_po_find(&po, "basket.title"), "Din kurv");
    EC_ASSERT_STR(ec_po_find(&po, "binding.months"),
                  "{{months}} måneders binding");
    CU_ASSERT_PTR_NULL(ec_po_find(&po, "basket"));
    CU_ASSERT_PTR_NULL(ec_po_find(&po, ""));
    ec_po_release(&po);
}

static void
test_po_escapes_fuzzy_and_untranslated(void)
{
    struct ec_po po;
    unsigned line = 0;
    const char *why = NULL;

    CU_ASSERT_EQUAL_FATAL(
        parse(&po,
              "msgid \"a\"\r\nmsgstr \"say \\\"hi\\\"\\n\\tand \\\\ go\"\r\n\n"
              "#, fuzzy, c-format\nmsgid \"b\"\nmsgstr \"guessed\"\n\n"
              "msgid \"c\"\nmsgstr \"\"\n\n"
              "#~ msgid \"d\"\n#~ msgstr \"obsolete\"\n",
              &line, &why),
        0);
    CU_ASSERT_EQUAL(po.n, 1);
    EC_ASSERT_STR(ec_po_find(&po, "a"), "say \"hi\"\n\tand \\ go");
    CU_ASSERT_PTR_NULL(ec_po_find(&po, "b")); /* fuzzy: msgfmt skips it */
    CU_ASSERT_PTR_NULL(ec_po_find(&po, "c")); /* untranslated */
    CU_ASSERT_PTR_NULL(ec_po_find(&po, "d"));
    ec_po_release(&po);
}

static void
test_po_errors_name_the_line(void)
{
    static const struct {
        const char *text;
        unsigned line;
        const char *why;
    } cases[] = {
        {"msgid \"a\"\nmsgstr \"b\n", 2, "string without its closing quote"},
        {"msgid \"a\"\nmsgstr \"b\" x\n", 2, "text after a string"},
        {"msgid \"a\"\nmsgstr \"\\q\"\n", 2, "unknown escape in a string"},
        {"msgstr \"b\"\n", 1, "msgstr without its msgid"},
        {"msgid \"a\"\n\nmsgstr \"b\"\n", 2,
         "msgid without msgstr or msgstr without msgid"},
        {"\"loose\"\n", 1, "string outside an entry"},
        {"msgctxt \"x\"\nmsgid \"a\"\nmsgstr \"b\"\n", 1,
         "msgctxt is not supported"},
        {"msgid \"a\"\nmsgid_plural \"as\"\nmsgstr[0] \"b\"\n", 2,
         "plural forms are not supported"},
        {"msgid \"a\"\nmsgstr \"b\"\nmsgid \"a\"\nmsgstr \"c\"\n", 0,
         "a msgid appears twice"},
        {"msgid a\nmsgstr \"b\"\n", 1, "expected a quoted string"},
        {"mgsid \"a\"\n", 1, "unknown keyword"},
    };

    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
        struct ec_po po;
        unsigned line = 99;
        const char *why = NULL;

        CU_ASSERT_EQUAL(parse(&po, cases[i].text, &line, &why), -1);
        if (line != cases[i].line)
            fprintf(stderr, "\n    case %zu: line %u\n", i, line);
        CU_ASSERT_EQUAL(line, cases[i].line);
        EC_ASSERT_STR(why, cases[i].why);
        CU_ASSERT_EQUAL(po.n, 0);
        ec_po_release(&po);
    }
}

static void
test_fallback_tenant_default_msgid(void)
{
    struct ec_messages *m = ec_messages_new(dir, -1);
    const struct ec_msgcat *acme = ec_messages_get(m, "acme", "da-DK");
    const struct ec_msgcat *other = ec_messages_get(m, "other", "da-DK");
    const struct ec_msgcat *en = ec_messages_get(m, "acme", "en");

    /* the tenant's own text, then the default's, then the id */
    EC_ASSERT_STR(ec_msgcat_text(acme, "basket.empty"),
                  "Ingen varer & intet andet.");
    EC_ASSERT_STR(ec_msgcat_text(acme, "basket.title"), "Din kurv");
    EC_ASSERT_STR(ec_msgcat_text(acme, "no.such"), "no.such");
    CU_ASSERT_PTR_NULL(ec_msgcat_find(acme, "no.such"));
    /* another tenant does not see acme's override */
    EC_ASSERT_STR(ec_msgcat_text(other, "basket.empty"), "Kurven er tom.");
    /* acme's Danish override does not leak into English */
    EC_ASSERT_STR(ec_msgcat_text(en, "basket.empty"), "The basket is empty.");
    EC_ASSERT_STR(ec_msgcat_text(en, "only.default"), "only.default");
    /* the same catalog comes back from the cache */
    CU_ASSERT_PTR_EQUAL(ec_messages_get(m, "acme", "da-DK"), acme);
    ec_messages_free(m);
}

static void
test_locale_resolution(void)
{
    struct ec_messages *m = ec_messages_new(dir, -1);

    EC_ASSERT_STR(ec_msgcat_locale(ec_messages_get(m, NULL, "da-DK")), "da-DK");
    /* a region without a catalog speaks its language's */
    EC_ASSERT_STR(ec_msgcat_locale(ec_messages_get(m, NULL, "en-GB")), "en");
    /* a language without any falls back, and so does no locale at all */
    EC_ASSERT_STR(ec_msgcat_locale(ec_messages_get(m, "acme", "sv-SE")), "en");
    EC_ASSERT_STR(ec_msgcat_locale(ec_messages_get(m, NULL, NULL)), "en");
    /* names that would leave the folder are not file names */
    EC_ASSERT_STR(ec_msgcat_locale(ec_messages_get(m, "../acme", "../en")),
                  "en");
    EC_ASSERT_STR(
        ec_msgcat_text(ec_messages_get(m, "../acme", "da-DK"), "basket.empty"),
        "Kurven er tom.");
    ec_messages_free(m);
}

static void
test_broken_override_falls_back(void)
{
    struct ec_messages *m = ec_messages_new(dir, -1);
    const struct ec_msgcat *c = ec_messages_get(m, "broken", "da-DK");

    EC_ASSERT_STR(ec_msgcat_text(c, "basket.empty"), "Kurven er tom.");
    ec_messages_free(m);
}

static void
test_json_for_templates_and_script(void)
{
    struct ec_messages *m = ec_messages_new(dir, -1);
    const struct ec_msgcat *c = ec_messages_get(m, "acme", "da-DK");
    struct json_object *t = ec_msgcat_json(c), *v;

    CU_ASSERT_TRUE(json_object_object_get_ex(t, "basket", &v));
    CU_ASSERT_TRUE(json_object_object_get_ex(v, "title", &v));
    EC_ASSERT_STR(json_object_get_string(v), "Din kurv");
    /* only the script's prefixes, and safe inside <script> */
    EC_ASSERT_STR(ec_msgcat_script_json(c),
                  "{\"js.adding\":\"Lægger i \\u003ckurven\\u003e …\"}");
    ec_messages_free(m);
}

static void
test_prefix_clash_is_left_out(void)
{
    struct ec_messages *m;
    const struct ec_msgcat *c;
    struct json_object *v;

    CU_ASSERT_EQUAL_FATAL(write_file("default/messages/xx.po",
                                     "msgid \"a.b\"\nmsgstr \"leaf\"\n"
                                     "msgid \"a.b.c\"\nmsgstr \"deeper\"\n"
                                     "msgid \"a.d\"\nmsgstr \"ok\"\n"),
                          0);
    m = ec_messages_new(dir, -1);
    c = ec_messages_get(m, NULL, "xx");
    CU_ASSERT_TRUE(json_object_object_get_ex(ec_msgcat_json(c), "a", &v));
    CU_ASSERT_TRUE(json_object_object_get_ex(v, "d", NULL));
    CU_ASSERT_TRUE(json_object_object_get_ex(v, "b", &v));
    CU_ASSERT_TRUE(json_object_is_type(v, json_type_string));
    /* lookups by id still answer both */
    EC_ASSERT_STR(ec_msgcat_text(c, "a.b.c"), "deeper");
    ec_messages_free(m);
}

static void
test_messages_as_partials(void)
{
    struct ec_messages *m = ec_messages_new(dir, -1);
    struct ec_themes *th = ec_themes_new(dir, -1);
    const struct ec_msgcat *c = ec_messages_get(m, "acme", "da-DK");
    struct json_object *model = json_tokener_parse("{\"months\":6}");
    struct ec_buf out = EC_BUF_INIT;

    CU_ASSERT_EQUAL_FATAL(write_file("default/page.mustache",
                                     "{{>t/binding.months}}|{{>t/basket.empty}}"
                                     "|{{t.basket.empty}}|{{>t/no.such}}"),
                          0);
    json_object_object_add(model, "t", json_object_get(ec_msgcat_json(c)));
    CU_ASSERT_EQUAL_FATAL(
        ec_themes_render_texts(th, "acme", c, "page", model, &out), 0);
    /* a message's own text is escaped the same either way */
    EC_ASSERT_STR(out.data, "6 måneders binding|Ingen varer &amp; intet "
                            "andet.|Ingen varer &amp; intet andet.|");
    ec_buf_reset(&out);
    CU_ASSERT_EQUAL(ec_msgcat_render(c, "binding.months", model, &out), 0);
    EC_ASSERT_STR(out.data, "6 måneders binding");
    ec_buf_reset(&out);
    CU_ASSERT_EQUAL(ec_msgcat_render(c, "basket.empty", NULL, &out), 0);
    EC_ASSERT_STR(out.data, "Ingen varer & intet andet.");
    ec_buf_release(&out);
    json_object_put(model);
    ec_themes_free(th);
    ec_messages_free(m);
}

static void
test_reload_checks_are_spaced(void)
{
    struct ec_messages *spaced = ec_messages_new(dir, 60000);

    CU_ASSERT_EQUAL_FATAL(write_file("tenants/gamma/messages/en.po",
                                     "msgid \"basket.empty\"\nmsgstr \"g1\"\n"),
                          0);
    age("tenants/gamma/messages/en.po");
    EC_ASSERT_STR(
        ec_msgcat_text(ec_messages_get(spaced, "gamma", "en"), "basket.empty"),
        "g1");
    CU_ASSERT_EQUAL_FATAL(write_file("tenants/gamma/messages/en.po",
                                     "msgid \"basket.empty\"\nmsgstr \"g2\"\n"),
                          0);
    /* checked less than a minute ago: not looked at again yet */
    EC_ASSERT_STR(
        ec_msgcat_text(ec_messages_get(spaced, "gamma", "en"), "basket.empty"),
        "g1");
    ec_messages_free(spaced);
}

static void
test_reload_picks_up_changes(void)
{
    struct ec_messages *cached = ec_messages_new(dir, -1);
    struct ec_messages *live = ec_messages_new(dir, 0);

    CU_ASSERT_EQUAL_FATAL(write_file("tenants/beta/messages/en.po",
                                     "msgid \"basket.empty\"\nmsgstr \"v1\"\n"),
                          0);
    age("tenants/beta/messages/en.po");
    EC_ASSERT_STR(
        ec_msgcat_text(ec_messages_get(cached, "beta", "en"), "basket.empty"),
        "v1");
    EC_ASSERT_STR(
        ec_msgcat_text(ec_messages_get(live, "beta", "en"), "basket.empty"),
        "v1");
    CU_ASSERT_EQUAL_FATAL(write_file("tenants/beta/messages/en.po",
                                     "msgid \"basket.empty\"\nmsgstr \"v2\"\n"),
                          0);
    EC_ASSERT_STR(
        ec_msgcat_text(ec_messages_get(live, "beta", "en"), "basket.empty"),
        "v2");
    EC_ASSERT_STR(
        ec_msgcat_text(ec_messages_get(cached, "beta", "en"), "basket.empty"),
        "v1");
    /* a removed override falls back to the default */
    {
        char path[256];

        snprintf(path, sizeof(path), "%s/tenants/beta/messages/en.po", dir);
        CU_ASSERT_EQUAL(unlink(path), 0);
    }
    EC_ASSERT_STR(
        ec_msgcat_text(ec_messages_get(live, "beta", "en"), "basket.empty"),
        "The basket is empty.");
    ec_messages_free(cached);
    ec_messages_free(live);
}

/* Whether the j-th msgid followed by a dot starts another: the sorted
   table holds those right after it, among the ids it is a prefix of. */
static int
branch_of_another(const struct ec_po *po, size_t j)
{
    const char *id = po->entries[j].id;
    size_t len = strlen(id);

    for (size_t k = j + 1;
         k < po->n && strncmp(po->entries[k].id, id, len) == 0; k++)
        if (po->entries[k].id[len] == '.')
            return 1;
    return 0;
}

/* The shipped catalogs: both parse, hold the same msgids, and none is
   a prefix of another. */
static void
test_shipped_catalogs_are_complete(void)
{
    const char *src = getenv("EC_SRCDIR");
    struct ec_buf path = EC_BUF_INIT, text = EC_BUF_INIT;
    struct ec_po po[2];
    static const char *const locales[2] = {"da-DK", "en"};
    unsigned line;
    const char *why;

    CU_ASSERT_PTR_NOT_NULL_FATAL(src);
    for (int i = 0; i < 2; i++) {
        ec_buf_reset(&path);
        ec_buf_reset(&text);
        ec_buf_addf(&path, "%s/templates/default/messages/%s.po", src,
                    locales[i]);
        CU_ASSERT_EQUAL_FATAL(
            ec_buf_read_file(&text, path.data, EC_MESSAGES_MAX_FILE), 0);
        if (ec_po_parse(&po[i], text.data, text.len, &line, &why) < 0)
            fprintf(stderr, "\n    %s:%u: %s\n", path.data, line, why);
        CU_ASSERT_TRUE_FATAL(po[i].n > 0);
    }
    for (int i = 0; i < 2; i++)
        for (size_t j = 0; j < po[i].n; j++)
            if (!ec_po_find(&po[1 - i], po[i].entries[j].id)) {
                fprintf(stderr, "\n    %s is in %s.po, not in %s.po\n",
                        po[i].entries[j].id, locales[i], locales[1 - i]);
                CU_FAIL("a message is missing in one locale");
            }
    CU_ASSERT_EQUAL(po[0].n, po[1].n);
    /* {{t}} is a tree: a msgid that is also a branch would be left out */
    for (int i = 0; i < 2; i++)
        for (size_t j = 0; j < po[i].n; j++)
            if (branch_of_another(&po[i], j)) {
                fprintf(stderr, "\n    %s in %s.po is a prefix of another\n",
                        po[i].entries[j].id, locales[i]);
                CU_FAIL("a msgid is also a branch of {{t}}");
            }
    /* every error a page can show has its text in both */
    for (int err = 0; err > -EC_ERR__COUNT; err--) {
        char id[96];

        snprintf(id, sizeof(id), "error_page.%s", ec_err_info(err)->code);
        if (err == 0 || err == EC_ERR_UNKNOWN_HOST)
            continue; /* not an error; shares not_found's code */
        for (int i = 0; i < 2; i++)
            if (!ec_po_find(&po[i], id)) {
                fprintf(stderr, "\n    %s is not in %s.po\n", id, locales[i]);
                CU_FAIL("an error has no page text");
            }
    }
    ec_po_release(&po[0]);
    ec_po_release(&po[1]);
    ec_buf_release(&path);
    ec_buf_release(&text);
}

static const struct ec_test tests[] = {
    {".po entries, continuation lines, the header skipped", test_po_parse},
    {".po escapes; fuzzy, untranslated and obsolete entries skipped",
     test_po_escapes_fuzzy_and_untranslated},
    {"a bad .po file is refused with its line and why",
     test_po_errors_name_the_line},
    {"lookup: tenant, then default, then the msgid",
     test_fallback_tenant_default_msgid},
    {"a locale speaks its own, its language's or the fallback catalog",
     test_locale_resolution},
    {"a broken override counts as absent", test_broken_override_falls_back},
    {"messages as {{t....}} and as the script's JSON",
     test_json_for_templates_and_script},
    {"a msgid that is a prefix of another is left out of {{t}}",
     test_prefix_clash_is_left_out},
    {"messages as partials {{>t/id}} and rendered in C",
     test_messages_as_partials},
    {"reload checks a catalog's files at most every check_ms",
     test_reload_checks_are_spaced},
    {"template_reload picks up a changed catalog",
     test_reload_picks_up_changes},
    {"da-DK.po and en.po hold the same msgids, none a prefix of another",
     test_shipped_catalogs_are_complete},
    {NULL, NULL},
};

int
main(void)
{
    int rc;

    if (setup() < 0)
        return 2;
    rc = ec_test_run("render/messages", tests);
    teardown();
    return rc;
}
