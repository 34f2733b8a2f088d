#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../test.h"
#include "core/base64.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/seal.h"

#define CTX "nordlys:basket.cpr"
#define CPR "0101901234"

static const unsigned char key_a[EC_SEAL_KEY_SIZE] = {1, 2, 3, 4, 5};
static const unsigned char key_b[EC_SEAL_KEY_SIZE] = {9, 8, 7, 6, 5};

static void
seal_str(const struct ec_seal *s, const char *plain, struct ec_buf *out)
{
    ec_buf_reset(out);
    CU_ASSERT_EQUAL_FATAL(ec_seal_encrypt(s, CTX, plain, strlen(plain), out),
                          0);
}

/* Open sealed for context; 0 and the text in out, or the error. */
static int
open_str(const struct ec_seal *s, const char *context, const char *sealed,
         char out[64])
{
    size_t len;
    int rc =
        ec_seal_decrypt(s, context, sealed, (unsigned char *)out, 63, &len);

    out[rc == 0 ? len : 0] = '\0';
    return rc;
}

static void
test_round_trip(void)
{
    struct ec_seal s;
    struct ec_buf a = EC_BUF_INIT, b = EC_BUF_INIT;
    char plain[64], kid[EC_SEAL_KID_MAX + 1];

    ec_seal_init(&s);
    CU_ASSERT_EQUAL(ec_seal_add(&s, "k1", key_a, 1), 0);
    seal_str(&s, CPR, &a);
    seal_str(&s, CPR, &b);
    CU_ASSERT(strncmp(a.data, "v1.k1.", 6) == 0);
    /* nonce + 10 bytes + tag */
    CU_ASSERT_EQUAL(a.len, 6 + EC_B64URL_LEN(12 + 10 + 16));
    CU_ASSERT(strstr(a.data, CPR) == NULL);
    /* a fresh nonce each time: equal numbers do not look equal */
    CU_ASSERT(strcmp(a.data, b.data) != 0);
    CU_ASSERT_EQUAL(open_str(&s, CTX, a.data, plain), 0);
    EC_ASSERT_STR(plain, CPR);
    CU_ASSERT_EQUAL(ec_seal_kid(a.data, kid), 0);
    EC_ASSERT_STR(kid, "k1");
    ec_buf_release(&a);
    ec_buf_release(&b);
    ec_seal_release(&s);
}

static void
test_tampering_is_detected(void)
{
    struct ec_seal s;
    struct ec_buf a = EC_BUF_INIT;
    char plain[64];
    size_t i;

    ec_seal_init(&s);
    ec_seal_add(&s, "k1", key_a, 1);
    seal_str(&s, CPR, &a);
    /* every character of the data, changed */
    for (i = 6; i < a.len; i++) {
        char was = a.data[i];

        a.data[i] = was == 'A' ? 'B' : 'A';
        CU_ASSERT_EQUAL(open_str(&s, CTX, a.data, plain), EC_ERR_FORBIDDEN);
        CU_ASSERT_EQUAL(plain[0], '\0');
        a.data[i] = was;
    }
    /* cut short, and moved to another tenant's column */
    CU_ASSERT_EQUAL(open_str(&s, "fjordmobil:basket.cpr", a.data, plain),
                    EC_ERR_FORBIDDEN);
    a.data[a.len - 3] = '\0';
    CU_ASSERT_EQUAL(open_str(&s, CTX, a.data, plain), EC_ERR_FORBIDDEN);
    CU_ASSERT_EQUAL(open_str(&s, CTX, "v1.k1", plain), EC_ERR_FORBIDDEN);
    CU_ASSERT_EQUAL(open_str(&s, CTX, "v2.k1.AAAA", plain), EC_ERR_FORBIDDEN);
    CU_ASSERT_EQUAL(open_str(&s, CTX, CPR, plain), EC_ERR_FORBIDDEN);
    ec_buf_release(&a);
    ec_seal_release(&s);
}

static void
test_wrong_key_id(void)
{
    struct ec_seal s;
    struct ec_buf a = EC_BUF_INIT;
    char plain[64];

    ec_seal_init(&s);
    ec_seal_add(&s, "k1", key_a, 1);
    ec_seal_add(&s, "k2", key_b, 0);
    seal_str(&s, CPR, &a);
    CU_ASSERT_EQUAL(
        open_str(&s, CTX, "v1.k9.AAAAAAAAAAAAAAAAAAAAAAAAAAAA", plain),
        EC_ERR_NOT_FOUND);
    /* the value relabelled with the other key's id */
    a.data[4] = '2';
    CU_ASSERT_EQUAL(open_str(&s, CTX, a.data, plain), EC_ERR_FORBIDDEN);
    ec_buf_release(&a);
    ec_seal_release(&s);
}

static void
test_rotation(void)
{
    struct ec_seal old, rotated;
    struct ec_buf a = EC_BUF_INIT, b = EC_BUF_INIT;
    char plain[64];

    ec_seal_init(&old);
    ec_seal_add(&old, "k2025", key_a, 1);
    seal_str(&old, CPR, &a);
    ec_seal_init(&rotated);
    ec_seal_add(&rotated, "k2025", key_a, 0);
    ec_seal_add(&rotated, "k2026", key_b, 1);
    seal_str(&rotated, "3112994321", &b);
    CU_ASSERT(strncmp(b.data, "v1.k2026.", 9) == 0);
    CU_ASSERT_EQUAL(open_str(&rotated, CTX, a.data, plain), 0);
    EC_ASSERT_STR(plain, CPR);
    CU_ASSERT_EQUAL(open_str(&rotated, CTX, b.data, plain), 0);
    EC_ASSERT_STR(plain, "3112994321");
    /* the old ring cannot read what the new key sealed */
    CU_ASSERT_EQUAL(open_str(&old, CTX, b.data, plain), EC_ERR_NOT_FOUND);
    ec_buf_release(&a);
    ec_buf_release(&b);
    ec_seal_release(&old);
    ec_seal_release(&rotated);
}

static void
test_ring_rules(void)
{
    struct ec_seal s;
    struct ec_buf a = EC_BUF_INIT;

    ec_seal_init(&s);
    CU_ASSERT_EQUAL(ec_seal_encrypt(&s, CTX, "x", 1, &a), EC_ERR_INTERNAL);
    CU_ASSERT_EQUAL(ec_seal_add(&s, "", key_a, 1), EC_ERR_INVALID_FIELD);
    CU_ASSERT_EQUAL(ec_seal_add(&s, "a.b", key_a, 1), EC_ERR_INVALID_FIELD);
    CU_ASSERT_EQUAL(ec_seal_add(&s, "k1", key_a, 0), 0);
    CU_ASSERT_EQUAL(ec_seal_add(&s, "k1", key_b, 0), EC_ERR_INVALID_FIELD);
    ec_seal_release(&s);
    ec_buf_release(&a);
}

static char *
write_file(const char *text)
{
    static char path[] = "/tmp/ec-seal-test-XXXXXX";
    int fd;

    strcpy(path, "/tmp/ec-seal-test-XXXXXX");
    fd = mkstemp(path);
    CU_ASSERT_FATAL(fd >= 0);
    CU_ASSERT_FATAL(write(fd, text, strlen(text)) == (ssize_t)strlen(text));
    close(fd);
    return path;
}

#define HEX_A "0102030405000000000000000000000000000000000000000000000000000000"
#define HEX_B "0908070605000000000000000000000000000000000000000000000000000000"

static void
test_key_file(void)
{
    static const struct {
        const char *text, *error; /* error: the end of the message */
    } files[] = {
        {"# keys\nk2025 " HEX_A "\n\nk2026 " HEX_B "  # new\ncurrent k2026\n",
         NULL},
        {"current k2025\nk2025 " HEX_A "\n", NULL},
        {"k2025 " HEX_A "\n", "no \"current KID\" line naming a key"},
        {"k2025 " HEX_A "\ncurrent k2024\n",
         "no \"current KID\" line naming a key"},
        {"k2025 abcd\ncurrent k2025\n", ":1: the key must be 64 hex digits "
                                        "(openssl rand -hex 32)"},
        {"k2025 " HEX_A "\nk2025 " HEX_B "\n",
         ":2: the kid must be 1 to 32 of A-Z a-z 0-9 - _, once per file"},
        {"k2025 " HEX_A " extra\n", ":1: expected \"KID KEY\" or \"current "
                                    "KID\""},
    };
    struct ec_seal s, direct;
    struct ec_buf a = EC_BUF_INIT;
    char err[256], plain[64], *path;
    size_t i;
    int rc;

    for (i = 0; i < sizeof(files) / sizeof(*files); i++) {
        path = write_file(files[i].text);
        ec_seal_init(&s);
        err[0] = '\0';
        rc = ec_seal_load(&s, path, err, sizeof(err));
        unlink(path);
        if (files[i].error) {
            CU_ASSERT_EQUAL(rc, EC_ERR_INVALID_FIELD);
            CU_ASSERT(strlen(err) >= strlen(files[i].error));
            EC_ASSERT_STR(err + strlen(err) - strlen(files[i].error),
                          files[i].error);
        } else {
            CU_ASSERT_EQUAL(rc, 0);
        }
        ec_seal_release(&s);
    }
    /* the file's current key is the one that seals */
    path = write_file("k2025 " HEX_A "\nk2026 " HEX_B "\ncurrent k2026\n");
    ec_seal_init(&s);
    CU_ASSERT_EQUAL(ec_seal_load(&s, path, err, sizeof(err)), 0);
    unlink(path);
    seal_str(&s, CPR, &a);
    ec_seal_init(&direct);
    ec_seal_add(&direct, "k2026", key_b, 1);
    CU_ASSERT_EQUAL(open_str(&direct, CTX, a.data, plain), 0);
    ec_seal_release(&direct);
    ec_seal_release(&s);
    ec_buf_release(&a);
}

static const struct ec_test tests[] = {
    {"a sealed value opens to what was sealed", test_round_trip},
    {"a changed value or context does not open", test_tampering_is_detected},
    {"an unknown or wrong key id does not open", test_wrong_key_id},
    {"rotation: old values open with the old key, new use the new",
     test_rotation},
    {"kids are valid and unique; an empty ring seals nothing", test_ring_rules},
    {"the key file: keys, current, and errors by line", test_key_file},
    {NULL, NULL},
};

EC_TEST_MAIN("core/seal", tests)
