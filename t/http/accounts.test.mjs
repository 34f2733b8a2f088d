// Accounts over HTTP (issue 12, points 3, 4 and 6): sign-up, sign-in with a
// rotated session id, sign-out, the password reset by mail, accounts per
// tenant, CSRF on every new route, and the guest basket joining the
// account's at sign-in with its number locks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import {
  basketIdOf, eventually, FJORD, json, newSession, NORDLYS, redis, request,
  sessionCookieOf, sessionIdOf, sql, STACK_DIR,
} from './lib.mjs';

const PLAN = 'NL-50GB';
const PASSWORD = 'correct horse battery';
const line = (extra = {}) => ({ sku: PLAN, binding_months: 0, sim_type: 'esim', ...extra });
const record = (cookie, slug = 'nordlys') => `ecom:{${slug}}:session:${sessionIdOf(cookie)}`;
let serial = 0;
const newEmail = () => `kunde-${process.pid}-${Date.now()}-${serial++}@example.com`;

// A JSON call from session s ({cookie, token}); token: false sends none.
function call(method, p, s, body, { host = NORDLYS, token = s?.token, headers = {} } = {}) {
  const h = { 'Content-Type': 'application/json', ...headers };
  if (s?.cookie) h.Cookie = s.cookie;
  if (token) h['X-CSRF-Token'] = token;
  return json(host, p, {
    method, csrf: false, headers: h, body: body === undefined ? undefined : JSON.stringify(body),
  });
}

// The session an answer started (a new cookie and its token).
function sessionFrom(res, old) {
  const cookie = sessionCookieOf(res);
  assert.ok(cookie, 'the answer sets a new session cookie');
  assert.notEqual(sessionIdOf(cookie), sessionIdOf(old.cookie), 'the session id changed');
  assert.match(res.headers['x-csrf-token'], /^[0-9a-f]{32}$/);
  return { cookie, token: res.headers['x-csrf-token'] };
}

async function signUp(host = NORDLYS, email = newEmail(), name = 'Karen Blixen') {
  const guest = await newSession(host);
  const res = await call('POST', '/api/v1/account', guest, { email, password: PASSWORD, name }, { host });
  assert.equal(res.status, 201, res.body);
  return { email, guest, me: sessionFrom(res, guest), res };
}

async function signIn(email, password = PASSWORD, host = NORDLYS, s) {
  const guest = s || await newSession(host);
  const res = await call('POST', '/api/v1/session', guest, { email, password }, { host });
  return { guest, res, me: res.status === 200 ? sessionFrom(res, guest) : undefined };
}

const whoAmI = (s, host = NORDLYS) => call('GET', '/api/v1/account', s, undefined, { host });

async function freeNumber() {
  const res = await json(NORDLYS, '/api/v1/numbers?count=5');
  assert.equal(res.status, 200, res.body);
  return res.json.numbers[Math.floor(Math.random() * res.json.numbers.length)].msisdn;
}

async function addLine(s, extra) {
  const res = await call('POST', '/api/v1/basket/lines', s, line(extra));
  assert.equal(res.status, 201, res.body);
  return res.json;
}

const lockKey = (msisdn) => `ecom:{nordlys}:lock:${msisdn}`;

test('sign-up signs in: a new session id, the old cookie names nothing', async () => {
  const { email, guest, me, res } = await signUp();
  assert.equal(res.json.account.email, email);
  assert.equal(res.json.account.name, 'Karen Blixen');
  assert.equal(res.json.account.password_hash, undefined);
  const who = await whoAmI(me);
  assert.equal(who.status, 200, who.body);
  assert.equal(who.json.account.email, email);
  const old = await whoAmI(guest);
  assert.equal(old.status, 401);
  assert.equal(old.json.error.code, 'not_signed_in');
  assert.equal(redis('EXISTS', record(guest.cookie)), '0');
  // the session is listed under the account, for revoking
  const id = res.json.account.id;
  assert.equal(redis('SISMEMBER', `ecom:{nordlys}:account:${id}:sessions`, sessionIdOf(me.cookie)), '1');
  // the same address again is taken
  const again = await call('POST', '/api/v1/account', await newSession(),
    { email, password: PASSWORD, name: 'Other' });
  assert.equal(again.status, 409);
  assert.equal(again.json.error.code, 'email_taken');
  // bad fields answer at the field
  const bad = await call('POST', '/api/v1/account', await newSession(),
    { email: 'not an address', password: PASSWORD, name: 'X' });
  assert.equal(bad.status, 422);
  assert.equal(bad.json.error.field, 'email');
  const short = await call('POST', '/api/v1/account', await newSession(),
    { email: newEmail(), password: 'short', name: 'X' });
  assert.equal(short.status, 422);
  assert.equal(short.json.error.field, 'password');
});

test('sign-in rotates the session id; sign-out rotates it again and detaches the account', async () => {
  const { email } = await signUp();
  const guest = await newSession();
  await addLine(guest); // a stored guest session, with a basket
  assert.equal(redis('EXISTS', record(guest.cookie)), '1');
  const { res, me } = await signIn(email, PASSWORD, NORDLYS, guest);
  assert.equal(res.status, 200, res.body);
  assert.equal(res.json.account.email, email);
  assert.equal(res.json.basket.joined, 1);
  assert.equal(redis('EXISTS', record(guest.cookie)), '0', 'the old id names nothing');
  assert.equal((await whoAmI(guest)).status, 401);
  assert.equal((await whoAmI(me)).status, 200);
  // nor any basket: with the old cookie the basket is empty
  const stale = await call('GET', '/api/v1/basket', guest);
  assert.equal(stale.json.lines.length, 0);
  assert.equal((await call('GET', '/api/v1/basket', me)).json.lines.length, 1);

  const out = await call('DELETE', '/api/v1/session', me);
  assert.equal(out.status, 200, out.body);
  const after = sessionFrom(out, me);
  assert.equal(redis('EXISTS', record(me.cookie)), '0');
  assert.equal((await whoAmI(me)).status, 401, 'the signed-in cookie names nothing');
  assert.equal((await whoAmI(after)).status, 401, 'the new session is a guest');
  // the signed-out browser starts without a basket; the account keeps its own
  const b = await call('GET', '/api/v1/basket', after);
  assert.equal(b.json.lines.length, 0);
  const back = await signIn(email);
  const mine = await call('GET', '/api/v1/basket', back.me);
  assert.equal(mine.json.lines.length, 1);
});

test('wrong passwords are limited, with one message for an unknown address too', async () => {
  const { email } = await signUp();
  const wrong = await signIn(email, 'not the password at all');
  assert.equal(wrong.res.status, 401);
  assert.equal(wrong.res.json.error.code, 'invalid_credentials');
  const unknown = await signIn(newEmail(), 'not the password at all');
  assert.equal(unknown.res.status, 401);
  assert.equal(unknown.res.json.error.code, 'invalid_credentials');
  assert.equal(unknown.res.json.error.message, wrong.res.json.error.message);
  // signin_account_max failures in a window (5 by default), then 429
  let limited;
  for (let i = 0; i < 8 && !limited; i++) {
    const r = await signIn(email, `wrong password ${i}`);
    if (r.res.status === 429) limited = r.res;
    else assert.equal(r.res.status, 401);
  }
  assert.ok(limited, 'limited after the failures allowed');
  assert.equal(limited.json.error.code, 'rate_limited');
  assert.match(limited.headers['retry-after'], /^\d+$/);
  // even the right password waits now
  const right = await signIn(email);
  assert.equal(right.res.status, 429);
});

// The mails written for address since the run began.
function mailsTo(address) {
  const dir = path.join(STACK_DIR, 'mail');
  return readdirSync(dir).filter((f) => f.endsWith('.eml')).sort()
    .map((f) => readFileSync(path.join(dir, f), 'utf8'))
    .filter((m) => m.includes(`<${address}>`));
}

// The reset link of a mail (quoted-printable soft breaks undone).
function linkOf(mail) {
  const text = mail.replace(/=\r?\n/g, '');
  const m = text.match(/http:\/\/[^\s]+\/account\/password-reset\/([0-9a-f]{64})/);
  assert.ok(m, 'the mail carries a reset link');
  return { url: m[0], token: m[1] };
}

test('password reset: a mail with a link that works once, ends other sessions, and expires', async () => {
  const { email, me } = await signUp();
  const before = mailsTo(email).length;
  const ask = await call('POST', '/api/v1/account/password-reset', await newSession(), { email });
  assert.equal(ask.status, 202, ask.body);
  const mails = await eventually(() => mailsTo(email).length > before && mailsTo(email));
  const { url, token } = linkOf(mails[mails.length - 1]);
  assert.ok(url.startsWith(`http://${NORDLYS}:`), url);
  // an unknown address: the same answer, no mail
  const unknown = newEmail();
  const ask2 = await call('POST', '/api/v1/account/password-reset', await newSession(), { email: unknown });
  assert.equal(ask2.status, 202);
  assert.deepEqual(ask2.json, ask.json);
  // the link's page shows the form
  const page = await request(NORDLYS, `/account/password-reset/${token}`);
  assert.equal(page.status, 200);
  assert.match(page.body, /name="password"/);

  const s = await newSession();
  const done = await call('POST', `/api/v1/account/password-reset/${token}`, s, { password: 'a brand new password' });
  assert.equal(done.status, 200, done.body);
  assert.equal((await whoAmI(me)).status, 401, 'the other session ended');
  assert.equal((await signIn(email)).res.status, 401, 'the old password is gone');
  assert.equal((await signIn(email, 'a brand new password')).res.status, 200);
  // once only
  const twice = await call('POST', `/api/v1/account/password-reset/${token}`, s, { password: 'yet another password' });
  assert.equal(twice.status, 410);
  assert.equal(twice.json.error.code, 'reset_token_invalid');
  assert.equal((await request(NORDLYS, `/account/password-reset/${token}`)).status, 410);
  assert.equal(mailsTo(unknown).length, 0);

  // a link past its time does nothing
  await call('POST', '/api/v1/account/password-reset', await newSession(), { email });
  const later = await eventually(() => mailsTo(email).length > mails.length && mailsTo(email));
  const old = linkOf(later[later.length - 1]);
  sql('UPDATE password_resets SET expires_at = NOW(6) - INTERVAL 1 MINUTE WHERE used_at IS NULL');
  const expired = await call('POST', `/api/v1/account/password-reset/${old.token}`, await newSession(),
    { password: 'too late a password' });
  assert.equal(expired.status, 410);
  assert.equal((await signIn(email, 'a brand new password')).res.status, 200);
});

test('reset mails per address are limited: the answer stays 202, no more mails', async () => {
  const { email } = await signUp();
  const before = mailsTo(email).length;
  for (let i = 0; i < 5; i++) {
    const r = await call('POST', '/api/v1/account/password-reset', await newSession(), { email });
    assert.equal(r.status, 202);
  }
  await new Promise((r) => setTimeout(r, 500));
  assert.equal(mailsTo(email).length - before, 3, 'three mails in a window');
});

test('sign-ups from one address are limited (signin_client_max in a window)', async () => {
  const from = '127.0.0.41';
  const s = await newSession(NORDLYS, { from });
  const signUpFrom = () => json(NORDLYS, '/api/v1/account', {
    method: 'POST', from, csrf: false,
    headers: { 'Content-Type': 'application/json', Cookie: s.cookie, 'X-CSRF-Token': s.token },
    body: JSON.stringify({ email: newEmail(), password: 'short', name: 'X' }),
  });
  let limited;
  for (let i = 0; i < 25 && !limited; i++) {
    const r = await signUpFrom();
    if (r.status === 429) limited = r;
    else assert.equal(r.status, 422, r.body);
  }
  assert.ok(limited, 'limited after signin_client_max sign-ups');
  assert.equal(limited.json.error.code, 'rate_limited');
  assert.match(limited.headers['retry-after'], /^\d+$/);
  // another address signs up as before
  assert.equal((await call('POST', '/api/v1/account', await newSession(),
    { email: newEmail(), password: 'short', name: 'X' })).status, 422);
});

test('the same e-mail at two tenants is two accounts', async () => {
  const email = newEmail();
  const a = await signUp(NORDLYS, email, 'Nordlys Kunde');
  const b = await signUp(FJORD, email, 'Fjord Kunde');
  assert.notEqual(a.res.json.account.id, b.res.json.account.id);
  // another password at the second brand
  const other = await call('POST', '/api/v1/account/password-reset', await newSession(FJORD), { email }, { host: FJORD });
  assert.equal(other.status, 202);
  // one brand's session is nobody at the other
  assert.equal((await whoAmI(a.me, FJORD)).status, 401);
  assert.equal((await whoAmI(b.me, FJORD)).json.account.name, 'Fjord Kunde');
});

test('the new routes without their token, or with another session\'s, answer 403 and change nothing', async () => {
  const { email, me } = await signUp();
  const other = await newSession();
  const fresh = newEmail();
  const tries = [
    ['POST', '/api/v1/account', { email: fresh, password: PASSWORD, name: 'X' }],
    ['POST', '/api/v1/session', { email, password: PASSWORD }],
    ['DELETE', '/api/v1/session', undefined],
    ['POST', '/api/v1/account/password-reset', { email }],
    ['POST', `/api/v1/account/password-reset/${'a'.repeat(64)}`, { password: 'whatever password' }],
  ];
  const before = mailsTo(email).length;
  for (const [method, p, body] of tries) {
    for (const token of [false, other.token, 'f'.repeat(32)]) {
      const res = await call(method, p, me, body, { token });
      assert.equal(res.status, 403, `${method} ${p} with ${token}: ${res.body}`);
      assert.equal(res.json.error.code, 'csrf_failed');
      assert.equal(res.headers['set-cookie'], undefined);
    }
  }
  assert.equal((await whoAmI(me)).status, 200, 'still signed in');
  assert.equal(sql(`SELECT COUNT(*) FROM accounts WHERE email = '${fresh}'`), '0');
  // forms
  const forms = [
    ['/account/sign-up', `name=X&email=${encodeURIComponent(fresh)}&password=${encodeURIComponent(PASSWORD)}`],
    ['/account/sign-in', `email=${encodeURIComponent(email)}&password=${encodeURIComponent(PASSWORD)}`],
    ['/account/sign-out', ''],
    ['/account/password-reset', `email=${encodeURIComponent(email)}`],
  ];
  for (const [p, body] of forms) {
    for (const token of [null, other.token]) {
      const res = await request(NORDLYS, p, {
        method: 'POST', csrf: false, body: token ? `csrf=${token}&${body}` : body,
        headers: { Cookie: me.cookie, 'Content-Type': 'application/x-www-form-urlencoded' },
      });
      assert.equal(res.status, 403, `${p}: ${res.body.slice(0, 200)}`);
    }
  }
  assert.equal((await whoAmI(me)).status, 200, 'still signed in');
  assert.equal(sql(`SELECT COUNT(*) FROM accounts WHERE email = '${fresh}'`), '0');
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(mailsTo(email).length, before, 'no mail');
});

test('a guest basket with a locked number survives sign-up with its lock', async () => {
  const guest = await newSession();
  const n = await freeNumber();
  await addLine(guest, { msisdn: n });
  const guestBasket = basketIdOf(guest.cookie);
  assert.equal(redis('GET', lockKey(n)), guestBasket);
  const res = await call('POST', '/api/v1/account', guest,
    { email: newEmail(), password: PASSWORD, name: 'Ny Kunde' });
  assert.equal(res.status, 201, res.body);
  const me = sessionFrom(res, guest);
  // the account had no basket: the guest's became the account's
  assert.equal(basketIdOf(me.cookie), guestBasket);
  assert.equal(redis('GET', `ecom:{nordlys}:account:${res.json.account.id}:basket`), guestBasket);
  assert.equal(redis('GET', lockKey(n)), guestBasket);
  const b = await call('GET', '/api/v1/basket', me);
  assert.equal(b.json.lines.length, 1);
  assert.equal(b.json.lines[0].msisdn, n);
  assert.equal(b.json.lines[0].lock.held, true, JSON.stringify(b.json.lines[0].lock));
});

test('at sign-in the guest lines join the account basket: the lock takes its id, its TTL kept', async () => {
  const { email, me } = await signUp();
  await addLine(me); // the account's basket, with a line
  const accountBasket = basketIdOf(me.cookie);
  await call('DELETE', '/api/v1/session', me);

  const guest = await newSession();
  const n = await freeNumber();
  await addLine(guest, { msisdn: n });
  const guestBasket = basketIdOf(guest.cookie);
  assert.notEqual(guestBasket, accountBasket);
  const ttlBefore = Number(redis('PTTL', lockKey(n)));
  assert.ok(ttlBefore > 0);

  const { res, me: back } = await signIn(email, PASSWORD, NORDLYS, guest);
  assert.equal(res.status, 200, res.body);
  assert.equal(res.json.basket.joined, 1);
  assert.equal(res.json.basket.locks_moved, 1);
  assert.deepEqual(res.json.basket.set_aside, []);
  assert.equal(basketIdOf(back.cookie), accountBasket);
  assert.equal(redis('GET', lockKey(n)), accountBasket, 'the lock names the account basket');
  const ttlAfter = Number(redis('PTTL', lockKey(n)));
  assert.ok(ttlAfter <= ttlBefore && ttlAfter > ttlBefore - 10000, `${ttlBefore} → ${ttlAfter}`);
  assert.equal(redis('EXISTS', `ecom:{nordlys}:basket:${guestBasket}`), '0', 'the guest basket is gone');
  const b = await call('GET', '/api/v1/basket', back);
  assert.equal(b.json.lines.length, 2);
  const numbered = b.json.lines.find((l) => l.msisdn === n);
  assert.equal(numbered.lock.held, true);
});

test('lines that cannot join are set aside with their reason and shown on the basket page', async () => {
  const { email, me } = await signUp();
  for (let i = 0; i < 10; i++) await addLine(me); // a full basket
  await call('DELETE', '/api/v1/session', me);
  const guest = await newSession();
  const n = await freeNumber();
  await addLine(guest, { msisdn: n });
  const { res, me: back } = await signIn(email, PASSWORD, NORDLYS, guest);
  assert.equal(res.status, 200, res.body);
  assert.equal(res.json.basket.joined, 0);
  assert.equal(res.json.basket.set_aside.length, 1);
  assert.equal(res.json.basket.set_aside[0].reason, 'lines');
  assert.equal(res.json.basket.set_aside[0].line.msisdn, n);
  assert.equal(redis('EXISTS', lockKey(n)), '0', 'its number is free again: no lock without its line');
  const page = await request(NORDLYS, '/basket', { headers: { Cookie: `${back.cookie}; signed_in=1` } });
  assert.equal(page.status, 200);
  assert.match(page.body, /class="set-aside"/);
  assert.match(page.body, /Din kurv var fuld\./);
});

test('the pages: sign-in form keeps the address (never the password), goes back same-site only', async () => {
  const { email } = await signUp(NORDLYS, newEmail(), 'Side Kunde');
  const page = await request(NORDLYS, '/account/sign-in?next=/basket');
  assert.equal(page.status, 200);
  assert.match(page.body, /<form method="post" action="\/account\/sign-in"/);
  assert.match(page.body, /name="next" value="\/basket"/);
  const s = { cookie: sessionCookieOf(page), token: page.headers['x-csrf-token'] };
  const form = (p, fields, cookie = s.cookie) => request(NORDLYS, p, {
    method: 'POST', csrf: false, body: new URLSearchParams(fields).toString(),
    headers: { Cookie: cookie, 'Content-Type': 'application/x-www-form-urlencoded' },
  });
  const bad = await form('/account/sign-in', { csrf: s.token, email, password: 'wrong password here', next: '/basket' });
  assert.equal(bad.status, 401);
  assert.match(bad.body, new RegExp(`value="${email.replace(/[.]/g, '\\.')}"`));
  assert.doesNotMatch(bad.body, /wrong password here/);
  assert.match(bad.body, /role="alert"/);
  for (const [next, where] of [['/basket', '/basket'], ['//evil.example/x', '/account'],
    ['https://evil.example/', '/account'], ['/\\evil.example', '/account']]) {
    const start = await request(NORDLYS, '/account/sign-in');
    const c = sessionCookieOf(start);
    const ok = await form('/account/sign-in', { csrf: start.headers['x-csrf-token'], email, password: PASSWORD, next }, c);
    assert.equal(ok.status, 303, ok.body);
    assert.equal(ok.headers.location, where, next);
    const signed = sessionCookieOf(ok);
    const home = await request(NORDLYS, '/', { headers: { Cookie: `${signed}; signed_in=1` } });
    assert.match(home.body, /Logget ind som Side Kunde/);
    assert.match(home.body, /action="\/account\/sign-out"/);
  }
  // sign-up's errors at their field
  const up = await request(NORDLYS, '/account/sign-up');
  const upc = sessionCookieOf(up);
  const taken = await form('/account/sign-up', { csrf: up.headers['x-csrf-token'], name: 'Ny', email, password: PASSWORD }, upc);
  assert.equal(taken.status, 409);
  assert.match(taken.body, /id="email-error"/);
  assert.match(taken.body, /aria-invalid="true"/);
  assert.doesNotMatch(taken.body, new RegExp(PASSWORD));
  // the account page needs a signed-in session
  const anon = await request(NORDLYS, '/account');
  assert.equal(anon.status, 303);
  assert.equal(anon.headers.location, '/account/sign-in?next=/account');
});
