// The admin panel in headless Chromium (Debian's). With JavaScript off,
// a staff member signs in through the plain form, lands where they were
// going, walks the navigation to the overview and the other screens,
// filters the products, sends a dead delivery again and signs out. With
// JavaScript on (axe runs in the page), every screen, the sign-in with
// its error and the second-factor step pass axe (WCAG 2.1 AA), and the
// skip link is the keyboard's first stop. Screenshots go to
// var/test/screenshots/admin-*.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { assertAccessible, clickToLoad, desktopPage, launch } from './lib.mjs';
import { PORT, NORDLYS, STACK_DIR } from '../http/lib.mjs';
import { PW, dropStaffAndOrders, makeOrder, staffCtl, staffUser } from '../http/staff.mjs';

const shots = path.join(STACK_DIR, 'screenshots');
const BASE = `http://${NORDLYS}:${PORT}`;
let browser;

before(async () => {
  mkdirSync(shots, { recursive: true });
  browser = await launch();
});

after(async () => {
  await browser?.close();
  dropStaffAndOrders();
});

const fresh = (t, opts) => desktopPage(browser, t, opts);

const submit = (page, name) => clickToLoad(page, page.getByRole('button', { name }));

async function signIn(page, email, password = PW) {
  await page.getByLabel('E-mailadresse').fill(email);
  await page.getByLabel('Adgangskode').fill(password);
  return submit(page, 'Log ind');
}

const nav = (page) => page.getByRole('navigation', { name: 'Administration' });

test('without JavaScript: sign in, the overview, the screens, a retry, sign out', async (t) => {
  const page = await fresh(t, { js: false });
  const email = staffUser('admin');
  const order = makeOrder('nordlys', { name: 'Bente Browser' });
  await page.goto(BASE + '/admin/orders');
  assert.equal(new URL(page.url()).pathname, '/admin/sign-in', 'sent to sign in first');
  assert.equal(await page.locator('html').getAttribute('lang'), 'da-DK');
  assert.equal((await signIn(page, email, 'not the password at all')).status(), 401);
  assert.ok(await page.locator('.form-error[role="alert"]').isVisible());
  await signIn(page, email);
  assert.equal(new URL(page.url()).pathname, '/admin/orders', 'back where it was going');
  assert.ok(await page.locator(`tr[data-order="${order.id}"]`).isVisible());

  await nav(page).getByRole('link', { name: 'Overblik' }).click();
  await page.waitForURL(`${BASE}/admin`);
  assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Overblik');
  assert.match(await page.locator('[data-figure="orders"]').textContent(), /^\d+$/);
  await page.screenshot({ path: path.join(shots, 'admin-overview.png'), fullPage: true });
  for (const [link, url] of [['Produkter', '/admin/products'], ['Ordrer', '/admin/orders'], ['Medarbejdere', '/admin/staff']]) {
    await nav(page).getByRole('link', { name: link }).click();
    await page.waitForURL(BASE + url);
    assert.equal(await nav(page).getByRole('link', { name: link }).getAttribute('aria-current'), 'page');
  }
  // the products' filter is a plain GET form
  await page.goto(BASE + '/admin/products');
  await page.getByLabel('Status').selectOption('draft');
  await submit(page, 'Vis');
  assert.match(page.url(), /status=draft/);
  assert.ok(await page.locator('#products tbody tr').count() >= 1);
  await page.screenshot({ path: path.join(shots, 'admin-products.png'), fullPage: true });

  // an order; its dead delivery sent again with the row's button
  await page.goto(`${BASE}/admin/orders/${order.id}`);
  assert.match(await page.locator('main').textContent(), /Bente Browser/);
  await page.screenshot({ path: path.join(shots, 'admin-order.png'), fullPage: true });
  await submit(page, 'Send igen');
  assert.equal(new URL(page.url()).pathname, `/admin/orders/${order.id}`);
  assert.equal(await page.locator(`tr[data-event="${order.ev[1]}"]`).getAttribute('data-state'), 'pending');

  await submit(page, 'Log ud');
  assert.equal(new URL(page.url()).pathname, '/admin/sign-in');
  await page.goto(BASE + '/admin');
  assert.equal(new URL(page.url()).pathname, '/admin/sign-in');
});

test('every screen, the sign-in with its error and the code step pass axe', async (t) => {
  const page = await fresh(t);
  const email = staffUser('admin');
  const order = makeOrder('nordlys');
  await page.goto(BASE + '/admin/sign-in');
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.className), 'skip-link');
  await assertAccessible(page, 'the sign-in page');
  await signIn(page, email, 'not the password at all');
  await assertAccessible(page, 'the sign-in page with its error');
  await signIn(page, email);
  for (const url of ['/admin', '/admin/products', '/admin/products?status=retired',
    '/admin/orders', '/admin/orders?from=nonsense', `/admin/orders/${order.id}`, '/admin/staff', '/admin/cms']) {
    await page.goto(BASE + url);
    await assertAccessible(page, url);
  }
  // the code step, on a phone
  const phone = await fresh(t, { viewport: { width: 390, height: 844 } });
  const second = staffUser('viewer');
  staffCtl('totp', 'nordlys', second);
  await phone.goto(BASE + '/admin/sign-in');
  await signIn(phone, second);
  assert.equal(new URL(phone.url()).pathname, '/admin/sign-in/code');
  assert.equal(await phone.getByLabel('Kode', { exact: true }).getAttribute('autocomplete'), 'one-time-code');
  await phone.screenshot({ path: path.join(shots, 'admin-code.png'), fullPage: true });
  await assertAccessible(phone, 'the code step');
  await phone.getByLabel('Kode', { exact: true }).fill('000000');
  assert.equal((await submit(phone, 'Fortsæt')).status(), 401);
  await assertAccessible(phone, 'the code step with its error');
});
