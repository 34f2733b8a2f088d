// Bounded abuse: what one client address can hold and make, the client
// address behind a trusted proxy, and inputs that once slipped through
// (a stored basket longer than any change makes, a form number past an
// int). The stack runs the sanitizer build of ecomd: a memory error on
// these requests is reported by scripts/test.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { basketIdOf, json, newSession, NORDLYS, request, sessionCookieOf, sessionIdOf, sleep, redis }
  from './lib.mjs';


const PLAN = 'NL-50GB';

async function freeNumbers(count) {
  const res = await json(NORDLYS, `/api/v1/numbers?count=${count}`);
  assert.equal(res.status, 200, res.body);
  return res.json.numbers.map((n) => n.msisdn);
}

test('a stored basket of 20 lines renders, cut to the 10 a basket may hold', async () => {
  const id = randomBytes(16).toString('hex');
  const numbers = await freeNumbers(20);
  const lines = numbers.map((msisdn, i) => ({
    id: i.toString(16).padStart(16, '0'), channel: 'web', sku: PLAN, binding_months: 0,
    binding_accepted: false, sim_type: 'esim', addons: [], msisdn, porting: null,
    added_at: Math.floor(Date.now() / 1000), monthly_at_add: null,
    lock_expires_at: Date.now() + 5000,
  }));
  redis('SET', `ecom:{nordlys}:basket:${id}`,
    JSON.stringify({ version: 1, lines }), 'PX', '60000');
  for (const n of numbers) redis('SET', `ecom:{nordlys}:lock:${n}`, id, 'PX', '5000');
  // a session whose record names that basket
  const { cookie } = await newSession();
  const record = `ecom:{nordlys}:session:${sessionIdOf(cookie)}`;
  redis('HSET', record, 'basket', id);
  redis('PEXPIRE', record, '60000');
  try {
    const api = await json(NORDLYS, '/api/v1/basket', { headers: { Cookie: cookie } });
    assert.equal(api.status, 200, api.body);
    assert.equal(api.json.lines.length, 10);
    assert.ok(api.json.lines.every((l) => l.lock.held));
    const page = await request(NORDLYS, '/basket', { headers: { Cookie: cookie } });
    assert.equal(page.status, 200, page.body);
  } finally {
    redis('DEL', record, `ecom:{nordlys}:basket:${id}`,
          ...numbers.map((n) => `ecom:{nordlys}:lock:${n}`));
  }
});

test('binding_months=4294967302 in a form is 422, not stored as 6', async () => {
  const page = await request(NORDLYS, '/products/NL-FRI');
  assert.equal(page.status, 200);
  const csrf = page.body.match(/name="csrf" value="([^"]*)"/)[1];
  const cookie = page.headers['set-cookie'].map((c) => c.split(';')[0]).join('; ');
  const res = await request(NORDLYS, '/basket/lines', {
    method: 'POST',
    headers: { Cookie: cookie, 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ csrf, sku: 'NL-FRI', binding_months: '4294967302',
                                binding_accepted: 'on', sim_type: 'esim' }).toString(),
  });
  assert.equal(res.status, 422, res.body);
  assert.equal(basketIdOf(sessionCookieOf(page)), '', 'no basket was started');
  // and the same through the JSON API
  const api = await json(NORDLYS, '/api/v1/basket/lines', {
    method: 'POST', headers: { 'Content-Type': 'application/json', Cookie: cookie },
    body: '{"sku":"NL-FRI","binding_months":4294967302,"sim_type":"esim"}',
  });
  assert.equal(api.status, 422, api.body);
  assert.equal(api.json.error.field, 'binding_months');
});

// The test stack's limits (scripts/lib.sh): number_holds_max = 3,
// number_hold_max = 20s with number_lock_ttl = 10s, basket_new_rate = 5;
// 127.0.0.1 is exempt and a trusted proxy.
const HOLDS_MAX = 3;
const BASKETS_MAX = 5;
const LOCK_TTL_S = 10;
const line = (extra = {}) => ({ sku: PLAN, binding_months: 0, sim_type: 'esim', ...extra });
const cookieOf = (res) => res.cookie;

// Add a line in the session of cookie, or of a new visitor (a session of
// its own, from a GET); res.cookie is the session's.
async function post(body, { cookie, from, headers = {} } = {}) {
  cookie ??= (await newSession(NORDLYS, { from, headers })).cookie;
  const res = await json(NORDLYS, '/api/v1/basket/lines', {
    method: 'POST', from,
    headers: { 'Content-Type': 'application/json', Cookie: cookie, ...headers },
    body: JSON.stringify(body),
  });
  res.cookie = cookie;
  return res;
}

function forget(...clients) {
  for (const c of clients)
    redis('DEL', `ecom:{nordlys}:lockrate:${c}`, `ecom:{nordlys}:holds:${c}`,
          `ecom:{nordlys}:newbaskets:${c}`);
}

test('one address holds at most number_holds_max numbers, over all its baskets (429, Retry-After)', async () => {
  const from = '127.0.0.4';
  forget(from, '127.0.0.7');
  const numbers = await freeNumbers(HOLDS_MAX + 2);
  const cookies = [];
  for (const n of numbers.slice(0, HOLDS_MAX)) {
    // a new basket each time, as a client that drops its cookie
    const res = await post(line({ msisdn: n }), { from });
    assert.equal(res.status, 201, res.body);
    cookies.push(cookieOf(res));
  }
  const over = await post(line({ msisdn: numbers[HOLDS_MAX] }), { from });
  assert.equal(over.status, 429, over.body);
  assert.equal(over.json.error.code, 'rate_limited');
  assert.equal(over.json.error.field, 'msisdn');
  const wait = Number(over.headers['retry-after']);
  assert.ok(wait >= 1 && wait <= LOCK_TTL_S, `Retry-After ${over.headers['retry-after']}`);
  assert.equal(redis('GET', `ecom:{nordlys}:lock:${numbers[HOLDS_MAX]}`), '');
  // into a basket it already has: the same
  const again = await post(line({ msisdn: numbers[HOLDS_MAX] }), { from, cookie: cookies[0] });
  assert.equal(again.status, 429, again.body);
  // another address is not affected
  const other = await post(line({ msisdn: numbers[HOLDS_MAX] }), { from: '127.0.0.7' });
  assert.equal(other.status, 201, other.body);
  // giving a number up frees a place at once
  const b = await json(NORDLYS, '/api/v1/basket', { headers: { Cookie: cookies[0] } });
  const gone = await json(NORDLYS, `/api/v1/basket/lines/${b.json.lines[0].id}`,
    { method: 'DELETE', headers: { Cookie: cookies[0] }, from });
  assert.equal(gone.status, 200, gone.body);
  const now = await post(line({ msisdn: numbers[HOLDS_MAX + 1] }), { from, cookie: cookies[0] });
  assert.equal(now.status, 201, now.body);
  forget(from, '127.0.0.7');
});

test('new baskets past basket_new_rate a minute answer 429 with Retry-After', async () => {
  const from = '127.0.0.5';
  forget(from);
  let first;
  for (let i = 0; i < BASKETS_MAX; i++) {
    const res = await post(line(), { from });
    assert.equal(res.status, 201, res.body);
    first ??= cookieOf(res);
  }
  const over = await post(line(), { from });
  assert.equal(over.status, 429, over.body);
  assert.equal(over.json.error.code, 'rate_limited');
  const wait = Number(over.headers['retry-after']);
  assert.ok(wait >= 1 && wait <= 60, `Retry-After ${over.headers['retry-after']}`);
  assert.equal(redis('EXISTS', `ecom:{nordlys}:basket:${basketIdOf(over.cookie)}`), '0',
    'no basket was made');
  // a basket it has takes more lines
  const more = await post(line(), { from, cookie: first });
  assert.equal(more.status, 201, more.body);
  forget(from);
});

test('behind a trusted proxy the client is the last untrusted X-Forwarded-For address, IPv6 by its /64', async () => {
  const net = '2001:db8:77:1';
  forget(`${net}::/64`, '2001:db8:77:2::/64', '127.0.0.6');
  const numbers = await freeNumbers(HOLDS_MAX + 3);
  // three addresses of one /64 are one client; what the client itself
  // wrote in front of the proxy's entry is not believed
  const xffs = [`${net}::1`, `${net}::2`, `192.0.2.99, ${net}:ffff::3`];
  for (let i = 0; i < HOLDS_MAX; i++) {
    const res = await post(line({ msisdn: numbers[i] }),
      { headers: { 'X-Forwarded-For': xffs[i] } });
    assert.equal(res.status, 201, res.body);
  }
  assert.equal(redis('ZCARD', `ecom:{nordlys}:holds:${net}::/64`), String(HOLDS_MAX));
  const over = await post(line({ msisdn: numbers[HOLDS_MAX] }),
    { headers: { 'X-Forwarded-For': `${net}:abcd::9` } });
  assert.equal(over.status, 429, over.body);
  // the next /64 is another client
  const next = await post(line({ msisdn: numbers[HOLDS_MAX] }),
    { headers: { 'X-Forwarded-For': '2001:db8:77:2::1' } });
  assert.equal(next.status, 201, next.body);
  // from an address that is no trusted proxy, the header is ignored
  const direct = await post(line({ msisdn: numbers[HOLDS_MAX + 1] }),
    { from: '127.0.0.6', headers: { 'X-Forwarded-For': `${net}::1` } });
  assert.equal(direct.status, 201, direct.body);
  assert.equal(redis('ZCARD', 'ecom:{nordlys}:holds:127.0.0.6'), '1');
  forget(`${net}::/64`, '2001:db8:77:2::/64', '127.0.0.6');
});

test('keep extends a lock only up to number_hold_max after it was first taken', async () => {
  const [n] = await freeNumbers(1);
  const res = await post(line({ msisdn: n }));
  assert.equal(res.status, 201, res.body);
  const c = cookieOf(res);
  const taken = res.json.line.lock_taken_at;
  assert.ok(taken > 0, res.body);
  const keep = () => json(NORDLYS, '/api/v1/basket/keep', { method: 'POST', headers: { Cookie: c } });
  // keep before the 10 s lock runs out, twice: 20 s after it was taken
  // the lock ends all the same
  for (const at of [7000, 14000]) {
    await sleep(taken + at - Date.now());
    const k = await keep();
    assert.equal(k.status, 200, k.body);
    assert.equal(k.json.lines[0].lock.held, true);
    assert.ok(k.json.lines[0].lock.expires_at <= taken + 20000, k.body);
    assert.ok(Number(redis('PTTL', `ecom:{nordlys}:lock:${n}`)) <= taken + 20000 - Date.now() + 50);
  }
  await sleep(taken + 20500 - Date.now());
  assert.equal(redis('GET', `ecom:{nordlys}:lock:${n}`), '');
  const late = await keep();
  assert.equal(late.status, 200, late.body);
  assert.equal(late.json.lines[0].lock.held, false, 'not taken again');
  assert.equal(redis('GET', `ecom:{nordlys}:lock:${n}`), '');
});

test('the CSP-report limit holds for /api/v1/csp-report/ (trailing slash) too', async () => {
  // an address of its own, so no other test's reports count
  const statuses = [];
  for (let i = 0; i < 25; i++) {
    const res = await json(NORDLYS, '/api/v1/csp-report/', {
      method: 'POST', from: '127.0.0.8', headers: { 'Content-Type': 'application/csp-report' },
      body: JSON.stringify({ 'csp-report': { 'blocked-uri': 'inline', n: i } }),
    });
    statuses.push(res.status);
    if (res.status === 429) assert.equal(res.json.error.code, 'rate_limited');
  }
  assert.ok(statuses.includes(429), `a flood is cut off: ${statuses.join(' ')}`);
  // both spellings share the address's allowance
  const plain = await json(NORDLYS, '/api/v1/csp-report', {
    method: 'POST', from: '127.0.0.8', headers: { 'Content-Type': 'application/csp-report' },
    body: '{"csp-report":{}}',
  });
  assert.equal(plain.status, 429);
});
