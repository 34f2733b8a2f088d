// The admin panel's number pool screen in headless Chromium (Debian's),
// on a scratch tenant in Danish. With JavaScript off, an admin pastes
// numbers with a bad line and gets every bad line back in a table (what
// was pasted kept), imports them corrected, searches, quarantines a
// number and puts it back with the plain forms. With JavaScript on (axe
// runs in the page), the screen passes axe (WCAG 2.1 AA) with rows and a
// lock, with an import's bad lines, with a refusal and with a bad search.
// Screenshots go to var/test/screenshots/admin-numbers-*.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { assertAccessible, clickToLoad, desktopPage, launch } from './lib.mjs';
import { PORT, STACK_DIR, ecomctl, redis, sql } from '../http/lib.mjs';
import { PW, dropStaffAndOrders, staffUser } from '../http/staff.mjs';

const SLUG = 'numweb';
const HOST = `${SLUG}.localhost`;
const BASE = `http://${HOST}:${PORT}`;
const shots = path.join(STACK_DIR, 'screenshots');
const NUMBERS = ['+4599720001', '+4599720002', '+4599720003'];
let browser;

before(async () => {
  mkdirSync(shots, { recursive: true });
  sql(`DELETE FROM tenants WHERE slug = '${SLUG}'`);
  ecomctl('tenant', 'create', SLUG, '--name', 'Nummer Web', '--host', HOST);
  browser = await launch();
});

after(async () => {
  await browser?.close();
  redis('DEL', `ecom:{${SLUG}}:lock:${NUMBERS[2]}`);
  dropStaffAndOrders();
  sql(`DELETE FROM tenants WHERE slug = '${SLUG}'`);
  redis('PUBLISH', 'ecom:invalidate', 'tenants');
});

const fresh = (t, opts) => desktopPage(browser, t, opts);

const submit = clickToLoad;

async function signedIn(t, opts) {
  const page = await fresh(t, opts);
  await page.goto(BASE + '/admin/numbers');
  await page.getByLabel('E-mailadresse').fill(staffUser('admin', SLUG));
  await page.getByLabel('Adgangskode').fill(PW);
  await submit(page, page.getByRole('button', { name: 'Log ind' }));
  assert.equal(new URL(page.url()).pathname, '/admin/numbers');
  return page;
}

test('without JavaScript: bad lines named, the numbers imported, searched, quarantined and put back', async (t) => {
  const page = await signedIn(t, { js: false });
  assert.equal(await page.locator('html').getAttribute('lang'), 'da-DK');
  const pasted = [NUMBERS[0], '2012345', NUMBERS[1], '+4699720004'].join('\n');
  await page.getByLabel('Eller indsæt numrene').fill(pasted);
  const refused = await submit(page, page.getByRole('button', { name: 'Importér', exact: true }));
  assert.equal(refused.status(), 422);
  const rows = await page.locator('#import-errors tbody tr').evaluateAll((trs) => trs.map((tr) => tr.dataset.line));
  assert.deepEqual(rows, ['2', '4']);
  assert.match(await page.locator('#import-errors').innerText(), /Et dansk nummer har 8 cifre/);
  assert.equal(await page.getByLabel('Eller indsæt numrene').inputValue(), pasted, 'what was pasted is kept');
  await page.screenshot({ path: path.join(shots, 'admin-numbers-bad-lines.png'), fullPage: true });

  await page.getByLabel('Eller indsæt numrene').fill(NUMBERS.join('\n'));
  const ok = await submit(page, page.getByRole('button', { name: 'Importér', exact: true }));
  assert.equal(ok.status(), 200);
  assert.equal(await page.locator('[data-count="added"]').first().innerText(), '3');

  await page.getByLabel('Cifre').fill('720002');
  await submit(page, page.getByRole('button', { name: 'Vis' }));
  assert.deepEqual(await page.locator('#numbers tbody tr').evaluateAll((trs) => trs.map((tr) => tr.dataset.msisdn)),
    [NUMBERS[1]]);
  await submit(page, page.getByRole('button', { name: `Sæt i karantæne ${NUMBERS[1]}` }));
  assert.match(await page.locator('#numbers-result').innerText(), /sat i karantæne/);
  assert.equal(await page.locator(`tr[data-msisdn="${NUMBERS[1]}"]`).getAttribute('data-status'), 'quarantined');
  await page.screenshot({ path: path.join(shots, 'admin-numbers-quarantined.png'), fullPage: true });
  await submit(page, page.getByRole('button', { name: `Sæt til salg igen ${NUMBERS[1]}` }));
  assert.equal(await page.locator(`tr[data-msisdn="${NUMBERS[1]}"]`).getAttribute('data-status'), 'free');
});

test('axe: the screen with rows and a lock, bad lines, a refusal and a bad search', async (t) => {
  const page = await signedIn(t);
  redis('SET', `ecom:{${SLUG}}:lock:${NUMBERS[2]}`, 'some-basket', 'PX', '60000');
  await page.goto(BASE + '/admin/numbers');
  assert.equal(await page.locator(`tr[data-msisdn="${NUMBERS[2]}"]`).getAttribute('data-status'), 'locked');
  await assertAccessible(page, 'the number pool with a lock');
  await page.screenshot({ path: path.join(shots, 'admin-numbers-locked.png'), fullPage: true });

  await page.getByLabel('Eller indsæt numrene').fill('abc\n12');
  await submit(page, page.getByRole('button', { name: 'Importér', exact: true }));
  await assertAccessible(page, 'an import with bad lines');

  sql(`UPDATE numbers n JOIN tenants t ON t.id = n.tenant_id SET n.status = 'assigned' WHERE t.slug = '${SLUG}' AND n.msisdn = '${NUMBERS[0]}'`);
  await page.goto(BASE + '/admin/numbers');
  // a sold number offers no forms: post as a stale page would
  const status = await page.evaluate(async (n) => {
    const csrf = document.querySelector('input[name="csrf"]').value;
    const r = await fetch(`/admin/numbers/${encodeURIComponent(n)}/quarantine`, {
      method: 'POST', body: new URLSearchParams({ csrf }), redirect: 'manual',
    });
    document.open(); document.write(await r.text()); document.close();
    return r.status;
  }, NUMBERS[0]);
  assert.equal(status, 409);
  await page.waitForLoadState('load');
  assert.match(await page.locator('#numbers-result').innerText(), /Nummeret er solgt/);
  await assertAccessible(page, 'a refusal');

  await page.goto(BASE + '/admin/numbers?digits=12x');
  assert.equal(await page.getByLabel('Cifre').getAttribute('aria-invalid'), 'true');
  await assertAccessible(page, 'a bad search');
});
