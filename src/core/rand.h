/*
 * Random bytes from the kernel (getrandom), for request ids now and for
 * session and basket ids later: never a userspace PRNG, so ids cannot be
 * predicted from one another. A failure to get entropy aborts.
 */
#ifndef EC_CORE_RAND_H
#define EC_CORE_RAND_H

#include <stddef.h>

void ec_rand_bytes(void *buf, size_t n);

/* Write 2*n lower-case hex digits of n random bytes, plus a NUL, to out. */
void ec_rand_hex(char *out, size_t n);

#endif
