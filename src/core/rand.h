/*
 * Random bytes from the kernel (getrandom), for request, basket and
 * CSRF cookie ids: never a userspace PRNG, so ids cannot be
 * predicted from one another. A failure to get entropy aborts.
 */
#ifndef EC_CORE_RAND_H
#define EC_CORE_RAND_H

#include <stddef.h>

void ec_rand_bytes(void *buf, size_t n);

/* Write 2*n lower-case hex digits of n random bytes, plus a NUL, to out. */
void ec_rand_hex(char *out, size_t n);

/* 1 if s is exactly n lower-case hex digits (an id ec_rand_hex made, or
   one posing as it), else 0. NULL is 0. */
int ec_hex_valid(const char *s, size_t n);

#endif
