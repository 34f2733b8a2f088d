// The checkout and the customer's orders (issue 13) end to end through
// nginx, with real MariaDB, Redis, the delivery process and the
// downstream simulator of the test stack: POST /api/v1/checkout,
// GET /api/v1/orders[/{id}], the payment simulator's signed callback.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, randomUUID } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { FJORD, NORDLYS, STACK_DIR, Shopper, eventually, json, redis, request, sql } from './lib.mjs';

// A shopper who checks out.
class Buyer extends Shopper {
  checkout(body = order(), key = randomUUID(), opts = {}) {
    return this.api('POST', '/api/v1/checkout', body, { 'Idempotency-Key': key }, opts);
  }
}

const SKU = { [NORDLYS]: 'NL-FRI', [FJORD]: 'FJ-20GB' };
const SLUG = { [NORDLYS]: 'nordlys', [FJORD]: 'fjordmobil' };

const order = (extra = {}) => ({
  customer: { name: 'Ann Hansen', email: `ann-${randomUUID().slice(0, 8)}@example.dk`,
              phone: '20 12 34 56', address: 'Vej 1, 2100 København Ø' },
  consents: { terms: true, contract_summary: true, marketing: false },
  ...extra,
});

async function freeNumber(host) {
  const res = await json(host, '/api/v1/numbers?count=20');
  assert.equal(res.status, 200, res.body);
  // numbers other tests of this file took are taken: pick at random
  const all = res.json.numbers.map((n) => n.msisdn);
  return all[Math.floor(Math.random() * all.length)];
}

// A shopper with one plan and a number from the pool in the basket.
async function shopper(host = FJORD, line = {}) {
  const s = new Buyer(host);
  await s.api('GET', '/api/v1/basket');
  const msisdn = line.porting ? undefined : await freeNumber(host);
  const res = await s.api('POST', '/api/v1/basket/lines',
    { sku: SKU[host], binding_months: 0, sim_type: 'esim', msisdn, ...line });
  assert.equal(res.status, 201, res.body);
  s.line = res.json.line;
  s.msisdn = msisdn;
  return s;
}

const number = (msisdn, slug) =>
  sql(`SELECT n.status FROM numbers n JOIN tenants t ON t.id = n.tenant_id WHERE t.slug = '${slug}' AND n.msisdn = '${msisdn}'`);
const ordersWithKey = (key) => Number(sql(`SELECT COUNT(*) FROM orders WHERE idempotency_key = '${key}'`));

// The simulator's callback, signed as it signs them.
function simCallback(host, paymentId, type) {
  const key = readFileSync(path.join(STACK_DIR, 'secrets/payment_sim_secret')).subarray(0, 32);
  const t = Math.floor(Date.now() / 1000);
  const body = JSON.stringify({ id: `evt_${randomUUID().replace(/-/g, '')}`, type, payment: paymentId, created: t });
  const v1 = createHmac('sha256', key).update(`${t}.${body}`).digest('hex');
  return json(host, '/api/v1/payments/sim/callback', {
    method: 'POST', body, headers: { 'Content-Type': 'application/json', 'Sim-Signature': `t=${t},v1=${v1}` },
  });
}

const mails = () => {
  try { return readdirSync(path.join(STACK_DIR, 'mail')).filter((f) => f.endsWith('.eml')); } catch { return []; }
};
const mailsTo = (email) => mails().filter((f) =>
  readFileSync(path.join(STACK_DIR, 'mail', f), 'utf8').includes(email));

test('guest: basket with a number, checkout 201, paid by the callback, delivered, completed', async () => {
  const s = await shopper(FJORD);
  const body = order();
  const res = await s.checkout(body);
  assert.equal(res.status, 201, res.body);
  const { order: o, payment } = res.json;
  assert.match(o.id, /^[0-9a-f]{32}$/);
  assert.equal(o.status, 'pending_payment');
  assert.equal(o.lines.length, 1);
  assert.equal(o.lines[0].msisdn, s.msisdn);
  assert.ok(o.totals.due_now > 0);
  assert.equal(payment.url, `/pay/sim/${payment.id}`);
  assert.equal(number(s.msisdn, 'fjordmobil'), 'assigned');
  // the basket is empty now: a reload offers nothing to buy again
  const basket = await s.api('GET', '/api/v1/basket');
  assert.equal(basket.json.lines.length, 0);
  // the order is the session's
  const list = await s.api('GET', '/api/v1/orders');
  assert.equal(list.status, 200);
  assert.deepEqual(list.json.orders.map((x) => x.id), [o.id]);
  // no session id in clear in the table, only its hash
  const sid = s.cookies.get('sid').split('.')[0];
  assert.equal(Number(sql(`SELECT COUNT(*) FROM orders WHERE session_hash = SHA2('${sid}', 256) AND public_id = '${o.id}'`)), 1);
  // the confirmation mail, once
  await eventually(() => mailsTo(body.customer.email).length === 1);
  const paid = await simCallback(FJORD, payment.id, 'payment.approved');
  assert.equal(paid.status, 200, paid.body);
  const done = await eventually(async () => {
    const r = await s.api('GET', `/api/v1/orders/${o.id}`);
    return r.json.order.status === 'completed' && r.json.order;
  }, { timeout: 20000, interval: 250 });
  assert.equal(done.payment.status, 'paid');
  assert.equal(done.payment.url, null);
  // the same request again: the same order, no second mail
  const again = await s.checkout(body);
  assert.equal(again.status, 422, again.body); // a new key over the emptied basket
  assert.equal(again.json.error.code, 'basket_empty');
  assert.equal(mailsTo(body.customer.email).length, 1);
});

test('the same key and body again: the same order; another body: 422 idempotency_key_reused', async () => {
  const s = await shopper(FJORD);
  const key = randomUUID();
  const body = order();
  const first = await s.checkout(body, key);
  assert.equal(first.status, 201, first.body);
  const again = await s.checkout(body, key);
  assert.equal(again.status, 201, again.body);
  assert.equal(again.json.order.id, first.json.order.id);
  assert.equal(again.headers['idempotent-replayed'], 'true');
  const other = await s.checkout({ ...body, consents: { ...body.consents, marketing: true } }, key);
  assert.equal(other.status, 422, other.body);
  assert.equal(other.json.error.code, 'idempotency_key_reused');
  assert.equal(ordersWithKey(key), 1);
  await eventually(() => mailsTo(body.customer.email).length >= 1);
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(mailsTo(body.customer.email).length, 1);
});

test('ten concurrent checkouts with one Idempotency-Key make exactly one order', async () => {
  const s = await shopper(FJORD);
  const key = randomUUID();
  const body = order();
  const answers = await Promise.all(Array.from({ length: 10 }, () => s.checkout(body, key)));
  const ids = new Set(answers.filter((a) => a.status === 201).map((a) => a.json.order.id));
  assert.deepEqual(answers.map((a) => a.status), Array(10).fill(201), answers.map((a) => a.body).join('\n'));
  assert.equal(ids.size, 1);
  assert.equal(ordersWithKey(key), 1);
});

test('missing or malformed Idempotency-Key, empty basket, bad fields: clear 4xx, nothing written', async () => {
  const s = await shopper(FJORD);
  const before = Number(sql('SELECT COUNT(*) FROM orders'));
  let res = await s.api('POST', '/api/v1/checkout', order());
  assert.equal(res.status, 400);
  assert.equal(res.json.error.code, 'idempotency_key_invalid');
  res = await s.checkout(order(), 'a b');
  assert.equal(res.json.error.code, 'idempotency_key_invalid');
  for (const [patch, field] of [
    [{ customer: { name: 'A', email: 'nope', phone: '20123456', address: 'x' } }, 'customer.email'],
    [{ customer: { name: 'A', email: 'a@b.dk', phone: '12', address: 'x' } }, 'customer.phone'],
    [{ consents: { terms: false, contract_summary: true } }, 'consents.terms'],
    [{ consents: { terms: true } }, 'consents.contract_summary'],
  ]) {
    res = await s.checkout(order(patch));
    assert.equal(res.status, 422, res.body);
    assert.equal(res.json.error.code, 'invalid_field');
    assert.equal(res.json.error.field, field);
  }
  const empty = new Buyer(FJORD);
  await empty.api('GET', '/api/v1/basket');
  res = await empty.checkout();
  assert.equal(res.status, 422);
  assert.equal(res.json.error.code, 'basket_empty');
  assert.equal(Number(sql('SELECT COUNT(*) FROM orders')), before);
});

test('a checkout without its CSRF token is 403 and writes nothing', async () => {
  const s = await shopper(FJORD);
  const key = randomUUID();
  const res = await s.checkout(order(), key, { csrf: false });
  assert.equal(res.status, 403);
  assert.equal(res.json.error.code, 'csrf_failed');
  assert.equal(ordersWithKey(key), 0);
  assert.equal(number(s.msisdn, 'fjordmobil'), 'available');
});

test('a binding not accepted is 422 binding_not_accepted naming the line', async () => {
  const s = await shopper(FJORD, { binding_months: 6, binding_accepted: false });
  const key = randomUUID();
  const res = await s.checkout(order(), key);
  assert.equal(res.status, 422, res.body);
  assert.equal(res.json.error.code, 'binding_not_accepted');
  assert.deepEqual(res.json.error.lines, [s.line.id]);
  assert.equal(ordersWithKey(key), 0);
});

test('a changed price is 409 price_changed with both prices, then 201 once accepted', async () => {
  const s = await shopper(FJORD);
  const bid = redis('HGET', `ecom:{fjordmobil}:session:${s.cookies.get('sid').split('.')[0]}`, 'basket');
  const bkey = `ecom:{fjordmobil}:basket:${bid}`;
  // the customer saw another price when they chose
  const doc = JSON.parse(redis('GET', bkey));
  const now = doc.lines[0].monthly_at_add;
  doc.lines[0].monthly_at_add = now - 1000;
  redis('SET', bkey, JSON.stringify(doc), 'PX', '600000');
  const res = await s.checkout(order());
  assert.equal(res.status, 409, res.body);
  assert.equal(res.json.error.code, 'price_changed');
  assert.deepEqual(res.json.error.lines,
    [{ line: s.line.id, monthly_at_add: now - 1000, monthly_now: now, currency: 'DKK' }]);
  const wrong = await s.checkout(order({ accepted_prices: { [s.line.id]: now - 1000 } }));
  assert.equal(wrong.status, 409);
  const ok = await s.checkout(order({ accepted_prices: { [s.line.id]: now } }));
  assert.equal(ok.status, 201, ok.body);
  assert.equal(ok.json.order.lines[0].monthly_now, now);
});

test('nordlys without a MitID match: 403 identity_required, nothing written', async () => {
  const s = await shopper(NORDLYS);
  const key = randomUUID();
  const res = await s.checkout(order(), key);
  assert.equal(res.status, 403, res.body);
  assert.equal(res.json.error.code, 'identity_required');
  assert.equal(ordersWithKey(key), 0);
});

test('a number whose lock lapsed and was bought by another basket fails the first checkout with 409 number_taken', async () => {
  const first = await shopper(FJORD);
  // the lock lapses; another basket takes the number and buys it
  redis('DEL', `ecom:{fjordmobil}:lock:${first.msisdn}`);
  const second = new Buyer(FJORD);
  await second.api('GET', '/api/v1/basket');
  const add = await second.api('POST', '/api/v1/basket/lines',
    { sku: SKU[FJORD], binding_months: 0, sim_type: 'esim', msisdn: first.msisdn });
  assert.equal(add.status, 201, add.body);
  const bought = await second.checkout();
  assert.equal(bought.status, 201, bought.body);
  const key = randomUUID();
  const res = await first.checkout(order(), key);
  assert.equal(res.status, 409, res.body);
  assert.equal(res.json.error.code, 'number_taken');
  assert.equal(res.json.error.msisdn, first.msisdn);
  assert.equal(ordersWithKey(key), 0);
});

test('a lock held but the number sold in MySQL: ec_order_create answers 409 number_taken naming it', async () => {
  const s = await shopper(FJORD);
  sql(`UPDATE numbers SET status = 'assigned' WHERE msisdn = '${s.msisdn}' AND tenant_id = (SELECT id FROM tenants WHERE slug = 'fjordmobil')`);
  const key = randomUUID();
  const res = await s.checkout(order(), key);
  assert.equal(res.status, 409, res.body);
  assert.equal(res.json.error.code, 'number_taken');
  assert.equal(res.json.error.msisdn, s.msisdn);
  assert.equal(ordersWithKey(key), 0);
});

test('a declined payment cancels the order and frees its number', async () => {
  const s = await shopper(FJORD);
  const res = await s.checkout();
  assert.equal(res.status, 201, res.body);
  assert.equal(number(s.msisdn, 'fjordmobil'), 'assigned');
  const cb = await simCallback(FJORD, res.json.payment.id, 'payment.declined');
  assert.equal(cb.status, 200, cb.body);
  const o = await s.api('GET', `/api/v1/orders/${res.json.order.id}`);
  assert.equal(o.json.order.status, 'cancelled');
  assert.equal(number(s.msisdn, 'fjordmobil'), 'available');
});

test('porting: a Danish mobile number not of our pool; else 422 porting', async () => {
  const ok = await shopper(FJORD, { porting: { msisdn: '+4561234567' } });
  const res = await ok.checkout();
  assert.equal(res.status, 201, res.body);
  assert.equal(res.json.order.lines[0].porting, '+4561234567');
  const landline = await shopper(FJORD, { porting: { msisdn: '+4533123456' } });
  let bad = await landline.checkout();
  assert.equal(bad.status, 422, bad.body);
  assert.equal(bad.json.error.field, 'porting');
  const ours = sql("SELECT msisdn FROM numbers n JOIN tenants t ON t.id = n.tenant_id WHERE t.slug = 'fjordmobil' AND msisdn LIKE '+452%' LIMIT 1");
  const own = await shopper(FJORD, { porting: { msisdn: ours } });
  bad = await own.checkout();
  assert.equal(bad.status, 422, bad.body);
  assert.equal(bad.json.error.field, 'porting');
});

test("another session's, account's or tenant's order id is 404", async () => {
  const s = await shopper(FJORD);
  const res = await s.checkout();
  assert.equal(res.status, 201, res.body);
  const id = res.json.order.id;
  const other = new Buyer(FJORD);
  await other.api('GET', '/api/v1/basket');
  let r = await other.api('GET', `/api/v1/orders/${id}`);
  assert.equal(r.status, 404);
  assert.equal(r.json.error.code, 'not_found');
  r = await other.api('GET', '/api/v1/orders');
  assert.deepEqual(r.json.orders, []);
  // the same cookie at another shop
  r = await json(NORDLYS, `/api/v1/orders/${id}`, { headers: { Cookie: s.cookie } });
  assert.equal(r.status, 404);
  // no cookie at all
  r = await json(FJORD, `/api/v1/orders/${id}`);
  assert.equal(r.status, 404);
  // a signed-in account sees the orders of its own sessions only
  const email = `owner-${randomUUID().slice(0, 8)}@example.dk`;
  const acct = await shopper(FJORD);
  const placed = await acct.checkout();
  assert.equal(placed.status, 201);
  const up = await acct.api('POST', '/api/v1/account', { email, password: 'correct horse battery', name: 'Owner' });
  assert.equal(up.status, 201, up.body);
  // the guest's order joined the account at sign-up
  r = await acct.api('GET', `/api/v1/orders/${placed.json.order.id}`);
  assert.equal(r.status, 200, r.body);
  r = await acct.api('GET', `/api/v1/orders/${id}`);
  assert.equal(r.status, 404);
});

// ---- the checkout page and its form (handlers/checkout_pages.c) ----

// The form as the checkout page would post it (fields: extra or
// replacing ones), with the session's token in the csrf field.
function checkoutForm(s, fields = {}) {
  const f = {
    csrf: s.token, name: 'Ann Hansen', email: `ann-${randomUUID().slice(0, 8)}@example.dk`,
    phone: '20 12 34 56', address: 'Vej 1\n2100 København Ø', terms: '1', contract_summary: '1',
    ...fields,
  };
  return new URLSearchParams(Object.entries(f).filter(([, v]) => v !== undefined)).toString();
}

// The page's hidden idempotency key and the session's form token.
async function checkoutPage(s) {
  const page = await request(s.host, '/checkout', { headers: { Cookie: s.cookie } });
  assert.equal(page.status, 200, page.body);
  s.token = page.headers['x-csrf-token'];
  return { html: page.body, key: page.body.match(/name="idempotency_key" value="([0-9a-f]{32})"/)[1] };
}

test('the checkout form: the binding accepted on it, 303 to the payment; the form sent twice makes one order', async () => {
  const s = await shopper(FJORD, { binding_months: 6 });
  const { html, key } = await checkoutPage(s);
  assert.match(html, new RegExp(`name="accept_binding_${s.line.id}"`), 'the binding to accept');
  assert.match(html, /name="csrf"/);
  const body = checkoutForm(s, { idempotency_key: key, [`accept_binding_${s.line.id}`]: '1' });
  const first = await request(FJORD, '/checkout', {
    method: 'POST', body, csrf: false,
    headers: { Cookie: s.cookie, 'Content-Type': 'application/x-www-form-urlencoded' },
  });
  assert.equal(first.status, 303, first.body);
  assert.match(first.headers.location, /^\/pay\/sim\/[0-9a-f]{32}$/);
  const again = await request(FJORD, '/checkout', {
    method: 'POST', body, csrf: false,
    headers: { Cookie: s.cookie, 'Content-Type': 'application/x-www-form-urlencoded' },
  });
  assert.equal(again.status, 303, again.body);
  assert.equal(again.headers.location, first.headers.location, 'the same payment');
  assert.equal(ordersWithKey(key), 1);
  assert.equal(sql(`SELECT binding_months FROM order_lines l JOIN orders o ON o.id = l.order_id
                    WHERE o.idempotency_key = '${key}'`), '6');
  assert.equal(number(s.msisdn, 'fjordmobil'), 'assigned');
  // the order's page, for its session only
  const id = sql(`SELECT public_id FROM orders WHERE idempotency_key = '${key}'`);
  const mine = await request(FJORD, `/orders/${id}`, { headers: { Cookie: s.cookie } });
  assert.equal(mine.status, 200);
  assert.match(mine.body, /data-status="pending_payment"/);
  // when it was ordered, by the shop's clock (Copenhagen)
  assert.match(mine.body, /<time datetime="\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+0[12]:00">\d{4}-\d\d-\d\d \d\d:\d\d<\/time>/);
  assert.match(mine.body, new RegExp(`href="${first.headers.location}"`), 'a link to pay');
  const stranger = new Buyer(FJORD);
  await stranger.api('GET', '/api/v1/basket');
  assert.equal((await request(FJORD, `/orders/${id}`, { headers: { Cookie: stranger.cookie } })).status, 404);
  assert.equal((await request(FJORD, `/orders/${id}`)).status, 404, 'no session, no order');
});

test('the checkout form with a mistake: the page again with the error at its field, what was typed kept, no order', async () => {
  const s = await shopper(FJORD, { binding_months: 6 });
  const { key } = await checkoutPage(s);
  const cases = [
    [{ email: 'not-an-address' }, 'email', 422],
    [{ terms: undefined }, 'terms', 422],
    [{ [`accept_binding_${s.line.id}`]: undefined }, 'lines', 422],
  ];
  for (const [fields, at, status] of cases) {
    const res = await request(FJORD, '/checkout', {
      method: 'POST', csrf: false,
      body: checkoutForm(s, { idempotency_key: key, name: 'Bo <Brandt>', ...fields }),
      headers: { Cookie: s.cookie, 'Content-Type': 'application/x-www-form-urlencoded' },
    });
    assert.equal(res.status, status, `${at}: ${res.body.slice(0, 300)}`);
    assert.match(res.body, /role="alert"/, at);
    assert.match(res.body, /value="Bo &lt;Brandt&gt;"/, `${at}: the name kept, escaped`);
    assert.match(res.body, new RegExp(`value="${key}"`), `${at}: the same idempotency key`);
    if (at === 'email') assert.match(res.body, /id="email"[^>]*aria-invalid="true"/);
    if (at === 'terms') assert.match(res.body, /name="terms"[^>]*aria-invalid="true"/);
  }
  assert.equal(ordersWithKey(key), 0);
  // without its token: 403, nothing written
  const forged = await request(FJORD, '/checkout', {
    method: 'POST', csrf: false,
    body: checkoutForm(s, { idempotency_key: key, csrf: undefined, [`accept_binding_${s.line.id}`]: '1' }),
    headers: { Cookie: s.cookie, 'Content-Type': 'application/x-www-form-urlencoded' },
  });
  assert.equal(forged.status, 403);
  assert.equal(ordersWithKey(key), 0);
});

test('a changed price on the checkout form: the page names both prices, and the order goes through once accepted', async () => {
  const s = await shopper(FJORD);
  const bkey = `ecom:{fjordmobil}:basket:${redis('HGET', `ecom:{fjordmobil}:session:${s.cookies.get('sid').split('.')[0]}`, 'basket')}`;
  const doc = JSON.parse(redis('GET', bkey));
  const now = doc.lines[0].monthly_at_add;
  doc.lines[0].monthly_at_add = now - 1000;
  redis('SET', bkey, JSON.stringify(doc), 'PX', '600000');
  const { key } = await checkoutPage(s);
  const post = (fields) => request(FJORD, '/checkout', {
    method: 'POST', csrf: false, body: checkoutForm(s, { idempotency_key: key, ...fields }),
    headers: { Cookie: s.cookie, 'Content-Type': 'application/x-www-form-urlencoded' },
  });
  const res = await post({});
  assert.equal(res.status, 409, res.body.slice(0, 300));
  const box = res.body.match(new RegExp(`name="accept_price_${s.line.id}" value="(\\d+)"`));
  assert.ok(box, 'a checkbox to accept the new price');
  assert.equal(Number(box[1]), now);
  const ok = await post({ [`accept_price_${s.line.id}`]: box[1] });
  assert.equal(ok.status, 303, ok.body.slice(0, 300));
  assert.equal(ordersWithKey(key), 1);
});

test('the account page lists the account\'s orders', async () => {
  const s = await shopper(FJORD);
  const email = `konto-${randomUUID().slice(0, 8)}@example.dk`;
  const up = await s.api('POST', '/api/v1/account', { email, password: 'et langt kodeord 1', name: 'Kim Konto' });
  assert.equal(up.status, 201, up.body);
  const placed = await s.checkout(order());
  assert.equal(placed.status, 201, placed.body);
  const page = await request(FJORD, '/account', { headers: { Cookie: s.cookie } });
  assert.equal(page.status, 200);
  assert.match(page.body, new RegExp(`href="/orders/${placed.json.order.id}"`));
  assert.match(page.body, /Afventer betaling/);
});
