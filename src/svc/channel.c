#include "svc/channel.h"

#include <string.h>

#include "svc/catalog.h"

int
ec_channel_path_matches(const char *path, const char *prefix)
{
    size_t n = strlen(prefix);

    /* "/tilbud/" as a prefix means the same as "/tilbud" */
    while (n > 1 && prefix[n - 1] == '/')
        n--;
    if (strncmp(path, prefix, n) != 0)
        return 0;
    return n == 1 || path[n] == '\0' || path[n] == '/';
}

static int
rule_matches(const struct ec_channel_rule *rule,
             const struct ec_channel_request *r)
{
    const char *v;

    switch (rule->kind) {
    case EC_RULE_PATH_PREFIX:
        return ec_channel_path_matches(r->path, rule->value);
    case EC_RULE_QUERY_PARAM:
        v = r->query ? r->query(r->ctx, rule->param) : NULL;
        return v && strcmp(v, rule->value) == 0;
    case EC_RULE_HEADER:
        v = r->header ? r->header(r->ctx, rule->param) : NULL;
        return v && strcmp(v, rule->value) == 0;
    }
    return 0;
}

const struct ec_channel *
ec_channel_resolve(const struct ec_catalog *c,
                   const struct ec_channel_request *r,
                   const struct ec_channel_rule **rule)
{
    const char *code = r->query ? r->query(r->ctx, "channel") : NULL;
    const struct ec_channel *ch;

    if (rule)
        *rule = NULL;
    if (code && (ch = ec_catalog_channel(c, code)) &&
        ch->kind != EC_CHANNEL_OUTBOUND)
        return ch;
    for (size_t i = 0; i < c->nrules; i++)
        if (rule_matches(&c->rules[i], r)) {
            if (rule)
                *rule = &c->rules[i];
            return c->rules[i].channel;
        }
    return c->default_channel;
}

const struct ec_channel *
ec_channel_outbound(const struct ec_catalog *c)
{
    for (size_t i = 0; i < c->nchannels; i++)
        if (c->channels[i].kind == EC_CHANNEL_OUTBOUND)
            return &c->channels[i];
    return NULL;
}

int
ec_channel_sellable(const struct ec_channel *ch, int agent)
{
    return agent || !ch || ch->kind != EC_CHANNEL_OUTBOUND;
}
