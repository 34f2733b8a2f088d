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
import { ROOT, STACK_DIR, ecomctl, ecomdEnv } from './lib.mjs';

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
  return spawnSync(path.join(ROOT, 'build/plain/ecomctl'),
    ['-c', path.join(STACK_DIR, 'ecomd.conf'), ...args],
    { encoding: 'utf8', env: ecomdEnv() });
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

// Campaigns written the way an export writes them: by code, every field
// spelled out, times with the tenant's offset (Copenhagen: +01:00 in
// winter, +02:00 in summer).
function startCampaigns() {
  return [
    {
      code: 'app-99', name: '99 kr./md. i appen med 6 mdr. binding',
      valid_from: '2026-11-01T00:00:00+01:00', valid_to: '2027-03-01T00:00:00+01:00',
      products: ['T-100GB'], channels: ['app'], priority: 10, stacking: 'exclusive',
      required_binding: 6,
      actions: [{ kind: 'fixed_price', amount: 9900, first_month: 1, months: 6 }],
    },
    {
      code: 'gratis-start', name: 'Gratis oprettelse',
      valid_from: '2026-11-01T00:00:00+01:00', valid_to: '2027-06-01T00:00:00+02:00',
      products: ['T-100GB', 'T-10GB'], priority: 0, stacking: 'stackable', required_binding: 0,
      actions: [
        { kind: 'waive_fee', fees: ['startup'] },
        { kind: 'reduce_fee', amount: 2500, fees: ['startup', 'sim'] },
      ],
    },
    {
      code: 'sommer_10', name: 'Sommer: 10 % fra 2. md., 25 kr. rabat',
      valid_from: '2027-06-01T00:00:00+02:00', valid_to: '2027-09-01T00:00:00+02:00',
      products: ['T-10GB'], channels: ['tilbud', 'web'], priority: -5, stacking: 'exclusive',
      required_binding: 0,
      actions: [
        { kind: 'percent_off', percent_bp: 1000, first_month: 2, months: 0 },
        { kind: 'amount_off', amount: 2500, first_month: 1, months: 3 },
      ],
    },
  ];
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
          app: { visible: true, name: 'App 100 GB', sort: 10, sim_types: ['esim'], monthly_price: 17900 },
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
    campaigns: startCampaigns(),
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
    'added campaign app-99', 'added campaign gratis-start', 'added campaign sommer_10',
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
  // a campaign may only name channels of the document
  doc.campaigns[2].channels = ['web'];

  assert.deepEqual(importDoc(A, doc), [
    'updated channel app: name',
    'removed channel tilbud',
    'replaced channel rules (2)',
    'updated product T-100GB: data_gb 100 -> unlimited, binding_months 0,6 -> 0,3,6, channels, addons',
    'updated campaign sommer_10: channels',
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
  doc.campaigns = [{ ...startCampaigns()[1], products: ['T-10GB'] }];
  const changes = importDoc(A, doc);
  assert.ok(changes.includes('removed channel web'), changes.join('\n'));
  assert.ok(changes.includes('retired product T-100GB'), changes.join('\n'));
  assert.ok(changes.includes('updated campaign gratis-start: products'), changes.join('\n'));
  assert.ok(changes.includes('removed campaign app-99'), changes.join('\n'));

  assert.equal(exportText(B), b);
  assert.deepEqual(importDoc(B, b), ['no changes']);
  assert.equal(exportDoc(A).channels.length, 1);
});

// ---- campaigns and channel prices ----

// One value from the stack's database, as text, asked as ecomd asks.
function sqlValue(query) {
  const conf = Object.fromEntries(readFileSync(path.join(STACK_DIR, 'ecomd.conf'), 'utf8')
    .split('\n').map((l) => l.match(/^\s*(mysql_\w+)\s*=\s*(.*?)\s*$/)).filter(Boolean)
    .map((m) => [m[1], m[2]]));
  const password = readFileSync(path.join(STACK_DIR, 'secrets/mysql_password'), 'utf8').trim();
  const r = spawnSync('mariadb', ['--no-defaults', `-h${conf.mysql_host}`, `-P${conf.mysql_port}`,
    `-u${conf.mysql_user}`, conf.mysql_database, '-N', '-B', '-e', query],
  { encoding: 'utf8', env: { ...process.env, MYSQL_PWD: password } });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim();
}

const campaign = (doc, code) => doc.campaigns.find((c) => c.code === code);

test('campaigns and channel prices round-trip: export, import, export gives the same bytes', () => {
  importDoc(A, startCatalog());
  const text = exportText(A);
  const doc = JSON.parse(text);
  assert.deepEqual(doc.campaigns, startCampaigns());
  assert.equal(doc.products.find((p) => p.sku === 'T-100GB').channels.app.monthly_price, 17900);
  assert.equal(doc.products.find((p) => p.sku === 'T-100GB').channels.web.monthly_price, undefined,
    'no channel price: the product\'s holds, and the export leaves it out');
  assert.deepEqual(importDoc(A, text), ['no changes']);
  assert.equal(exportText(A), text);
});

test('a campaign written loosely is stored and exported in canonical form', () => {
  const doc = startCatalog();
  doc.campaigns = [
    { // defaults left out, lists out of order, local times, one in UTC
      code: 'loose', name: 'Løst skrevet', valid_from: '2026-12-01', valid_to: '2027-06-30T22:00:00Z',
      products: ['T-10GB', 'T-100GB'], channels: ['web', 'app'],
      actions: [{ kind: 'amount_off', amount: 1000 }, { kind: 'reduce_fee', amount: 100, fees: ['sim', 'startup'] }],
    },
  ];
  assert.ok(importDoc(A, doc).includes('added campaign loose'));
  const text = exportText(A);
  assert.deepEqual(JSON.parse(text).campaigns, [{
    code: 'loose', name: 'Løst skrevet',
    valid_from: '2026-12-01T00:00:00+01:00', valid_to: '2027-07-01T00:00:00+02:00',
    products: ['T-100GB', 'T-10GB'], channels: ['app', 'web'], priority: 0, stacking: 'exclusive',
    required_binding: 0,
    actions: [
      { kind: 'amount_off', amount: 1000, first_month: 1, months: 0 },
      { kind: 'reduce_fee', amount: 100, fees: ['startup', 'sim'] },
    ],
  }]);
  // the loose form and the canonical one are the same campaign
  assert.deepEqual(importDoc(A, doc), ['no changes']);
  assert.deepEqual(importDoc(A, text), ['no changes']);
  assert.equal(exportText(A), text);
});

test('local campaign times are the tenant\'s and come back with +01:00 in winter, +02:00 in summer', () => {
  // A is in Europe/Copenhagen (the default); B in Europe/London
  ecomctl('seed', writeDoc('zone.sql', `UPDATE tenants SET time_zone = 'Europe/London' WHERE slug = '${B}';\n`));
  const doc = startCatalog();
  doc.campaigns = [{
    ...startCampaigns()[0],
    valid_from: '2026-12-24T18:00', valid_to: '2027-07-01T00:00:00',
  }];
  importDoc(A, doc);
  importDoc(B, doc);
  const a = campaign(exportDoc(A), 'app-99');
  assert.equal(a.valid_from, '2026-12-24T18:00:00+01:00');
  assert.equal(a.valid_to, '2027-07-01T00:00:00+02:00');
  const b = campaign(exportDoc(B), 'app-99');
  assert.equal(b.valid_from, '2026-12-24T18:00:00+00:00');
  assert.equal(b.valid_to, '2027-07-01T00:00:00+01:00');
  // stored in UTC
  assert.equal(sqlValue(`SELECT CONCAT(c.valid_from, ' ', c.valid_to) FROM campaigns c
    JOIN tenants t ON t.id = c.tenant_id WHERE t.slug = '${A}' AND c.code = 'app-99'`),
  '2026-12-24 17:00:00 2027-06-30 22:00:00');

  // the same instant written with another offset is no change
  doc.campaigns[0].valid_from = '2026-12-24T17:00:00Z';
  assert.deepEqual(importDoc(A, doc), ['no changes']);

  // a local time the clocks skip or repeat is refused, not guessed
  doc.campaigns[0].valid_to = '2027-10-31T02:30';
  const file = writeDoc('fold.json', doc);
  const e = run('catalog', 'import', A, file);
  assert.equal(e.status, 1);
  assert.equal(e.stderr, `ecomctl: ${file}: $.campaigns[0].valid_to: 2027-10-31T02:30 happens twice in `
    + 'Europe/Copenhagen (the clocks go back); give the offset: 2027-10-31T02:30:00+02:00 or '
    + '2027-10-31T02:30:00+01:00\n');
});

test('a changed campaign reports the fields that changed and keeps its creation time', () => {
  importDoc(A, startCatalog());
  const created = sqlValue(`SELECT c.created_at FROM campaigns c JOIN tenants t ON t.id = c.tenant_id
    WHERE t.slug = '${A}' AND c.code = 'app-99'`);
  const doc = exportDoc(A);
  const c = campaign(doc, 'app-99');
  c.valid_to = '2027-04-01T00:00:00+02:00';
  c.priority = 20;
  c.stacking = 'stackable';
  c.required_binding = 3;
  c.name = '99 kr./md. i appen';
  const g = campaign(doc, 'gratis-start');
  g.products = ['T-100GB'];
  g.channels = ['web'];
  campaign(doc, 'sommer_10').actions[0].percent_bp = 1500;
  doc.campaigns.push({ ...startCampaigns()[0], code: 'ny', products: ['T-10GB'], required_binding: 0 });

  assert.deepEqual(importDoc(A, doc), [
    'updated campaign app-99: valid_to 2027-03-01T00:00:00+01:00 -> 2027-04-01T00:00:00+02:00, '
      + 'priority 10 -> 20, stacking exclusive -> stackable, required_binding 6 -> 3, name',
    'updated campaign gratis-start: products, channels',
    'updated campaign sommer_10: actions',
    'added campaign ny',
  ]);
  assert.equal(sqlValue(`SELECT c.created_at FROM campaigns c JOIN tenants t ON t.id = c.tenant_id
    WHERE t.slug = '${A}' AND c.code = 'app-99'`), created, 'created_at decides "newest": kept');
  doc.campaigns.sort((x, y) => (x.code < y.code ? -1 : 1));
  assert.deepEqual(exportDoc(A).campaigns, doc.campaigns);

  // campaigns the document leaves out are deleted with their rows
  doc.campaigns = doc.campaigns.filter((x) => x.code !== 'sommer_10');
  assert.deepEqual(importDoc(A, doc), ['removed campaign sommer_10']);
  assert.equal(sqlValue(`SELECT COUNT(*) FROM campaign_actions a JOIN tenants t ON t.id = a.tenant_id
    WHERE t.slug = '${A}'`), '4');
  assert.deepEqual(exportDoc(A).campaigns, doc.campaigns);
});

test('an illegal campaign is refused with its path and the reason, and nothing changes', () => {
  importDoc(A, startCatalog());
  const before = exportText(A);
  const cases = [
    [(d) => { d.campaigns[0].required_binding = 12; },
      "$.campaigns[0].required_binding: The campaign requires 12 months' binding; "
      + 'a consumer may be bound for at most 6 months.'],
    [(d) => { d.campaigns[2].actions[1].first_month = 7; },
      '$.campaigns[2].actions[1].first_month: Price action 2 starts in month 7: a benefit that '
      + 'needs the customer to stay past month 6 binds them for longer than the law allows.'],
    [(d) => { d.campaigns[1].valid_to = d.campaigns[1].valid_from; },
      '$.campaigns[1].valid_to: The campaign must end after it starts.'],
    [(d) => { d.campaigns[1].products.push('T-NOPE'); },
      '$.campaigns[1].products[2]: "T-NOPE" is not a product of this document'],
    [(d) => { d.products[0].channels.app.monthly_price = -1; },
      '$.products[0].channels.app.monthly_price: must be a whole number of øre, 0 or more (got -1)'],
    [(d) => { d.products[0].channels.app.monthly_price = 1.5; },
      '$.products[0].channels.app.monthly_price: must be a whole number of øre, 0 or more (got 1.5)'],
  ];
  for (const [change, message] of cases) {
    const doc = JSON.parse(before);
    doc.products[1].monthly_price = 1;    // fine, but must not be applied
    campaign(doc, 'app-99').priority = 99;
    change(doc);
    const file = writeDoc('illegal.json', doc);
    const e = run('catalog', 'import', A, file);
    assert.equal(e.status, 1, message);
    assert.equal(e.stdout, '');
    assert.equal(e.stderr, `ecomctl: ${file}: ${message}\n`);
    assert.equal(exportText(A), before);
  }
});

test('a channel price is stored, reported as a channel change and removed again', () => {
  importDoc(A, startCatalog());
  const doc = exportDoc(A);
  const tenGb = doc.products.find((p) => p.sku === 'T-10GB');
  tenGb.channels.web.monthly_price = 0;
  delete doc.products.find((p) => p.sku === 'T-100GB').channels.app.monthly_price;
  assert.deepEqual(importDoc(A, doc), [
    'updated product T-100GB: channels',
    'updated product T-10GB: channels',
  ]);
  assert.deepEqual(exportDoc(A), doc);
  assert.equal(sqlValue(`SELECT GROUP_CONCAT(IFNULL(pc.monthly_price, 'NULL') ORDER BY p.sku, c.code)
    FROM product_channels pc JOIN products p ON p.id = pc.product_id JOIN channels c ON c.id = pc.channel_id
    JOIN tenants t ON t.id = pc.tenant_id WHERE t.slug = '${A}' AND p.sku IN ('T-100GB', 'T-10GB')`),
  'NULL,NULL,NULL,0');
});

test('the server prices with the imported campaigns: ecomctl price before, during and after', () => {
  importDoc(A, startCatalog());
  const price = (at, binding) => ecomctl('price', A, 'T-100GB', '--channel', 'app',
    '--binding', String(binding), '--at', at);
  const before = price('2026-10-31T23:59:59', 6);
  const during = price('2026-11-01T00:00:00', 6);
  const after = price('2027-03-01T00:00:00', 6);
  // the channel's own base price, then the campaign's fixed price
  assert.match(before, /regular monthly price: 179,00 kr\./);
  assert.match(before, /monthly price now:\s+179,00 kr\./);
  assert.match(during, /monthly price now:\s+99,00 kr\./);
  assert.match(during, /months 1-6\s+99,00 kr\./);
  assert.match(during, /app-99\s+applied/);
  // the stackable fee waiver runs to June
  assert.match(during, /start-up fee:\s+0,00 kr\./);
  assert.match(after, /monthly price now:\s+179,00 kr\./);
  assert.match(after, /app-99\s+outside_validity/);
  assert.match(after, /start-up fee:\s+0,00 kr\./);
  // without the required binding the campaign does not apply
  assert.match(price('2026-12-01T12:00', 0), /app-99\s+binding_required/);
});
