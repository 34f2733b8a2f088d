// The panel's onboarding in headless Chromium (Debian's), signed in as an
// operator at a Danish shop. With JavaScript off, the operator fills the
// plain form, gets a bad VAT back at its field with what was typed kept,
// corrects it and lands on the new tenant's page, whose link opens its
// storefront. With JavaScript on (axe runs in the page), the list, the
// form with its refusals and the tenant's page pass axe (WCAG 2.1 AA),
// and the Nu HTML Checker finds no error in them as served.
// Screenshots go to var/test/screenshots/admin-tenants-*.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { assertAccessible, clickToLoad, desktopPage, launch } from './lib.mjs';
import { NORDLYS, PORT, STACK_DIR, redis, sql } from '../http/lib.mjs';
import { PW, dropStaffAndOrders, staffUser } from '../http/staff.mjs';

const BASE = `http://${NORDLYS}:${PORT}`;
const SLUG = `web${process.pid}`;
const shots = path.join(STACK_DIR, 'screenshots');
const vnu = path.join(path.dirname(createRequire(import.meta.url).resolve('vnu-jar')), 'build/dist/vnu.jar');
let browser;
let dir;

before(async () => {
  mkdirSync(shots, { recursive: true });
  dir = mkdtempSync(path.join(os.tmpdir(), 'ecom-tenants-vnu-'));
  browser = await launch();
});

after(async () => {
  await browser?.close();
  dropStaffAndOrders();
  sql(`DELETE FROM tenants WHERE slug LIKE '${SLUG}%'`);
  redis('PUBLISH', 'ecom:invalidate', 'tenants');
  rmSync(dir, { recursive: true, force: true });
});

// the page's HTML for the HTML checker (the panel runs no script, so
// what Chromium holds is what was served)
const served = [];
async function keep(page, name) {
  const file = path.join(dir, `${name}.html`);
  writeFileSync(file, await page.content());
  served.push(file);
}

const fresh = (t, opts) => desktopPage(browser, t, opts);

const submit = (page, name) => clickToLoad(page, page.getByRole('button', { name }));

async function operator(t, opts) {
  const page = await fresh(t, opts);
  await page.goto(BASE + '/admin/tenants/new');
  await page.getByLabel('E-mailadresse').fill(staffUser('operator'));
  await page.getByLabel('Adgangskode').fill(PW);
  await submit(page, 'Log ind');
  assert.equal(new URL(page.url()).pathname, '/admin/tenants/new');
  return page;
}

async function fill(page, slug, vat) {
  await page.getByLabel('Kortnavn (slug)').fill(slug);
  await page.getByLabel('Navn', { exact: true }).fill('Havblik Mobil');
  await page.getByLabel('Værtsnavne').fill(`${slug}.localhost`);
  await page.getByLabel('Momssats (%)').fill(vat);
  await page.getByLabel('Kopiér kataloget fra').selectOption('fjordmobil');
}

test('without JavaScript: a bad VAT refused at its field, then the tenant made and its shop opened', async (t) => {
  const page = await operator(t, { js: false });
  assert.equal(await page.locator('html').getAttribute('lang'), 'da-DK');
  await fill(page, SLUG, '125');
  const refused = await submit(page, 'Opret butikken');
  assert.equal(refused.status(), 422);
  const vat = page.getByLabel('Momssats (%)');
  assert.equal(await vat.inputValue(), '125', 'what was typed is kept');
  assert.equal(await vat.getAttribute('aria-invalid'), 'true');
  assert.match(await page.locator('#vat-error').innerText(), /0 til 100/);
  assert.equal(await page.getByLabel('Kortnavn (slug)').inputValue(), SLUG);
  assert.equal(await page.getByLabel('Kopiér kataloget fra').inputValue(), 'fjordmobil', 'the choice is kept');
  await page.screenshot({ path: path.join(shots, 'admin-tenants-refused.png'), fullPage: true });

  await vat.fill('25');
  const made = await submit(page, 'Opret butikken');
  assert.equal(made.status(), 200);
  assert.equal(new URL(page.url()).pathname, `/admin/tenants/${SLUG}`);
  assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), 'Havblik Mobil');
  await page.screenshot({ path: path.join(shots, 'admin-tenants-created.png'), fullPage: true });
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.locator('a.shop-link').first().click()]);
  assert.equal(new URL(page.url()).host, `${SLUG}.localhost:${PORT}`);
  assert.equal(await page.locator('h1#hero-title').innerText(), 'Havblik Mobil');
});

test('axe: the list, the form with its refusals, and a tenant\'s page', async (t) => {
  const page = await operator(t);
  await assertAccessible(page, 'the new tenant form');
  await fill(page, `${SLUG}-axe`, 'x');
  await page.getByLabel('Tekst', { exact: true }).fill('#777');
  await submit(page, 'Opret butikken');
  assert.equal(await page.locator('[aria-invalid="true"]').count(), 2);
  await assertAccessible(page, 'the form with refusals');
  await keep(page, 'refused');
  await page.goto(BASE + '/admin/tenants');
  await assertAccessible(page, 'the tenants');
  await keep(page, 'list');
  await page.goto(BASE + '/admin/tenants/fjordmobil');
  await assertAccessible(page, 'a tenant');
  await keep(page, 'tenant');
  await page.goto(BASE + '/admin/tenants/new');
  await keep(page, 'form');
  await page.screenshot({ path: path.join(shots, 'admin-tenants-show.png'), fullPage: true });
});

test('the Nu HTML Checker finds no error in the screens', () => {
  assert.ok(served.length >= 4);
  let out = '';
  try {
    execFileSync('java', ['-jar', vnu, '--errors-only', ...served], { encoding: 'utf8', stdio: 'pipe' });
  } catch (e) {
    out = `${e.stdout}${e.stderr}`;
  }
  assert.equal(out.trim(), '', 'the HTML checker found errors');
});
