#include "handlers/contract_summary.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "core/buf.h"
#include "core/err.h"
#include "core/tztime.h"
#include "handlers/env.h"
#include "http/request.h"
#include "render/format.h"
#include "render/messages.h"
#include "render/theme.h"
#include "svc/contract_summary.h"
#include "svc/order.h"
#include "svc/tenant.h"

/* key and key_text: the amount, and as s's locale writes it */
static void
add_money(const struct ec_contract_summary *s, struct json_object *o,
          const char *key, long long minor)
{
    struct ec_buf b = EC_BUF_INIT;
    char text_key[48];

    json_object_object_add(o, key, json_object_new_int64(minor));
    ec_format_money(&b, minor, s->currency, s->locale);
    snprintf(text_key, sizeof(text_key), "%s_text", key);
    json_object_object_add(o, text_key,
                           json_object_new_string_len(b.data, (int)b.len));
    ec_buf_release(&b);
}

static void
add_bool(struct json_object *o, const char *key, int v)
{
    json_object_object_add(o, key, json_object_new_boolean(v != 0));
}

/* key as a string, or null for NULL and "" (templates test it with a
   section) */
static void
add_text(struct json_object *o, const char *key, const char *s)
{
    json_object_object_add(
        o, key, s && *s ? json_object_new_string(s) : json_object_new_null());
}

/* The date of instant s->at in s's zone: "2026-12-24" and the RFC 3339
   instant for <time datetime>. */
static void
add_date(const struct ec_contract_summary *s, struct json_object *o)
{
    char iso[EC_TZTIME_RFC3339_SIZE] = "";

    if (s->zone) {
        ec_tztime_format(s->zone, s->at, iso, sizeof(iso));
    } else {
        time_t t = (time_t)s->at;
        struct tm tm;

        if (gmtime_r(&t, &tm))
            strftime(iso, sizeof(iso), "%Y-%m-%dT%H:%M:%S+00:00", &tm);
    }
    json_object_object_add(o, "date_iso", json_object_new_string(iso));
    json_object_object_add(
        o, "date", json_object_new_string_len(iso, strlen(iso) >= 10 ? 10 : 0));
}

/* A run of the schedule: which months (one of every, single, range,
   from), first, last, and its price. */
static struct json_object *
segment_json(const struct ec_contract_summary *s,
             const struct ec_promotion_segment *seg)
{
    struct json_object *o = json_object_new_object();

    json_object_object_add(o, "first", json_object_new_int(seg->first));
    json_object_object_add(o, "last", json_object_new_int(seg->last));
    add_bool(o, "every", seg->first <= 1 && !seg->last);
    add_bool(o, "from", seg->first > 1 && !seg->last);
    add_bool(o, "single", seg->last && seg->last == seg->first);
    add_bool(o, "range", seg->last && seg->last != seg->first);
    add_money(s, o, "monthly", seg->monthly);
    return o;
}

static struct json_object *
line_json(const struct ec_contract_summary *s, const struct ec_msgcat *texts,
          const struct ec_contract_summary_line *l, size_t n)
{
    struct json_object *o = json_object_new_object();
    struct json_object *addons = json_object_new_array();
    struct json_object *schedule = json_object_new_array();
    char sim_id[32];

    json_object_object_add(o, "n", json_object_new_int64((int64_t)n));
    json_object_object_add(o, "name", json_object_new_string(l->name));
    json_object_object_add(o, "sku", json_object_new_string(l->sku));
    add_text(o, "channel", l->channel);
    add_text(o, "description", l->description);

    add_bool(o, "data_unlimited", l->data_gb == EC_UNLIMITED);
    json_object_object_add(o, "data_gb", json_object_new_int64(l->data_gb));
    add_bool(o, "talk_unlimited", l->talk_minutes == EC_UNLIMITED);
    json_object_object_add(o, "talk_minutes",
                           json_object_new_int64(l->talk_minutes));
    add_bool(o, "has_eu_data", l->eu_data_gb > 0);
    json_object_object_add(o, "eu_data_gb",
                           json_object_new_int64(l->eu_data_gb));
    json_object_object_add(
        o, "network_label",
        json_object_new_string(l->network == EC_NETWORK_5G ? "5G" : "4G"));
    snprintf(sim_id, sizeof(sim_id), "sim.%s", ec_sim_type_name(l->sim));
    json_object_object_add(
        o, "sim_text", json_object_new_string(ec_msgcat_text(texts, sim_id)));

    add_bool(o, "has_binding", l->binding_months > 0);
    json_object_object_add(o, "binding_months",
                           json_object_new_int(l->binding_months));

    add_money(s, o, "monthly_now", l->monthly_now);
    add_money(s, o, "monthly_after", l->monthly_after);
    json_object_object_add(o, "campaign_months",
                           l->campaign_months
                               ? json_object_new_int(l->campaign_months)
                               : json_object_new_null());
    add_bool(o, "campaign_one", l->campaign_months == 1);
    add_bool(o, "campaign_many", l->campaign_months > 1);
    add_text(o, "campaign", l->campaign);
    for (size_t i = 0; i < l->n_segments; i++)
        json_object_array_add(schedule, segment_json(s, &l->schedule[i]));
    json_object_object_add(o, "schedule", schedule);

    add_money(s, o, "startup_fee", l->startup_fee);
    add_money(s, o, "sim_fee", l->sim_fee);
    for (size_t i = 0; i < l->naddons; i++) {
        struct json_object *a = json_object_new_object();

        json_object_object_add(a, "name",
                               json_object_new_string(l->addons[i].name));
        add_money(s, a, "monthly", l->addons[i].monthly);
        add_money(s, a, "one_time", l->addons[i].one_time);
        add_bool(a, "has_one_time", l->addons[i].one_time > 0);
        add_bool(a, "last", i + 1 == l->naddons);
        json_object_array_add(addons, a);
    }
    json_object_object_add(o, "addons", addons);
    add_bool(o, "has_addons", l->naddons > 0);
    add_money(s, o, "line_monthly", l->line_monthly);
    add_money(s, o, "one_time", l->one_time);
    json_object_object_add(o, "min_total_months",
                           json_object_new_int(l->min_total_months));
    add_money(s, o, "min_total", l->min_total);
    return o;
}

struct json_object *
ec_contract_summary_model(const struct ec_contract_summary *s,
                          const struct ec_msgcat *texts)
{
    struct json_object *m = json_object_new_object();
    struct json_object *lines = json_object_new_array();

    if (texts)
        json_object_object_add(m, "t", json_object_get(ec_msgcat_json(texts)));
    json_object_object_add(
        m, "lang",
        json_object_new_string(texts ? ec_msgcat_locale(texts)
                                     : EC_MESSAGES_FALLBACK_LOCALE));
    json_object_object_add(m, "provider", json_object_new_string(s->provider));
    json_object_object_add(m, "currency", json_object_new_string(s->currency));
    add_date(s, m);
    for (size_t i = 0; i < s->nlines; i++)
        json_object_array_add(lines, line_json(s, texts, &s->lines[i], i + 1));
    json_object_object_add(m, "lines", lines);
    add_bool(m, "several", s->nlines > 1);
    add_money(s, m, "monthly", s->monthly);
    add_money(s, m, "one_time", s->one_time);
    add_money(s, m, "min_total", s->min_total);
    return m;
}

int
ec_contract_summary_render(struct ec_themes *th, const char *slug,
                           const struct ec_msgcat *texts,
                           const struct ec_contract_summary *s,
                           struct ec_buf *out)
{
    struct json_object *model = ec_contract_summary_model(s, texts);
    size_t before = out->len;
    int rc;

    rc = ec_themes_render_texts(th, slug, texts, EC_CONTRACT_SUMMARY_TEMPLATE,
                                model, out);
    json_object_put(model);
    if (rc == 0 && out->len - before > EC_ORDER_SUMMARY_MAX)
        rc = EC_ERR_TOO_LARGE;
    if (rc < 0 && out->len > before) {
        out->len = before;
        out->data[before] = '\0';
    }
    return rc;
}

int
ec_contract_summary_for_request(struct ec_request *req,
                                const struct ec_basket_view *v, int64_t at,
                                struct ec_buf *out)
{
    struct ec_contract_summary s;
    int rc = ec_contract_summary_from_view(req->tenant, v, at, &s);

    if (rc < 0)
        return rc;
    return ec_contract_summary_render(req->env->themes, req->tenant->slug,
                                      req->texts, &s, out);
}
