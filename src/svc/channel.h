/*
 * Channel resolution: which of the tenant's channels a request comes
 * from, by the tenant's rules in order, falling back to its default
 * channel. Pure: the request is seen only through its path and two
 * lookup functions, so the service knows nothing of HTTP.
 */
#ifndef EC_SVC_CHANNEL_H
#define EC_SVC_CHANNEL_H

struct ec_catalog;
struct ec_channel;
struct ec_channel_rule;

/* Looks up a query parameter or a (lower-case) header; NULL if absent. */
typedef const char *(*ec_channel_lookup_fn)(void *ctx, const char *name);

struct ec_channel_request {
    const char *path;
    ec_channel_lookup_fn query;
    ec_channel_lookup_fn header;
    void *ctx;
};

/*
 * The channel of r: an explicit `channel` query parameter naming one of
 * the tenant's channels (other than outbound, which only a signed-in
 * sales agent may use) wins; then the tenant's rules in order; then the
 * default channel. *rule (may be NULL) gets the rule that decided, or
 * NULL. Returns NULL only for a tenant without channels.
 */
const struct ec_channel *
ec_channel_resolve(const struct ec_catalog *c,
                   const struct ec_channel_request *r,
                   const struct ec_channel_rule **rule);

/*
 * The channel a sales agent sells in (docs/admin.md, "Sales agents"):
 * the first of c's channels of kind outbound, in the catalog's order, or
 * NULL when the tenant has none. The dispatcher's staff lens puts it in
 * place of what ec_channel_resolve() chose.
 */
const struct ec_channel *ec_channel_outbound(const struct ec_catalog *c);

/*
 * 1 if a line chosen in channel ch may be sold by this checkout (agent:
 * 1 when a sales agent checks out, the staff lens), else 0: an outbound
 * channel's line only by an agent, so a line an agent left in a basket
 * is never sold at telesales terms to a customer who shops on in that
 * browser after the agent signed out.
 */
int ec_channel_sellable(const struct ec_channel *ch, int agent);

/* 1 if path is prefix or starts with prefix + "/". */
int ec_channel_path_matches(const char *path, const char *prefix);

#endif
