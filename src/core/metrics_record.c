/* Metrics in shared memory, the recording side: see core/metrics.h. */
#include "core/metrics.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "core/metrics_int.h"
#include "core/xalloc.h"

const uint64_t ec_metrics_bucket_us[MX_NBUCKETS] = {
    1000,   2500,   5000,   10000,   25000,   50000,
    100000, 250000, 500000, 1000000, 2500000, 10000000};

const char *const ec_metrics_methods[MX_NMETHODS] = {
    "GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "other"};

/* this process's */
static struct mx_shared *self_shared;
static struct mx_slot *self;

/* ---- recording ---- */

static void
bump(uint64_t *p, uint64_t n)
{
    /* one writer per slot: a relaxed add is all the ordering needed; the
       atomic only keeps a reader in another process from a torn value */
    __atomic_fetch_add(p, n, __ATOMIC_RELAXED);
}

struct ec_metrics *
ec_metrics_new(size_t nslots)
{
    struct ec_metrics *m;
    size_t bytes =
        sizeof(struct mx_shared) + (nslots + 1) * sizeof(struct mx_slot);
    void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
                   MAP_SHARED | MAP_ANONYMOUS, -1, 0);

    if (p == MAP_FAILED)
        return NULL;
    m = ec_xcalloc(1, sizeof(*m));
    m->sh = p;
    m->nslots = nslots;
    m->bytes = bytes;
    return m;
}

void
ec_metrics_free(struct ec_metrics *m)
{
    if (!m)
        return;
    if (self_shared == m->sh)
        self_shared = NULL, self = NULL;
    munmap(m->sh, m->bytes);
    free(m);
}

size_t
ec_metrics_nslots(const struct ec_metrics *m)
{
    return m ? m->nslots : 0;
}

void
ec_metrics_bind(struct ec_metrics *m, size_t i)
{
    self_shared = m ? m->sh : NULL;
    self = m && i < m->nslots ? &m->sh->slots[i] : NULL;
}

void
ec_metric_add(enum ec_metric c, uint64_t n)
{
    if (self && (unsigned)c < EC_M__COUNT)
        bump(&self->c[c], n);
}

void
ec_metrics_master_add(struct ec_metrics *m, enum ec_metric c, uint64_t n)
{
    if (m && (unsigned)c < EC_M__COUNT)
        bump(&m->sh->slots[m->nslots].c[c], n);
}

void
ec_metrics_gauge_set(enum ec_gauge g, int64_t v)
{
    if (!self_shared || (unsigned)g >= EC_G__COUNT)
        return;
    __atomic_store_n(&self_shared->gauges[g], v, __ATOMIC_RELAXED);
    __atomic_store_n(&self_shared->gauge_set[g], 1, __ATOMIC_RELEASE);
}

void
ec_metrics_numbers_available(const char *slug, int64_t n)
{
    struct mx_tenant_gauge *t;

    if (!self_shared || !slug || strlen(slug) >= EC_METRICS_TENANT_MAX)
        return;
    for (size_t i = 0; i < EC_METRICS_TENANTS_MAX; i++) {
        uint32_t empty = 0;

        t = &self_shared->numbers[i];
        if (__atomic_load_n(&t->state, __ATOMIC_ACQUIRE) == 1 &&
            strcmp(t->slug, slug) == 0) {
            __atomic_store_n(&t->value, n, __ATOMIC_RELAXED);
            return;
        }
        /* an empty entry: claim it (two delivery processes during a
           reload may both try), fill it, then show it */
        if (__atomic_compare_exchange_n(&t->state, &empty, 2, 0,
                                        __ATOMIC_ACQUIRE, __ATOMIC_RELAXED)) {
            memcpy(t->slug, slug, strlen(slug) + 1);
            __atomic_store_n(&t->value, n, __ATOMIC_RELAXED);
            __atomic_store_n(&t->state, 1, __ATOMIC_RELEASE);
            return;
        }
    }
}

static unsigned
method_index(const char *m)
{
    for (unsigned i = 0; m && i + 1 < MX_NMETHODS; i++)
        if (strcmp(ec_metrics_methods[i], m) == 0)
            return i;
    return MX_NMETHODS - 1;
}

/* FNV-1a over a request's labels */
static uint32_t
req_hash(unsigned route, unsigned method, unsigned status, const char *tenant)
{
    uint32_t h = 2166136261u;
    unsigned char k[5] = {(unsigned char)route, (unsigned char)(route >> 8),
                          (unsigned char)method, (unsigned char)status,
                          (unsigned char)(status >> 8)};

    for (size_t i = 0; i < sizeof(k); i++)
        h = (h ^ k[i]) * 16777619u;
    for (; *tenant; tenant++)
        h = (h ^ (unsigned char)*tenant) * 16777619u;
    return h;
}

static int
req_is(const struct mx_req *e, unsigned route, unsigned method, unsigned status,
       const char *tenant)
{
    return e->route == route && e->method == method && e->status == status &&
           strcmp(e->tenant, tenant) == 0;
}

/* The slot's entry for these labels, made if need be; NULL when full. */
static struct mx_req *
req_entry(struct mx_slot *s, unsigned route, unsigned method, unsigned status,
          const char *tenant)
{
    uint32_t h = req_hash(route, method, status, tenant);

    for (size_t n = 0; n < MX_REQ_CAP; n++) {
        struct mx_req *e = &s->req[(h + n) % MX_REQ_CAP];

        if (!e->ready) { /* only this process writes the slot */
            e->route = (uint16_t)route;
            e->method = (uint8_t)method;
            e->status = (uint16_t)status;
            memcpy(e->tenant, tenant, strlen(tenant) + 1);
            __atomic_store_n(&e->ready, 1, __ATOMIC_RELEASE);
            return e;
        }
        if (req_is(e, route, method, status, tenant))
            return e;
    }
    return NULL;
}

void
ec_metrics_request(int route, const char *method, int status,
                   const char *tenant, uint64_t duration_us)
{
    unsigned r =
        route >= 0 && route < EC_METRICS_ROUTES_MAX ? (unsigned)route + 1 : 0;
    struct mx_req *e;
    size_t b = 0;

    if (!self)
        return;
    if (!tenant || strlen(tenant) >= EC_METRICS_TENANT_MAX)
        tenant = "";
    e = req_entry(self, r, method_index(method),
                  status > 0 && status < 1000 ? (unsigned)status : 0, tenant);
    if (e)
        bump(&e->count, 1);
    else
        bump(&self->dropped, 1);
    while (b < MX_NBUCKETS && duration_us > ec_metrics_bucket_us[b])
        b++;
    if (b < MX_NBUCKETS)
        bump(&self->dur_bucket[r][b], 1);
    bump(&self->dur_sum_us[r], duration_us);
    bump(&self->dur_count[r], 1);
}
