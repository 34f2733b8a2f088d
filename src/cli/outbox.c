#include "cli/outbox.h"

#include <string.h>

#include "cli/tenant_arg.h"
#include "core/err.h"
#include "store/db.h"
#include "svc/outbox.h"

/* the most dead rows one listing prints */
#define CTL_DEAD_MAX 1000

struct listing {
    FILE *out;
    size_t n;
};

static int
print_dead(const struct ec_outbox_dead *d, void *ctx)
{
    struct listing *l = ctx;

    if (l->n++ == 0)
        fprintf(l->out, "event\ttenant\torder\tseq\ttype\tattempts\tcreated "
                        "(UTC)\tlast error\n");
    fprintf(l->out, "%s\t%s\t%s\t%u\t%s\t%u\t%.19s\t%s\n", d->event_id, d->slug,
            d->order, d->seq, d->type, d->attempts, d->created_at,
            d->last_error);
    return 0;
}

static int
dead(struct ec_db *db, const char *slug, FILE *out, FILE *err)
{
    struct listing l = {out, 0};
    long long id = 0;

    if (slug && ec_ctl_tenant_id(db, slug, &id, err) < 0)
        return 1;
    if (ec_outbox_dead_each(db, id, CTL_DEAD_MAX, print_dead, &l) < 0) {
        fprintf(err, "ecomctl: could not read the outbox: %s\n",
                ec_db_last_error(db));
        return 1;
    }
    if (l.n == 0)
        fprintf(out, "no dead events%s%s\n", slug ? " of " : "",
                slug ? slug : "");
    return 0;
}

static int
retry(struct ec_db *db, const char *slug, const char *event, FILE *out,
      FILE *err)
{
    unsigned long long n = 0;
    long long id;

    if (ec_ctl_tenant_id(db, slug, &id, err) < 0)
        return 1;
    if (ec_outbox_revive(db, id, event, &n) < 0) {
        fprintf(err, "ecomctl: could not change the outbox: %s\n",
                ec_db_last_error(db));
        return 1;
    }
    if (event && n == 0) {
        fprintf(err, "ecomctl: %s has no dead event %s\n", slug, event);
        return 1;
    }
    if (n == 0) {
        fprintf(out, "no dead events of %s\n", slug);
        return 0;
    }
    fprintf(out,
            "%llu dead event%s of %s pending again: the delivery process "
            "sends %s in its next round\n",
            n, n == 1 ? "" : "s", slug, n == 1 ? "it" : "them");
    return 0;
}

int
ec_ctl_outbox(struct ec_db *db, int argc, char **argv, FILE *out, FILE *err)
{
    if ((argc == 2 || argc == 3) && strcmp(argv[1], "dead") == 0)
        return dead(db, argc == 3 ? argv[2] : NULL, out, err);
    if (argc == 4 && strcmp(argv[1], "retry") == 0)
        return retry(db, argv[2],
                     strcmp(argv[3], "--all") == 0 ? NULL : argv[3], out, err);
    return 2;
}
