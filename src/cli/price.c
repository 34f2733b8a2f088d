#include "cli/price.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/buf.h"
#include "core/err.h"
#include "core/tztime.h"
#include "render/format.h"
#include "store/db.h"
#include "svc/catalog.h"
#include "svc/promotion.h"
#include "svc/tenant.h"

struct price_args {
    const char *slug, *sku, *channel, *at;
    int binding;          /* -1: the shortest offered */
    enum ec_sim_type sim; /* 0: the first offered */
};

static int
parse_args(int argc, char **argv, struct price_args *a, FILE *err)
{
    memset(a, 0, sizeof(*a));
    a->binding = -1;
    if (argc < 3)
        return -1;
    a->slug = argv[1];
    a->sku = argv[2];
    /* options come in pairs: --name value */
    for (int i = 3; i < argc; i += 2) {
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;

        if (!v)
            return -1;
        if (strcmp(argv[i], "--channel") == 0) {
            a->channel = v;
        } else if (strcmp(argv[i], "--binding") == 0) {
            char *end;
            long n = strtol(v, &end, 10);
            if (*end || n < 0 || n > EC_BINDING_MAX_MONTHS) {
                fprintf(err, "ecomctl: --binding takes 0 to %d months\n",
                        EC_BINDING_MAX_MONTHS);
                return -2;
            }
            a->binding = (int)n;
        } else if (strcmp(argv[i], "--sim") == 0) {
            if (ec_sim_type_parse(v, &a->sim) < 0) {
                fprintf(err, "ecomctl: --sim takes physical or esim\n");
                return -2;
            }
        } else if (strcmp(argv[i], "--at") == 0) {
            a->at = v;
        } else {
            return -1;
        }
    }
    return 0;
}

static const char *
money(struct ec_buf *b, const struct ec_tenant *t, long long minor)
{
    ec_buf_reset(b);
    ec_format_money(b, minor, t->currency, t->locale);
    return b->data;
}

static void
print_schedule(FILE *out, const struct ec_tenant *t,
               const struct ec_promotion_breakdown *bd, struct ec_buf *b)
{
    for (size_t i = 0; i < bd->n_segments; i++) {
        const struct ec_promotion_segment *s = &bd->schedule[i];
        char months[40];

        if (!s->last)
            snprintf(months, sizeof(months), "month %d onwards", s->first);
        else if (s->first == s->last)
            snprintf(months, sizeof(months), "month %d", s->first);
        else
            snprintf(months, sizeof(months), "months %d-%d", s->first, s->last);
        fprintf(out, "  %-22s %s\n", months, money(b, t, s->monthly));
    }
}

static void
print_explanation(FILE *out, const struct ec_catalog *c,
                  const struct ec_promotion_breakdown *bd)
{
    char code[EC_PROMOTION_CODE_SIZE];

    if (bd->n_explain == 0) {
        fprintf(out, "campaigns: none\n");
        return;
    }
    fprintf(out, "campaigns:\n");
    for (size_t i = 0; i < bd->n_explain; i++) {
        const struct ec_promotion_explanation *e = &bd->explain[i];
        ec_promotion_explain_code(e, code, sizeof(code));
        fprintf(out, "  %-20s %-18s %s (priority %d, %s)",
                ec_catalog_campaign_code(c, e->campaign),
                e->reason == EC_PROMOTION_APPLIED ? "applied" : code,
                e->campaign->name, e->campaign->priority,
                e->campaign->stacking == EC_PROMOTION_STACKABLE ? "stackable"
                                                                : "exclusive");
        if (e->reason == EC_PROMOTION_LOST)
            fprintf(out, ", decided by %s",
                    ec_promotion_step_name(e->decided_by));
        fputc('\n', out);
    }
}

static void
print_breakdown(FILE *out, const struct ec_tenant *t,
                const struct ec_catalog *c, const struct ec_offer *o,
                const struct ec_promotion_breakdown *bd, const char *at_text)
{
    struct ec_buf b = EC_BUF_INIT;

    fprintf(out, "%s (%s) in channel %s at %s\n", o->product->sku,
            o->display_name, o->channel->code, at_text);
    fprintf(out, "binding: %d months, SIM: %s\n", bd->binding_months,
            ec_sim_type_name(bd->sim_type));
    fprintf(out, "regular monthly price: %s\n",
            money(&b, t, bd->regular_monthly));
    fprintf(out, "monthly price now:     %s\n", money(&b, t, bd->monthly_now));
    fprintf(out, "schedule:\n");
    print_schedule(out, t, bd, &b);
    fprintf(out, "start-up fee:          %s\n", money(&b, t, bd->startup_fee));
    fprintf(out, "SIM fee:               %s\n", money(&b, t, bd->sim_fee));
    fprintf(out, "minimum total price:   %s (one-time fees and %d months)\n",
            money(&b, t, bd->min_total), bd->min_total_months);
    fprintf(out, "VAT in minimum total:  %s\n",
            money(&b, t, bd->min_total_vat));
    print_explanation(out, c, bd);
    ec_buf_release(&b);
}

static int
price(struct ec_db *db, const struct price_args *a, FILE *out, FILE *err)
{
    struct ec_promotion_breakdown *bd = NULL;
    struct ec_catalog *c = NULL;
    struct ec_tenant *t = NULL;
    const struct ec_channel *ch;
    const struct ec_offer *o;
    char at_text[EC_TZTIME_RFC3339_SIZE];
    int64_t at = time(NULL);
    int rc = 1, binding;
    enum ec_sim_type sim;

    if (ec_tenant_load(db, a->slug, &t) < 0) {
        fprintf(err, "ecomctl: no tenant '%s'\n", a->slug);
        goto out;
    }
    if (a->at &&
        ec_tztime_parse(t->zone, a->at, EC_TZTIME_COMPATIBLE, &at) < 0) {
        fprintf(err,
                "ecomctl: --at '%s' is not an ISO-8601 time "
                "(2026-12-01T10:00 in %s, or with an offset)\n",
                a->at, t->time_zone);
        goto out;
    }
    if (ec_catalog_load(db, t->id, &c) < 0 || !c->default_channel) {
        fprintf(err, "ecomctl: tenant '%s' has no catalog\n", a->slug);
        goto out;
    }
    ch = a->channel ? ec_catalog_channel(c, a->channel) : c->default_channel;
    if (!ch) {
        fprintf(err, "ecomctl: tenant '%s' has no channel '%s'\n", a->slug,
                a->channel);
        goto out;
    }
    if (!(o = ec_catalog_offer(ch, a->sku))) {
        fprintf(err, "ecomctl: %s is not offered in channel %s\n", a->sku,
                ch->code);
        goto out;
    }
    binding =
        a->binding >= 0 ? a->binding : ec_binding_lowest(o->binding_months);
    sim = a->sim ? a->sim : ec_sim_type_first(o->sim_types);
    bd = malloc(sizeof(*bd));
    if (!bd ||
        ec_catalog_price(c, o, binding, sim, at, t->vat_rate_bp, bd) < 0) {
        fprintf(err,
                "ecomctl: %s is not offered with %d months' binding and "
                "%s SIM in channel %s\n",
                a->sku, binding, ec_sim_type_name(sim), ch->code);
        goto out;
    }
    ec_tztime_format(t->zone, at, at_text, sizeof(at_text));
    print_breakdown(out, t, c, o, bd, at_text);
    rc = 0;
out:
    free(bd);
    ec_catalog_free(c);
    ec_tenant_free(t);
    return rc;
}

int
ec_ctl_price(struct ec_db *db, int argc, char **argv, FILE *out, FILE *err)
{
    struct price_args a;
    int rc = parse_args(argc, argv, &a, err);

    if (rc == -1)
        return 2;
    if (rc < 0)
        return 1;
    return price(db, &a, out, err);
}
