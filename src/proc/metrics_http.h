/*
 * Answering one scrape of the metrics listener (metrics_listen): GET or
 * HEAD /metrics gets the Prometheus text format, anything else 404/405.
 */
#ifndef EC_PROC_METRICS_HTTP_H
#define EC_PROC_METRICS_HTTP_H

struct ec_metrics;

/* Read one request from the connected socket fd and answer it (blocking,
   with a timeout); the caller closes fd. */
void ec_metrics_http_serve(int fd, const struct ec_metrics *m);

#endif
