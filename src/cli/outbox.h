/*
 * `ecomctl outbox dead [SLUG]` and `ecomctl outbox retry SLUG
 * EVENT_ID|--all`: the operator's view of the outbox's dead letters
 * (events the downstream receiver refused delivery_max_attempts times,
 * which hold back the later events of their order) and their second
 * chance once the cause is fixed (docs/operations.md).
 */
#ifndef EC_CLI_OUTBOX_H
#define EC_CLI_OUTBOX_H

#include <stdio.h>

struct ec_db;

/* argv[0] is "outbox". Returns the exit status (2 for a usage error). */
int ec_ctl_outbox(struct ec_db *db, int argc, char **argv, FILE *out,
                  FILE *err);

#endif
