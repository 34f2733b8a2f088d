// The MitID step's CPR page in headless Chromium (Debian's): reached from
// the basket without JavaScript, accessible (axe, WCAG 2.1 AA) as it
// first shows and with an error at its field, which keeps what was typed.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { assertAccessible, launch } from './lib.mjs';
import { PORT, STACK_DIR, NORDLYS } from '../http/lib.mjs';

const shots = path.join(STACK_DIR, 'screenshots');
const BASE = `http://${NORDLYS}:${PORT}`;
let browser;

before(async () => {
  mkdirSync(shots, { recursive: true });
  browser = await launch();
});

after(async () => {
  await browser?.close();
});

// Click a submit button and wait for the page the post leads to.
async function submit(page, button) {
  const [res] = await Promise.all([page.waitForNavigation(), button.click()]);
  return res;
}

test('the CPR page: from the basket, accessible, an error at the field keeps the typed number', async (t) => {
  // (axe runs in the page, so JavaScript is on; the step itself needs none)
  const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
  t.after(() => context.close());
  const page = await context.newPage();
  const problems = [];
  // (the post refused with 422 is reported as a failed load: expected)
  page.on('console', (m) => {
    if (m.type() === 'error' && !/status of 422/.test(m.text())) problems.push(m.text());
  });
  await page.goto(`${BASE}/basket`);
  // a script's change carries the session's token, which every GET answers with
  const added = await page.evaluate(async () => {
    const token = (await fetch('/api/v1/basket')).headers.get('X-CSRF-Token');
    const r = await fetch('/api/v1/basket/lines', {
      method: 'POST', headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': token },
      body: JSON.stringify({ sku: 'NL-FRI', binding_months: 0, sim_type: 'esim' }),
    });
    return r.status;
  });
  assert.equal(added, 201);
  await page.goto(`${BASE}/basket`);
  assert.match(await page.locator('.identity').textContent(), /bekræfte din identitet med MitID/);
  await assertAccessible(page, 'the basket with the MitID notice');

  await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: 'Bekræft med MitID' }).click()]);
  assert.equal(new URL(page.url()).pathname, '/mitid');
  assert.equal(await page.getByLabel('CPR-nummer').count(), 1);
  await assertAccessible(page, 'the CPR page');
  await page.screenshot({ path: path.join(shots, 'mitid-cpr.png'), fullPage: true });

  await page.getByLabel('CPR-nummer').fill('010115-4321');   // 11 years old
  const res = await submit(page, page.getByRole('button', { name: 'Fortsæt til MitID' }));
  assert.equal(res.status(), 422);
  const input = page.getByLabel('CPR-nummer');
  assert.equal(await input.inputValue(), '010115-4321');
  assert.equal(await input.getAttribute('aria-invalid'), 'true');
  assert.match(await page.locator('#cpr-error').textContent(), /fyldt 18 år/);
  await assertAccessible(page, 'the CPR page with an error');
  await page.screenshot({ path: path.join(shots, 'mitid-cpr-error.png'), fullPage: true });
  assert.deepEqual(problems, [], 'no console errors (the CSP lets the page be)');
});
