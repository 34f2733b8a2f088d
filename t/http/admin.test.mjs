// The admin panel through nginx (issue 14, docs/admin.md): the staff
// sign-in (password, the TOTP step, throttling, disabled users,
// sign-out), the dispatcher's authorization of staff routes (a table of
// role × screen), tenants kept apart, CSRF on the forms.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { FJORD, NORDLYS, redis, sessionIdOf, sql } from './lib.mjs';
import { PW, PanelBrowser, TAG, dropStaffAndOrders, makeOrder, staffCtl, staffUser, totp } from './staff.mjs';

after(dropStaffAndOrders);

class Browser extends PanelBrowser {
  async signIn(email, password = PW, next) {
    await this.get(`/admin/sign-in${next ? `?next=${next}` : ''}`);
    return this.form('/admin/sign-in', { email, password, ...(next ? { next } : {}) });
  }
}

async function signedIn(role, host = NORDLYS) {
  const b = new Browser(host);
  const email = staffUser(role, host === FJORD ? 'fjordmobil' : 'nordlys');
  const r = await b.signIn(email);
  assert.equal(r.status, 303, r.body);
  // to the panel, or a sales agent, who has none, to the shop
  assert.equal(r.headers.location, role === 'agent' ? '/' : '/admin');
  return { b, email };
}

const errorText = (body) => body.match(/<div class="form-error"[^>]*>\s*<p>([^<]*)<\/p>/)?.[1];

test('the panel without a staff session: a page goes to the sign-in and back, a change is 401', async () => {
  const b = new Browser();
  const r = await b.get('/admin/orders');
  assert.equal(r.status, 303);
  assert.equal(r.headers.location, '/admin/sign-in?next=/admin/orders');
  const page = await b.get('/admin/sign-in?next=/admin/orders');
  assert.equal(page.status, 200);
  assert.match(page.body, /<input type="hidden" name="next" value="\/admin\/orders">/);
  assert.match(page.body, /<label for="email">/);
  // an open redirect is refused: next is only a plain local path
  const evil = await b.get('/admin/sign-in?next=//evil.example/x');
  assert.match(evil.body, /name="next" value=""/);
  // a change without a staff session, even with its token
  const post = await b.form('/admin/orders/00000000000000000000000000000000/retry', { event: 'x' });
  assert.equal(post.status, 401);
});

test('a staff member signs in with a new session id, and is sent to next', async () => {
  const email = staffUser('viewer');
  const b = new Browser();
  await b.get('/admin/sign-in');
  const before = b.sid;
  const r = await b.signIn(email, PW, '/admin/orders');
  assert.equal(r.status, 303);
  assert.equal(r.headers.location, '/admin/orders');
  assert.notEqual(b.sid, before, 'the session id rotates at sign-in');
  assert.equal(redis('EXISTS', `ecom:{nordlys}:session:${sessionIdOf(`sid=${before}`)}`), '0');
  const home = await b.get('/admin');
  assert.equal(home.status, 200);
  assert.match(home.body, /Sam viewer/);
  // the e-mail is normalised as for accounts
  const c = new Browser();
  assert.equal((await c.signIn(`  ${email.toUpperCase()} `)).status, 303);
});

test('a wrong password, an unknown address and a disabled user get one answer', async () => {
  const email = staffUser('editor');
  const b = new Browser();
  const wrong = await b.signIn(email, 'not the password at all');
  assert.equal(wrong.status, 401);
  assert.match(wrong.body, new RegExp(`value="${email}"`), 'the address typed is kept');
  assert.doesNotMatch(wrong.body, /not the password at all/, 'never the password');
  const unknown = await b.signIn(`nobody-${TAG}@admin.test`, PW);
  assert.equal(unknown.status, 401);
  assert.equal(errorText(unknown.body), errorText(wrong.body));
  assert.ok(errorText(wrong.body));
  // disabled: the same answer for the right password ...
  const s = new Browser();
  assert.equal((await s.signIn(email)).status, 303);
  sql(`UPDATE staff_users SET disabled_at = NOW(6) WHERE email = '${email}'`);
  const disabled = await b.signIn(email);
  assert.equal(disabled.status, 401);
  assert.equal(errorText(disabled.body), errorText(wrong.body));
  // ... and a session signed in before is turned away at its next request
  const next = await s.get('/admin');
  assert.equal(next.status, 303);
  assert.equal(next.headers.location, '/admin/sign-in?next=/admin');
});

test('wrong passwords are limited, and the right one waits too', async () => {
  const email = staffUser('viewer');
  const b = new Browser();
  let limited;
  for (let i = 0; i < 8 && !limited; i++) {
    const r = await b.signIn(email, `wrong password ${i}`);
    if (r.status === 429) limited = r;
    else assert.equal(r.status, 401);
  }
  assert.ok(limited, 'limited after the failures allowed');
  assert.match(limited.headers['retry-after'], /^\d+$/);
  assert.ok(errorText(limited.body));
  assert.equal((await b.signIn(email)).status, 429);
  // the customers' counter is another: a customer with the same address
  // is not limited by the staff member's failures
  const c = new Browser();
  await c.get('/account/sign-up');
  assert.equal((await c.form('/account/sign-up', { name: 'Kim Kunde', email, password: PW })).status, 303);
  const d = new Browser();
  await d.get('/account/sign-in');
  assert.equal((await d.form('/account/sign-in', { email, password: PW })).status, 303);
  sql(`DELETE FROM accounts WHERE email = '${email}'`);
});

test('with a second factor, the password alone grants nothing; a code is used once', async () => {
  const email = staffUser('admin');
  const secret = staffCtl('totp', 'nordlys', email).match(/^secret ([A-Z2-7]+)$/m)[1];
  const b = new Browser();
  const r = await b.signIn(email, PW, '/admin/staff');
  assert.equal(r.status, 303);
  assert.equal(r.headers.location, '/admin/sign-in/code?next=/admin/staff');
  // half signed in: no screen, no change
  assert.equal((await b.get('/admin')).status, 303);
  assert.equal((await b.form('/admin/orders/00000000000000000000000000000000/retry', { event: 'x' })).status, 401);
  const step = await b.get('/admin/sign-in/code?next=/admin/staff');
  assert.equal(step.status, 200);
  assert.match(step.body, /autocomplete="one-time-code"/);
  const wrong = await b.form('/admin/sign-in/code', { code: totp(secret, Date.now() / 1000 - 3600), next: '/admin/staff' });
  assert.equal(wrong.status, 401);
  assert.ok(errorText(wrong.body));
  const before = b.sid;
  const code = totp(secret);
  const ok = await b.form('/admin/sign-in/code', { code, next: '/admin/staff' });
  assert.equal(ok.status, 303);
  assert.equal(ok.headers.location, '/admin/staff');
  assert.notEqual(b.sid, before, 'a new id once the session is a staff session');
  assert.equal((await b.get('/admin')).status, 200);
  // the same code cannot sign in a second browser
  const c = new Browser();
  assert.equal((await c.signIn(email)).status, 303);
  assert.equal((await c.form('/admin/sign-in/code', { code })).status, 401);
  assert.equal((await c.get('/admin')).status, 303);
  // without a password first, the code step goes back to the start
  const d = new Browser();
  const none = await d.form('/admin/sign-in/code', { code: totp(secret) });
  assert.equal(none.status, 303);
  assert.equal(none.headers.location, '/admin/sign-in');
});

test('sign-out ends the staff session; the old cookie names nothing', async () => {
  const { b } = await signedIn('viewer');
  const old = b.cookie;
  const r = await b.form('/admin/sign-out');
  assert.equal(r.status, 303);
  assert.equal(r.headers.location, '/admin/sign-in');
  assert.equal((await b.get('/admin')).status, 303);
  const replay = new Browser();
  replay.keep({ headers: { 'set-cookie': [old] } });
  assert.equal((await replay.get('/admin')).status, 303);
});

test('a customer and a staff member in one browser do not stand for each other', async () => {
  const b = new Browser();
  const email = staffUser('viewer');
  // a customer account with the staff member's address and password
  const signup = await b.get('/account/sign-up');
  assert.equal(signup.status, 200);
  const made = await b.form('/account/sign-up', { name: 'Kim Kunde', email, password: PW });
  assert.equal(made.status, 303);
  assert.equal((await b.get('/admin')).status, 303, 'a customer is no staff member');
  assert.equal((await b.signIn(email)).status, 303);
  const me = await b.api('GET', '/api/v1/account');
  assert.equal(me.status, 200, 'the customer stays signed in beside the staff member');
  assert.equal(me.json.account.email, email);
  assert.equal((await b.get('/admin')).status, 200);
  // a customer-only browser is no staff session even with the password
  const c = new Browser();
  await c.get('/account/sign-in');
  assert.equal((await c.form('/account/sign-in', { email, password: PW })).status, 303);
  assert.equal((await c.get('/admin')).status, 303);
  sql(`DELETE FROM accounts WHERE email = '${email}'`);
});

test('the forms need their session\'s CSRF token', async () => {
  const email = staffUser('viewer');
  const b = new Browser();
  await b.get('/admin/sign-in');
  const none = await b.post('/admin/sign-in', { email, password: PW });
  assert.equal(none.status, 403);
  const forged = await b.post('/admin/sign-in', { email, password: PW, csrf: '0'.repeat(32) });
  assert.equal(forged.status, 403);
  assert.equal((await b.signIn(email)).status, 303);
  assert.equal((await b.post('/admin/sign-out', {})).status, 403);
  assert.equal((await b.get('/admin')).status, 200, 'still signed in');
});

test('staff of one tenant cannot use another tenant\'s host; an operator can', async () => {
  const email = staffUser('admin');
  const b = new Browser(FJORD);
  assert.equal((await b.signIn(email)).status, 401);
  assert.equal((await b.get('/admin')).status, 303);
  const op = staffUser('operator');
  for (const host of [NORDLYS, FJORD]) {
    const o = new Browser(host);
    assert.equal((await o.signIn(op)).status, 303, host);
    assert.equal((await o.get('/admin')).status, 200, host);
  }
  // a session marked for another tenant's user is refused by the dispatcher
  const { b: n } = await signedIn('viewer');
  const fjordUser = staffUser('admin', 'fjordmobil');
  const id = sql(`SELECT id FROM staff_users WHERE email = '${fjordUser}'`);
  redis('HSET', `ecom:{nordlys}:session:${n.sid.split('.')[0]}`, 'staff', id);
  assert.equal((await n.get('/admin')).status, 303);
});

// ---- the screens ----

const screens = ['/admin', '/admin/products', '/admin/orders', 'ORDER', '/admin/staff'];
const allowed = {
  operator: [200, 200, 200, 200, 200],
  admin: [200, 200, 200, 200, 200],
  editor: [200, 200, 200, 200, 403],
  viewer: [200, 200, 200, 200, 403],
  agent: [403, 403, 403, 403, 403],
};

test('each role gets exactly the screens it may use, and a navigation of only those', async () => {
  const order = makeOrder('nordlys');
  for (const [role, want] of Object.entries(allowed)) {
    const { b } = await signedIn(role);
    const got = [];
    for (const s of screens) {
      got.push((await b.get(s === 'ORDER' ? `/admin/orders/${order.id}` : s)).status);
    }
    assert.deepEqual(got, want, role);
    // the retry of a dead delivery is MANAGE's
    const retry = await b.form(`/admin/orders/${order.id}/retry`, { event: order.ev[1] });
    assert.equal(retry.status, ['operator', 'admin'].includes(role) ? 303 : 403, `${role} retries`);
    if (retry.status === 303) sql(`UPDATE outbox SET state = 'dead' WHERE event_id = '${order.ev[1]}'`);
    if (want[0] === 200) {
      const page = (await b.get('/admin')).body;
      const nav = page.match(/<nav class="admin-nav"[^]*?<\/nav>/)[0];
      assert.equal(/href="\/admin\/staff"/.test(nav), want[4] === 200, `${role}'s navigation`);
      assert.match(nav, /href="\/admin" aria-current="page"/);
    } else {
      const page = await b.get('/admin');
      assert.doesNotMatch(page.body, /admin-nav/);
    }
  }
});

test('a role change or a disabled user counts at the next request', async () => {
  const { b, email } = await signedIn('admin');
  assert.equal((await b.get('/admin/staff')).status, 200);
  sql(`UPDATE staff_users SET role = 'viewer' WHERE email = '${email}'`);
  assert.equal((await b.get('/admin/staff')).status, 403);
  assert.equal((await b.get('/admin')).status, 200);
});

test('the orders list filters by state and day; an order shows its lines, breakdown and deliveries', async () => {
  const { b } = await signedIn('admin');
  const paid = makeOrder('nordlys', { name: 'Paula Paid' });
  const old = makeOrder('nordlys', { status: 'cancelled', name: 'Otto Old', ago: 40 });
  // the newest first (the list shows the newest 100: the old one may be
  // past them in a shop with many orders, so it is found by its day)
  const list = await b.get('/admin/orders');
  assert.equal(list.status, 200);
  assert.match(list.body, new RegExp(`<tbody>\\s*<tr data-order="${paid.id}"`));
  const zone = sql("SELECT time_zone FROM tenants WHERE slug = 'nordlys'");
  // YYYY-MM-DD in the shop's zone, from the parts: the en-CA format is no
  // help, ICU 72 (Debian 12's Node.js) writes it M/D/YYYY
  const dayOf = (t) => {
    const p = Object.fromEntries(new Intl.DateTimeFormat('en-US', {
      timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit',
    }).formatToParts(t).map(({ type, value }) => [type, value]));
    return `${p.year}-${p.month}-${p.day}`;
  };
  const oldDay = dayOf(new Date(Date.now() - 40 * 86400000));
  const cancelled = (await b.get(`/admin/orders?state=cancelled&from=${oldDay}&to=${oldDay}`)).body;
  assert.match(cancelled, new RegExp(`data-order="${old.id}"`));
  assert.doesNotMatch(cancelled, new RegExp(`data-order="${paid.id}"`));
  assert.doesNotMatch((await b.get('/admin/orders?state=paid')).body, new RegExp(`data-order="${old.id}"`));
  // today by the shop's clock
  const day = dayOf(new Date());
  const recent = (await b.get(`/admin/orders?from=${day}&to=${day}`)).body;
  assert.match(recent, new RegExp(`data-order="${paid.id}"`));
  assert.doesNotMatch(recent, new RegExp(`data-order="${old.id}"`));
  const bad = await b.get('/admin/orders?from=yesterday');
  assert.equal(bad.status, 422);
  assert.match(bad.body, /id="filter-error"/);
  const page = await b.get(`/admin/orders/${paid.id}`);
  assert.equal(page.status, 200);
  assert.match(page.body, /Paula Paid/);
  assert.match(page.body, /Plan X/);
  assert.match(page.body, /<code>HALF<\/code> Halv pris/);
  assert.match(page.body, /623,00 kr\./);
  assert.match(page.body, new RegExp(`data-event="${paid.ev[0]}" data-state="delivered"`));
  assert.match(page.body, new RegExp(`data-event="${paid.ev[1]}" data-state="dead"[^]*?receiver answered 500[^]*?name="event" value="${paid.ev[1]}"`));
  // the retry: pending again, due now, no attempts, no error (the
  // delivery process may have made its first new attempt already)
  const r = await b.form(`/admin/orders/${paid.id}/retry`, { event: paid.ev[1] });
  assert.equal(r.status, 303);
  assert.equal(r.headers.location, `/admin/orders/${paid.id}`);
  const [state, attempts, error] = sql(`SELECT CONCAT(state, ' ', attempts, ' ', IFNULL(last_error, '-'))
    FROM outbox WHERE event_id = '${paid.ev[1]}'`).split(' ');
  assert.ok(['pending', 'delivered'].includes(state), state);
  assert.ok(Number(attempts) <= 1, `${attempts} attempts`);
  if (attempts === '0') assert.equal(error, '-');
  // a delivery that is not dead is not sent again
  const again = await b.form(`/admin/orders/${paid.id}/retry`, { event: paid.ev[0] });
  assert.equal(again.status, 409);
  assert.equal(sql(`SELECT state FROM outbox WHERE event_id = '${paid.ev[0]}'`), 'delivered');
  // nor a dead one of another order, even of this tenant
  const third = makeOrder('nordlys');
  const other = await b.form(`/admin/orders/${old.id}/retry`, { event: third.ev[1] });
  assert.equal(other.status, 409);
  assert.equal(sql(`SELECT state FROM outbox WHERE event_id = '${third.ev[1]}'`), 'dead');
});

test('another tenant\'s order is 404 through the panel, for reading and for the retry', async () => {
  const theirs = makeOrder('fjordmobil');
  const { b } = await signedIn('admin');
  assert.equal((await b.get(`/admin/orders/${theirs.id}`)).status, 404);
  assert.equal((await b.get('/admin/orders/not-an-id')).status, 404);
  assert.doesNotMatch((await b.get('/admin/orders')).body, new RegExp(theirs.id));
  assert.equal((await b.form(`/admin/orders/${theirs.id}/retry`, { event: theirs.ev[1] })).status, 404);
  assert.equal(sql(`SELECT state FROM outbox WHERE event_id = '${theirs.ev[1]}'`), 'dead');
  // an operator at the other tenant's host sees it there
  const op = new Browser(FJORD);
  assert.equal((await op.signIn(staffUser('operator'))).status, 303);
  assert.equal((await op.get(`/admin/orders/${theirs.id}`)).status, 200);
});

test('the products screen lists drafts and retired ones too, and filters by channel, status and text', async () => {
  const { b } = await signedIn('viewer');
  const all = await b.get('/admin/products');
  assert.equal(all.status, 200);
  const skus = (body) => [...body.matchAll(/<tr data-sku="([^"]+)"/g)].map((m) => m[1]);
  const everything = skus(all.body);
  const want = sql("SELECT sku FROM products p JOIN tenants t ON t.id = p.tenant_id WHERE t.slug = 'nordlys' ORDER BY sku").split('\n');
  assert.deepEqual([...everything].sort(), [...want].sort());
  const drafts = sql("SELECT sku FROM products p JOIN tenants t ON t.id = p.tenant_id WHERE t.slug = 'nordlys' AND p.status = 'active' ORDER BY sku").split('\n');
  assert.deepEqual(skus((await b.get('/admin/products?status=active')).body).sort(), [...drafts].sort());
  const first = want[0];
  assert.deepEqual(skus((await b.get(`/admin/products?q=${encodeURIComponent(first.toLowerCase())}`)).body), [first]);
  const app = sql(`SELECT p.sku FROM products p JOIN product_channels pc ON pc.product_id = p.id
    JOIN channels c ON c.id = pc.channel_id JOIN tenants t ON t.id = p.tenant_id
    WHERE t.slug = 'nordlys' AND c.code = 'app' AND pc.visible = 1 ORDER BY p.sku`).split('\n').filter(Boolean);
  assert.deepEqual(skus((await b.get('/admin/products?channel=app')).body).sort(), [...app].sort());
  assert.match((await b.get('/admin/products?q=no-such-thing-at-all')).body, /<p>[^<]+<\/p>\s*$/m);
  // another tenant's products are not here
  const theirs = sql("SELECT sku FROM products p JOIN tenants t ON t.id = p.tenant_id WHERE t.slug = 'fjordmobil' AND p.sku NOT IN (SELECT sku FROM products p2 JOIN tenants t2 ON t2.id = p2.tenant_id WHERE t2.slug = 'nordlys') LIMIT 1");
  if (theirs) assert.ok(!everything.includes(theirs));
});

test('the overview counts today\'s orders and revenue, and lists the campaigns', async () => {
  const { b } = await signedIn('viewer');
  const figure = (body, k) => body.match(new RegExp(`data-figure="${k}">([^<]*)<`))[1];
  const before = (await b.get('/admin')).body;
  makeOrder('nordlys', { status: 'paid' });
  makeOrder('nordlys', { status: 'pending_payment' });
  makeOrder('nordlys', { status: 'paid', ago: 3 });
  const after = (await b.get('/admin')).body;
  assert.equal(Number(figure(after, 'orders')), Number(figure(before, 'orders')) + 2);
  assert.equal(Number(figure(after, 'paid')), Number(figure(before, 'paid')) + 1);
  assert.notEqual(figure(after, 'revenue'), figure(before, 'revenue'));
  assert.match(figure(after, 'locked'), /^\d+$/);
  const running = sql(`SELECT COUNT(*) FROM campaigns c JOIN tenants t ON t.id = c.tenant_id
    WHERE t.slug = 'nordlys' AND c.valid_from <= NOW() AND c.valid_to > NOW()`);
  const rows = (table) => after.match(new RegExp(`id="${table}"[^]*?</table>`))?.[0].match(/<tr><td>/g)?.length ?? 0;
  assert.equal(rows('active-campaigns'), Number(running));
  const coming = sql(`SELECT COUNT(*) FROM campaigns c JOIN tenants t ON t.id = c.tenant_id
    WHERE t.slug = 'nordlys' AND c.valid_from > NOW()`);
  assert.equal(rows('coming-campaigns'), Math.min(Number(coming), 10));
});
