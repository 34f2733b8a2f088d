// The panel's channel screens through nginx (issue 14, docs/admin.md,
// "Channels"): an editor creates a channel and a rule, and the
// storefront's rule then picks it; the rules are one ordered list; a
// channel still named cannot be deleted, and the screen says by what;
// bad fields answer 422 at the field; a viewer reads but cannot change;
// another tenant's channel is 404; every change leaves an audit row. The
// catalog is put back as it was after the tests.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FJORD, NORDLYS, ecomctl, json, sql } from './lib.mjs';
import { dropStaffAndOrders, PanelBrowser, PublishingBrowser, signedInStaff, TAG } from './staff.mjs';

const tenantId = (slug) => sql(`SELECT id FROM tenants WHERE slug = '${slug}'`);
const dir = mkdtempSync(path.join(os.tmpdir(), 'ecom-channels-'));
const original = path.join(dir, 'nordlys.json');
const CODE = `t${TAG.replace(/\D/g, '')}`;

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

function auditRows(type, id) {
  return sql(`SELECT CONCAT(action, ' ', actor_kind, ' ', actor_label) FROM audit_log
    WHERE tenant_id = ${tenantId('nordlys')} AND object_type = '${type}' AND object_id = '${id}'
    AND actor_label LIKE '%-${TAG}@admin.test' ORDER BY id`).split('\n').filter(Boolean);
}

const storedRules = () => JSON.parse(ecomctl('catalog', 'export', 'nordlys')).channel_rules;

// The rules form's rows as the screen shows them (the stored rules, then
// empty rows), as pairs to post back, with changes applied.
function rulesForm(body, change = (rows) => rows) {
  const rows = [];
  for (let i = 0; body.includes(`id="r${i}_kind"`); i++) {
    const sel = (id) => {
      const m = body.match(new RegExp(`<select id="${id}"[^>]*>([^]*?)</select>`));
      return m[1].match(/<option value="([^"]*)" selected>/)?.[1] ?? '';
    };
    const inp = (id) => body.match(new RegExp(`<input id="${id}"[^>]*value="([^"]*)"`))[1];
    rows.push({ position: inp(`r${i}_position`), kind: sel(`r${i}_kind`), param: inp(`r${i}_param`),
      value: inp(`r${i}_value`), channel: sel(`r${i}_channel`) });
  }
  return change(rows).flatMap((r, i) => Object.entries(r).map(([k, v]) => [`r${i}_${k}`, v]));
}

test('who may use the channel screens', async () => {
  const want = { editor: [200, 200], admin: [200, 200], viewer: [200, 403], agent: [403, 403] };
  for (const [role, [list, form]] of Object.entries(want)) {
    const { b } = await signedIn(role);
    assert.equal((await b.get('/admin/channels')).status, list, `${role} list`);
    assert.equal((await b.get('/admin/channels/new')).status, form, `${role} form`);
  }
  const { b } = await signedIn('viewer');
  const page = await b.get('/admin/channels');
  assert.match(page.body, /<tr data-channel="app">/);
  assert.match(page.body, /<tr data-rule="1"><td>1<\/td><td>HTTP-header<\/td><td>x-channel<\/td><td>app<\/td>/);
  assert.doesNotMatch(page.body, /id="rules-form"/);
  assert.equal((await b.form('/admin/channels', { code: CODE, name: 'X', kind: 'custom' })).status, 403);
  assert.equal((await b.form('/admin/channels/app/delete')).status, 403);
});

test('an editor creates a channel and a rule, and the storefront picks it', async () => {
  const { b, email } = await signedIn('editor');
  let r = await b.form('/admin/channels', { code: CODE, name: 'Testkanal', kind: 'custom' });
  assert.equal(r.status, 303, r.body);
  assert.equal(r.headers.location, '/admin/channels?done=created');
  assert.deepEqual(auditRows('channel', CODE), [`create staff ${email}`]);
  const before = storedRules();
  // the rule: ?kanal=<code>, put first by its number
  const page = await b.get('/admin/channels?done=created');
  assert.match(page.body, new RegExp(`<tr data-channel="${CODE}">`));
  r = await b.form('/admin/channels/rules', rulesForm(page.body, (rows) => {
    const blank = rows.find((x) => !x.kind);
    Object.assign(blank, { position: '0', kind: 'query_param', param: 'kanal', value: CODE, channel: CODE });
    return rows;
  }));
  assert.equal(r.status, 303, r.body);
  assert.equal(r.headers.location, '/admin/channels?done=rules');
  const rules = storedRules();
  assert.deepEqual(rules[0], { kind: 'query_param', param: 'kanal', value: CODE, channel: CODE });
  assert.deepEqual(rules.slice(1), before);
  assert.deepEqual(auditRows('channel_rules', 'channel_rules'), [`update staff ${email}`]);
  const picked = await json(NORDLYS, `/api/v1/products?kanal=${CODE}`);
  assert.equal(picked.json.channel.code, CODE);
  assert.equal((await json(NORDLYS, '/api/v1/products?kanal=nope')).json.channel.code, 'web');
  // moved last: the rules keep the others' order
  r = await b.form('/admin/channels/rules', rulesForm((await b.get('/admin/channels')).body, (rows) => {
    rows[0].position = '99';
    return rows;
  }));
  assert.equal(r.status, 303, r.body);
  assert.deepEqual(storedRules(), [...before, { kind: 'query_param', param: 'kanal', value: CODE, channel: CODE }]);
  // renamed
  r = await b.form(`/admin/channels/${CODE}`, { name: 'Testkanalen', kind: 'app' });
  assert.equal(r.status, 303, r.body);
  assert.equal((await json(NORDLYS, `/api/v1/products?kanal=${CODE}`)).json.channel.name, 'Testkanalen');
  const form = await b.get(`/admin/channels/${CODE}`);
  assert.match(form.body, /id="name" name="name" type="text" maxlength="100" required value="Testkanalen"/);
  assert.match(form.body, /<option value="app" selected>/);
});

test('bad fields answer 422 at the field', async () => {
  const { b } = await signedIn('editor');
  const page = (await b.get('/admin/channels')).body;
  let r = await b.form('/admin/channels/rules', rulesForm(page, (rows) => {
    Object.assign(rows.find((x) => !x.kind), { kind: 'path_prefix', value: 'uden-skråstreg', channel: 'web' });
    return rows;
  }));
  assert.equal(r.status, 422);
  const row = [...r.body.matchAll(/id="r(\d+)_value"[^>]*aria-invalid="true"/g)].map((m) => m[1]);
  assert.equal(row.length, 1);
  assert.match(r.body, new RegExp(`id="r${row[0]}_value" name="r${row[0]}_value" type="text" maxlength="200" value="uden-skråstreg"`));
  r = await b.form('/admin/channels/rules', rulesForm(page, (rows) => {
    Object.assign(rows.find((x) => !x.kind), { kind: 'query_param', param: '', value: 'x', channel: 'web' });
    return rows;
  }));
  assert.equal(r.status, 422);
  assert.match(r.body, /class="field-error" id="r\d+_param-error"/);
  // codes the panel's own addresses use (/admin/channels/new, /rules)
  for (const code of ['new', 'rules']) {
    r = await b.form('/admin/channels', { code, name: 'X', kind: 'custom' });
    assert.equal(r.status, 422, code);
    assert.match(r.body, /id="code-error">Skriv en kode [^<]*men ikke new eller rules\./);
  }
  r = await b.form('/admin/channels', { code: 'Store Bogstaver', name: 'X', kind: 'custom' });
  assert.equal(r.status, 422);
  assert.match(r.body, /id="code"[^>]*aria-invalid="true"/);
  assert.match(r.body, /value="Store Bogstaver"/);
  // the default cannot be unticked: another channel takes it over
  const web = (await b.get('/admin/channels/web')).body;
  assert.match(web, /id="default" name="default" value="1" checked/);
  r = await b.form('/admin/channels/web', { name: 'Forside', kind: 'web_front' });
  assert.equal(r.status, 422);
  assert.match(r.body, /id="default-error">Butikken har altid én standardkanal\./);
  r = await b.form('/admin/channels', { code: 'app', name: 'X', kind: 'custom' });
  assert.equal(r.status, 409);
  assert.match(r.body, /id="code-error"/);
});

test('ticking "default" on another channel moves the default there, in one draft', async () => {
  const defaultChannel = () => JSON.parse(ecomctl('catalog', 'export', 'nordlys')).channels
    .filter((c) => c.default).map((c) => c.code);
  assert.deepEqual(defaultChannel(), ['web']);
  const { b } = await signedIn('editor');
  const plain = new PanelBrowser(NORDLYS);
  plain.cookies = b.cookies;
  // saved into the draft: the live default stays until the publish
  let r = await plain.form('/admin/channels/app', { name: 'Nordlys-appen', kind: 'app', default: '1' });
  assert.equal(r.status, 303, r.body);
  assert.deepEqual(defaultChannel(), ['web']);
  const draft = (await plain.get('/admin/draft')).body;
  assert.match(draft, /<tr data-type="channel" data-key="app">/);
  assert.match(draft, /<tr data-type="channel" data-key="web">/);
  assert.deepEqual(auditRows('catalog_draft', 'channel:app').map((x) => x.split(' ')[0]), ['save']);
  assert.deepEqual(auditRows('catalog_draft', 'channel:web').map((x) => x.split(' ')[0]), ['save']);
  r = await plain.form('/admin/draft/publish');
  assert.equal(r.status, 303, r.body);
  assert.deepEqual(defaultChannel(), ['app']);
  // a path no rule matches now lands in the app channel
  const products = await json(NORDLYS, '/api/v1/products');
  assert.equal(products.json.channel.code, 'app');
  // and back, straight through the panel's publish
  r = await b.form('/admin/channels/web', { name: 'Forside', kind: 'web_front', default: '1' });
  assert.equal(r.status, 303, r.body);
  assert.deepEqual(defaultChannel(), ['web']);
});

test('a channel still named cannot be deleted, and the screen says by what', async () => {
  const { b, email } = await signedIn('editor');
  let r = await b.form(`/admin/channels/${CODE}/delete`);
  assert.equal(r.status, 409);
  assert.match(r.body, /id="refusal">Kanalen kan ikke slettes: kanalregel nr\. \d+ vælger den stadig\./);
  r = await b.form('/admin/channels/tilbud/delete');
  assert.equal(r.status, 409);
  assert.match(r.body, /id="refusal">Kanalen kan ikke slettes: (produktet NL-\w+ vises|kanalregel nr\. \d+ vælger)/);
  // the rule gone, the channel can go
  r = await b.form('/admin/channels/rules', rulesForm((await b.get('/admin/channels')).body, (rows) =>
    rows.map((x) => (x.channel === CODE ? { ...x, kind: '' } : x))));
  assert.equal(r.status, 303, r.body);
  r = await b.form(`/admin/channels/${CODE}/delete`);
  assert.equal(r.status, 303);
  assert.equal(r.headers.location, '/admin/channels?done=deleted');
  assert.equal((await b.get(`/admin/channels/${CODE}`)).status, 404);
  assert.deepEqual(auditRows('channel', CODE).map((x) => x.split(' ')[0]), ['create', 'update', 'delete']);
});

test('another tenant\'s channel is 404 through the panel', async () => {
  const { b } = await signedIn('editor', FJORD);
  assert.equal((await b.get('/admin/channels/tilbud')).status, 404);
  for (const p of ['/admin/channels/tilbud', '/admin/channels/tilbud/delete']) {
    assert.equal((await b.form(p, { name: 'X', kind: 'custom' })).status, 404, p);
  }
  assert.doesNotMatch((await b.get('/admin/channels')).body, /data-channel="tilbud"/);
});
