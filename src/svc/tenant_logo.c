#include "svc/tenant_logo.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/crypto.h"
#include "core/err.h"
#include "core/image.h"
#include "core/log.h"
#include "core/rand.h"
#include "svc/tenant.h"
#include "svc/tenant_create.h"

#define FILE_NAME_MAX 4096

static int
write_all(int fd, const unsigned char *p, size_t len)
{
    while (len) {
        ssize_t n = write(fd, p, len);

        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

/* dir, made if missing, world-readable (nginx's workers read it). */
static int
ensure_dir(const char *dir)
{
    if (mkdir(dir, 0755) == 0)
        return chmod(dir, 0755); /* whatever the umask */
    if (errno == EEXIST)
        return 0;
    ec_log_error("logo: cannot make %s: %s", dir, strerror(errno));
    return -1;
}

/* data as the file name, whole or not at all. */
static int
write_file(const char *dir, const char *name, const unsigned char *data,
           size_t len)
{
    char tmp[FILE_NAME_MAX], final[FILE_NAME_MAX], rnd[17];
    int fd, rc;

    ec_rand_hex(rnd, 8);
    if (snprintf(tmp, sizeof(tmp), "%s/.%s.tmp", dir, rnd) >=
            (int)sizeof(tmp) ||
        snprintf(final, sizeof(final), "%s/%s", dir, name) >=
            (int)sizeof(final)) {
        ec_log_error("logo: upload_dir is too long a path");
        return -1;
    }
    fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0) {
        ec_log_error("logo: cannot create a file in %s: %s", dir,
                     strerror(errno));
        return -1;
    }
    /* the umask must not take away the reading nginx needs */
    rc = fchmod(fd, 0644) == 0 ? write_all(fd, data, len) : -1;
    if (rc == 0)
        rc = fsync(fd);
    if (close(fd) < 0)
        rc = -1;
    if (rc == 0 && rename(tmp, final) == 0)
        return 0;
    ec_log_error("logo: cannot write %s: %s", final, strerror(errno));
    unlink(tmp);
    return -1;
}

int
ec_tenant_logo_store(struct ec_db *db, const char *upload_dir, const char *slug,
                     const unsigned char *data, size_t len,
                     char path[EC_TENANT_LOGO_PATH_MAX], const char **why)
{
    unsigned char sum[EC_SHA256_SIZE];
    char dir[FILE_NAME_MAX], name[64 + 6 + 1];
    struct ec_tenant_refusal r;
    struct ec_image_info info;
    struct ec_tenant *t;
    const char *ext;
    int rc;

    if (ec_image_probe(data, len, &info, why) < 0)
        return EC_ERR_INVALID_FIELD;
    /* the slug names a folder: never a path of its own */
    if (ec_tenant_slug_check(slug, &r) < 0)
        return EC_ERR_NOT_FOUND;
    if ((rc = ec_tenant_load(db, slug, &t)) < 0)
        return rc;
    ec_tenant_free(t);
    ext = ec_image_type_ext(info.type);
    ec_sha256(data, len, sum);
    for (size_t i = 0; i < EC_SHA256_SIZE; i++)
        snprintf(name + 2 * i, 3, "%02x", sum[i]);
    snprintf(name + 64, sizeof(name) - 64, ".%s", ext);
    if (snprintf(dir, sizeof(dir), "%s/%s", upload_dir, slug) >=
            (int)sizeof(dir) ||
        ensure_dir(upload_dir) < 0 || ensure_dir(dir) < 0 ||
        write_file(dir, name, data, len) < 0)
        return EC_ERR_INTERNAL;
    snprintf(path, EC_TENANT_LOGO_PATH_MAX, "%s/%s/%s", EC_TENANT_UPLOADS, slug,
             name);
    return ec_tenant_set_logo(db, slug, path);
}
