// The pages around a payment, through nginx and the test stack
// (docs/orders.md, "Payment pages"): the payment simulator's hosted page
// and its form, the payment return page, Stripe Checkout against the
// stack's Stripe double (sessions and signed webhooks), and the CPR
// number sealed for a receiver opening at the downstream simulator.
//
// Orders are written as the checkout writes them, by a small C tool of
// the build (t/integration/svc/payment_fixture.c: svc/order.c, then
// ec_payment_begin() with the stack's own settings); the checkout route
// itself is tested with the checkout.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import {
  NORDLYS, FJORD, PORT, ROOT, STACK_DIR, request, sessionCookieOf, sql, ecomdEnv,
} from './lib.mjs';

const STRIPE_HOST = 'stripetest.localhost';
const OFFSET = Number(process.env.EC_TEST_PORT_OFFSET || 0);
const STRIPE_PORT = 18544 + OFFSET;
const DOWNSTREAM_PORT = Number(process.env.EC_DOWNSTREAM_PORT || 19543 + OFFSET);
const FIXTURE = path.join(ROOT, 'build/plain/t/integration/svc/payment_fixture');
const CA = readFileSync(path.join(STACK_DIR, 'oidc/ca.pem'));

// A new order of tenant slug with its payment started; {order, payment,
// provider, due_now, url}.
function newOrder(slug, host) {
  const out = execFileSync(FIXTURE, ['-c', path.join(STACK_DIR, 'ecomd.conf'), 'order', slug,
    `http://${host}:${PORT}`], { encoding: 'utf8', env: ecomdEnv() });
  return JSON.parse(out);
}

// JSON over HTTPS to a double of the stack.
function double(port, method, urlPath, body, headers = {}) {
  return new Promise((resolve, reject) => {
    const req = https.request({ host: '127.0.0.1', port, method, path: urlPath, ca: CA,
      headers: { 'Content-Type': 'application/json', ...headers } }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode,
        json: JSON.parse(Buffer.concat(chunks).toString('utf8') || 'null') }));
    });
    req.on('error', reject);
    req.end(body);
  });
}
const stripe = (method, p, body, headers) => double(STRIPE_PORT, method, p, body, headers);

const orderStatus = (id) => sql(`SELECT status FROM orders WHERE public_id = '${id}'`);
const count = (table, id) => Number(sql(`SELECT COUNT(*) FROM ${table} t JOIN orders o
  ON o.id = t.order_id WHERE o.public_id = '${id}'`));
const field = (html, name) => html.match(new RegExp(`name="${name}" value="([^"]*)"`))?.[1];

// The simulator's page in a browser session: {cookie, csrf, res}.
async function simPage(host, paymentId) {
  const res = await request(host, `/pay/sim/${paymentId}`);
  return { cookie: sessionCookieOf(res), csrf: field(res.body, 'csrf') || res.headers['x-csrf-token'], res };
}

function post(host, urlPath, cookie, fields) {
  return request(host, urlPath, {
    method: 'POST', body: new URLSearchParams(fields).toString(), csrf: false,
    headers: { Cookie: cookie, 'Content-Type': 'application/x-www-form-urlencoded' },
  });
}

before(() => {
  // the scratch tenant whose payments go to the Stripe double (scripts/
  // lib.sh: payment_provider_tenants = stripetest=stripe); kept between
  // runs, so no worker keeps a stale id for its host
  sql(`INSERT IGNORE INTO tenants (slug, name, locale) VALUES ('stripetest', 'Stripe Test', 'en')`);
  sql(`INSERT IGNORE INTO tenant_domains (host, tenant_id, is_primary)
       SELECT '${STRIPE_HOST}', id, 1 FROM tenants WHERE slug = 'stripetest'`);
});

test('the simulator\'s page shows the amount due now, the order and three buttons', async () => {
  const o = newOrder('nordlys', NORDLYS);
  assert.equal(o.provider, 'sim');
  assert.equal(o.url, `/pay/sim/${o.payment}`);
  const { res, csrf } = await simPage(NORDLYS, o.payment);
  assert.equal(res.status, 200);
  assert.match(res.headers['content-type'], /text\/html/);
  assert.match(res.body, /<html lang="da/);
  assert.match(res.body, /Betalingssimulator/);
  assert.match(res.body, /der trækkes ingen penge/);
  assert.match(res.body, /298,00 kr\./);
  assert.ok(res.body.includes(o.order));
  assert.match(res.body, new RegExp(`<form method="post" action="/pay/sim/${o.payment}"`));
  for (const v of ['approve', 'decline', 'cancel'])
    assert.match(res.body, new RegExp(`name="outcome" value="${v}"`));
  assert.match(csrf, /^[0-9a-f]{32}$/);
});

test('approve: 303 to the return page, the order paid; a second post changes nothing', async () => {
  const o = newOrder('nordlys', NORDLYS);
  const { cookie, csrf } = await simPage(NORDLYS, o.payment);
  let ret = await request(NORDLYS, `/orders/${o.order}/payment-return`);
  assert.equal(ret.status, 200);
  assert.match(ret.body, /data-status="pending_payment"/);
  assert.match(ret.body, new RegExp(`href="/orders/${o.order}/payment-return"`), 'offers a reload');
  assert.doesNotMatch(ret.body, /http-equiv="refresh"/i);

  const res = await post(NORDLYS, `/pay/sim/${o.payment}`, cookie, { csrf, outcome: 'approve' });
  assert.equal(res.status, 303);
  assert.equal(res.headers.location, `/orders/${o.order}/payment-return`);
  assert.equal(orderStatus(o.order), 'paid');
  ret = await request(NORDLYS, res.headers.location);
  assert.equal(ret.status, 200);
  assert.match(ret.body, /data-status="paid"/);
  assert.match(ret.body, /Tak, vi har modtaget din betaling/);
  assert.match(ret.body, /298,00 kr\./);
  assert.doesNotMatch(ret.body, /Test Kunde|kunde@example\.com|Testvej/, 'no personal data');

  const events = count('outbox', o.order);
  const again = await post(NORDLYS, `/pay/sim/${o.payment}`, cookie, { csrf, outcome: 'decline' });
  assert.equal(again.status, 303);
  assert.ok(['paid', 'submitted', 'provisioning', 'completed'].includes(orderStatus(o.order)));
  assert.equal(sql(`SELECT status FROM payments WHERE public_id = '${o.payment}'`), 'paid');
  assert.ok(count('outbox', o.order) >= events);
  assert.equal(Number(sql(`SELECT COUNT(*) FROM outbox x JOIN orders o ON o.id = x.order_id
    WHERE o.public_id = '${o.order}' AND x.type = 'order.cancelled'`)), 0);

  // the page of a payment that is over shows its status, not the buttons
  const page = await request(NORDLYS, `/pay/sim/${o.payment}`);
  assert.equal(page.status, 200);
  assert.doesNotMatch(page.body, /name="outcome"/);
  assert.match(page.body, /class="payment-status">betalt</);
});

test('decline and cancel: the order is cancelled and the return page says so', async () => {
  for (const [outcome, status] of [['decline', 'failed'], ['cancel', 'cancelled']]) {
    const o = newOrder('nordlys', NORDLYS);
    const { cookie, csrf } = await simPage(NORDLYS, o.payment);
    const res = await post(NORDLYS, `/pay/sim/${o.payment}`, cookie, { csrf, outcome });
    assert.equal(res.status, 303);
    assert.equal(orderStatus(o.order), 'cancelled');
    assert.equal(sql(`SELECT status FROM payments WHERE public_id = '${o.payment}'`), status);
    const ret = await request(NORDLYS, res.headers.location);
    assert.match(ret.body, /data-status="cancelled"/);
    assert.match(ret.body, /Ordren blev annulleret/);
  }
});

test('a post without its CSRF token is 403 and changes nothing; a bad outcome 422', async () => {
  const o = newOrder('nordlys', NORDLYS);
  const { cookie, csrf } = await simPage(NORDLYS, o.payment);
  let res = await post(NORDLYS, `/pay/sim/${o.payment}`, cookie, { outcome: 'approve' });
  assert.equal(res.status, 403);
  res = await post(NORDLYS, `/pay/sim/${o.payment}`, cookie, { csrf: 'f'.repeat(32), outcome: 'approve' });
  assert.equal(res.status, 403);
  res = await post(NORDLYS, `/pay/sim/${o.payment}`, cookie, { csrf, outcome: 'steal' });
  assert.equal(res.status, 422);
  assert.equal(orderStatus(o.order), 'pending_payment');
  assert.equal(sql(`SELECT status FROM payments WHERE public_id = '${o.payment}'`), 'pending');
});

test('another tenant\'s payment or order, or none, is 404', async () => {
  const o = newOrder('nordlys', NORDLYS);
  for (const p of [`/pay/sim/${o.payment}`, `/orders/${o.order}/payment-return`]) {
    const res = await request(FJORD, p);
    assert.equal(res.status, 404, p);
    assert.match(res.headers['content-type'], /text\/html/);
  }
  const { cookie, csrf } = await simPage(FJORD, 'a'.repeat(32));
  const res = await post(FJORD, `/pay/sim/${o.payment}`, cookie, { csrf, outcome: 'approve' });
  assert.equal(res.status, 404);
  assert.equal(orderStatus(o.order), 'pending_payment');
  for (const p of ['/pay/sim/nothing', `/pay/sim/${'0'.repeat(32)}`, '/orders/x/payment-return'])
    assert.equal((await request(NORDLYS, p)).status, 404, p);
  // a Stripe payment has no simulator page
  const s = newOrder('stripetest', STRIPE_HOST);
  assert.equal((await request(STRIPE_HOST, `/pay/sim/${s.payment}`)).status, 404);
});

test('Stripe: the session asks for the amount due now and returns to the return page', async () => {
  const o = newOrder('stripetest', STRIPE_HOST);
  assert.equal(o.provider, 'stripe');
  assert.match(o.url, new RegExp(`^https://127\\.0\\.0\\.1:${STRIPE_PORT}/c/pay/cs_test_`));
  const id = o.url.split('/').pop();
  const s = (await stripe('GET', `/v1/checkout/sessions/${id}`)).json;
  assert.equal(s.amount_total, o.due_now);
  assert.equal(s.amount_total, 29800, 'one-time fees + the first month');
  assert.equal(s.currency, 'dkk');
  assert.equal(s.client_reference_id, o.order);
  assert.equal(s.request.mode, 'payment');
  const back = `http://${STRIPE_HOST}:${PORT}/orders/${o.order}/payment-return`;
  assert.equal(s.success_url, back);
  assert.equal(s.cancel_url, back);
  assert.equal(sql(`SELECT provider_ref FROM payments WHERE public_id = '${o.payment}'`), id);
  assert.equal(sql(`SELECT status FROM payments WHERE public_id = '${o.payment}'`), 'pending');
});

test('the Stripe double honours Idempotency-Key and checks the key', async () => {
  const key = readFileSync(path.join(STACK_DIR, 'secrets/stripe_secret_key'), 'utf8').trim();
  const form = new URLSearchParams({
    mode: 'payment', 'line_items[0][price_data][currency]': 'dkk',
    'line_items[0][price_data][unit_amount]': '100',
    'line_items[0][price_data][product_data][name]': 'x', 'line_items[0][quantity]': '1',
    success_url: 'http://a.localhost/', cancel_url: 'http://a.localhost/',
    client_reference_id: 'ref',
  }).toString();
  const h = { 'Content-Type': 'application/x-www-form-urlencoded', Authorization: `Bearer ${key}` };
  const idem = `test-${Date.now()}`;
  const a = await stripe('POST', '/v1/checkout/sessions', form, { ...h, 'Idempotency-Key': idem });
  const b = await stripe('POST', '/v1/checkout/sessions', form, { ...h, 'Idempotency-Key': idem });
  assert.equal(a.status, 200);
  assert.equal(b.json.id, a.json.id);
  const c = await stripe('POST', '/v1/checkout/sessions', form.replace('100', '200'),
    { ...h, 'Idempotency-Key': idem });
  assert.equal(c.status, 400);
  const d = await stripe('POST', '/v1/checkout/sessions', form, { ...h, Authorization: 'Bearer sk_test_wrong' });
  assert.equal(d.status, 401);
});

test('Stripe webhooks: only a verified, fresh, new event marks the order paid', async () => {
  const o = newOrder('stripetest', STRIPE_HOST);
  const session = o.url.split('/').pop();
  const send = async (extra) => (await stripe('POST', '/control', JSON.stringify({
    session, type: 'checkout.session.completed', payment_status: 'paid', ...extra }))).json;

  for (const spoil of [{ signature: 'bad' }, { signature: 'stale' }, { signature: 'other_secret' },
    { body: 'tampered' }]) {
    const r = await send(spoil);
    assert.equal(r.status, 403, JSON.stringify(spoil));
    assert.equal(orderStatus(o.order), 'pending_payment');
  }

  // completed but not yet paid (an asynchronous payment follows)
  let r = await send({ payment_status: 'unpaid' });
  assert.equal(r.status, 200);
  assert.equal(orderStatus(o.order), 'pending_payment');
  const ret = await request(STRIPE_HOST, `/orders/${o.order}/payment-return`);
  assert.match(ret.body, /data-status="pending_payment"/);

  r = await send({});
  assert.equal(r.status, 200, r.body);
  assert.equal(orderStatus(o.order), 'paid');
  const events = count('outbox', o.order);
  // the same event again: 200, nothing changes
  const replay = await send({ event_id: r.event_id, type: 'checkout.session.expired' });
  assert.equal(replay.status, 200);
  assert.equal(count('outbox', o.order), events);
  assert.ok(orderStatus(o.order) !== 'cancelled');
  const page = await request(STRIPE_HOST, `/orders/${o.order}/payment-return`);
  assert.match(page.body, /data-status="(paid|submitted|provisioning|completed)"/);
  assert.match(page.body, /<html lang="en"/);
});

test('Stripe: an expired session cancels the order', async () => {
  const o = newOrder('stripetest', STRIPE_HOST);
  const session = o.url.split('/').pop();
  const r = (await stripe('POST', '/control', JSON.stringify({
    session, type: 'checkout.session.expired' }))).json;
  assert.equal(r.status, 200);
  assert.equal(orderStatus(o.order), 'cancelled');
});

test('a webhook signed for nothing the shop knows is refused, with JSON errors', async () => {
  const res = await request(STRIPE_HOST, '/api/v1/payments/stripe/webhook', {
    method: 'POST', body: '{"id":"evt_x"}', csrf: false,
    headers: { 'Content-Type': 'application/json', 'Stripe-Signature': 't=1,v1=00' },
  });
  assert.equal(res.status, 403);
  assert.equal(JSON.parse(res.body).error.code, 'forbidden');
});

test('the CPR number sealed for a receiver opens at the downstream simulator, for its order only', async () => {
  const order = 'ab'.repeat(16);
  const cpr = '0101901234';
  const out = JSON.parse(execFileSync(FIXTURE, ['-c', path.join(STACK_DIR, 'ecomd.conf'),
    'seal-cpr', 'nordlys', order, cpr], { encoding: 'utf8', env: ecomdEnv() }));
  assert.match(out.sealed, /^v1\.rcv1\.[A-Za-z0-9_-]+$/);
  assert.ok(!out.sealed.includes(cpr));
  const open = (tenant, o) => double(DOWNSTREAM_PORT, 'POST', '/control',
    JSON.stringify({ open_cpr: { tenant, order: o, sealed: out.sealed } }));
  let r = await open('nordlys', order);
  assert.equal(r.status, 200);
  assert.equal(r.json.cpr, cpr);
  r = await open('nordlys', 'cd'.repeat(16));
  assert.equal(r.status, 422);
  r = await open('fjordmobil', order);
  assert.equal(r.status, 422);
});
