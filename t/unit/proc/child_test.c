/*
 * The signals of a worker or the delivery process. A stop (SIGTERM) or
 * a log reopen (SIGUSR1) must not cut short a blocking call in progress:
 * a request being read or answered finishes, and the loop sees the flag.
 * Each case runs in a child process, since the handlers are for good.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../test.h"
#include "proc/child.h"

static volatile sig_atomic_t seen;

static void
note_signal(int sig)
{
    seen = sig;
}

static void
pause_ms(long ms)
{
    struct timespec t = {ms / 1000, (ms % 1000) * 1000000L};

    while (nanosleep(&t, &t) < 0 && errno == EINTR)
        ;
}

/* In a child: a blocking read that sig arrives during. 0 when the read
   still returned its byte and the handler ran; 1 when the read failed
   (EINTR); 2 when the handler did not run. */
static int
read_through(int sig)
{
    int fds[2], data[2];
    char c;
    pid_t helper;
    ssize_t n;

    if (ec_child_signals(fds, note_signal) < 0 || pipe(data) < 0)
        return 3;
    helper = fork();
    if (helper == 0) {
        pause_ms(100);
        kill(getppid(), sig);
        pause_ms(100);
        _exit(write(data[1], "x", 1) == 1 ? 0 : 1);
    }
    n = read(data[0], &c, 1);
    waitpid(helper, NULL, 0);
    if (n != 1)
        return 1;
    return seen == sig ? 0 : 2;
}

static int
in_child(int sig)
{
    pid_t pid = fork();
    int status;

    CU_ASSERT_FATAL(pid >= 0);
    if (pid == 0)
        _exit(read_through(sig));
    CU_ASSERT_EQUAL_FATAL(waitpid(pid, &status, 0), pid);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 100 + WTERMSIG(status);
}

static void
test_stop_does_not_cut_a_read(void)
{
    CU_ASSERT_EQUAL(in_child(SIGTERM), 0);
}

static void
test_reopen_does_not_cut_a_read(void)
{
    CU_ASSERT_EQUAL(in_child(SIGUSR1), 0);
}

static const struct ec_test tests[] = {
    {"SIGTERM during a blocking read: the read finishes, the flag is set",
     test_stop_does_not_cut_a_read},
    {"SIGUSR1 during a blocking read: the read finishes, the flag is set",
     test_reopen_does_not_cut_a_read},
    {NULL, NULL},
};

EC_TEST_MAIN("proc/child", tests)
