/*
 * The delivery process: a child of the master beside the workers (the
 * master respawns it like a worker when it dies, and stops it with
 * them), running svc/delivery.c's rounds until SIGTERM. It holds no
 * listening socket. Its process name is "ecomd-delivery".
 */
#ifndef EC_PROC_DELIVERY_H
#define EC_PROC_DELIVERY_H

struct ec_settings;

/* Run until SIGTERM; returns the exit status. */
int ec_delivery_run(const struct ec_settings *s);

#endif
