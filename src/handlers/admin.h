/*
 * The admin panel's handlers (docs/admin.md): the staff sign-in
 * (admin_signin.c), the panel's page frame (admin.c) and its screens.
 * Every screen is a staff route (EC_R_STAFF): the dispatcher has put the
 * signed-in staff member, of this tenant and allowed the route's action,
 * in req->staff before the handler runs (handlers/env.h).
 */
#ifndef EC_HANDLERS_ADMIN_H
#define EC_HANDLERS_ADMIN_H

#include <stddef.h>
#include <stdint.h>

#include "svc/audit.h"
#include "svc/staff.h"

struct ec_request;
struct ec_response;
struct json_object;

/* admin_signin.c: signing in (password, then the code of a second
   factor when enrolled) and out */
int ec_h_admin_signin_page(struct ec_request *req, struct ec_response *res);
int ec_h_admin_form_signin(struct ec_request *req, struct ec_response *res);
int ec_h_admin_code_page(struct ec_request *req, struct ec_response *res);
int ec_h_admin_form_code(struct ec_request *req, struct ec_response *res);
int ec_h_admin_form_signout(struct ec_request *req, struct ec_response *res);

/*
 * admin.c: answer the panel's page template (under admin/) with model m
 * (taken over; NULL for an empty one) and status, adding what every
 * panel page shows: the signed-in staff member, the navigation their
 * role may use (section marked current), the sign-out form's token.
 */
int ec_admin_page(struct ec_request *req, struct ec_response *res,
                  const char *section, const char *tmpl, struct json_object *m,
                  int status);

/* admin.c: the signed-in staff member (req->staff) as the audit log's
   actor of a change made in the panel */
struct ec_audit_actor ec_admin_actor(const struct ec_request *req);

/* admin.c: message s added to field's list in a form's errors, an
   object of arrays {"field": ["why", ...]} */
void ec_admin_add_error(struct json_object *errors, const char *field,
                        const char *s);

/* admin.c: the shop's words for message id prefix + name ({{tenant.
   currency}} in them filled in) */
const char *ec_admin_text(struct ec_request *req, const char *prefix,
                          const char *name);

/* admin.c: a role's name ("admin") in the shop's language */
const char *ec_admin_role_text(struct ec_request *req, const char *role);

/* admin.c: the roles a form offers (roles, n of them) as {code, name,
   selected} in the shop's language, current (-1: none) selected */
struct json_object *ec_admin_role_options(struct ec_request *req,
                                          const enum ec_staff_role *roles,
                                          size_t n, int current);

/* admin.c: instant t as the shop's clock shows it, "2026-12-03 15:05",
   into buf (at least 17 bytes; "-" when it cannot). 0 or -1. */
int ec_admin_local_time(struct ec_request *req, int64_t t, char *buf,
                        size_t size);

/* admin_orders.c: local midnight of day s ("2026-12-03") in the shop's
   zone, the day after it when next is set, into *t: 0, or
   EC_ERR_INVALID_FIELD for anything but a date. */
int ec_admin_day_start(struct ec_request *req, const char *s, int next,
                       int64_t *t);

/* admin_draft.c: the catalog draft; published now or at an instant, that
   cancelled, a change or all discarded */
int ec_h_admin_draft(struct ec_request *req, struct ec_response *res);
int ec_h_admin_form_draft_publish(struct ec_request *req,
                                  struct ec_response *res);
int ec_h_admin_form_draft_schedule(struct ec_request *req,
                                   struct ec_response *res);
int ec_h_admin_form_draft_unschedule(struct ec_request *req,
                                     struct ec_response *res);
int ec_h_admin_form_draft_discard(struct ec_request *req,
                                  struct ec_response *res);

/* admin.c: the overview */
int ec_h_admin_overview(struct ec_request *req, struct ec_response *res);

/* admin_products.c: the products, with filters */
int ec_h_admin_products(struct ec_request *req, struct ec_response *res);

/* admin_product_form.c: one product's form (new, or the product's),
   created, saved or retired through the catalog's one model */
int ec_h_admin_product_new(struct ec_request *req, struct ec_response *res);
int ec_h_admin_product(struct ec_request *req, struct ec_response *res);
int ec_h_admin_form_product_create(struct ec_request *req,
                                   struct ec_response *res);
int ec_h_admin_form_product_save(struct ec_request *req,
                                 struct ec_response *res);
int ec_h_admin_form_product_retire(struct ec_request *req,
                                   struct ec_response *res);

/* admin_orders.c: the orders by state and date, one order, the retry of
   a dead delivery */
int ec_h_admin_orders(struct ec_request *req, struct ec_response *res);
int ec_h_admin_order(struct ec_request *req, struct ec_response *res);
int ec_h_admin_form_retry(struct ec_request *req, struct ec_response *res);

/* admin_staff.c: the tenant's staff; a user added, a role changed, a
   user disabled or enabled */
int ec_h_admin_staff(struct ec_request *req, struct ec_response *res);
int ec_h_admin_form_staff_create(struct ec_request *req,
                                 struct ec_response *res);
int ec_h_admin_form_staff_role(struct ec_request *req, struct ec_response *res);
int ec_h_admin_form_staff_disable(struct ec_request *req,
                                  struct ec_response *res);
int ec_h_admin_form_staff_enable(struct ec_request *req,
                                 struct ec_response *res);

/* admin_keys.c: the tenant's API keys; one made (shown once), one
   revoked */
int ec_h_admin_api_keys(struct ec_request *req, struct ec_response *res);
int ec_h_admin_form_api_key_create(struct ec_request *req,
                                   struct ec_response *res);
int ec_h_admin_form_api_key_revoke(struct ec_request *req,
                                   struct ec_response *res);

/* admin_audit.c: the audit log, filtered and paged, and its CSV */
int ec_h_admin_audit(struct ec_request *req, struct ec_response *res);
int ec_h_admin_audit_csv(struct ec_request *req, struct ec_response *res);

/* admin_cms.c: the shop's Contentful settings, and their form */
int ec_h_admin_cms(struct ec_request *req, struct ec_response *res);
int ec_h_admin_form_cms(struct ec_request *req, struct ec_response *res);

/* admin_brand.c: the shop's name and colours, with their contrast */
int ec_h_admin_branding(struct ec_request *req, struct ec_response *res);
int ec_h_admin_form_branding(struct ec_request *req, struct ec_response *res);
int ec_h_admin_form_logo(struct ec_request *req, struct ec_response *res);

/* admin_tenants.c: operators' onboarding: the platform's tenants, the
   form of a new one, its create, one tenant */
int ec_h_admin_tenants(struct ec_request *req, struct ec_response *res);
int ec_h_admin_tenant_new(struct ec_request *req, struct ec_response *res);
int ec_h_admin_form_tenant_create(struct ec_request *req,
                                  struct ec_response *res);
int ec_h_admin_tenant(struct ec_request *req, struct ec_response *res);
/* admin_numbers.c: the number pool searched; a file of numbers
   imported; a number quarantined, put back, or its lock released */
int ec_h_admin_numbers(struct ec_request *req, struct ec_response *res);
int ec_h_admin_form_numbers_import(struct ec_request *req,
                                   struct ec_response *res);
int ec_h_admin_form_number_quarantine(struct ec_request *req,
                                      struct ec_response *res);
int ec_h_admin_form_number_release(struct ec_request *req,
                                   struct ec_response *res);
int ec_h_admin_form_number_unlock(struct ec_request *req,
                                  struct ec_response *res);

/* admin_channels.c: the channels and their rules; one form to create or
   edit a channel; its deletion (refused while something names it); the
   rules as one ordered list */
int ec_h_admin_channels(struct ec_request *req, struct ec_response *res);
int ec_h_admin_channel_new(struct ec_request *req, struct ec_response *res);
int ec_h_admin_channel(struct ec_request *req, struct ec_response *res);
int ec_h_admin_form_channel_create(struct ec_request *req,
                                   struct ec_response *res);
int ec_h_admin_form_channel(struct ec_request *req, struct ec_response *res);
int ec_h_admin_form_channel_delete(struct ec_request *req,
                                   struct ec_response *res);
int ec_h_admin_form_channel_rules(struct ec_request *req,
                                  struct ec_response *res);

/* admin_campaigns.c: the campaigns (running, coming, ended); one form to
   create or edit one, with the campaigns it meets; end one early; delete
   one that has not started */
int ec_h_admin_campaigns(struct ec_request *req, struct ec_response *res);
int ec_h_admin_campaign_new(struct ec_request *req, struct ec_response *res);
int ec_h_admin_campaign(struct ec_request *req, struct ec_response *res);
int ec_h_admin_form_campaign_create(struct ec_request *req,
                                    struct ec_response *res);
int ec_h_admin_form_campaign(struct ec_request *req, struct ec_response *res);
int ec_h_admin_form_campaign_end(struct ec_request *req,
                                 struct ec_response *res);
int ec_h_admin_form_campaign_delete(struct ec_request *req,
                                    struct ec_response *res);

#endif
