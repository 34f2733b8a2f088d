// The catalog draft and the preview through nginx (docs/admin.md,
// "Drafts, publishing and preview"): a change in the draft stays off the
// storefront; the staff member who asks sees it in a preview as the
// chosen channel and at the chosen instant, nobody else does (not even
// with the preview's cookie in another session); publishing makes it
// live with an audit row as the publisher; a scheduled publication
// happens at its time; a viewer reads the draft but cannot publish.
//
// A scratch tenant, drafthttp, made for the run and deleted after it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Shopper, dropTenants, eventually, makeTenants, sql } from './lib.mjs';
import { dropStaffAndOrders, signedInStaff } from './staff.mjs';

const SLUG = 'drafthttp';
const HOST = `${SLUG}.localhost`;
const SKU = 'DH-APP';
const signedIn = (role) => signedInStaff(role, HOST, SLUG);

function plan(sku, fields = {}) {
  return {
    sku, kind: 'plan', status: 'active', name: `Plan ${sku}`, description: '',
    data_gb: 10, talk_minutes: null, network: '4g', eu_data_gb: 5, monthly_price: 9900,
    fees: { startup: 0, sim: 0 }, binding_months: [0], sim_types: ['physical', 'esim'],
    channels: { web: { visible: true, sort: 10 } }, addons: [], ...fields,
  };
}

const catalog = () => ({
  format: 'ecom-catalog/1',
  channels: [{ code: 'web', name: 'Web', kind: 'web_front', default: true },
             { code: 'app', name: 'App', kind: 'app' }],
  channel_rules: [{ kind: 'query_param', param: 'channel', value: 'app', channel: 'app' }],
  products: [plan('DH-BASE', { channels: { web: { visible: true, sort: 0 }, app: { visible: true, sort: 0 } } })],
  campaigns: [],
});



const tenantId = () => sql(`SELECT id FROM tenants WHERE slug = '${SLUG}'`);

// A change put in the draft as the panel's forms put them (the service
// is tested in C, t/integration/svc/draft_store_test.c).
function draftRow(type, key, body) {
  const json = JSON.stringify(body).replace(/'/g, "''");
  sql(`INSERT INTO catalog_drafts (tenant_id, object_type, object_key, body, updated_by)
       VALUES (${tenantId()}, '${type}', '${key}', '${json}', 'tests')
       ON DUPLICATE KEY UPDATE body = VALUES(body)`);
}

// The shop's local time in minutes from now, as a datetime-local field
// sends it (the scratch tenant is in Europe/Copenhagen).
function localIn(seconds) {
  const d = new Date(Date.now() + seconds * 1000);
  const parts = Object.fromEntries(new Intl.DateTimeFormat('en-GB', {
    timeZone: 'Europe/Copenhagen', year: 'numeric', month: '2-digit', day: '2-digit',
    hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23',
  }).formatToParts(d).map((p) => [p.type, p.value]));
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}:${parts.second}`;
}

before(() => makeTenants([{ slug: SLUG, name: 'Draft test', catalog: catalog() }]));

after(() => {
  dropStaffAndOrders();
  dropTenants([SLUG]);
});

test('a drafted product: off the storefront, in the editor\'s preview as its channel only, live once published', async () => {
  const { b, email } = await signedIn('editor');
  draftRow('product', SKU, plan(SKU, { name: 'App-only plan', channels: { app: { visible: true, sort: 1 } } }));
  const visitor = new Shopper(HOST);
  assert.equal((await visitor.get(`/products/${SKU}?channel=app`)).status, 404);

  // the draft screen lists it, linked to its form
  let r = await b.get('/admin/draft');
  assert.equal(r.status, 200);
  assert.match(r.body, new RegExp(`data-key="${SKU}"`));
  assert.match(r.body, new RegExp(`href="/admin/products/${SKU}"`));

  // preview as the app channel: the page shows it, with the banner
  r = await b.form('/admin/preview', { channel: 'app', draft: '1', page: `/products/${SKU}`, at: '' });
  assert.equal(r.status, 303, r.body);
  assert.equal(r.headers.location, `/products/${SKU}`);
  r = await b.get(`/products/${SKU}`);
  assert.equal(r.status, 200);
  assert.match(r.body, /App-only plan/);
  assert.match(r.body, /class="preview-banner"/);
  assert.match(r.headers['cache-control'], /no-store/);
  const api = await b.get('/api/v1/products', { Accept: 'application/json' });
  assert.ok(JSON.parse(api.body).products.some((p) => p.sku === SKU), api.body);

  // as the web channel: not there
  r = await b.form('/admin/preview', { channel: 'web', draft: '1', page: '/', at: '' });
  assert.equal(r.status, 303);
  assert.equal((await b.get(`/products/${SKU}`)).status, 404);
  assert.doesNotMatch((await b.get('/')).body, /App-only plan/);

  // the cookie is worth nothing in another session
  await b.form('/admin/preview', { channel: 'app', draft: '1', page: '/', at: '' });
  const thief = new Shopper(HOST);
  await thief.get('/');
  thief.cookies.set('ec_preview', b.cookies.get('ec_preview'));
  assert.equal((await thief.get(`/products/${SKU}`)).status, 404);
  // nor once the staff member has signed out
  r = await b.form('/admin/sign-out');
  assert.equal(r.status, 303);
  assert.equal((await b.get(`/products/${SKU}`)).status, 404);

  // publish: live in the app channel only, audited as the publisher
  const { b: ed2, email: publisher } = await signedIn('editor');
  r = await ed2.form('/admin/draft/publish');
  assert.equal(r.status, 303, r.body);
  assert.match(r.headers.location, /published=1/);
  assert.equal((await visitor.get(`/products/${SKU}?channel=app`)).status, 200);
  assert.equal((await visitor.get(`/products/${SKU}`)).status, 404);
  assert.equal(sql(`SELECT CONCAT(action, ' ', actor_label) FROM audit_log WHERE tenant_id = ${tenantId()}
                    AND object_type = 'product' AND object_id = '${SKU}'`), `create ${publisher}`);
  assert.equal(sql(`SELECT COUNT(*) FROM catalog_drafts WHERE tenant_id = ${tenantId()}`), '0');
  assert.ok(email);
});

test('a preview at an instant shows the campaign that runs then, and the live page does not', async () => {
  const { b } = await signedIn('editor');
  const start = new Date(Date.now() + 10 * 86400e3).toISOString().replace(/\.\d+Z$/, 'Z');
  const end = new Date(Date.now() + 20 * 86400e3).toISOString().replace(/\.\d+Z$/, 'Z');
  draftRow('campaign', 'dh-later', {
    code: 'dh-later', name: 'Later offer', valid_from: start, valid_to: end, products: ['DH-BASE'],
    priority: 0, stacking: 'exclusive', required_binding: 0,
    actions: [{ kind: 'fixed_price', amount: 4900, first_month: 1, months: 0 }],
  });
  const price = async (who) => JSON.parse((await who.get('/api/v1/products/DH-BASE', { Accept: 'application/json' })).body);
  let r = await b.form('/admin/preview', { channel: 'web', draft: '1', page: '/', at: localIn(15 * 86400) });
  assert.equal(r.status, 303, r.body);
  const later = await price(b);
  assert.equal(later.product.price.monthly_now, 4900, JSON.stringify(later));
  r = await b.form('/admin/preview', { channel: 'web', draft: '1', page: '/', at: '' });
  assert.equal((await price(b)).product.price.monthly_now, 9900);
  assert.equal((await price(new Shopper(HOST))).product.price.monthly_now, 9900);
  // a bad instant is answered at the form
  r = await b.form('/admin/preview', { channel: 'web', page: '/', at: 'tomorrow' });
  assert.equal(r.status, 422);
  sql(`DELETE FROM catalog_drafts WHERE tenant_id = ${tenantId()}`);
});

test('a scheduled publication happens at its time; a viewer reads the draft but may not publish', async () => {
  const { b: viewer } = await signedIn('viewer');
  draftRow('product', 'DH-LATER', plan('DH-LATER', { name: 'Scheduled plan' }));
  let r = await viewer.get('/admin/draft');
  assert.equal(r.status, 200);
  assert.doesNotMatch(r.body, /id="publish-now"/);
  assert.equal((await viewer.form('/admin/draft/publish')).status, 403);

  const { b } = await signedIn('editor');
  r = await b.form('/admin/draft/schedule', { at: localIn(-60) });
  assert.equal(r.status, 422);
  r = await b.form('/admin/draft/schedule', { at: localIn(3) });
  assert.equal(r.status, 303, r.body);
  assert.match((await b.get('/admin/draft')).body, /id="draft-scheduled"/);
  const visitor = new Shopper(HOST);
  assert.equal((await visitor.get('/products/DH-LATER')).status, 404);
  await eventually(async () => (await visitor.get('/products/DH-LATER')).status === 200,
    { timeout: 15000, interval: 250 });
  assert.equal(sql(`SELECT COUNT(*) FROM audit_log WHERE tenant_id = ${tenantId()}
                    AND object_id = 'DH-LATER' AND action = 'create'`), '1');
});
