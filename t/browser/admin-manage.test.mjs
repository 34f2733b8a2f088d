// The admin panel's audit log, staff and API key screens in headless
// Chromium (Debian's). With JavaScript off, an admin adds a staff user
// through the plain form (a too short password first, answered at its
// field with what was typed kept), finds the change in the audit log,
// makes an API key and sees it once. With JavaScript on (axe runs in the
// page), the three screens, with rows, errors and a new key, pass axe
// (WCAG 2.1 AA). Screenshots go to var/test/screenshots/admin-*.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { assertAccessible, clickToLoad, desktopPage, launch } from './lib.mjs';
import { PORT, NORDLYS, STACK_DIR, sql } from '../http/lib.mjs';
import { PW, TAG, dropStaffAndOrders, staffUser } from '../http/staff.mjs';

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
  sql(`DELETE FROM api_keys WHERE name LIKE '%-${TAG}'`);
});

const fresh = (t, opts) => desktopPage(browser, t, opts);

const submit = (page, name) => clickToLoad(page, page.getByRole('button', { name, exact: true }));

async function signIn(page, email) {
  await page.goto(BASE + '/admin/sign-in');
  await page.getByLabel('E-mailadresse').fill(email);
  await page.getByLabel('Adgangskode').fill(PW);
  await submit(page, 'Log ind');
}

const nav = (page) => page.getByRole('navigation', { name: 'Administration' });
const form = (page) => page.getByRole('form', { name: 'Tilføj en bruger' });

test('without JavaScript: add a staff user, find it in the audit log, make an API key', async (t) => {
  const page = await fresh(t, { js: false });
  await signIn(page, staffUser('admin'));
  await nav(page).getByRole('link', { name: 'Medarbejdere' }).click();
  await page.waitForURL(`${BASE}/admin/staff`);
  const email = `browser-${TAG}@admin.test`;
  await form(page).getByLabel('E-mailadresse', { exact: true }).fill(email);
  await form(page).getByLabel('Navn', { exact: true }).fill('Bo Browser');
  await form(page).getByLabel('Rolle', { exact: true }).selectOption('editor');
  await form(page).getByLabel('Første adgangskode').fill('short');
  // minlength would stop the browser: the server's rule is what is tested
  await page.locator('#new-password').evaluate((el) => el.removeAttribute('minlength'));
  assert.equal((await submit(page, 'Tilføj brugeren')).status(), 422);
  const pw = form(page).getByLabel('Første adgangskode');
  assert.equal(await pw.getAttribute('aria-invalid'), 'true');
  assert.match(await page.locator('#password-error').textContent(), /10 til 128 tegn/);
  assert.equal(await form(page).getByLabel('E-mailadresse', { exact: true }).inputValue(), email, 'what was typed is kept');
  assert.equal(await form(page).getByLabel('Rolle', { exact: true }).inputValue(), 'editor');
  assert.equal(await pw.inputValue(), '', 'never the password');
  await page.screenshot({ path: path.join(shots, 'admin-staff-error.png'), fullPage: true });
  await form(page).getByLabel('Navn', { exact: true }).fill('Bo Browser');
  await pw.fill('a good long password');
  await submit(page, 'Tilføj brugeren');
  assert.equal(new URL(page.url()).pathname, '/admin/staff');
  assert.ok(await page.locator(`tr[data-email="${email}"]`).isVisible());
  assert.equal(sql(`SELECT role FROM staff_users WHERE email = '${email}'`), 'editor');
  await page.screenshot({ path: path.join(shots, 'admin-staff.png'), fullPage: true });

  await nav(page).getByRole('link', { name: 'Revisionslog' }).click();
  await page.waitForURL(`${BASE}/admin/audit`);
  await page.getByLabel('Objekt').selectOption('staff');
  await submit(page, 'Vis');
  assert.match(page.url(), /object_type=staff/);
  const row = page.locator('#audit tbody tr').first();
  assert.match(await row.textContent(), new RegExp(email.replace(/[.]/g, '\\.')));
  assert.match(await row.textContent(), /create/);
  await page.screenshot({ path: path.join(shots, 'admin-audit.png'), fullPage: true });

  await nav(page).getByRole('link', { name: 'API-nøgler' }).click();
  await page.waitForURL(`${BASE}/admin/api-keys`);
  await page.getByLabel('Navn', { exact: true }).fill(`browser-${TAG}`);
  await page.getByLabel('Rolle', { exact: true }).selectOption('viewer');
  await submit(page, 'Lav nøglen');
  const key = await page.getByLabel('Nøglen').inputValue();
  assert.match(key, /^eck_[A-Za-z0-9_-]{43}$/);
  await page.screenshot({ path: path.join(shots, 'admin-api-keys.png'), fullPage: true });
  await page.goto(BASE + '/admin/api-keys');
  assert.doesNotMatch(await page.content(), new RegExp(key), 'shown once');
});

test('the audit log, staff and API key screens pass axe', async (t) => {
  const page = await fresh(t);
  await signIn(page, staffUser('admin'));
  staffUser('viewer'); // a row with forms beside one's own
  for (const url of ['/admin/audit', '/admin/audit?object_type=staff', '/admin/audit?from=nonsense',
    '/admin/staff', '/admin/api-keys']) {
    await page.goto(BASE + url);
    await assertAccessible(page, url);
  }
  // the forms' answers: an error at its field, a key shown once
  await page.goto(BASE + '/admin/staff');
  await form(page).getByLabel('E-mailadresse', { exact: true }).fill(`axe-${TAG}@admin.test`);
  await form(page).getByLabel('Navn', { exact: true }).fill('Axe');
  await form(page).getByLabel('Første adgangskode').fill('0123456789');
  await page.locator('#new-email').evaluate((el) => { el.type = 'text'; el.value = 'not an address'; });
  assert.equal((await submit(page, 'Tilføj brugeren')).status(), 422);
  await assertAccessible(page, 'the staff form with its error');
  await page.goto(BASE + '/admin/api-keys');
  await page.getByLabel('Navn', { exact: true }).fill(`axe-${TAG}`);
  assert.equal((await submit(page, 'Lav nøglen')).status(), 201);
  await assertAccessible(page, 'a new key');
});
