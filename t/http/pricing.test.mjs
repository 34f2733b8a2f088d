// Prices everywhere from the one engine: the explained price endpoint,
// product cards and pages, per channel. Fixed instants (?at=) keep the
// demo campaigns' answers the same whatever day the tests run; the cards,
// which price at "now", get a campaign made for the test.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { request, json, ecomctl, NORDLYS } from './lib.mjs';

const AT = '2026-12-01T12:00';   // inside the demo campaigns, Copenhagen time

const explain = (res, code) => res.json.price.explanation.find((e) => e.campaign === code);

test('an app-only campaign applies in the app channel and not on the web front page', async () => {
  const app = await json(NORDLYS, `/api/v1/products/NL-10GB/price?at=${AT}`, { headers: { 'X-Channel': 'app' } });
  const web = await json(NORDLYS, `/api/v1/products/NL-10GB/price?at=${AT}`);
  assert.equal(app.status, 200);
  assert.equal(app.json.channel.code, 'app');
  assert.equal(explain(app, 'app-20-procent').applied, true);
  assert.equal(app.json.price.monthly_now, 10320);       // 129 kr. - 20 %
  assert.deepEqual(app.json.price.schedule.map((s) => [s.from_month, s.to_month, s.monthly]),
                   [[1, 3, 10320], [4, null, 12900]]);
  assert.equal(explain(web, 'app-20-procent').applied, false);
  assert.equal(explain(web, 'app-20-procent').reason, 'other_channel');
  assert.equal(web.json.price.monthly_now, 12900);
});

test('precedence is explained: the higher priority wins, the loser says to whom', async () => {
  const res = await json(NORDLYS, `/api/v1/products/NL-100GB/price?binding_months=6&at=${AT}`,
                         { headers: { 'X-Channel': 'app' } });
  const winner = explain(res, 'binding-99');
  const loser = explain(res, 'app-20-procent');
  assert.equal(winner.applied, true);
  assert.equal(loser.applied, false);
  assert.match(loser.reason, /^lost_to:\d+$/);
  assert.equal(loser.decided_by, 'priority');
  assert.equal(res.json.price.monthly_now, 9900);
  // the minimum total: 6 months at 99 kr. plus the start-up fee
  assert.equal(res.json.price.min_total, 6 * 9900 + 9900);
  // without the binding it requires, the binding campaign does not apply
  const nobind = await json(NORDLYS, `/api/v1/products/NL-100GB/price?binding_months=0&at=${AT}`,
                            { headers: { 'X-Channel': 'app' } });
  assert.equal(explain(nobind, 'binding-99').reason, 'binding_required');
  assert.equal(explain(nobind, 'app-20-procent').applied, true);
});

test('a campaign that has not started yet is outside its validity', async () => {
  const before = await json(NORDLYS, `/api/v1/products/NL-FRI/price?at=${AT}`);
  const during = await json(NORDLYS, '/api/v1/products/NL-FRI/price?at=2027-02-01T12:00');
  assert.equal(explain(before, 'nytaar-fri').reason, 'outside_validity');
  assert.equal(explain(during, 'nytaar-fri').applied, true);
  assert.equal(during.json.price.monthly_now, 19900);
});

test('bad choices get 422 with the field', async () => {
  const bind = await json(NORDLYS, '/api/v1/products/NL-TALE/price?binding_months=6');
  assert.equal(bind.status, 422);
  assert.equal(bind.json.error.field, 'binding_months');
  const sim = await json(NORDLYS, '/api/v1/products/NL-10GB/price?sim_type=physical',
                         { headers: { 'X-Channel': 'app' } });
  assert.equal(sim.status, 422);
  assert.equal(sim.json.error.field, 'sim_type');
  const at = await json(NORDLYS, '/api/v1/products/NL-10GB/price?at=soon');
  assert.equal(at.status, 422);
  assert.equal(at.json.error.field, 'at');
});

test('cards, product pages and the API show the same campaign price', async () => {
  const doc = JSON.parse(ecomctl('catalog', 'export', 'nordlys'));
  const now = Date.now();
  const iso = (ms) => new Date(ms).toISOString().replace(/\.\d+Z$/, '+00:00');
  const changed = structuredClone(doc);
  changed.campaigns.push({
    code: 'test-card', name: 'Testpris', valid_from: iso(now - 3600e3), valid_to: iso(now + 3600e3),
    products: ['NL-TALE'], channels: ['web'], priority: 50, stacking: 'exclusive', required_binding: 0,
    actions: [{ kind: 'fixed_price', amount: 4900, first_month: 1, months: 2 }],
  });
  changed.campaigns.sort((a, b) => (a.code < b.code ? -1 : 1));
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ecom-price-'));
  try {
    writeFileSync(path.join(dir, 'changed.json'), JSON.stringify(changed));
    writeFileSync(path.join(dir, 'original.json'), JSON.stringify(doc));
    ecomctl('catalog', 'import', 'nordlys', path.join(dir, 'changed.json'));
    const api = await json(NORDLYS, '/api/v1/products/NL-TALE');
    assert.equal(api.json.product.price.monthly_now, 4900);
    assert.equal(api.json.product.price.campaign_months, 2);
    assert.equal(api.json.product.price.min_total, 4900);   // no fees, one month
    const list = await json(NORDLYS, '/api/v1/products');
    assert.equal(list.json.products.find((p) => p.sku === 'NL-TALE').price.monthly_now, 4900);
    const page = await request(NORDLYS, '/');
    const card = page.body.slice(page.body.indexOf('id="plan-NL-TALE"'));
    assert.match(card, /49,00 kr\.<\/span> pr\. md\. de første 2 mdr\./);
    assert.match(card, /Derefter 79,00 kr\. pr\. md\./);
    assert.match(card, /Ingen binding/);
    assert.match(card, /Mindstepris 49,00 kr\./);
    const product = await request(NORDLYS, '/products/NL-TALE');
    assert.match(product.body, /49,00 kr\. de første 2 mdr\., derefter 79,00 kr\./);
    // the app does not get the web-only campaign
    const app = await json(NORDLYS, '/api/v1/products/NL-10GB', { headers: { 'X-Channel': 'app' } });
    assert.ok(!app.json.product.price.campaigns.some((c) => c.code === 'test-card'));
  } finally {
    ecomctl('catalog', 'import', 'nordlys', path.join(dir, 'original.json'));
    rmSync(dir, { recursive: true, force: true });
  }
  assert.equal((await json(NORDLYS, '/api/v1/products/NL-TALE')).json.product.price.monthly_now, 7900);
});
