#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "../test.h"
#include "core/buf.h"
#include "core/err.h"
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

static void
put(const char *rel, const char *text)
{
    CU_ASSERT_EQUAL_FATAL(write_file(rel, text), 0);
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

static int
setup(void)
{
    strcpy(dir, "/tmp/ec-theme-XXXXXX");
    if (!mkdtemp(dir))
        return -1;
    if (write_file("default/layout.mustache",
                   "<title>{{$title}}Shop{{/title}}</title>{{>header}}"
                   "<main>{{$content}}{{/content}}</main>") < 0 ||
        write_file("default/header.mustache",
                   "<header>default header</header>") < 0 ||
        write_file("default/home.mustache",
                   "{{<layout}}{{$content}}Hello {{name}}{{/content}}"
                   "{{/layout}}") < 0 ||
        write_file("tenants/acme/header.mustache", "<header>ACME</header>") <
            0 ||
        write_file("tenants/acme/home.mustache",
                   "{{<layout}}{{$title}}ACME{{/title}}{{$content}}Hi "
                   "{{name}}{{/content}}{{/layout}}") < 0 ||
        write_file("default/broken.mustache", "{{#open}} never closed") < 0)
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
render(struct ec_themes *th, const char *slug, const char *name,
       struct ec_buf *out)
{
    struct json_object *m = json_tokener_parse("{\"name\":\"<Bo>\"}");
    int rc;

    ec_buf_reset(out);
    rc = ec_themes_render(th, slug, name, m, out);
    json_object_put(m);
    return rc;
}

static void
test_default_theme(void)
{
    struct ec_themes *th = ec_themes_new(dir, -1);
    struct ec_buf out = EC_BUF_INIT;

    CU_ASSERT_EQUAL_FATAL(render(th, NULL, "home", &out), 0);
    EC_ASSERT_STR(out.data, "<title>Shop</title><header>default header"
                            "</header><main>Hello &lt;Bo&gt;</main>");
    ec_buf_release(&out);
    ec_themes_free(th);
}

static void
test_tenant_override_and_fallback(void)
{
    struct ec_themes *th = ec_themes_new(dir, -1);
    struct ec_buf out = EC_BUF_INIT;

    /* acme overrides home and header, and falls back to the layout */
    CU_ASSERT_EQUAL_FATAL(render(th, "acme", "home", &out), 0);
    EC_ASSERT_STR(out.data, "<title>ACME</title><header>ACME</header>"
                            "<main>Hi &lt;Bo&gt;</main>");
    /* a tenant without overrides gets the default theme */
    CU_ASSERT_EQUAL_FATAL(render(th, "plain", "home", &out), 0);
    EC_ASSERT_STR(out.data, "<title>Shop</title><header>default header"
                            "</header><main>Hello &lt;Bo&gt;</main>");
    ec_buf_release(&out);
    ec_themes_free(th);
}

static void
test_missing_and_broken_templates(void)
{
    struct ec_themes *th = ec_themes_new(dir, -1);
    struct ec_buf out = EC_BUF_INIT;
    char *path = NULL;

    CU_ASSERT_EQUAL(render(th, "acme", "nope", &out), EC_ERR_NOT_FOUND);
    CU_ASSERT_EQUAL(render(th, "acme", "broken", &out), EC_ERR_INTERNAL);
    CU_ASSERT_EQUAL(ec_themes_locate(th, "acme", "header", &path), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(path, "/tenants/acme/header.mustache"));
    free(path);
    ec_buf_release(&out);
    ec_themes_free(th);
}

static void
test_names_cannot_escape_the_theme(void)
{
    CU_ASSERT_TRUE(ec_theme_name_valid("product/card", 12));
    CU_ASSERT_FALSE(ec_theme_name_valid("../etc/passwd", 13));
    CU_ASSERT_FALSE(ec_theme_name_valid("/abs", 4));
    CU_ASSERT_FALSE(ec_theme_name_valid("a//b", 4));
    CU_ASSERT_FALSE(ec_theme_name_valid("Card", 4));
    CU_ASSERT_FALSE(ec_theme_name_valid("", 0));
}

static void
test_reload_picks_up_changes(void)
{
    struct ec_themes *cached = ec_themes_new(dir, -1);
    struct ec_themes *live = ec_themes_new(dir, 0);
    struct ec_buf out = EC_BUF_INIT;

    put("tenants/acme/footer.mustache", "v1");
    age("tenants/acme/footer.mustache");
    CU_ASSERT_EQUAL_FATAL(render(cached, "acme", "footer", &out), 0);
    CU_ASSERT_EQUAL_FATAL(render(live, "acme", "footer", &out), 0);
    EC_ASSERT_STR(out.data, "v1");
    put("tenants/acme/footer.mustache", "v2");
    CU_ASSERT_EQUAL_FATAL(render(live, "acme", "footer", &out), 0);
    EC_ASSERT_STR(out.data, "v2");
    CU_ASSERT_EQUAL_FATAL(render(cached, "acme", "footer", &out), 0);
    EC_ASSERT_STR(out.data, "v1"); /* read once per worker without reload */
    ec_buf_release(&out);
    ec_themes_free(cached);
    ec_themes_free(live);
}

static void
test_reload_checks_are_spaced(void)
{
    struct ec_themes *spaced = ec_themes_new(dir, 60000);
    struct ec_buf out = EC_BUF_INIT;

    put("tenants/acme/header.mustache", "h1");
    age("tenants/acme/header.mustache");
    CU_ASSERT_EQUAL_FATAL(render(spaced, "acme", "header", &out), 0);
    EC_ASSERT_STR(out.data, "h1");
    put("tenants/acme/header.mustache", "h2");
    /* checked less than a minute ago: not looked at again yet */
    CU_ASSERT_EQUAL_FATAL(render(spaced, "acme", "header", &out), 0);
    EC_ASSERT_STR(out.data, "h1");
    ec_buf_release(&out);
    ec_themes_free(spaced);
}

static const struct ec_test tests[] = {
    {"the default theme renders layout and partials", test_default_theme},
    {"a tenant overrides some templates, falls back for the rest",
     test_tenant_override_and_fallback},
    {"missing is not_found, broken is an error",
     test_missing_and_broken_templates},
    {"template names cannot leave the theme folder",
     test_names_cannot_escape_the_theme},
    {"reload checks a file at most every check_ms",
     test_reload_checks_are_spaced},
    {"template_reload picks up a changed file", test_reload_picks_up_changes},
    {NULL, NULL},
};

int
main(void)
{
    int rc;

    if (setup() < 0)
        return 2;
    rc = ec_test_run("render/theme", tests);
    teardown();
    return rc;
}
