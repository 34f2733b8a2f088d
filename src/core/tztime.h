/*
 * tztime: wall-clock time in an IANA time zone <-> UTC instants.
 *
 * Instants are int64_t seconds since 1970-01-01T00:00:00Z (POSIX time, no
 * leap seconds). A zone is loaded once from the system tz database (TZif
 * files under $TZDIR or /usr/share/zoneinfo, the tzdata package) and is
 * then an immutable value: every conversion is a pure function of the zone
 * and its arguments, touches no global state and allocates nothing.
 *
 * Why read TZif ourselves instead of setenv("TZ") + tzset + mktime: one
 * worker serves many tenants, each in its own zone, and switching TZ per
 * call mutates process-wide state, makes glibc re-read the zone file, and
 * leaves what mktime does with a skipped or repeated hour unspecified. A
 * loaded zone can be cached per tenant and used from pure code (the
 * promotion engine's callers, tests) with an explicit, documented answer
 * for the skipped and the repeated hour.
 *
 * Invariants of a loaded zone:
 *   - it has at least one local time type; transitions are strictly
 *     increasing; instants before the first transition use type 0
 *     (RFC 8536);
 *   - instants at or after the last transition follow the POSIX TZ rule of
 *     the file's footer (e.g. "CET-1CEST,M3.5.0,M10.5.0/3") when there is
 *     one, otherwise the last transition's type;
 *   - zones with leap-second records ("right/...") are refused: their
 *     instants are not POSIX time.
 *
 * Local times that do not exist or exist twice (resolved by enum
 * ec_tztime_resolve; the names and the meaning follow TC39 Temporal's
 * "disambiguation" and RFC 5545 section 3.3.5):
 *   - the skipped hour (Europe/Copenhagen, 2026-03-29 02:00-02:59):
 *     EC_TZTIME_COMPATIBLE and EC_TZTIME_LATER read the time with the
 *     offset in force before the change, which moves it forward by the
 *     length of the gap (02:30 -> 03:30+02:00); EC_TZTIME_EARLIER reads it
 *     with the offset after the change (02:30 -> 01:30+01:00);
 *   - the repeated hour (2026-10-25 02:00-02:59): EC_TZTIME_COMPATIBLE and
 *     EC_TZTIME_EARLIER take the first occurrence (+02:00),
 *     EC_TZTIME_LATER the second (+01:00);
 *   - EC_TZTIME_REJECT refuses both with EC_ERR_INVALID_FIELD, for forms
 *     that should ask the user instead of guessing.
 */
#ifndef EC_CORE_TZTIME_H
#define EC_CORE_TZTIME_H

#include <stddef.h>
#include <stdint.h>

/* A loaded zone; opaque, see the invariants above. */
struct ec_tztime_zone;

/* A wall-clock reading: proleptic Gregorian, month 1-12, day 1-31. */
struct ec_tztime_civil {
    int year;
    int month;
    int day;
    int hour;
    int minute;
    int second;
};

enum ec_tztime_resolve {
    EC_TZTIME_COMPATIBLE = 0, /* gap: after the change; fold: first */
    EC_TZTIME_EARLIER,        /* gap: before the change; fold: first */
    EC_TZTIME_LATER,          /* gap: after the change; fold: second */
    EC_TZTIME_REJECT          /* gap or fold: EC_ERR_INVALID_FIELD */
};

/* What a local time turned out to be, reported by ec_tztime_to_utc(). */
enum ec_tztime_kind {
    EC_TZTIME_UNIQUE = 0, /* exactly one instant shows this time */
    EC_TZTIME_GAP,        /* skipped by a change to a larger offset */
    EC_TZTIME_FOLD        /* repeated by a change to a smaller offset */
};

/* "2026-03-29T03:00:00+02:00" plus the NUL; years 0000-9999 only. */
#define EC_TZTIME_RFC3339_SIZE 26

/*
 * Load zone name ("Europe/Copenhagen", "UTC") from $TZDIR or else
 * /usr/share/zoneinfo. Returns 0 and a new zone in *out, which the caller
 * frees with ec_tztime_zone_free(); EC_ERR_INVALID_FIELD when name is not
 * a plausible zone name (empty, absolute, "..", odd characters) or the
 * file is not a usable TZif file; EC_ERR_NOT_FOUND when there is no such
 * zone; EC_ERR_INTERNAL when the file exists but cannot be read.
 */
int ec_tztime_load(const char *name, struct ec_tztime_zone **out);

/*
 * Build a zone from the bytes of a TZif file (RFC 8536, versions 1-4);
 * name is copied and only reported back by ec_tztime_zone_name(). Returns
 * 0 and a new zone in *out (the caller frees it), or EC_ERR_INVALID_FIELD
 * when the data is truncated, inconsistent or carries leap seconds.
 */
int ec_tztime_zone_from_tzif(const char *name, const unsigned char *data,
                             size_t len, struct ec_tztime_zone **out);

/* Free z and everything it owns; NULL is fine. */
void ec_tztime_zone_free(struct ec_tztime_zone *z);

/* The name z was loaded under; owned by z. */
const char *ec_tztime_zone_name(const struct ec_tztime_zone *z);

/*
 * The zone's offset from UTC at instant t, in seconds east of Greenwich
 * (7200 for Copenhagen in summer). Sets *is_dst when it is not NULL.
 */
int ec_tztime_offset_at(const struct ec_tztime_zone *z, int64_t t, int *is_dst);

/*
 * The wall-clock reading of instant t in z, into *out; the offset used
 * goes to *utoff when it is not NULL. Returns 0, or EC_ERR_INVALID_FIELD
 * when the local year falls outside 0-9999.
 */
int ec_tztime_from_utc(const struct ec_tztime_zone *z, int64_t t,
                       struct ec_tztime_civil *out, int *utoff);

/*
 * The instant that local time *c in z names, into *out, with a skipped or
 * repeated time resolved as how says (see the top of this file); *kind,
 * when not NULL, says which case it was. Returns 0, or
 * EC_ERR_INVALID_FIELD when *c is not a valid date and time (year
 * 0-9999, real day of the month, 00:00:00-23:59:59) or when how is
 * EC_TZTIME_REJECT and the time is skipped or repeated.
 */
int ec_tztime_to_utc(const struct ec_tztime_zone *z,
                     const struct ec_tztime_civil *c,
                     enum ec_tztime_resolve how, int64_t *out,
                     enum ec_tztime_kind *kind);

/*
 * Format instant t as RFC 3339 in z with its offset, always numeric
 * ("+00:00" rather than "Z", so every instant reads the same way):
 * "2026-10-25T02:00:00+01:00". buf must hold EC_TZTIME_RFC3339_SIZE
 * bytes. Offsets with seconds (local mean time before 1894) are cut to
 * whole minutes toward zero and the wall clock moved with them, so the
 * text still names exactly t. Returns 0, or EC_ERR_INVALID_FIELD when the
 * year is outside 0-9999 or size is too small (buf then holds "").
 */
int ec_tztime_format(const struct ec_tztime_zone *z, int64_t t, char *buf,
                     size_t size);

/*
 * Parse s, the whole of it, into an instant in *out. Accepted:
 *   - RFC 3339 with an offset: "2026-03-29T02:30:00+02:00", "...Z",
 *     "-00:00" (UTC); the offset alone decides the instant, z is unused
 *     and may be NULL;
 *   - a local time in z without an offset: "2026-03-29T02:30",
 *     "2026-03-29T02:30:00", or a date alone "2026-03-29" (= 00:00);
 *     skipped and repeated times are resolved by how.
 * 'T' may also be 't' or a space, 'Z' may be 'z'; a fraction of a second
 * (".250") is accepted and dropped (the instant is floored to the
 * second). Refused with EC_ERR_INVALID_FIELD: anything else, impossible
 * dates and times, a leap second (:60, which POSIX time cannot name),
 * offsets beyond +-23:59, a local time when z is NULL.
 */
int ec_tztime_parse(const struct ec_tztime_zone *z, const char *s,
                    enum ec_tztime_resolve how, int64_t *out);

/* Days since 1970-01-01 of a proleptic Gregorian date (any year). */
int64_t ec_tztime_days_from_civil(int64_t year, int month, int day);

#endif
