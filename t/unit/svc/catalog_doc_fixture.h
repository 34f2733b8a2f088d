/*
 * The catalog document the tests of svc/catalog_import.c,
 * svc/catalog_export.c and svc/catalog_doc.c start from, and the means
 * to break or change it in one place.
 */
#ifndef EC_T_UNIT_SVC_CATALOG_DOC_FIXTURE_H
#define EC_T_UNIT_SVC_CATALOG_DOC_FIXTURE_H

#include <stdlib.h>

#include <json-c/json.h>

#include "../test.h"
#include "core/err.h"
#include "core/tztime.h"
#include "svc/catalog_doc.h"
#include "svc/catalog_export.h"
#include "svc/catalog_import.h"

/* The demo brands' zone, loaded once; the tz database is a test need. */
static inline const struct ec_tztime_zone *
cph(void)
{
    static struct ec_tztime_zone *z;

    if (!z && ec_tztime_load("Europe/Copenhagen", &z) < 0) {
        fprintf(stderr, "\n    no Europe/Copenhagen: install tzdata\n");
        z = NULL;
    }
    CU_ASSERT_PTR_NOT_NULL_FATAL(z);
    return z;
}

/* A valid document: every case of the tests breaks it in one place. */
static const char base[] __attribute__((unused)) =
    "{\"format\": \"ecom-catalog/1\","
    " \"channels\": ["
    "  {\"code\": \"web\", \"name\": \"Forside\", \"kind\": \"web_front\","
    "   \"default\": true},"
    "  {\"code\": \"tilbud\", \"name\": \"Tilbud\", \"kind\": \"web_sub\"},"
    "  {\"code\": \"app\", \"name\": \"App\", \"kind\": \"app\","
    "   \"default\": false}],"
    " \"channel_rules\": ["
    "  {\"kind\": \"header\", \"param\": \"x-channel\", \"value\": \"app\","
    "   \"channel\": \"app\"},"
    "  {\"kind\": \"query_param\", \"param\": \"channel\", \"value\": \"app\","
    "   \"channel\": \"app\"},"
    "  {\"kind\": \"path_prefix\", \"value\": \"/tilbud\","
    "   \"channel\": \"tilbud\"}],"
    " \"products\": ["
    "  {\"sku\": \"NL-5G-100\", \"kind\": \"plan\", \"status\": \"active\","
    "   \"name\": \"5G 100 GB\", \"description\": \"Fri tale og 100 GB.\","
    "   \"data_gb\": 100, \"talk_minutes\": null, \"network\": \"5g\","
    "   \"eu_data_gb\": 30, \"monthly_price\": 19900,"
    "   \"fees\": {\"startup\": 9900, \"sim\": 0},"
    "   \"binding_months\": [0, 6], \"sim_types\": [\"physical\", \"esim\"],"
    "   \"channels\": {"
    "    \"web\": {\"visible\": true, \"name\": \"Fri tale + 100 GB\","
    "             \"sort\": 30},"
    "    \"app\": {\"visible\": true, \"sort\": 10,"
    "             \"sim_types\": [\"esim\"], \"monthly_price\": 17900}},"
    "   \"addons\": [{\"sku\": \"NL-DATADELING\"},"
    "              {\"sku\": \"NL-EU-EKSTRA\", \"channels\": [\"app\"]}]},"
    "  {\"sku\": \"NL-TALE\", \"kind\": \"plan\", \"status\": \"draft\","
    "   \"name\": \"Tale\", \"data_gb\": 1, \"talk_minutes\": 300,"
    "   \"network\": \"4g\", \"monthly_price\": 9900,"
    "   \"binding_months\": [0], \"sim_types\": [\"physical\"],"
    "   \"channels\": {\"tilbud\": {\"visible\": false}}},"
    "  {\"sku\": \"NL-DATADELING\", \"kind\": \"addon\","
    "   \"status\": \"active\","
    "   \"name\": \"Datadeling\", \"data_gb\": null, \"talk_minutes\": 0,"
    "   \"network\": \"5g\", \"monthly_price\": 2900,"
    "   \"binding_months\": [0], \"sim_types\": [\"esim\", \"physical\"],"
    "   \"channels\": {\"web\": {\"visible\": true}}, \"addons\": []},"
    "  {\"sku\": \"NL-EU-EKSTRA\", \"kind\": \"addon\", \"status\": \"active\","
    "   \"name\": \"EU ekstra\", \"data_gb\": 10, \"talk_minutes\": 0,"
    "   \"network\": \"4g\", \"monthly_price\": 4900,"
    "   \"binding_months\": [0], \"sim_types\": [\"physical\", \"esim\"],"
    "   \"channels\": {\"app\": {\"visible\": true, \"sort\": -5}}}],"
    /* written out of order, with defaults left out and local times */
    " \"campaigns\": ["
    "  {\"code\": \"gratis-start\", \"name\": \"Gratis oprettelse\","
    "   \"valid_from\": \"2026-11-01T00:00:00+01:00\","
    "   \"valid_to\": \"2027-06-01\","
    "   \"products\": [\"NL-TALE\", \"NL-5G-100\"],"
    "   \"stacking\": \"stackable\","
    "   \"actions\": ["
    "    {\"kind\": \"waive_fee\", \"fees\": [\"startup\"]},"
    "    {\"kind\": \"percent_off\", \"percent_bp\": 1000,"
    "     \"first_month\": 2, \"months\": 3},"
    "    {\"kind\": \"reduce_fee\", \"amount\": 500,"
    "     \"fees\": [\"sim\", \"startup\"]},"
    "    {\"kind\": \"amount_off\", \"amount\": 1000}]},"
    "  {\"code\": \"app-99\", \"name\": \"99 kr. i appen\","
    "   \"valid_from\": \"2026-11-01T00:00\","
    "   \"valid_to\": \"2027-02-01T00:00:00+01:00\","
    "   \"products\": [\"NL-5G-100\"], \"channels\": [\"app\"],"
    "   \"priority\": 10, \"stacking\": \"exclusive\","
    "   \"required_binding\": 6,"
    "   \"actions\": [{\"kind\": \"fixed_price\", \"amount\": 9900,"
    "                \"months\": 6}]}]}";

static inline struct json_object *
parse_json(const char *text)
{
    struct json_object *o = json_tokener_parse(text);

    if (!o)
        fprintf(stderr, "\n    not JSON: %s\n", text);
    CU_ASSERT_PTR_NOT_NULL_FATAL(o);
    return o;
}

/*
 * Set (json non-NULL) or delete (json NULL) the value at where, written
 * like a JSON path without the "$": "products[0].fees.sim". An index one
 * past an array's end appends; "" replaces the whole document.
 */
static inline struct json_object *
edit(struct json_object *root, const char *where, const char *json)
{
    struct json_object *parent = root, *v;
    const char *p = where;
    char key[128], *end;
    long idx;

    if (!*where) {
        json_object_put(root);
        return parse_json(json);
    }
    for (;;) {
        if (*p == '.')
            p++;
        if (*p == '[') {
            idx = strtol(p + 1, &end, 10);
            p = end + 1; /* past ']' */
        } else {
            size_t n = strcspn(p, ".[");
            CU_ASSERT_FATAL(n < sizeof(key));
            memcpy(key, p, n);
            key[n] = '\0';
            p += n;
            idx = -1;
        }
        if (!*p)
            break;
        /* not the last segment: step into it */
        parent = idx >= 0 ? json_object_array_get_idx(parent, (size_t)idx)
                          : json_object_object_get(parent, key);
        CU_ASSERT_PTR_NOT_NULL_FATAL(parent);
    }
    /* json-c's JSON null is a NULL pointer */
    v = json && strcmp(json, "null") != 0 ? parse_json(json) : NULL;
    if (idx >= 0) {
        if (!json)
            json_object_array_del_idx(parent, (size_t)idx, 1);
        else
            json_object_array_put_idx(parent, (size_t)idx, v);
    } else if (!json) {
        json_object_object_del(parent, key);
    } else {
        json_object_object_add(parent, key, v);
    }
    return root;
}

#define DEL NULL

#endif
