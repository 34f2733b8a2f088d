// A sales agent in headless Chromium (Debian's), without JavaScript:
// signs in at the shop's own host, lands on the shop's front page in the
// outbound channel under the banner, which stays on the product page and
// the basket, and passes axe (WCAG 2.1 AA, the banner's contrast
// included) with JavaScript on. (The marker and the sign-out are
// t/http/agent.test.mjs's.)
// Screenshots go to var/test/screenshots/agent-*.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { assertAccessible, launch } from './lib.mjs';
import { PORT, FJORD, STACK_DIR } from '../http/lib.mjs';
import { PW, dropStaffAndOrders, staffUser } from '../http/staff.mjs';

const shots = path.join(STACK_DIR, 'screenshots');
const BASE = `http://${FJORD}:${PORT}`;
let browser;

before(async () => {
  mkdirSync(shots, { recursive: true });
  browser = await launch();
});

after(async () => {
  await browser?.close();
  dropStaffAndOrders();
});

async function signedInAgent(t, js) {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, javaScriptEnabled: js });
  t.after(() => context.close());
  const page = await context.newPage();
  await page.goto(BASE + '/admin/sign-in');
  await page.getByLabel('E-mailadresse').fill(staffUser('agent', 'fjordmobil'));
  await page.getByLabel('Adgangskode').fill(PW);
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }),
    page.getByRole('button', { name: 'Log ind' }).click()]);
  return page;
}

const banner = (page) => page.locator('.agent-banner');

test('without JavaScript: an agent lands in the shop under the banner, on every page', async (t) => {
  const page = await signedInAgent(t, false);
  assert.equal(new URL(page.url()).pathname, '/');
  assert.equal(await banner(page).textContent(), 'Telesalg: du handler for en kunde som Sam agent');
  await page.screenshot({ path: path.join(shots, 'agent-front.png'), fullPage: true });
  await page.goto(BASE + '/products/FJ-20GB');
  assert.equal(await banner(page).count(), 1);
  await page.goto(BASE + '/basket');
  assert.equal(await banner(page).count(), 1);
});

test('the agent\'s pages pass axe, the banner included', async (t) => {
  const page = await signedInAgent(t, true);
  for (const p of ['/', '/products/FJ-20GB', '/basket']) {
    await page.goto(BASE + p);
    assert.equal(await banner(page).count(), 1, p);
    await assertAccessible(page, `agent ${p}`);
  }
});
