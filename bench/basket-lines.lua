-- wrk script for bench/basket.sh: every request is
-- POST /api/v1/basket/lines in a session of its own (so each makes a new
-- basket) with one line that picks a number from the bench range.
--
--   wrk ... -s bench/basket-lines.lua URL -- MODE FIRST COUNT THREADS SKU BINDING SIM SESSIONS
--
-- SESSIONS is a file of "COOKIE TOKEN" lines (bench/sessions.pl): thread
-- i takes every THREADS-th line from line i, one per request, and starts
-- again at its first when it runs out (those requests then add to a
-- basket that exists).
--
-- MODE distinct: thread i takes numbers FIRST + i*(COUNT/THREADS) upwards,
--   so no number is ever asked for twice, within a thread or across
--   threads. A thread that gets to the end of its slice starts it again
--   (those requests then answer 409) and done() says so: the range was
--   too small for the run.
-- MODE shared: every thread cycles through all COUNT numbers from FIRST
--   (round robin, each thread starting at another one), so all the
--   connections fight over the same few numbers.
--
-- The number is FIRST + k written as +45 and 8 digits. done() prints, for
-- bench/basket.sh to read, one "basket-status STATUS N" line per status
-- answered, "basket-duration-us US" and "basket-wrapped N".

-- wrk loads this file once for its main state and once for each thread;
-- the states share nothing but what setup() sets and done() gets.

-- ---- the main state: setup() and done() run here ----

local threads = {}

function setup(thread)
    -- wrk calls setup() once per thread before any starts: the order of
    -- the calls is the thread's slice of the range
    thread:set("id", #threads)
    table.insert(threads, thread)
end

function done(summary, latency, requests)
    local total, wrapped = {}, 0
    for _, t in ipairs(threads) do
        -- thread:get copies the thread's table into this state
        for status, n in pairs(t:get("statuses")) do
            total[status] = (total[status] or 0) + n
        end
        wrapped = wrapped + t:get("wrapped")
    end
    for status, n in pairs(total) do
        io.write(string.format("basket-status %d %d\n", status, n))
    end
    io.write(string.format("basket-duration-us %d\n", summary.duration))
    io.write(string.format("basket-wrapped %d\n", wrapped))
end

-- ---- each thread's own state: init(), request() and response() ----

statuses = {}   -- status -> count, read by done()
wrapped = 0     -- requests that reused a number (distinct mode only)

local mode, first, count, slice, k, laps, body_head
local sessions, s = {}, 0

function init(args)
    mode = args[1]
    first, count = tonumber(args[2]), tonumber(args[3])
    local nthreads = tonumber(args[4])
    body_head = string.format(
        '{"sku":"%s","binding_months":%d,"sim_type":"%s","msisdn":"+45',
        args[5], tonumber(args[6]), args[7])
    if mode == "distinct" then
        slice = math.floor(count / nthreads)
        first = first + id * slice
        k, laps = 0, 0
    elseif mode == "shared" then
        slice = count
        k, laps = id % count, 0   -- threads start apart, then go round
    else
        error("basket-lines.lua: MODE is distinct or shared, not " .. tostring(mode))
    end
    local nthreads_ = tonumber(args[4])
    local i = 0
    for l in io.lines(args[8]) do
        if i % nthreads_ == id then
            local c, t = l:match("^(%S+) (%S+)$")
            table.insert(sessions, {c, t})
        end
        i = i + 1
    end
    assert(#sessions > 0, "basket-lines.lua: no sessions in " .. args[8])
    wrk.method = "POST"
    wrk.path = "/api/v1/basket/lines"
    wrk.headers["Content-Type"] = "application/json"
end

-- (wrk calls thread 0's request() once before the run to check what it
-- builds: that thread's first number goes unused.)
function request()
    if k >= slice then
        k, laps = 0, laps + 1
    end
    if laps > 0 and mode == "distinct" then wrapped = wrapped + 1 end
    local body = string.format('%s%08d"}', body_head, first + k)
    k = k + 1
    s = s % #sessions + 1
    wrk.headers["Cookie"] = sessions[s][1]
    wrk.headers["X-CSRF-Token"] = sessions[s][2]
    return wrk.format(nil, nil, nil, body)
end

function response(status, headers, body)
    statuses[status] = (statuses[status] or 0) + 1
end
