/*
 * Danish CPR numbers (personnummer): the check a customer's typed number
 * gets before it is sent to MitID for matching, the age it implies, and
 * the only way it is ever shown.
 *
 * A CPR number is DDMMYY-SSSS (or the ten digits without the hyphen): the
 * birth date, then a serial number whose first digit, with the two-digit
 * year, gives the century (the CPR office's table, in cpr.c). The date
 * must exist in that century (29 February only in a leap year).
 *
 * There is no modulus-11 check: the CPR office stopped guaranteeing it in
 * 2007, when the numbers that pass it ran out for some birth dates, so a
 * valid number may fail it. MitID's match is the real check.
 *
 * "Replacement" numbers (erstatningspersonnumre, day + 60) are not CPR
 * numbers and no MitID identity carries one: they are refused.
 *
 * Invariants: a parsed struct ec_cpr holds exactly ten digits and a date
 * that exists. It is personal data: it is never logged, stored only
 * sealed (core/seal.h) and shown only masked (ec_cpr_mask()).
 */
#ifndef EC_SVC_CPR_H
#define EC_SVC_CPR_H

/* A customer must be this old to sign a subscription alone (Danish
   majority age, myndighedsalder). */
#define EC_CPR_ADULT_AGE 18

/* "DDMMYY-xxxx" and its NUL */
#define EC_CPR_MASKED_SIZE 12

struct ec_cpr {
    char digits[11]; /* ten digits and a NUL, no hyphen */
    int year;        /* of birth, four digits */
    int month;       /* 1-12 */
    int day;         /* 1-31 */
};

/* Parse s ("DDMMYY-SSSS", "DDMMYYSSSS" or "DDMMYY SSSS", white space
   around it ignored) into *out. Returns 0, or EC_ERR_INVALID_FIELD when
   it is not a CPR number with a real date. */
int ec_cpr_parse(const char *s, struct ec_cpr *out);

/* Completed years of life on the date y-m-d (negative before birth).
   Someone born on 29 February has a birthday on 1 March in other years:
   the later of the two readings, so nobody comes of age a day early. */
int ec_cpr_age(const struct ec_cpr *c, int y, int m, int d);

/* 1 if the person is EC_CPR_ADULT_AGE or older on the date y-m-d. */
int ec_cpr_is_adult(const struct ec_cpr *c, int y, int m, int d);

/* "DDMMYY-xxxx": the date part and no serial, for pages and logs that
   must say which number without giving it. */
void ec_cpr_mask(const struct ec_cpr *c, char out[EC_CPR_MASKED_SIZE]);

#endif
