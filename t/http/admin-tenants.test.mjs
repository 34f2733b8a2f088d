// The panel's onboarding of a brand through nginx (docs/admin.md,
// "Onboarding a brand"): only an operator sees the platform's tenants and
// creates one (a table of role × action); a tenant made in the panel
// answers on its hostname on the very next request, although every worker
// had cached that host as unknown, with no reload; the create is audited
// with the operator as actor; a copy of another tenant's catalog shows
// the same products; every bad field is answered at its place (422, 409
// for a taken slug or hostname) with what was typed kept and nothing
// written. Tenants made here are deleted after the run (their audit rows
// stay: nobody may delete them).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { FJORD, NORDLYS, PORT, ecomctl, masterPid, redis, request, sql, workerPids } from './lib.mjs';
import { PW, PanelBrowser, dropStaffAndOrders, staffUser } from './staff.mjs';

const tag = `o${process.pid}`;
const made = new Set();

const Browser = PanelBrowser;

// a staff member of nordlys with role (or an operator), signed in at
// nordlys's host: an operator signs in on any tenant's host
async function signedIn(role) {
  const b = new Browser(NORDLYS);
  const email = staffUser(role, role === 'operator' ? undefined : 'nordlys');
  await b.get('/admin/sign-in');
  const r = await b.form('/admin/sign-in', { email, password: PW });
  assert.equal(r.status, 303, r.body);
  return { b, email };
}

function form(slug, fields = {}) {
  made.add(fields.slug ?? slug);
  return {
    slug, name: `Panel ${slug}`, hosts: `${slug}.localhost`, currency: 'DKK', locale: 'da-DK',
    time_zone: 'Europe/Copenhagen', vat: '25', catalog_from: '',
    color_primary: '#1f4e79', color_on_primary: '#ffffff', color_background: '#ffffff',
    color_text: '#1a1a1a', color_accent: '#b3261e', ...fields,
  };
}

const count = (table, where) => Number(sql(`SELECT COUNT(*) FROM ${table} WHERE ${where}`));
const fieldError = (body, field) => body.match(new RegExp(`<span class="field-error" id="${field}-error">([^<]*)</span>`))?.[1];
const inputValue = (body, field) => body.match(new RegExp(`<input id="${field}"[^>]* value="([^"]*)"`))?.[1];
const products = async (host) => JSON.parse((await request(host, '/api/v1/products')).body).products.map((p) => p.sku).sort();

after(() => {
  dropStaffAndOrders();
  for (const slug of made) sql(`DELETE FROM tenants WHERE slug = '${slug}'`);
  redis('PUBLISH', 'ecom:invalidate', 'tenants');
});

test('role × action: only an operator lists, sees the form, creates and views tenants', async () => {
  const expect = { operator: 200, admin: 403, editor: 403, viewer: 403, agent: 403 };
  for (const [role, status] of Object.entries(expect)) {
    const { b } = await signedIn(role);
    const slug = `${tag}-role-${role}`;
    assert.equal((await b.get('/admin/tenants')).status, status, `${role} GET /admin/tenants`);
    assert.equal((await b.get('/admin/tenants/new')).status, status, `${role} GET /admin/tenants/new`);
    assert.equal((await b.get('/admin/tenants/fjordmobil')).status, status, `${role} GET /admin/tenants/fjordmobil`);
    const r = await b.form('/admin/tenants', form(slug));
    assert.equal(r.status, status === 200 ? 303 : 403, `${role} POST: ${r.body.slice(0, 200)}`);
    assert.equal(count('tenants', `slug = '${slug}'`), status === 200 ? 1 : 0, `${role}'s create`);
    const home = await b.get('/admin');
    if (home.status === 200) {
      const link = /<a href="\/admin\/tenants"[^>]*>/.test(home.body);
      assert.equal(link, role === 'operator', `${role}'s navigation`);
    }
  }
  // the list: every tenant with its hostnames, status and locale
  const { b } = await signedIn('operator');
  const list = await b.get('/admin/tenants');
  assert.match(list.body, /<a href="\/admin\/tenants\/fjordmobil">fjordmobil<\/a><\/td><td>[^<]+<\/td><td>fjordmobil\.localhost[^<]*<\/td><td>(Aktiv|Active)<\/td><td>[a-z]{2}(-[A-Z]{2})?<\/td>/);
  assert.match(list.body, /<a href="\/admin\/tenants" aria-current="page">Butikker<\/a>/);
  assert.equal((await b.get(`/admin/tenants/${tag}-nobody`)).status, 404);
});

test('without a staff session: the screens go to the sign-in, a create is 401; without the token 403', async () => {
  const anon = new Browser(NORDLYS);
  const r = await anon.get('/admin/tenants/new');
  assert.equal(r.status, 303);
  assert.equal(r.headers.location, '/admin/sign-in?next=/admin/tenants/new');
  assert.equal((await anon.form('/admin/tenants', form(`${tag}-anon`))).status, 401);
  const { b } = await signedIn('operator');
  const none = await b.post('/admin/tenants', form(`${tag}-nocsrf`));
  assert.equal(none.status, 403);
  const cross = await b.form('/admin/tenants', form(`${tag}-cross`), { Origin: 'http://evil.example' });
  assert.equal(cross.status, 403);
  assert.equal(count('tenants', `slug IN ('${tag}-anon', '${tag}-nocsrf', '${tag}-cross')`), 0);
});

test('a tenant made in the panel answers on its hostnames on the next request, audited with the operator', async () => {
  const slug = `${tag}-new`;
  const host = `${slug}.localhost`;
  const www = `www.${slug}.localhost`;
  const pids = [masterPid(), ...workerPids()].sort();
  // every worker has met the hosts as unknown, and cached them so
  for (let i = 0; i < 12; i++) assert.equal((await request(i % 2 ? www : host, '/')).status, 404);
  const { b, email } = await signedIn('operator');
  const page = await b.get('/admin/tenants/new');
  assert.equal(page.status, 200);
  // the defaults of the tenants table, and every other tenant to copy from
  assert.equal(inputValue(page.body, 'currency'), 'DKK');
  assert.equal(inputValue(page.body, 'time_zone'), 'Europe/Copenhagen');
  assert.equal(inputValue(page.body, 'vat'), '25');
  assert.match(page.body, /<option value="fjordmobil">/);

  const r = await b.form('/admin/tenants', form(slug, {
    name: 'Ny Mobil & Co', hosts: `${host} ${www}`, locale: 'en', currency: 'EUR', vat: '21,5',
    time_zone: 'Europe/Dublin', color_primary: '#0b3d5c', color_text: '#222',
  }));
  assert.equal(r.status, 303, r.body.slice(0, 400));
  assert.equal(r.headers.location, `/admin/tenants/${slug}?created=1`);
  for (let i = 0; i < 12; i++) {
    const shop = await request(i % 2 ? www : host, '/');
    assert.equal(shop.status, 200, `request ${i} after the create`);
    assert.match(shop.body, /<html lang="en"/);
    assert.match(shop.body, /<h1 id="hero-title">Ny Mobil &amp; Co<\/h1>/);
  }
  assert.match((await request(host, '/theme.css')).body, /--color-text: #222222;/);
  assert.deepEqual([masterPid(), ...workerPids()].sort(), pids, 'no restart');

  // the page of the new tenant: its settings and links to its shop and panel
  const shown = await b.get(r.headers.location);
  assert.equal(shown.status, 200);
  assert.match(shown.body, /<h1>Ny Mobil &amp; Co<\/h1>/);
  assert.match(shown.body, /role="status"/);
  assert.match(shown.body, new RegExp(`<a href="http://${host}:${PORT}/" class="shop-link">${host}</a>`));
  assert.match(shown.body, new RegExp(`<a href="http://${www}:${PORT}/admin" class="panel-link">`));
  assert.match(shown.body, /<td>21,50 %<\/td>/, 'written as the panel\'s (Danish) shop writes numbers');
  assert.match(shown.body, /<td>Europe\/Dublin<\/td>/);
  // the same settings as ecomctl reads them
  const show = ecomctl('tenant', 'show', slug);
  assert.match(show, new RegExp(`^hosts\t${host} ${www}$`, 'm'));
  assert.match(show, /^currency\tEUR$/m);

  // the audit row, as the command writes it, the operator its actor
  const audit = sql(`SELECT actor_kind, actor_label, action, before_json IS NULL,
    JSON_VALUE(after_json, '$.name'), JSON_VALUE(after_json, '$.hosts[1]'), JSON_VALUE(after_json, '$.vat_rate_bp')
    FROM audit_log a JOIN tenants t ON t.id = a.tenant_id
    WHERE t.slug = '${slug}' AND a.object_type = 'tenant' AND a.object_id = '${slug}'`);
  assert.equal(audit, `staff\t${email}\tcreate\t1\tNy Mobil & Co\t${www}\t2150`);
});

test('a copy of another tenant\'s catalog shows the same products', async () => {
  const slug = `${tag}-copy`;
  const { b } = await signedIn('operator');
  const r = await b.form('/admin/tenants', form(slug, { catalog_from: 'fjordmobil' }));
  assert.equal(r.status, 303, r.body.slice(0, 400));
  const mine = await products(`${slug}.localhost`);
  assert.ok(mine.length > 0);
  assert.deepEqual(mine, await products(FJORD));
  assert.deepEqual(JSON.parse(ecomctl('catalog', 'export', slug)), JSON.parse(ecomctl('catalog', 'export', 'fjordmobil')));
  assert.equal(sql(`SELECT JSON_VALUE(after_json, '$.catalog_from') FROM audit_log a JOIN tenants t ON t.id = a.tenant_id
    WHERE t.slug = '${slug}' AND a.object_type = 'tenant'`), 'fjordmobil');
});

test('every bad field is answered at its place, what was typed kept, nothing written', async () => {
  const { b } = await signedIn('operator');
  const audits = () => count('audit_log', "object_type = 'tenant'");
  const before = audits();
  const bad = {
    slug: 'Bad_Slug', name: '', hosts: 'Shop.Example:8080', currency: 'JPY', locale: 'de-DE',
    time_zone: 'Europe/Atlantis', vat: '125', color_text: '#777777',
  };
  const r = await b.form('/admin/tenants', form(`${tag}-bad`, bad));
  assert.equal(r.status, 422);
  assert.match(r.body, /id="form-error"/);
  for (const field of ['slug', 'name', 'hosts', 'currency', 'locale', 'time_zone', 'vat', 'color_text']) {
    assert.ok(fieldError(r.body, field), `an error at ${field}`);
    assert.match(r.body, new RegExp(`<input id="${field}"[^>]* aria-invalid="true"`), `${field} marked invalid`);
  }
  // the Danish shop's words, the contrast named as the branding screen does
  assert.match(fieldError(r.body, 'color_text'), /^Tekst på baggrunden: 4,47:1/);
  assert.match(fieldError(r.body, 'locale'), /ingen tekster på dette sprog/, 'well-formed, but the theme does not speak it');
  assert.equal(fieldError(r.body, 'color_primary'), undefined, 'a good field has no error');
  for (const [field, value] of Object.entries(bad)) assert.equal(inputValue(r.body, field), value, `${field} kept`);

  // each on its own: a locale the theme does not speak, a source that is not there
  const one = async (fields, field, status = 422) => {
    const res = await b.form('/admin/tenants', form(`${tag}-bad`, fields));
    assert.equal(res.status, status, `${JSON.stringify(fields)}: ${res.body.slice(0, 300)}`);
    assert.ok(fieldError(res.body, field), `${JSON.stringify(fields)} at ${field}`);
    return res;
  };
  await one({ locale: 'de' }, 'locale');
  assert.match(fieldError((await one({ locale: 'dansk' }, 'locale')).body, 'locale'), /da, da-DK, en-GB/);
  // a malformed colour: no contrast can be worked out, the colour is named
  assert.equal(inputValue((await one({ color_accent: 'red' }, 'color_accent')).body, 'color_accent'), 'red');
  await one({ hosts: '' }, 'hosts');
  await one({ vat: '25.125' }, 'vat');
  await one({ color_background: '#10161c', color_text: '#e8eef3', color_primary: '#9ad0ff', color_on_primary: '#0b1a26', color_accent: '#f0a040' }, 'color_background');
  const missing = await one({ catalog_from: `${tag}-nobody` }, 'catalog_from');
  assert.match(missing.body, new RegExp(`<select id="catalog_from"[^>]* aria-invalid="true"`));
  // taken: 409, at the field
  await one({ slug: 'nordlys' }, 'slug', 409);
  const taken = await one({ hosts: `${tag}-free.localhost nordlys.localhost` }, 'hosts', 409);
  assert.match(fieldError(taken.body, 'hosts'), /bruges allerede af en anden butik\. \(nordlys\.localhost\)/, 'which hostname');
  assert.match(fieldError((await one({ hosts: `${tag}-free.localhost Ny.Example` }, 'hosts')).body, 'hosts'), /\(Ny\.Example\)/);
  made.delete('nordlys');
  assert.equal(count('tenants', `slug IN ('${tag}-bad', 'Bad_Slug')`), 0, 'no tenant written');
  assert.equal(count('tenant_domains', `host IN ('${tag}-bad.localhost', '${tag}-free.localhost')`), 0, 'no hostname written');
  assert.equal(audits(), before, 'nothing audited');
});
