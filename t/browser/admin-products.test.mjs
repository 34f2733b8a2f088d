// The panel's product form in headless Chromium (Debian's), on a scratch
// tenant in Danish with a copy of Nordlys's catalog (four channels, two
// add-ons). With JavaScript off, an editor fills in a new plan through
// the plain form, gets a price that is no amount back at its field with
// what was typed kept, corrects it and saves it in the draft; sees it in
// the app channel's preview and not in the web's; publishes the draft,
// and the storefront's app channel shows it; axe (WCAG 2.1 AA) judges
// the new form, the refused one and a stored product with campaigns.
// Screenshots go to var/test/screenshots/admin-product-*.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { assertAccessible, clickToLoad, desktopPage, launch } from './lib.mjs';
import { PORT, STACK_DIR, ecomctl, redis, sql } from '../http/lib.mjs';
import { PW, dropStaffAndOrders, staffUser } from '../http/staff.mjs';

const SLUG = 'prodweb';
const HOST = `${SLUG}.localhost`;
const BASE = `http://${HOST}:${PORT}`;
const shots = path.join(STACK_DIR, 'screenshots');
let browser;

before(async () => {
  mkdirSync(shots, { recursive: true });
  sql(`DELETE FROM tenants WHERE slug = '${SLUG}'`);
  ecomctl('tenant', 'create', SLUG, '--name', 'Product Web', '--host', HOST, '--catalog-from', 'nordlys');
  browser = await launch();
});

after(async () => {
  await browser?.close();
  dropStaffAndOrders();
  sql(`DELETE FROM tenants WHERE slug = '${SLUG}'`);
  redis('PUBLISH', 'ecom:invalidate', 'tenants');
});

const fresh = (t, opts) => desktopPage(browser, t, opts);

const submit = (page, name) => clickToLoad(page, page.getByRole('button', { name }));

async function signedIn(t, path, opts) {
  const page = await fresh(t, opts);
  const email = staffUser('editor', SLUG);
  await page.goto(BASE + path);
  await page.getByLabel('E-mailadresse').fill(email);
  await page.getByLabel('Adgangskode').fill(PW);
  await submit(page, 'Log ind');
  assert.equal(new URL(page.url()).pathname, path);
  return page;
}

test('without JavaScript: a new app-only plan, a bad price at its field, saved, previewed as the app and the web, published, shown in the app', async (t) => {
  const page = await signedIn(t, '/admin/products/new', { js: false });
  await page.getByLabel('Varenummer (SKU)').fill('NL-APP-WEB');
  await page.getByLabel('Navn', { exact: true }).fill('App 30 GB');
  await page.getByLabel('Data (GB)', { exact: true }).fill('30');
  await page.getByLabel('Status', { exact: true }).selectOption('active');
  await page.getByLabel('Pris pr. måned', { exact: true }).fill('149 kr');
  await page.getByLabel('Nordlys-appen: synlig').check();
  await page.getByLabel('Nordlys-appen: kanalens pris pr. måned').fill('129,00');
  const refused = await submit(page, 'Opret produkt');
  assert.equal(refused.status(), 422);
  const price = page.getByLabel('Pris pr. måned', { exact: true });
  assert.equal(await price.inputValue(), '149 kr', 'what was typed is kept');
  assert.equal(await price.getAttribute('aria-invalid'), 'true');
  assert.ok(await page.getByLabel('Nordlys-appen: synlig').isChecked());
  assert.match(await page.locator('#error-summary').innerText(), /Pris pr. måned: Skriv et beløb i DKK, fx 199,00\./);
  await page.screenshot({ path: path.join(shots, 'admin-product-refused.png'), fullPage: true });

  await price.fill('149,00');
  await submit(page, 'Opret produkt');
  assert.equal(new URL(page.url()).pathname, '/admin/products/NL-APP-WEB');
  assert.match(await page.locator('#product-notice').innerText(), /gemt/);
  assert.equal(await page.getByLabel('Nordlys-appen: kanalens pris pr. måned').inputValue(), '129,00');
  assert.equal(await page.getByLabel('Forside: synlig').isChecked(), false);
  const live = () => JSON.parse(ecomctl('catalog', 'export', SLUG)).products.find((p) => p.sku === 'NL-APP-WEB');
  assert.equal(live(), undefined, 'saved in the draft, not live');

  // a shopper of the app sees nothing of it yet
  const app = await fresh(t);
  await app.setExtraHTTPHeaders({ 'x-channel': 'app' });
  assert.equal((await app.goto(BASE + '/products/NL-APP-WEB')).status(), 404);

  // the editor's preview: in the app, with the draft, it is there...
  await page.goto(BASE + '/admin/preview');
  await page.getByLabel('Kanal').selectOption('app');
  await page.getByLabel('Side').selectOption('/products/NL-APP-WEB');
  assert.ok(await page.getByLabel('Med kladden').isChecked());
  let shown = await submit(page, 'Vis forhåndsvisningen');
  assert.equal(shown.status(), 200);
  assert.equal(new URL(page.url()).pathname, '/products/NL-APP-WEB');
  assert.match(await page.locator('.preview-banner').innerText(), /Nordlys-appen/);
  assert.match(await page.locator('main').innerText(), /App 30 GB/);
  await page.screenshot({ path: path.join(shots, 'admin-product-preview.png'), fullPage: true });
  // ...on the web it is not
  await page.goto(BASE + '/admin/preview');
  await page.getByLabel('Kanal').selectOption('web');
  await page.getByLabel('Side').selectOption('/products/NL-APP-WEB');
  shown = await submit(page, 'Vis forhåndsvisningen');
  assert.equal(shown.status(), 404);
  assert.match(await page.locator('.preview-banner').innerText(), /Forside/, 'the banner says which channel, even on a 404');

  // published from the draft screen: the app shows it, the web does not
  await page.goto(BASE + '/admin/draft');
  assert.match(await page.locator('#draft-changes').innerText(), /NL-APP-WEB/);
  await submit(page, 'Offentliggør nu');
  assert.match(await page.locator('[role=status]').first().innerText(), /Offentliggjort/);
  const stored = live();
  assert.deepEqual(stored.channels, { app: { visible: true, sort: 0, monthly_price: 12900 } });
  assert.equal(stored.monthly_price, 14900);
  const res = await app.goto(BASE + '/products/NL-APP-WEB');
  assert.equal(res.status(), 200);
  assert.match(await app.locator('main').innerText(), /App 30 GB/);
  const web = await fresh(t);
  assert.equal((await web.goto(BASE + '/products/NL-APP-WEB')).status(), 404);
});

test('axe: the new form, a refused one and a stored plan with its campaigns', async (t) => {
  const page = await signedIn(t, '/admin/products/new');
  await assertAccessible(page, 'the new product form');
  await page.getByLabel('Pris pr. måned', { exact: true }).fill('-5');
  await submit(page, 'Opret produkt');
  await assertAccessible(page, 'the refused form');
  await page.goto(BASE + '/admin/products/NL-100GB');
  assert.ok(await page.locator('#campaigns').isVisible());
  // the campaigns' instants on the shop's clock (Europe/Copenhagen)
  assert.match(await page.locator('#campaigns tr[data-campaign="binding-99"]').innerText(), /2026-11-01 00:00\s+2027-03-01 00:00/);
  await assertAccessible(page, 'a stored plan');
  await page.screenshot({ path: path.join(shots, 'admin-product-plan.png'), fullPage: true });
});
