/*
 * Tests for src/render/mustache_{parse,render}.c.
 *
 * First the mustache spec itself: one CUnit suite per spec file, one test
 * per case, read at start-up from $EC_SPEC_DIR (make check sets it) or
 * else from t/spec/mustache (run from the project root), where the spec's
 * files are kept. A spec file that cannot be read, or holds no case, is a
 * failure: the conformance suite never passes empty.
 * Then the cases the spec leaves out: escaping, numbers, truthiness,
 * compile errors with their positions, the render limits.
 *
 * Exits non-zero when a test failed or CUnit reported an error.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/Basic.h>
#include <json-c/json.h>

#include "core/buf.h"
#include "core/xalloc.h"
#include "render/mustache.h"

#define SPEC_DIR_DEFAULT "t/spec/mustache"

static const char *const spec_files[] = {
    "comments.json",     "delimiters.json",     "interpolation.json",
    "inverted.json",     "partials.json",       "sections.json",
    "~inheritance.json", "~dynamic-names.json",
};
#define NSPEC_FILES (sizeof(spec_files) / sizeof(spec_files[0]))

/*
 * A registered spec case. CUnit test functions take no argument, so every
 * case runs the same function, which finds its case through the CU_pTest
 * CUnit says is running.
 */
struct spec_case {
    CU_pTest test;
    size_t file;              /* index in spec_files */
    char *name;               /* unique within the file */
    struct json_object *json; /* borrowed from roots[file] */
    bool passed;
};

static struct spec_case *spec_cases;
static size_t nspec_cases, spec_cases_cap;
static struct json_object *roots[NSPEC_FILES];
static unsigned unreadable_files;

/* ---- helpers ---------------------------------------------------------- */

/* Partials by name, served to the renderer through set_loader. */
struct tmpl_set {
    size_t n;
    char *names[64];
    struct ec_tmpl *tmpls[64];
};

static const struct ec_tmpl *
set_loader(void *ctx, const char *name, size_t len)
{
    struct tmpl_set *set = ctx;
    size_t i;

    for (i = 0; i < set->n; i++)
        if (strlen(set->names[i]) == len &&
            memcmp(set->names[i], name, len) == 0)
            return set->tmpls[i];
    return NULL;
}

/* Compile src as name into set; false (and a message) on error. */
static bool
set_add(struct tmpl_set *set, const char *name, const char *src)
{
    struct ec_tmpl_error err;
    struct ec_tmpl *t;

    if (set->n == 64)
        return false;
    if (ec_tmpl_compile(name, src, strlen(src), &t, &err)) {
        printf("\n    compile error in %s:%u:%u: %s\n", err.name, err.line,
               err.column, err.message);
        return false;
    }
    set->names[set->n] = ec_xstrdup(name);
    set->tmpls[set->n++] = t;
    return true;
}

static void
set_release(struct tmpl_set *set)
{
    while (set->n--) {
        free(set->names[set->n]);
        ec_tmpl_free(set->tmpls[set->n]);
    }
    set->n = 0;
}

/* Print s as a C string literal so stray whitespace shows. */
static void
print_quoted(const char *label, const char *s, size_t n)
{
    size_t i;
    unsigned char c;

    printf("      %-9s \"", label);
    for (i = 0; i < n; i++) {
        c = (unsigned char)s[i];
        switch (c) {
        case '\n':
            fputs("\\n", stdout);
            break;
        case '\r':
            fputs("\\r", stdout);
            break;
        case '\t':
            fputs("\\t", stdout);
            break;
        case '"':
            fputs("\\\"", stdout);
            break;
        case '\\':
            fputs("\\\\", stdout);
            break;
        default:
            if (c < 0x20 || c == 0x7f)
                printf("\\x%02x", c);
            else
                putchar(c);
        }
    }
    puts("\"");
}

static const char *
str_field(struct json_object *o, const char *key)
{
    struct json_object *v;

    if (!json_object_object_get_ex(o, key, &v) ||
        !json_object_is_type(v, json_type_string))
        return NULL;
    return json_object_get_string(v);
}

/*
 * Compile src as "t" (with partials from set) and render it against the
 * JSON text model (NULL: no model). Returns the output (caller frees), or
 * NULL with *err filled when compiling or rendering failed.
 */
static char *
render(const char *src, const char *model, struct tmpl_set *set,
       struct ec_tmpl_error *err)
{
    struct json_object *m = model ? json_tokener_parse(model) : NULL;
    struct ec_buf out = EC_BUF_INIT;
    struct ec_tmpl *t;
    char *s = NULL;

    if (model && !m) {
        snprintf(err->message, sizeof(err->message), "bad test JSON");
        return NULL;
    }
    if (ec_tmpl_compile("t", src, strlen(src), &t, err) == 0) {
        if (ec_tmpl_render(t, m, set ? set_loader : NULL, set, &out, err) == 0)
            s = ec_buf_detach(&out, NULL);
        ec_buf_release(&out);
        ec_tmpl_free(t);
    }
    json_object_put(m);
    return s;
}

/* Assert that rendering src against model gives want. */
#define CHECK_RENDER(src, model, set, want)                                    \
    check_render(src, model, set, want, __FILE__, __LINE__)

static void
check_render(const char *src, const char *model, struct tmpl_set *set,
             const char *want, const char *file, unsigned line)
{
    struct ec_tmpl_error err;
    char *got;
    bool ok;

    memset(&err, 0, sizeof(err));
    got = render(src, model, set, &err);
    ok = got && strcmp(got, want) == 0;
    if (!ok) {
        printf("\n    %s:%u: rendering differs\n", file, line);
        print_quoted("template:", src, strlen(src));
        print_quoted("model:", model ? model : "(null)",
                     strlen(model ? model : "(null)"));
        print_quoted("expected:", want, strlen(want));
        if (got)
            print_quoted("actual:", got, strlen(got));
        else
            printf("      error:    %s:%u:%u: %s\n", err.name, err.line,
                   err.column, err.message);
    }
    CU_assertImplementation(ok, line, "rendered output as expected", file, "",
                            CU_FALSE);
    free(got);
}

/* ---- the spec --------------------------------------------------------- */

static struct spec_case *
current_case(void)
{
    CU_pTest cur = CU_get_current_test();
    size_t i;

    for (i = 0; i < nspec_cases; i++)
        if (spec_cases[i].test == cur)
            return &spec_cases[i];
    return NULL;
}

static void
print_case(const struct spec_case *sc, const char *tmpl, const char *want,
           const char *got)
{
    struct json_object *partials;

    printf("\n    spec case %s: \"%s\"\n", spec_files[sc->file], sc->name);
    print_quoted("template:", tmpl, strlen(tmpl));
    if (json_object_object_get_ex(sc->json, "partials", &partials)) {
        json_object_object_foreach(partials, key, val)
        {
            char label[64];

            snprintf(label, sizeof(label), "[%s]", key);
            print_quoted(label, json_object_get_string(val),
                         strlen(json_object_get_string(val)));
        }
    }
    print_quoted("expected:", want, strlen(want));
    if (got)
        print_quoted("actual:", got, strlen(got));
}

static void
spec_case_run(void)
{
    struct spec_case *sc = current_case();
    struct tmpl_set set = {0};
    struct json_object *data = NULL, *partials;
    struct ec_tmpl_error err;
    struct ec_buf out = EC_BUF_INIT;
    struct ec_tmpl *t;
    const char *tmpl, *want;
    bool ok = true;

    CU_ASSERT_PTR_NOT_NULL_FATAL(sc);
    tmpl = str_field(sc->json, "template");
    want = str_field(sc->json, "expected");
    CU_ASSERT_FATAL(tmpl && want);
    json_object_object_get_ex(sc->json, "data", &data);
    if (json_object_object_get_ex(sc->json, "partials", &partials)) {
        json_object_object_foreach(partials, key, val)
        {
            ok = ok && set_add(&set, key, json_object_get_string(val));
        }
    }
    if (ok && ec_tmpl_compile("template", tmpl, strlen(tmpl), &t, &err)) {
        printf("\n    compile error at %u:%u: %s\n", err.line, err.column,
               err.message);
        ok = false;
    } else if (ok) {
        if (ec_tmpl_render(t, data, set_loader, &set, &out, &err)) {
            printf("\n    render error at %s:%u:%u: %s\n", err.name, err.line,
                   err.column, err.message);
            ok = false;
        }
        ok = ok && strcmp(out.data, want) == 0;
        ec_tmpl_free(t);
    }
    if (!ok)
        print_case(sc, tmpl, want, out.data);
    sc->passed = ok;
    CU_ASSERT(ok);
    ec_buf_release(&out);
    set_release(&set);
}

static void
spec_file_unreadable(void)
{
    CU_FAIL("spec file missing, unreadable or without cases");
}

/* Per file: how many cases ran and passed. Fails unless all did. */
static void
spec_summary(void)
{
    size_t f, i, n, passed;

    putchar('\n');
    for (f = 0; f < NSPEC_FILES; f++) {
        for (i = n = passed = 0; i < nspec_cases; i++) {
            if (spec_cases[i].file != f)
                continue;
            n++;
            passed += spec_cases[i].passed;
        }
        printf("    %-20s %3zu/%zu passed\n", spec_files[f], passed, n);
        CU_ASSERT(n > 0 && passed == n);
    }
}

static bool
name_taken(size_t file, const char *name)
{
    size_t i;

    for (i = 0; i < nspec_cases; i++)
        if (spec_cases[i].file == file && strcmp(spec_cases[i].name, name) == 0)
            return true;
    return false;
}

static void
register_spec_file(const char *dir, size_t f)
{
    struct json_object *tests = NULL, *c;
    struct spec_case *sc;
    CU_pSuite suite;
    char path[4096], name[512];
    const char *base;
    size_t i, n = 0;
    int dup;

    snprintf(path, sizeof(path), "%s/%s", dir, spec_files[f]);
    suite = CU_add_suite(spec_files[f], NULL, NULL);
    if (!suite)
        return;
    roots[f] = json_object_from_file(path);
    if (roots[f] && json_object_object_get_ex(roots[f], "tests", &tests) &&
        json_object_is_type(tests, json_type_array))
        n = json_object_array_length(tests);
    if (n == 0) {
        fprintf(stderr, "mustache_test: no spec cases in %s\n", path);
        unreadable_files++;
        CU_add_test(suite, "spec file readable", spec_file_unreadable);
        return;
    }
    for (i = 0; i < n; i++) {
        c = json_object_array_get_idx(tests, i);
        base = str_field(c, "name");
        if (!base)
            base = "(unnamed)";
        /* CUnit refuses duplicate names, and ~inheritance.json has two
           cases called "Text inside parent". */
        snprintf(name, sizeof(name), "%s", base);
        for (dup = 2; name_taken(f, name); dup++)
            snprintf(name, sizeof(name), "%s (%d)", base, dup);
        if (nspec_cases == spec_cases_cap) {
            spec_cases_cap = spec_cases_cap ? spec_cases_cap * 2 : 256;
            spec_cases =
                ec_xrealloc(spec_cases, spec_cases_cap * sizeof(*spec_cases));
        }
        sc = &spec_cases[nspec_cases++];
        sc->file = f;
        sc->name = ec_xstrdup(name);
        sc->json = c;
        sc->passed = false;
        sc->test = CU_add_test(suite, sc->name, spec_case_run);
    }
}

/* ---- beyond the spec -------------------------------------------------- */

static void
test_escaping(void)
{
    const char *m = "{\"x\": \"& < > \\\" '\"}";

    CHECK_RENDER("{{x}}", m, NULL, "&amp; &lt; &gt; &quot; &#39;");
    CHECK_RENDER("{{{x}}}", m, NULL, "& < > \" '");
    CHECK_RENDER("{{&x}}", m, NULL, "& < > \" '");
    CHECK_RENDER("{{=<% %>=}}<%x%>|<%{x}%>|<%&x%>", m, NULL,
                 "&amp; &lt; &gt; &quot; &#39;|& < > \" '|& < > \" '");
    CHECK_RENDER("{{#l}}{{.}}{{/l}}", "{\"l\": [\"<\", \"&\"]}", NULL,
                 "&lt;&amp;");
    /* Only values are escaped, never template text. */
    CHECK_RENDER("<b>{{x}}</b>", "{\"x\": \"a&b\"}", NULL, "<b>a&amp;b</b>");
}

static void
test_values(void)
{
    static const struct {
        const char *model, *want;
    } cases[] = {
        {"{\"x\": 1.210}", "1.21"},
        {"{\"x\": 85}", "85"},
        {"{\"x\": -7}", "-7"},
        {"{\"x\": 2.0}", "2"},
        {"{\"x\": -0.0}", "0"},
        {"{\"x\": 0.1}", "0.1"},
        {"{\"x\": 0.30000000000000004}", "0.30000000000000004"},
        {"{\"x\": 1e21}", "1e+21"},
        {"{\"x\": 1.5e-7}", "1.5e-7"},
        {"{\"x\": 123456789012.5}", "123456789012.5"},
        {"{\"x\": 1234567890123.4567}", "1234567890123.4568"},
        {"{\"x\": -1.5}", "-1.5"},
        {"{\"x\": -0.25}", "-0.25"},
        {"{\"x\": NaN}", "NaN"},
        {"{\"x\": Infinity}", "Infinity"},
        {"{\"x\": -Infinity}", "-Infinity"},
        {"{\"x\": 9223372036854775807}", "9223372036854775807"},
        {"{\"x\": 18446744073709551615}", "18446744073709551615"},
        {"{\"x\": -9223372036854775808}", "-9223372036854775808"},
        {"{\"x\": true}", "true"},
        {"{\"x\": false}", "false"},
        {"{\"x\": null}", ""},
        {"{\"x\": {\"a\": 1}}", ""},
        {"{\"x\": [1, 2]}", ""},
        {"{\"x\": \"\"}", ""},
    };
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        CHECK_RENDER("{{x}}", cases[i].model, NULL, cases[i].want);
}

static void
test_truthiness(void)
{
    static const struct {
        const char *model, *want;
    } cases[] = {
        {"{\"x\": false}", "F"},
        {"{\"x\": null}", "F"},
        {"{}", "F"},
        {"{\"x\": []}", "F"},
        {"{\"x\": true}", "T"},
        {"{\"x\": \"\"}", "T"},
        {"{\"x\": 0}", "T"},
        {"{\"x\": 0.0}", "T"},
        {"{\"x\": {}}", "T"},
        {"{\"x\": [false]}", "T"},
    };
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        CHECK_RENDER("{{#x}}T{{/x}}{{^x}}F{{/x}}", cases[i].model, NULL,
                     cases[i].want);
}

static void
test_lookup(void)
{
    const char *m = "{\"name\": \"root\", \"shop\": {\"name\": \"s\", "
                    "\"items\": [{\"name\": \"a\"}, {\"sku\": 2}]}, "
                    "\"arr\": [{\"b\": 1}]}";

    /* Missing keys fall back up the stack; dotted tails do not. */
    CHECK_RENDER("{{#shop.items}}{{name}},{{/shop.items}}", m, NULL, "a,root,");
    CHECK_RENDER("{{#shop.items}}{{shop.name}}{{/shop.items}}", m, NULL, "ss");
    CHECK_RENDER("{{#shop}}{{#items}}{{sku.x}}{{/items}}{{/shop}}", m, NULL,
                 "");
    /* Arrays are not indexed by dotted names. */
    CHECK_RENDER("[{{arr.0.b}}][{{arr.b}}]", m, NULL, "[][]");
    CHECK_RENDER("{{#shop}}{{.}}{{/shop}}", m, NULL, "");
    /* A NULL model is an empty object. */
    CHECK_RENDER("{{#.}}x{{/.}}[{{a}}]", NULL, NULL, "x[]");
}

static void
test_compile_errors(void)
{
    static const struct {
        const char *src;
        unsigned line, column;
        const char *msg;
    } cases[] = {
        {"a\n  {{#x}}\nb", 2, 3, "never closed"},
        {"{{#a}}{{#b}}", 1, 7, "never closed"},
        {"{{#a}}{{#b}}{{/b}}", 1, 1, "never closed"},
        {"{{<p}}{{$a}}x{{/a}}", 1, 1, "never closed"},
        {"{{#a}}\n{{/b}}", 2, 1, "does not match {{#a}}"},
        {"{{=<% %>=}}\n<%#a%>\n  <%/b%>", 3, 3, "does not match"},
        {"{{<p}}{{$a}}{{/p}}{{/a}}", 1, 13, "does not match"},
        {"x{{/a}}", 1, 2, "no open section"},
        {"{{=<% =}}", 1, 1, "set-delimiter"},
        {"{{= a b c =}}", 1, 1, "set-delimiter"},
        {"x\n{{= =}}", 2, 1, "set-delimiter"},
        {"{{=<% %>", 1, 1, "unclosed tag"},
        {"ab\ncd {{name", 2, 4, "unclosed tag"},
        {"{{{x}}", 1, 1, "unclosed tag"},
        {"{{", 1, 1, "unclosed tag"},
        {"{{=| |=}}\n\t|x}}", 2, 2, "unclosed tag"},
        {"{{}}", 1, 1, "empty tag name"},
        {"{{#}}{{/}}", 1, 1, "empty tag name"},
        {"x {{a b}}", 1, 3, "whitespace"},
        {"{{#a}}{{/}}", 1, 7, "empty tag name"},
        {"{{>}}", 1, 1, "empty tag name"},
        {"{{> * }}", 1, 1, "empty tag name"},
        {"{{<a b}}{{/a b}}", 1, 1, "whitespace"},
        {"\n{{$ }}", 2, 1, "empty tag name"},
    };
    struct ec_tmpl_error err;
    struct ec_tmpl *t;
    size_t i;
    bool ok;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        memset(&err, 0, sizeof(err));
        t = NULL;
        ok = ec_tmpl_compile("page.mustache", cases[i].src,
                             strlen(cases[i].src), &t, &err) == -1 &&
             t == NULL && strcmp(err.name, "page.mustache") == 0 &&
             err.line == cases[i].line && err.column == cases[i].column &&
             strstr(err.message, cases[i].msg) != NULL;
        if (!ok) {
            print_quoted("template:", cases[i].src, strlen(cases[i].src));
            printf("      expected: %u:%u \"%s\"\n      actual:   %u:%u "
                   "\"%s\" (%s)\n",
                   cases[i].line, cases[i].column, cases[i].msg, err.line,
                   err.column, err.message, t ? "compiled" : "failed");
        }
        CU_ASSERT(ok);
        ec_tmpl_free(t);
    }
}

static void
test_error_name_truncated(void)
{
    struct ec_tmpl_error err;
    struct ec_tmpl *t;
    char name[300];

    memset(name, 'n', sizeof(name) - 1);
    name[sizeof(name) - 1] = '\0';
    CU_ASSERT(ec_tmpl_compile(name, "{{#a}}", 6, &t, &err) == -1);
    CU_ASSERT(strlen(err.name) == sizeof(err.name) - 1);
    /* err may be NULL when the caller only wants to know. */
    CU_ASSERT(ec_tmpl_compile(name, "{{#a}}", 6, &t, NULL) == -1);
}

static void
test_nesting_limit(void)
{
    struct ec_buf src = EC_BUF_INIT;
    struct ec_tmpl_error err;
    struct ec_tmpl *t;
    struct tmpl_set set = {0};
    char *got;
    int i;

    for (i = 0; i < EC_TMPL_MAX_NESTING + 1; i++)
        ec_buf_adds(&src, "{{#a}}");
    CU_ASSERT(ec_tmpl_compile("deep", src.data, src.len, &t, &err) == -1);
    CU_ASSERT(strstr(err.message, "nested deeper") != NULL);
    CU_ASSERT(err.column == EC_TMPL_MAX_NESTING * 6 + 1);

    /* Legal in one template, too deep once it includes itself. */
    ec_buf_reset(&src);
    for (i = 0; i < 200; i++)
        ec_buf_adds(&src, "{{#a}}");
    ec_buf_adds(&src, "{{>self}}");
    for (i = 0; i < 200; i++)
        ec_buf_adds(&src, "{{/a}}");
    CU_ASSERT_FATAL(set_add(&set, "self", src.data));
    memset(&err, 0, sizeof(err));
    got = render("{{>self}}", "{\"a\": true}", &set, &err);
    CU_ASSERT(got == NULL);
    CU_ASSERT(strstr(err.message, "nested deeper") != NULL);
    CU_ASSERT(strcmp(err.name, "self") == 0);
    free(got);
    set_release(&set);
    ec_buf_release(&src);
}

static void
test_depth_limit(void)
{
    static const struct {
        const char *a, *b, *top;
    } loops[] = {
        {"{{>a}}", "", "{{>a}}"},                         /* includes itself */
        {"x\n  {{>b}}\n", "  {{>a}}\n", "{{>a}}"},        /* via b, indented */
        {"{{<b}}{{/b}}", "{{<a}}{{/a}}", "{{<a}}{{/a}}"}, /* parent loop */
        {"{{<a}}{{$x}}y{{/x}}{{/a}}", "", "{{>a}}"},      /* own parent */
        {"{{$x}}{{<b}}{{/b}}{{/x}}", "{{<a}}{{/a}}",
         "{{<a}}{{/a}}"},             /* through blocks */
        {"{{>*next}}", "", "{{>a}}"}, /* dynamic */
    };
    struct tmpl_set set = {0};
    struct ec_tmpl_error err;
    char *got;
    size_t i;

    for (i = 0; i < sizeof(loops) / sizeof(loops[0]); i++) {
        CU_ASSERT_FATAL(set_add(&set, "a", loops[i].a));
        CU_ASSERT_FATAL(set_add(&set, "b", loops[i].b));
        memset(&err, 0, sizeof(err));
        got = render(loops[i].top, "{\"next\": \"a\"}", &set, &err);
        if (got)
            printf("\n    loop %zu rendered instead of failing\n", i);
        CU_ASSERT(got == NULL);
        CU_ASSERT(strstr(err.message, "nested deeper than") != NULL);
        CU_ASSERT(err.line >= 1 && err.column >= 1);
        free(got);
        set_release(&set);
    }

    /* Recursion the data ends is fine. The innermost c must be there:
       a missing one would be found further up the context stack. */
    CU_ASSERT_FATAL(set_add(&set, "node", "{{n}}{{#c}}({{>node}}){{/c}}"));
    CHECK_RENDER("{{>node}}",
                 "{\"n\": 1, \"c\": {\"n\": 2, \"c\": {\"n\": 3, "
                 "\"c\": null}}}",
                 &set, "1(2(3))");
    set_release(&set);
}

static void
test_missing(void)
{
    struct tmpl_set set = {0};

    CHECK_RENDER("[{{>nope}}]", "{}", &set, "[]");
    CHECK_RENDER("[{{>nope}}]", "{}", NULL, "[]");
    CHECK_RENDER("[{{<nope}}{{$a}}x{{/a}}{{/nope}}]", "{}", &set, "[]");
    CHECK_RENDER("a\n  {{>nope}}\nb\n", "{}", &set, "a\nb\n");
    CU_ASSERT_FATAL(set_add(&set, "5", "five"));
    /* A dynamic name must be a string. */
    CHECK_RENDER("[{{>*n}}]", "{\"n\": 5}", &set, "[]");
    CHECK_RENDER("[{{>*n}}]", "{\"n\": \"5\"}", &set, "[five]");
    set_release(&set);
}

static void
test_indentation(void)
{
    struct tmpl_set set = {0};

    CU_ASSERT_FATAL(set_add(&set, "a", "x\n  {{>b}}\ny\n"));
    CU_ASSERT_FATAL(set_add(&set, "b", "1\n\n{{v}}\n{{#s}}\n2\n{{/s}}\n"));
    /* Indentation adds up; it goes before template lines only. */
    CHECK_RENDER("  {{>a}}\n", "{\"v\": \"p\\nq\", \"s\": true}", &set,
                 "  x\n    1\n    \n    p\nq\n    2\n  y\n");
    /* An inline partial is not indented. */
    CHECK_RENDER("  {{>b}}!\n", "{\"v\": \"v\"}", &set, "  1\n\nv\n!\n");
    /* The indentation of a line inside a skipped section goes with it. */
    CU_ASSERT_FATAL(set_add(&set, "c", "{{#f}}\nx{{/f}} y\n"));
    CHECK_RENDER("  {{>c}}\n", "{\"f\": false}", &set, " y\n");
    CHECK_RENDER("  {{>c}}\n", "{\"f\": true}", &set, "  x y\n");
    set_release(&set);
}

/* Renderer fast paths: long lines, deep indentation, big objects. */
static void
test_fast_paths(void)
{
    const char *big_src = "{{k0}} {{k17}} {{k39}} [{{k40}}] "
                          "{{#o}}{{k39}} {{k1}}{{/o}}";
    struct tmpl_set set = {0};
    struct ec_buf src = EC_BUF_INIT, want = EC_BUF_INIT, line = EC_BUF_INIT;
    struct ec_buf out = EC_BUF_INIT;
    struct json_object *m;
    struct ec_tmpl_error err;
    struct ec_tmpl *t;
    char name[16];
    int i;

    /* Lines longer than the renderer copies in chunks, indented. */
    for (i = 0; i < 1000; i++)
        ec_buf_addch(&line, 'a' + i % 26);
    ec_buf_addch(&line, '\n');
    ec_buf_addf(&src, "%s%s", line.data, line.data);
    ec_buf_addf(&want, "  %s  %s", line.data, line.data);
    CU_ASSERT_FATAL(set_add(&set, "long", src.data));
    CHECK_RENDER("  {{>long}}\n", "{}", &set, want.data);
    set_release(&set);

    /* Indentation deeper than the renderer keeps in one piece: p0
       includes p1 after 90 blanks, p1 includes p2, and so on. */
    ec_buf_reset(&want);
    for (i = 0; i < 9; i++) {
        snprintf(name, sizeof(name), "p%d", i);
        ec_buf_reset(&src);
        ec_buf_addf(&src, "<%d>\n", i);
        if (i < 8)
            ec_buf_addf(&src, "%90s{{>p%d}}\n", "", i + 1);
        ec_buf_addf(&src, "</%d>{{v}}\n", i);
        CU_ASSERT_FATAL(set_add(&set, name, src.data));
    }
    for (i = 0; i < 9; i++)
        ec_buf_addf(&want, "%*s<%d>\n", 90 * i, "", i);
    for (i = 8; i >= 0; i--)
        ec_buf_addf(&want, "%*s</%d>v\n", 90 * i, "", i);
    CHECK_RENDER("{{>p0}}", "{\"v\": \"v\"}", &set, want.data);
    set_release(&set);

    /* Objects bigger than the renderer scans are hashed. */
    ec_buf_reset(&src);
    ec_buf_adds(&src, "{");
    for (i = 0; i < 40; i++)
        ec_buf_addf(&src, "%s\"k%d\": %d", i ? ", " : "", i, i);
    ec_buf_adds(&src, ", \"o\": {\"k39\": \"inner\"}}");
    CHECK_RENDER(big_src, src.data, NULL, "0 17 39 [] inner 1");

    /* A model whose keys json-c hashes with another function than the
       one the template was compiled with is still found. */
    CU_ASSERT_FATAL(
        ec_tmpl_compile("big", big_src, strlen(big_src), &t, &err) == 0);
    CU_ASSERT(json_global_set_string_hash(JSON_C_STR_HASH_PERLLIKE) == 0);
    m = json_tokener_parse(src.data);
    CU_ASSERT(json_global_set_string_hash(JSON_C_STR_HASH_DFLT) == 0);
    CU_ASSERT(ec_tmpl_render(t, m, NULL, NULL, &out, &err) == 0);
    CU_ASSERT_STRING_EQUAL(out.data, "0 17 39 [] inner 1");
    json_object_put(m);
    ec_tmpl_free(t);

    ec_buf_release(&out);
    ec_buf_release(&src);
    ec_buf_release(&want);
    ec_buf_release(&line);
}

static void
test_inheritance(void)
{
    struct tmpl_set set = {0};

    CU_ASSERT_FATAL(set_add(&set, "layout",
                            "<html>\n"
                            "  <title>{{$title}}Shop{{/title}}</title>\n"
                            "  {{>header}}\n"
                            "  <main>\n"
                            "    {{$content}}\n"
                            "    nothing\n"
                            "    {{/content}}\n"
                            "  </main>\n"
                            "</html>\n"));
    CU_ASSERT_FATAL(
        set_add(&set, "header", "<h1>{{$heading}}{{shop}}{{/heading}}</h1>\n"));
    /* Blocks in partials of the parent are overridable too. */
    CHECK_RENDER("{{<layout}}\n"
                 "{{$title}}Cart{{/title}}\n"
                 "{{$heading}}Your cart{{/heading}}\n"
                 "{{$content}}\n"
                 "{{#items}}\n"
                 "<p>{{.}}</p>\n"
                 "{{/items}}\n"
                 "{{/content}}\n"
                 "{{/layout}}\n",
                 "{\"shop\": \"S\", \"items\": [\"a\", \"b\"]}", &set,
                 "<html>\n"
                 "  <title>Cart</title>\n"
                 "  <h1>Your cart</h1>\n"
                 "  <main>\n"
                 "    <p>a</p>\n"
                 "    <p>b</p>\n"
                 "  </main>\n"
                 "</html>\n");
    CHECK_RENDER("{{<layout}}{{/layout}}", "{\"shop\": \"S\"}", &set,
                 "<html>\n"
                 "  <title>Shop</title>\n"
                 "  <h1>S</h1>\n"
                 "  <main>\n"
                 "    nothing\n"
                 "  </main>\n"
                 "</html>\n");
    /* A dynamic parent. */
    CHECK_RENDER("{{<*l}}{{$title}}T{{/title}}{{/*l}}",
                 "{\"l\": \"layout\", \"shop\": \"S\"}", &set,
                 "<html>\n"
                 "  <title>T</title>\n"
                 "  <h1>S</h1>\n"
                 "  <main>\n"
                 "    nothing\n"
                 "  </main>\n"
                 "</html>\n");
    set_release(&set);
}

static void
test_reuse(void)
{
    struct ec_buf out = EC_BUF_INIT;
    struct json_object *m = json_tokener_parse("{\"a\": [1, 2]}");
    struct ec_tmpl *t;
    struct ec_tmpl_error err;
    const char *src = "{{#a}}<{{.}}>{{/a}}";

    CU_ASSERT_FATAL(ec_tmpl_compile("reuse", src, strlen(src), &t, &err) == 0);
    ec_buf_adds(&out, "pre:");
    CU_ASSERT(ec_tmpl_render(t, m, NULL, NULL, &out, &err) == 0);
    CU_ASSERT(ec_tmpl_render(t, m, NULL, NULL, &out, &err) == 0);
    CU_ASSERT_STRING_EQUAL(out.data, "pre:<1><2><1><2>");
    /* The source is not referenced after compiling; NUL bytes are text. */
    ec_tmpl_free(t);
    CU_ASSERT_FATAL(ec_tmpl_compile("nul", "a\0b{{x}}", 8, &t, &err) == 0);
    ec_buf_reset(&out);
    CU_ASSERT(ec_tmpl_render(t, m, NULL, NULL, &out, &err) == 0);
    CU_ASSERT(out.len == 3 && memcmp(out.data, "a\0b", 3) == 0);
    ec_tmpl_free(t);
    ec_buf_release(&out);
    json_object_put(m);
}

/* Found by the fuzzer: a template with no line break at all had no line
   break table, and the renderer added 0 to a NULL pointer. */
static void
test_no_line_break(void)
{
    CHECK_RENDER(">", NULL, NULL, ">");
    CHECK_RENDER("", NULL, NULL, "");
    CHECK_RENDER("{{! only a comment }}", NULL, NULL, "");
}

static const struct {
    const char *name;
    CU_TestFunc fn;
} unit_tests[] = {
    {"escaping", test_escaping},
    {"values", test_values},
    {"truthiness", test_truthiness},
    {"lookup", test_lookup},
    {"compile errors", test_compile_errors},
    {"error name truncated", test_error_name_truncated},
    {"nesting limit", test_nesting_limit},
    {"depth limit", test_depth_limit},
    {"missing partials", test_missing},
    {"indentation", test_indentation},
    {"fast paths", test_fast_paths},
    {"inheritance", test_inheritance},
    {"reuse", test_reuse},
    {"template with no line break", test_no_line_break},
};

int
main(void)
{
    const char *dir = getenv("EC_SPEC_DIR");
    unsigned failed;
    bool registry_error = false;
    CU_pSuite suite;
    size_t i;

    if (!dir || !*dir)
        dir = SPEC_DIR_DEFAULT;
    if (CU_initialize_registry() != CUE_SUCCESS) {
        fprintf(stderr, "mustache_test: %s\n", CU_get_error_msg());
        return 1;
    }
    for (i = 0; i < NSPEC_FILES; i++) {
        register_spec_file(dir, i);
        registry_error |= CU_get_error() != CUE_SUCCESS;
    }
    suite = CU_add_suite("spec summary", NULL, NULL);
    if (suite)
        CU_add_test(suite, "every spec case passes", spec_summary);
    registry_error |= CU_get_error() != CUE_SUCCESS;
    suite = CU_add_suite("mustache", NULL, NULL);
    for (i = 0; suite && i < sizeof(unit_tests) / sizeof(unit_tests[0]); i++)
        CU_add_test(suite, unit_tests[i].name, unit_tests[i].fn);
    registry_error |= CU_get_error() != CUE_SUCCESS;
    if (registry_error)
        fprintf(stderr, "mustache_test: registry error: %s\n",
                CU_get_error_msg());

    CU_basic_set_mode(CU_BRM_VERBOSE);
    CU_basic_run_tests();
    failed = CU_get_number_of_tests_failed();
    registry_error |= CU_get_error() != CUE_SUCCESS;
    CU_cleanup_registry();

    for (i = 0; i < nspec_cases; i++)
        free(spec_cases[i].name);
    free(spec_cases);
    for (i = 0; i < NSPEC_FILES; i++)
        json_object_put(roots[i]);
    return failed || registry_error || unreadable_files ? 1 : 0;
}
