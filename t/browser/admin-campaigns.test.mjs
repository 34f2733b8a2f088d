// The panel's campaign and channel screens in headless Chromium
// (Debian's), on the nordlys demo shop in Danish. With JavaScript off, an
// editor creates a campaign through the form, publishes it from the
// draft, and the storefront's price changes at its start instant and not
// before (the price of every instant, and the shop's own price as the
// start passes). With JavaScript on (axe
// runs in the page), the lists, the forms, a form with its refusals and
// one with the campaigns it meets pass axe (WCAG 2.1 AA). The catalog is
// put back as it was. Screenshots go to
// var/test/screenshots/admin-campaigns-*.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { assertAccessible, clickToLoad, desktopPage, launch } from './lib.mjs';
import { NORDLYS, PORT, STACK_DIR, ecomctl, json, sql } from '../http/lib.mjs';
import { PW, TAG, dropStaffAndOrders, staffUser } from '../http/staff.mjs';

const BASE = `http://${NORDLYS}:${PORT}`;
const shots = path.join(STACK_DIR, 'screenshots');
const CODE = `b${TAG.replace(/\D/g, '')}`;
let browser;
let dir;

// the shop's catalog draft, which the screens save into
const dropDraft = () => sql("DELETE d FROM catalog_drafts d JOIN tenants t ON t.id = d.tenant_id WHERE t.slug = 'nordlys'");

before(async () => {
  dropDraft();
  mkdirSync(shots, { recursive: true });
  dir = mkdtempSync(path.join(os.tmpdir(), 'ecom-campaigns-b-'));
  writeFileSync(path.join(dir, 'nordlys.json'), ecomctl('catalog', 'export', 'nordlys'));
  browser = await launch();
});

after(async () => {
  await browser?.close();
  dropDraft();
  ecomctl('catalog', 'import', 'nordlys', path.join(dir, 'nordlys.json'));
  rmSync(dir, { recursive: true, force: true });
  sql(`DELETE FROM audit_log WHERE actor_label LIKE '%-${TAG}@admin.test'`);
  dropStaffAndOrders();
});

const fresh = (t, opts) => desktopPage(browser, t, opts);

const submit = (page, name) => clickToLoad(page, page.getByRole('button', { name }));

async function signedIn(t, opts) {
  const page = await fresh(t, opts);
  const email = staffUser('editor');
  await page.goto(BASE + '/admin/campaigns');
  await page.getByLabel('E-mailadresse').fill(email);
  await page.getByLabel('Adgangskode').fill(PW);
  await submit(page, 'Log ind');
  assert.equal(new URL(page.url()).pathname, '/admin/campaigns');
  return page;
}

// Instant ms as the shop's clock writes it, to the minute.
const local = (ms) => new Date(ms).toLocaleString('sv-SE', { timeZone: 'Europe/Copenhagen' })
  .slice(0, 16).replace(' ', 'T');

async function fillCampaign(page, { code, name, from, to, sku, amount }) {
  await page.getByLabel('Kode').fill(code);
  await page.getByLabel('Navn', { exact: true }).fill(name);
  await page.getByLabel('Fra', { exact: true }).fill(from);
  await page.getByLabel('Til', { exact: true }).fill(to);
  await page.locator('#products').getByLabel(sku).check();
  await page.locator('#a0_kind').selectOption('fixed_price');
  await page.locator('#a0_amount').fill(amount);
  await page.locator('#a0_first_month').fill('1');
  await page.locator('#a0_months').fill('2');
}

test('without JavaScript: a campaign made in the panel prices the shop from its start, not before', async (t) => {
  const page = await signedIn(t, { js: false });
  await page.getByRole('link', { name: 'Ny kampagne' }).click();
  await page.waitForURL(BASE + '/admin/campaigns/new');
  // a start on a whole minute, at least 20 s ahead
  const start = Math.ceil((Date.now() + 20e3) / 60e3) * 60e3;
  await fillCampaign(page, { code: `${CODE}-start`, name: 'Tale til 39', from: local(start),
    to: local(start + 86400e3), sku: 'NL-TALE', amount: '39,00' });
  const res = await submit(page, 'Gem kampagnen');
  assert.equal(res.status(), 200);
  assert.equal(new URL(page.url()).pathname, `/admin/campaigns/${CODE}-start`);
  assert.match(await page.locator('#campaign-notice').textContent(), /oprettet/);
  assert.equal(await page.locator('#valid_from').inputValue(), local(start));
  await page.screenshot({ path: path.join(shots, 'admin-campaigns-form.png'), fullPage: true });
  // saved in the draft; published from the draft screen
  await page.goto(BASE + '/admin/draft');
  assert.match(await page.locator('#draft-changes').innerText(), new RegExp(`${CODE}-start`));
  await submit(page, 'Offentliggør nu');
  assert.match(await page.locator('[role=status]').first().innerText(), /Offentliggjort/);
  // the shop's own price, as a shopper sees it: the regular one until the
  // start, the campaign's from then on
  const now = async () => (await json(NORDLYS, '/api/v1/products/NL-TALE')).json.product.price.monthly_now;
  while (Date.now() < start - 1500) {
    assert.equal(await now(), 7900, 'the regular price before the start');
    await new Promise((r) => setTimeout(r, 1000));
  }
  while (Date.now() < start + 200) await new Promise((r) => setTimeout(r, 50));
  assert.equal(await now(), 3900, 'the campaign price from the start');
  const at = async (ms) => (await json(NORDLYS,
    `/api/v1/products/NL-TALE/price?at=${new Date(ms).toISOString().slice(0, 19)}Z`)).json.price;
  const explain = (p) => p.explanation.find((e) => e.campaign === `${CODE}-start`);
  const before = await at(start - 1000);
  assert.equal(before.monthly_now, 7900);
  assert.equal(explain(before).reason, 'outside_validity');
  const from = await at(start);
  assert.equal(from.monthly_now, 3900);
  assert.equal(explain(from).applied, true);
  // it is running in the list
  await page.goto(BASE + `/admin/campaigns/${CODE}-start`);
  await page.getByRole('link', { name: 'Tilbage til kampagnerne' }).click();
  assert.ok(await page.locator(`tr[data-campaign="${CODE}-start"]`).isVisible());
  await page.screenshot({ path: path.join(shots, 'admin-campaigns-list.png'), fullPage: true });
});

test('the campaign and channel screens pass axe, with refusals and overlaps', async (t) => {
  const page = await signedIn(t);
  await assertAccessible(page, 'the campaign list');
  await page.goto(BASE + '/admin/campaigns/new');
  await assertAccessible(page, 'a new campaign form');
  await page.getByLabel('Navn', { exact: true }).fill('Uden resten');
  assert.equal((await submit(page, 'Gem kampagnen')).status(), 422);
  assert.ok(await page.locator('#form-error').isVisible());
  await assertAccessible(page, 'a campaign form with refusals');
  await page.goto(BASE + '/admin/campaigns/new');
  const now = Date.now();
  await fillCampaign(page, { code: `${CODE}-axe`, name: 'App 10 GB til 99', from: local(now - 3600e3),
    to: local(now + 86400e3), sku: 'NL-10GB', amount: '99,00' });
  await submit(page, 'Gem kampagnen');
  assert.ok(await page.locator('#overlaps tr[data-campaign="app-20-procent"]').isVisible());
  await page.screenshot({ path: path.join(shots, 'admin-campaigns-overlaps.png'), fullPage: true });
  await assertAccessible(page, 'a campaign form with the campaigns it meets');
  await page.goto(BASE + '/admin/channels');
  await assertAccessible(page, 'the channels and their rules');
  await page.screenshot({ path: path.join(shots, 'admin-campaigns-channels.png'), fullPage: true });
  await page.goto(BASE + '/admin/channels/app');
  await assertAccessible(page, 'a channel form');
  await page.goto(BASE + '/admin/channels/new');
  await page.getByLabel('Kode').fill('Ikke En Kode');
  await page.getByLabel('Navn', { exact: true }).fill('X');
  assert.equal((await submit(page, 'Gem kanalen')).status(), 422);
  await assertAccessible(page, 'a channel form with its refusal');
});
