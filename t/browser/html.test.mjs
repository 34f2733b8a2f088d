// Every kind of page is valid HTML, checked by the Nu HTML Checker
// (vnu.jar from npm, run offline with the machine's Java).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { json, newSession, request, sessionCookieOf } from '../http/lib.mjs';

const vnu = path.join(path.dirname(createRequire(import.meta.url).resolve('vnu-jar')), 'build/dist/vnu.jar');
let dir;

before(() => { dir = mkdtempSync(path.join(os.tmpdir(), 'ecom-vnu-')); });
after(() => rmSync(dir, { recursive: true, force: true }));

const pages = [
  ['nordlys.localhost', '/', 200],
  ['nordlys.localhost', '/tilbud', 200],
  ['nordlys.localhost', '/products/NL-100GB', 200],
  ['nordlys.localhost', '/tilbud/products/NL-50GB', 200],
  ['fjordmobil.localhost', '/', 200],
  ['fjordmobil.localhost', '/familie', 200],
  ['nordlys.localhost', '/products/NL-FRI?contains=42', 200],
  ['nordlys.localhost', '/basket', 200],
  ['nordlys.localhost', '/account/sign-in', 200],
  ['nordlys.localhost', '/account/sign-up', 200],
  ['nordlys.localhost', '/account/password-reset', 200],
  ['nordlys.localhost', '/no-such-page', 404],
  ['unknown.localhost', '/', 404],
];

// A basket with a line that holds a number and one that ports, for the
// basket page; and a form post refused, for the product page with an error.
async function basketPages() {
  const numbers = (await json('nordlys.localhost', '/api/v1/numbers?count=1')).json.numbers;
  const { cookie } = await newSession('nordlys.localhost');
  const add = await json('nordlys.localhost', '/api/v1/basket/lines', {
    method: 'POST', headers: { 'Content-Type': 'application/json', Cookie: cookie },
    body: JSON.stringify({ sku: 'NL-FRI', binding_months: 6, sim_type: 'esim',
                           addons: ['NL-DATADELING'], msisdn: numbers[0].msisdn }),
  });
  assert.equal(add.status, 201, add.body);
  await json('nordlys.localhost', '/api/v1/basket/lines', {
    method: 'POST', headers: { 'Content-Type': 'application/json', Cookie: cookie },
    body: JSON.stringify({ sku: 'NL-TALE', binding_months: 0, sim_type: 'esim',
                           porting: { msisdn: '30123456' } }),
  });
  const product = await request('nordlys.localhost', '/products/NL-FRI');
  const csrf = product.body.match(/name="csrf" value="([0-9a-f]+)"/)[1];
  const csrfCookie = product.headers['set-cookie'][0].split(';')[0];
  // signed in: the header names the customer; the account page
  const guest = await newSession('nordlys.localhost');
  const signup = await json('nordlys.localhost', '/api/v1/account', {
    method: 'POST', headers: { 'Content-Type': 'application/json', Cookie: guest.cookie },
    body: JSON.stringify({ email: `html-${Date.now()}@example.com`, password: 'correct horse battery',
                           name: 'Æbelø Ørsted' }),
  });
  assert.equal(signup.status, 201, signup.body);
  const signedIn = `${sessionCookieOf(signup)}; signed_in=1`;
  return [
    ['home-signed-in', await request('nordlys.localhost', '/', { headers: { Cookie: signedIn } }), 200],
    ['account-page', await request('nordlys.localhost', '/account', { headers: { Cookie: signedIn } }), 200],
    ['basket-with-lines', await request('nordlys.localhost', '/basket', { headers: { Cookie: cookie } }), 200],
    ['product-with-error', await request('nordlys.localhost', '/basket/lines', {
      method: 'POST',
      headers: { Cookie: csrfCookie, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ csrf, sku: 'NL-FRI', binding_months: '6', sim_type: 'esim',
                                  number: 'port', porting_msisdn: '12' }).toString(),
    }), 422],
  ];
}

test('every kind of page is valid HTML', async () => {
  const files = [];
  for (const [name, res, status] of await basketPages()) {
    assert.equal(res.status, status, name);
    const file = path.join(dir, `${name}.html`);
    writeFileSync(file, res.body);
    files.push(file);
  }
  for (const [host, urlPath, status] of pages) {
    const res = await request(host, urlPath);
    assert.equal(res.status, status, `${host}${urlPath}`);
    const file = path.join(dir, `${host}${urlPath.replaceAll('/', '_')}.html`);
    writeFileSync(file, res.body);
    files.push(file);
  }
  let out = '';
  try {
    execFileSync('java', ['-jar', vnu, '--errors-only', ...files], { encoding: 'utf8', stdio: 'pipe' });
  } catch (e) {
    out = `${e.stdout}${e.stderr}`;
  }
  assert.equal(out.trim(), '', 'the HTML checker found errors');
});
