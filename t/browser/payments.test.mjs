// The payment simulator's page and the payment return page in headless
// Chromium (Debian's): paid through the simulator's form with JavaScript
// off, each state of both pages accessible (axe, WCAG 2.1 AA) and valid
// HTML (the Nu HTML Checker, vnu.jar, offline).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { assertAccessible, launch } from './lib.mjs';
import { PORT, ROOT, STACK_DIR, NORDLYS, ecomdEnv, request } from '../http/lib.mjs';

const vnu = path.join(path.dirname(createRequire(import.meta.url).resolve('vnu-jar')), 'build/dist/vnu.jar');
const shots = path.join(STACK_DIR, 'screenshots');
const BASE = `http://${NORDLYS}:${PORT}`;
const FIXTURE = path.join(ROOT, 'build/plain/t/integration/svc/payment_fixture');
let browser, dir;

// A new order of Nordlys with its simulator payment (t/http/
// payment-pages.test.mjs says why a tool writes it).
function newOrder() {
  return JSON.parse(execFileSync(FIXTURE, ['-c', path.join(STACK_DIR, 'ecomd.conf'), 'order',
    'nordlys', BASE], { encoding: 'utf8', env: ecomdEnv() }));
}

before(async () => {
  mkdirSync(shots, { recursive: true });
  dir = mkdtempSync(path.join(os.tmpdir(), 'ecom-pay-vnu-'));
  browser = await launch();
});

after(async () => {
  await browser?.close();
  rmSync(dir, { recursive: true, force: true });
});

test('paying at the simulator without JavaScript; every state accessible and valid HTML', async (t) => {
  const o = newOrder();
  const pages = [];
  // the server's own bytes for the checker, a screenshot to look at
  const keep = async (page, name) => {
    pages.push([name, (await request(NORDLYS, new URL(page.url()).pathname)).body]);
    await page.screenshot({ path: path.join(shots, `payment-${name}.png`), fullPage: true });
  };

  // axe runs in the page, so its context has JavaScript on
  const axe = await browser.newContext({ viewport: { width: 390, height: 844 } });
  t.after(() => axe.close());
  const look = await axe.newPage();
  await look.goto(`${BASE}/pay/sim/${o.payment}`);
  await assertAccessible(look, 'simulator page');
  await keep(look, 'sim-open');
  await look.goto(`${BASE}/orders/${o.order}/payment-return`);
  await assertAccessible(look, 'return page, pending');
  await keep(look, 'return-pending');

  const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 390, height: 844 } });
  t.after(() => context.close());
  const page = await context.newPage();
  await page.goto(`${BASE}/pay/sim/${o.payment}`);
  assert.match(await page.locator('h1').innerText(), /Betalingssimulator/);
  await Promise.all([page.waitForURL(`**/orders/${o.order}/payment-return`),
    page.getByRole('button', { name: 'Godkend betalingen' }).click()]);
  assert.equal(await page.locator('.order-status').getAttribute('data-status'), 'paid');

  await look.goto(`${BASE}/orders/${o.order}/payment-return`);
  await assertAccessible(look, 'return page, paid');
  await keep(look, 'return-paid');
  await look.goto(`${BASE}/pay/sim/${o.payment}`);
  assert.equal(await look.getByRole('button').count(), 0);
  await assertAccessible(look, 'simulator page, paid');
  await keep(look, 'sim-done');

  const d = newOrder();
  await page.goto(`${BASE}/pay/sim/${d.payment}`);
  await Promise.all([page.waitForURL(`**/orders/${d.order}/payment-return`),
    page.getByRole('button', { name: 'Afvis betalingen' }).click()]);
  await look.goto(`${BASE}/orders/${d.order}/payment-return`);
  assert.equal(await look.locator('.order-status').getAttribute('data-status'), 'cancelled');
  await assertAccessible(look, 'return page, cancelled');
  await keep(look, 'return-cancelled');

  const files = pages.map(([name, html]) => {
    const file = path.join(dir, `${name}.html`);
    writeFileSync(file, html);
    return file;
  });
  let out = '';
  try {
    execFileSync('java', ['-jar', vnu, '--errors-only', ...files], { encoding: 'utf8', stdio: 'pipe' });
  } catch (e) {
    out = `${e.stdout}${e.stderr}`;
  }
  assert.equal(out.trim(), '', 'the HTML checker found errors');
});
