/*
 * Number handlers: the free numbers of the tenant's pool a shopper picks
 * from. Locking a number belongs to the basket (a line with a number).
 */
#include <stddef.h>

#include <json-c/json.h>

#include "handlers/env.h"
#include "core/err.h"
#include "handlers/handlers.h"
#include "http/request.h"
#include "http/response.h"
#include "svc/number.h"

struct json_object *
ec_numbers_json(const char *const *numbers, size_t n)
{
    struct json_object *list = json_object_new_array();

    for (size_t i = 0; i < n; i++) {
        struct json_object *o = json_object_new_object();
        char national[EC_NUMBER_SIZE];

        ec_number_format_national(numbers[i], national, sizeof(national));
        json_object_object_add(o, "msisdn", json_object_new_string(numbers[i]));
        json_object_object_add(o, "national", json_object_new_string(national));
        json_object_array_add(list, o);
    }
    return list;
}

/*
 * GET /api/v1/numbers?count=N&contains=DIGITS: up to N (default 10, at
 * most 50) available numbers nobody has locked, a different draw each
 * time: from the worker's sample of the pool, or, with contains, from
 * MySQL (ec_number_offer()). {"numbers":[{"msisdn":"+4520123456","national":"20
 * 12 34 56"}]}
 */
int
ec_h_numbers(struct ec_request *req, struct ec_response *res)
{
    struct ec_number_query q;
    struct json_object *m, *list;
    const char *field, *message;
    const char **numbers;
    size_t n;
    int rc;

    rc = ec_number_query_parse(&q, ec_request_arg(req, "count"),
                               ec_request_arg(req, "contains"), &field,
                               &message);
    if (rc < 0)
        return ec_fail(res, rc, field, message);
    rc = ec_number_offer(req->env->numbers, req->env->db, req->env->kv,
                         req->tenant, &q, req->arena, &numbers, &n);
    if (rc < 0)
        return rc;
    list = ec_numbers_json(numbers, n);
    m = json_object_new_object();
    json_object_object_add(m, "numbers", list);
    ec_response_set_model(res, m, NULL);
    /* a fresh draw each time, and a number offered now may be taken soon */
    ec_response_header(res, "Cache-Control", "no-store");
    return 0;
}
