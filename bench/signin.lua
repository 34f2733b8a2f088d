-- wrk script for bench/signin.sh: every request is POST /api/v1/session
-- {email, password} from one session (a cookie and its token, as
-- bench/sessions.pl mints them). A sign-in rotates the session id, but
-- the signed cookie stays a valid starting point (it then names no
-- record), so one pair serves every request, each a whole sign-in:
-- limits, one argon2id verification, rotation, the basket step, the
-- account attached.
--
--   wrk ... -s bench/signin.lua URL -- COOKIE TOKEN EMAIL PASSWORD

function init(args)
    wrk.method = "POST"
    wrk.headers["Cookie"] = args[1]
    wrk.headers["X-CSRF-Token"] = args[2]
    wrk.headers["Content-Type"] = "application/json"
    wrk.body = string.format('{"email":"%s","password":"%s"}', args[3], args[4])
end
