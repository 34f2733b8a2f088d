// The panel's campaign screens through nginx (issue 14, docs/admin.md,
// "Campaigns"): an editor creates a campaign and the storefront's price
// shows it; the campaigns a form meets are listed with the engine's
// precedence; ending one early stops it at once; bad fields answer 422
// at the field; a viewer reads but cannot change; another tenant's
// campaign is 404; every change leaves an audit row. The catalog is put
// back as it was after the tests.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FJORD, NORDLYS, ecomctl, json, sql } from './lib.mjs';
import { dropStaffAndOrders, PublishingBrowser, signedInStaff, TAG } from './staff.mjs';

const tenantId = (slug) => sql(`SELECT id FROM tenants WHERE slug = '${slug}'`);
const dir = mkdtempSync(path.join(os.tmpdir(), 'ecom-campaigns-'));
const original = path.join(dir, 'nordlys.json');
const code = (name) => `t${TAG.replace(/\D/g, '')}-${name}`;

// the shop's catalog draft, which these saves go through
const dropDraft = () => sql("DELETE d FROM catalog_drafts d JOIN tenants t ON t.id = d.tenant_id WHERE t.slug = 'nordlys'");

before(() => {
  dropDraft();
  writeFileSync(original, ecomctl('catalog', 'export', 'nordlys'));
});

after(() => {
  dropDraft();
  ecomctl('catalog', 'import', 'nordlys', original);
  rmSync(dir, { recursive: true, force: true });
  sql(`DELETE FROM audit_log WHERE actor_label LIKE '%-${TAG}@admin.test'`);
  dropStaffAndOrders();
});

const signedIn = (role, host = NORDLYS) =>
  signedInStaff(role, host, host === FJORD ? 'fjordmobil' : 'nordlys', PublishingBrowser);

// Instant ms as <input type="datetime-local"> in Copenhagen writes it.
const local = (ms) => new Date(ms).toLocaleString('sv-SE', { timeZone: 'Europe/Copenhagen' })
  .slice(0, 16).replace(' ', 'T');
const HOUR = 3600e3;
const now = Date.now();

// A campaign form's fields as pairs: one action row, the rest empty.
function campaignForm({ c, name = 'Testkampagne', from = now - HOUR, to = now + 24 * HOUR,
  products = ['NL-TALE'], channels = [], priority = '0', stacking = 'exclusive',
  kind = 'fixed_price', amount = '49,00', first = '1', months = '2', fees = [] } = {}) {
  const pairs = [];
  if (c) pairs.push(['code', c]);
  pairs.push(['name', name], ['valid_from', typeof from === 'number' ? local(from) : from],
    ['valid_to', typeof to === 'number' ? local(to) : to]);
  for (const p of products) pairs.push(['products', p]);
  for (const ch of channels) pairs.push(['channels', ch]);
  pairs.push(['priority', priority], ['stacking', stacking], ['required_binding', '0'],
    ['a0_kind', kind], ['a0_amount', amount], ['a0_first_month', first], ['a0_months', months]);
  for (const f of fees) pairs.push(['a0_fees', f]);
  for (let i = 1; i < 8; i++) pairs.push([`a${i}_kind`, ''], [`a${i}_amount`, '']);
  return pairs;
}

const talePrice = async () => (await json(NORDLYS, '/api/v1/products/NL-TALE')).json.product.price;

function auditRows(type, id) {
  return sql(`SELECT CONCAT(action, ' ', actor_kind, ' ', actor_label) FROM audit_log
    WHERE tenant_id = ${tenantId('nordlys')} AND object_type = '${type}' AND object_id = '${id}'
    ORDER BY id`).split('\n').filter(Boolean);
}

// the field's error: its input marked invalid and described by it
function errorAt(body, id) {
  const input = body.match(new RegExp(`<(?:input|select)[^>]*id="${id}"[^>]*>`));
  assert.ok(input, `no field ${id}`);
  assert.match(input[0], /aria-invalid="true"/, `${id} not marked invalid`);
  assert.match(body, new RegExp(`class="field-error" id="${id}-error"`), `no error text at ${id}`);
}

test('who may use the campaign screens', async () => {
  const want = { editor: [200, 200], admin: [200, 200], viewer: [200, 403], agent: [403, 403] };
  for (const [role, [list, form]] of Object.entries(want)) {
    const { b } = await signedIn(role);
    assert.equal((await b.get('/admin/campaigns')).status, list, `${role} list`);
    assert.equal((await b.get('/admin/campaigns/new')).status, form, `${role} form`);
  }
  const { b } = await signedIn('viewer');
  const page = await b.get('/admin/campaigns');
  assert.doesNotMatch(page.body, /href="\/admin\/campaigns\/new"/);
  assert.match(page.body, /data-campaign="binding-99"/);
  const r = await b.form('/admin/campaigns', campaignForm({ c: code('viewer') }));
  assert.equal(r.status, 403);
});

test('an editor creates a running campaign: the storefront price shows it, audited', async () => {
  const { b, email } = await signedIn('editor');
  assert.equal((await talePrice()).monthly_now, 7900);
  const c = code('run');
  const r = await b.form('/admin/campaigns', campaignForm({ c, name: 'Tale til 49', priority: '50' }));
  assert.equal(r.status, 303, r.body);
  assert.equal(r.headers.location, `/admin/campaigns/${c}?done=created`);
  const price = await talePrice();
  assert.equal(price.monthly_now, 4900);
  assert.ok(price.campaigns.some((x) => x.code === c));
  const explained = await json(NORDLYS, '/api/v1/products/NL-TALE/price');
  assert.equal(explained.json.price.explanation.find((e) => e.campaign === c).applied, true);
  assert.deepEqual(auditRows('campaign', c), [`create staff ${email}`]);
  // the form shows it as stored, in the shop's way of writing money
  const form = await b.get(`/admin/campaigns/${c}?done=created`);
  assert.equal(form.status, 200);
  assert.match(form.body, /id="campaign-notice"/);
  assert.match(form.body, /id="a0_amount" name="a0_amount" type="text" inputmode="decimal" value="49,00"/);
  assert.match(form.body, /<option value="fixed_price" selected>/);
  assert.match(form.body, /id="end-form"/);
  // the list has it among the running ones
  const list = await b.get('/admin/campaigns');
  const running = list.body.slice(list.body.indexOf('id="campaigns-running"'), list.body.indexOf('id="coming-heading"'));
  assert.match(running, new RegExp(`data-campaign="${c}"`));
  // an edit: saved, audited as an update
  const e = await b.form(`/admin/campaigns/${c}`, campaignForm({ name: 'Tale til 49 kr.', priority: '50' }));
  assert.equal(e.status, 303, e.body);
  assert.equal(e.headers.location, `/admin/campaigns/${c}?done=saved`);
  assert.deepEqual(auditRows('campaign', c), [`create staff ${email}`, `update staff ${email}`]);
});

test('the campaigns a form meets are listed with the engine\'s precedence', async () => {
  const { b } = await signedIn('editor');
  const top = code('top');      // exclusive, priority 40, every channel, running
  const web = code('web');      // exclusive, priority 10, web only, coming
  const stack = code('stack');  // stackable fee waiver, coming
  const same = code('same');    // exclusive, priority 40, web only, coming
  const apart = code('apart');  // another product: never listed
  const P = ['NL-10GB'];        // on the web, no other exclusive campaign
  const made = [
    campaignForm({ c: top, products: P, priority: '40', amount: '59,00' }),
    campaignForm({ c: web, products: P, priority: '10', channels: ['web'], from: now + HOUR, to: now + 2 * HOUR }),
    campaignForm({ c: stack, products: P, stacking: 'stackable', kind: 'waive_fee', amount: '', first: '', months: '',
      fees: ['startup'], from: now + HOUR, to: now + 3 * HOUR }),
    campaignForm({ c: same, products: P, priority: '40', channels: ['web'], from: now + 2 * HOUR, to: now + 3 * HOUR }),
    campaignForm({ c: apart, products: ['NL-FRI'], priority: '99' }),
  ];
  for (const f of made) {
    const r = await b.form('/admin/campaigns', f);
    assert.equal(r.status, 303, r.body);
  }
  const rows = (body) => Object.fromEntries([...body.matchAll(
    /<tr data-campaign="([^"]+)" data-meeting="([^"]+)">(.*?)<\/tr>/g)].map((m) => [m[1], [m[2], m[3]]]));
  const atWeb = rows((await b.get(`/admin/campaigns/${web}`)).body);
  assert.equal(atWeb[top][0], 'other_wins_priority');
  assert.match(atWeb[top][1], /Den anden vinder \(prioritet 40 &gt; 10\)/);
  assert.equal(atWeb[stack][0], 'other_on_top');
  assert.ok(!(same in atWeb), 'windows that do not meet');
  assert.ok(!(apart in atWeb), 'no product in common');
  const atTop = rows((await b.get(`/admin/campaigns/${top}`)).body);
  assert.equal(atTop[web][0], 'this_wins_priority');
  assert.match(atTop[web][1], /Denne vinder \(prioritet 40 &gt; 10\)/);
  assert.equal(atTop[same][0], 'other_wins_channel');
  assert.equal(atTop[stack][0], 'other_on_top');
  const atStack = rows((await b.get(`/admin/campaigns/${stack}`)).body);
  assert.equal(atStack[top][0], 'this_on_top');
  assert.match(atStack[top][1], /Begge gælder/);
  // the engine agrees where top and same meet (web, same priority): same
  // names the channel and wins
  const at = encodeURIComponent(local(now + 2.5 * HOUR));
  const price = await json(NORDLYS, `/api/v1/products/NL-10GB/price?at=${at}`);
  const ex = (c) => price.json.price.explanation.find((e) => e.campaign === c);
  assert.equal(ex(same).applied, true);
  assert.equal(ex(top).decided_by, 'channel');
  // a new campaign's failed save lists what it would meet
  const bad = await b.form('/admin/campaigns', campaignForm({ c: code('new'), name: '', priority: '5', products: P }));
  assert.equal(bad.status, 422);
  assert.equal(rows(bad.body)[top][0], 'other_wins_priority');
  for (const c of [web, stack, same]) assert.equal((await b.form(`/admin/campaigns/${c}/delete`)).status, 303);
});

test('bad fields answer 422 at the field, with what was typed kept', async () => {
  const { b } = await signedIn('editor');
  const c = code('bad');
  let r = await b.form('/admin/campaigns', campaignForm({ c, name: 'Baglæns', from: now + 2 * HOUR, to: now + HOUR }));
  assert.equal(r.status, 422);
  errorAt(r.body, 'valid_to');
  assert.match(r.body, /id="name" name="name" type="text" maxlength="120" required value="Baglæns"/);
  r = await b.form('/admin/campaigns', campaignForm({ c, products: ['NL-FINDES-IKKE'] }));
  assert.equal(r.status, 422);
  assert.match(r.body, /class="field-error" id="products-error"/);
  r = await b.form('/admin/campaigns', campaignForm({ c, amount: 'mange penge' }));
  assert.equal(r.status, 422);
  errorAt(r.body, 'a0_amount');
  assert.match(r.body, /value="mange penge"/);
  r = await b.form('/admin/campaigns', campaignForm({ c, priority: 'høj' }));
  assert.equal(r.status, 422);
  errorAt(r.body, 'priority');
  r = await b.form('/admin/campaigns', campaignForm({ c, first: '7' }));   // the legal guard
  assert.equal(r.status, 422);
  errorAt(r.body, 'a0_first_month');
  r = await b.form('/admin/campaigns', campaignForm({ c: 'binding-99' }));
  assert.equal(r.status, 409);
  errorAt(r.body, 'code');
  assert.deepEqual(auditRows('campaign', c), []);
  assert.equal((await b.get(`/admin/campaigns/${c}`)).status, 404);
});

test('ending early stops the campaign on the storefront at once', async () => {
  const { b, email } = await signedIn('editor');
  const c = code('end');
  const later = code('later');
  assert.equal((await b.form('/admin/campaigns', campaignForm({ c, priority: '60', amount: '39,00' }))).status, 303);
  assert.equal((await b.form('/admin/campaigns', campaignForm({ c: later, from: now + HOUR }))).status, 303);
  assert.equal((await talePrice()).monthly_now, 3900);
  // one that has not started cannot end (delete it), one that has cannot go
  assert.equal((await b.form(`/admin/campaigns/${later}/end`)).status, 409);
  assert.equal((await b.form(`/admin/campaigns/${c}/delete`)).status, 409);
  const r = await b.form(`/admin/campaigns/${c}/end`);
  assert.equal(r.status, 303);
  assert.equal(r.headers.location, `/admin/campaigns/${c}?done=ended`);
  const price = await talePrice();
  assert.ok(!price.campaigns.some((x) => x.code === c));
  assert.notEqual(price.monthly_now, 3900);
  const list = await b.get('/admin/campaigns');
  assert.match(list.body.slice(list.body.indexOf('id="ended-heading"')), new RegExp(`data-campaign="${c}"`));
  assert.deepEqual(auditRows('campaign', c), [`create staff ${email}`, `update staff ${email}`]);
  assert.equal((await b.form(`/admin/campaigns/${later}/delete`)).status, 303);
  assert.deepEqual(auditRows('campaign', later), [`create staff ${email}`, `delete staff ${email}`]);
  assert.equal((await b.get(`/admin/campaigns/${later}`)).status, 404);
});

test('another tenant\'s campaign is 404 through the panel', async () => {
  const { b } = await signedIn('editor', FJORD);
  for (const p of ['/admin/campaigns/binding-99']) assert.equal((await b.get(p)).status, 404);
  for (const p of ['/admin/campaigns/binding-99', '/admin/campaigns/binding-99/end',
    '/admin/campaigns/binding-99/delete']) {
    assert.equal((await b.form(p, campaignForm())).status, 404, p);
  }
  const list = await b.get('/admin/campaigns');
  assert.doesNotMatch(list.body, /data-campaign="binding-99"/);
});
