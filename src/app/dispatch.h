/*
 * The one path every request takes, after Redis's processCommand: parse,
 * match a route, resolve the tenant, check what the route's flags demand
 * (stores up, body within limits), run the handler, then render its model
 * as JSON or through a template. It is also the only place that turns an
 * ec_err into an HTTP status and an error body (JSON envelope or HTML
 * page), and that adds the security headers every response carries.
 */
#ifndef EC_APP_DISPATCH_H
#define EC_APP_DISPATCH_H

#include "http/request.h"
#include "http/response.h"

struct ec_app;

/*
 * Serve one request: envp are the FastCGI parameters, read_fn reads the
 * body. On return res holds the complete response (status, headers, body)
 * and req what could be parsed, for the access log.
 */
void ec_dispatch(struct ec_app *app, struct ec_arena *a, char **envp,
                 ec_body_read_fn read_fn, void *read_ctx,
                 struct ec_request *req, struct ec_response *res);

/* Replace res with the error answer for err (status, JSON or HTML). */
void ec_dispatch_error(const struct ec_app *app, struct ec_request *req,
                       struct ec_response *res, int err);

#endif
