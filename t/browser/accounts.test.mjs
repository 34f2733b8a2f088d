// Accounts in headless Chromium (Debian's): a guest adds a plan with a
// number, signs up through the pages, and sees the line and its
// reservation on the basket page; the sign-in and sign-up pages pass axe
// as they show and with an error at a field; the header says who is
// signed in and signs out with a form. The test stack's locks last 10 s,
// so nothing waits long between adding and looking.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { assertAccessible, clickToLoad, launch } from './lib.mjs';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { PORT, NORDLYS, STACK_DIR } from '../http/lib.mjs';

const shots = path.join(STACK_DIR, 'screenshots');

const BASE = `http://${NORDLYS}:${PORT}`;
const PRODUCT = '/products/NL-FRI';
const PASSWORD = 'correct horse battery';
let browser;

before(async () => {
  mkdirSync(shots, { recursive: true });
  browser = await launch();
});

after(async () => {
  await browser?.close();
});

async function fresh(t) {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
  t.after(() => context.close());
  const page = await context.newPage();
  const problems = [];
  page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
  page.on('pageerror', (e) => problems.push(String(e)));
  return { page, problems };
}

const post = clickToLoad;

const squash = (s) => s.replace(/\s+/g, ' ').trim();
const email = () => `browser-${process.pid}-${Date.now()}@example.com`;

test('a guest adds a plan with a number, signs up, and sees the line and its reservation', async (t) => {
  const { page, problems } = await fresh(t);
  await page.goto(BASE + '/basket');
  await assertAccessible(page, 'an empty basket, signed out');
  await page.goto(BASE + PRODUCT);
  const first = page.locator('#numbers label.number').first();
  const national = (await first.textContent()).trim();
  await first.locator('input').check();
  await page.getByRole('button', { name: 'Læg i kurven' }).click();
  await page.waitForURL(`${BASE}/basket`);
  assert.ok(squash(await page.locator('li.basket-line').textContent()).includes(national));

  // the header's sign-in link comes back here; from there to sign-up
  await post(page, page.getByRole('link', { name: 'Log ind' }));
  assert.equal(new URL(page.url()).pathname, '/account/sign-in');
  assert.equal(new URL(page.url()).searchParams.get('next'), '/basket');
  await post(page, page.getByRole('link', { name: 'Opret en konto' }));
  assert.equal(new URL(page.url()).pathname, '/account/sign-up');
  const address = email();
  await page.getByLabel('Navn').fill('Browser Kunde');
  await page.getByLabel('E-mailadresse').fill(address);
  await page.getByLabel('Adgangskode').fill(PASSWORD);
  const landed = await post(page, page.getByRole('button', { name: 'Opret konto' }));
  assert.equal(landed.status(), 200);
  assert.equal(new URL(page.url()).pathname, '/basket');

  const line = page.locator('li.basket-line');
  assert.equal(await line.count(), 1);
  assert.ok(squash(await line.textContent()).includes(national), 'the line kept its number');
  assert.equal(await line.locator('.lock time').count(), 1, 'and its reservation');
  assert.match(squash(await line.locator('.lock').textContent()), /Reserveret|reserveret/);
  assert.match(await page.locator('.account-nav').textContent(), /Logget ind som Browser Kunde/);
  await assertAccessible(page, 'the basket, signed in');
  await page.screenshot({ path: path.join(shots, 'account-basket-after-sign-up.png'), fullPage: true });

  // the account page, then out with the header's form
  await page.goto(BASE + '/account');
  assert.match(await page.locator('.account-details').textContent(), new RegExp(address.replace(/[.]/g, '\\.')));
  await assertAccessible(page, 'the account page');
  await post(page, page.getByRole('button', { name: 'Log ud' }));
  assert.equal(new URL(page.url()).pathname, '/');
  assert.equal(await page.getByRole('link', { name: 'Log ind' }).count(), 1);
  assert.deepEqual(problems, [], 'console errors (CSP violations show here)');
});

test('the sign-in and sign-up pages are accessible, with their errors too', async (t) => {
  const { page, problems } = await fresh(t);
  await page.goto(BASE + '/account/sign-in');
  await assertAccessible(page, 'sign-in');
  // an address of its own: failures count per address for a window, and
  // runs close together must not find it limited
  const nobody = `nobody-${email()}`;
  await page.getByLabel('E-mailadresse').fill(nobody);
  await page.getByLabel('Adgangskode').fill('not the password');
  const res = await post(page, page.getByRole('button', { name: 'Log ind' }));
  assert.equal(res.status(), 401);
  assert.match(await page.locator('[role="alert"]').textContent(), /E-mailadressen eller adgangskoden er forkert/);
  assert.equal(await page.getByLabel('E-mailadresse').inputValue(), nobody);
  assert.equal(await page.getByLabel('Adgangskode').inputValue(), '', 'the password is never shown back');
  await assertAccessible(page, 'sign-in with an error');

  await page.goto(BASE + '/account/sign-up');
  await assertAccessible(page, 'sign-up');
  await page.getByLabel('Navn').fill('Kort Kode');
  await page.getByLabel('E-mailadresse').fill(email());
  await page.getByLabel('Adgangskode').fill('short');
  const bad = await post(page, page.getByRole('button', { name: 'Opret konto' }));
  assert.equal(bad.status(), 422);
  const field = page.getByLabel('Adgangskode');
  assert.equal(await field.getAttribute('aria-invalid'), 'true');
  assert.match(await page.locator('#password-error').textContent(), /10 til 128 tegn/);
  assert.equal(await page.getByLabel('Navn').inputValue(), 'Kort Kode');
  await assertAccessible(page, 'sign-up with an error at its field');
  await page.screenshot({ path: path.join(shots, 'account-sign-up-error.png'), fullPage: true });

  await page.goto(BASE + '/account/password-reset');
  await assertAccessible(page, 'password reset');
  // the pages answered with errors on purpose (401, 422): nothing else
  assert.deepEqual(problems.filter((p) => !/^Failed to load resource: .* (401|422) /.test(p)), []);
});
