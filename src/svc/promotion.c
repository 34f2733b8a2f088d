#include "svc/promotion.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/err.h"

const char *const ec_promotion_stacking_names[] = {"exclusive", "stackable",
                                                   NULL};
const char *const ec_promotion_action_kind_names[] = {
    "fixed_price", "amount_off", "percent_off", "waive_fee", "reduce_fee", NULL,
};

/*
 * A price being built: months 1..horizon (index 0 unused) and the two
 * fees. Months past the horizon cost the regular price; extending the
 * horizon fills them in before an action touches them.
 */
struct plan {
    int64_t month[EC_PROMOTION_MAX_MONTHS + 1];
    int horizon;
    int64_t regular;
    int64_t startup_fee;
    int64_t sim_fee;
};

/* What the engine knows while choosing the exclusive winner. */
struct choice {
    const struct ec_promotion_query *q;
    int64_t regular;
    int total_months;
    int64_t alone[EC_PROMOTION_MAX_CAMPAIGNS]; /* valid where have[i] */
    unsigned char have[EC_PROMOTION_MAX_CAMPAIGNS];
};

enum problem {
    P_NONE = 0,
    P_NAME,
    P_VALIDITY,
    P_STACKING,
    P_NO_SKU,
    P_EMPTY_SKU,
    P_EMPTY_CHANNEL,
    P_BINDING_NEGATIVE,
    P_BINDING_LEGAL,
    P_NO_ACTION,
    P_TOO_MANY_ACTIONS,
    P_KIND,
    P_VALUE,
    P_PERCENT,
    P_FIRST_MONTH,
    P_LATE_START,
    P_MONTHS,
    P_TOO_LONG,
    P_FEES
};

/*
 * round(n * num / den) half away from zero, for den > 0 and
 * 0 <= num <= den: splitting n by den keeps every product far from
 * overflow whatever n is.
 */
static int64_t
mul_div_round(int64_t n, int64_t num, int64_t den)
{
    uint64_t m = n < 0 ? -(uint64_t)n : (uint64_t)n;
    uint64_t q = m / (uint64_t)den, r = m % (uint64_t)den;
    uint64_t v = q * (uint64_t)num +
                 (2 * r * (uint64_t)num + (uint64_t)den) / (2 * (uint64_t)den);

    return n < 0 ? -(int64_t)v : (int64_t)v;
}

int64_t
ec_promotion_vat(int64_t gross, int rate_bp)
{
    if (rate_bp <= 0)
        return 0;
    return mul_div_round(gross, rate_bp, 10000 + (int64_t)rate_bp);
}

static int
amount_ok(int64_t v)
{
    return v >= 0 && v <= EC_PROMOTION_MAX_AMOUNT;
}

static int
is_fee_action(enum ec_promotion_action_kind kind)
{
    return kind == EC_PROMOTION_WAIVE_FEE || kind == EC_PROMOTION_REDUCE_FEE;
}

/* The first thing wrong with c, and the index of the item it concerns. */
static enum problem
campaign_problem(const struct ec_promotion_campaign *c, size_t *at)
{
    size_t i;

    *at = 0;
    if (!c->name || !*c->name)
        return P_NAME;
    if (c->valid_from >= c->valid_to)
        return P_VALIDITY;
    if (c->stacking != EC_PROMOTION_EXCLUSIVE &&
        c->stacking != EC_PROMOTION_STACKABLE)
        return P_STACKING;
    if (c->n_skus == 0 || !c->skus)
        return P_NO_SKU;
    for (i = 0; i < c->n_skus; i++) {
        *at = i;
        if (!c->skus[i] || !*c->skus[i])
            return P_EMPTY_SKU;
    }
    for (i = 0; i < c->n_channels; i++) {
        *at = i;
        if (!c->channels || !c->channels[i] || !*c->channels[i])
            return P_EMPTY_CHANNEL;
    }
    if (c->required_binding < 0)
        return P_BINDING_NEGATIVE;
    if (c->required_binding > EC_BINDING_MAX_MONTHS)
        return P_BINDING_LEGAL;
    if (c->n_actions == 0 || !c->actions)
        return P_NO_ACTION;
    if (c->n_actions > EC_PROMOTION_MAX_ACTIONS)
        return P_TOO_MANY_ACTIONS;
    for (i = 0; i < c->n_actions; i++) {
        const struct ec_promotion_action *a = &c->actions[i];
        int first = a->first_month > 1 ? a->first_month : 1;

        *at = i;
        if (a->kind < EC_PROMOTION_FIXED_PRICE ||
            a->kind > EC_PROMOTION_REDUCE_FEE)
            return P_KIND;
        if (a->kind == EC_PROMOTION_PERCENT_OFF) {
            if (a->value < 0 || a->value > 10000)
                return P_PERCENT;
        } else if (a->kind != EC_PROMOTION_WAIVE_FEE && !amount_ok(a->value)) {
            return P_VALUE;
        }
        if (is_fee_action(a->kind)) {
            if (!a->fees || (a->fees & ~(EC_FEE_STARTUP | EC_FEE_SIM)))
                return P_FEES;
            continue;
        }
        if (a->first_month < 0)
            return P_FIRST_MONTH;
        if (first > EC_BINDING_MAX_MONTHS)
            return P_LATE_START;
        if (a->months < 0)
            return P_MONTHS;
        if (a->months > EC_PROMOTION_MAX_MONTHS ||
            first + a->months - 1 > EC_PROMOTION_MAX_MONTHS)
            return P_TOO_LONG;
    }
    *at = 0;
    return P_NONE;
}

static int refuse(struct ec_promotion_problem *problem, const char *field,
                  const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int
refuse(struct ec_promotion_problem *problem, const char *field, const char *fmt,
       ...)
{
    va_list ap;

    if (problem) {
        snprintf(problem->field, sizeof(problem->field), "%s", field);
        va_start(ap, fmt);
        vsnprintf(problem->message, sizeof(problem->message), fmt, ap);
        va_end(ap);
    }
    return EC_ERR_INVALID_FIELD;
}

int
ec_promotion_check_campaign(const struct ec_promotion_campaign *c,
                            struct ec_promotion_problem *problem)
{
    const struct ec_promotion_action *a;
    char field[48];
    size_t at;
    enum problem p = campaign_problem(c, &at);

    if (problem)
        problem->field[0] = problem->message[0] = '\0';
    a = c->actions && at < c->n_actions ? &c->actions[at] : NULL;
    switch (p) {
    case P_NONE:
        return 0;
    case P_NAME:
        return refuse(problem, "name", "A campaign needs a name.");
    case P_VALIDITY:
        return refuse(problem, "valid_to",
                      "The campaign must end after it starts.");
    case P_STACKING:
        return refuse(problem, "stacking",
                      "Stacking must be exclusive or stackable.");
    case P_NO_SKU:
        return refuse(problem, "skus",
                      "A campaign must name at least one product.");
    case P_EMPTY_SKU:
        snprintf(field, sizeof(field), "skus[%zu]", at);
        return refuse(problem, field, "A product SKU is empty.");
    case P_EMPTY_CHANNEL:
        snprintf(field, sizeof(field), "channels[%zu]", at);
        return refuse(problem, field, "A channel code is empty.");
    case P_BINDING_NEGATIVE:
        return refuse(problem, "required_binding",
                      "The required binding period cannot be negative.");
    case P_BINDING_LEGAL:
        return refuse(problem, "required_binding",
                      "The campaign requires %d months' binding; a "
                      "consumer may be bound for at most %d months.",
                      c->required_binding, EC_BINDING_MAX_MONTHS);
    case P_NO_ACTION:
        return refuse(problem, "actions",
                      "A campaign needs at least one price action.");
    case P_TOO_MANY_ACTIONS:
        return refuse(problem, "actions",
                      "A campaign may have at most %d price actions.",
                      EC_PROMOTION_MAX_ACTIONS);
    default:
        break;
    }

    /* The rest are about action `at`. */
    switch (p) {
    case P_KIND:
        snprintf(field, sizeof(field), "actions[%zu].kind", at);
        return refuse(problem, field, "Unknown kind of price action.");
    case P_VALUE:
        snprintf(field, sizeof(field), "actions[%zu].value", at);
        return refuse(problem, field, "An amount must be between 0 and %lld.",
                      (long long)EC_PROMOTION_MAX_AMOUNT);
    case P_PERCENT:
        snprintf(field, sizeof(field), "actions[%zu].value", at);
        return refuse(problem, field,
                      "A percentage must be between 0 and 100 %%.");
    case P_FIRST_MONTH:
        snprintf(field, sizeof(field), "actions[%zu].first_month", at);
        return refuse(problem, field, "The first month cannot be negative.");
    case P_LATE_START:
        snprintf(field, sizeof(field), "actions[%zu].first_month", at);
        return refuse(problem, field,
                      "Price action %zu starts in month %d: a benefit "
                      "that needs the customer to stay past month %d binds "
                      "them for longer than the law allows.",
                      at + 1, a ? a->first_month : 0, EC_BINDING_MAX_MONTHS);
    case P_MONTHS:
        snprintf(field, sizeof(field), "actions[%zu].months", at);
        return refuse(problem, field,
                      "The number of months cannot be negative.");
    case P_TOO_LONG:
        snprintf(field, sizeof(field), "actions[%zu].months", at);
        return refuse(problem, field,
                      "A price action may last until month %d at most.",
                      EC_PROMOTION_MAX_MONTHS);
    case P_FEES:
        snprintf(field, sizeof(field), "actions[%zu].fees", at);
        return refuse(problem, field,
                      "A fee action must name the start-up fee, the SIM "
                      "fee or both.");
    default:
        return refuse(problem, "", "The campaign is not valid.");
    }
}

int
ec_promotion_check_product(const struct ec_product *p,
                           struct ec_promotion_problem *problem)
{
    char field[sizeof(problem->field)];
    size_t i, j;
    int m;

    if (problem)
        problem->field[0] = problem->message[0] = '\0';
    if (!p->sku || !*p->sku)
        return refuse(problem, "sku", "A product needs a SKU.");
    if (!amount_ok(p->monthly_price))
        return refuse(problem, "monthly_price",
                      "The monthly price must be between 0 and %lld.",
                      (long long)EC_PROMOTION_MAX_AMOUNT);
    if (!amount_ok(p->fees.startup))
        return refuse(problem, "fees.startup",
                      "The start-up fee must be between 0 and %lld.",
                      (long long)EC_PROMOTION_MAX_AMOUNT);
    if (!amount_ok(p->fees.sim))
        return refuse(problem, "fees.sim",
                      "The SIM fee must be between 0 and %lld.",
                      (long long)EC_PROMOTION_MAX_AMOUNT);
    for (i = 0; i < p->nplacements; i++) {
        const struct ec_placement *pl = &p->placements[i];

        if (!pl->channel || !*pl->channel)
            return refuse(problem, "channels",
                          "A channel entry needs a channel.");
        for (j = 0; j < i; j++)
            if (strcmp(p->placements[j].channel, pl->channel) == 0) {
                snprintf(field, sizeof(field), "channels.%.40s", pl->channel);
                return refuse(problem, field,
                              "The channel '%.40s' is listed twice.",
                              pl->channel);
            }
        if (pl->monthly_price != EC_NO_PRICE && !amount_ok(pl->monthly_price)) {
            snprintf(field, sizeof(field), "channels.%.40s.monthly_price",
                     pl->channel);
            return refuse(problem, field,
                          "The monthly price must be between 0 and %lld.",
                          (long long)EC_PROMOTION_MAX_AMOUNT);
        }
    }
    for (m = EC_BINDING_MAX_MONTHS + 1; m < 32; m++)
        if (p->binding_months & (1u << m))
            return refuse(problem, "binding_months",
                          "The product offers a binding period of %d "
                          "months; a consumer may be bound for at most %d "
                          "months.",
                          m, EC_BINDING_MAX_MONTHS);
    return 0;
}

/* ---- the engine ---- */

static int
listed(const char *const *list, size_t n, const char *s)
{
    for (size_t i = 0; i < n; i++)
        if (list[i] && strcmp(list[i], s) == 0)
            return 1;
    return 0;
}

static enum ec_promotion_reason
eligibility(const struct ec_promotion_query *q,
            const struct ec_promotion_campaign *c)
{
    size_t at;

    if (q->at < c->valid_from || q->at >= c->valid_to)
        return EC_PROMOTION_OUTSIDE_VALIDITY;
    if (!c->skus || !listed(c->skus, c->n_skus, q->product->sku))
        return EC_PROMOTION_OTHER_PRODUCT;
    if (c->n_channels &&
        (!c->channels || !listed(c->channels, c->n_channels, q->channel)))
        return EC_PROMOTION_OTHER_CHANNEL;
    if (q->binding_months < c->required_binding)
        return EC_PROMOTION_BINDING_REQUIRED;
    if (campaign_problem(c, &at) != P_NONE)
        return EC_PROMOTION_INVALID;
    return EC_PROMOTION_APPLIED;
}

static void
plan_init(struct plan *p, int64_t regular, int total_months,
          const struct ec_product *prod)
{
    p->regular = regular;
    p->horizon = total_months;
    for (int m = 1; m <= total_months; m++)
        p->month[m] = regular;
    p->startup_fee = prod->fees.startup;
    p->sim_fee = prod->fees.sim;
}

static int64_t
apply_money(const struct ec_promotion_action *a, int64_t price)
{
    switch (a->kind) {
    case EC_PROMOTION_FIXED_PRICE:
        return a->value < price ? a->value : price;
    case EC_PROMOTION_AMOUNT_OFF:
    case EC_PROMOTION_REDUCE_FEE:
        return price > a->value ? price - a->value : 0;
    case EC_PROMOTION_PERCENT_OFF:
        price -= mul_div_round(price, a->value, 10000);
        return price > 0 ? price : 0;
    case EC_PROMOTION_WAIVE_FEE:
        return 0;
    }
    return price;
}

/* Apply campaign c (already checked valid) to p. */
static void
plan_apply(struct plan *p, const struct ec_promotion_campaign *c,
           int total_months)
{
    for (size_t i = 0; i < c->n_actions; i++) {
        const struct ec_promotion_action *a = &c->actions[i];
        int first, last, m;

        if (is_fee_action(a->kind)) {
            if (a->fees & EC_FEE_STARTUP)
                p->startup_fee = apply_money(a, p->startup_fee);
            if (a->fees & EC_FEE_SIM)
                p->sim_fee = apply_money(a, p->sim_fee);
            continue;
        }
        first = a->first_month > 1 ? a->first_month : 1;
        last = a->months ? first + a->months - 1 : total_months;
        while (p->horizon < last)
            p->month[++p->horizon] = p->regular;
        for (m = first; m <= last; m++)
            p->month[m] = apply_money(a, p->month[m]);
    }
}

static int64_t
plan_min_total(const struct plan *p, int total_months)
{
    int64_t sum = p->startup_fee + p->sim_fee;

    for (int m = 1; m <= total_months; m++)
        sum += p->month[m];
    return sum;
}

/* The minimum total price of campaign i applied alone, computed once. */
static int64_t
alone_total(struct choice *x, size_t i)
{
    struct plan p;

    if (!x->have[i]) {
        plan_init(&p, x->regular, x->total_months, x->q->product);
        plan_apply(&p, &x->q->campaigns[i], x->total_months);
        x->alone[i] = plan_min_total(&p, x->total_months);
        x->have[i] = 1;
    }
    return x->alone[i];
}

enum ec_promotion_step
ec_promotion_rank(const struct ec_promotion_campaign *a,
                  const struct ec_promotion_campaign *b, int *a_wins)
{
    int sa = a->n_channels > 0, sb = b->n_channels > 0;

    *a_wins = 0;
    if (a->priority != b->priority) {
        *a_wins = a->priority > b->priority;
        return EC_PROMOTION_STEP_PRIORITY;
    }
    if (sa != sb) {
        *a_wins = sa;
        return EC_PROMOTION_STEP_CHANNEL;
    }
    return EC_PROMOTION_STEP_TOTAL;
}

/*
 * Whether exclusive campaign a beats b (*a_wins) and the precedence step
 * that decides it. A lexicographic order, hence total: the winner beats
 * every other, and comparing a loser with the winner names the step.
 */
static enum ec_promotion_step
versus(struct choice *x, size_t a, size_t b, int *a_wins)
{
    const struct ec_promotion_campaign *ca = &x->q->campaigns[a];
    const struct ec_promotion_campaign *cb = &x->q->campaigns[b];
    enum ec_promotion_step step = ec_promotion_rank(ca, cb, a_wins);
    int64_t ta, tb;

    if (step != EC_PROMOTION_STEP_TOTAL)
        return step;
    ta = alone_total(x, a);
    tb = alone_total(x, b);
    if (ta != tb) {
        *a_wins = ta < tb;
        return EC_PROMOTION_STEP_TOTAL;
    }
    if (ca->created_at != cb->created_at) {
        *a_wins = ca->created_at > cb->created_at;
        return EC_PROMOTION_STEP_NEWEST;
    }
    if (ca->id != cb->id) {
        *a_wins = ca->id < cb->id;
        return EC_PROMOTION_STEP_ID;
    }
    *a_wins = a < b;
    return EC_PROMOTION_STEP_ORDER;
}

/* Whether stackable campaign a goes before b: priority, then id. */
static int
stacks_before(const struct ec_promotion_campaign *cs, size_t a, size_t b)
{
    if (cs[a].priority != cs[b].priority)
        return cs[a].priority > cs[b].priority;
    if (cs[a].id != cs[b].id)
        return cs[a].id < cs[b].id;
    return a < b;
}

static int64_t
regular_price(const struct ec_promotion_query *q, int *from_channel)
{
    const struct ec_product *p = q->product;

    for (size_t i = 0; i < p->nplacements; i++)
        if (p->placements[i].channel &&
            p->placements[i].monthly_price != EC_NO_PRICE &&
            strcmp(p->placements[i].channel, q->channel) == 0) {
            *from_channel = 1;
            return p->placements[i].monthly_price;
        }
    *from_channel = 0;
    return p->monthly_price;
}

static void
fill_schedule(struct ec_promotion_breakdown *out, const struct plan *p)
{
    struct ec_promotion_segment *s = out->schedule;
    size_t n = 0;

    for (int m = 1; m <= p->horizon; m++) {
        if (n && s[n - 1].monthly == p->month[m]) {
            s[n - 1].last = m;
            continue;
        }
        s[n].first = s[n].last = m;
        s[n++].monthly = p->month[m];
    }
    /* After the horizon the regular price holds, for good. */
    if (s[n - 1].monthly == p->regular) {
        s[n - 1].last = 0;
    } else {
        s[n].first = p->horizon + 1;
        s[n].last = 0;
        s[n++].monthly = p->regular;
    }
    out->n_segments = n;
}

int
ec_promotion_price(const struct ec_promotion_query *q,
                   struct ec_promotion_breakdown *out)
{
    const struct ec_product *prod = q->product;
    struct choice x;
    struct plan plan;
    size_t stack[EC_PROMOTION_MAX_CAMPAIGNS], n_stack = 0, i, j;
    size_t winner = (size_t)-1;
    int64_t regular;
    int from_channel, a_wins;

    if (!prod || !prod->sku || !q->channel || q->binding_months < 0 ||
        q->binding_months > EC_BINDING_MAX_MONTHS ||
        (q->sim_type != EC_SIM_PHYSICAL && q->sim_type != EC_SIM_ESIM) ||
        !amount_ok(prod->monthly_price) || !amount_ok(prod->fees.startup) ||
        !amount_ok(prod->fees.sim) || q->vat_rate_bp < 0 ||
        q->vat_rate_bp > 10000 || (q->n_campaigns && !q->campaigns))
        return EC_ERR_INVALID_FIELD;
    if (q->n_campaigns > EC_PROMOTION_MAX_CAMPAIGNS)
        return EC_ERR_TOO_LARGE;
    regular = regular_price(q, &from_channel);
    if (!amount_ok(regular))
        return EC_ERR_INVALID_FIELD;

    x.q = q;
    x.regular = regular;
    x.total_months = q->binding_months > 1 ? q->binding_months : 1;

    /* Who is eligible; the best exclusive so far; stackables in order. */
    for (i = 0; i < q->n_campaigns; i++) {
        const struct ec_promotion_campaign *c = &q->campaigns[i];
        struct ec_promotion_explanation *e = &out->explain[i];

        e->campaign = c;
        e->reason = eligibility(q, c);
        e->lost_to = NULL;
        e->decided_by = EC_PROMOTION_STEP_NONE;
        if (e->reason != EC_PROMOTION_APPLIED)
            continue;
        if (c->stacking == EC_PROMOTION_STACKABLE) {
            for (j = n_stack;
                 j > 0 && stacks_before(q->campaigns, i, stack[j - 1]); j--)
                stack[j] = stack[j - 1];
            stack[j] = i;
            n_stack++;
            continue;
        }
        x.have[i] = 0;
        if (winner == (size_t)-1) {
            winner = i;
        } else {
            versus(&x, i, winner, &a_wins);
            if (a_wins)
                winner = i;
        }
    }
    out->n_explain = q->n_campaigns;

    /* Every other eligible exclusive lost to the winner: say at which step. */
    for (i = 0; winner != (size_t)-1 && i < q->n_campaigns; i++) {
        struct ec_promotion_explanation *e = &out->explain[i];

        if (i == winner || e->reason != EC_PROMOTION_APPLIED ||
            q->campaigns[i].stacking == EC_PROMOTION_STACKABLE)
            continue;
        e->reason = EC_PROMOTION_LOST;
        e->lost_to = &q->campaigns[winner];
        e->decided_by = versus(&x, i, winner, &a_wins);
    }

    plan_init(&plan, regular, x.total_months, prod);
    if (winner != (size_t)-1)
        plan_apply(&plan, &q->campaigns[winner], x.total_months);
    for (i = 0; i < n_stack; i++)
        plan_apply(&plan, &q->campaigns[stack[i]], x.total_months);

    out->channel = q->channel;
    out->binding_months = q->binding_months;
    out->sim_type = q->sim_type;
    out->at = q->at;
    out->list_monthly = prod->monthly_price;
    out->regular_monthly = regular;
    out->channel_price = from_channel;
    fill_schedule(out, &plan);
    out->monthly_now = plan.month[1];
    out->startup_fee = plan.startup_fee;
    out->sim_fee = plan.sim_fee;
    out->one_time_total = plan.startup_fee + plan.sim_fee;
    out->min_total_months = x.total_months;
    out->min_total = plan_min_total(&plan, x.total_months);
    out->monthly_now_vat = ec_promotion_vat(out->monthly_now, q->vat_rate_bp);
    out->one_time_vat = ec_promotion_vat(out->one_time_total, q->vat_rate_bp);
    out->min_total_vat = ec_promotion_vat(out->min_total, q->vat_rate_bp);
    out->winner = winner != (size_t)-1 ? &q->campaigns[winner] : NULL;
    out->n_applied = n_stack + (winner != (size_t)-1);
    return 0;
}

const char *
ec_promotion_reason_name(enum ec_promotion_reason reason)
{
    switch (reason) {
    case EC_PROMOTION_APPLIED:
        return "applied";
    case EC_PROMOTION_OUTSIDE_VALIDITY:
        return "outside_validity";
    case EC_PROMOTION_OTHER_PRODUCT:
        return "other_product";
    case EC_PROMOTION_OTHER_CHANNEL:
        return "other_channel";
    case EC_PROMOTION_BINDING_REQUIRED:
        return "binding_required";
    case EC_PROMOTION_LOST:
        return "lost_to";
    case EC_PROMOTION_INVALID:
        return "invalid";
    }
    return "invalid";
}

const char *
ec_promotion_step_name(enum ec_promotion_step step)
{
    switch (step) {
    case EC_PROMOTION_STEP_PRIORITY:
        return "priority";
    case EC_PROMOTION_STEP_CHANNEL:
        return "channel";
    case EC_PROMOTION_STEP_TOTAL:
        return "total";
    case EC_PROMOTION_STEP_NEWEST:
        return "newest";
    case EC_PROMOTION_STEP_ID:
        return "id";
    case EC_PROMOTION_STEP_ORDER:
        return "order";
    case EC_PROMOTION_STEP_NONE:
        break;
    }
    return "";
}

int
ec_promotion_explain_code(const struct ec_promotion_explanation *e, char *buf,
                          size_t size)
{
    int n;

    if (e->reason == EC_PROMOTION_LOST && e->lost_to)
        n = snprintf(buf, size, "lost_to:%lld", (long long)e->lost_to->id);
    else
        n = snprintf(buf, size, "%s", ec_promotion_reason_name(e->reason));
    if (n < 0 || (size_t)n >= size) {
        if (size)
            buf[0] = '\0';
        return EC_ERR_INTERNAL;
    }
    return 0;
}
