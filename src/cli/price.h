/*
 * `ecomctl price TENANT SKU [--channel C] [--binding N] [--sim TYPE]
 * [--at ISO-8601]`: what a product costs, explained, at any instant: for
 * support staff answering "why did I pay this?" and for tests.
 */
#ifndef EC_CLI_PRICE_H
#define EC_CLI_PRICE_H

#include <stdio.h>

struct ec_db;

/* argv[0] is "price". Returns the exit status (2 for a usage error). */
int ec_ctl_price(struct ec_db *db, int argc, char **argv, FILE *out, FILE *err);

#endif
