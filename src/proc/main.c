/*
 * ecomd: the FastCGI application server. Everything happens in master.c
 * and worker.c; this file reads the command line.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "proc/master.h"
#include "app/settings.h"
#include "net/https.h"

#define DEFAULT_CONF "etc/ecomd.conf"

static void
usage(FILE *out)
{
    fprintf(out,
            "usage: ecomd [-c FILE] [-t] [-f]\n"
            "  -c FILE        configuration file (default %s)\n"
            "  -t             check the configuration and exit\n"
            "  -f             stay in the foreground\n"
            "  -v, --version  print the version and exit\n"
            "  -h, --help     print this help and exit\n",
            DEFAULT_CONF);
}

static int
check_config(const char *path)
{
    struct ec_settings s;
    char err[512];

    if (ec_settings_load(&s, path, err, sizeof(err)) < 0) {
        fprintf(stderr, "ecomd: %s\n", err);
        return 1;
    }
    printf("ecomd: configuration %s is valid\n", path);
    ec_settings_release(&s);
    return 0;
}

int
main(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'v'},
        {NULL, 0, NULL, 0},
    };
    struct ec_master_opts o = {DEFAULT_CONF, 0};
    int test = 0, c;

    while ((c = getopt_long(argc, argv, "c:tfvh", longopts, NULL)) != -1) {
        switch (c) {
        case 'c':
            o.conf_path = optarg;
            break;
        case 't':
            test = 1;
            break;
        case 'f':
            o.foreground = 1;
            break;
        case 'v':
            printf("ecomd %s\n", PACKAGE_VERSION);
            return 0;
        case 'h':
            usage(stdout);
            return 0;
        default:
            usage(stderr);
            return 2;
        }
    }
    if (optind != argc) {
        usage(stderr);
        return 2;
    }
    if (test)
        return check_config(o.conf_path);
    /* libcurl's global state, once, in the master before any fork: the
       workers inherit it (net/https.h) */
    ec_https_global_init();
    c = ec_master_run(&o);
    ec_https_global_cleanup();
    return c;
}
