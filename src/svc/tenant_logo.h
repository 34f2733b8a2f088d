/*
 * A brand's logo: checked by its content (core/image.h: PNG, JPEG or
 * WebP within 512 KiB and 4096x4096; SVG and everything else refused),
 * stored under the upload folder nginx serves at <static_url>/uploads/
 * (nginx/ecomd.conf.in), and recorded as the tenant's logo_path.
 *
 * Files are content-addressed: <upload_dir>/<slug>/<sha256 hex>.<ext>,
 * so a name never changes what it serves (nginx may let browsers keep it
 * for a year), a new logo is a new name (no cache to purge, no nginx
 * reload), and storing the same bytes twice writes nothing new. A file
 * appears whole or not at all (written under a temporary name, renamed
 * into place), readable by everyone (nginx's workers run as nobody).
 * Old files are kept: a page rendered a moment ago may still name one.
 */
#ifndef EC_SVC_TENANT_LOGO_H
#define EC_SVC_TENANT_LOGO_H

#include <stddef.h>

struct ec_db;

/* The folder under the static URL that upload_dir is served as. */
#define EC_TENANT_UPLOADS "uploads"

/* "uploads/<slug>/<64 hex>.jpeg" and its NUL */
#define EC_TENANT_LOGO_PATH_MAX (sizeof(EC_TENANT_UPLOADS) + 41 + 64 + 6 + 1)

/*
 * Check data (len bytes) as a logo, store it for tenant slug under
 * upload_dir and record it. Returns 0 with the logo_path (relative to the
 * static root) in path; EC_ERR_INVALID_FIELD with *why (static) for a file
 * that is not an acceptable image (nothing written); EC_ERR_NOT_FOUND
 * for an unknown tenant (nothing written); EC_ERR_INTERNAL
 * when the file cannot be written (logged); or a store error.
 */
int ec_tenant_logo_store(struct ec_db *db, const char *upload_dir,
                         const char *slug, const unsigned char *data,
                         size_t len, char path[EC_TENANT_LOGO_PATH_MAX],
                         const char **why);

#endif
