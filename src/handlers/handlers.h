/*
 * Request handlers: the glue between HTTP and the services. A handler
 * reads the request, calls services, and answers with a model (json-c)
 * and a template name; it never talks SQL or Redis itself. Each is named
 * in the route table (src/http/routes.c).
 */
#ifndef EC_HANDLERS_H
#define EC_HANDLERS_H

struct ec_request;
struct ec_response;

/* probes.c: liveness and readiness for load balancers and scripts */
int ec_h_healthz(struct ec_request *req, struct ec_response *res);
int ec_h_readyz(struct ec_request *req, struct ec_response *res);

/* catalog.c: the catalog API and the pages that list and show products */
int ec_h_channels(struct ec_request *req, struct ec_response *res);
int ec_h_products(struct ec_request *req, struct ec_response *res);
int ec_h_product(struct ec_request *req, struct ec_response *res);
int ec_h_product_price(struct ec_request *req, struct ec_response *res);
int ec_h_home(struct ec_request *req, struct ec_response *res);
int ec_h_channel_page(struct ec_request *req, struct ec_response *res);
int ec_h_product_page(struct ec_request *req, struct ec_response *res);

/* storefront.c */
int ec_h_theme_css(struct ec_request *req, struct ec_response *res);
int ec_h_tenant_info(struct ec_request *req, struct ec_response *res);

/* numbers.c: free numbers of the tenant's pool */
int ec_h_numbers(struct ec_request *req, struct ec_response *res);

/* basket.c: the guest's basket (JSON API) */
int ec_h_basket(struct ec_request *req, struct ec_response *res);
int ec_h_basket_add(struct ec_request *req, struct ec_response *res);
int ec_h_basket_remove(struct ec_request *req, struct ec_response *res);

/* csp.c: Content-Security-Policy violation reports from browsers */
int ec_h_csp_report(struct ec_request *req, struct ec_response *res);

#endif
