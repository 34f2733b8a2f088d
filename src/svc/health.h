/*
 * Whether the worker's stores answer right now: what readiness probes ask
 * before a load balancer sends traffic.
 */
#ifndef EC_SVC_HEALTH_H
#define EC_SVC_HEALTH_H

struct ec_db;
struct ec_kv;

struct ec_health {
    int db_ok; /* 1 when MySQL answered a round trip */
    int kv_ok; /* 1 when Redis did */
};

/* Ping both stores once each (connecting if need be) into h. */
void ec_health_check(struct ec_db *db, struct ec_kv *kv, struct ec_health *h);

#endif
