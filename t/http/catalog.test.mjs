// Catalog as code: `ecomctl catalog export` and `import` against the test
// stack's database. The tests use two tenants of their own, made afresh
// for each test, so the demo brands' catalogs that the storefront tests
// read are never touched.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT, STACK_DIR, ecomctl } from './lib.mjs';

const A = 'catalog-test-a';
const B = 'catalog-test-b';
let dir;

function writeDoc(name, doc) {
  const file = path.join(dir, name);
  writeFileSync(file, typeof doc === 'string' ? doc : JSON.stringify(doc, null, 2));
  return file;
}

const exportText = (slug) => ecomctl('catalog', 'export', slug);
const exportDoc = (slug) => JSON.parse(exportText(slug));

// The change lines an import prints.
function importDoc(slug, doc, name = 'catalog.json') {
  return ecomctl('catalog', 'import', slug, writeDoc(name, doc)).trimEnd().split('\n');
}

// Run ecomctl as lib.mjs does, but keep what it says on stderr out of
// the test report: {status, stdout, stderr}.
function run(...args) {
  const password = readFileSync(path.join(STACK_DIR, 'secrets/mysql_password'), 'utf8').trim();
  return spawnSync(path.join(ROOT, 'build/plain/ecomctl'),
    ['-c', path.join(STACK_DIR, 'ecomd.conf'), ...args],
    { encoding: 'utf8', env: { ...process.env, ECOMD_MYSQL_PASSWORD: password } });
}

const bySku = (a, b) => (a.sku < b.sku ? -1 : a.sku > b.sku ? 1 : 0);

function plan(sku, fields = {}) {
  return {
    sku, kind: 'plan', status: 'active', name: `Plan ${sku}`, description: '',
    data_gb: 10, talk_minutes: null, network: '4g', eu_data_gb: 5, monthly_price: 9900,
    fees: { startup: 0, sim: 0 }, binding_months: [0, 6], sim_types: ['physical', 'esim'],
    channels: { web: { visible: true, sort: 10 } }, addons: [], ...fields,
  };
}

function addon(sku, fields = {}) {
  const p = { ...plan(sku, fields), kind: 'addon' };
  delete p.addons;    // only plans carry add-ons
  return p;
}

// A small catalog written the way an export writes it (products by SKU,
// options in canonical order), so an export can be compared with it.
function startCatalog() {
  return {
    format: 'ecom-catalog/1',
    channels: [
      { code: 'web', name: 'Forside', kind: 'web_front', default: true },
      { code: 'tilbud', name: 'Tilbud', kind: 'web_sub' },
      { code: 'app', name: 'App', kind: 'app' },
    ],
    channel_rules: [
      { kind: 'header', param: 'x-channel', value: 'app', channel: 'app' },
      { kind: 'query_param', param: 'channel', value: 'app', channel: 'app' },
      { kind: 'path_prefix', value: '/tilbud', channel: 'tilbud' },
    ],
    products: [
      plan('T-100GB', {
        name: '5G 100 GB', description: 'Fri tale og 100 GB 5G-data.', data_gb: 100,
        network: '5g', eu_data_gb: 30, monthly_price: 19900, fees: { startup: 9900, sim: 0 },
        channels: {
          app: { visible: true, name: 'App 100 GB', sort: 10, sim_types: ['esim'] },
          tilbud: { visible: true, sort: 5, binding_months: [6] },
          web: { visible: true, name: 'Fri tale + 100 GB', sort: 30 },
        },
        addons: [{ sku: 'T-DATADELING' }, { sku: 'T-EU', channels: ['app', 'web'] }],
      }),
      plan('T-10GB', { talk_minutes: 600, binding_months: [0], sim_types: ['physical'],
                       addons: [{ sku: 'T-EU' }] }),
      addon('T-DATADELING', { name: 'Datadeling', data_gb: null, monthly_price: 2900,
                              binding_months: [0] }),
      addon('T-EU', { name: 'EU ekstra', monthly_price: 4900, binding_months: [0],
                      channels: { app: { visible: true, sort: -1 }, web: { visible: false, sort: 0 } } }),
      plan('T-OLD', { status: 'draft', data_gb: 1, talk_minutes: 0, fees: { startup: 0, sim: 4900 } }),
    ],
  };
}

before(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'ecom-catalog-'));
});

// Deleting a tenant takes its whole catalog with it (ON DELETE CASCADE).
beforeEach(() => {
  ecomctl('seed', writeDoc('tenants.sql',
    `DELETE FROM tenants WHERE slug IN ('${A}', '${B}');\n` +
    `INSERT INTO tenants (slug, name) VALUES ('${A}', 'Catalog test A'), ('${B}', 'Catalog test B');\n`));
});

after(() => {
  ecomctl('seed', writeDoc('cleanup.sql', `DELETE FROM tenants WHERE slug IN ('${A}', '${B}');\n`));
  rmSync(dir, { recursive: true, force: true });
});

test('import then export round-trips, and importing an export changes nothing', () => {
  const start = startCatalog();
  assert.deepEqual(importDoc(A, start), [
    'added channel web', 'added channel tilbud', 'added channel app',
    'replaced channel rules (3)',
    'added product T-100GB', 'added product T-10GB', 'added product T-DATADELING',
    'added product T-EU', 'added product T-OLD',
  ]);
  const text = exportText(A);
  assert.deepEqual(JSON.parse(text), start);
  assert.match(text, /^{\n  "format": "ecom-catalog\/1",\n  "channels": \[\n/, 'pretty, 2 spaces');

  assert.deepEqual(importDoc(A, text), ['no changes']);
  assert.equal(exportText(A), text, 'the same bytes after a no-op import');
});

test('an import reports what changed, retires what is gone, and exports the result', () => {
  importDoc(A, startCatalog());
  const before = exportDoc(A);
  const changed = structuredClone(before);
  const tenGb = changed.products.find((p) => p.sku === 'T-10GB');
  tenGb.monthly_price = 8900;
  tenGb.name = 'Plan 10 GB';
  changed.products = changed.products.filter((p) => p.sku !== 'T-OLD');
  changed.products.push(plan('T-NEW', { monthly_price: 12900, addons: [{ sku: 'T-DATADELING' }] }));

  assert.deepEqual(importDoc(A, changed), [
    'updated product T-10GB: monthly_price 9900 -> 8900, name',
    'added product T-NEW',
    'retired product T-OLD',
  ]);

  // what the document says, plus the removed product kept as retired
  const old = before.products.find((p) => p.sku === 'T-OLD');
  const expected = structuredClone(changed);
  expected.products.push({ ...old, status: 'retired' });
  expected.products.sort(bySku);
  assert.deepEqual(exportDoc(A), expected);
  assert.deepEqual(importDoc(A, expected), ['no changes']);
});

test('channels, rules, entries and add-ons are replaced as the document says', () => {
  importDoc(A, startCatalog());
  const doc = startCatalog();
  doc.channels = doc.channels.filter((c) => c.code !== 'tilbud');
  doc.channels[1].name = 'Appen';
  doc.channel_rules = doc.channel_rules.filter((r) => r.channel !== 'tilbud');
  const big = doc.products[0];
  delete big.channels.tilbud;
  big.channels.app.sim_types = ['physical', 'esim'];
  big.addons = [{ sku: 'T-EU', channels: ['app'] }];
  big.binding_months = [0, 3, 6];
  big.data_gb = null;

  assert.deepEqual(importDoc(A, doc), [
    'updated channel app: name',
    'removed channel tilbud',
    'replaced channel rules (2)',
    'updated product T-100GB: data_gb 100 -> unlimited, binding_months 0,6 -> 0,3,6, channels, addons',
  ]);
  assert.deepEqual(exportDoc(A), doc);
});

test('an invalid document names its first bad field and changes nothing', () => {
  importDoc(A, startCatalog());
  const before = exportText(A);
  const doc = JSON.parse(before);
  doc.products[0].monthly_price = 1;    // fine, but must not be applied
  doc.products[0].channels.app.sim_types = ['nano'];
  const file = writeDoc('bad.json', doc);

  const e = run('catalog', 'import', A, file);
  assert.equal(e.status, 1);
  assert.equal(e.stdout, '');
  assert.equal(e.stderr,
    `ecomctl: ${file}: $.products[0].channels.app.sim_types[0]: must be physical or esim (got "nano")\n`);
  assert.equal(exportText(A), before);

  const syntax = writeDoc('syntax.json', '{"format": "ecom-catalog/1",\n  "channels": [}\n');
  const s = run('catalog', 'import', A, syntax);
  assert.equal(s.status, 1);
  assert.match(s.stderr, new RegExp(`^ecomctl: ${syntax}:2:\\d+: not valid JSON`));
  assert.equal(exportText(A), before);
});

test('an unknown tenant is an error', () => {
  const e = run('catalog', 'export', 'no-such-tenant');
  assert.equal(e.status, 1);
  assert.equal(e.stderr, "ecomctl: no tenant 'no-such-tenant'\n");
  const i = run('catalog', 'import', 'no-such-tenant', writeDoc('start.json', startCatalog()));
  assert.equal(i.status, 1);
  assert.equal(i.stderr, "ecomctl: no tenant 'no-such-tenant'\n");
});

test("importing for one tenant never touches another's catalog", () => {
  // the same channel codes and SKUs in both: nothing may match across
  importDoc(A, startCatalog());
  const lines = importDoc(B, startCatalog());
  assert.ok(lines.every((l) => l.startsWith('added ') || l.startsWith('replaced ')), lines.join('\n'));
  const b = exportText(B);

  const doc = startCatalog();
  doc.channels = [{ code: 'shop', name: 'Shop', kind: 'custom', default: true }];
  doc.channel_rules = [];
  doc.products = [plan('T-10GB', { monthly_price: 100, channels: { shop: { visible: true, sort: 1 } } })];
  const changes = importDoc(A, doc);
  assert.ok(changes.includes('removed channel web'), changes.join('\n'));
  assert.ok(changes.includes('retired product T-100GB'), changes.join('\n'));

  assert.equal(exportText(B), b);
  assert.deepEqual(importDoc(B, b), ['no changes']);
  assert.equal(exportDoc(A).channels.length, 1);
});
