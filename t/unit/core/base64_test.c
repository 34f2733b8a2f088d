#include <stdlib.h>
#include <string.h>

#include "../test.h"
#include "core/base64.h"

/* RFC 4648 §10's vectors, in both alphabets. */
static const struct {
    const char *in, *url, *std;
} vectors[] = {
    {"", "", ""},
    {"f", "Zg", "Zg=="},
    {"fo", "Zm8", "Zm8="},
    {"foo", "Zm9v", "Zm9v"},
    {"foob", "Zm9vYg", "Zm9vYg=="},
    {"fooba", "Zm9vYmE", "Zm9vYmE="},
    {"foobar", "Zm9vYmFy", "Zm9vYmFy"},
    {"\xfb\xff", "-_8", "+/8="},
};

static void
test_rfc4648_vectors(void)
{
    char out[32], dec[32];
    size_t i, n;
    long got;

    for (i = 0; i < sizeof(vectors) / sizeof(*vectors); i++) {
        n = strlen(vectors[i].in);
        ec_b64url_encode(out, vectors[i].in, n);
        EC_ASSERT_STR(out, vectors[i].url);
        CU_ASSERT_EQUAL(strlen(out), EC_B64URL_LEN(n));
        ec_b64_encode(out, vectors[i].in, n);
        EC_ASSERT_STR(out, vectors[i].std);
        CU_ASSERT_EQUAL(strlen(out), EC_B64_LEN(n));
        got = ec_b64url_decode(dec, vectors[i].url, strlen(vectors[i].url));
        CU_ASSERT_EQUAL(got, (long)n);
        CU_ASSERT(memcmp(dec, vectors[i].in, n) == 0);
    }
}

static void
test_decoding_is_strict(void)
{
    static const char *const bad[] = {
        "Zg==",           /* padding */
        "Z",              /* 4k+1 characters */
        "Zh",             /* unused bits set: "Zg" is the one spelling of "f" */
        "Zm9v\n", "Zm+v", /* the standard alphabet */
        "Zm/v",   NULL};
    char dec[16];
    size_t i;

    for (i = 0; bad[i]; i++)
        CU_ASSERT_EQUAL(ec_b64url_decode(dec, bad[i], strlen(bad[i])), -1);
}

static void
test_round_trip_every_length(void)
{
    unsigned char in[70], dec[EC_B64URL_DECODED_MAX(EC_B64URL_LEN(70))];
    char text[EC_B64URL_LEN(70) + 1];
    size_t n;

    for (n = 0; n < sizeof(in); n++)
        in[n] = (unsigned char)(n * 37 + 11);
    for (n = 0; n <= sizeof(in); n++) {
        ec_b64url_encode(text, in, n);
        CU_ASSERT_EQUAL(ec_b64url_decode(dec, text, strlen(text)), (long)n);
        CU_ASSERT(memcmp(dec, in, n) == 0);
        CU_ASSERT(EC_B64URL_DECODED_MAX(strlen(text)) >= n);
    }
}

/* the standard alphabet without padding, as password hashes carry it */
static void
test_standard_unpadded(void)
{
    unsigned char out[16];

    CU_ASSERT_EQUAL(ec_b64_decode_unpadded(out, "Zm9vYmE", 7), 5);
    CU_ASSERT_EQUAL(memcmp(out, "fooba", 5), 0);
    CU_ASSERT_EQUAL(ec_b64_decode_unpadded(out, "Zm+v", 4), 3);
    CU_ASSERT_EQUAL(out[2], 0xaf);
    CU_ASSERT_EQUAL(ec_b64_decode_unpadded(out, "Zm-_", 4), -1);
    CU_ASSERT_EQUAL(ec_b64_decode_unpadded(out, "Zm8=", 4), -1);
    CU_ASSERT_EQUAL(ec_b64_decode_unpadded(out, "Zm8", 3), 2);
    CU_ASSERT_EQUAL(memcmp(out, "fo", 2), 0);
    /* unused bits of the last character set: another spelling of "fo" */
    CU_ASSERT_EQUAL(ec_b64_decode_unpadded(out, "Zm9", 3), -1);
}

static void
test_hex(void)
{
    unsigned char out[4];

    CU_ASSERT_EQUAL(ec_hex_decode(out, "00fFa5", 3), 0);
    CU_ASSERT_EQUAL(out[0], 0x00);
    CU_ASSERT_EQUAL(out[1], 0xff);
    CU_ASSERT_EQUAL(out[2], 0xa5);
    CU_ASSERT_EQUAL(ec_hex_decode(out, "0g", 1), -1);
    CU_ASSERT_EQUAL(ec_hex_decode(out, " 1", 1), -1);
}

static const struct ec_test tests[] = {
    {"RFC 4648 test vectors", test_rfc4648_vectors},
    {"decoding refuses non-canonical text", test_decoding_is_strict},
    {"every length round-trips", test_round_trip_every_length},
    {"the standard alphabet without padding", test_standard_unpadded},
    {"hex, either case", test_hex},
    {NULL, NULL},
};

EC_TEST_MAIN("core/base64", tests)
