// The admin panel's number pool screen through nginx (docs/admin.md, "The
// number pool"): who may use it (a table of role × action), the search
// (digits contained or leading, a status, 50 a page), a file imported
// with every bad line named and nothing written, a number quarantined and
// put back, a sold one refused, a lock taken by a real basket released so
// that another basket can take the number, another tenant's number 404,
// and an audit row for every change.
//
// On a scratch tenant, numtest (English, the catalog copied from
// nordlys), made with `ecomctl tenant create` for the run and deleted
// after it with everything of its but its audit rows.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ecomctl, json, newSession, redis, request, sql } from './lib.mjs';
import { PanelBrowser, dropStaffAndOrders, signedInStaff } from './staff.mjs';

const SLUG = 'numtest';
const HOST = `${SLUG}.localhost`;
// the scratch pool: 60 numbers of a block nordlys's demo pool does not use
const POOL = Array.from({ length: 60 }, (_, i) => `+459970${String(i).padStart(4, '0')}`);

const Browser = PanelBrowser;

const signedIn = (role) => signedInStaff(role, HOST, SLUG);

const tenantId = () => sql(`SELECT id FROM tenants WHERE slug = '${SLUG}'`);
const status = (n) => sql(`SELECT status FROM numbers WHERE tenant_id = ${tenantId()} AND msisdn = '${n}'`);
const setStatus = (n, s) => sql(`UPDATE numbers SET status = '${s}' WHERE tenant_id = ${tenantId()} AND msisdn = '${n}'`);
const poolSize = () => Number(sql(`SELECT COUNT(*) FROM numbers WHERE tenant_id = ${tenantId()}`));
const audits = (type) => sql(`SELECT actor_kind, actor_label, object_id, action, before_json, after_json FROM audit_log WHERE tenant_id = ${tenantId()} AND object_type = '${type}' ORDER BY id`)
  .split('\n').filter(Boolean).map((l) => l.split('\t'));
const cell = (s) => JSON.parse(s.replace(/\\\\/g, '\\'));
const lockKey = (n) => `ecom:{${SLUG}}:lock:${n}`;
// the numbers of a page's table, in order
const rowsOf = (body) => [...body.matchAll(/<tr data-msisdn="([^"]+)" data-status="([a-z]+)">/g)].map((m) => [m[1], m[2]]);
const path = (n, action) => `/admin/numbers/${encodeURIComponent(n)}/${action}`;

// A multipart/form-data body as a browser sends it: fields, then files.
function multipart(fields, files) {
  const boundary = `----ecomFormBoundary${Math.random().toString(16).slice(2)}`;
  const parts = [];
  for (const [k, v] of Object.entries(fields)) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
  }
  for (const f of files) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${f.name}"; filename="${f.filename}"\r\nContent-Type: text/csv\r\n\r\n`));
    parts.push(Buffer.from(f.text));
    parts.push(Buffer.from('\r\n'));
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(parts), type: `multipart/form-data; boundary=${boundary}` };
}

async function upload(b, text) {
  const { body, type } = multipart({ csrf: b.csrf, numbers: '' }, [{ name: 'file', filename: 'pool.csv', text }]);
  return b.keep(await request(HOST, '/admin/numbers/import', {
    method: 'POST', body, csrf: false, headers: { Cookie: b.cookie, 'Content-Type': type },
  }));
}

// A shopper's basket line holding number n on the scratch shop.
async function basketLine(n, cookie) {
  cookie ??= (await newSession(HOST)).cookie;
  const r = await json(HOST, '/api/v1/basket/lines', {
    method: 'POST', headers: { 'Content-Type': 'application/json', Cookie: cookie },
    body: JSON.stringify({ sku: 'NL-TALE', binding_months: 0, sim_type: 'physical', msisdn: n }),
  });
  r.cookie = cookie;
  return r;
}

before(() => {
  sql(`DELETE FROM tenants WHERE slug = '${SLUG}'`);
  ecomctl('tenant', 'create', SLUG, '--name', 'Number Test', '--host', HOST, '--locale', 'en',
    '--catalog-from', 'nordlys');
});

after(() => {
  for (const n of POOL) redis('DEL', lockKey(n));
  dropStaffAndOrders();
  sql(`DELETE FROM tenants WHERE slug = '${SLUG}'`);
  redis('PUBLISH', 'ecom:invalidate', 'tenants');
});

test('a file with bad lines imports nothing and names every bad line; a good one is imported and audited', async () => {
  const { b, email } = await signedIn('admin');
  // pasted text: lines 3, 4 and 6 are bad
  const bad = ['msisdn', POOL[0], '2012345', '+4699701234', '', 'abc'].join('\n');
  const r = await b.form('/admin/numbers/import', { numbers: bad });
  assert.equal(r.status, 422);
  const lines = [...r.body.matchAll(/<tr data-line="(\d+)"><td>\d+<\/td><td>([^<]+)<\/td><td lang="en">([^<]+)<\/td>/g)]
    .map((m) => [Number(m[1]), m[2]]);
  assert.deepEqual(lines, [[3, 'A Danish number has 8 digits.'], [4, 'Not a Danish number: only +45 numbers are taken.'],
    [6, 'Only digits, and + first.']]);
  assert.match(r.body, /<div class="form-error" role="alert" id="numbers-result"><p>Some lines are not phone numbers/);
  // what was pasted is kept, to be corrected
  assert.match(r.body, /<textarea id="import-text" name="numbers"[^>]*>msisdn\n\+4599700000\n2012345/);
  assert.equal(poolSize(), 0);
  assert.equal(audits('numbers').length, 0);

  // a file (multipart), one number repeated in another form
  const file = ['msisdn', ...POOL.slice(0, 50), `0045${POOL[1].slice(3)}`].join('\r\n');
  const ok = await upload(b, file);
  assert.equal(ok.status, 200, ok.body.slice(0, 300));
  assert.match(ok.body, /<span data-count="added">50<\/span>/);
  assert.match(ok.body, /<span data-count="in_pool">0<\/span>/);
  assert.match(ok.body, /<span data-count="repeated">1<\/span>/);
  // again with ten more: 50 already there
  const again = await upload(b, POOL.join('\n'));
  assert.equal(again.status, 200);
  assert.match(again.body, /<span data-count="added">10<\/span>/);
  assert.match(again.body, /<span data-count="in_pool">50<\/span>/);
  assert.equal(poolSize(), 60);
  const rows = audits('numbers');
  assert.equal(rows.length, 2);
  assert.deepEqual(rows[0].slice(0, 4), ['staff', email, 'pool', 'import']);
  assert.deepEqual(cell(rows[1][5]), { added: 10, in_pool: 50, repeated: 0 });

  // nothing sent
  const none = await b.form('/admin/numbers/import', { numbers: '' });
  assert.equal(none.status, 422);
  assert.match(none.body, /Choose a file or paste the numbers/);
});

test('the search: counts, digits contained or leading, a status, 50 a page', async () => {
  const { b } = await signedIn('admin');
  setStatus(POOL[58], 'assigned');
  setStatus(POOL[59], 'quarantined');
  try {
    const all = await b.get('/admin/numbers');
    assert.equal(all.status, 200);
    assert.match(all.body, /<dd data-count="available">58<\/dd>/);
    assert.match(all.body, /<dd data-count="sold">1<\/dd>/);
    assert.match(all.body, /<dd data-count="quarantined">1<\/dd>/);
    assert.match(all.body, /<dd data-count="total">60<\/dd>/);
    const first = rowsOf(all.body);
    assert.deepEqual(first.map(([n]) => n), POOL.slice(0, 50));
    const next = all.body.match(/<a href="([^"]+)" rel="next">/)[1].replace(/&amp;/g, '&');
    assert.equal(next, '/admin/numbers?digits=&match=contains&status=any&after=%2B4599700049');
    const second = rowsOf((await b.get(next)).body);
    assert.deepEqual(second, [...POOL.slice(50, 58).map((n) => [n, 'free']), [POOL[58], 'sold'], [POOL[59], 'quarantined']]);

    // digits: "0005" is in 9970 0005 and 9970 0050..0059; leading "9970 001" in 0010..0019
    const contains = rowsOf((await b.get('/admin/numbers?digits=0005&match=contains')).body).map(([n]) => n);
    assert.deepEqual(contains, [POOL[5], ...POOL.slice(50, 60)]);
    const starts = rowsOf((await b.get('/admin/numbers?digits=99+70+001&match=starts')).body).map(([n]) => n);
    assert.deepEqual(starts, POOL.slice(10, 20));
    // "0001" leads no national number here, but is in 0001 and 0010..0019
    assert.deepEqual(rowsOf((await b.get('/admin/numbers?digits=0001&match=starts')).body), []);
    const whole = rowsOf((await b.get('/admin/numbers?digits=%2B459970002')).body).map(([n]) => n);
    assert.deepEqual(whole, POOL.slice(20, 30));
    const sold = rowsOf((await b.get('/admin/numbers?status=sold')).body);
    assert.deepEqual(sold, [[POOL[58], 'sold']]);
    const quarantined = rowsOf((await b.get('/admin/numbers?status=quarantined')).body);
    assert.deepEqual(quarantined, [[POOL[59], 'quarantined']]);

    // a bad search is answered at its field
    const bad = await b.get('/admin/numbers?digits=12a4');
    assert.equal(bad.status, 422);
    assert.match(bad.body, /<input id="f-digits"[^>]* aria-invalid="true"/);
    assert.match(bad.body, /<span class="field-error" id="digits-error" role="alert">Write up to 15 digits/);
  } finally {
    setStatus(POOL[58], 'available');
    setStatus(POOL[59], 'available');
  }
});

test('role × action: only admin and operator see the screen and change numbers', async () => {
  const expect = { admin: [200, 303], operator: [200, 303], editor: [403, 403], viewer: [403, 403], agent: [403, 403] };
  const n = POOL[10];
  for (const [role, [see, act]] of Object.entries(expect)) {
    const { b } = await signedIn(role);
    const page = await b.get('/admin/numbers');
    assert.equal(page.status, see, `${role} GET`);
    const q = await b.form(path(n, 'quarantine'));
    assert.equal(q.status, act, `${role} quarantine`);
    const r = await b.form(path(n, 'release-quarantine'));
    assert.equal(r.status, act, `${role} release`);
    const i = await b.form('/admin/numbers/import', { numbers: POOL[0] });
    assert.equal(i.status, act === 303 ? 200 : 403, `${role} import`);
    if (see === 200) {
      assert.match(page.body, /<a href="\/admin\/numbers" aria-current="page">Numbers<\/a>/);
    } else {
      const home = await b.get('/admin');
      if (home.status === 200) assert.doesNotMatch(home.body, /href="\/admin\/numbers"/, `${role}'s navigation`);
    }
  }
  // no session: the sign-in, and 401 for a change
  const anon = new Browser(HOST);
  const r = await anon.get('/admin/numbers');
  assert.equal(r.status, 303);
  assert.equal(r.headers.location, '/admin/sign-in?next=/admin/numbers');
  assert.equal((await anon.form(path(n, 'quarantine'))).status, 401);
  // CSRF: no token, nothing written
  const { b } = await signedIn('admin');
  await b.get('/admin/numbers');
  assert.equal((await b.post(path(n, 'quarantine'), {})).status, 403);
  assert.equal(status(n), 'available');
});

test('quarantine and back, each audited once; a sold number is refused with 409', async () => {
  const { b, email } = await signedIn('admin');
  const n = POOL[20];
  const before = audits('number').length;
  const q = await b.form(path(n, 'quarantine'));
  assert.equal(q.status, 303);
  assert.equal(q.headers.location, `/admin/numbers?digits=%2B4599700020&done=quarantine`);
  assert.equal(status(n), 'quarantined');
  const shown = await b.get(q.headers.location);
  assert.match(shown.body, /<div class="notice" role="status" id="numbers-result"><p>The number is quarantined/);
  assert.deepEqual(rowsOf(shown.body), [[n, 'quarantined']]);
  assert.match(shown.body, new RegExp(`action="/admin/numbers/\\${n}/release-quarantine"`));
  // the shop offers it no more: choosing it is refused
  const taken = await basketLine(n);
  assert.equal(taken.status, 409);
  // again: nothing changes, nothing recorded
  const same = await b.form(path(n, 'quarantine'));
  assert.equal(same.headers.location, `/admin/numbers?digits=%2B4599700020&done=unchanged`);
  const back = await b.form(path(n, 'release-quarantine'));
  assert.equal(back.status, 303);
  assert.equal(status(n), 'available');
  const rows = audits('number').slice(before);
  assert.deepEqual(rows.map((r) => r.slice(0, 4)), [['staff', email, n, 'quarantine'], ['staff', email, n, 'release']]);
  assert.deepEqual(cell(rows[0][4]), { msisdn: n, status: 'available', locked: false });
  assert.deepEqual(cell(rows[0][5]), { msisdn: n, status: 'quarantined', locked: false });
  assert.deepEqual(cell(rows[1][5]), { msisdn: n, status: 'available', locked: false });

  // sold: refused, with why, and nothing recorded
  setStatus(n, 'assigned');
  try {
    for (const action of ['quarantine', 'release-quarantine', 'unlock']) {
      const r = await b.form(path(n, action));
      assert.equal(r.status, 409, action);
      assert.match(r.body, /<div class="form-error" role="alert" id="numbers-result"><p>The number is sold/);
    }
    assert.equal(status(n), 'assigned');
    assert.equal(audits('number').length, before + 2);
  } finally {
    setStatus(n, 'available');
  }
});

test('a lock held by a real basket is shown with its end and released; another basket can then take the number', async () => {
  const { b, email } = await signedIn('admin');
  const n = POOL[30];
  const first = await basketLine(n);
  assert.ok(first.status < 300, first.body);
  assert.ok(redis('GET', lockKey(n)), 'the basket locked the number');
  const second = await basketLine(n);
  assert.equal(second.status, 409);
  assert.equal(second.json.error.code, 'number_taken');

  // the screen: the number locked, when its lock ends, an unlock form
  const page = await b.get('/admin/numbers?status=locked');
  assert.equal(page.status, 200);
  assert.deepEqual(rowsOf(page.body), [[n, 'locked']]);
  assert.match(page.body, /<dd data-count="locked">1<\/dd>/);
  const end = page.body.match(/<time datetime="([^"]+)">(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)<\/time>/);
  assert.ok(end, 'the lock\'s end');
  const left = Date.parse(end[1]) - Date.now();
  assert.ok(left > -2000 && left <= 11000, `the lock ends within the test stack's 10 s TTL: ${left}`);
  const seen = page.body.match(/<input type="hidden" name="lock" value="([0-9a-f]{16})">/)[1];
  // the free ones do not list it
  const free = rowsOf((await b.get('/admin/numbers?status=free&digits=%2B4599700030')).body);
  assert.deepEqual(free, []);

  // a lock other than the one seen is left alone
  const stale = await b.form(path(n, 'unlock'), { lock: '0123456789abcdef' });
  assert.equal(stale.status, 409);
  assert.match(stale.body, /locked again since the page was shown/);
  assert.ok(redis('GET', lockKey(n)));

  const before = audits('number').length;
  const r = await b.form(path(n, 'unlock'), { lock: seen });
  assert.equal(r.status, 303);
  assert.equal(r.headers.location, `/admin/numbers?digits=%2B4599700030&done=unlock`);
  assert.equal(redis('EXISTS', lockKey(n)), '0');
  const rows = audits('number').slice(before);
  assert.deepEqual(rows.map((x) => x.slice(0, 4)), [['staff', email, n, 'unlock']]);
  assert.deepEqual(cell(rows[0][4]), { msisdn: n, status: 'available', locked: true });
  assert.deepEqual(cell(rows[0][5]), { msisdn: n, status: 'available', locked: false });

  // another basket takes it now
  const third = await basketLine(n);
  assert.ok(third.status < 300, third.body);
  assert.equal(redis('GET', lockKey(n)).length > 0, true);
  // unlocking a number that is not locked changes and records nothing
  const n2 = POOL[31];
  const none = await b.form(path(n2, 'unlock'), { lock: seen });
  assert.equal(none.headers.location, `/admin/numbers?digits=%2B4599700031&done=unchanged`);
  assert.equal(audits('number').length, before + 1);
});

test('another tenant\'s number, or no number, is 404 and changes nothing', async () => {
  const { b } = await signedIn('admin');
  const theirs = sql(`SELECT n.msisdn FROM numbers n JOIN tenants t ON t.id = n.tenant_id WHERE t.slug = 'nordlys' AND n.status = 'available' ORDER BY n.msisdn LIMIT 1`);
  assert.match(theirs, /^\+45\d{8}$/);
  const before = sql(`SELECT n.status FROM numbers n JOIN tenants t ON t.id = n.tenant_id WHERE t.slug = 'nordlys' AND n.msisdn = '${theirs}'`);
  for (const action of ['quarantine', 'release-quarantine', 'unlock']) {
    assert.equal((await b.form(path(theirs, action))).status, 404, action);
    assert.equal((await b.form(path('not-a-number', action))).status, 404, action);
    assert.equal((await b.form(path('+4599709999', action))).status, 404, action);
  }
  assert.equal(sql(`SELECT n.status FROM numbers n JOIN tenants t ON t.id = n.tenant_id WHERE t.slug = 'nordlys' AND n.msisdn = '${theirs}'`), before);
  // nordlys's numbers are not found by the scratch shop's search
  assert.deepEqual(rowsOf((await b.get(`/admin/numbers?digits=${encodeURIComponent(theirs)}`)).body), []);
});
