// The test OIDC provider of the stack (t/doubles/oidc-provider.mjs), end to
// end: discovery, its key set, the authorize page and the token endpoint
// with PKCE, in each broker's style, and the C side, through
// `ecomctl oidc`, fetching its keys over libcurl with the stack's CA,
// exchanging a code and accepting the token (or refusing a bad one for the
// right reason). The MitID flow through ecomd builds on these.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { execFileSync } from 'node:child_process';
import https from 'node:https';
import path from 'node:path';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { ROOT, STACK_DIR, PORT, secret } from './lib.mjs';

const OIDC_PORT = Number(process.env.EC_OIDC_PORT || 18443);
const ISSUER = `https://127.0.0.1:${OIDC_PORT}`;
const CA_FILE = path.join(STACK_DIR, 'oidc', 'ca.pem');
const CA = readFileSync(CA_FILE);
const REDIRECT = `http://nordlys.localhost:${PORT}/mitid/callback`;
const CPR = '0101901234';

// One HTTPS request trusting only the stack's CA.
function call(method, urlPath, { body, headers = {} } = {}) {
  return new Promise((resolve, reject) => {
    const req = https.request(`${ISSUER}${urlPath}`, { method, ca: CA, agent: false, headers },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => resolve({
          status: res.statusCode, headers: res.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        }));
      });
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

const form = (fields) => ({
  body: new URLSearchParams(fields).toString(),
  headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
});

function ecomctl(...args) {
  try {
    return { status: 0, out: execFileSync(path.join(ROOT, 'build/plain/ecomctl'), ['oidc', ...args],
      { encoding: 'utf8', env: { ...process.env, ECOMD_OIDC_CLIENT_SECRET: secret('oidc_client_secret') } }) };
  } catch (e) {
    return { status: e.status, out: e.stdout, err: e.stderr };
  }
}

// A fresh PKCE pair, state and nonce, as the flow makes them.
function flowValues() {
  const verifier = crypto.randomBytes(32).toString('base64url');
  return {
    verifier,
    challenge: crypto.createHash('sha256').update(verifier).digest('base64url'),
    state: crypto.randomBytes(32).toString('base64url'),
    nonce: crypto.randomBytes(32).toString('base64url'),
  };
}

function authorizeParams(clientId, v, extra = {}) {
  return {
    client_id: clientId, redirect_uri: REDIRECT, response_type: 'code', scope: 'openid ssn',
    state: v.state, nonce: v.nonce, code_challenge: v.challenge, code_challenge_method: 'S256',
    ...extra,
  };
}

// The person approves on the provider's page; returns the redirect's query.
async function approve(clientId, v, { cpr = CPR, fault = '', extra = {} } = {}) {
  const params = authorizeParams(clientId, v, extra);
  const page = await call('GET', `/authorize?${new URLSearchParams(params)}`);
  assert.equal(page.status, 200, page.body);
  assert.match(page.body, /<form method="post" action="\/authorize">/);
  const res = await call('POST', '/authorize',
    form({ ...params, cpr, name: 'Test Testesen', fault, decision: 'approve' }));
  assert.equal(res.status, 302, res.body);
  const location = new URL(res.headers.location);
  assert.equal(`${location.origin}${location.pathname}`, REDIRECT);
  return location.searchParams;
}

test('discovery names the issuer, its endpoints, S256 and both algorithms', async () => {
  const res = await call('GET', '/.well-known/openid-configuration');
  assert.equal(res.status, 200);
  const doc = JSON.parse(res.body);
  assert.equal(doc.issuer, ISSUER);
  assert.equal(doc.token_endpoint, `${ISSUER}/token`);
  assert.deepEqual(doc.code_challenge_methods_supported, ['S256']);
  assert.deepEqual(doc.id_token_signing_alg_values_supported, ['RS256', 'ES256']);
});

test('the key set publishes an RSA and a P-256 key, and no private part', async () => {
  const res = await call('GET', '/jwks');
  assert.equal(res.status, 200);
  const { keys } = JSON.parse(res.body);
  assert.deepEqual(keys.map((k) => [k.kid, k.kty, k.alg]),
    [['rsa-1', 'RSA', 'RS256'], ['ec-1', 'EC', 'ES256']]);
  for (const k of keys) for (const p of ['d', 'p', 'q', 'dp', 'dq', 'qi']) assert.equal(k[p], undefined);
});

test('ecomctl fetches discovery and keys over libcurl, trusting the stack CA', () => {
  const r = ecomctl('discover', ISSUER, '--ca-file', CA_FILE);
  assert.equal(r.status, 0, r.err);
  assert.match(r.out, new RegExp(`^token_endpoint ${ISSUER}/token$`, 'm'));
  assert.match(r.out, /^key rsa-1 RS256$/m);
  assert.match(r.out, /^key ec-1 ES256$/m);
  // without the CA the provider's certificate is not trusted
  const untrusted = ecomctl('discover', ISSUER);
  assert.equal(untrusted.status, 1);
  assert.match(untrusted.err, /certificate/i);
});

for (const [style, claim, basic] of [['idura', 'cprNumberIdentifier', false],
                                     ['signicat', 'nin', true],
                                     ['signaturgruppen', 'dk.cpr', false]]) {
  test(`${style}: authorize, then the C client exchanges the code and accepts the token`, async () => {
    const v = flowValues();
    const q = await approve(`ecom-${style}`, v,
      { extra: style === 'idura' ? { login_hint: `sub:${CPR}` } : {} });
    assert.equal(q.get('state'), v.state);
    assert.equal(q.get('iss'), ISSUER);
    const r = ecomctl('token', ISSUER, `ecom-${style}`, REDIRECT, q.get('code'), v.verifier, v.nonce,
      '--ca-file', CA_FILE, ...(basic ? ['--basic'] : []));
    assert.equal(r.status, 0, `${r.out} ${r.err}`);
    assert.match(r.out, new RegExp(`^valid: claims .* ${claim.replace('.', '\\.')}( |$)`, 'm'));
    assert.doesNotMatch(r.out, new RegExp(CPR));
    // the code was used: a second exchange is refused
    const again = ecomctl('token', ISSUER, `ecom-${style}`, REDIRECT, q.get('code'), v.verifier,
      v.nonce, '--ca-file', CA_FILE);
    assert.equal(again.status, 1);
    assert.match(again.err, /refused \(400 invalid_grant\)/);
  });
}

test('the ID token of each style carries its claims and algorithm', async () => {
  for (const [style, alg, claim] of [['idura', 'RS256', 'cprNumberIdentifier'],
                                     ['signicat', 'RS256', 'nin'],
                                     ['signaturgruppen', 'ES256', 'dk.cpr']]) {
    const v = flowValues();
    const q = await approve(`ecom-${style}`, v);
    const res = await call('POST', '/token', form({
      grant_type: 'authorization_code', code: q.get('code'), redirect_uri: REDIRECT,
      code_verifier: v.verifier, client_id: `ecom-${style}`,
      client_secret: secret('oidc_client_secret'),
    }));
    assert.equal(res.status, 200, res.body);
    const [h, p] = JSON.parse(res.body).id_token.split('.').slice(0, 2)
      .map((s) => JSON.parse(Buffer.from(s, 'base64url').toString()));
    assert.equal(h.alg, alg);
    assert.equal(p[claim], CPR);
    assert.equal(p.nonce, v.nonce);
    assert.equal(p.aud, `ecom-${style}`);
    if (style === 'signicat') assert.equal(p.mitid_cpr_source, 'user');
  }
});

test('the token endpoint checks the PKCE verifier, the client and the redirect_uri', async () => {
  const secretValue = secret('oidc_client_secret');
  const exchange = (code, fields) => call('POST', '/token', form({
    grant_type: 'authorization_code', code, redirect_uri: REDIRECT, client_id: 'ecom-idura',
    client_secret: secretValue, ...fields,
  }));
  let v = flowValues();
  let q = await approve('ecom-idura', v);
  let res = await exchange(q.get('code'), { code_verifier: flowValues().verifier });
  assert.equal(res.status, 400);
  assert.equal(JSON.parse(res.body).error, 'invalid_grant');
  // refused once, the code is gone even with the right verifier
  res = await exchange(q.get('code'), { code_verifier: v.verifier });
  assert.equal(res.status, 400);
  v = flowValues();
  q = await approve('ecom-idura', v);
  res = await exchange(q.get('code'), { code_verifier: v.verifier, client_secret: 'wrong' });
  assert.equal(res.status, 401);
  assert.equal(JSON.parse(res.body).error, 'invalid_client');
  v = flowValues();
  q = await approve('ecom-idura', v);
  res = await exchange(q.get('code'), { code_verifier: v.verifier, redirect_uri: `${REDIRECT}x` });
  assert.equal(res.status, 400);
});

test('test switches: bad tokens on demand, refused by the C verifier for the right reason', async () => {
  for (const [style, fault, reason] of [['idura', 'expired', 'expired'],
                                        ['idura', 'other_key', 'signature'],
                                        ['signaturgruppen', 'other_key', 'signature'],
                                        ['signaturgruppen', 'bad_signature', 'signature'],
                                        ['signaturgruppen', 'es256_der', 'signature'],
                                        ['signicat', 'wrong_nonce', 'nonce'],
                                        ['signicat', 'wrong_audience', 'aud']]) {
    const v = flowValues();
    const q = await approve(`ecom-${style}`, v, { fault });
    const r = ecomctl('token', ISSUER, `ecom-${style}`, REDIRECT, q.get('code'), v.verifier, v.nonce,
      '--ca-file', CA_FILE);
    assert.equal(r.status, 1, `${style} ${fault}: ${r.out}`);
    assert.equal(r.out.trim(), `refused: ${reason}`, `${style} ${fault}`);
  }
});

test('refusal, an Idura CPR mismatch and bad requests answer as a broker does', async () => {
  const v = flowValues();
  const params = authorizeParams('ecom-idura', v, { login_hint: `sub:${CPR}` });
  let res = await call('POST', '/authorize', form({ ...params, cpr: CPR, decision: 'refuse' }));
  let q = new URL(res.headers.location).searchParams;
  assert.equal(q.get('error'), 'access_denied');
  assert.equal(q.get('state'), v.state);
  res = await call('POST', '/authorize', form({ ...params, cpr: '0202901234', decision: 'approve' }));
  q = new URL(res.headers.location).searchParams;
  assert.equal(q.get('error'), 'access_denied');
  assert.equal(q.get('error_description'), 'cpr_mismatch');
  assert.equal(q.get('code'), null);
  // an unregistered redirect_uri is never redirected to
  res = await call('GET', `/authorize?${new URLSearchParams({ ...params, redirect_uri: 'https://evil.example/' })}`);
  assert.equal(res.status, 400);
  assert.equal(res.headers.location, undefined);
  // PKCE is required
  const noPkce = { ...params };
  delete noPkce.code_challenge;
  res = await call('GET', `/authorize?${new URLSearchParams(noPkce)}`);
  assert.equal(res.status, 302);
  assert.equal(new URL(res.headers.location).searchParams.get('error'), 'invalid_request');
});
