// The storefront's basket forms without JavaScript (issue 6, point 5):
// plain posts carrying a signed CSRF token, answering 303 to the basket
// page, or the page again with the error and the status.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FJORD, NORDLYS, Shopper, redis, request } from './lib.mjs';


const field = (html, name) => html.match(new RegExp(`name="${name}" value="([^"]*)"`))?.[1];
const offered = (html) => [...html.matchAll(/name="number" value="(\+45\d{8})"/g)].map((m) => m[1]);

async function productForm(s, sku = 'NL-FRI') {
  const page = await s.get(`/products/${sku}`);
  assert.equal(page.status, 200);
  return { page, csrf: field(page.body, 'csrf'), numbers: offered(page.body) };
}

test("the product page offers free numbers and a form with its session's CSRF token", async () => {
  const s = new Shopper();
  const { page, csrf, numbers } = await productForm(s);
  assert.match(csrf, /^[0-9a-f]{32}$/);
  assert.ok(s.cookies.get('sid'), 'the session cookie is set');
  assert.match(page.headers['set-cookie'].join(),
    /^sid=[0-9a-f]{64}\.\d+\.[0-9a-f]{32}; Path=\/; Max-Age=\d+; HttpOnly; SameSite=Lax$/);
  // the form's token is the one the answer's header carries
  assert.equal(page.headers['x-csrf-token'], csrf);
  assert.equal(numbers.length, 6);
  assert.match(page.body, /<form class="configure" method="post" action="\/basket\/lines"/);
  // the same cookie keeps its token on the next page
  const again = await productForm(s);
  assert.equal(again.csrf, csrf);
});

test('adding through the form: 303 to /basket, which shows the line, its number and its price', async () => {
  const s = new Shopper();
  const { csrf, numbers } = await productForm(s);
  const res = await s.post('/basket/lines', {
    csrf, sku: 'NL-FRI', binding_months: '6', sim_type: 'esim', number: numbers[2],
    addons: 'NL-DATADELING',
  });
  assert.equal(res.status, 303, res.body);
  assert.equal(res.headers.location, '/basket');
  assert.match(s.basket, /^[0-9a-f]{32}$/);
  assert.equal(redis('GET', `ecom:{nordlys}:lock:${numbers[2]}`), s.basket);
  const b = await s.get('/basket');
  assert.equal(b.status, 200);
  const national = numbers[2].slice(3).replace(/(\d\d)(?=\d)/g, '$1 ');
  assert.ok(b.body.includes(national), `basket shows ${national}`);
  assert.match(b.body, /6 måneders binding/);
  assert.match(b.body, /Datadelingskort/);
  assert.match(b.body, /Nummeret er reserveret til dig til kl\. <time datetime="[^"]+">\d\d:\d\d<\/time>/);
  assert.match(b.body, /Accepter bindingen/);
});

test('accepting the binding, changing the number and removing the line, all as forms', async () => {
  const s = new Shopper();
  const { csrf, numbers } = await productForm(s);
  await s.post('/basket/lines', { csrf, sku: 'NL-FRI', binding_months: '6', sim_type: 'esim', number: numbers[0] });
  let b = await s.get('/basket');
  const id = b.body.match(/action="\/basket\/lines\/([0-9a-f]{16})"/)[1];
  const token = field(b.body, 'csrf');
  let version = field(b.body, 'version');
  let res = await s.post(`/basket/lines/${id}`, { csrf: token, version, binding_accepted: 'true' });
  assert.equal(res.status, 303, res.body);
  b = await s.get('/basket');
  assert.doesNotMatch(b.body, /Accepter bindingen/);
  // change the number to one the page offers
  version = field(b.body, 'version');
  const other = b.body.match(/class="change-number"[\s\S]*?name="number" value="(\+45\d{8})"/)[1];
  res = await s.post(`/basket/lines/${id}`, { csrf: token, version, number: other });
  assert.equal(res.status, 303, res.body);
  assert.equal(redis('EXISTS', `ecom:{nordlys}:lock:${numbers[0]}`), '0', 'the old number is free');
  assert.equal(redis('GET', `ecom:{nordlys}:lock:${other}`), s.basket);
  // keep the numbers a while longer
  b = await s.get('/basket');
  res = await s.post('/basket/keep', { csrf: token, version: field(b.body, 'version') });
  assert.equal(res.status, 303, res.body);
  // and remove the line
  b = await s.get('/basket');
  res = await s.post(`/basket/lines/${id}/remove`, { csrf: token, version: field(b.body, 'version') });
  assert.equal(res.status, 303, res.body);
  assert.equal(redis('EXISTS', `ecom:{nordlys}:lock:${other}`), '0');
  b = await s.get('/basket');
  assert.match(b.body, /Kurven er tom/);
});

test('a form from an older tab answers 409 with the basket as it is now, and changes nothing', async () => {
  const s = new Shopper();
  const { csrf, numbers } = await productForm(s);
  await s.post('/basket/lines', { csrf, sku: 'NL-FRI', binding_months: '6', sim_type: 'esim', number: numbers[0] });
  const b = await s.get('/basket');
  const id = b.body.match(/action="\/basket\/lines\/([0-9a-f]{16})"/)[1];
  const old = field(b.body, 'version');
  // another tab adds a line
  await s.post('/basket/lines', { csrf, sku: 'NL-FRI', binding_months: '0', sim_type: 'esim', number: numbers[1] });
  const res = await s.post(`/basket/lines/${id}/remove`, { csrf, version: old });
  assert.equal(res.status, 409);
  assert.match(res.body, /role="alert"/);
  assert.match(res.body, /Kurven er ændret i et andet vindue/);
  assert.equal((res.body.match(/class="basket-line"/g) || []).length, 2);
});

test('a post without its token, with a foreign token or from another origin is refused (403)', async () => {
  const s = new Shopper();
  const { csrf, numbers } = await productForm(s);
  const line = { sku: 'NL-FRI', binding_months: '0', sim_type: 'esim', number: numbers[0] };
  const none = await s.post('/basket/lines', line);
  assert.equal(none.status, 403);
  // a token of another shopper's session
  const mallory = new Shopper();
  const theirs = (await productForm(mallory)).csrf;
  assert.notEqual(theirs, csrf);
  assert.equal((await s.post('/basket/lines', { ...line, csrf: theirs })).status, 403);
  // another brand's token for the same session does not work here either
  const f = new Shopper(FJORD);
  f.cookies.set('sid', s.cookies.get('sid'));
  const fjordToken = field((await f.get('/products/FJ-20GB')).body, 'csrf');
  assert.match(fjordToken, /^[0-9a-f]{32}$/);
  assert.equal((await s.post('/basket/lines', { ...line, csrf: fjordToken })).status, 403);
  const foreign = await s.post('/basket/lines', { ...line, csrf }, { Origin: 'https://evil.example' });
  assert.equal(foreign.status, 403);
  assert.equal(redis('EXISTS', `ecom:{nordlys}:lock:${numbers[0]}`), '0', 'nothing was reserved');
  assert.equal(s.basket, '', 'no basket was started');
});

test('an invalid choice answers the product page again with the error and the choices kept', async () => {
  const s = new Shopper();
  const { csrf } = await productForm(s);
  const res = await s.post('/basket/lines', {
    csrf, sku: 'NL-FRI', binding_months: '6', sim_type: 'physical', number: 'port', porting_msisdn: '12',
    addons: 'NL-DATADELING',
  });
  assert.equal(res.status, 422);
  assert.match(res.body, /role="alert"/);
  assert.match(res.body, /Skriv det nummer, du vil tage med, med 8 cifre\./);
  assert.match(res.body, /name="binding_months" value="6" checked/);
  assert.match(res.body, /name="sim_type" value="physical" checked/);
  assert.match(res.body, /name="addons" value="NL-DATADELING" checked/);
  assert.match(res.body, /name="number" value="port" id="number-port" checked/);
  assert.match(res.body, /id="porting_msisdn" [^>]*value="12"/);
});

test('a number someone else reserved answers 409 on the product page, in Danish', async () => {
  const first = new Shopper();
  const { csrf, numbers } = await productForm(first);
  const line = { sku: 'NL-FRI', binding_months: '0', sim_type: 'esim', number: numbers[0] };
  assert.equal((await first.post('/basket/lines', { ...line, csrf })).status, 303);
  const second = new Shopper();
  const form2 = await productForm(second);
  const res = await second.post('/basket/lines', { ...line, csrf: form2.csrf });
  assert.equal(res.status, 409);
  assert.match(res.body, /Nummeret er lige blevet reserveret af en anden/);
  assert.ok(!offered(res.body).includes(numbers[0]), 'the taken number is not offered again');
});

test('the digit search of the picker works as a plain GET form', async () => {
  const s = new Shopper();
  const page = await s.get('/products/NL-FRI?contains=42');
  assert.equal(page.status, 200);
  const numbers = offered(page.body);
  assert.ok(numbers.length > 0);
  for (const n of numbers) assert.ok(n.slice(3).includes('42'), n);
  assert.match(page.body, /id="contains" [^>]*value="42"/);
  const bad = await s.get('/products/NL-FRI?contains=4x');
  assert.equal(bad.status, 200);
  assert.match(bad.body, /Søg med 1 til 8 cifre/);
});

test('a subpage product is added in its own channel and priced there in the basket', async () => {
  const s = new Shopper();
  const list = await s.get('/tilbud');
  assert.equal(list.status, 200);
  const href = list.body.match(/href="(\/tilbud\/products\/[^"]+)"/)[1];
  const page = await s.get(href);
  assert.match(page.body, /action="\/basket\/lines\?channel=tilbud"/);
  const sku = field(page.body, 'sku');
  const res = await s.post('/basket/lines?channel=tilbud', {
    csrf: field(page.body, 'csrf'), sku, binding_months: page.body.match(/name="binding_months" value="(\d)" checked/)[1],
    sim_type: page.body.match(/name="sim_type" value="(\w+)" checked/)[1], number: offered(page.body)[0],
  });
  assert.equal(res.status, 303, res.body);
  const b = await request(NORDLYS, '/api/v1/basket', { headers: { Cookie: s.cookie } });
  const l = JSON.parse(b.body).lines[0];
  assert.equal(l.channel, 'tilbud');
  assert.ok(l.price, 'priced in its channel, not refused by the default one');
  assert.deepEqual(JSON.parse(b.body).notices, []);
});
