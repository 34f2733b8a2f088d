// The MitID step (issue 12, point 5) end to end through nginx, against the
// stack's test OIDC provider (t/doubles/oidc-provider.mjs): the customer
// types a CPR number, is sent to the broker, "signs in" there (the
// provider's authorize page is a plain form, posted here by hand), and
// comes back to the callback, which attaches the matched identity to the
// basket; and every way it must fail, failing cleanly.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import https from 'node:https';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { FJORD, NORDLYS, STACK_DIR, basketIdOf, ecomctl, eventually, json, readLog, redis, request, Shopper, sql } from './lib.mjs';

const CA = readFileSync(path.join(STACK_DIR, 'oidc/ca.pem'));
// test people: ten digits, as MitID gives them
const ADULT = '0101901234';     // 1 January 1990
const OTHER = '0202902345';     // someone else, also of age
const MINOR = '0101154321';     // 1 January 2015 (7th digit 4, year 15)

const field = (html, name) => html.match(new RegExp(`name="${name}" value="([^"]*)"`))?.[1];

// One HTTPS request to the test provider; {status, headers, body}.
function provider(url, { method = 'GET', form } = {}) {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const body = form ? new URLSearchParams(form).toString() : undefined;
    const req = https.request({
      host: u.hostname, port: u.port, path: u.pathname + u.search, method, ca: CA,
      headers: body ? { 'Content-Type': 'application/x-www-form-urlencoded' } : {},
    }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers,
                                    body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    if (body) req.write(body);
    req.end();
  });
}

const SKU = { [NORDLYS]: 'NL-FRI', [FJORD]: 'FJ-20GB' };

// A shopper with one plan in the basket.
async function shopperWithBasket(host = NORDLYS) {
  const s = new Shopper(host);
  // a page view first: the session cookie and its CSRF token, as a browser
  await s.get('/api/v1/basket');
  const res = await s.api('POST', '/api/v1/basket/lines',
    { sku: SKU[host], binding_months: 0, sim_type: 'esim' });
  assert.equal(res.status, 201, res.body);
  assert.ok(s.cookies.get('sid'));
  return s;
}

// The CPR step: the page, then the post; the answer of the post.
async function startStep(s, cpr) {
  const page = await s.get('/mitid');
  assert.equal(page.status, 200, page.body);
  return s.post('/mitid', { csrf: field(page.body, 'csrf'), cpr });
}

// The provider's authorize page, filled in and posted: where it sends the
// browser back to (the callback URL with code and state, or an error).
async function signInAtBroker(location, { cpr, fault = '', decision = 'approve' } = {}) {
  const page = await provider(location);
  assert.equal(page.status, 200, page.body);
  const form = {};
  for (const m of page.body.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g))
    form[m[1]] = m[2].replace(/&amp;/g, '&').replace(/&quot;/g, '"').replace(/&#39;/g, "'")
      .replace(/&lt;/g, '<').replace(/&gt;/g, '>');
  const hinted = page.body.match(/id="cpr" name="cpr" inputmode="numeric" value="(\d*)"/)?.[1];
  const answer = await provider(new URL('/authorize', location).toString(), {
    method: 'POST', form: { ...form, cpr: cpr ?? hinted, name: 'Test Testesen', fault, decision },
  });
  assert.equal(answer.status, 302, answer.body);
  return answer.headers.location;
}

// Back at the shop: the callback, as the browser follows the redirect.
async function callback(s, location) {
  const u = new URL(location);
  assert.equal(u.pathname, '/mitid/callback');
  return s.get(u.pathname + u.search);
}

// The whole way: type, go, sign in as person (or fail on purpose), return.
async function verify(s, typed, opts = {}) {
  const start = await startStep(s, typed);
  assert.equal(start.status, 303, start.body);
  const back = await signInAtBroker(start.headers.location, opts);
  return { start, back, done: await callback(s, back) };
}

async function basketJson(s) {
  const res = await s.api('GET', '/api/v1/basket');
  assert.equal(res.status, 200);
  return res.json;
}

test('the basket says MitID is needed at Nordlys and not at Fjordmobil', async () => {
  const n = await basketJson(await shopperWithBasket(NORDLYS));
  assert.equal(n.needs_identity, true);
  assert.equal(n.identity_required, true);
  assert.deepEqual(n.identity, { verified: false });
  const f = await basketJson(await shopperWithBasket(FJORD));
  assert.equal(f.needs_identity, false);
  assert.equal(f.identity_required, false);
  const page = await (await shopperWithBasket(NORDLYS)).get('/basket');
  assert.match(page.body, /href="\/mitid"/);
});

test('the CPR page is in the shop\'s language, with a labelled field and a CSRF token', async () => {
  const s = await shopperWithBasket();
  const page = await s.get('/mitid');
  assert.equal(page.status, 200);
  assert.match(page.body, /<html lang="da/);
  assert.match(page.body, /<label for="cpr">CPR-nummer<\/label>/);
  assert.match(field(page.body, 'csrf'), /^[0-9a-f]{32}$/);
  assert.match(page.body, /3 forsøg tilbage/);
  // the form may post on to the broker, and nowhere else
  assert.match(page.headers['content-security-policy'],
    /form-action 'self' https:\/\/127\.0\.0\.1:\d+;/);
});

test('the post needs its CSRF token', async () => {
  const s = await shopperWithBasket();
  await s.get('/mitid');
  const res = await s.post('/mitid', { cpr: ADULT });
  assert.equal(res.status, 403);
});

test('Idura style: the authorize URL carries PKCE S256, state, nonce, the scope, acr and login_hint', async () => {
  const s = await shopperWithBasket(NORDLYS);
  const res = await startStep(s, '010190-1234');
  assert.equal(res.status, 303, res.body);
  const u = new URL(res.headers.location);
  const q = Object.fromEntries(u.searchParams);
  assert.equal(u.pathname, '/authorize');
  assert.equal(q.response_type, 'code');
  assert.equal(q.client_id, 'ecom-idura');
  assert.equal(q.scope, 'openid ssn');
  assert.equal(q.acr_values, 'urn:grn:authn:dk:mitid:substantial');
  assert.equal(q.login_hint, `sub:${ADULT}`);
  assert.equal(q.code_challenge_method, 'S256');
  assert.match(q.code_challenge, /^[A-Za-z0-9_-]{43}$/);
  assert.match(q.state, /^[A-Za-z0-9_-]{43}$/);
  assert.match(q.nonce, /^[A-Za-z0-9_-]{43}$/);
  assert.notEqual(q.state, q.nonce);
  // the callback is the tenant host's own, fixed
  assert.match(q.redirect_uri, /^http:\/\/nordlys\.localhost:\d+\/mitid\/callback$/);
  // the flow's state is in Redis, tenant-scoped, with a short TTL, and
  // holds no number in clear
  const key = `ecom:{nordlys}:mitid:${q.state}`;
  const ttl = Number(redis('PTTL', key));
  assert.ok(ttl > 0 && ttl <= 600000, `ttl ${ttl}`);
  assert.ok(!redis('GET', key).includes(ADULT));
});

test('Idura style: the flow succeeds and attaches the identity, masked, to the basket', async () => {
  const s = await shopperWithBasket(NORDLYS);
  const { done } = await verify(s, ADULT);
  assert.equal(done.status, 303, done.body);
  assert.equal(done.headers.location, '/basket');
  const b = await basketJson(s);
  assert.equal(b.identity.verified, true);
  assert.equal(b.identity.cpr_masked, '010190-xxxx');
  assert.equal(b.identity.name, 'Test Testesen');
  assert.equal(b.identity.broker, 'idura');
  assert.equal(b.needs_identity, false);
  assert.ok(!JSON.stringify(b).includes(ADULT));
  const page = await s.get('/basket');
  assert.match(page.body, /010190-xxxx/);
  assert.ok(!page.body.includes(ADULT) && !page.body.includes('010190-1234'));
  // stored sealed, beside the lines
  const stored = redis('GET', `ecom:{nordlys}:basket:${basketIdOf(`sid=${s.cookies.get('sid')}`)}`);
  assert.match(stored, /"cpr":"v1\.k1\./);
  assert.ok(!stored.includes(ADULT));
  // the basket keeps it through a change
  const line = b.lines[0].id;
  const upd = await s.api('PATCH', `/api/v1/basket/lines/${line}`, { sim_type: 'physical' });
  assert.equal(upd.status, 200, upd.body);
  assert.equal((await basketJson(s)).identity.verified, true);
});

test('Signaturgruppen style (ES256): the flow succeeds', async () => {
  const s = await shopperWithBasket(FJORD);
  const start = await startStep(s, ADULT);
  const q = Object.fromEntries(new URL(start.headers.location).searchParams);
  assert.equal(q.idp_values, 'mitid');
  assert.equal(q.scope, 'openid ssn');
  assert.equal(q.login_hint, undefined);
  const back = await signInAtBroker(start.headers.location, { cpr: ADULT });
  const done = await callback(s, back);
  assert.equal(done.status, 303, done.body);
  const b = await basketJson(s);
  assert.equal(b.identity.verified, true);
  assert.equal(b.identity.broker, 'signaturgruppen');
  assert.equal(b.identity.cpr_masked, '010190-xxxx');
});

test('Signicat style: the flow succeeds (the tenant configured for it for a moment)', async () => {
  const secretFile = path.join(STACK_DIR, 'secrets/oidc_client_secret');
  const issuer = `https://127.0.0.1:${process.env.EC_OIDC_PORT || 18443}`;
  ecomctl('mitid', 'configure', 'fjordmobil', '--issuer', issuer, '--client-id', 'ecom-signicat',
    '--secret-file', secretFile, '--style', 'signicat', '--not-required');
  try {
    const s = await shopperWithBasket(FJORD);
    const start = await startStep(s, ADULT);
    const q = Object.fromEntries(new URL(start.headers.location).searchParams);
    assert.equal(q.scope, 'openid nin mitid-extra');
    const done = await callback(s, await signInAtBroker(start.headers.location, { cpr: ADULT }));
    assert.equal(done.status, 303, done.body);
    assert.equal((await basketJson(s)).identity.broker, 'signicat');
  } finally {
    ecomctl('mitid', 'configure', 'fjordmobil', '--issuer', issuer,
      '--client-id', 'ecom-signaturgruppen', '--secret-file', secretFile,
      '--style', 'signaturgruppen', '--not-required');
  }
});

test('ecomctl mitid show never shows the secret', () => {
  const out = ecomctl('mitid', 'show', 'nordlys');
  assert.match(out, /style\tidura/);
  assert.match(out, /client_secret\tsealed with key k1/);
  assert.match(out, /required\tyes/);
  const secret = readFileSync(path.join(STACK_DIR, 'secrets/oidc_client_secret'), 'utf8').trim();
  assert.ok(!out.includes(secret));
  const stored = sql("SELECT client_secret FROM tenant_mitid m JOIN tenants t ON t.id = m.tenant_id WHERE t.slug = 'nordlys'");
  assert.match(stored, /^v1\.k1\./);
  assert.ok(!stored.includes(secret));
});

// A failure: a clear page with its status, and nothing attached.
async function assertNothingAttached(s) {
  const b = await basketJson(s);
  assert.equal(b.identity.verified, false);
  assert.equal(b.needs_identity, s.host === NORDLYS);
}

test('a wrong state is refused: 400, nothing attached', async () => {
  const s = await shopperWithBasket();
  const start = await startStep(s, ADULT);
  const back = new URL(await signInAtBroker(start.headers.location));
  back.searchParams.set('state', 'A'.repeat(43));
  const res = await callback(s, back.toString());
  assert.equal(res.status, 400);
  assert.match(res.body, /hører ikke til denne kurv eller er udløbet/);
  await assertNothingAttached(s);
});

test('a state is single use, and belongs to its basket', async () => {
  const s = await shopperWithBasket();
  const start = await startStep(s, ADULT);
  const back = await signInAtBroker(start.headers.location);
  // another shopper (another basket) with this answer: refused, and the
  // state is gone with it
  const thief = await shopperWithBasket();
  assert.equal((await callback(thief, back)).status, 400);
  await assertNothingAttached(thief);
  assert.equal((await callback(s, back)).status, 400);
  await assertNothingAttached(s);
});

for (const [fault, host, why] of [
  ['wrong_nonce', NORDLYS, 'nonce'], ['expired', NORDLYS, 'expired'],
  ['other_key', NORDLYS, 'signature'], ['bad_signature', FJORD, 'signature'],
  ['es256_der', FJORD, 'signature'], ['wrong_audience', FJORD, 'aud']]) {
  test(`a token with fault ${fault} (${host}) is refused for its reason: 403, nothing attached`, async () => {
    const s = await shopperWithBasket(host);
    const { done } = await verify(s, ADULT, { cpr: ADULT, fault });
    assert.equal(done.status, 403, done.body);
    const id = done.headers['x-request-id'];
    await eventually(() => readLog('ecomd-error.log').split('\n')
      .some((l) => l.includes(id) && l.includes(`not verified (${why})`)));
    assert.match(done.body, /MitID kunne ikke bekræfte din identitet/);
    await assertNothingAttached(s);
    // a refused token is not a failed match
    assert.match(done.body, /3 forsøg tilbage/);
  });
}

test('a person under 18 gets a clear error at the field, keeping what was typed', async () => {
  const s = await shopperWithBasket();
  const res = await startStep(s, '010115-4321');
  assert.equal(res.status, 422);
  assert.match(res.body, /id="cpr-error"[^>]*>Du skal være fyldt 18 år/);
  assert.match(res.body, /value="010115-4321" aria-describedby="cpr-hint cpr-error" aria-invalid="true"/);
  assert.equal(res.headers.location, undefined);
  await assertNothingAttached(s);
  // a number that is none: also at the field
  const bad = await startStep(s, '3102901234');
  assert.equal(bad.status, 422);
  assert.match(bad.body, /Skriv et gyldigt CPR-nummer/);
  assert.ok(MINOR.length === 10);
});

test('a refusal at MitID: 403, nothing attached, no attempt counted', async () => {
  const s = await shopperWithBasket();
  const { done } = await verify(s, ADULT, { decision: 'refuse' });
  assert.equal(done.status, 403);
  assert.match(done.body, /MitID blev afbrudt/);
  assert.match(done.body, /3 forsøg tilbage/);
  await assertNothingAttached(s);
});

test('three failed matches, then the fourth attempt is refused with a clear message', async () => {
  const s = await shopperWithBasket(); // Idura: the broker refuses a mismatch
  for (let i = 1; i <= 3; i++) {
    const { done } = await verify(s, ADULT, { cpr: OTHER });
    assert.equal(done.status, 403, done.body);
    if (i < 3) {
      assert.match(done.body, /passer ikke til den person/);
      assert.match(done.body, new RegExp(`${3 - i} forsøg tilbage`));
    } else {
      assert.match(done.body, /kunne ikke bekræftes tre gange/);
    }
    await assertNothingAttached(s);
  }
  const page = await s.get('/mitid');
  assert.doesNotMatch(page.body, /name="cpr"/);
  const fourth = await s.post('/mitid', { csrf: field((await s.get('/basket')).body, 'csrf'), cpr: ADULT });
  assert.equal(fourth.status, 403);
  assert.match(fourth.body, /kunne ikke bekræftes tre gange/);
  assert.equal(fourth.headers.location, undefined);
  await assertNothingAttached(s);
});

test('a mismatch found by the shop (Signaturgruppen style) counts too', async () => {
  const s = await shopperWithBasket(FJORD);
  const { done } = await verify(s, ADULT, { cpr: OTHER });
  assert.equal(done.status, 403, done.body);
  assert.match(done.body, /passer ikke/);
  assert.match(done.body, /2 forsøg tilbage/);
  await assertNothingAttached(s);
});

test('without a plan in the basket the page asks for one first, and the post is refused', async () => {
  const s = new Shopper(NORDLYS);
  const page = await s.get('/mitid');
  assert.equal(page.status, 200);
  assert.match(page.body, /Læg et abonnement i kurven/);
  const res = await s.post('/mitid', { csrf: field(page.body, 'csrf') ?? '', cpr: ADULT });
  assert.ok([403, 409].includes(res.status), String(res.status));
});

test('a checkout after a MitID match keeps the CPR number sealed, and every event carries it sealed for the receiver', async () => {
  const s = await shopperWithBasket(NORDLYS);
  const { done } = await verify(s, ADULT);
  assert.equal(done.status, 303, done.body);
  await s.api('GET', '/api/v1/basket');
  const placed = s.keep(await json(NORDLYS, '/api/v1/checkout', {
    method: 'POST',
    body: JSON.stringify({
      customer: { name: 'Test Testesen', email: 'test.testesen@example.dk', phone: '20 12 34 56',
                  address: 'Vej 1, 2100 København Ø' },
      consents: { terms: true, contract_summary: true, marketing: false } }),
    headers: { Cookie: s.cookie, 'Content-Type': 'application/json', 'Idempotency-Key': `mitid-${Date.now()}` },
  }));
  assert.equal(placed.status, 201, placed.body);
  const id = placed.json.order.id;
  assert.equal(placed.json.order.identity_verified, true);
  const sealed = sql(`SELECT identity_sealed FROM orders WHERE public_id = '${id}'`);
  assert.ok(sealed.length > 20 && !sealed.includes(ADULT), 'kept sealed');
  // paid at the simulator, delivered, reported back
  const pay = await s.get(new URL(placed.json.payment.url, 'http://x').pathname);
  assert.equal(pay.status, 200);
  const approved = await s.post(new URL(placed.json.payment.url, 'http://x').pathname,
    { csrf: field(pay.body, 'csrf'), outcome: 'approve' });
  assert.equal(approved.status, 303, approved.body);
  const port = Number(process.env.EC_DOWNSTREAM_PORT || 19543 + Number(process.env.EC_TEST_PORT_OFFSET || 0));
  const events = await eventually(async () => {
    const r = await provider(`https://127.0.0.1:${port}/received?order=${id}`);
    const got = JSON.parse(r.body).events ?? JSON.parse(r.body);
    return got.some((e) => e.type === 'order.completed') ? got : null;
  }, { timeout: 20000 });
  assert.ok(events.length >= 3, JSON.stringify(events));
  for (const e of events) assert.equal(e.cpr_opened, true, `${e.type} carries the number, sealed for the receiver`);
});

test('no table holds a CPR number in clear', () => {
  const cols = sql(`SELECT CONCAT(table_name, '.', column_name) FROM information_schema.columns
    WHERE table_schema = 'ecom' AND data_type IN ('char','varchar','text','mediumtext','longtext','tinytext','json','enum','set')`)
    .split('\n').filter(Boolean);
  assert.ok(cols.length > 10);
  for (const c of cols) {
    const [t, col] = c.split('.');
    for (const n of [ADULT, OTHER, '010190-1234', '020290-2345']) {
      const hits = sql(`SELECT COUNT(*) FROM \`${t}\` WHERE \`${col}\` LIKE '%${n}%'`);
      assert.equal(hits, '0', `${c} holds a CPR number`);
    }
  }
});

test('no log file of the stack holds a CPR number', () => {
  const dir = path.join(STACK_DIR, 'log');
  for (const f of readdirSync(dir)) {
    let text;
    try { text = readFileSync(path.join(dir, f), 'utf8'); } catch { continue; }
    for (const n of [ADULT, OTHER, '010190-1234', '010115-4321'])
      assert.ok(!text.includes(n), `${f} holds a CPR number`);
  }
});
