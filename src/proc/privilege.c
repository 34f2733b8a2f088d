#include "proc/privilege.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

/* The uid and gid to become: 0, or -1 with the reason in err. */
static int
resolve(const char *user, const char *group, uid_t *uid, gid_t *gid, char *err,
        size_t errsize)
{
    struct passwd *pw;
    struct group *gr;

    if (!user || !*user) {
        snprintf(err, errsize,
                 "started as root without 'user': set 'user' (and 'group') "
                 "to the unprivileged account the workers run as");
        return -1;
    }
    errno = 0;
    if (!(pw = getpwnam(user))) {
        snprintf(err, errsize, "user: no user '%s'", user);
        return -1;
    }
    *uid = pw->pw_uid;
    *gid = pw->pw_gid;
    if (group && *group) {
        if (!(gr = getgrnam(group))) {
            snprintf(err, errsize, "group: no group '%s'", group);
            return -1;
        }
        *gid = gr->gr_gid;
    }
    if (*uid == 0 || *gid == 0) {
        snprintf(err, errsize,
                 "user: '%s' (group %ld) is root: name an unprivileged "
                 "account",
                 user, (long)*gid);
        return -1;
    }
    return 0;
}

int
ec_privilege_check(const char *user, const char *group, char *err,
                   size_t errsize)
{
    uid_t uid;
    gid_t gid;

    if (geteuid() != 0)
        return 0;
    return resolve(user, group, &uid, &gid, err, errsize);
}

int
ec_privilege_drop(const char *user, const char *group, char *err,
                  size_t errsize)
{
    uid_t uid, ruid, euid, suid;
    gid_t gid, rgid, egid, sgid;

    if (geteuid() != 0)
        return 0;
    if (resolve(user, group, &uid, &gid, err, errsize) < 0)
        return -1;
    /* groups first: once the uid is gone, they can no longer be changed */
    if (setgroups(1, &gid) < 0 || setresgid(gid, gid, gid) < 0 ||
        setresuid(uid, uid, uid) < 0) {
        snprintf(err, errsize, "cannot become %s: %s", user, strerror(errno));
        return -1;
    }
    if (getresuid(&ruid, &euid, &suid) < 0 ||
        getresgid(&rgid, &egid, &sgid) < 0 || ruid != uid || euid != uid ||
        suid != uid || rgid != gid || egid != gid || sgid != gid) {
        snprintf(err, errsize, "became %s only in part", user);
        return -1;
    }
    /* the proof: root must be out of reach for good */
    if (setuid(0) == 0 || seteuid(0) == 0 || setgid(0) == 0) {
        snprintf(err, errsize, "%s could regain root", user);
        return -1;
    }
    /*
     * A change of uid makes the process undumpable, which also forbids the
     * sanitizers' leak checker and core files; the process is user's own
     * now, so let user's tools see it as such.
     */
    prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);
    return 0;
}
