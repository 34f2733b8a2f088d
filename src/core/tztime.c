#include "core/tztime.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/xalloc.h"

#define DAY 86400

/* tzdata's largest file is a few KiB; anything near this is not a zone. */
#define TZIF_MAX_BYTES (256 * 1024)

/* RFC 8536 section 3.2: a utoff outside this range is not a real one. */
#define UTOFF_MIN (-89999)
#define UTOFF_MAX 93599

/*
 * Instants handed to the rule arithmetic are clamped to years -1..10001
 * so that no sum can overflow; a date that far out has no meaningful
 * offset anyway, and formatting refuses anything outside 0000-9999.
 */
#define T_MIN (-62198755200LL) /* -0001-01-01T00:00:00Z */
#define T_MAX (253433923200LL) /* 10001-01-01T00:00:00Z */

/* A day of the year in a POSIX TZ rule: "Jn", "n" or "Mm.w.d". */
struct rule_date {
    char kind;    /* 'J' (1-365, no Feb 29), 'n' (0-365), 'M' */
    int day;      /* J, n: the day; M: the weekday, 0 = Sunday */
    int week;     /* M: 1-5, 5 = the last one in the month */
    int month;    /* M: 1-12 */
    int32_t time; /* local seconds after midnight; -167h..167h */
};

/* The footer of a TZif file, e.g. "CET-1CEST,M3.5.0,M10.5.0/3". */
struct posix_rule {
    int32_t std_utoff; /* seconds east, the opposite sign of POSIX */
    int32_t dst_utoff;
    int has_dst;
    struct rule_date start; /* read in standard time */
    struct rule_date end;   /* read in daylight time */
};

struct ttype {
    int32_t utoff;
    int is_dst;
};

struct ec_tztime_zone {
    char *name;
    int64_t *trans;            /* n_trans instants, strictly increasing */
    unsigned char *trans_type; /* index into types for each transition */
    size_t n_trans;
    struct ttype *types;
    size_t n_types;
    int has_rule;
    struct posix_rule rule;
    int32_t *offsets; /* every distinct utoff the zone can show */
    size_t n_offsets;
};

static int64_t
floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;

    if ((a % b != 0) && ((a < 0) != (b < 0)))
        q--;
    return q;
}

static int
is_leap(int64_t y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int
month_days(int64_t y, int m)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

    return m == 2 && is_leap(y) ? 29 : days[m - 1];
}

/*
 * Howard Hinnant's days_from_civil: exact for every proleptic Gregorian
 * date whose day count fits, without tables or loops.
 */
int64_t
ec_tztime_days_from_civil(int64_t year, int month, int day)
{
    int64_t y = year - (month <= 2);
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

    return era * 146097 + doe - 719468;
}

static void
civil_from_days(int64_t z, int64_t *year, int *month, int *day)
{
    int64_t era, doe, yoe, doy, mp;

    z += 719468;
    era = (z >= 0 ? z : z - 146096) / 146097;
    doe = z - era * 146097;
    yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    mp = (5 * doy + 2) / 153;
    *day = (int)(doy - (153 * mp + 2) / 5 + 1);
    *month = (int)(mp < 10 ? mp + 3 : mp - 9);
    *year = yoe + era * 400 + (*month <= 2);
}

static int64_t
clamp_t(int64_t t)
{
    return t < T_MIN ? T_MIN : t > T_MAX ? T_MAX : t;
}

/* ---- POSIX TZ rules (the TZif footer) ---- */

/* The local instant (as if UTC) at which date d happens in year y. */
static int64_t
rule_local(int64_t y, const struct rule_date *d)
{
    int64_t days;

    if (d->kind == 'J') {
        days = ec_tztime_days_from_civil(y, 1, 1) + d->day - 1;
        if (is_leap(y) && d->day >= 60)
            days++;
    } else if (d->kind == 'n') {
        days = ec_tztime_days_from_civil(y, 1, 1) + d->day;
    } else {
        int64_t first = ec_tztime_days_from_civil(y, d->month, 1);
        int wday = (int)((first % 7 + 7 + 4) % 7); /* 1970-01-01: Thu */
        int mday = 1 + (d->day - wday + 7) % 7 + (d->week - 1) * 7;

        while (mday > month_days(y, d->month))
            mday -= 7;
        days = first + mday - 1;
    }
    return days * DAY + d->time;
}

/*
 * The offset of rule r at t. The changes of the years around t are laid
 * out in order and the last one at or before t decides: this is right for
 * northern and southern zones alike, and for rules whose times cross
 * midnight or the new year (RFC 8536 allows -167h..167h).
 */
static int32_t
rule_offset(const struct posix_rule *r, int64_t t, int *is_dst)
{
    int64_t when[6], y;
    int dst[6], n = 0, best = -1, month, day, i;

    if (!r->has_dst) {
        *is_dst = 0;
        return r->std_utoff;
    }
    t = clamp_t(t);
    civil_from_days(floor_div(t, DAY), &y, &month, &day);
    for (int64_t yy = y - 1; yy <= y + 1; yy++) {
        when[n] = rule_local(yy, &r->start) - r->std_utoff;
        dst[n++] = 1;
        when[n] = rule_local(yy, &r->end) - r->dst_utoff;
        dst[n++] = 0;
    }
    /* Latest change at or before t; on equal instants the later listed
       wins, so a rule that is in daylight time all year stays in it. */
    for (i = 0; i < n; i++)
        if (when[i] <= t && (best < 0 || when[i] >= when[best]))
            best = i;
    if (best < 0) {
        /* Before all six: the state before the earliest change. */
        best = 0;
        for (i = 1; i < n; i++)
            if (when[i] < when[best])
                best = i;
        *is_dst = !dst[best];
    } else {
        *is_dst = dst[best];
    }
    return *is_dst ? r->dst_utoff : r->std_utoff;
}

static const char *
parse_num(const char *p, int max, int *out)
{
    int v = 0, digits = 0;

    while (*p >= '0' && *p <= '9') {
        v = v * 10 + (*p++ - '0');
        if (++digits > 3 || v > max)
            return NULL;
    }
    if (!digits)
        return NULL;
    *out = v;
    return p;
}

/* [+-]hh[:mm[:ss]], hours up to max_hours; into seconds. */
static const char *
parse_hms(const char *p, int max_hours, int32_t *out)
{
    int sign = 1, h, m = 0, s = 0;

    if (*p == '+' || *p == '-')
        sign = *p++ == '-' ? -1 : 1;
    if (!(p = parse_num(p, max_hours, &h)))
        return NULL;
    if (*p == ':') {
        if (!(p = parse_num(p + 1, 59, &m)))
            return NULL;
        if (*p == ':' && !(p = parse_num(p + 1, 59, &s)))
            return NULL;
    }
    *out = sign * (h * 3600 + m * 60 + s);
    return p;
}

static const char *
parse_zone_abbr(const char *p)
{
    const char *start;

    if (*p == '<') {
        start = ++p;
        while ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
               (*p >= '0' && *p <= '9') || *p == '+' || *p == '-')
            p++;
        return *p == '>' && p - start >= 3 ? p + 1 : NULL;
    }
    start = p;
    while ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z'))
        p++;
    return p - start >= 3 ? p : NULL;
}

static const char *
parse_rule_date(const char *p, struct rule_date *d)
{
    d->time = 7200; /* POSIX default: 02:00 */
    if (*p == 'J') {
        d->kind = 'J';
        if (!(p = parse_num(p + 1, 365, &d->day)) || d->day < 1)
            return NULL;
    } else if (*p == 'M') {
        d->kind = 'M';
        if (!(p = parse_num(p + 1, 12, &d->month)) || d->month < 1 ||
            *p != '.' || !(p = parse_num(p + 1, 5, &d->week)) || d->week < 1 ||
            *p != '.' || !(p = parse_num(p + 1, 6, &d->day)))
            return NULL;
    } else {
        d->kind = 'n';
        if (!(p = parse_num(p, 365, &d->day)))
            return NULL;
    }
    if (*p == '/' && !(p = parse_hms(p + 1, 167, &d->time)))
        return NULL;
    return p;
}

/* Parse the TZ string s (without newlines). 0 or -1. */
static int
parse_posix_rule(const char *s, struct posix_rule *r)
{
    const char *p = s;
    int32_t off;

    memset(r, 0, sizeof(*r));
    if (!(p = parse_zone_abbr(p)) || !(p = parse_hms(p, 24, &off)))
        return -1;
    r->std_utoff = -off;
    if (*p == '\0')
        return 0;
    if (!(p = parse_zone_abbr(p)))
        return -1;
    r->has_dst = 1;
    r->dst_utoff = r->std_utoff + 3600;
    if (*p && *p != ',') {
        if (!(p = parse_hms(p, 24, &off)))
            return -1;
        r->dst_utoff = -off;
    }
    if (*p == '\0') {
        /* No rule: the POSIX default, as glibc applies it. */
        p = ",M3.2.0,M11.1.0";
    }
    if (*p != ',' || !(p = parse_rule_date(p + 1, &r->start)) || *p != ',' ||
        !(p = parse_rule_date(p + 1, &r->end)) || *p)
        return -1;
    return 0;
}

/* ---- TZif files (RFC 8536) ---- */

static uint32_t
be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 |
           (uint32_t)p[3];
}

static int64_t
be64(const unsigned char *p)
{
    return (int64_t)((uint64_t)be32(p) << 32 | be32(p + 4));
}

struct tzif_header {
    int version; /* 0 for version 1, else the digit's value */
    uint32_t isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt;
};

static int
read_header(const unsigned char *p, size_t len, struct tzif_header *h)
{
    if (len < 44 || memcmp(p, "TZif", 4) != 0)
        return -1;
    h->version = p[4] == 0 ? 1 : p[4] >= '2' && p[4] <= '9' ? p[4] - '0' : 0;
    if (!h->version)
        return -1;
    h->isutcnt = be32(p + 20);
    h->isstdcnt = be32(p + 24);
    h->leapcnt = be32(p + 28);
    h->timecnt = be32(p + 32);
    h->typecnt = be32(p + 36);
    h->charcnt = be32(p + 40);
    if (h->typecnt == 0 || h->typecnt > 256 || h->charcnt == 0 ||
        (h->isutcnt && h->isutcnt != h->typecnt) ||
        (h->isstdcnt && h->isstdcnt != h->typecnt))
        return -1;
    return 0;
}

/* Bytes of the data block after a header, for times of tsize bytes. */
static uint64_t
block_size(const struct tzif_header *h, unsigned tsize)
{
    return (uint64_t)h->timecnt * (tsize + 1) + (uint64_t)h->typecnt * 6 +
           h->charcnt + (uint64_t)h->leapcnt * (tsize + 4) + h->isstdcnt +
           h->isutcnt;
}

static void
add_offset(struct ec_tztime_zone *z, int32_t utoff)
{
    for (size_t i = 0; i < z->n_offsets; i++)
        if (z->offsets[i] == utoff)
            return;
    z->offsets[z->n_offsets++] = utoff;
}

static int
fail_zone(struct ec_tztime_zone *z)
{
    ec_tztime_zone_free(z);
    return EC_ERR_INVALID_FIELD;
}

int
ec_tztime_zone_from_tzif(const char *name, const unsigned char *data,
                         size_t len, struct ec_tztime_zone **out)
{
    struct tzif_header h;
    struct ec_tztime_zone *z;
    const unsigned char *p = data, *types;
    unsigned tsize = 4;
    size_t left = len, i;

    *out = NULL;
    if (read_header(p, left, &h))
        return EC_ERR_INVALID_FIELD;
    if (h.version >= 2) {
        /* Skip the 32-bit block: the second one has 64-bit times. */
        if (block_size(&h, 4) > left - 44)
            return EC_ERR_INVALID_FIELD;
        p += 44 + block_size(&h, 4);
        left -= 44 + block_size(&h, 4);
        if (read_header(p, left, &h))
            return EC_ERR_INVALID_FIELD;
        tsize = 8;
    }
    if (h.leapcnt || block_size(&h, tsize) > left - 44)
        return EC_ERR_INVALID_FIELD;
    p += 44;
    left -= 44;

    z = ec_xcalloc(1, sizeof(*z));
    z->name = ec_xstrdup(name ? name : "");
    z->n_trans = h.timecnt;
    z->trans = ec_xcalloc(h.timecnt ? h.timecnt : 1, sizeof(*z->trans));
    z->trans_type = ec_xcalloc(h.timecnt ? h.timecnt : 1, 1);
    z->n_types = h.typecnt;
    z->types = ec_xcalloc(h.typecnt, sizeof(*z->types));
    z->offsets = ec_xcalloc(h.typecnt + 2, sizeof(*z->offsets));

    for (i = 0; i < h.timecnt; i++) {
        z->trans[i] =
            tsize == 8 ? be64(p + i * 8) : (int64_t)(int32_t)be32(p + i * 4);
        if (i && z->trans[i] <= z->trans[i - 1])
            return fail_zone(z);
    }
    p += (size_t)h.timecnt * tsize;
    for (i = 0; i < h.timecnt; i++) {
        z->trans_type[i] = p[i];
        if (p[i] >= h.typecnt)
            return fail_zone(z);
    }
    p += h.timecnt;
    types = p;
    for (i = 0; i < h.typecnt; i++) {
        const unsigned char *tt = types + i * 6;
        int32_t utoff = (int32_t)be32(tt);

        if (utoff < UTOFF_MIN || utoff > UTOFF_MAX || tt[4] > 1 ||
            tt[5] >= h.charcnt)
            return fail_zone(z);
        z->types[i].utoff = utoff;
        z->types[i].is_dst = tt[4];
        add_offset(z, utoff);
    }
    p += (size_t)h.typecnt * 6 + h.charcnt + h.isstdcnt + h.isutcnt;
    left -= block_size(&h, tsize);

    /* Version 2+: "\n" TZ-string "\n" closes the file (RFC 8536 3.3). */
    if (tsize == 8) {
        char footer[128];
        const unsigned char *nl;

        if (left < 2 || p[0] != '\n' || left - 2 >= sizeof(footer))
            return fail_zone(z);
        nl = memchr(p + 1, '\n', left - 1);
        if (!nl || (size_t)(nl - p) != left - 1)
            return fail_zone(z);
        memcpy(footer, p + 1, left - 2);
        footer[left - 2] = '\0';
        if (footer[0]) {
            if (parse_posix_rule(footer, &z->rule))
                return fail_zone(z);
            z->has_rule = 1;
            add_offset(z, z->rule.std_utoff);
            if (z->rule.has_dst)
                add_offset(z, z->rule.dst_utoff);
            if (z->rule.std_utoff < UTOFF_MIN ||
                z->rule.std_utoff > UTOFF_MAX ||
                z->rule.dst_utoff < UTOFF_MIN || z->rule.dst_utoff > UTOFF_MAX)
                return fail_zone(z);
        }
    }
    *out = z;
    return 0;
}

void
ec_tztime_zone_free(struct ec_tztime_zone *z)
{
    if (!z)
        return;
    free(z->name);
    free(z->trans);
    free(z->trans_type);
    free(z->types);
    free(z->offsets);
    free(z);
}

const char *
ec_tztime_zone_name(const struct ec_tztime_zone *z)
{
    return z->name;
}

/* Path components of letters, digits and ._+- only; no "." or "..". */
static int
valid_zone_name(const char *name)
{
    const char *p = name, *start;

    if (!*name || strlen(name) > 255)
        return 0;
    for (;;) {
        start = p;
        while ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
               (*p >= '0' && *p <= '9') || *p == '.' || *p == '_' ||
               *p == '+' || *p == '-')
            p++;
        if (p == start || (p - start == 1 && start[0] == '.') ||
            (p - start == 2 && start[0] == '.' && start[1] == '.'))
            return 0;
        if (*p == '\0')
            return 1;
        if (*p++ != '/')
            return 0;
    }
}

int
ec_tztime_load(const char *name, struct ec_tztime_zone **out)
{
    const char *dir = getenv("TZDIR");
    char path[4096];
    unsigned char *data;
    size_t len = 0, n;
    FILE *f;
    int rc, err;

    *out = NULL;
    if (!name || !valid_zone_name(name))
        return EC_ERR_INVALID_FIELD;
    if (!dir || !*dir)
        dir = "/usr/share/zoneinfo";
    if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, name) >=
        sizeof(path))
        return EC_ERR_INVALID_FIELD;
    f = fopen(path, "rb");
    if (!f)
        return errno == ENOENT || errno == ENOTDIR ? EC_ERR_NOT_FOUND
                                                   : EC_ERR_INTERNAL;
    data = ec_xmalloc(TZIF_MAX_BYTES);
    while (len < TZIF_MAX_BYTES &&
           (n = fread(data + len, 1, TZIF_MAX_BYTES - len, f)) > 0)
        len += n;
    err = ferror(f) ? errno : 0;
    fclose(f);
    if (err)
        rc = err == EISDIR ? EC_ERR_NOT_FOUND : EC_ERR_INTERNAL;
    else if (len == TZIF_MAX_BYTES)
        rc = EC_ERR_INVALID_FIELD;
    else
        rc = ec_tztime_zone_from_tzif(name, data, len, out);
    free(data);
    return rc;
}

/* ---- conversions ---- */

int
ec_tztime_offset_at(const struct ec_tztime_zone *z, int64_t t, int *is_dst)
{
    const struct ttype *tt;
    int dst;
    size_t lo, hi;

    if (z->n_trans == 0 || t >= z->trans[z->n_trans - 1]) {
        if (z->has_rule) {
            int32_t off = rule_offset(&z->rule, t, &dst);

            if (is_dst)
                *is_dst = dst;
            return off;
        }
        tt = &z->types[z->n_trans ? z->trans_type[z->n_trans - 1] : 0];
    } else if (t < z->trans[0]) {
        tt = &z->types[0];
    } else {
        /* The last transition at or before t: trans[lo] <= t < trans[hi]. */
        lo = 0;
        hi = z->n_trans - 1;
        while (hi - lo > 1) {
            size_t mid = lo + (hi - lo) / 2;

            if (z->trans[mid] <= t)
                lo = mid;
            else
                hi = mid;
        }
        tt = &z->types[z->trans_type[lo]];
    }
    if (is_dst)
        *is_dst = tt->is_dst;
    return tt->utoff;
}

/* Seconds since the epoch of a local reading, as if it were UTC. */
static int64_t
civil_seconds(const struct ec_tztime_civil *c)
{
    return ec_tztime_days_from_civil(c->year, c->month, c->day) * DAY +
           c->hour * 3600 + c->minute * 60 + c->second;
}

static int
valid_civil(const struct ec_tztime_civil *c)
{
    return c->year >= 0 && c->year <= 9999 && c->month >= 1 && c->month <= 12 &&
           c->day >= 1 && c->day <= month_days(c->year, c->month) &&
           c->hour >= 0 && c->hour <= 23 && c->minute >= 0 && c->minute <= 59 &&
           c->second >= 0 && c->second <= 59;
}

int
ec_tztime_from_utc(const struct ec_tztime_zone *z, int64_t t,
                   struct ec_tztime_civil *out, int *utoff)
{
    int64_t local, secs, y;
    int off;

    if (t < T_MIN || t > T_MAX)
        return EC_ERR_INVALID_FIELD;
    off = ec_tztime_offset_at(z, t, NULL);
    local = t + off;
    civil_from_days(floor_div(local, DAY), &y, &out->month, &out->day);
    if (y < 0 || y > 9999)
        return EC_ERR_INVALID_FIELD;
    out->year = (int)y;
    secs = local - floor_div(local, DAY) * DAY;
    out->hour = (int)(secs / 3600);
    out->minute = (int)(secs / 60 % 60);
    out->second = (int)(secs % 60);
    if (utoff)
        *utoff = off;
    return 0;
}

/*
 * Instant t shows local time L exactly when t + offset_at(t) == L, so the
 * candidates are L - o for each offset o the zone ever uses: none means
 * L was skipped, two or more that it was repeated.
 */
int
ec_tztime_to_utc(const struct ec_tztime_zone *z,
                 const struct ec_tztime_civil *c, enum ec_tztime_resolve how,
                 int64_t *out, enum ec_tztime_kind *kind)
{
    int64_t local, first = 0, last = 0;
    size_t i, found = 0;

    if (!valid_civil(c))
        return EC_ERR_INVALID_FIELD;
    local = civil_seconds(c);
    for (i = 0; i < z->n_offsets; i++) {
        int64_t t = local - z->offsets[i];

        if (ec_tztime_offset_at(z, t, NULL) != z->offsets[i])
            continue;
        if (!found || t < first)
            first = t;
        if (!found || t > last)
            last = t;
        found++;
    }
    if (found) {
        if (kind)
            *kind = found == 1 ? EC_TZTIME_UNIQUE : EC_TZTIME_FOLD;
        if (found > 1 && how == EC_TZTIME_REJECT)
            return EC_ERR_INVALID_FIELD;
        *out = how == EC_TZTIME_LATER ? last : first;
        return 0;
    }

    /*
     * A gap: the offset went up from `before` to `after` at some T, and
     * L - before lands just after T, L - after just before it.
     */
    if (kind)
        *kind = EC_TZTIME_GAP;
    for (i = 0; i < z->n_offsets; i++) {
        int32_t before = z->offsets[i];
        int32_t after = ec_tztime_offset_at(z, local - before, NULL);

        if (after <= before ||
            ec_tztime_offset_at(z, local - after, NULL) != before)
            continue;
        if (how == EC_TZTIME_REJECT)
            return EC_ERR_INVALID_FIELD;
        *out = how == EC_TZTIME_EARLIER ? local - after : local - before;
        return 0;
    }
    return EC_ERR_INVALID_FIELD; /* no zone in tzdata gets here */
}

int
ec_tztime_format(const struct ec_tztime_zone *z, int64_t t, char *buf,
                 size_t size)
{
    struct ec_tztime_civil c;
    int64_t local, secs, y, days;
    int off, n;

    if (size)
        buf[0] = '\0';
    if (size < EC_TZTIME_RFC3339_SIZE || t < T_MIN || t > T_MAX)
        return EC_ERR_INVALID_FIELD;
    off = ec_tztime_offset_at(z, t, NULL);
    off -= off % 60; /* toward zero; RFC 3339 offsets have no seconds */
    local = t + off;
    days = floor_div(local, DAY);
    civil_from_days(days, &y, &c.month, &c.day);
    if (y < 0 || y > 9999)
        return EC_ERR_INVALID_FIELD;
    secs = local - days * DAY;
    n = snprintf(buf, size, "%04d-%02d-%02dT%02d:%02d:%02d%c%02d:%02d", (int)y,
                 c.month, c.day, (int)(secs / 3600), (int)(secs / 60 % 60),
                 (int)(secs % 60), off < 0 ? '-' : '+', abs(off) / 3600,
                 abs(off) / 60 % 60);
    if (n < 0 || (size_t)n >= size) {
        buf[0] = '\0';
        return EC_ERR_INVALID_FIELD;
    }
    return 0;
}

/* Exactly n digits at *p, advanced past them; -1 when not digits. */
static int
digits(const char **p, int n)
{
    int v = 0;

    for (int i = 0; i < n; i++) {
        char ch = (*p)[i];

        if (ch < '0' || ch > '9')
            return -1;
        v = v * 10 + (ch - '0');
    }
    *p += n;
    return v;
}

int
ec_tztime_parse(const struct ec_tztime_zone *z, const char *s,
                enum ec_tztime_resolve how, int64_t *out)
{
    struct ec_tztime_civil c = {0};
    const char *p = s;
    int sign, oh, om;

    if (!s)
        return EC_ERR_INVALID_FIELD;
    if ((c.year = digits(&p, 4)) < 0 || *p++ != '-' ||
        (c.month = digits(&p, 2)) < 0 || *p++ != '-' ||
        (c.day = digits(&p, 2)) < 0)
        return EC_ERR_INVALID_FIELD;
    if (*p) {
        if (*p != 'T' && *p != 't' && *p != ' ')
            return EC_ERR_INVALID_FIELD;
        p++;
        if ((c.hour = digits(&p, 2)) < 0 || *p++ != ':' ||
            (c.minute = digits(&p, 2)) < 0)
            return EC_ERR_INVALID_FIELD;
        if (*p == ':') {
            p++;
            if ((c.second = digits(&p, 2)) < 0)
                return EC_ERR_INVALID_FIELD;
            if (*p == '.') {
                if (*++p < '0' || *p > '9')
                    return EC_ERR_INVALID_FIELD;
                while (*p >= '0' && *p <= '9')
                    p++;
            }
        }
    }
    if (!valid_civil(&c))
        return EC_ERR_INVALID_FIELD;
    if (*p == '\0') {
        if (!z)
            return EC_ERR_INVALID_FIELD;
        return ec_tztime_to_utc(z, &c, how, out, NULL);
    }
    if ((*p == 'Z' || *p == 'z') && p[1] == '\0') {
        *out = civil_seconds(&c);
        return 0;
    }
    if (*p != '+' && *p != '-')
        return EC_ERR_INVALID_FIELD;
    sign = *p++ == '-' ? -1 : 1;
    if ((oh = digits(&p, 2)) < 0 || *p++ != ':' || (om = digits(&p, 2)) < 0 ||
        *p != '\0' || oh > 23 || om > 59)
        return EC_ERR_INVALID_FIELD;
    *out = civil_seconds(&c) - sign * (oh * 3600 + om * 60);
    return 0;
}
