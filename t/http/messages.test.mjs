// The shopper's words come from the tenant's message catalog
// (docs/messages.md): with Nordlys switched to English every storefront
// page speaks English, with <html lang="en"> and no Danish left outside
// the tenant's own catalog data (product names, descriptions, page
// titles); switched back, it speaks Danish as before.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { NORDLYS, Shopper, ecomctl, eventually, json, request } from './lib.mjs';

let dir;

function setLocale(locale) {
  const file = path.join(dir, `locale-${locale}.sql`);
  writeFileSync(file, `UPDATE tenants SET locale = '${locale}' WHERE slug = 'nordlys';\n`);
  ecomctl('seed', file);
}

async function speaks(lang) {
  await eventually(async () =>
    (await request(NORDLYS, '/')).body.includes(`<html lang="${lang}">`));
}

const field = (html, name) => html.match(new RegExp(`name="${name}" value="([^"]*)"`))?.[1];
const offered = (html) => [...html.matchAll(/name="number" value="(\+45\d{8})"/g)].map((m) => m[1]);

// The tenant's own data in a page's model: what its brand wrote, in
// whatever language it wrote it, not the shop's words.
function catalogStrings(model, out = new Set()) {
  if (Array.isArray(model)) for (const v of model) catalogStrings(v, out);
  else if (model && typeof model === 'object')
    for (const [k, v] of Object.entries(model)) {
      if (typeof v === 'string' && ['name', 'description', 'title'].includes(k)) out.add(v);
      else catalogStrings(v, out);
    }
  return out;
}

function escapeHtml(s) {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

const DANISH_WORDS = [
  'kurv', 'kurven', 'kurvens', 'abonnement', 'abonnementet', 'abonnementer', 'mobilabonnementer',
  'bindingen', 'bindingsperioden', 'mdr', 'md', 'måneders', 'mindstepris', 'oprettelse', 'tilvalg',
  'nummer', 'nummeret', 'numre', 'vælg', 'søg', 'cifre', 'ingen', 'fri', 'tale', 'reserveret',
  'reservationen', 'forsiden', 'siden', 'findes', 'ikke', 'og', 'med', 'til', 'af', 'du', 'dit', 'din',
  'moms', 'inkl', 'alle', 'priser', 'indholdet', 'læg', 'fjern', 'behold', 'skift', 'accepter',
  'prøv', 'igen', 'lige', 'nu', 'derefter', 'første', 'pr', 'eller', 'ledige', 'gå', 'fysisk',
];

// No Danish outside the tenant's own data.
function assertEnglish(res, model, label) {
  assert.match(res.body, /<html lang="en">/, `${label}: lang`);
  let body = res.body;
  const strings = [...catalogStrings(model), 'Nordlys Mobil'].sort((a, b) => b.length - a.length);
  for (const s of strings) body = body.split(escapeHtml(s)).join('').split(s).join('');
  const letters = body.match(/.{0,40}[æøåÆØÅ].{0,40}/);
  assert.equal(letters, null, `${label}: Danish letters in ${letters}`);
  for (const w of DANISH_WORDS) {
    // not inside a word, nor inside a hex token ("…2af11…" of a CSRF
    // token is no Danish "af")
    const m = body.match(new RegExp(`.{0,40}(?<![\\p{L}\\p{N}_-])${w}(?![\\p{L}\\p{N}_-]).{0,40}`, 'iu'));
    assert.equal(m, null, `${label}: the Danish word "${w}" in ${m}`);
  }
}

const modelOf = async (s, p) => JSON.parse((await s.get(p, { Accept: 'application/json' })).body);

// Every page a shopper sees: [label, response, model, Danish text expected]
async function shopperPages() {
  const s = new Shopper();
  const pages = [];
  const home = await s.get('/');
  pages.push(['front page', home, await modelOf(s, '/'), 'Vores abonnementer']);
  const sub = await s.get('/tilbud');
  pages.push(['subpage', sub, await modelOf(s, '/tilbud'), 'Se abonnementet']);
  const product = await s.get('/products/NL-FRI');
  const productModel = await modelOf(s, '/products/NL-FRI');
  assert.match(product.body, /id="configure"/);
  pages.push(['product page', product, productModel, 'Læg i kurven']);
  const search = await s.get('/products/NL-FRI?contains=4x');
  assert.match(search.body, /class="field-error"/);
  pages.push(['number search error', search, productModel, 'Søg med 1 til 8 cifre.']);
  const csrf = field(product.body, 'csrf');
  const numbers = offered(product.body);
  const refused = await s.post('/basket/lines', {
    csrf, sku: 'NL-FRI', binding_months: '6', sim_type: 'esim', number: 'port', porting_msisdn: '12',
  });
  assert.equal(refused.status, 422);
  assert.match(refused.body, /id="form-error"/);
  pages.push(['form error', refused, productModel, 'Skriv det nummer, du vil tage med, med 8 cifre.']);
  const added = await s.post('/basket/lines', {
    csrf, sku: 'NL-FRI', binding_months: '6', sim_type: 'esim', number: numbers[0],
  });
  assert.equal(added.status, 303);
  const basket = await s.get('/basket');
  assert.match(basket.body, /class="basket-line"/);
  assert.match(basket.body, /class="lock"/);
  pages.push(['basket page', basket, await modelOf(s, '/basket'), 'Accepter bindingen']);
  const missing = await s.get('/no-such-page');
  assert.equal(missing.status, 404);
  pages.push(['error page', missing, {}, 'Siden findes ikke']);
  // leave no line behind holding a number
  const id = basket.body.match(/id="line-([0-9a-f]+)"/)[1];
  await s.post(`/basket/lines/${id}/remove`, { csrf: field(basket.body, 'csrf'), version: field(basket.body, 'version') });
  return pages;
}

before(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'ecom-messages-'));
});

after(async () => {
  setLocale('da-DK');
  await speaks('da-DK');
  rmSync(dir, { recursive: true, force: true });
});

test('in English: every shopper page, its error pages and its script texts speak English', async () => {
  setLocale('en');
  await speaks('en');
  for (const [label, res, model] of await shopperPages()) {
    assertEnglish(res, model, label);
  }
  // the script's texts ride on the pages whose forms it enhances, not on lists
  const front = await request(NORDLYS, '/');
  assert.doesNotMatch(front.body, /id="messages"/, 'a list page carries no script texts');
  const product = await request(NORDLYS, '/products/NL-50GB');
  const block = product.body.match(/<script type="application\/json" id="messages">(.*?)<\/script>/)[1];
  const messages = JSON.parse(block);
  assert.equal(messages['js.adding'], 'Adding to basket …');
  assert.equal(messages['form_error.number_taken'], 'Someone else has just reserved this number. Please choose another.');
});

test('in Danish: the same pages speak Danish as before, with <html lang="da-DK">', async () => {
  setLocale('da-DK');
  await speaks('da-DK');
  for (const [label, res, , expected] of await shopperPages()) {
    assert.match(res.body, /<html lang="da-DK">/, label);
    assert.ok(res.body.includes(escapeHtml(expected)), `${label}: "${expected}"`);
  }
});

test("the API's error codes and messages stay the same in either language", async () => {
  for (const locale of ['en', 'da-DK']) {
    setLocale(locale);
    await speaks(locale);
    const res = await json(NORDLYS, '/api/v1/products/NO-SUCH');
    assert.equal(res.status, 404);
    assert.equal(res.json.error.code, 'not_found');
    assert.equal(res.json.error.message, 'There is no such product here.');
  }
});

test('a tenant overrides messages: Fjordmobil\'s front page has its own words in both languages', async () => {
  const res = await request('fjordmobil.localhost', '/');
  assert.match(res.body, /<title>Fjordmobil – mobil til hele familien<\/title>/);
  assert.match(res.body, /Dansk kundeservice alle ugens dage/);
  // and the rest of its pages fall back to the default catalog
  assert.match(res.body, /Gå til indholdet/);
});
