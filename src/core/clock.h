/*
 * The monotonic clock in milliseconds: for intervals and deadlines inside
 * one process (cache ages, timeouts), never for what a customer sees.
 */
#ifndef EC_CORE_CLOCK_H
#define EC_CORE_CLOCK_H

long long ec_clock_ms(void);

/* The same clock in microseconds, for timing short work (metrics). */
long long ec_clock_us(void);

#endif
