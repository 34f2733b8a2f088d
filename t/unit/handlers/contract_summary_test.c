/*
 * The contract summary rendered through the shipped theme and catalogs:
 * in Danish and English from the catalogs' texts, with both prices of a
 * campaign, its length, the binding and the minimum total price the
 * promotion engine computes; without binding saying so; product names
 * escaped; a tenant's override of the template; and the largest basket
 * fitting in what an order stores (EC_ORDER_SUMMARY_MAX).
 *
 * With EC_CONTRACT_SUMMARY_HTML set, the Danish summary is also written
 * there as a whole HTML document, which t/browser/html.test.mjs checks
 * with the Nu HTML checker.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../svc/contract_summary_fixture.h"
#include "../test.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/log.h"
#include "handlers/contract_summary.h"
#include "render/format.h"
#include "render/messages.h"
#include "render/theme.h"
#include "svc/contract_summary.h"
#include "svc/order.h"

static struct ec_themes *themes;
static struct ec_messages *messages;
static struct ec_tenant tenant;

#define HAS(text, s)                                                           \
    do {                                                                       \
        if (!strstr((text), (s)))                                              \
            fprintf(stderr, "\n    %s:%d: missing \"%s\"\n", __FILE__,         \
                    __LINE__, (s));                                            \
        CU_ASSERT_PTR_NOT_NULL(strstr((text), (s)));                           \
    } while (0)

#define HAS_NOT(text, s) CU_ASSERT_PTR_NULL(strstr((text), (s)))

/* The summary of basket lines (JSON) of catalog c for a tenant whose
   locale is locale (its words and how it writes money). */
static int
render_lines(const struct ec_catalog *c, const char *lines_json,
             const char *locale, struct ec_buf *out)
{
    struct ec_basket_view *v = malloc(sizeof(*v));
    struct ec_contract_summary *s = malloc(sizeof(*s));
    struct json_object *lines;
    struct ec_arena a;
    int rc;

    ec_arena_init(&a, 0);
    cs_view(c, lines_json, &a, &lines, v);
    tenant.locale = (char *)locale;
    rc = ec_contract_summary_from_view(&tenant, v, CS_AT, s);
    CU_ASSERT_EQUAL_FATAL(rc, 0);
    rc = ec_contract_summary_render(
        themes, tenant.slug, ec_messages_get(messages, NULL, locale), s, out);
    json_object_put(lines);
    ec_arena_release(&a);
    free(s);
    free(v);
    return rc;
}

static const char campaign_basket[] =
    "[{\"id\":\"a\",\"channel\":\"web\",\"sku\":\"L\","
    "\"binding_months\":6,\"binding_accepted\":true,"
    "\"sim_type\":\"esim\",\"addons\":[\"SHARE\"]}]";

/* money as the shop writes it in locale */
static const char *
money(long long minor, const char *locale, char *buf, size_t size)
{
    struct ec_buf b = EC_BUF_INIT;

    ec_format_money(&b, minor, "DKK", locale);
    snprintf(buf, size, "%s", b.data);
    ec_buf_release(&b);
    return buf;
}

/*
 * The campaign line in Danish: the regulation's heading and intro from
 * the catalog, 99 kr. for the first 3 months then 110 kr., 6 months'
 * binding, and the minimum total price (3 × 99 + 3 × 110 + 29 for the
 * plan, 6 × 140 for SHARE: 1.496,00 kr.).
 */
static void
test_danish(void)
{
    const struct ec_catalog *c = cs_catalog(NULL);
    struct ec_buf out = EC_BUF_INIT;
    char m[64];

    CU_ASSERT_EQUAL_FATAL(render_lines(c, campaign_basket, "da-DK", &out), 0);
    HAS(out.data, "<div class=\"contract-summaries\" lang=\"da-DK\">");
    HAS(out.data, ">Kontraktresumé: Large on the web</h2>");
    HAS(out.data, "Dette kontraktresumé indeholder hovedelementerne i dette "
                  "tjenesteudbud i overensstemmelse med EU-retten.");
    HAS(out.data, "<h3>Tjenester og udstyr</h3>");
    HAS(out.data, "<h3>Internettjenestens hastigheder og retsmidler</h3>");
    HAS(out.data, "<h3>Pris</h3>");
    HAS(out.data, "<h3>Varighed, forlængelse og opsigelse</h3>");
    HAS(out.data, "<h3>Funktioner for slutbrugere med handicap</h3>");
    HAS(out.data, "<h3>Andre relevante oplysninger</h3>");
    HAS(out.data, "<td>Nordlys Mobil</td>");
    HAS(out.data, "99,00 kr. pr. måned de første 3 måneder, derefter "
                  "110,00 kr. pr. måned.");
    HAS(out.data, "Kampagne: Summer");
    HAS(out.data, "<th scope=\"row\">Måned 1–3</th><td>99,00 kr.</td>");
    HAS(out.data, "<th scope=\"row\">Fra måned 4</th><td>110,00 kr.</td>");
    HAS(out.data, "Abonnementet har 6 måneders binding fra start.");
    HAS(out.data, "Mindstepris, 6 måneders binding</th><td>");
    HAS(out.data,
        money(3 * 9900 + 3 * 11000 + 2900 + 6 * 14000, "da-DK", m, sizeof(m)));
    HAS(out.data, "<td>1.496,00 kr.</td>");
    HAS(out.data, "<td>100 GB pr. måned</td>");
    HAS(out.data, "<td>Fri tale</td>");
    HAS(out.data, "Tale som herhjemme; 25 GB data pr. måned");
    HAS(out.data, "<td>5G</td>");
    HAS(out.data, "<td>eSIM</td>");
    HAS(out.data, "<td>SHARE</td>");
    HAS(out.data, "<time datetime=\"2026-02-10T01:00:00+01:00\">2026-02-10");
    HAS_NOT(out.data, "{{");
    HAS_NOT(out.data, "contract_summary.");
    /* one line: no totals of several */
    HAS_NOT(out.data, "Alle abonnementer i alt");
    ec_buf_release(&out);
    ec_catalog_free((struct ec_catalog *)c);
}

/* The same in English, from en.po. */
static void
test_english(void)
{
    const struct ec_catalog *c = cs_catalog(NULL);
    struct ec_buf out = EC_BUF_INIT;

    CU_ASSERT_EQUAL_FATAL(render_lines(c, campaign_basket, "en", &out), 0);
    HAS(out.data, "lang=\"en\"");
    HAS(out.data, ">Contract summary: Large on the web</h2>");
    HAS(out.data, "This contract summary provides the main elements of this "
                  "service offer as required by EU law.");
    HAS(out.data, "<h3>Speed of the internet service and remedies</h3>");
    HAS(out.data, "DKK 99.00 per month for the first 3 months, then "
                  "DKK 110.00 per month.");
    HAS(out.data, "The subscription has a 6-month commitment period");
    HAS(out.data, "Minimum total price, 6-month commitment</th>"
                  "<td>DKK 1,496.00</td>");
    HAS_NOT(out.data, "Kontraktresumé");
    ec_buf_release(&out);
    ec_catalog_free((struct ec_catalog *)c);
}

/* Without binding: one price, the summary says there is no binding, and
   the minimum total is the first month; two lines get their totals. */
static void
test_no_binding(void)
{
    const struct ec_catalog *c = cs_catalog(NULL);
    struct ec_buf out = EC_BUF_INIT;

    CU_ASSERT_EQUAL_FATAL(
        render_lines(c,
                     "[{\"id\":\"a\",\"channel\":\"web\",\"sku\":\"L\","
                     "\"binding_months\":0,\"sim_type\":\"physical\"},"
                     " {\"id\":\"b\",\"channel\":\"web\",\"sku\":\"S\","
                     "\"binding_months\":0,\"sim_type\":\"physical\"}]",
                     "da-DK", &out),
        0);
    HAS(out.data, "Abonnementet er uden binding.");
    HAS(out.data, "<p>110,00 kr. pr. måned.</p>");
    HAS(out.data, "<th scope=\"row\">Hver måned</th><td>110,00 kr.</td>");
    HAS(out.data, "Mindstepris, første måned</th><td>238,00 kr.</td>");
    HAS(out.data, "<td>Fysisk SIM-kort</td>");
    HAS_NOT(out.data, "Kampagne:");
    HAS_NOT(out.data, "måneders binding");
    /* several lines: their totals (110 + 99 + 29 and 100 + 29) */
    HAS(out.data, "id=\"contract-summary-2\"");
    HAS(out.data, ">Alle abonnementer i alt</h2>");
    HAS(out.data, "<th scope=\"row\">Mindstepris i alt</th>"
                  "<td>367,00 kr.</td>");
    ec_buf_release(&out);
    out = (struct ec_buf)EC_BUF_INIT;
    CU_ASSERT_EQUAL_FATAL(
        render_lines(c,
                     "[{\"id\":\"a\",\"channel\":\"web\",\"sku\":\"S\","
                     "\"binding_months\":0,\"sim_type\":\"physical\"}]",
                     "en", &out),
        0);
    HAS(out.data, "The subscription has no commitment period.");
    HAS(out.data, "Minimum total price, first month");
    ec_buf_release(&out);
    ec_catalog_free((struct ec_catalog *)c);
}

/* A product name is the brand partner's text: it is escaped. */
static void
test_escaped(void)
{
    const struct ec_catalog *c = cs_catalog("Large <b>&\"5G\"</b> 'x'");
    struct ec_buf out = EC_BUF_INIT;

    CU_ASSERT_EQUAL_FATAL(render_lines(c, campaign_basket, "da-DK", &out), 0);
    HAS(out.data, "Large &lt;b&gt;&amp;&quot;5G&quot;&lt;/b&gt; &#39;x&#39;");
    HAS_NOT(out.data, "<b>");
    ec_buf_release(&out);
    ec_catalog_free((struct ec_catalog *)c);
}

/* A tenant's own template wins; another tenant keeps the default. */
static void
test_tenant_override(void)
{
    const char *src = getenv("EC_SRCDIR");
    char dir[] = "/tmp/ec-summary-XXXXXX";
    struct ec_buf path = EC_BUF_INIT, target = EC_BUF_INIT;
    struct ec_buf out = EC_BUF_INIT;
    struct ec_contract_summary *s = calloc(1, sizeof(*s));
    struct ec_themes *th;
    FILE *f;

    CU_ASSERT_PTR_NOT_NULL_FATAL(src);
    CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
    ec_buf_addf(&target, "%s/templates/default", src);
    ec_buf_addf(&path, "%s/default", dir);
    CU_ASSERT_EQUAL_FATAL(symlink(target.data, path.data), 0);
    ec_buf_reset(&path);
    ec_buf_addf(&path, "%s/tenants", dir);
    mkdir(path.data, 0700);
    ec_buf_adds(&path, "/acme");
    mkdir(path.data, 0700);
    ec_buf_adds(&path, "/contract_summary.mustache");
    f = fopen(path.data, "w");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    fputs("<p>{{provider}}: {{min_total_text}}</p>\n", f);
    fclose(f);

    s->provider = "Acme & Co";
    s->currency = "DKK";
    s->locale = "da-DK";
    s->at = CS_AT;
    s->min_total = 12345;
    th = ec_themes_new(dir, -1);
    CU_ASSERT_EQUAL(ec_contract_summary_render(th, "acme", NULL, s, &out), 0);
    EC_ASSERT_STR(out.data, "<p>Acme &amp; Co: 123,45 kr.</p>\n");
    ec_buf_reset(&out);
    CU_ASSERT_EQUAL(ec_contract_summary_render(th, "other", NULL, s, &out), 0);
    HAS(out.data, "<div class=\"contract-summaries\"");
    ec_themes_free(th);

    unlink(path.data);
    ec_buf_reset(&path);
    ec_buf_addf(&path, "%s/tenants/acme", dir);
    rmdir(path.data);
    ec_buf_reset(&path);
    ec_buf_addf(&path, "%s/tenants", dir);
    rmdir(path.data);
    ec_buf_reset(&path);
    ec_buf_addf(&path, "%s/default", dir);
    unlink(path.data);
    rmdir(dir);
    ec_buf_release(&out);
    ec_buf_release(&path);
    ec_buf_release(&target);
    free(s);
}

/*
 * The largest order: EC_ORDER_LINES_MAX lines, each with
 * EC_BASKET_ADDONS_MAX add-ons with fees, the longest schedule, and every
 * text as long as its column allows (names 100 characters, campaigns
 * 120, descriptions 500), each character one that escapes to five bytes,
 * fits in what an order stores, in every language.
 */
static void
test_largest_fits(void)
{
    static const char *const locales[] = {"da-DK", "en"};
    static struct ec_promotion_segment schedule[EC_PROMOTION_MAX_SEGMENTS];
    struct ec_contract_summary *s = calloc(1, sizeof(*s));
    char name[101], campaign[121], description[501];
    struct ec_buf out = EC_BUF_INIT;

    memset(name, '&', sizeof(name) - 1);
    name[sizeof(name) - 1] = '\0';
    memset(campaign, '&', sizeof(campaign) - 1);
    campaign[sizeof(campaign) - 1] = '\0';
    memset(description, '&', sizeof(description) - 1);
    description[sizeof(description) - 1] = '\0';
    for (int i = 0; i < EC_PROMOTION_MAX_SEGMENTS; i++)
        schedule[i] = (struct ec_promotion_segment){
            i + 1, i + 1 < EC_PROMOTION_MAX_SEGMENTS ? i + 1 : 0,
            999999999 - i};
    s->provider = name;
    s->currency = "DKK";
    s->locale = "da-DK";
    s->zone = tenant.zone;
    s->at = CS_AT;
    s->nlines = EC_ORDER_LINES_MAX;
    for (size_t i = 0; i < s->nlines; i++) {
        struct ec_contract_summary_line *l = &s->lines[i];

        l->name = l->sku = l->channel = name;
        l->description = description;
        l->campaign = campaign;
        l->data_gb = 1000000;
        l->talk_minutes = 1000000;
        l->eu_data_gb = 1000000;
        l->sim = EC_SIM_PHYSICAL;
        l->binding_months = 6;
        l->monthly_now = l->monthly_after = 999999999;
        l->campaign_months = 36;
        l->schedule = schedule;
        l->n_segments = EC_PROMOTION_MAX_SEGMENTS;
        l->startup_fee = l->sim_fee = l->one_time = 999999999;
        l->naddons = EC_BASKET_ADDONS_MAX;
        for (size_t k = 0; k < l->naddons; k++)
            l->addons[k] =
                (struct ec_contract_summary_addon){name, 999999999, 999999999};
        l->line_monthly = l->min_total = 9999999999LL;
        l->min_total_months = 6;
    }
    s->monthly = s->one_time = s->min_total = 99999999999LL;
    for (size_t i = 0; i < 2; i++) {
        ec_buf_reset(&out);
        CU_ASSERT_EQUAL(ec_contract_summary_render(
                            themes, tenant.slug,
                            ec_messages_get(messages, NULL, locales[i]), s,
                            &out),
                        0);
        CU_ASSERT(out.len > 100000);
        CU_ASSERT(out.len <= EC_ORDER_SUMMARY_MAX);
        fprintf(stderr, " [%s: %zu of %d bytes]", locales[i], out.len,
                EC_ORDER_SUMMARY_MAX);
    }
    ec_buf_release(&out);
    free(s);
}

/* More than an order may store is refused, and out is left as it was. */
static void
test_too_large(void)
{
    struct ec_contract_summary *s = calloc(1, sizeof(*s));
    static char huge[EC_ORDER_SUMMARY_MAX / 4];
    struct ec_buf out = EC_BUF_INIT;

    memset(huge, '&', sizeof(huge) - 1);
    s->provider = huge;
    s->currency = "DKK";
    s->locale = "da-DK";
    s->nlines = 1;
    s->lines[0].name = s->lines[0].sku = s->lines[0].channel = "S";
    ec_buf_adds(&out, "kept");
    CU_ASSERT_EQUAL(
        ec_contract_summary_render(themes, tenant.slug, NULL, s, &out),
        EC_ERR_TOO_LARGE);
    EC_ASSERT_STR(out.data, "kept");
    ec_buf_release(&out);
    free(s);
}

/* The Danish summary as a whole document, for the Nu HTML checker. */
static void
test_write_document(void)
{
    const char *to = getenv("EC_CONTRACT_SUMMARY_HTML");
    const struct ec_catalog *c;
    struct ec_buf out = EC_BUF_INIT;
    FILE *f;

    if (!to || !*to)
        return;
    c = cs_catalog("Large <b>&\"5G\"</b>");
    ec_buf_adds(&out, "<!DOCTYPE html>\n<html lang=\"da\">\n<head>\n"
                      "<meta charset=\"utf-8\">\n<title>Kontraktresumé"
                      "</title>\n</head>\n<body>\n<main>\n"
                      "<h1>Bestilling</h1>\n");
    CU_ASSERT_EQUAL_FATAL(
        render_lines(c,
                     "[{\"id\":\"a\",\"channel\":\"web\",\"sku\":\"L\","
                     "\"binding_months\":6,\"binding_accepted\":true,"
                     "\"sim_type\":\"esim\",\"addons\":[\"SHARE\",\"EU\"]},"
                     " {\"id\":\"b\",\"channel\":\"web\",\"sku\":\"S\","
                     "\"binding_months\":0,\"sim_type\":\"physical\"}]",
                     "da-DK", &out),
        0);
    ec_buf_adds(&out, "</main>\n</body>\n</html>\n");
    f = fopen(to, "w");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    CU_ASSERT_EQUAL(fwrite(out.data, 1, out.len, f), out.len);
    CU_ASSERT_EQUAL(fclose(f), 0);
    ec_buf_release(&out);
    ec_catalog_free((struct ec_catalog *)c);
}

static const struct ec_test tests[] = {
    {"Danish: the regulation's headings, both prices, binding, minimum total",
     test_danish},
    {"English from en.po", test_english},
    {"no binding says so; several lines get totals", test_no_binding},
    {"product names are escaped", test_escaped},
    {"a tenant overrides the template", test_tenant_override},
    {"the largest order fits EC_ORDER_SUMMARY_MAX", test_largest_fits},
    {"a larger one is refused", test_too_large},
    {"the document for the HTML checker", test_write_document},
    {NULL, NULL},
};

int
main(void)
{
    const char *src = getenv("EC_SRCDIR");
    struct ec_buf dir = EC_BUF_INIT;
    int rc;

    ec_log_open("/dev/null", "/dev/null", EC_LOG_ERROR);
    if (!src) {
        fprintf(stderr, "EC_SRCDIR is not set\n");
        return 1;
    }
    ec_buf_addf(&dir, "%s/templates", src);
    themes = ec_themes_new(dir.data, -1);
    messages = ec_messages_new(dir.data, -1);
    cs_tenant(&tenant);
    rc = ec_test_run("handlers/contract_summary", tests);
    ec_themes_free(themes);
    ec_messages_free(messages);
    ec_tztime_zone_free(tenant.zone);
    ec_buf_release(&dir);
    return rc;
}
