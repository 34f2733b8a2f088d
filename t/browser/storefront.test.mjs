// Storefront pages in headless Chromium (Debian's, never a downloaded
// one): each brand looks like itself, pages pass axe's WCAG 2.1 AA rules,
// and the CSP holds (no violation reported in the console).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { assertAccessible, launchPersistent } from './lib.mjs';
import { PORT, STACK_DIR } from '../http/lib.mjs';

const shots = path.join(STACK_DIR, 'screenshots');
let context, profile;

before(async () => {
  mkdirSync(shots, { recursive: true });
  profile = mkdtempSync(path.join(os.tmpdir(), 'ecom-chromium-'));
  context = await launchPersistent(profile, {
    viewport: { width: 390, height: 844 },   // a phone first
  });
});

after(async () => {
  await context?.close();
  rmSync(profile, { recursive: true, force: true });
});

async function open(host, urlPath = '/') {
  const page = await context.newPage();
  const problems = [];
  page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
  page.on('pageerror', (e) => problems.push(String(e)));
  const res = await page.goto(`http://${host}:${PORT}${urlPath}`);
  return { page, res, problems };
}

const brands = [
  { host: 'nordlys.localhost', name: 'Nordlys Mobil', primary: 'rgb(11, 61, 92)' },
  { host: 'fjordmobil.localhost', name: 'Fjordmobil', primary: 'rgb(122, 31, 61)' },
];

for (const brand of brands) {
  test(`${brand.name}: home page in its own name and colours, accessible, CSP-clean`, async () => {
    const { page, res, problems } = await open(brand.host);
    assert.equal(res.status(), 200);
    assert.equal(await page.locator('h1').first().textContent(), brand.name);
    assert.match(await page.title(), new RegExp(brand.name));
    const headerBg = await page.locator('.site-header').evaluate((el) => getComputedStyle(el).backgroundColor);
    assert.equal(headerBg, brand.primary);
    const logo = page.locator('.brand-logo');
    assert.equal(await logo.evaluate((img) => img.complete && img.naturalWidth > 0), true, 'logo loads');
    await assertAccessible(page, brand.name);
    await page.screenshot({ path: path.join(shots, `${brand.host}-home.png`), fullPage: true });
    assert.deepEqual(problems, [], 'console errors (CSP violations show here)');
    await page.close();
  });
}

test('a subpage and a product page are accessible and reachable from the cards', async () => {
  const { page, problems } = await open('nordlys.localhost', '/tilbud');
  assert.equal(await page.locator('.plan-card').count(), 2);
  await assertAccessible(page, '/tilbud');
  await page.locator('.plan-card a', { hasText: 'Se abonnementet' }).first().click();
  await page.waitForURL(/\/tilbud\/products\/NL-50GB$/);
  assert.equal(await page.locator('h1').textContent(), 'Tilbud: 50 GB 5G');
  await assertAccessible(page, 'product page');
  await page.screenshot({ path: path.join(shots, 'nordlys.localhost-product.png'), fullPage: true });
  assert.deepEqual(problems, []);
  await page.close();
});

test('the plan cards on a phone: one column, price visible', async () => {
  const { page } = await open('fjordmobil.localhost', '/');
  const cards = page.locator('.plan-card');
  assert.ok(await cards.count() >= 4);
  const boxes = await cards.evaluateAll((els) => els.slice(0, 2).map((e) => e.getBoundingClientRect().left));
  assert.equal(boxes[0], boxes[1], 'cards stack in one column on a 390 px screen');
  assert.match(await cards.first().locator('.plan-price').textContent(), /kr\./);
  await page.close();
});

test('the two brands look different', async () => {
  const a = await open(brands[0].host);
  const b = await open(brands[1].host);
  const lead = (p) => p.locator('.lead').textContent();
  assert.notEqual(await lead(a.page), await lead(b.page), 'fjordmobil overrides the home template');
  await a.page.close();
  await b.page.close();
});

test('the 404 page of an unknown host is accessible and names no shop', async () => {
  const { page, res } = await open('unknown.localhost', '/');
  assert.equal(res.status(), 404);
  const text = await page.locator('body').textContent();
  assert.doesNotMatch(text, /Nordlys|Fjordmobil/);
  await assertAccessible(page, '404');
  await page.close();
});
