// Redis answers "-LOADING" to most commands while it reads its append-only
// file back after a restart (seconds, for a large one). Every route that
// reaches Redis then answers 503 with Retry-After, as when Redis is down,
// never a 500; and all is well once it has loaded.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { eventually, json, newSession, redis, request, stack, NORDLYS } from './lib.mjs';

const FILL = 30000;   // keys; at 250 µs each (scripts/stack) about 7 s of loading


function info(field) {
  return redis('INFO', 'persistence').match(new RegExp(`^${field}:(\\S+)`, 'm'))?.[1];
}

const numbers = () => json(NORDLYS, '/api/v1/numbers?count=1');
const basket = (cookie) => json(NORDLYS, '/api/v1/basket', { headers: { Cookie: cookie } });
const basketPage = (cookie) => request(NORDLYS, '/basket', { headers: { Cookie: cookie } });
const addLine = (cookie) => json(NORDLYS, '/api/v1/basket/lines', {
  method: 'POST', headers: { 'Content-Type': 'application/json', Cookie: cookie },
  body: JSON.stringify({ sku: 'NL-50GB', binding_months: 0, sim_type: 'esim', addons: [],
                         porting: { msisdn: '+4520000002' } }),
});

function assertUnavailable(res, what) {
  assert.equal(res.status, 503, `${what}: ${res.body}`);
  assert.ok(Number(res.headers['retry-after']) > 0, `${what}: Retry-After`);
}

test('while Redis loads its append-only file, routes that need it answer 503 with Retry-After', async () => {
  // a basket to read back, and enough keys in the file's base to load slowly
  const { cookie } = await newSession();
  const add = await addLine(cookie);
  assert.equal(add.status, 201, add.body);
  redis('EVAL', `for i = 1, ${FILL} do redis.call('SET', 'ecomtest:fill:' .. i, 'x') end return 1`, '0');
  try {
    redis('BGREWRITEAOF');
    await eventually(() => info('aof_rewrite_in_progress') === '0' &&
                           info('aof_rewrite_scheduled') === '0' &&
                           info('aof_last_bgrewrite_status') === 'ok');
    stack('stop-redis');
    stack('start-redis-slowly');
    await eventually(() => redis('PING').startsWith('LOADING'), { timeout: 5000, interval: 20 });

    const results = [
      ['GET /api/v1/numbers', await numbers()],
      ['GET /api/v1/basket', await basket(cookie)],
      ['GET /basket', await basketPage(cookie)],
      ['POST /api/v1/basket/lines', await addLine(cookie)],
      ['GET /readyz', await json('x.localhost', '/readyz')],
    ];
    // still loading: the answers above were given while it loaded
    assert.match(redis('PING'), /^LOADING/, 'Redis loaded before the requests were done; load more keys');
    for (const [what, res] of results) assertUnavailable(res, what);
    assert.equal(results[0][1].json.error.code, 'unavailable');
    // the shop's page, in the shop's language
    assert.match(results[2][1].body, /Butikken er midlertidigt utilgængelig/);
    assert.equal(results[4][1].json.checks.redis, 'down');
    assert.equal((await json('x.localhost', '/healthz')).status, 200, 'liveness does not need Redis');
  } finally {
    await eventually(() => redis('PING') === 'PONG', { timeout: 60000 });
    redis('EVAL', `for i = 1, ${FILL} do redis.call('DEL', 'ecomtest:fill:' .. i) end return 1`, '0');
  }
  // loaded: the basket is back, and everything answers again
  await eventually(async () => (await basket(cookie)).status === 200);
  const b = await basket(cookie);
  assert.equal(b.json.lines.length, 1, b.body);
  assert.equal((await numbers()).status, 200);
  assert.equal((await basketPage(cookie)).status, 200);
  assert.equal((await json('x.localhost', '/readyz')).status, 200);
  // back to a Redis started as usual
  stack('stop-redis');
  stack('start-redis');
});
