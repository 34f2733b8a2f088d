#include "handlers/account_mail.h"

#include <string.h>

#include <json-c/json.h>

#include "core/buf.h"
#include "render/messages.h"
#include "svc/account.h"
#include "svc/mail.h"

/* The values the reset mail's texts name: shop, name, link, minutes. */
static struct json_object *
reset_model(const char *shop, const struct ec_account *a, const char *link,
            long long ttl_ms)
{
    struct json_object *m = json_object_new_object();

    json_object_object_add(m, "shop", json_object_new_string(shop));
    json_object_object_add(m, "name", json_object_new_string(a->name));
    json_object_object_add(m, "link", json_object_new_string(link));
    json_object_object_add(m, "minutes",
                           json_object_new_int64((ttl_ms + 59999) / 60000));
    return m;
}

int
ec_account_mail_reset(struct ec_mail *m, const struct ec_msgcat *texts,
                      const char *shop, const struct ec_account *a,
                      const char *link, long long ttl_ms)
{
    struct json_object *model = reset_model(shop, a, link, ttl_ms);
    struct ec_buf subject = EC_BUF_INIT, body = EC_BUF_INIT;
    struct ec_mail_msg msg;
    int rc;

    ec_msgcat_render(texts, "mail.reset.subject", model, &subject);
    ec_msgcat_render(texts, "mail.reset.body", model, &body);
    if (body.len && body.data[body.len - 1] != '\n')
        ec_buf_addch(&body, '\n');
    msg = (struct ec_mail_msg){
        .from_name = shop,
        .to = a->email,
        .to_name = a->name,
        .subject = subject.data,
        .body = body.data,
    };
    rc = ec_mail_send(m, &msg);
    /* the body holds the link, which resets the password */
    explicit_bzero(body.data, body.len);
    ec_buf_release(&body);
    ec_buf_release(&subject);
    json_object_put(model);
    return rc;
}
