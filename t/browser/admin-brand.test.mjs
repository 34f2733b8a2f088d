// The admin panel's branding screen in headless Chromium (Debian's), on
// a scratch tenant in Danish. With JavaScript off, an admin signs in,
// types a palette below WCAG AA and gets it back refused at its field,
// saves a good one, and uploads a logo through the plain multipart form,
// which the screen then shows. With JavaScript on (axe runs in the page),
// the screen passes axe (WCAG 2.1 AA) as it is, with refusals at the
// colour fields and with a refused upload. Screenshots go to
// var/test/screenshots/admin-brand-*.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { assertAccessible, clickToLoad, desktopPage, launch } from './lib.mjs';
import { PORT, STACK_DIR, ecomctl, redis, sql } from '../http/lib.mjs';
import { PW, dropStaffAndOrders, staffUser } from '../http/staff.mjs';
import { png } from '../http/images.mjs';

const SLUG = 'brandweb';
const HOST = `${SLUG}.localhost`;
const BASE = `http://${HOST}:${PORT}`;
const shots = path.join(STACK_DIR, 'screenshots');
let browser;
let dir;

before(async () => {
  mkdirSync(shots, { recursive: true });
  dir = mkdtempSync(path.join(os.tmpdir(), 'ecom-brand-'));
  sql(`DELETE FROM tenants WHERE slug = '${SLUG}'`);
  ecomctl('tenant', 'create', SLUG, '--name', 'Brand Web', '--host', HOST);
  browser = await launch();
});

after(async () => {
  await browser?.close();
  dropStaffAndOrders();
  sql(`DELETE FROM tenants WHERE slug = '${SLUG}'`);
  redis('PUBLISH', 'ecom:invalidate', 'tenants');
  rmSync(dir, { recursive: true, force: true });
});

const fresh = (t, opts) => desktopPage(browser, t, opts);

const submit = (page, name) => clickToLoad(page, page.getByRole('button', { name }));

async function signedIn(t, opts) {
  const page = await fresh(t, opts);
  const email = staffUser('admin', SLUG);
  await page.goto(BASE + '/admin/branding');
  await page.getByLabel('E-mailadresse').fill(email);
  await page.getByLabel('Adgangskode').fill(PW);
  await submit(page, 'Log ind');
  assert.equal(new URL(page.url()).pathname, '/admin/branding');
  return page;
}

test('without JavaScript: a palette refused at its field, a good one saved, a logo uploaded and shown', async (t) => {
  const page = await signedIn(t, { js: false });
  assert.equal(await page.locator('html').getAttribute('lang'), 'da-DK');
  await page.getByLabel('Tekst', { exact: true }).fill('#777');
  const refused = await submit(page, 'Gem navn og farver');
  assert.equal(refused.status(), 422);
  const text = page.getByLabel('Tekst', { exact: true });
  assert.equal(await text.inputValue(), '#777', 'what was typed is kept');
  assert.equal(await text.getAttribute('aria-invalid'), 'true');
  assert.match(await page.locator('#color_text-error').innerText(), /Tekst på baggrunden: 4,47:1 \(kræver mindst 4,50:1\)/);
  assert.ok(await page.locator('.form-error[role="alert"]').isVisible());
  await page.screenshot({ path: path.join(shots, 'admin-brand-refused.png'), fullPage: true });

  await text.fill('#10222e');
  await page.getByLabel('Butikkens navn').fill('Brand Web Blå');
  const saved = await submit(page, 'Gem navn og farver');
  assert.equal(saved.status(), 200);
  assert.match(await page.locator('#branding-notice').innerText(), /Gemt/);
  assert.match(await page.locator('.brand-name').innerText(), /Brand Web Blå/);

  const file = path.join(dir, 'logo.png');
  writeFileSync(file, png(48, 48));
  await page.getByLabel('Nyt logo').setInputFiles(file);
  const uploaded = await submit(page, 'Upload logo');
  assert.equal(uploaded.status(), 200);
  assert.match(await page.locator('#branding-notice').innerText(), /Logoet er gemt/);
  const img = page.locator('#current-logo');
  assert.ok(await img.isVisible());
  assert.equal(await img.evaluate((i) => i.complete && i.naturalWidth), 48, 'the logo loads from nginx');
  await page.screenshot({ path: path.join(shots, 'admin-brand-saved.png'), fullPage: true });

  // an SVG through the same form: refused at the field
  const svg = path.join(dir, 'logo.svg');
  writeFileSync(svg, '<svg xmlns="http://www.w3.org/2000/svg"/>');
  await page.getByLabel('Nyt logo').setInputFiles(svg);
  assert.equal((await submit(page, 'Upload logo')).status(), 422);
  assert.match(await page.locator('#logo-error').innerText(), /SVG accepteres ikke/);
});

test('axe: the branding screen, with refusals at the colours and at the logo', async (t) => {
  const page = await signedIn(t);
  await assertAccessible(page, 'admin branding');
  await page.getByLabel('Primærfarve (sidehoved, knapper, links)').fill('#8a9bb0');
  assert.equal((await submit(page, 'Gem navn og farver')).status(), 422);
  assert.ok(await page.locator('#color_primary-error').isVisible());
  await assertAccessible(page, 'admin branding, refused');
  const bad = path.join(dir, 'garbage.png');
  writeFileSync(bad, 'not an image');
  await page.goto(BASE + '/admin/branding');
  await page.getByLabel('Nyt logo').setInputFiles(bad);
  assert.equal((await submit(page, 'Upload logo')).status(), 422);
  await assertAccessible(page, 'admin branding, logo refused');
});
