/*
 * The application's route table (routes.c): the map of every address
 * ecomd answers, which the dispatcher matches requests against.
 */
#ifndef EC_APP_ROUTES_H
#define EC_APP_ROUTES_H

#include <stddef.h>

#include "http/router.h"

extern const struct ec_route ec_routes[];
extern const size_t ec_routes_count;

#endif
