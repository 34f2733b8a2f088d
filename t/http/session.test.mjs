// Sessions and session-bound CSRF (issue 12, points 1 and 2): the server
// issues and signs the session cookie on a GET without storing anything,
// the basket belongs to the session, and every change must carry the
// session's token from this origin.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  basketIdOf, eventually, FJORD, json, masterPid, newSession, NORDLYS, redis, request,
  sessionCookieOf, sessionIdOf, sleep, STACK_DIR, workerPids,
} from './lib.mjs';

const PLAN = 'NL-50GB';
const line = (extra = {}) => ({ sku: PLAN, binding_months: 0, sim_type: 'esim', ...extra });
const record = (cookie) => `ecom:{nordlys}:session:${sessionIdOf(cookie)}`;
const sessionKeys = () => redis('--scan', '--pattern', 'ecom:{*}:session:*').split('\n').filter(Boolean);

async function freeNumbers(count) {
  const res = await json(NORDLYS, `/api/v1/numbers?count=${count}`);
  assert.equal(res.status, 200, res.body);
  return res.json.numbers.map((n) => n.msisdn);
}

// A JSON change with exactly these headers (no token added for us).
const change = (method, p, headers, body) => json(NORDLYS, p, {
  method, csrf: false, body: body === undefined ? undefined : JSON.stringify(body),
  headers: { 'Content-Type': 'application/json', ...headers },
});
const basket = (cookie) => json(NORDLYS, '/api/v1/basket', { headers: { Cookie: cookie } });

test('a GET hands out a signed session cookie and its token, and stores nothing', async () => {
  const before = sessionKeys().length;
  for (const p of ['/', '/products/NL-FRI', '/basket', '/api/v1/basket', '/no-such-page']) {
    const res = await request(NORDLYS, p);
    const cookie = sessionCookieOf(res);
    assert.match(res.headers['set-cookie'].join(),
      /^sid=[0-9a-f]{64}\.\d+\.[0-9a-f]{32}; Path=\/; Max-Age=2592000; HttpOnly; SameSite=Lax$/, p);
    assert.match(res.headers['x-csrf-token'], /^[0-9a-f]{32}$/, p);
    assert.equal(redis('EXISTS', record(cookie)), '0', `${p} wrote no session`);
  }
  assert.equal(sessionKeys().length, before, 'no session key was written');
  // with its cookie: the same token, no new cookie
  const { cookie, token } = await newSession();
  const again = await request(NORDLYS, '/', { headers: { Cookie: cookie } });
  assert.equal(again.headers['set-cookie'], undefined);
  assert.equal(again.headers['x-csrf-token'], token);
  // the token is the shop's own: another brand gives the same session another
  const fjord = await request(FJORD, '/', { headers: { Cookie: cookie } });
  assert.notEqual(fjord.headers['x-csrf-token'], token);
  // nothing for the stylesheet a shared cache may keep, nor off a shop
  const css = await request(NORDLYS, '/theme.css');
  assert.equal(css.headers['x-csrf-token'], undefined);
  assert.equal(css.headers['set-cookie'], undefined);
  const health = await request(NORDLYS, '/healthz');
  assert.equal(health.headers['x-csrf-token'], undefined);
});

test('a cookie value the server never issued gets no valid token, and a fresh cookie', async () => {
  const { cookie } = await newSession();
  const id = sessionIdOf(cookie);
  const [, issued, mac] = cookie.split('=')[1].split('.');
  const forged = [
    `sid=${'a'.repeat(64)}`,                              // an id of the client's choosing
    `sid=${'a'.repeat(64)}.${issued}.${mac}`,             // another id under a real signature
    `sid=${id}.${Number(issued) + 1}.${mac}`,             // a later time
    `sid=${id}.${issued}.${'0'.repeat(32)}`,              // a made-up signature
  ];
  for (const c of forged) {
    const res = await request(NORDLYS, '/api/v1/basket', { headers: { Cookie: c } });
    const fresh = sessionCookieOf(res);
    assert.ok(fresh, `${c}: a fresh cookie`);
    assert.notEqual(sessionIdOf(fresh), sessionIdOf(c));
    // the token handed out is the fresh session's: with the forged cookie it is refused
    const add = await change('POST', '/api/v1/basket/lines',
      { Cookie: c, 'X-CSRF-Token': res.headers['x-csrf-token'] }, line());
    assert.equal(add.status, 403, add.body);
    assert.equal(add.json.error.code, 'csrf_failed');
    assert.equal(redis('EXISTS', `ecom:{nordlys}:session:${sessionIdOf(c)}`), '0');
  }
});

test('JSON changes without their token, with a wrong one, another session\'s, or from elsewhere: 403, nothing changed', async () => {
  const [n, m] = await freeNumbers(2);
  const me = await newSession();
  const other = await newSession();
  const first = await change('POST', '/api/v1/basket/lines',
    { Cookie: me.cookie, 'X-CSRF-Token': me.token }, line({ msisdn: n }));
  assert.equal(first.status, 201, first.body);
  const lineId = first.json.line.id;
  const refused = [
    ['no token', { Cookie: me.cookie }],
    ['a wrong token', { Cookie: me.cookie, 'X-CSRF-Token': '0'.repeat(32) }],
    ["another session's token", { Cookie: me.cookie, 'X-CSRF-Token': other.token }],
    ['no session', { 'X-CSRF-Token': me.token }],
    ['another scheme', { Cookie: me.cookie, 'X-CSRF-Token': me.token, Origin: 'https://nordlys.localhost' }],
    ['another port', { Cookie: me.cookie, 'X-CSRF-Token': me.token, Origin: 'http://nordlys.localhost:8081' }],
    ['another host', { Cookie: me.cookie, 'X-CSRF-Token': me.token, Origin: 'http://evil.example' }],
    ['another brand', { Cookie: me.cookie, 'X-CSRF-Token': me.token, Origin: 'http://fjordmobil.localhost' }],
    ['a cross-site fetch', { Cookie: me.cookie, 'X-CSRF-Token': me.token, 'Sec-Fetch-Site': 'cross-site' }],
  ];
  for (const [what, headers] of refused) {
    for (const [method, p, body] of [
      ['POST', '/api/v1/basket/lines', line({ msisdn: m })],
      ['PATCH', `/api/v1/basket/lines/${lineId}`, { sim_type: 'physical' }],
      ['DELETE', `/api/v1/basket/lines/${lineId}`, undefined],
      ['POST', '/api/v1/basket/keep', {}],
    ]) {
      const res = await change(method, p, headers, body);
      assert.equal(res.status, 403, `${what}, ${method} ${p}: ${res.body}`);
      assert.equal(res.json.error.code, 'csrf_failed', `${what}, ${method} ${p}`);
    }
  }
  const b = await basket(me.cookie);
  assert.equal(b.json.version, 1);
  assert.equal(b.json.lines.length, 1);
  assert.equal(b.json.lines[0].sim_type, 'esim');
  assert.equal(redis('EXISTS', `ecom:{nordlys}:lock:${m}`), '0', 'no number was taken');
  assert.equal(redis('GET', `ecom:{nordlys}:lock:${n}`), basketIdOf(me.cookie));
  // the other visitor got nothing either
  assert.equal(redis('EXISTS', record(other.cookie)), '0');
  // this origin, as a browser says it: fine
  const ok = await change('POST', '/api/v1/basket/lines',
    { Cookie: me.cookie, 'X-CSRF-Token': me.token, Origin: 'http://nordlys.localhost',
      'Sec-Fetch-Site': 'same-origin' }, line({ msisdn: m }));
  assert.equal(ok.status, 201, ok.body);
  await change('DELETE', `/api/v1/basket/lines/${ok.json.line.id}`,
    { Cookie: me.cookie, 'X-CSRF-Token': me.token });
  await change('DELETE', `/api/v1/basket/lines/${lineId}`, { Cookie: me.cookie, 'X-CSRF-Token': me.token });
});

test('a first line that is refused stores no session; two first lines at once share one basket', async () => {
  const [n, m, k] = await freeNumbers(3);
  const owner = await newSession();
  const me = await newSession();
  const add = (who, body) => change('POST', '/api/v1/basket/lines',
    { Cookie: who.cookie, 'X-CSRF-Token': who.token }, body);
  const taken = await add(owner, line({ msisdn: n }));
  assert.equal(taken.status, 201, taken.body);
  // the number is another basket's: refused, and nothing of this session kept
  const refused = await add(me, line({ msisdn: n }));
  assert.equal(refused.status, 409, refused.body);
  assert.equal(refused.json.error.code, 'number_taken');
  assert.equal(redis('EXISTS', record(me.cookie)), '0', 'no session record');
  const empty = await basket(me.cookie);
  assert.equal(empty.json.lines.length, 0);
  // two tabs adding their first line at the same moment: one basket, both lines
  const both = await Promise.all([add(me, line({ msisdn: m })), add(me, line({ msisdn: k }))]);
  const ok = both.filter((r) => r.status === 201);
  for (const r of both) assert.ok([201, 409].includes(r.status), r.body);
  const b = await basket(me.cookie);
  assert.equal(b.json.lines.length, ok.length, 'every line answered 201 is in the one basket');
  assert.ok(ok.length >= 1);
  const id = basketIdOf(me.cookie);
  for (const r of ok) {
    assert.equal(redis('GET', `ecom:{nordlys}:lock:${r.json.line.msisdn}`), id);
  }
  for (const l of b.json.lines) {
    await change('DELETE', `/api/v1/basket/lines/${l.id}`, { Cookie: me.cookie, 'X-CSRF-Token': me.token });
  }
  await change('DELETE', `/api/v1/basket/lines/${taken.json.line.id}`,
    { Cookie: owner.cookie, 'X-CSRF-Token': owner.token });
});

test('form posts without their token, with another session\'s, or from elsewhere: 403, nothing changed', async () => {
  const page = await request(NORDLYS, '/products/NL-FRI');
  const cookie = sessionCookieOf(page);
  const csrf = page.body.match(/name="csrf" value="([0-9a-f]{32})"/)[1];
  assert.equal(csrf, page.headers['x-csrf-token']);
  const theirs = (await newSession()).token;
  const [n] = await freeNumbers(1);
  const form = { sku: 'NL-FRI', binding_months: '0', sim_type: 'esim', number: n };
  const post = (fields, headers = {}) => request(NORDLYS, '/basket/lines', {
    method: 'POST', body: new URLSearchParams(fields).toString(),
    headers: { Cookie: cookie, 'Content-Type': 'application/x-www-form-urlencoded', ...headers },
  });
  const refused = [
    ['no token', form, {}],
    ['a wrong token', { ...form, csrf: 'f'.repeat(32) }, {}],
    ["another session's token", { ...form, csrf: theirs }, {}],
    ['the token in a header only', form, { 'X-CSRF-Token': csrf }],
    ['another scheme', { ...form, csrf }, { Origin: 'https://nordlys.localhost' }],
    ['another port', { ...form, csrf }, { Origin: 'http://nordlys.localhost:8080' }],
    ['another host', { ...form, csrf }, { Origin: 'http://evil.example' }],
    ['a cross-site post', { ...form, csrf }, { 'Sec-Fetch-Site': 'cross-site' }],
  ];
  for (const [what, fields, headers] of refused) {
    const res = await post(fields, headers);
    assert.equal(res.status, 403, `${what}: ${res.status}`);
  }
  assert.equal(redis('EXISTS', record(cookie)), '0', 'no session record, no basket');
  assert.equal(redis('EXISTS', `ecom:{nordlys}:lock:${n}`), '0', 'no number was taken');
  const ok = await post({ ...form, csrf }, { Origin: 'http://nordlys.localhost' });
  assert.equal(ok.status, 303);
  assert.equal(redis('GET', `ecom:{nordlys}:lock:${n}`), basketIdOf(cookie));
  const b = await basket(cookie);
  await change('DELETE', `/api/v1/basket/lines/${b.json.lines[0].id}`,
    { Cookie: cookie, 'X-CSRF-Token': csrf });
});

test('a Bearer request to a storefront change is 401 api_key_invalid (keys are for the admin API), and changes nothing', async () => {
  const me = await newSession();
  for (const headers of [{ Authorization: 'Bearer abc' },
                         { Authorization: 'Bearer abc', Cookie: me.cookie, 'X-CSRF-Token': me.token }]) {
    const res = await change('POST', '/api/v1/basket/lines', headers, line());
    assert.equal(res.status, 401, res.body);
    assert.equal(res.json.error.code, 'api_key_invalid');
  }
  assert.equal(redis('EXISTS', record(me.cookie)), '0');
});

test('over HTTPS (a trusted proxy says so) the cookie is __Host-sid and Secure, and the origin is https', async () => {
  const https = { 'X-Forwarded-Proto': 'https' };
  const res = await request(NORDLYS, '/api/v1/basket', { headers: https });
  assert.match(res.headers['set-cookie'].join(),
    /^__Host-sid=[0-9a-f]{64}\.\d+\.[0-9a-f]{32}; Path=\/; Max-Age=\d+; HttpOnly; SameSite=Lax; Secure$/);
  const cookie = sessionCookieOf(res);
  const token = res.headers['x-csrf-token'];
  // a plain sid cookie is not read over HTTPS, nor __Host-sid over HTTP
  const plain = `sid=${cookie.split('=')[1]}`;
  assert.ok(sessionCookieOf(await request(NORDLYS, '/', { headers: { ...https, Cookie: plain } })));
  assert.ok(sessionCookieOf(await request(NORDLYS, '/', { headers: { Cookie: cookie } })));
  assert.equal((await request(NORDLYS, '/', { headers: { ...https, Cookie: cookie } }))
    .headers['set-cookie'], undefined);
  const headers = { ...https, Cookie: cookie, 'X-CSRF-Token': token };
  const http = await change('POST', '/api/v1/basket/lines', { ...headers, Origin: 'http://nordlys.localhost' }, line());
  assert.equal(http.status, 403, http.body);
  const add = await change('POST', '/api/v1/basket/lines', { ...headers, Origin: 'https://nordlys.localhost' }, line());
  assert.equal(add.status, 201, add.body);
  // a client that is no trusted proxy cannot claim HTTPS
  const direct = await request(NORDLYS, '/', { headers: https, from: '127.0.0.9' });
  assert.match(direct.headers['set-cookie'].join(), /^sid=/);
});

// Reload ecomd with extra configuration lines (none: the stack's own) and
// wait for the new generation of workers.
async function reconfigure(extra) {
  const file = path.join(STACK_DIR, 'ecomd.conf');
  const base = readFileSync(file, 'utf8').replace(/\n# session.test.mjs[^]*$/, '\n');
  writeFileSync(file, extra ? `${base}# session.test.mjs\n${extra}\n` : base);
  const old = new Set(workerPids());
  process.kill(masterPid(), 'SIGHUP');
  await eventually(() => workerPids().length > 0 && workerPids().every((p) => !old.has(p)));
  await eventually(async () => (await request(NORDLYS, '/readyz')).status === 200);
}

test('a session idle past session_idle_timeout loses its record; one in use lives on', async () => {
  await reconfigure('session_idle_timeout = 2s');
  try {
    const me = await newSession();
    const add = await change('POST', '/api/v1/basket/lines',
      { Cookie: me.cookie, 'X-CSRF-Token': me.token }, line());
    assert.equal(add.status, 201, add.body);
    assert.ok(Number(redis('PTTL', record(me.cookie))) <= 2000);
    // used within its idle time: kept
    await sleep(1200);
    assert.equal((await basket(me.cookie)).json.lines.length, 1);
    await sleep(1200);
    assert.equal((await basket(me.cookie)).json.lines.length, 1);
    // idle for longer: gone, and the basket with it
    await sleep(2500);
    assert.equal(redis('EXISTS', record(me.cookie)), '0');
    const b = await basket(me.cookie);
    assert.deepEqual(b.json.lines, []);
    assert.equal(b.json.version, 0);
    // the cookie itself is still good (its absolute timeout is far): a
    // new change starts a new basket
    const again = await change('POST', '/api/v1/basket/lines',
      { Cookie: me.cookie, 'X-CSRF-Token': me.token }, line());
    assert.equal(again.status, 201, again.body);
    assert.equal(again.json.version, 1);
  } finally {
    await reconfigure(null);
  }
});
