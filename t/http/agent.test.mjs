// Sales agents (issue 14, docs/admin.md "Sales agents") through nginx: a
// signed-in agent shops in the shop's outbound channel behind a banner,
// a customer (no marker, or a forged one) never does, an agent's
// checkout records the agent (panel, admin API, outbox event) and a
// customer's names none, and a disabled agent is a customer again at the
// next request.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Ajv2020 from 'ajv/dist/2020.js';
import { parse } from 'yaml';
import { FJORD, NORDLYS, ROOT, STACK_DIR, ecomctl, eventually, json, request, sql } from './lib.mjs';
import { PW, PanelBrowser, TAG, dropStaffAndOrders, staffUser } from './staff.mjs';

const SLUG = 'fjordmobil';
// a plan visible only in the outbound channel ("butik" in the demo)
const ONLY = `FJ-TELE${process.pid % 100000}`;
const KEY_NAME = `agent test ${TAG}`;
let dir, apiKey;

before(() => {
  const doc = JSON.parse(ecomctl('catalog', 'export', SLUG));
  dir = mkdtempSync(path.join(os.tmpdir(), 'ecom-agent-'));
  writeFileSync(path.join(dir, 'original.json'), JSON.stringify(doc));
  const plan = structuredClone(doc.products.find((p) => p.sku === 'FJ-20GB'));
  plan.sku = ONLY;
  plan.name = 'Kun i telesalg';
  plan.addons = [];
  plan.channels = { butik: { visible: true, sort: 1, name: 'Telesalgets særtilbud' } };
  doc.products.push(plan);
  writeFileSync(path.join(dir, 'changed.json'), JSON.stringify(doc));
  ecomctl('catalog', 'import', SLUG, path.join(dir, 'changed.json'));
  apiKey = ecomctl('apikey', 'create', SLUG, KEY_NAME, 'viewer').trim();
});

after(() => {
  ecomctl('catalog', 'import', SLUG, path.join(dir, 'original.json'));
  rmSync(dir, { recursive: true, force: true });
  sql(`DELETE k FROM api_keys k JOIN tenants t ON t.id = k.tenant_id WHERE t.slug = '${SLUG}' AND k.name = '${KEY_NAME}'`);
  dropStaffAndOrders();
});

class Browser extends PanelBrowser {
  async signIn(email) {
    await this.get('/admin/sign-in');
    const r = await this.form('/admin/sign-in', { email, password: PW });
    assert.equal(r.status, 303, r.body);
    return r;
  }
  async skus() {
    const r = await this.api('GET', '/api/v1/products');
    assert.equal(r.status, 200, r.body);
    return r.json.products.map((p) => p.sku);
  }
}

async function agent(role = 'agent') {
  const b = new Browser(FJORD);
  const email = staffUser(role, SLUG);
  const r = await b.signIn(email);
  return { b, email, r };
}

const banner = (html) => html.match(/<p class="agent-banner"[^>]*>([^<]*)<\/p>/)?.[1];

async function freeNumber() {
  const res = await json(FJORD, '/api/v1/numbers?count=20');
  assert.equal(res.status, 200, res.body);
  const all = res.json.numbers.map((n) => n.msisdn);
  return all[Math.floor(Math.random() * all.length)];
}

// A line of sku with a number, then the checkout: the order's answer.
async function buy(b, sku, name) {
  await b.api('GET', '/api/v1/basket'); // a session and its token first
  const line = await b.api('POST', '/api/v1/basket/lines',
    { sku, binding_months: 0, sim_type: 'esim', msisdn: await freeNumber() });
  assert.equal(line.status, 201, line.body);
  const res = await b.api('POST', '/api/v1/checkout', {
    customer: { name, email: `kunde-${randomUUID().slice(0, 8)}@example.dk`,
                phone: '20 12 34 56', address: 'Vej 1, 2100 København Ø' },
    consents: { terms: true, contract_summary: true, marketing: false },
  }, { 'Idempotency-Key': `admin-${TAG}-${randomUUID()}` });
  assert.equal(res.status, 201, res.body);
  return { line: line.json.line, order: res.json.order, payment: res.json.payment };
}

const adminOrders = (query = '') => json(FJORD, `/api/admin/v1/orders${query}`,
  { headers: { Authorization: `Bearer ${apiKey}` }, csrf: false });

test('an agent signs in to the shop, marked, and shops in the outbound channel behind a banner', async () => {
  const { b, r } = await agent();
  assert.equal(r.headers.location, '/');
  const mark = r.headers['set-cookie'].find((c) => c.startsWith('ec_staff='));
  assert.ok(mark, 'the sign-in sets the staff marker');
  assert.match(mark, /^ec_staff=1; Path=\/; Max-Age=\d+; HttpOnly; SameSite=Lax/);
  const skus = await b.skus();
  assert.ok(skus.includes(ONLY), `the outbound-only plan is offered: ${skus}`);
  const channels = await b.api('GET', '/api/v1/channels');
  assert.equal(channels.status, 200);
  const page = await b.get('/');
  assert.equal(page.status, 200);
  assert.match(page.body, /Telesalgets særtilbud/);
  assert.match(banner(page.body), /^Telesalg: du handler for en kunde som Sam agent$/);
  // on the product page and the basket too
  assert.ok(banner((await b.get(`/products/${ONLY}`)).body));
  assert.ok(banner((await b.get('/basket')).body));
  // ?channel= does not take the agent out of outbound
  assert.ok((await b.skus()).includes(ONLY));
});

test('a customer never sees the outbound channel: no marker, a forged marker, a customer session with one', async () => {
  const guest = new Browser(FJORD);
  assert.ok(!(await guest.skus()).includes(ONLY));
  const home = await guest.get('/');
  assert.doesNotMatch(home.body, /Telesalgets særtilbud/);
  assert.equal(banner(home.body), undefined);
  assert.equal((await guest.get(`/products/${ONLY}`)).status, 404);
  // the marker alone, on the guest's own (valid, non-staff) session
  guest.cookies.set('ec_staff', '1');
  assert.ok(!(await guest.skus()).includes(ONLY));
  assert.equal(banner((await guest.get('/')).body), undefined);
  // the marker without any session
  const forged = await request(FJORD, '/api/v1/products', { headers: { Cookie: 'ec_staff=1' } });
  assert.equal(forged.status, 200);
  assert.ok(!JSON.parse(forged.body).products.some((p) => p.sku === ONLY));
  // the marker beside an agent's session id made up, or of another shop
  const { b } = await agent();
  const other = new Browser(NORDLYS);
  other.cookies.set('sid', b.sid);
  other.cookies.set('ec_staff', '1');
  assert.equal(banner((await other.get('/')).body), undefined);
});

test('an editor with the marker sees the customers\' channel: only a role that may sell shops in outbound', async () => {
  const { b, r } = await agent('editor');
  assert.equal(r.headers.location, '/admin');
  assert.ok(!(await b.skus()).includes(ONLY));
  assert.equal(banner((await b.get('/')).body), undefined);
});

test('an agent\'s checkout records the agent: panel, admin API, the outbox event; a customer\'s names none', async () => {
  const { b, email } = await agent();
  const sold = await buy(b, ONLY, 'Kim Kunde');
  assert.equal(sold.line.channel, 'butik', 'the line was chosen in the outbound channel');
  const staffId = sql(`SELECT id FROM staff_users WHERE email = '${email}'`);
  assert.equal(sql(`SELECT agent_staff_id FROM orders WHERE public_id = '${sold.order.id}'`), staffId);
  assert.equal(sql(`SELECT l.channel FROM order_lines l JOIN orders o ON o.id = l.order_id WHERE o.public_id = '${sold.order.id}'`), 'butik');

  const customer = new Browser(FJORD);
  const own = await buy(customer, 'FJ-20GB', 'Carla Kunde');
  assert.equal(sql(`SELECT agent_staff_id FROM orders WHERE public_id = '${own.order.id}'`), 'NULL');

  // the panel's order page names the agent; the customer's order says so
  const admin = new Browser(FJORD);
  await admin.signIn(staffUser('admin', SLUG));
  const page = await admin.get(`/admin/orders/${sold.order.id}`);
  assert.equal(page.status, 200);
  assert.match(page.body, /<dd data-field="sold_by">Telesalg ved Sam agent<\/dd>/);
  const plain = await admin.get(`/admin/orders/${own.order.id}`);
  assert.match(plain.body, /<dd data-field="sold_by">Kunden selv<\/dd>/);
  // the list: every order, or only agents', or one agent's
  const all = await admin.get('/admin/orders');
  assert.match(all.body, new RegExp(`data-order="${sold.order.id}"`));
  assert.match(all.body, new RegExp(`data-order="${own.order.id}"`));
  for (const q of ['any', staffId]) {
    const byAgents = await admin.get(`/admin/orders?agent=${q}`);
    assert.equal(byAgents.status, 200);
    assert.match(byAgents.body, new RegExp(`data-order="${sold.order.id}"`), q);
    assert.doesNotMatch(byAgents.body, new RegExp(`data-order="${own.order.id}"`), q);
  }
  assert.match((await admin.get('/admin/orders')).body, new RegExp(`<option value="${staffId}">Sam agent</option>`));
  assert.equal((await admin.get('/admin/orders?agent=x1')).status, 422);

  // the admin API's orders
  const api = await adminOrders('?limit=100');
  assert.equal(api.status, 200, api.body);
  // as docs/openapi.yaml describes an order of the admin API
  const spec = parse(readFileSync(path.join(ROOT, 'docs/openapi.yaml'), 'utf8'));
  const valid = new Ajv2020({ strict: false }).compile(spec.components.schemas.AdminOrder);
  for (const o of api.json.orders) assert.ok(valid(o), JSON.stringify(valid.errors));
  const mine = api.json.orders.find((o) => o.id === sold.order.id);
  assert.deepEqual(mine.sold_by, { agent_id: Number(staffId), name: 'Sam agent' });
  assert.equal(api.json.orders.find((o) => o.id === own.order.id).sold_by, null);
  // filtered by who sold them: any agent, this agent, another agent
  for (const q of ['any', staffId]) {
    const byAgents = await adminOrders(`?agent=${q}&limit=100`);
    assert.equal(byAgents.status, 200, byAgents.body);
    const ids = byAgents.json.orders.map((o) => o.id);
    assert.ok(ids.includes(sold.order.id), q);
    assert.ok(!ids.includes(own.order.id), q);
    assert.ok(byAgents.json.orders.every((o) => o.sold_by !== null), q);
  }
  const nobody = await adminOrders(`?agent=${Number(staffId) + 100000}`);
  assert.deepEqual(nobody.json.orders, []);
  const bad = await adminOrders('?agent=x1');
  assert.equal(bad.status, 422);
  assert.equal(bad.json.error.field, 'agent');

  // the event a payment announces names the agent to the receiver
  const key = readFileSync(path.join(STACK_DIR, 'secrets/payment_sim_secret')).subarray(0, 32);
  const t = Math.floor(Date.now() / 1000);
  const body = JSON.stringify({ id: `evt_${randomUUID().replace(/-/g, '')}`, type: 'payment.approved', payment: sold.payment.id, created: t });
  const v1 = createHmac('sha256', key).update(`${t}.${body}`).digest('hex');
  const cb = await request(FJORD, '/api/v1/payments/sim/callback', {
    method: 'POST', body, headers: { 'Content-Type': 'application/json', 'Sim-Signature': `t=${t},v1=${v1}` } });
  assert.equal(cb.status, 200, cb.body);
  const payload = await eventually(() => sql(`SELECT x.payload FROM outbox x JOIN orders o ON o.id = x.order_id WHERE o.public_id = '${sold.order.id}' ORDER BY x.seq LIMIT 1`));
  assert.deepEqual(JSON.parse(payload).order.sold_by, { agent_id: Number(staffId), name: 'Sam agent' });
});

test('a disabled agent is a customer again at the next request; the staff sign-out clears the marker', async () => {
  const { b, email } = await agent();
  assert.ok((await b.skus()).includes(ONLY));
  sql(`UPDATE staff_users SET disabled_at = NOW(6) WHERE email = '${email}'`);
  assert.ok(!(await b.skus()).includes(ONLY));
  assert.equal(banner((await b.get('/')).body), undefined);

  const { b: c } = await agent();
  assert.ok((await c.skus()).includes(ONLY));
  const line = await c.api('POST', '/api/v1/basket/lines',
    { sku: ONLY, binding_months: 0, sim_type: 'esim', msisdn: await freeNumber() });
  assert.equal(line.status, 201, line.body);
  const out = await c.form('/admin/sign-out');
  assert.equal(out.status, 303);
  const cleared = out.headers['set-cookie'].find((x) => x.startsWith('ec_staff='));
  assert.match(cleared, /^ec_staff=; Path=\/; Max-Age=0;/);
  assert.ok(!(await c.skus()).includes(ONLY));
  // the line the agent left in the basket is not sold to whoever shops on
  assert.equal((await c.api('GET', '/api/v1/basket')).json.lines.length, 1);
  const key = `admin-${TAG}-${randomUUID()}`;
  const res = await c.api('POST', '/api/v1/checkout', {
    customer: { name: 'Eva Efter', email: 'eva@example.dk', phone: '20 12 34 56', address: 'Vej 2, 2100 København Ø' },
    consents: { terms: true, contract_summary: true, marketing: false },
  }, { 'Idempotency-Key': key });
  assert.equal(res.status, 422, res.body);
  assert.equal(res.json.error.field, 'lines');
  assert.deepEqual(res.json.error.lines, [line.json.line.id]);
  assert.equal(sql(`SELECT COUNT(*) FROM orders WHERE idempotency_key = '${key}'`), '0');
});
