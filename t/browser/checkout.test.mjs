// The whole purchase in headless Chromium (Debian's) with JavaScript off,
// as a customer without it goes through it: a plan with a number and a
// 6-month binding on the product page, the checkout page (the binding
// accepted there, details typed, a field left wrong and the page coming
// back with the error at it and the rest kept), the simulator's approve,
// the return page, and the order page until the downstream simulator
// reports the subscription active. The checkout and order pages pass axe
// (WCAG 2.1 AA) and the Nu HTML Checker.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { assertAccessible, launch } from './lib.mjs';
import { FJORD, PORT, STACK_DIR, sql } from '../http/lib.mjs';

const vnu = path.join(path.dirname(createRequire(import.meta.url).resolve('vnu-jar')), 'build/dist/vnu.jar');
const shots = path.join(STACK_DIR, 'screenshots');
const BASE = `http://${FJORD}:${PORT}`;
const PRODUCT = '/products/FJ-20GB';
let browser, dir;

before(async () => {
  mkdirSync(shots, { recursive: true });
  dir = mkdtempSync(path.join(os.tmpdir(), 'ecom-checkout-vnu-'));
  browser = await launch();
});

after(async () => {
  await browser?.close();
  rmSync(dir, { recursive: true, force: true });
});

// A form post by a click: the answer to the post (after its redirects).
async function post(page, button) {
  const [res] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'POST' || r.request().redirectedFrom()),
    button.click(),
  ]);
  await page.waitForLoadState();
  return res;
}

const squash = (s) => s.replace(/\s+/g, ' ').trim();

function validHtml(pages) {
  const files = pages.map(([name, html]) => {
    const file = path.join(dir, `${name}.html`);
    writeFileSync(file, html);
    return file;
  });
  try {
    execFileSync('java', ['-jar', vnu, '--errors-only', ...files], { encoding: 'utf8', stdio: 'pipe' });
    return '';
  } catch (e) {
    return `${e.stdout}${e.stderr}`.trim();
  }
}

test('a guest buys a plan with a number without JavaScript, and follows the order until it is active', async (t) => {
  const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 390, height: 844 } });
  t.after(() => context.close());
  const page = await context.newPage();
  const html = [];

  await page.goto(BASE + PRODUCT);
  const number = await page.locator('#numbers input[name="number"]').first().getAttribute('value');
  await page.locator('#numbers input[name="number"]').first().check();
  await page.locator('input[name="binding_months"][value="6"]').check();
  await post(page, page.getByRole('button', { name: 'Læg i kurven' }));
  assert.equal(new URL(page.url()).pathname, '/basket');

  await page.goto(`${BASE}/checkout`);
  assert.match(await page.locator('h1').innerText(), /Afgiv din bestilling/);
  const lines = page.locator('.checkout-lines li.basket-line');
  assert.equal(await lines.count(), 1);
  assert.match(squash(await lines.textContent()), /6 måneders binding/);
  html.push(['checkout', await page.content()]);
  await page.screenshot({ path: path.join(shots, 'checkout.png'), fullPage: true });

  // everything but a phone number a shop can call
  await page.getByLabel(/Jeg accepterer 6 måneders binding/).check();
  await page.getByLabel('Navn', { exact: true }).fill('Ann Hansen');
  await page.getByLabel('E-mailadresse', { exact: true }).fill('ann.browser@example.com');
  await page.getByLabel('Telefonnummer', { exact: true }).fill('12');
  await page.getByLabel('Adresse', { exact: true }).fill('Vej 1\n2100 København Ø');
  await page.getByLabel(/handelsbetingelser/).check();
  await page.getByLabel(/aftaleoversigten/).check();
  const refused = await post(page, page.getByRole('button', { name: /Bestil og betal/ }));
  assert.equal(refused.status(), 422);
  assert.equal(await page.locator('#phone').getAttribute('aria-invalid'), 'true');
  assert.equal(await page.locator('#phone-error').count(), 1, 'the error at the phone field');
  assert.equal(await page.getByLabel('Navn', { exact: true }).inputValue(), 'Ann Hansen', 'what was typed is kept');
  assert.equal(await page.getByLabel('Adresse', { exact: true }).inputValue(), 'Vej 1\n2100 København Ø');
  assert.equal(await page.getByLabel(/handelsbetingelser/).isChecked(), true);
  assert.equal(await page.locator('input[name^="accept_binding_"]').count(), 0,
    'the binding was accepted with the first post');
  html.push(['checkout-error', await page.content()]);

  await page.getByLabel('Telefonnummer', { exact: true }).fill('20 12 34 56');
  const placed = await post(page, page.getByRole('button', { name: /Bestil og betal/ }));
  assert.equal(placed.status(), 303, 'to the payment');
  assert.match(new URL(page.url()).pathname, /^\/pay\/sim\/[0-9a-f]{32}$/);
  await post(page, page.getByRole('button', { name: 'Godkend betalingen' }));
  const ret = new URL(page.url()).pathname.match(/^\/orders\/([0-9a-f]{32})\/payment-return$/);
  assert.ok(ret, page.url());
  const order = ret[1];
  assert.equal(await page.locator('.order-status').getAttribute('data-status'), 'paid');

  await page.getByRole('link', { name: 'Se din ordre' }).click();
  assert.equal(new URL(page.url()).pathname, `/orders/${order}`);
  assert.match(squash(await page.locator('.order').textContent()), new RegExp(number.slice(3)));
  // the downstream simulator reports the subscription active within seconds
  let status = '';
  for (let i = 0; i < 40 && status !== 'completed'; i++) {
    await page.reload();
    status = await page.locator('section.order').getAttribute('data-status');
    if (status !== 'completed') await new Promise((r) => setTimeout(r, 250));
  }
  assert.equal(status, 'completed');
  assert.equal(squash(await page.locator('.order-status').innerText()), 'Aktiv');
  html.push(['order', await page.content()]);
  await page.screenshot({ path: path.join(shots, 'order.png'), fullPage: true });
  assert.equal(sql(`SELECT status FROM numbers WHERE msisdn = '${number}'`), 'assigned');

  // another visitor does not see it
  const other = await browser.newContext();
  t.after(() => other.close());
  const stranger = await other.newPage();
  const res = await stranger.goto(`${BASE}/orders/${order}`);
  assert.equal(res.status(), 404);

  // accessible with JavaScript on (axe runs in the page)
  const look = await browser.newContext({ viewport: { width: 390, height: 844 }, storageState: await context.storageState() });
  t.after(() => look.close());
  const lp = await look.newPage();
  await lp.goto(`${BASE}/orders/${order}`);
  await assertAccessible(lp, 'order page');
  await lp.goto(BASE + PRODUCT);
  await lp.locator('#numbers input[name="number"]').first().check();
  await lp.locator('input[name="binding_months"][value="6"]').check();
  // the product page's script adds the line, then shows the basket
  await Promise.all([lp.waitForURL('**/basket'),
    lp.getByRole('button', { name: 'Læg i kurven' }).click()]);
  await lp.goto(`${BASE}/checkout`);
  assert.equal(await lp.locator('.checkout-lines li.basket-line').count(), 1);
  await assertAccessible(lp, 'checkout page');

  assert.equal(validHtml(html), '', 'the HTML checker found errors');
});
