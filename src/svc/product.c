#include "svc/product.h"

#include <stdio.h>
#include <string.h>

const char *const ec_sim_type_names[] = {"physical", "esim", NULL};
const char *const ec_fee_names[] = {"startup", "sim", NULL};
const char *const ec_product_kind_names[] = {"plan", "addon", NULL};
const char *const ec_product_status_names[] = {"draft", "active", "retired",
                                               NULL};
const char *const ec_network_names[] = {"4g", "5g", NULL};

int
ec_name_index(const char *const *names, const char *s)
{
    if (!s)
        return -1;
    for (int i = 0; names[i]; i++)
        if (strcmp(names[i], s) == 0)
            return i;
    return -1;
}

const char *
ec_name_of(const char *const *names, unsigned i)
{
    for (unsigned k = 0; names[k]; k++)
        if (k == i)
            return names[k];
    return "";
}

const char *
ec_sim_type_name(enum ec_sim_type s)
{
    switch (s) {
    case EC_SIM_PHYSICAL:
        return ec_sim_type_names[0];
    case EC_SIM_ESIM:
        return ec_sim_type_names[1];
    }
    return "";
}

int
ec_sim_type_parse(const char *s, enum ec_sim_type *out)
{
    int i = ec_name_index(ec_sim_type_names, s);

    if (i < 0)
        return -1;
    *out = (enum ec_sim_type)(1 << i);
    return 0;
}

enum ec_sim_type
ec_sim_type_first(unsigned set)
{
    if (set & EC_SIM_PHYSICAL)
        return EC_SIM_PHYSICAL;
    if (set & EC_SIM_ESIM)
        return EC_SIM_ESIM;
    return 0;
}

int
ec_binding_offered(unsigned set, long long months)
{
    return months >= 0 && months <= EC_BINDING_MAX_MONTHS &&
           (set & (1u << months)) != 0;
}

int
ec_binding_lowest(unsigned set)
{
    for (int m = 0; m <= EC_BINDING_MAX_MONTHS; m++)
        if (set & (1u << m))
            return m;
    return -1;
}

int
ec_binding_parse(const char *s, int *months)
{
    /* one digit: "06" or "+6" are not how anyone writes a period */
    if (!s || s[0] < '0' || s[0] > '0' + EC_BINDING_MAX_MONTHS || s[1])
        return -1;
    *months = s[0] - '0';
    return 0;
}

const char *
ec_set_text(unsigned set, const char *const *names, const char *sep, char *buf,
            size_t size)
{
    size_t len = 0;

    if (!size)
        return buf;
    buf[0] = '\0';
    for (unsigned i = 0; i < 32; i++) {
        int w;

        if (names && !names[i])
            break;
        if (!(set & (1u << i)))
            continue;
        if (names)
            w = snprintf(buf + len, size - len, "%s%s", len ? sep : "",
                         names[i]);
        else
            w = snprintf(buf + len, size - len, "%s%u", len ? sep : "", i);
        if (w < 0 || (size_t)w >= size - len) {
            buf[len] = '\0'; /* whole members only */
            break;
        }
        len += (size_t)w;
    }
    return buf;
}

const struct ec_placement *
ec_product_placement(const struct ec_product *p, const char *channel)
{
    for (size_t i = 0; i < p->nplacements; i++)
        if (strcmp(p->placements[i].channel, channel) == 0)
            return &p->placements[i];
    return NULL;
}
