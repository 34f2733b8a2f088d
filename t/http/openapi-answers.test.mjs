// What the storefront answers, through nginx, against docs/openapi.yaml:
// the status must be one the operation lists, and the body must fit the
// schema it gives for that status. openapi.test.mjs checks the file and
// its map of routes; this checks that the shapes it promises are true.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { parse } from 'yaml';
import { NORDLYS, ROOT, newSession, request } from './lib.mjs';

const { default: addFormats } = addFormatsModule;
const spec = parse(readFileSync(path.join(ROOT, 'docs/openapi.yaml'), 'utf8'));
const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
// the components under an id of their own, so the file's "#/components/…"
// references resolve
ajv.addSchema({ $id: 'openapi', components: spec.components });
const rebase = (schema) =>
  JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', '"openapi#/components/'));

// Check one answer of operation METHOD PATH (as the file names it).
function conforms(method, pattern, res) {
  const op = spec.paths[pattern]?.[method.toLowerCase()];
  assert.ok(op, `${method} ${pattern} is described`);
  let described = op.responses[String(res.status)];
  assert.ok(described, `${method} ${pattern} answered ${res.status}, which it does not list: ${res.body}`);
  if (described.$ref) described = spec.components.responses[described.$ref.split('/').pop()];
  const schema = described.content?.['application/json']?.schema;
  if (!schema) {
    assert.equal(res.body, '', `${method} ${pattern} ${res.status} promises no body`);
    return;
  }
  const validate = ajv.compile(rebase(schema));
  const body = JSON.parse(res.body);
  assert.ok(validate(body),
    `${method} ${pattern} ${res.status}: ${ajv.errorsText(validate.errors)}\n${res.body.slice(0, 600)}`);
}

async function call(method, pattern, url, opts = {}) {
  const res = await request(opts.host || NORDLYS, url, { method, ...opts });
  conforms(method, pattern, res);
  return res;
}

const jsonBody = (cookie, body, headers = {}) => ({
  headers: { Cookie: cookie, 'Content-Type': 'application/json', ...headers },
  body: JSON.stringify(body),
});

let plan;
before(async () => {
  const res = await request(NORDLYS, '/api/v1/products');
  plan = JSON.parse(res.body).products.find((p) => p.kind === 'plan');
});

test('the probes and the shop', async () => {
  await call('GET', '/healthz', '/healthz');
  await call('GET', '/readyz', '/readyz');
  await call('GET', '/api/v1/tenant', '/api/v1/tenant');
  await call('GET', '/api/v1/tenant', '/api/v1/tenant', { host: 'no-such-shop.localhost' });
});

test('the catalog as each channel sees it, and its errors', async () => {
  await call('GET', '/api/v1/channels', '/api/v1/channels');
  for (const q of ['', '?channel=app', '?channel=tilbud']) {
    await call('GET', '/api/v1/products', `/api/v1/products${q}`);
  }
  await call('GET', '/api/v1/products/{sku}', `/api/v1/products/${plan.sku}`);
  await call('GET', '/api/v1/products/{sku}', '/api/v1/products/NO-SUCH-SKU');
  for (const b of plan.binding_months) {
    await call('GET', '/api/v1/products/{sku}/price', `/api/v1/products/${plan.sku}/price?binding_months=${b}`);
  }
  const bad = await call('GET', '/api/v1/products/{sku}/price', `/api/v1/products/${plan.sku}/price?binding_months=5`);
  assert.equal(bad.status, 422);
  await call('GET', '/api/v1/products/{sku}/price',
    `/api/v1/products/${plan.sku}/price?at=2026-12-24T12:00`);
});

test('numbers, and a count out of range', async () => {
  assert.equal((await call('GET', '/api/v1/numbers', '/api/v1/numbers?count=3')).status, 200);
  assert.equal((await call('GET', '/api/v1/numbers', '/api/v1/numbers?count=51')).status, 422);
});

test('a basket through its life: add, change, keep, read, remove, and refusals', async () => {
  const { cookie } = await newSession();
  const empty = await call('GET', '/api/v1/basket', '/api/v1/basket', { headers: { Cookie: cookie } });
  assert.equal(JSON.parse(empty.body).version, 0);
  const line = { sku: plan.sku, binding_months: plan.binding_months[0], sim_type: plan.sim_types[0] };
  // refused: no token, not JSON, a bad field
  await call('POST', '/api/v1/basket/lines', '/api/v1/basket/lines', { ...jsonBody(cookie, line), csrf: false });
  await call('POST', '/api/v1/basket/lines', '/api/v1/basket/lines',
    { headers: { Cookie: cookie, 'Content-Type': 'text/plain' }, body: 'x' });
  await call('POST', '/api/v1/basket/lines', '/api/v1/basket/lines', jsonBody(cookie, { ...line, sim_type: 'nano' }));
  const added = await call('POST', '/api/v1/basket/lines', '/api/v1/basket/lines', jsonBody(cookie, line));
  assert.equal(added.status, 201);
  const id = JSON.parse(added.body).line.id;
  const changed = await call('PATCH', '/api/v1/basket/lines/{id}', `/api/v1/basket/lines/${id}`,
    jsonBody(cookie, { binding_accepted: true }));
  assert.equal(changed.status, 200);
  await call('PATCH', '/api/v1/basket/lines/{id}', `/api/v1/basket/lines/${id}`,
    jsonBody(cookie, { binding_accepted: true }, { 'If-Match': '"1"' }));
  await call('POST', '/api/v1/basket/keep', '/api/v1/basket/keep', jsonBody(cookie, {}));
  const full = await call('GET', '/api/v1/basket', '/api/v1/basket', { headers: { Cookie: cookie } });
  assert.equal(JSON.parse(full.body).lines.length, 1);
  const gone = await call('DELETE', '/api/v1/basket/lines/{id}', `/api/v1/basket/lines/${id}`,
    { headers: { Cookie: cookie } });
  assert.equal(gone.status, 200);
  await call('DELETE', '/api/v1/basket/lines/{id}', `/api/v1/basket/lines/${id}`, { headers: { Cookie: cookie } });
  // a Bearer request: no API keys yet
  await call('POST', '/api/v1/basket/lines', '/api/v1/basket/lines',
    { headers: { Authorization: 'Bearer nope', 'Content-Type': 'application/json' }, body: JSON.stringify(line) });
});

test('accounts and orders of a guest', async () => {
  const { cookie } = await newSession();
  await call('GET', '/api/v1/account', '/api/v1/account', { headers: { Cookie: cookie } });
  await call('POST', '/api/v1/session', '/api/v1/session',
    jsonBody(cookie, { email: 'nobody@example.invalid', password: 'wrong password' }));
  await call('POST', '/api/v1/account', '/api/v1/account', jsonBody(cookie, { email: 'x', password: 'short', name: '' }));
  await call('POST', '/api/v1/account/password-reset/{token}', '/api/v1/account/password-reset/not-a-token',
    jsonBody(cookie, { password: 'a long new password' }));
  await call('DELETE', '/api/v1/session', '/api/v1/session', { headers: { Cookie: cookie } });
  await call('GET', '/api/v1/orders', '/api/v1/orders', { headers: { Cookie: cookie } });
  await call('GET', '/api/v1/orders/{id}', `/api/v1/orders/${'0'.repeat(32)}`, { headers: { Cookie: cookie } });
  await call('POST', '/api/v1/checkout', '/api/v1/checkout', jsonBody(cookie, {}));
});

test('callbacks refuse what is not signed', async () => {
  await call('POST', '/api/v1/downstream/reports', '/api/v1/downstream/reports',
    { headers: { 'Content-Type': 'application/json' }, body: '{"id":"r","order":"o","status":"completed"}' });
  await call('POST', '/api/v1/payments/stripe/webhook', '/api/v1/payments/stripe/webhook',
    { headers: { 'Content-Type': 'application/json', 'Stripe-Signature': 't=1,v1=00' }, body: '{"id":"evt","type":"x"}' });
  await call('POST', '/api/v1/csp-report', '/api/v1/csp-report',
    { headers: { 'Content-Type': 'application/csp-report' }, body: '{"csp-report":{}}' });
});
