/*
 * The file adapter of svc/mail.h: each mail one .eml file (RFC 5322 text,
 * as an SMTP server would have received it) in a folder, for the demo
 * and test stacks, where nothing may leave the machine and tests read
 * what was sent.
 *
 * A file is written under a hidden temporary name and renamed into place
 * when complete, so a reader never sees half a mail. Names sort by time:
 * <UTC yyyymmddThhmmss.uuuuuu>-<random>.eml. Mode 0640: a mail holds its
 * recipient's reset link.
 */
#include "svc/mail.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "core/err.h"
#include "core/log.h"
#include "core/rand.h"

#define NAME_MAX_LEN 4096

static int
write_all(int fd, const char *text, size_t len)
{
    while (len) {
        ssize_t n = write(fd, text, len);

        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        text += n;
        len -= (size_t)n;
    }
    return 0;
}

/* The final name of a new mail in dir. */
static int
mail_name(char *out, size_t size, const char *dir, const char *rnd)
{
    struct timeval tv;
    struct tm tm;
    char stamp[32];

    gettimeofday(&tv, NULL);
    gmtime_r(&tv.tv_sec, &tm);
    strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%S", &tm);
    return snprintf(out, size, "%s/%s.%06ld-%s.eml", dir, stamp,
                    (long)tv.tv_usec, rnd) < (int)size
               ? 0
               : -1;
}

int
ec_mail_file_write(const char *dir, const char *text, size_t len)
{
    char rnd[17], tmp[NAME_MAX_LEN], name[NAME_MAX_LEN];
    int fd, rc;

    ec_rand_hex(rnd, 8);
    if (snprintf(tmp, sizeof(tmp), "%s/.%s.tmp", dir, rnd) >=
            (int)sizeof(tmp) ||
        mail_name(name, sizeof(name), dir, rnd) < 0) {
        ec_log_error("mail: mail_dir is too long a path");
        return EC_ERR_UNAVAILABLE;
    }
    fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
    if (fd < 0) {
        ec_log_error("mail: cannot create a file in %s: %s", dir,
                     strerror(errno));
        return EC_ERR_UNAVAILABLE;
    }
    rc = write_all(fd, text, len);
    if (close(fd) < 0)
        rc = -1;
    if (rc == 0 && rename(tmp, name) == 0)
        return 0;
    ec_log_error("mail: cannot write a mail in %s: %s", dir, strerror(errno));
    unlink(tmp);
    return EC_ERR_UNAVAILABLE;
}
