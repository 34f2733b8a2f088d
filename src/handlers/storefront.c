#include <ctype.h>
#include <string.h>

#include <json-c/json.h>

#include "handlers/env.h"
#include "core/buf.h"
#include "core/err.h"
#include "handlers/handlers.h"
#include "http/request.h"
#include "http/response.h"
#include "svc/tenant.h"

/* The public facts of the shop, for scripts and the app. */
int
ec_h_tenant_info(struct ec_request *req, struct ec_response *res)
{
    ec_response_set_model(
        res, ec_tenant_to_json(req->tenant, req->env->static_url), NULL);
    return 0;
}

static int
is_hex_colour(const char *c)
{
    if (!c || c[0] != '#' || strlen(c) != 7)
        return 0;
    for (int i = 1; i < 7; i++)
        if (!isxdigit((unsigned char)c[i]))
            return 0;
    return 1;
}

static void
css_var(struct ec_buf *b, const char *name, const char *value,
        const char *fallback)
{
    ec_buf_addf(b, "  --%s: %s;\n", name,
                is_hex_colour(value) ? value : fallback);
}

/*
 * The brand's colours as CSS custom properties. A stylesheet of our own
 * origin rather than an inline <style>, so the CSP needs no
 * 'unsafe-inline' for styles either.
 */
int
ec_h_theme_css(struct ec_request *req, struct ec_response *res)
{
    const struct ec_tenant *t = req->tenant;
    struct ec_buf *b = res->body;

    ec_buf_reset(b);
    ec_buf_adds(b, ":root {\n");
    css_var(b, "color-primary", t->color_primary, "#1f4e79");
    css_var(b, "color-on-primary", t->color_on_primary, "#ffffff");
    css_var(b, "color-background", t->color_background, "#ffffff");
    css_var(b, "color-text", t->color_text, "#1a1a1a");
    css_var(b, "color-accent", t->color_accent, "#b3261e");
    ec_buf_adds(b, "}\n");
    res->content_type = "text/css";
    ec_response_header(res, "Cache-Control", "public, max-age=300");
    return 0;
}
