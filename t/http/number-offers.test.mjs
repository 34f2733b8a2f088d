// The numbers pages offer (docs/numbers.md, "Offering numbers on a page"):
// the product page's picker and the basket page's "change number" come
// from each worker's sample of the pool, filtered by the live locks, and
// never offer a number that is locked or no longer available.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { NORDLYS, ecomctl, json, newSession, request, sql, sleep, redis } from './lib.mjs';

const lockKey = (msisdn) => `ecom:{nordlys}:lock:${msisdn}`;
// what ecomctl numbers import (and later checkout) says after a pool change
const announce = () => redis('PUBLISH', 'ecom:invalidate', 'numbers:nordlys');
// what the basket's script says in the step that takes a lock
const lockElsewhere = (msisdn) => {
  redis('SET', lockKey(msisdn), 'someone', 'PX', '60000');
  redis('PUBLISH', 'ecom:invalidate', `lock:nordlys:${msisdn}`);
};

const PRODUCT = '/products/NL-10GB';
const offered = (html) => [...html.matchAll(/name="number" value="(\+45\d{8})"/g)].map((m) => m[1]);

async function productNumbers() {
  const res = await request(NORDLYS, PRODUCT);
  assert.equal(res.status, 200, res.body);
  return offered(res.body);
}

// Add a line in the session of cookie, or of a new visitor's session.
async function addLine(msisdn, cookie) {
  cookie ??= (await newSession()).cookie;
  const res = await json(NORDLYS, '/api/v1/basket/lines', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Cookie: cookie },
    body: JSON.stringify({ sku: 'NL-10GB', binding_months: 0, sim_type: 'esim', msisdn }),
  });
  assert.equal(res.status, 201, res.body);
  return { cookie, line: res.json.line.id };
}

const nordlysAvailable = () => sql(`SELECT n.msisdn FROM numbers n JOIN tenants t ON t.id = n.tenant_id
  WHERE t.slug = 'nordlys' AND n.status = 'available' ORDER BY n.msisdn`).split('\n').filter(Boolean);

test('the product page offers varied numbers: 10 views are not all the same list', async () => {
  const lists = [];
  for (let i = 0; i < 10; i++) {
    const got = await productNumbers();
    assert.equal(got.length, 6);
    assert.deepEqual(got, [...got].sort(), 'shown in number order');
    lists.push(got.join(' '));
  }
  assert.ok(new Set(lists).size >= 8, `only ${new Set(lists).size} different lists:\n${lists.join('\n')}`);
  assert.ok(new Set(lists.join(' ').split(' ')).size >= 40, 'numbers spread over the pool');
});

test('the product page never offers a number that is locked, or sold once that is announced', async (t) => {
  // A pool of 12 available numbers (the others quarantined for the
  // test): every view draws from all of them, so a number that should
  // not be offered would show.
  const before = nordlysAvailable();
  const keep = before.filter((n) => !n.startsWith('+457199')).slice(100, 112);
  assert.equal(keep.length, 12);
  const inList = (xs) => xs.map((n) => `'${n}'`).join(',');
  let basket;
  t.after(async () => {
    for (const n of keep) redis('DEL', lockKey(n));
    if (basket)
      await json(NORDLYS, `/api/v1/basket/lines/${basket.line}`,
                 { method: 'DELETE', headers: { Cookie: basket.cookie } });
    sql(`UPDATE numbers SET status = 'available' WHERE msisdn IN (${inList(before)})`);
    announce();
  });
  sql(`UPDATE numbers n JOIN tenants t ON t.id = n.tenant_id SET n.status = 'quarantined'
       WHERE t.slug = 'nordlys' AND n.status = 'available' AND n.msisdn NOT IN (${inList(keep)})`);
  announce();
  await sleep(50);
  // every worker reads its sample again: only the 12 are offered
  const seen = new Set();
  for (let i = 0; i < 24; i++)
    for (const n of await productNumbers()) {
      assert.ok(keep.includes(n), `${n} is quarantined but was offered`);
      seen.add(n);
    }
  assert.equal(seen.size, 12, 'every one of the 12 offered in 24 views');

  // two locked directly in Redis, one by a basket through the API, one sold
  const lockedInRedis = keep.slice(0, 2);
  for (const n of lockedInRedis) redis('SET', lockKey(n), 'someone', 'PX', '60000');
  basket = await addLine(keep[2]);
  const sold = keep[3];
  sql(`UPDATE numbers SET status = 'assigned' WHERE msisdn = '${sold}'`);
  announce();
  await sleep(50);
  const free = keep.slice(4);
  const shown = new Set();
  for (let i = 0; i < 24; i++) {
    const got = await productNumbers();
    assert.equal(got.length, 6, got.join(' '));
    for (const n of got) {
      assert.ok(!lockedInRedis.includes(n), `${n} is locked in Redis but was offered`);
      assert.notEqual(n, keep[2], `${n} is held by a basket but was offered`);
      assert.notEqual(n, sold, `${n} is sold but was offered`);
      assert.ok(free.includes(n), n);
      shown.add(n);
    }
  }
  assert.equal(shown.size, free.length, 'all 8 free numbers offered over 24 views');
  // the JSON API draws from the same samples
  for (let i = 0; i < 8; i++) {
    const res = await json(NORDLYS, '/api/v1/numbers?count=50');
    assert.deepEqual(res.json.numbers.map((n) => n.msisdn), free);
  }

  // a lock that goes away: the number is offered again (once the sample,
  // which dropped it when it was found locked, is read again)
  redis('DEL', lockKey(lockedInRedis[0]));
  announce();
  await sleep(50);
  const again = new Set();
  for (let i = 0; i < 24; i++) for (const n of await productNumbers()) again.add(n);
  assert.ok(again.has(lockedInRedis[0]), 'offered again once unlocked');
  assert.ok(!again.has(lockedInRedis[1]) && !again.has(sold) && !again.has(keep[2]));
});

test('ecomctl numbers import announces the pool change: the new numbers are offered at once', async (t) => {
  const before = nordlysAvailable();
  const keep = before.filter((n) => !n.startsWith('+457199')).slice(200, 203);
  const fresh = [];
  while (fresh.length < 5) {
    const n = `+457199${String(Math.floor(Math.random() * 10000)).padStart(4, '0')}`;
    if (!fresh.includes(n) && !before.includes(n)) fresh.push(n);
  }
  const inList = (xs) => xs.map((n) => `'${n}'`).join(',');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'offers-'));
  t.after(() => {
    rmSync(dir, { recursive: true, force: true });
    sql(`DELETE FROM numbers WHERE msisdn IN (${inList(fresh)})`);
    sql(`UPDATE numbers SET status = 'available' WHERE msisdn IN (${inList(before)})`);
    announce();
  });
  sql(`UPDATE numbers n JOIN tenants t ON t.id = n.tenant_id SET n.status = 'quarantined'
       WHERE t.slug = 'nordlys' AND n.status = 'available' AND n.msisdn NOT IN (${inList(keep)})`);
  announce();
  await sleep(50);
  for (let i = 0; i < 8; i++) assert.deepEqual(await productNumbers(), keep);

  const file = path.join(dir, 'pool.csv');
  writeFileSync(file, fresh.join('\n') + '\n');
  assert.match(ecomctl('numbers', 'import', 'nordlys', file), /^added 5,/);
  await sleep(50);
  const seen = new Set();
  for (let i = 0; i < 16; i++) {
    const got = await productNumbers();
    assert.equal(got.length, 6, got.join(' '));
    for (const n of got) seen.add(n);
  }
  for (const n of fresh) assert.ok(seen.has(n), `${n} imported but not offered`);
});

test('a number locked by a basket is offered by no worker from the next view on', async (t) => {
  // a pool of 12, so every view draws from all of them
  const before = nordlysAvailable();
  const keep = before.filter((n) => !n.startsWith('+457199')).slice(300, 312);
  const inList = (xs) => xs.map((n) => `'${n}'`).join(',');
  const baskets = [];
  t.after(async () => {
    for (const b of baskets)
      await json(NORDLYS, `/api/v1/basket/lines/${b.line}`,
                 { method: 'DELETE', headers: { Cookie: b.cookie } });
    sql(`UPDATE numbers SET status = 'available' WHERE msisdn IN (${inList(before)})`);
    announce();
  });
  sql(`UPDATE numbers n JOIN tenants t ON t.id = n.tenant_id SET n.status = 'quarantined'
       WHERE t.slug = 'nordlys' AND n.status = 'available' AND n.msisdn NOT IN (${inList(keep)})`);
  announce();
  await sleep(50);
  // every worker has its sample: 12 views per lock reach them all
  for (let i = 0; i < 12; i++) await productNumbers();
  const locked = [];
  for (const n of keep.slice(0, 4)) {
    baskets.push(await addLine(n));
    locked.push(n);
    for (let i = 0; i < 12; i++)
      for (const shown of await productNumbers())
        assert.ok(!locked.includes(shown), `${shown} was locked by a basket and then offered`);
  }
});

test('a worker cut off from the lock announcements reads its sample afresh: no lock taken meanwhile is offered', async (t) => {
  const before = nordlysAvailable();
  const keep = before.filter((n) => !n.startsWith('+457199')).slice(400, 412);
  const inList = (xs) => xs.map((n) => `'${n}'`).join(',');
  t.after(() => {
    for (const n of keep) redis('DEL', lockKey(n));
    sql(`UPDATE numbers SET status = 'available' WHERE msisdn IN (${inList(before)})`);
    announce();
  });
  sql(`UPDATE numbers n JOIN tenants t ON t.id = n.tenant_id SET n.status = 'quarantined'
       WHERE t.slug = 'nordlys' AND n.status = 'available' AND n.msisdn NOT IN (${inList(keep)})`);
  announce();
  await sleep(50);
  for (let i = 0; i < 12; i++) await productNumbers();
  // every worker's subscription is cut; locks taken meanwhile are not
  // announced, as if they were said while nobody listened
  redis('CLIENT', 'KILL', 'TYPE', 'pubsub');
  const silent = keep.slice(0, 3);
  for (const n of silent) redis('SET', lockKey(n), 'someone', 'PX', '60000');
  for (let i = 0; i < 24; i++)
    for (const shown of await productNumbers())
      assert.ok(!silent.includes(shown), `${shown} was locked unannounced and then offered`);
});

test("the basket page offers each line other numbers to change to, none of them taken", async () => {
  const start = (await productNumbers()).slice(0, 3);
  const b = await addLine(start[0]);
  await addLine(start[1], b.cookie);
  await addLine(start[2], b.cookie);
  const lockedElsewhere = (await json(NORDLYS, '/api/v1/numbers?count=20')).json.numbers.map((n) => n.msisdn);
  for (const n of lockedElsewhere) lockElsewhere(n);
  try {
    for (let view = 0; view < 5; view++) {
      const page = await request(NORDLYS, '/basket', { headers: { Cookie: b.cookie } });
      assert.equal(page.status, 200);
      const forms = [...page.body.matchAll(/<form[^>]*class="change-number"[\s\S]*?<\/form>/g)].map((m) => offered(m[0]));
      assert.equal(forms.length, 3, 'a change form per line with a number');
      const all = forms.flat();
      for (const f of forms) assert.equal(f.length, 3, f.join(' '));
      assert.equal(new Set(all).size, 9, `each line its own numbers: ${forms.map((f) => f.join(' ')).join(' | ')}`);
      for (const n of all) {
        assert.ok(!start.includes(n), `${n} is in this basket`);
        assert.ok(!lockedElsewhere.includes(n), `${n} is locked by another basket`);
      }
    }
  } finally {
    for (const n of lockedElsewhere) redis('DEL', lockKey(n));
  }
});
