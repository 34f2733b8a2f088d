#include "svc/health.h"

#include "store/db.h"
#include "store/kv.h"

void
ec_health_check(struct ec_db *db, struct ec_kv *kv, struct ec_health *h)
{
    h->db_ok = ec_db_ping(db) == 0;
    h->kv_ok = ec_kv_ping(kv) == 0;
}
