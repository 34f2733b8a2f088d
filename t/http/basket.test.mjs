// The basket JSON API (issue 6, point 3): lines validated per channel,
// priced by the engine, versioned, and holding number locks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { basketIdOf, ecomctl, eventually, json, newSession, NORDLYS, redis, sleep, sql, stack }
  from './lib.mjs';


const PLAN = 'NL-50GB';
const ADDON = 'NL-EU-PLUS';

// Add a line in the session of cookie, or of a new visitor (a session
// of its own, as a browser gets from a GET); res.cookie is the session's.
async function post(body, { cookie, headers = {}, from } = {}) {
  cookie ??= (await newSession(NORDLYS, { from })).cookie;
  const res = await json(NORDLYS, '/api/v1/basket/lines', {
    method: 'POST', from,
    headers: { 'Content-Type': 'application/json', Cookie: cookie, ...headers },
    body: JSON.stringify(body),
  });
  res.cookie = cookie;
  return res;
}

function patch(cookie, id, body, headers = {}) {
  return json(NORDLYS, `/api/v1/basket/lines/${id}`, {
    method: 'PATCH',
    headers: { 'Content-Type': 'application/json', Cookie: cookie, ...headers },
    body: JSON.stringify(body),
  });
}

const remove = (cookie, id) =>
  json(NORDLYS, `/api/v1/basket/lines/${id}`, { method: 'DELETE', headers: { Cookie: cookie } });
const keep = (cookie) =>
  json(NORDLYS, '/api/v1/basket/keep', { method: 'POST', headers: { Cookie: cookie } });
const lockOwner = (n) => redis('GET', `ecom:{nordlys}:lock:${n}`);
const basketId = (cookie) => basketIdOf(cookie);
// the test stack's number_lock_ttl (scripts/lib.sh)
const LOCK_TTL_MS = 10000;

const basket = (cookie) => json(NORDLYS, '/api/v1/basket', { headers: cookie ? { Cookie: cookie } : {} });
const cookieOf = (res) => res.cookie;

async function freeNumbers(count) {
  const res = await json(NORDLYS, `/api/v1/numbers?count=${count}`);
  assert.equal(res.status, 200, res.body);
  return res.json.numbers.map((n) => n.msisdn);
}

const line = (extra = {}) => ({ sku: PLAN, binding_months: 6, binding_accepted: true,
                                sim_type: 'esim', addons: [ADDON], ...extra });

test("adding a line answers 201 and starts the session's basket; GET shows it priced", async () => {
  const [n] = await freeNumbers(1);
  const res = await post(line({ msisdn: n }));
  assert.equal(res.status, 201, res.body);
  // no cookie of its own: the session (issued on a GET) names the basket
  assert.equal(res.headers['set-cookie'], undefined);
  assert.match(basketId(res.cookie), /^[0-9a-f]{32}$/);
  assert.equal(lockOwner(n), basketId(res.cookie));
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
  assert.equal(redis('GET', `ecom:{nordlys}:lock:${n}`), basketId(c));
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
  const start = Math.floor(Date.now() / 1000);
  const all = await Promise.all(Array.from({ length: 50 }, () => post(line({ msisdn: n }))));
  const won = all.filter((r) => r.status === 201);
  const lost = all.filter((r) => r.status === 409);
  assert.equal(won.length, 1, all.map((r) => r.status).join(','));
  assert.equal(lost.length, 49);
  for (const r of lost) assert.equal(r.json.error.code, 'number_taken');
  // the number is in exactly one basket stored since the race began (an
  // older basket may still name it from a lock that ran out before), and
  // its lock names that basket; no loser stored a basket at all
  const keys = redis('--scan', '--pattern', 'ecom:{nordlys}:basket:*').split('\n').filter(Boolean);
  const holding = keys.filter((k) => JSON.parse(redis('GET', k) || '{"lines":[]}').lines
    .some((l) => l.msisdn === n && l.added_at >= start));
  const winner = basketId(won[0].cookie);
  assert.deepEqual(holding, [`ecom:{nordlys}:basket:${winner}`]);
  assert.equal(lockOwner(n), winner);
  // a loser's session names the basket it was to start, which was never
  // stored
  for (const r of lost) assert.equal(redis('EXISTS', `ecom:{nordlys}:basket:${basketId(r.cookie)}`), '0');
});

test("a line's price is the engine's price for its binding and SIM type", async () => {
  const FJORD = 'fjordmobil.localhost';
  const { cookie } = await newSession(FJORD);
  const res = await json(FJORD, '/api/v1/basket/lines', {
    method: 'POST', headers: { 'Content-Type': 'application/json', Cookie: cookie },
    body: JSON.stringify({ sku: 'FJ-20GB', binding_months: 6, sim_type: 'physical' }),
  });
  assert.equal(res.status, 201, res.body);
  res.cookie = cookie;
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
  const key = `ecom:{nordlys}:basket:${basketId(c)}`;
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

test('PATCH changes a line: new choices checked in its channel, a new number locked and the old one freed', async () => {
  const [n1, n2] = await freeNumbers(2);
  const first = await post(line({ msisdn: n1 }));
  assert.equal(first.status, 201, first.body);
  const c = cookieOf(first);
  const id = first.json.line.id;
  const res = await patch(c, id, { sim_type: 'physical', addons: [], msisdn: n2 });
  assert.equal(res.status, 200, res.body);
  assert.equal(res.json.version, 2);
  assert.equal(res.json.line.id, id);
  assert.equal(res.json.line.sim_type, 'physical');
  assert.deepEqual(res.json.line.addons, []);
  assert.equal(res.json.line.msisdn, n2);
  assert.equal(res.json.line.added_at, first.json.line.added_at);
  assert.equal(lockOwner(n2), basketId(c));
  assert.equal(lockOwner(n1), '', 'the old number is free at once');
  // porting instead of a new number frees that one too
  const port = await patch(c, id, { porting: { msisdn: '30 12 34 56' } });
  assert.equal(port.status, 200, port.body);
  assert.equal(port.json.line.msisdn, null);
  assert.deepEqual(port.json.line.porting, { msisdn: '+4530123456' });
  assert.equal(lockOwner(n2), '');
  const b = await basket(c);
  assert.equal(b.json.lines.length, 1);
  assert.equal(b.json.version, 3);
});

test('PATCH refuses what it cannot do with a field and changes nothing', async () => {
  const [n1] = await freeNumbers(1);
  const first = await post(line({ msisdn: n1 }));
  const c = cookieOf(first);
  const id = first.json.line.id;
  const cases = [
    [{ binding_months: 3 }, 422, 'invalid_field', 'binding_months'],
    [{ sim_type: 'nano' }, 422, 'invalid_field', 'sim_type'],
    [{ addons: ['NL-DATADELING'] }, 422, 'addon_incompatible', 'addons'],
    [{ id: 'x' }, 422, 'invalid_field', 'id'],
    [{ msisdn: '+4511111111' }, 422, 'invalid_field', 'msisdn'],
    [{ sim_type: 'physical', version: 7 }, 409, 'version_conflict', 'version'],
  ];
  for (const [body, status, code, field] of cases) {
    const res = await patch(c, id, body);
    assert.equal(res.status, status, `${JSON.stringify(body)}: ${res.body}`);
    assert.equal(res.json.error.code, code);
    assert.equal(res.json.error.field, field);
  }
  const missing = await patch(c, 'ffffffffffffffff', { sim_type: 'physical' });
  assert.equal(missing.status, 404);
  const b = await basket(c);
  assert.equal(b.json.version, 1);
  assert.equal(b.json.lines[0].sim_type, 'esim');
  assert.equal(lockOwner(n1), basketId(c));
});

test("a number that is not in the shop's pool, or already sold, cannot be chosen", async () => {
  // well-formed, but not one of nordlys's numbers
  const foreign = await post(line({ msisdn: '+4511223344' }));
  assert.equal(foreign.status, 422, foreign.body);
  assert.equal(foreign.json.error.field, 'msisdn');
  assert.equal(redis('EXISTS', 'ecom:{nordlys}:lock:+4511223344'), '0');
  const [n] = await freeNumbers(1);
  sql(`UPDATE numbers SET status = 'assigned' WHERE msisdn = '${n}'`);
  try {
    const sold = await post(line({ msisdn: n }));
    assert.equal(sold.status, 409, sold.body);
    assert.equal(sold.json.error.code, 'number_taken');
    assert.equal(lockOwner(n), '');
  } finally {
    sql(`UPDATE numbers SET status = 'available' WHERE msisdn = '${n}'`);
  }
});

test('one basket holds at most 5 numbers from the pool; porting does not count', async () => {
  const numbers = await freeNumbers(6);
  let c;
  for (const n of numbers.slice(0, 5)) {
    const res = await post(line({ msisdn: n }), { cookie: c });
    assert.equal(res.status, 201, res.body);
    c ??= cookieOf(res);
  }
  const sixth = await post(line({ msisdn: numbers[5] }), { cookie: c });
  assert.equal(sixth.status, 422, sixth.body);
  assert.equal(sixth.json.error.code, 'basket_limit');
  assert.equal(sixth.json.error.field, 'msisdn');
  assert.equal(lockOwner(numbers[5]), '');
  const ported = await post(line({ porting: { msisdn: '+4530123456' } }), { cookie: c });
  assert.equal(ported.status, 201, ported.body);
});

test('one client address takes at most number_lock_rate new numbers a minute (429, Retry-After)', async () => {
  // 127.0.0.1 is exempt in the test stack; this client is another address
  const from = '127.0.0.2';
  redis('DEL', `ecom:{nordlys}:lockrate:${from}`, `ecom:{nordlys}:newbaskets:${from}`,
        `ecom:{nordlys}:holds:${from}`);
  const numbers = await freeNumbers(21);
  // one basket, each number given up again at once: the rate counts the
  // locks taken, not the ones held (number_holds_max), and one basket
  // stays within basket_new_rate
  let c;
  for (const n of numbers.slice(0, 20)) {
    const res = await post(line({ msisdn: n }), { from, cookie: c });
    assert.equal(res.status, 201, res.body);
    c ??= cookieOf(res);
    const gone = await json(NORDLYS, `/api/v1/basket/lines/${res.json.line.id}`,
      { method: 'DELETE', headers: { Cookie: c }, from });
    assert.equal(gone.status, 200, gone.body);
  }
  const over = await post(line({ msisdn: numbers[20] }), { from, cookie: c });
  assert.equal(over.status, 429, over.body);
  assert.equal(over.json.error.code, 'rate_limited');
  assert.equal(over.headers['retry-after'], '60');
  assert.equal(lockOwner(numbers[20]), '', 'the number stays free');
  // a line without a number from the pool is not limited
  const ported = await post(line({ porting: { msisdn: '+4530123456' } }), { from });
  assert.equal(ported.status, 201, ported.body);
  // and another address is not affected
  const other = await post(line({ msisdn: numbers[20] }), { from: '127.0.0.3' });
  assert.equal(other.status, 201, other.body);
  redis('DEL', `ecom:{nordlys}:lockrate:${from}`, 'ecom:{nordlys}:lockrate:127.0.0.3',
        `ecom:{nordlys}:newbaskets:${from}`, 'ecom:{nordlys}:newbaskets:127.0.0.3',
        `ecom:{nordlys}:holds:${from}`, 'ecom:{nordlys}:holds:127.0.0.3');
});

test('a lock expires after its TTL and the number is offered again; activity keeps it', async () => {
  const [n, kept] = await freeNumbers(2);
  const res = await post(line({ msisdn: n }));
  assert.equal(res.status, 201, res.body);
  const c = cookieOf(res);
  const other = await post(line({ msisdn: kept }));
  const c2 = cookieOf(other);
  const digits = n.slice(3);
  const offered = async () =>
    (await json(NORDLYS, `/api/v1/numbers?count=5&contains=${digits}`)).json.numbers.map((x) => x.msisdn);
  assert.ok(!(await offered()).includes(n));
  // halfway, the second basket asks to keep its numbers
  await sleep(LOCK_TTL_MS / 2);
  assert.equal((await keep(c2)).status, 200);
  await eventually(async () => (await offered()).includes(n), { timeout: LOCK_TTL_MS, interval: 250 });
  const b = await basket(c);
  assert.equal(b.json.lines[0].lock.held, false);
  assert.ok(b.json.notices.some((x) => x.code === 'lock_expired' && x.line === b.json.lines[0].id));
  assert.equal(lockOwner(kept), basketId(c2), 'kept by activity');
  // another basket may now take it
  const taker = await post(line({ msisdn: n }));
  assert.equal(taker.status, 201, taker.body);
});

test("basket B can neither release nor extend basket A's lock", async () => {
  const [n] = await freeNumbers(1);
  const a = await post(line({ msisdn: n }));
  const ca = cookieOf(a);
  // A's lock runs out and B takes the number
  redis('DEL', `ecom:{nordlys}:lock:${n}`);
  const b = await post(line({ msisdn: n }));
  assert.equal(b.status, 201, b.body);
  const cb = cookieOf(b);
  redis('PEXPIRE', `ecom:{nordlys}:lock:${n}`, '3000');
  // A's activity does not extend B's lock, and A's removal does not free it
  assert.equal((await keep(ca)).status, 200);
  assert.ok(Number(redis('PTTL', `ecom:{nordlys}:lock:${n}`)) <= 3000);
  assert.equal((await remove(ca, a.json.line.id)).status, 200);
  assert.equal(lockOwner(n), basketId(cb));
  // nor can A take it back
  const again = await post(line({ msisdn: n }), { cookie: ca });
  assert.equal(again.status, 409);
  // B's own activity extends it
  assert.equal((await keep(cb)).status, 200);
  assert.ok(Number(redis('PTTL', `ecom:{nordlys}:lock:${n}`)) > 5000);
});

test('basket totals are the sum of the lines priced by the engine', async () => {
  const [n1, n2] = await freeNumbers(2);
  const one = await post(line({ msisdn: n1 }));
  const c = cookieOf(one);
  await post({ sku: 'NL-TALE', binding_months: 0, sim_type: 'physical', msisdn: n2 }, { cookie: c });
  const b = await basket(c);
  assert.equal(b.json.lines.length, 2);
  const sum = (k) => b.json.lines.reduce((s, l) => s + l.price[k], 0);
  for (const k of ['monthly_now', 'one_time', 'min_total'])
    assert.equal(b.json.totals[k], sum(k), k);
  // each plan's part is what the price endpoint says for its choices
  for (const l of b.json.lines) {
    const p = await json(NORDLYS,
      `/api/v1/products/${l.sku}/price?binding_months=${l.binding_months}&sim_type=${l.sim_type}`);
    assert.equal(l.price.plan_monthly_now, p.json.price.monthly_now);
  }
});

test('a campaign that ends while a line sits in the basket shows a price-change notice', async () => {
  const doc = JSON.parse(ecomctl('catalog', 'export', 'nordlys'));
  const iso = (ms) => new Date(ms).toISOString().replace(/\.\d+Z$/, '+00:00');
  const ends = Math.ceil((Date.now() + 4000) / 1000) * 1000;
  const changed = structuredClone(doc);
  changed.campaigns.push({
    code: 'test-ending', name: 'Snart slut', valid_from: iso(Date.now() - 3600e3), valid_to: iso(ends),
    products: ['NL-TALE'], channels: ['web'], priority: 90, stacking: 'exclusive', required_binding: 0,
    actions: [{ kind: 'fixed_price', amount: 1900, first_month: 1, months: 3 }],
  });
  changed.campaigns.sort((a, b) => (a.code < b.code ? -1 : 1));
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ecom-basket-'));
  try {
    writeFileSync(path.join(dir, 'changed.json'), JSON.stringify(changed));
    writeFileSync(path.join(dir, 'original.json'), JSON.stringify(doc));
    ecomctl('catalog', 'import', 'nordlys', path.join(dir, 'changed.json'));
    const res = await post({ sku: 'NL-TALE', binding_months: 0, sim_type: 'esim' });
    assert.equal(res.status, 201, res.body);
    assert.equal(res.json.line.monthly_at_add, 1900);
    const c = cookieOf(res);
    let b = await basket(c);
    assert.deepEqual(b.json.notices, []);
    await sleep(ends - Date.now() + 500);
    b = await basket(c);
    assert.equal(b.json.lines[0].price.monthly_now, 7900);
    assert.deepEqual(b.json.notices.map((x) => x.code), ['price_changed']);
  } finally {
    ecomctl('catalog', 'import', 'nordlys', path.join(dir, 'original.json'));
    rmSync(dir, { recursive: true, force: true });
  }
});

test('with Redis down basket actions answer 503 and leave nothing half-written; then work resumes', async () => {
  const [n, later] = await freeNumbers(2);
  const res = await post(line({ msisdn: n }));
  const c = cookieOf(res);
  const key = `ecom:{nordlys}:basket:${basketId(c)}`;
  stack('stop-redis');
  try {
    const add = await post(line({ msisdn: later }), { cookie: c });
    assert.equal(add.status, 503, add.body);
    assert.equal(add.json.error.code, 'unavailable');
    assert.ok(add.headers['retry-after']);
    assert.equal((await basket(c)).status, 503);
    assert.equal((await remove(c, res.json.line.id)).status, 503);
    assert.equal((await patch(c, res.json.line.id, { sim_type: 'physical' })).status, 503);
  } finally {
    stack('start-redis');
  }
  // nothing changed while Redis was away: the basket as it was, no stray lock
  const doc = JSON.parse(redis('GET', key));
  assert.equal(doc.version, 1);
  assert.equal(doc.lines.length, 1);
  assert.equal(redis('EXISTS', `ecom:{nordlys}:lock:${later}`), '0');
  const again = await post(line({ msisdn: later }), { cookie: c });
  assert.equal(again.status, 201, again.body);
  assert.equal((await basket(c)).json.lines.length, 2);
});
