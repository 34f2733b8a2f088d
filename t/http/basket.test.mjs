// The basket JSON API (issue 6, point 3): lines validated per channel,
// priced by the engine, versioned, and holding number locks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { json, NORDLYS } from './lib.mjs';

const REDIS_PORT = String(process.env.EC_REDIS_PORT || 16380);
const redis = (...args) =>
  execFileSync('redis-cli', ['-p', REDIS_PORT, ...args], { encoding: 'utf8' }).trim();

const PLAN = 'NL-50GB';
const ADDON = 'NL-EU-PLUS';

function post(body, { cookie, headers = {} } = {}) {
  return json(NORDLYS, '/api/v1/basket/lines', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json',
               ...(cookie ? { Cookie: cookie } : {}), ...headers },
    body: JSON.stringify(body),
  });
}

const basket = (cookie) => json(NORDLYS, '/api/v1/basket', { headers: cookie ? { Cookie: cookie } : {} });
const cookieOf = (res) => (res.headers['set-cookie'] || [])[0]?.split(';')[0];

async function freeNumbers(count) {
  const res = await json(NORDLYS, `/api/v1/numbers?count=${count}`);
  assert.equal(res.status, 200, res.body);
  return res.json.numbers.map((n) => n.msisdn);
}

const line = (extra = {}) => ({ sku: PLAN, binding_months: 6, binding_accepted: true,
                                sim_type: 'esim', addons: [ADDON], ...extra });

test('adding a line answers 201 with a basket cookie; GET shows it priced', async () => {
  const [n] = await freeNumbers(1);
  const res = await post(line({ msisdn: n }));
  assert.equal(res.status, 201, res.body);
  const setCookie = res.headers['set-cookie'][0];
  assert.match(setCookie, /^basket=[0-9a-f]{32}; Path=\/; HttpOnly; SameSite=Lax; Max-Age=172800$/);
  assert.equal(res.json.line.sku, PLAN);
  assert.equal(res.json.line.msisdn, n);
  assert.equal(res.json.version, 1);
  const c = cookieOf(res);

  // a second line without a number, porting one instead
  const res2 = await post(line({ binding_months: 0, addons: [], porting: { msisdn: '+4520000001' } }), { cookie: c });
  assert.equal(res2.status, 201, res2.body);
  assert.equal(res2.headers['set-cookie'], undefined);
  assert.deepEqual(res2.json.line.porting, { msisdn: '+4520000001' });
  assert.equal(res2.json.version, 2);

  const b = await basket(c);
  assert.equal(b.status, 200, b.body);
  assert.equal(b.json.version, 2);
  assert.equal(b.json.lines.length, 2);
  for (const k of ['monthly_now', 'one_time', 'min_total'])
    assert.equal(b.json.totals[k], b.json.lines.reduce((s, l) => s + l.price[k], 0), k);
  assert.ok(b.json.lines[0].price.monthly_now > 0);
  assert.equal(b.json.lines[0].lock.held, true);
  assert.ok(b.json.lines[0].lock.expires_at > Date.now());
  assert.equal(b.json.lines[1].lock, undefined);
  // the lock is the basket's
  assert.equal(redis('GET', `ecom:{nordlys}:lock:${n}`), c.split('=')[1]);
});

test('without a basket, GET answers an empty one', async () => {
  const b = await basket();
  assert.equal(b.status, 200, b.body);
  assert.deepEqual(b.json.lines, []);
  assert.equal(b.json.totals.monthly_now, 0);
});

test('violations answer 422 with their field and change nothing', async () => {
  const first = await post(line({ addons: [] }));
  assert.equal(first.status, 201, first.body);
  const c = cookieOf(first);
  const cases = [
    [{ sku: 'NO-SUCH' }, 'invalid_field', 'sku'],
    [{ sku: ADDON }, 'invalid_field', 'sku'],
    [{ binding_months: 3 }, 'invalid_field', 'binding_months'],
    [{ sim_type: 'nano' }, 'invalid_field', 'sim_type'],
    [{ addons: ['NO-SUCH'] }, 'addon_incompatible', 'addons'],
    [{ msisdn: '123' }, 'invalid_field', 'msisdn'],
    [{ porting: { msisdn: '+4412345678' } }, 'invalid_field', 'porting'],
  ];
  for (const [extra, code, field] of cases) {
    const res = await post(line(extra), { cookie: c });
    assert.equal(res.status, 422, `${JSON.stringify(extra)}: ${res.body}`);
    assert.equal(res.json.error.code, code);
    assert.equal(res.json.error.field, field);
  }
  const b = await basket(c);
  assert.equal(b.json.version, 1);
  assert.equal(b.json.lines.length, 1);
});

test('a form post answers 415 (the CSRF defence of the JSON API)', async () => {
  const res = await json(NORDLYS, '/api/v1/basket/lines', {
    method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: 'sku=NL-50GB&binding_months=0&sim_type=esim',
  });
  assert.equal(res.status, 415, res.body);
});

test('an older version answers 409 version_conflict and changes nothing', async () => {
  const first = await post(line({ addons: [] }));
  const c = cookieOf(first);
  const second = await post(line({ addons: [] }), { cookie: c, headers: { 'If-Match': '"1"' } });
  assert.equal(second.status, 201, second.body);
  const stale = await post(line({ addons: [], version: 1 }), { cookie: c });
  assert.equal(stale.status, 409, stale.body);
  assert.equal(stale.json.error.code, 'version_conflict');
  const staleIfMatch = await post(line({ addons: [] }), { cookie: c, headers: { 'If-Match': '1' } });
  assert.equal(staleIfMatch.status, 409, staleIfMatch.body);
  const del = await json(NORDLYS, `/api/v1/basket/lines/${first.json.line.id}`,
    { method: 'DELETE', headers: { Cookie: c, 'If-Match': '"1"' } });
  assert.equal(del.status, 409, del.body);
  // a stale change with a number leaves the number unlocked
  const [n] = await freeNumbers(1);
  const staleNumber = await post(line({ addons: [], msisdn: n, version: 1 }), { cookie: c });
  assert.equal(staleNumber.status, 409, staleNumber.body);
  assert.equal(redis('EXISTS', `ecom:{nordlys}:lock:${n}`), '0');
  const b = await basket(c);
  assert.equal(b.json.version, 2);
  assert.equal(b.json.lines.length, 2);
});

test('removing a line frees its number at once', async () => {
  const [n] = await freeNumbers(1);
  const a = await post(line({ msisdn: n }));
  assert.equal(a.status, 201, a.body);
  const other = await post(line({ msisdn: n }));
  assert.equal(other.status, 409, other.body);
  assert.equal(other.json.error.code, 'number_taken');
  assert.equal(other.json.error.field, 'msisdn');
  const del = await json(NORDLYS, `/api/v1/basket/lines/${a.json.line.id}`,
    { method: 'DELETE', headers: { Cookie: cookieOf(a) } });
  assert.equal(del.status, 200, del.body);
  assert.equal(redis('EXISTS', `ecom:{nordlys}:lock:${n}`), '0');
  const again = await post(line({ msisdn: n }));
  assert.equal(again.status, 201, again.body);
  const gone = await json(NORDLYS, `/api/v1/basket/lines/${a.json.line.id}`,
    { method: 'DELETE', headers: { Cookie: cookieOf(a) } });
  assert.equal(gone.status, 404, gone.body);
});

test('50 baskets racing for one number: exactly one wins', async () => {
  const [n] = await freeNumbers(1);
  const all = await Promise.all(Array.from({ length: 50 }, () => post(line({ msisdn: n }))));
  const won = all.filter((r) => r.status === 201);
  const lost = all.filter((r) => r.status === 409);
  assert.equal(won.length, 1, all.map((r) => r.status).join(','));
  assert.equal(lost.length, 49);
  for (const r of lost) assert.equal(r.json.error.code, 'number_taken');
  // the number is in exactly one stored basket
  const keys = redis('--scan', '--pattern', 'ecom:{nordlys}:basket:*').split('\n').filter(Boolean);
  const holding = keys.filter((k) => redis('GET', k).includes(`"msisdn":"${n}"`));
  assert.equal(holding.length, 1);
  assert.equal(holding[0], `ecom:{nordlys}:basket:${cookieOf(won[0]).split('=')[1]}`);
});

test("a line's price is the engine's price for its binding and SIM type", async () => {
  const FJORD = 'fjordmobil.localhost';
  const res = await json(FJORD, '/api/v1/basket/lines', {
    method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ sku: 'FJ-20GB', binding_months: 6, sim_type: 'physical' }),
  });
  assert.equal(res.status, 201, res.body);
  const b = await json(FJORD, '/api/v1/basket', { headers: { Cookie: cookieOf(res) } });
  const engine = await json(FJORD, '/api/v1/products/FJ-20GB/price?binding_months=6&sim_type=physical');
  assert.equal(engine.status, 200, engine.body);
  const p = b.json.lines[0].price;
  assert.equal(p.monthly_now, engine.json.price.monthly_now);
  assert.equal(p.one_time, engine.json.price.one_time);
  assert.equal(p.min_total, engine.json.price.min_total);
  assert.ok(p.one_time > 0);
  assert.equal(b.json.totals.min_total, p.min_total);
  // a basket is the shop's own: the cookie names nothing at another brand
  const elsewhere = await basket(cookieOf(res));
  assert.deepEqual(elsewhere.json.lines, []);
});

test('notices: a price that changed since the line was added, a lock that expired', async () => {
  const [n] = await freeNumbers(1);
  const res = await post(line({ msisdn: n }));
  assert.equal(res.status, 201, res.body);
  const c = cookieOf(res);
  const key = `ecom:{nordlys}:basket:${c.split('=')[1]}`;
  let b = await basket(c);
  assert.equal(b.json.lines[0].monthly_at_add, b.json.lines[0].price.monthly_now);
  assert.deepEqual(b.json.notices, []);
  // as if the price had been 1 krone more when the line was added, and the
  // lock had run out
  const doc = JSON.parse(redis('GET', key));
  doc.lines[0].monthly_at_add += 100;
  redis('SET', key, JSON.stringify(doc), 'KEEPTTL');
  redis('DEL', `ecom:{nordlys}:lock:${n}`);
  b = await basket(c);
  assert.deepEqual(b.json.notices.map((x) => x.code).sort(), ['lock_expired', 'price_changed']);
  assert.equal(b.json.lines[0].lock.held, false);
});

test("adding a line extends the basket's other locks", async () => {
  const [n1, n2] = await freeNumbers(2);
  const first = await post(line({ msisdn: n1 }));
  assert.equal(first.status, 201, first.body);
  const c = cookieOf(first);
  // the test stack's lock TTL is 10 s
  redis('PEXPIRE', `ecom:{nordlys}:lock:${n1}`, '1500');
  const second = await post(line({ msisdn: n2 }), { cookie: c });
  assert.equal(second.status, 201, second.body);
  assert.ok(Number(redis('PTTL', `ecom:{nordlys}:lock:${n1}`)) > 5000);
  const b = await basket(c);
  assert.ok(b.json.lines[0].lock.expires_at >= first.json.line.lock_expires_at);
});
