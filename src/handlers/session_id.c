#include "handlers/session_id.h"

#include <time.h>

#include "core/arena.h"
#include "handlers/env.h"
#include "http/csrf.h"
#include "http/request.h"
#include "http/session_cookie.h"
#include "svc/session.h"
#include "svc/tenant.h"

void
ec_h_session_adopt(struct ec_request *req, const char *id)
{
    char *t = ec_arena_alloc(req->arena, EC_CSRF_TOKEN_SIZE);

    ec_csrf_sign(req->env->form_key, req->env->form_key_len, req->host, id, t);
    req->session_id = id;
    req->session_issued = (long long)time(NULL);
    req->session_fresh = 1;
    req->csrf_token = t;
}

int
ec_h_session_renew(struct ec_request *req)
{
    char *id = ec_arena_alloc(req->arena, EC_SESSION_ID_SIZE);
    int moved = 0, rc;

    ec_session_new_id(id);
    /* a session this answer issued has no record to move */
    if (req->session_id && !req->session_fresh &&
        (rc =
             ec_session_rotate(req->env->kv, req->tenant->slug, req->session_id,
                               id, req->env->session_idle_ms, &moved)) < 0)
        return rc;
    ec_h_session_adopt(req, id);
    return 0;
}
