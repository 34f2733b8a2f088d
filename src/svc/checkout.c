#include "svc/checkout.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "core/buf.h"
#include "core/check.h"
#include "core/crypto.h"
#include "core/err.h"
#include "core/seal.h"
#include "svc/basket_identity.h"

/* ---- the body ---- */

static int
bad(const char **field, const char **message, const char *f, const char *m)
{
    *field = f;
    *message = m;
    return EC_ERR_INVALID_FIELD;
}

/* The string member k of o (len into *len), or NULL. */
static const char *
str_member(struct json_object *o, const char *k, size_t *len)
{
    struct json_object *v;

    if (!o || !json_object_object_get_ex(o, k, &v) ||
        !json_object_is_type(v, json_type_string))
        return NULL;
    *len = (size_t)json_object_get_string_len(v);
    return json_object_get_string(v);
}

/*
 * An address: 1 to EC_CHECKOUT_ADDRESS_MAX characters of UTF-8, blanks
 * around it trimmed, line breaks allowed between lines (a "\r\n" kept as
 * "\n"), no other control character (C0, DEL, C1, the Unicode line and
 * paragraph separators). 0 or EC_ERR_INVALID_FIELD.
 */
static int
address_normalize(const char *in, size_t len,
                  char out[EC_CHECKOUT_ADDRESS_SIZE])
{
    const unsigned char *s = (const unsigned char *)in;
    size_t o = 0;
    long chars;

    while (len && (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n'))
        s++, len--;
    while (len && (s[len - 1] == ' ' || s[len - 1] == '\t' ||
                   s[len - 1] == '\r' || s[len - 1] == '\n'))
        len--;
    if (len == 0 || len >= EC_CHECKOUT_ADDRESS_SIZE)
        return EC_ERR_INVALID_FIELD;
    chars = ec_check_utf8_chars((const char *)s, len);
    if (chars < 0 || chars > EC_CHECKOUT_ADDRESS_MAX)
        return EC_ERR_INVALID_FIELD;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = s[i];

        if (c == '\r' && i + 1 < len && s[i + 1] == '\n')
            continue;
        if ((c < 0x20 && c != '\n') || c == 0x7f)
            return EC_ERR_INVALID_FIELD;
        if (c == 0xc2 && i + 1 < len && s[i + 1] >= 0x80 && s[i + 1] <= 0x9f)
            return EC_ERR_INVALID_FIELD;
        if (c == 0xe2 && i + 2 < len && s[i + 1] == 0x80 &&
            (s[i + 2] == 0xa8 || s[i + 2] == 0xa9))
            return EC_ERR_INVALID_FIELD;
        out[o++] = (char)c;
    }
    out[o] = '\0';
    return 0;
}

int
ec_checkout_phone(const char *in, char out[EC_CHECKOUT_PHONE_SIZE])
{
    char digits[EC_CHECKOUT_PHONE_SIZE + 1], why[8];
    size_t n = 0, i = 0;

    if (!in)
        return EC_ERR_INVALID_FIELD;
    if (in[0] == '+')
        digits[n++] = '+', i = 1;
    for (; in[i]; i++) {
        char c = in[i];

        if (c >= '0' && c <= '9') {
            if (n >= sizeof(digits) - 1)
                return EC_ERR_INVALID_FIELD;
            digits[n++] = c;
        } else if ((c == ' ' || c == '-' || c == '.') && n > 0 &&
                   in[i + 1] >= '0' && in[i + 1] <= '9') {
            continue; /* a separator between digits */
        } else {
            return EC_ERR_INVALID_FIELD;
        }
    }
    digits[n] = '\0';
    if (ec_number_normalise(digits, n, out, why, sizeof(why)) == 0)
        return 0;
    /* a foreign number: +, a country code that is not Denmark's, and
       8 to 15 digits in all (E.164) */
    if (n < 9 || n > 16 || digits[0] != '+' || digits[1] == '0' ||
        (digits[1] == '4' && digits[2] == '5'))
        return EC_ERR_INVALID_FIELD;
    memcpy(out, digits, n + 1);
    return 0;
}

/* The boolean member k of consents, or -1 when it is absent or no
   boolean. */
static int
consent(struct json_object *consents, const char *k)
{
    struct json_object *v;

    if (!consents || !json_object_object_get_ex(consents, k, &v) ||
        !json_object_is_type(v, json_type_boolean))
        return -1;
    return json_object_get_boolean(v) ? 1 : 0;
}

static int
read_prices(struct json_object *j, struct ec_checkout_req *out,
            const char **field, const char **message)
{
    struct json_object *p;

    if (!json_object_object_get_ex(j, "accepted_prices", &p) ||
        json_object_is_type(p, json_type_null))
        return 0;
    if (!json_object_is_type(p, json_type_object) ||
        json_object_object_length(p) > EC_CHECKOUT_PRICES_MAX)
        return bad(field, message, "accepted_prices",
                   "accepted_prices maps each line id to the monthly price "
                   "you accept.");
    json_object_object_foreach(p, k, v)
    {
        struct ec_checkout_price *e = &out->prices[out->nprices];

        if (strlen(k) == 0 || strlen(k) >= sizeof(e->line) ||
            !json_object_is_type(v, json_type_int) ||
            json_object_get_int64(v) < 0 ||
            json_object_get_int64(v) == INT64_MAX)
            return bad(field, message, "accepted_prices",
                       "accepted_prices maps each line id to the monthly "
                       "price you accept, in øre.");
        snprintf(e->line, sizeof(e->line), "%s", k);
        e->monthly = json_object_get_int64(v);
        out->nprices++;
    }
    /* one order, whatever order the client wrote them in */
    for (size_t i = 1; i < out->nprices; i++)
        for (size_t m = i;
             m > 0 && strcmp(out->prices[m - 1].line, out->prices[m].line) > 0;
             m--) {
            struct ec_checkout_price t = out->prices[m];

            out->prices[m] = out->prices[m - 1];
            out->prices[m - 1] = t;
        }
    return 0;
}

int
ec_checkout_read(struct json_object *j, struct ec_checkout_req *out,
                 const char **field, const char **message)
{
    struct json_object *customer = NULL, *consents = NULL;
    const char *s;
    size_t len;

    memset(out, 0, sizeof(*out));
    *field = NULL;
    *message = NULL;
    if (!j || !json_object_is_type(j, json_type_object))
        return bad(field, message, NULL, "The request must be a JSON object.");
    if (!json_object_object_get_ex(j, "customer", &customer) ||
        !json_object_is_type(customer, json_type_object))
        return bad(field, message, "customer",
                   "Please give your name, e-mail, phone and address.");
    if (!(s = str_member(customer, "name", &len)) ||
        ec_account_name_normalize(s, len, out->name) < 0)
        return bad(field, message, "customer.name",
                   "Please give your name (up to 100 characters).");
    if (!(s = str_member(customer, "email", &len)) ||
        ec_email_normalize(s, len, out->email) < 0)
        return bad(field, message, "customer.email",
                   "Please give a valid e-mail address.");
    if (!(s = str_member(customer, "phone", &len)) || len > 32 ||
        strlen(s) != len || ec_checkout_phone(s, out->phone) < 0)
        return bad(field, message, "customer.phone",
                   "Please give a valid phone number.");
    if (!(s = str_member(customer, "address", &len)) || strlen(s) != len ||
        address_normalize(s, len, out->address) < 0)
        return bad(field, message, "customer.address",
                   "Please give your address (up to 200 characters).");
    if (json_object_object_get_ex(j, "consents", &consents) &&
        !json_object_is_type(consents, json_type_object))
        consents = NULL;
    out->terms = consent(consents, "terms");
    out->contract_summary = consent(consents, "contract_summary");
    out->marketing = consent(consents, "marketing");
    if (out->terms != 1)
        return bad(field, message, "consents.terms",
                   "Please accept the terms to order.");
    if (out->contract_summary != 1)
        return bad(field, message, "consents.contract_summary",
                   "Please accept the contract summary to order.");
    if (out->marketing < 0) {
        if (consents && json_object_object_get_ex(consents, "marketing", NULL))
            return bad(field, message, "consents.marketing",
                       "consents.marketing is true or false.");
        out->marketing = 0;
    }
    return read_prices(j, out, field, message);
}

long long
ec_checkout_accepted(const struct ec_checkout_req *r, const char *line_id)
{
    for (size_t i = 0; i < r->nprices; i++)
        if (strcmp(r->prices[i].line, line_id) == 0)
            return r->prices[i].monthly;
    return -1;
}

/* ---- porting ---- */

/*
 * The mobile series of the Danish numbering plan (Energistyrelsen's
 * nummerplan): whole two-digit series, then the three-digit blocks
 * within geographic series that are given to mobile services.
 */
static const char *const mobile2[] = {
    "2", /* 20..29 */
    "30", "31", "40", "41", "42", "50", "51", "52",
    "53", "60", "61", "71", "81", "91", "92", "93",
};
static const char *const mobile3[] = {
    "342", "344", "345", "346", "347", "348", "349", "356", "357", "359",
    "362", "365", "366", "389", "398", "431", "441", "462", "466", "488",
    "489", "493", "494", "495", "496", "498", "499", "542", "543", "545",
    "551", "552", "556", "571", "572", "573", "574", "577", "579", "584",
    "586", "587", "589", "597", "598", "627", "629", "641", "649", "658",
    "662", "663", "664", "665", "667", "692", "693", "694", "697", "771",
    "772", "782", "783", "785", "786", "788", "789", "826", "827", "829",
};

int
ec_checkout_mobile_dk(const char *msisdn)
{
    const char *d;

    if (!msisdn || !ec_number_valid(msisdn) || strncmp(msisdn, "+45", 3) != 0)
        return 0;
    d = msisdn + 3;
    for (size_t i = 0; i < sizeof(mobile2) / sizeof(*mobile2); i++)
        if (strncmp(d, mobile2[i], strlen(mobile2[i])) == 0)
            return 1;
    for (size_t i = 0; i < sizeof(mobile3) / sizeof(*mobile3); i++)
        if (strncmp(d, mobile3[i], 3) == 0)
            return 1;
    return 0;
}

/* ---- the request hash ---- */

/* name, then the value length-prefixed: no value can pose as another */
static void
canon(struct ec_buf *b, const char *name, const char *value)
{
    ec_buf_addf(b, "%s=%zu:%s\n", name, strlen(value ? value : ""),
                value ? value : "");
}

static void
canon_json(struct ec_buf *b, const char *name, struct json_object *v)
{
    if (!v || json_object_is_type(v, json_type_null))
        canon(b, name, "");
    else if (json_object_is_type(v, json_type_string))
        canon(b, name, json_object_get_string(v));
    else
        canon(b, name,
              json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN));
}

static void
sha256_hex(const void *data, size_t len, char out[EC_CHECKOUT_HASH_SIZE])
{
    unsigned char md[EC_SHA256_SIZE];

    ec_sha256(data, len, md);
    for (size_t i = 0; i < EC_SHA256_SIZE; i++)
        snprintf(out + 2 * i, 3, "%02x", md[i]);
}

void
ec_checkout_lines_digest(struct json_object *lines,
                         char out[EC_CHECKOUT_HASH_SIZE])
{
    static const char *const choice[] = {
        "id",       "sku",    "channel", "binding_months", "binding_accepted",
        "sim_type", "addons", "msisdn",  "porting",
    };
    size_t n = lines ? json_object_array_length(lines) : 0;
    struct ec_buf b = EC_BUF_INIT;

    ec_buf_addf(&b, "lines=%zu\n", n);
    for (size_t i = 0; i < n; i++) {
        struct json_object *l = json_object_array_get_idx(lines, i), *v;

        for (size_t k = 0; k < sizeof(choice) / sizeof(*choice); k++)
            canon_json(&b, choice[k],
                       json_object_object_get_ex(l, choice[k], &v) ? v : NULL);
    }
    sha256_hex(b.data, b.len, out);
    ec_buf_release(&b);
}

void
ec_checkout_request_hash(const struct ec_checkout_req *r,
                         const char *lines_digest,
                         char out[EC_CHECKOUT_HASH_SIZE])
{
    struct ec_buf b = EC_BUF_INIT;

    ec_buf_adds(&b, "ecom-checkout-v1\n");
    canon(&b, "name", r->name);
    canon(&b, "email", r->email);
    canon(&b, "phone", r->phone);
    canon(&b, "address", r->address);
    ec_buf_addf(&b, "consents=%d%d%d\n", r->terms, r->contract_summary,
                r->marketing);
    ec_buf_addf(&b, "prices=%zu\n", r->nprices);
    for (size_t i = 0; i < r->nprices; i++) {
        canon(&b, "line", r->prices[i].line);
        ec_buf_addf(&b, "monthly=%lld\n", r->prices[i].monthly);
    }
    canon(&b, "basket", lines_digest);
    sha256_hex(b.data, b.len, out);
    explicit_bzero(b.data, b.len); /* personal data */
    ec_buf_release(&b);
}

/* ---- the CPR number ---- */

int
ec_checkout_seal_cpr(const struct ec_seal *s, const char *slug,
                     const char *basket_sealed, struct ec_buf *out)
{
    char from[96], to[96];
    unsigned char cpr[32];
    size_t len = 0;
    int rc;

    snprintf(from, sizeof(from), "%s:%s", slug, EC_BASKET_CPR_CONTEXT);
    snprintf(to, sizeof(to), "%s:%s", slug, EC_ORDER_CPR_CONTEXT);
    rc = ec_seal_decrypt(s, from, basket_sealed, cpr, sizeof(cpr), &len);
    if (rc == 0)
        rc = ec_seal_encrypt(s, to, cpr, len, out);
    ec_mem_wipe(cpr, sizeof(cpr));
    return rc < 0 ? EC_ERR_INTERNAL : 0;
}
