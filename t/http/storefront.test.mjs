// The catalog as shoppers and scripts see it, per channel, on the demo
// catalogs (sql/demo/catalog-*.json).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { request, json, ecomctl, NORDLYS, FJORD } from './lib.mjs';

const skus = (res) => res.json.products.map((p) => p.sku);

test('the same path lists different products and names per channel', async () => {
  const web = await json(NORDLYS, '/api/v1/products');
  const app = await json(NORDLYS, '/api/v1/products', { headers: { 'X-Channel': 'app' } });
  const param = await json(NORDLYS, '/api/v1/products?channel=tilbud');
  assert.equal(web.status, 200);
  assert.equal(web.json.channel.code, 'web');
  assert.equal(app.json.channel.code, 'app');
  assert.equal(param.json.channel.code, 'tilbud');
  assert.deepEqual(skus(web), ['NL-TALE', 'NL-10GB', 'NL-50GB', 'NL-100GB', 'NL-200GB', 'NL-FRI',
                               'NL-DATADELING', 'NL-EU-PLUS']);
  assert.deepEqual(skus(app), ['NL-10GB', 'NL-100GB', 'NL-FRI', 'NL-DATADELING', 'NL-EU-PLUS']);
  assert.deepEqual(skus(param), ['NL-50GB', 'NL-200GB', 'NL-DATADELING']);
  const name = (res, sku) => res.json.products.find((p) => p.sku === sku).name;
  assert.equal(name(web, 'NL-100GB'), 'Fri tale + 100 GB 5G');
  assert.equal(name(app, 'NL-100GB'), 'App 100 GB 5G');
});

test('every catalog answer names its channel and prices in minor units with VAT', async () => {
  const res = await json(NORDLYS, '/api/v1/products/NL-100GB');
  assert.equal(res.status, 200);
  assert.deepEqual(res.json.channel, { code: 'web', name: 'Forside', kind: 'web_front' });
  const p = res.json.product;
  assert.equal(p.kind, 'plan');
  assert.equal(p.price.currency, 'DKK');
  assert.equal(p.price.regular_monthly, 19900);
  assert.equal(p.price.monthly_now_vat, 3980);   // 25 % VAT inside 199 kr.
  // without binding the minimum total is the fees and one month
  assert.equal(p.price.binding_months, 0);
  assert.equal(p.price.min_total, 9900 + 19900);
  assert.equal(p.other_bindings[0].binding_months, 6);
  assert.deepEqual(p.binding_months, [0, 6]);
  assert.deepEqual(p.sim_types, ['physical', 'esim']);
  assert.deepEqual(p.attributes, { data_gb: 100, data_unlimited: false, talk_minutes: null,
                                   talk_unlimited: true, network: '5g', eu_data_gb: 25 });
  assert.deepEqual(p.addons, ['NL-DATADELING', 'NL-EU-PLUS']);
});

test('channels narrow SIM types and binding, and add-ons fit per channel', async () => {
  const app = await json(NORDLYS, '/api/v1/products/NL-100GB', { headers: { 'X-Channel': 'app' } });
  assert.deepEqual(app.json.product.sim_types, ['esim']);
  const sales = await json(NORDLYS, '/api/v1/products/NL-100GB?channel=telesalg');
  // outbound sales cannot be chosen by a parameter: the web answers
  assert.equal(sales.json.channel.code, 'web');
  // the EU add-on fits the unlimited plan only in the app
  const webFri = await json(NORDLYS, '/api/v1/products/NL-FRI');
  const appFri = await json(NORDLYS, '/api/v1/products/NL-FRI', { headers: { 'X-Channel': 'app' } });
  assert.deepEqual(webFri.json.product.addons, ['NL-DATADELING']);
  assert.deepEqual(appFri.json.product.addons, ['NL-DATADELING', 'NL-EU-PLUS']);
  // the data-sharing card only fits plans with enough data
  const small = await json(NORDLYS, '/api/v1/products/NL-10GB');
  assert.ok(!small.json.product.addons.includes('NL-DATADELING'));
});

test('a product hidden in a channel is 404 there, exactly like one that does not exist', async () => {
  const hidden = await json(NORDLYS, '/api/v1/products/NL-TALE', { headers: { 'X-Channel': 'app' } });
  const missing = await json(NORDLYS, '/api/v1/products/NO-SUCH-SKU', { headers: { 'X-Channel': 'app' } });
  const shown = await json(NORDLYS, '/api/v1/products/NL-TALE');
  assert.equal(hidden.status, 404);
  assert.equal(shown.status, 200);
  assert.deepEqual(hidden.json, missing.json);
});

test('draft and retired products never appear', async () => {
  for (const sku of ['NL-5G-KOMMER', 'NL-GAMMEL']) {
    assert.equal((await json(NORDLYS, `/api/v1/products/${sku}`)).status, 404, sku);
    assert.equal((await request(NORDLYS, `/products/${sku}`)).status, 404, sku);
  }
});

test("one brand's SKU is 404 on the other brand's host", async () => {
  assert.equal((await json(NORDLYS, '/api/v1/products/NL-FRI')).status, 200);
  assert.equal((await json(FJORD, '/api/v1/products/NL-FRI')).status, 404);
  assert.equal((await json(FJORD, '/api/v1/products/FJ-FRI')).status, 200);
  assert.equal((await json(NORDLYS, '/api/v1/products/FJ-FRI')).status, 404);
  assert.equal((await request(FJORD, '/products/NL-FRI')).status, 404);
});

test('GET /api/v1/channels lists the tenant\'s channels', async () => {
  const res = await json(FJORD, '/api/v1/channels');
  assert.equal(res.status, 200);
  assert.deepEqual(res.json.channels.map((c) => c.code), ['web', 'familie', 'app', 'butik']);
  assert.equal(res.json.channels.filter((c) => c.default).length, 1);
});

test('the front page, a subpage and the app each show their own selection', async () => {
  const front = await request(NORDLYS, '/');
  const sub = await request(NORDLYS, '/tilbud');
  const app = await request(NORDLYS, '/', { headers: { 'X-Channel': 'app' } });
  const cards = (html) => [...html.matchAll(/<h3 id="plan-([^"]+)">/g)].map((m) => m[1]);
  assert.deepEqual(cards(front.body), ['NL-TALE', 'NL-10GB', 'NL-50GB', 'NL-100GB', 'NL-200GB', 'NL-FRI']);
  assert.deepEqual(cards(sub.body), ['NL-50GB', 'NL-200GB']);
  assert.deepEqual(cards(app.body), ['NL-10GB', 'NL-100GB', 'NL-FRI']);
  assert.match(sub.body, /Tilbud: 50 GB 5G/);
  assert.match(sub.body, /href="\/tilbud\/products\/NL-50GB"/);
  assert.match(front.body, /199,00 kr\./);
});

test('a subpage only exists where a channel rule makes it', async () => {
  assert.equal((await request(NORDLYS, '/familie')).status, 404);
  assert.equal((await request(FJORD, '/familie')).status, 200);
  assert.equal((await request(FJORD, '/tilbud')).status, 404);
  assert.equal((await request(NORDLYS, '/tilbud/products/NL-TALE')).status, 404);
  assert.equal((await request(NORDLYS, '/tilbud/products/NL-50GB')).status, 200);
});

test('a product page shows attributes, binding and SIM choices and fitting add-ons', async () => {
  const res = await request(NORDLYS, '/products/NL-100GB');
  assert.equal(res.status, 200);
  assert.match(res.body, /<h1 id="product-title">Fri tale \+ 100 GB 5G<\/h1>/);
  assert.match(res.body, /Ingen binding/);
  assert.match(res.body, /6 måneders binding/);
  assert.match(res.body, /Fysisk SIM-kort/);
  assert.match(res.body, /eSIM/);
  assert.match(res.body, /Datadelingskort/);
  assert.match(res.body, /5G/);
});

test('after a catalog import the next request shows the change, without a restart', async () => {
  const doc = JSON.parse(ecomctl('catalog', 'export', 'nordlys'));
  const before = await json(NORDLYS, '/api/v1/products/NL-10GB');
  assert.equal(before.json.product.name, 'Fri tale + 10 GB');
  const changed = structuredClone(doc);
  const p = changed.products.find((x) => x.sku === 'NL-10GB');
  p.channels.web.name = 'Fri tale + 10 GB (ny pris)';
  p.monthly_price = 11900;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ecom-cat-'));
  try {
    writeFileSync(path.join(dir, 'changed.json'), JSON.stringify(changed));
    writeFileSync(path.join(dir, 'original.json'), JSON.stringify(doc));
    ecomctl('catalog', 'import', 'nordlys', path.join(dir, 'changed.json'));
    // every worker, on its next request
    for (let i = 0; i < 8; i++) {
      const after = await json(NORDLYS, '/api/v1/products/NL-10GB');
      assert.equal(after.json.product.name, 'Fri tale + 10 GB (ny pris)', `request ${i}`);
      assert.equal(after.json.product.price.regular_monthly, 11900, `request ${i}`);
    }
    assert.match((await request(NORDLYS, '/')).body, /Fri tale \+ 10 GB \(ny pris\)/);
  } finally {
    ecomctl('catalog', 'import', 'nordlys', path.join(dir, 'original.json'));
    rmSync(dir, { recursive: true, force: true });
  }
  assert.equal((await json(NORDLYS, '/api/v1/products/NL-10GB')).json.product.name, 'Fri tale + 10 GB');
});
