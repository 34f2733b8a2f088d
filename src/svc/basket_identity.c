#include "svc/basket_identity.h"

#include <string.h>

#include <json-c/json.h>

#include "core/jose.h"

/* The "identity" object of b's document, made when make is set (NULL
   when there is none, or no document). */
static struct json_object *
record(const struct ec_basket *b, int make)
{
    struct json_object *o;

    if (!b->doc)
        return NULL;
    if (json_object_object_get_ex(b->doc, "identity", &o) &&
        json_object_is_type(o, json_type_object))
        return o;
    if (!make)
        return NULL;
    o = json_object_new_object();
    json_object_object_add(b->doc, "identity", o);
    return o;
}

static long long
int_of(struct json_object *o, const char *k)
{
    struct json_object *v;

    if (!json_object_object_get_ex(o, k, &v) ||
        !json_object_is_type(v, json_type_int))
        return 0;
    return json_object_get_int64(v);
}

void
ec_basket_identity_get(const struct ec_basket *b,
                       struct ec_basket_identity *out)
{
    struct json_object *o = record(b, 0);
    long long failures;

    memset(out, 0, sizeof(*out));
    if (!o)
        return;
    failures = int_of(o, "failures");
    out->failures = failures < 0 ? 0 : (unsigned)failures;
    out->cpr_sealed = ec_jose_str(o, "cpr");
    if (!out->cpr_sealed)
        return;
    out->verified = 1;
    out->masked = ec_jose_str(o, "masked");
    out->name = ec_jose_str(o, "name");
    out->broker = ec_jose_str(o, "broker");
    out->verified_at = int_of(o, "verified_at");
}

int
ec_basket_identity_may_try(const struct ec_basket_identity *id)
{
    return id->failures < EC_BASKET_IDENTITY_FAILURES_MAX;
}

unsigned
ec_basket_identity_note_failure(struct ec_basket *b)
{
    struct json_object *o = record(b, 1);
    long long n = int_of(o, "failures") + 1;

    if (n < 1)
        n = 1;
    json_object_object_add(o, "failures", json_object_new_int64(n));
    return (unsigned)n;
}

void
ec_basket_identity_set_verified(struct ec_basket *b, const char *sealed,
                                const char *masked, const char *name,
                                const char *broker, long long at)
{
    struct json_object *o = record(b, 1);

    json_object_object_add(o, "cpr", json_object_new_string(sealed));
    json_object_object_add(o, "masked", json_object_new_string(masked));
    json_object_object_add(o, "name", json_object_new_string(name ? name : ""));
    json_object_object_add(o, "broker", json_object_new_string(broker));
    json_object_object_add(o, "verified_at", json_object_new_int64(at));
}

int
ec_basket_identity_needed(const struct ec_basket *b, int required)
{
    struct ec_basket_identity id;

    if (!required || !b->lines || json_object_array_length(b->lines) == 0)
        return 0;
    ec_basket_identity_get(b, &id);
    return !id.verified;
}
