#include "svc/campaign_overlap.h"

#include <string.h>
#include <strings.h>

/* 1 when lists a and b (na, nb entries) share an entry. */
static int
share(const char *const *a, size_t na, const char *const *b, size_t nb,
      int nocase)
{
    for (size_t i = 0; i < na; i++)
        for (size_t j = 0; j < nb; j++)
            if (nocase ? strcasecmp(a[i], b[j]) == 0 : strcmp(a[i], b[j]) == 0)
                return 1;
    return 0;
}

int
ec_campaign_overlaps(const struct ec_promotion_campaign *a,
                     const struct ec_promotion_campaign *b)
{
    if (a->valid_from >= b->valid_to || b->valid_from >= a->valid_to)
        return 0;
    if (!share(a->skus, a->n_skus, b->skus, b->n_skus, 1))
        return 0;
    /* no channels named: every channel */
    return a->n_channels == 0 || b->n_channels == 0 ||
           share(a->channels, a->n_channels, b->channels, b->n_channels, 0);
}

void
ec_campaign_precedence(const struct ec_promotion_campaign *self,
                       const struct ec_promotion_campaign *other,
                       struct ec_campaign_precedence *out)
{
    int mine = self->stacking == EC_PROMOTION_STACKABLE;
    int theirs = other->stacking == EC_PROMOTION_STACKABLE;
    int wins;

    out->step = EC_PROMOTION_STEP_NONE;
    if (mine || theirs) {
        out->meeting = mine && theirs ? EC_CAMPAIGN_BOTH_STACK
                       : mine         ? EC_CAMPAIGN_THIS_ON_TOP
                                      : EC_CAMPAIGN_OTHER_ON_TOP;
        return;
    }
    out->step = ec_promotion_rank(self, other, &wins);
    if (out->step == EC_PROMOTION_STEP_TOTAL)
        out->meeting = EC_CAMPAIGN_BY_PRICE;
    else
        out->meeting = wins ? EC_CAMPAIGN_THIS_WINS : EC_CAMPAIGN_OTHER_WINS;
}
