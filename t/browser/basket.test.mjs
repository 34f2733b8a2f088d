// The basket in headless Chromium (Debian's, never a downloaded one): the
// product page's form and the basket page work without JavaScript, and
// static/default/basket.js improves them (number search as you type, adding
// through the JSON API, the reservation countdown) without breaking the CSP
// or accessibility. Each test has its own browser context, so its own
// basket. Numbers come from the pages themselves (pools are random draws),
// and nothing waits long after adding: the test stack's locks last 10 s.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { assertAccessible, clickToLoad, launch } from './lib.mjs';
import { PORT, STACK_DIR, NORDLYS } from '../http/lib.mjs';

const shots = path.join(STACK_DIR, 'screenshots');
const BASE = `http://${NORDLYS}:${PORT}`;
const PRODUCT = '/products/NL-FRI';
let browser;

before(async () => {
  mkdirSync(shots, { recursive: true });
  browser = await launch();
});

after(async () => {
  await browser?.close();
});

// A fresh context (no cookies, so no basket) and a page in it that
// records console errors and uncaught exceptions.
async function fresh(t, { javaScriptEnabled = true } = {}) {
  const context = await browser.newContext({
    javaScriptEnabled,
    viewport: { width: 390, height: 844 },   // a phone first
  });
  t.after(() => context.close());
  const page = await context.newPage();
  const problems = [];
  page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
  page.on('pageerror', (e) => problems.push(String(e)));
  return { page, problems };
}

const digits = (s) => s.replace(/\D/g, '');
// In the page: the picker offers numbers, all with the digits d.
const allContain = (d) => {
  const labels = [...document.querySelectorAll('#numbers label.number')];
  return labels.length > 0 && labels.every((l) => l.textContent.replace(/\s/g, '').includes(d));
};
const squash = (s) => s.replace(/\s+/g, ' ').trim();

// The numbers the picker offers now: [{value, national}].
function offered(page) {
  return page.locator('#numbers label.number').evaluateAll((labels) => labels.map((l) => ({
    value: l.querySelector('input').value,
    national: l.textContent.trim(),
  })));
}

// Click a button that posts a plain form; resolves with the response of
// the page the browser lands on (after any redirect), once it has loaded.
const post = clickToLoad;

const isApiAdd = (r) => r.method() === 'POST' && new URL(r.url()).pathname === '/api/v1/basket/lines';

test('without JavaScript: choose a number, add, accept the binding, remove', async (t) => {
  const { page, problems } = await fresh(t, { javaScriptEnabled: false });
  const res = await page.goto(BASE + PRODUCT);
  assert.equal(res.status(), 200);
  const numbers = await offered(page);
  assert.ok(numbers.length >= 2, 'the picker offers numbers');
  const chosen = numbers[1];                      // not the one checked by default
  await page.locator(`#numbers input[value="${chosen.value}"]`).check();
  await page.locator('input[name="binding_months"][value="6"]').check();

  const added = await post(page, page.getByRole('button', { name: 'Læg i kurven' }));
  assert.equal(added.status(), 200);
  assert.equal(new URL(page.url()).pathname, '/basket');
  const line = page.locator('li.basket-line');
  assert.equal(await line.count(), 1);
  const text = squash(await line.textContent());
  assert.ok(text.includes(chosen.national), `the line shows ${chosen.national}: ${text}`);
  assert.match(text, /6 måneders binding/);
  assert.match(await line.locator('.line-facts div', { hasText: 'Pris pr. md.' }).locator('dd').textContent(),
    /^\d[\d.]*,\d\d kr\.$/);
  assert.match(await line.locator('.lock time').textContent(), /^\d\d:\d\d$/, 'the reservation time');
  assert.match(await line.locator('.lock').textContent(), /reserveret til dig til kl\./);

  const accept = page.getByRole('button', { name: 'Accepter bindingen' });
  assert.equal(await accept.count(), 1, 'a 6-month binding waits for acceptance');
  const accepted = await post(page, accept);
  assert.equal(accepted.status(), 200);
  assert.equal(new URL(page.url()).pathname, '/basket');
  assert.equal(await page.getByRole('button', { name: 'Accepter bindingen' }).count(), 0, 'accepted');
  assert.equal(await page.locator('li.basket-line').count(), 1);

  const removed = await post(page, page.getByRole('button', { name: /^Fjern/ }));
  assert.equal(removed.status(), 200);
  assert.equal(await page.locator('li.basket-line').count(), 0);
  assert.match(await page.locator('.basket').textContent(), /Kurven er tom/);
  assert.deepEqual(problems, []);
});

test('with JavaScript: search as you type, add through the API, the countdown runs', async (t) => {
  const { page, problems } = await fresh(t);
  await page.goto(BASE + PRODUCT);
  const before = await offered(page);
  assert.ok(before.length >= 1);
  // three digits of an offered number: the search finds at least that one
  const want = digits(before[0].national).slice(3, 6);

  const answered = page.waitForResponse((r) =>
    new URL(r.url()).pathname === '/api/v1/numbers' && new URL(r.url()).searchParams.get('contains') === want);
  await page.locator('#contains').pressSequentially(want, { delay: 30 });
  assert.equal((await answered).status(), 200);
  await page.waitForFunction(allContain, want);
  let found = await offered(page);
  for (const n of found)
    assert.ok(digits(n.national).includes(want), `${n.national} contains ${want}`);
  assert.equal(await page.locator('#numbers input[name="number"]').first().isChecked(), true,
    'the first number found is chosen');
  assert.equal(await page.locator('#number-port').count(), 1, 'porting stays offered');
  assert.equal(new URL(page.url()).pathname, PRODUCT, 'no page load for a search');

  // Enter in the search field (the GET form's submit) searches again (a
  // fresh draw) without leaving the page
  await page.locator('#numbers').evaluate((n) => n.firstElementChild.setAttribute('data-old', ''));
  await page.locator('#contains').press('Enter');
  await page.waitForFunction(() => !document.querySelector('#numbers [data-old]'));
  await page.waitForFunction(allContain, want);
  assert.equal(new URL(page.url()).pathname, PRODUCT);
  assert.equal(new URL(page.url()).search, '');
  found = await offered(page);

  const chosen = found[found.length - 1];
  await page.locator(`#numbers input[value="${chosen.value}"]`).check();
  const checked = (name) => page.locator(`#configure input[name="${name}"]:checked`).inputValue();
  const binding = Number(await checked('binding_months'));
  const sim = await checked('sim_type');
  const sent = page.waitForRequest(isApiAdd);
  await page.getByRole('button', { name: 'Læg i kurven' }).click();
  const request = await sent;
  assert.match(request.headers()['content-type'], /^application\/json/);
  assert.deepEqual(request.postDataJSON(), {
    sku: 'NL-FRI', binding_months: binding, binding_accepted: false, sim_type: sim,
    addons: [], msisdn: chosen.value,
  });
  assert.equal((await request.response()).status(), 201);
  await page.waitForURL(`${BASE}/basket`);
  const line = page.locator('li.basket-line');
  assert.ok(squash(await line.textContent()).includes(chosen.national));

  const lock = line.locator('.lock');
  await lock.locator('.lock-left, .lock-status').first().waitFor();
  const first = squash(await lock.textContent());
  assert.match(first, /Reserveret i \d+:\d\d min\. endnu|udløb/, first);
  assert.equal(await lock.locator('time').count(), 1, 'the <time> stays');
  await page.waitForTimeout(2100);
  const later = squash(await lock.textContent());
  assert.notEqual(later, first, 'the countdown moves');
  assert.deepEqual(problems, [], 'console errors (CSP violations show here)');
});

// A browser whose clock is off by skew ms: Date before any script runs.
function skewClock(page, skew) {
  return page.addInitScript((ms) => {
    const Real = Date;
    const realNow = Real.now.bind(Real);
    class Skewed extends Real {
      constructor(...args) { if (args.length === 0) super(realNow() + ms); else super(...args); }
      static now() { return realNow() + ms; }
    }
    globalThis.Date = Skewed;
  }, skew);
}

test('the countdown counts by the server clock, whatever the browser clock says', async (t) => {
  // three hours behind would show 180 minutes left, three ahead "expired"
  for (const skew of [-3 * 3600e3, 3 * 3600e3]) {
    const { page, problems } = await fresh(t);
    await skewClock(page, skew);
    await page.goto(BASE + PRODUCT);
    assert.ok(Math.abs(await page.evaluate(() => Date.now()) - Date.now() - skew) < 60000, 'the clock is off');
    await Promise.all([page.waitForURL('**/basket'), page.getByRole('button', { name: 'Læg i kurven' }).click()]);
    const lock = page.locator('li.basket-line .lock');
    await lock.locator('.lock-left').waitFor();
    const text = squash(await lock.textContent());
    const m = text.match(/Reserveret i (\d+):(\d\d) min\. endnu/);
    assert.ok(m, `skew ${skew}: ${text}`);
    // the test stack's locks last 10 s
    const left = Number(m[1]) * 60 + Number(m[2]);
    assert.ok(left > 0 && left <= 10, `skew ${skew}: ${left} s left (${text})`);
    assert.equal(await page.locator('.lock-expired').count(), 0, `skew ${skew}: not expired`);
    assert.deepEqual(problems, []);
  }
});

const apiCall = (method, pattern) => (r) =>
  r.method() === method && pattern.test(new URL(r.url()).pathname);

test('with JavaScript, the basket page changes through the API: accept, change number, keep, remove', async (t) => {
  const { page, problems } = await fresh(t);
  await page.goto(BASE + PRODUCT);
  await page.locator('input[name="binding_months"][value="6"]').check();
  await Promise.all([page.waitForURL('**/basket'), page.getByRole('button', { name: 'Læg i kurven' }).click()]);
  await page.waitForLoadState('load');

  const [accept] = await Promise.all([
    page.waitForRequest(apiCall('PATCH', /^\/api\/v1\/basket\/lines\/[0-9a-f]+$/)),
    page.getByRole('button', { name: 'Accepter bindingen' }).click(),
  ]);
  assert.deepEqual(accept.postDataJSON(), { binding_accepted: true });
  assert.match(accept.headers()['if-match'], /^"\d+"$/);
  await page.getByRole('button', { name: 'Accepter bindingen' }).waitFor({ state: 'detached' });

  const before = squash(await page.locator('li.basket-line .line-facts').textContent());
  const other = await page.locator('.change-number input[name="number"]').nth(1);
  const national = squash(await other.locator('xpath=..').textContent());
  await other.check();
  const [change] = await Promise.all([
    page.waitForRequest(apiCall('PATCH', /^\/api\/v1\/basket\/lines\/[0-9a-f]+$/)),
    page.getByRole('button', { name: 'Skift til det valgte nummer' }).click(),
  ]);
  assert.match(change.postDataJSON().msisdn, /^\+45\d{8}$/);
  await page.waitForFunction((n) => document.querySelector('li.basket-line .line-facts')
    .textContent.replace(/\s+/g, ' ').includes(n), national);
  assert.notEqual(squash(await page.locator('li.basket-line .line-facts').textContent()), before);

  await Promise.all([
    page.waitForRequest(apiCall('POST', /^\/api\/v1\/basket\/keep$/)),
    page.getByRole('button', { name: 'Behold mine numre lidt endnu' }).click(),
  ]);
  await page.waitForLoadState('load');

  await Promise.all([
    page.waitForRequest(apiCall('DELETE', /^\/api\/v1\/basket\/lines\/[0-9a-f]+$/)),
    page.getByRole('button', { name: /^Fjern/ }).click(),
  ]);
  await page.locator('.basket', { hasText: 'Kurven er tom' }).waitFor();
  assert.deepEqual(problems, []);
});

test('with JavaScript, a basket form from an older tab shows the conflict on the page', async (t) => {
  const { page } = await fresh(t);
  await page.goto(BASE + PRODUCT);
  await Promise.all([page.waitForURL('**/basket'), page.getByRole('button', { name: 'Læg i kurven' }).click()]);
  await page.waitForLoadState('load');
  // another tab changes the basket behind this page's back
  const other = await page.context().newPage();
  await other.goto(`${BASE}/basket`);
  const [kept] = await Promise.all([
    other.waitForResponse((r) => new URL(r.url()).pathname === '/api/v1/basket/keep'),
    other.getByRole('button', { name: 'Behold mine numre lidt endnu' }).click()]);
  assert.equal(kept.status(), 200);
  await other.close();
  await page.getByRole('button', { name: /^Fjern/ }).click();
  const alert = page.getByRole('alert');
  await alert.waitFor();
  assert.match(await alert.textContent(), /Kurven er ændret i et andet vindue/);
  assert.equal(await page.locator('li.basket-line').count(), 1, 'nothing removed');
});

async function choosePortingWithBadNumber(page) {
  await page.locator('#number-port').check();
  await page.locator('#porting_msisdn').fill('1234');
}

test('an error is shown on the page, with and without JavaScript', async (t) => {
  await t.test('with JavaScript: an alert, and the page stays', async (t) => {
    const { page, problems } = await fresh(t);
    await page.goto(BASE + PRODUCT);
    await choosePortingWithBadNumber(page);
    const answered = page.waitForResponse((r) => isApiAdd(r.request()));
    await page.getByRole('button', { name: 'Læg i kurven' }).click();
    assert.equal((await answered).status(), 422);
    const alert = page.locator('.form-error[role="alert"]');
    await alert.waitFor();
    const message = squash(await alert.textContent());
    assert.ok(message.length > 10, `a message: ${message}`);
    assert.match(message, /nummer/i, 'in the shop\'s words, about the number');
    assert.equal(await alert.evaluate((e) => e === document.activeElement), true, 'the alert has focus');
    assert.equal(await page.locator('#form-error').count(), 1);
    assert.equal(new URL(page.url()).pathname, PRODUCT, 'no navigation');
    assert.equal(await page.locator('#porting_msisdn').inputValue(), '1234', 'the form keeps its input');
    await assertAccessible(page, 'product page with an error');
    await page.screenshot({ path: path.join(shots, 'nordlys.localhost-product-error.png'), fullPage: true });
    // the 422 itself is logged as a failed resource; nothing else may be
    assert.deepEqual(problems.filter((p) => !/status of 422/.test(p)), []);
  });

  await t.test('without JavaScript: the product page again, status 422', async (t) => {
    const { page, problems } = await fresh(t, { javaScriptEnabled: false });
    await page.goto(BASE + PRODUCT);
    await choosePortingWithBadNumber(page);
    const res = await post(page, page.getByRole('button', { name: 'Læg i kurven' }));
    assert.equal(res.status(), 422);
    const alert = page.locator('.form-error[role="alert"]');
    assert.equal(await alert.count(), 1);
    assert.match(squash(await alert.textContent()), /nummer/i);
    assert.equal(await page.locator('form#configure').count(), 1, 'the form again');
    assert.equal(await page.locator('#number-port').isChecked(), true, 'with the choice kept');
    assert.deepEqual(problems.filter((p) => !/status of 422/.test(p)), []);
  });
});

test('the product page and a basket with a line are accessible and CSP-clean', async (t) => {
  const { page, problems } = await fresh(t);
  await page.goto(BASE + PRODUCT);
  await assertAccessible(page, 'product page');
  await page.screenshot({ path: path.join(shots, 'nordlys.localhost-product-form.png'), fullPage: true });

  await page.locator('input[name="binding_months"][value="6"]').check();
  const sent = page.waitForRequest(isApiAdd);
  await page.getByRole('button', { name: 'Læg i kurven' }).click();
  await sent;
  await page.waitForURL(`${BASE}/basket`);
  assert.equal(await page.locator('li.basket-line').count(), 1);
  await assertAccessible(page, 'basket page');
  await page.screenshot({ path: path.join(shots, 'nordlys.localhost-basket.png'), fullPage: true });
  assert.deepEqual(problems, [], 'console errors (CSP violations show here)');
});

test('with JavaScript, when the API cannot be reached, the form posts as without it', async (t) => {
  const { page } = await fresh(t);
  await page.route('**/api/v1/basket/lines*', (route) => route.abort('connectionfailed'));
  await page.goto(BASE + PRODUCT);
  const chosen = (await offered(page))[0];
  const posted = page.waitForRequest((r) => r.method() === 'POST' && new URL(r.url()).pathname === '/basket/lines');
  await page.getByRole('button', { name: 'Læg i kurven' }).click();
  assert.match((await posted).postData(), /(^|&)csrf=[^&]+/, 'the plain form, with its token');
  await page.waitForURL(`${BASE}/basket`);
  assert.ok(squash(await page.locator('li.basket-line').textContent()).includes(chosen.national));
});
