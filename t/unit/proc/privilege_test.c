/*
 * The privilege drop. As root (scripts/test runs as root), each case runs
 * in a child process, which drops for real and reports by its exit status;
 * as another user, the drop must leave the process as it is.
 */
#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../test.h"
#include "proc/privilege.h"

/* Run fn in a child; its exit status (or 100 + signal). */
static int
in_child(int (*fn)(void))
{
    pid_t pid = fork();
    int status;

    CU_ASSERT_FATAL(pid >= 0);
    if (pid == 0)
        _exit(fn());
    CU_ASSERT_EQUAL_FATAL(waitpid(pid, &status, 0), pid);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 100 + WTERMSIG(status);
}

/* 0 when nobody is all the child is, and root is out of reach. */
static int
drop_to_nobody(void)
{
    struct passwd *pw = getpwnam("nobody");
    uid_t r, e, s;
    gid_t groups[8];
    char err[256];

    if (!pw)
        return 2;
    if (ec_privilege_drop("nobody", NULL, err, sizeof(err)) < 0) {
        fprintf(stderr, "%s\n", err);
        return 3;
    }
    if (getresuid(&r, &e, &s) < 0 || r != pw->pw_uid || e != pw->pw_uid ||
        s != pw->pw_uid || getgid() != pw->pw_gid || getegid() != pw->pw_gid)
        return 4;
    if (getgroups(8, groups) != 1 || groups[0] != pw->pw_gid)
        return 5;
    if (setuid(0) == 0 || seteuid(0) == 0 || setgid(0) == 0)
        return 6;
    return 0;
}

static int
refuse_without_user(void)
{
    char err[256];

    if (ec_privilege_check(NULL, NULL, err, sizeof(err)) == 0 ||
        ec_privilege_drop(NULL, NULL, err, sizeof(err)) == 0)
        return 1;
    if (!strstr(err, "without 'user'"))
        return 2;
    if (ec_privilege_check("root", NULL, err, sizeof(err)) == 0 ||
        !strstr(err, "is root"))
        return 3;
    if (ec_privilege_check("nobody", "root", err, sizeof(err)) == 0)
        return 4;
    if (ec_privilege_check("no-such-user-here", NULL, err, sizeof(err)) == 0 ||
        !strstr(err, "no user 'no-such-user-here'"))
        return 5;
    if (ec_privilege_check("nobody", "no-such-group-here", err, sizeof(err)) ==
        0)
        return 6;
    return geteuid() == 0 ? 0 : 7;
}

static void
test_root_drops_for_good(void)
{
    if (geteuid() != 0)
        return;
    CU_ASSERT_EQUAL(in_child(drop_to_nobody), 0);
}

static void
test_root_refuses_without_an_unprivileged_user(void)
{
    if (geteuid() != 0)
        return;
    CU_ASSERT_EQUAL(in_child(refuse_without_user), 0);
}

static void
test_others_run_as_they_are(void)
{
    char err[256];
    uid_t before = geteuid();

    if (before == 0)
        return;
    CU_ASSERT_EQUAL(ec_privilege_check(NULL, NULL, err, sizeof(err)), 0);
    CU_ASSERT_EQUAL(ec_privilege_drop("nobody", NULL, err, sizeof(err)), 0);
    CU_ASSERT_EQUAL(geteuid(), before);
}

static const struct ec_test tests[] = {
    {"as root: becomes the user, with its group only, for good",
     test_root_drops_for_good},
    {"as root: refuses no user, root, and names that do not exist",
     test_root_refuses_without_an_unprivileged_user},
    {"as another user: runs as it is", test_others_run_as_they_are},
    {NULL, NULL},
};

EC_TEST_MAIN("proc/privilege", tests)
