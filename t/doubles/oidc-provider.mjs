// A test OIDC provider standing in for a MitID broker (Idura, Signicat,
// Signaturgruppen) on loopback, so the demo and test stacks run the
// MitID step for real. Node 18, no npm dependencies. docs/identity.md,
// "The test OIDC provider", is its manual.
//
//   node oidc-provider.mjs --port N --cert PEM --key PEM --data DIR
//                          --clients FILE [--issuer URL] [--pid FILE]
//
// It speaks the real wire format: discovery, an authorize page (where a
// person "signs in with MitID" by approving or refusing), the token
// endpoint (client_secret_post or client_secret_basic, single-use codes,
// PKCE S256 required) and its JWKS. What a token looks like is chosen by
// the client's "style"; test-only faults (an expired token, another key,
// a bad ES256 signature, a wrong nonce) are chosen on the approval form.

import crypto from 'node:crypto';
import fs from 'node:fs';
import https from 'node:https';
import path from 'node:path';

const args = {};
for (let i = 2; i < process.argv.length; i += 2)
    args[process.argv[i].replace(/^--/, '')] = process.argv[i + 1];
for (const need of ['port', 'cert', 'key', 'data', 'clients'])
    if (!args[need]) {
        console.error(`oidc-provider: --${need} is required`);
        process.exit(2);
    }
const PORT = Number(args.port);
const ISSUER = args.issuer || `https://127.0.0.1:${PORT}`;
const CODE_TTL_MS = 60_000;
const TOKEN_TTL_S = 300;

// What each broker's ID token carries, after their documentation:
// the algorithm, the claim with the CPR number, the extra claims.
const STYLES = {
    idura: {
        alg: 'RS256',
        claims: (p) => ({
            cprNumberIdentifier: p.cpr,
            name: p.name,
            dateofbirth: p.birthdate,
            identityscheme: 'dkmitid',
        }),
    },
    signicat: {
        alg: 'RS256',
        claims: (p) => ({
            nin: p.cpr,
            nin_type: 'PERSON',
            nin_issuing_country: 'DK',
            mitid_cpr_source: 'user',
            name: p.name,
            birthdate: p.birthdate,
            idp: 'mitid',
        }),
    },
    signaturgruppen: {
        alg: 'ES256',
        claims: (p) => ({
            'dk.cpr': p.cpr,
            'mitid.identity_name': p.name,
            name: p.name,
            birthdate: p.birthdate,
            idp: 'mitid',
        }),
    },
};

const FAULTS = ['', 'expired', 'other_key', 'bad_signature', 'wrong_nonce',
                'wrong_audience', 'es256_der'];

function log(fields) {
    // never a code, a token, a secret or a CPR number
    process.stdout.write(JSON.stringify({ time: new Date().toISOString(), ...fields }) + '\n');
}

// Signing keys: made on first start, kept in DATA/keys.json, so a restart
// keeps the JWKS a running ecomd has cached. The "other" keys sign tokens
// that must fail: they share the real keys' kids but are not published.
function loadKeys() {
    const file = path.join(args.data, 'keys.json');
    let pems;
    try {
        pems = JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch {
        const rsa = () => crypto.generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
        const ec = () => crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
        const pem = (k) => k.export({ type: 'pkcs8', format: 'pem' });
        pems = { rsa: pem(rsa()), ec: pem(ec()), rsa_other: pem(rsa()), ec_other: pem(ec()) };
        fs.mkdirSync(args.data, { recursive: true });
        fs.writeFileSync(file, JSON.stringify(pems), { mode: 0o600 });
    }
    const keys = {};
    for (const [name, pem] of Object.entries(pems)) keys[name] = crypto.createPrivateKey(pem);
    return keys;
}

const KEYS = loadKeys();
const KID = { RS256: 'rsa-1', ES256: 'ec-1' };

function jwks() {
    const pub = (k, alg) => ({
        ...crypto.createPublicKey(k).export({ format: 'jwk' }),
        kid: KID[alg], alg, use: 'sig',
    });
    return { keys: [pub(KEYS.rsa, 'RS256'), pub(KEYS.ec, 'ES256')] };
}

const b64url = (buf) => Buffer.from(buf).toString('base64url');

function signJwt(alg, claims, fault) {
    const header = { alg, typ: 'JWT', kid: KID[alg] };
    const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;
    const other = fault === 'other_key';
    let sig;
    if (alg === 'RS256') {
        sig = crypto.sign('sha256', Buffer.from(input), other ? KEYS.rsa_other : KEYS.rsa);
    } else {
        sig = crypto.sign('sha256', Buffer.from(input), {
            key: other ? KEYS.ec_other : KEYS.ec,
            // JOSE wants r || s; DER is the classic mistake, on demand
            dsaEncoding: fault === 'es256_der' ? 'der' : 'ieee-p1363',
        });
    }
    if (fault === 'bad_signature') sig[sig.length >> 1] ^= 1;
    return `${input}.${b64url(sig)}`;
}

function loadClients() {
    const doc = JSON.parse(fs.readFileSync(args.clients, 'utf8'));
    const map = new Map();
    for (const c of doc.clients) {
        if (!STYLES[c.style]) throw new Error(`client ${c.client_id}: unknown style ${c.style}`);
        map.set(c.client_id, c);
    }
    return map;
}

const CLIENTS = loadClients();
const codes = new Map(); // code -> grant, deleted on first use

function redirectAllowed(client, uri) {
    return typeof uri === 'string' &&
        client.redirect_prefixes.some((p) => uri.startsWith(p));
}

function send(res, status, type, body, headers = {}) {
    res.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-store', ...headers });
    res.end(body);
}

const json = (res, status, obj, headers) =>
    send(res, status, 'application/json', JSON.stringify(obj), headers);

const esc = (s) => String(s ?? '').replace(/[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));

function discovery(res) {
    json(res, 200, {
        issuer: ISSUER,
        authorization_endpoint: `${ISSUER}/authorize`,
        token_endpoint: `${ISSUER}/token`,
        jwks_uri: `${ISSUER}/jwks`,
        response_types_supported: ['code'],
        subject_types_supported: ['public'],
        id_token_signing_alg_values_supported: ['RS256', 'ES256'],
        code_challenge_methods_supported: ['S256'],
        token_endpoint_auth_methods_supported: ['client_secret_post', 'client_secret_basic'],
        scopes_supported: ['openid', 'ssn', 'nin', 'mitid-extra'],
        claims_parameter_supported: false,
    });
}

// The authorization request's parameters, checked in the order a broker
// does: a bad client or redirect_uri is shown, never redirected to.
function checkAuthorize(q) {
    const client = CLIENTS.get(q.client_id);
    if (!client) return { page: 'unknown client_id' };
    if (!redirectAllowed(client, q.redirect_uri)) return { page: 'redirect_uri not registered' };
    const err = (error, description) => ({ client, redirect: { error, error_description: description } });
    if (q.response_type !== 'code') return err('unsupported_response_type', 'response_type must be code');
    if (!(q.scope || '').split(' ').includes('openid')) return err('invalid_scope', 'scope must include openid');
    if (!q.state) return err('invalid_request', 'state is required');
    if (!q.nonce) return err('invalid_request', 'nonce is required');
    if (q.code_challenge_method !== 'S256' || !/^[A-Za-z0-9_-]{43}$/.test(q.code_challenge || ''))
        return err('invalid_request', 'PKCE with S256 is required');
    return { client };
}

function redirectTo(res, uri, params) {
    const u = new URL(uri);
    for (const [k, v] of Object.entries(params)) if (v !== undefined) u.searchParams.set(k, v);
    send(res, 302, 'text/plain', '', { Location: u.toString() });
}

// Idura's style: login_hint "sub:<CPR>" asks MitID to match that number.
function hintedCpr(hint) {
    const m = /^sub:(\d{10})$/.exec(hint || '');
    return m ? m[1] : '';
}

function authorizePage(res, q, client) {
    const hidden = ['response_type', 'client_id', 'redirect_uri', 'scope', 'state', 'nonce', 'code_challenge',
                    'code_challenge_method', 'login_hint', 'acr_values', 'idp_values']
        .map((k) => q[k] === undefined ? '' :
            `<input type="hidden" name="${k}" value="${esc(q[k])}">`).join('\n');
    const faults = FAULTS.map((f) => `<option value="${f}">${f || 'none'}</option>`).join('');
    send(res, 200, 'text/html; charset=utf-8', `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Test MitID</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body><main>
<h1>Test MitID (${esc(client.style)} style)</h1>
<p>This test provider stands in for MitID through a broker. Nothing here is real.</p>
<form method="post" action="/authorize">
${hidden}
<p><label for="cpr">The person's CPR number (ten digits)</label>
<input id="cpr" name="cpr" inputmode="numeric" value="${esc(hintedCpr(q.login_hint))}"></p>
<p><label for="name">Name</label>
<input id="name" name="name" value="Test Testesen"></p>
<p><label for="fault">Test only: issue a bad token</label>
<select id="fault" name="fault">${faults}</select></p>
<p><button name="decision" value="approve">Approve</button>
<button name="decision" value="refuse">Refuse</button></p>
</form></main></body></html>`);
}

function birthdate(cpr) {
    const d = cpr.slice(0, 2), m = cpr.slice(2, 4), yy = Number(cpr.slice(4, 6)), s = Number(cpr[6]);
    let year = 1900 + yy;
    if ((s === 4 || s === 9) && yy <= 36) year = 2000 + yy;
    if (s >= 5 && s <= 8) year = yy <= 57 ? 2000 + yy : 1800 + yy;
    return `${year}-${m}-${d}`;
}

function decide(res, f) {
    const { client, page, redirect } = checkAuthorize(f);
    if (page) return send(res, 400, 'text/plain', page);
    if (redirect) return redirectTo(res, f.redirect_uri, { ...redirect, state: f.state });
    const hinted = hintedCpr(f.login_hint);
    if (f.decision !== 'approve')
        return redirectTo(res, f.redirect_uri, { error: 'access_denied', error_description: 'refused by the user', state: f.state });
    if (!/^\d{10}$/.test(f.cpr || ''))
        return send(res, 400, 'text/plain', 'the CPR number must be ten digits');
    // the Idura way: a hinted number that is not the person's fails here
    if (hinted && hinted !== f.cpr)
        return redirectTo(res, f.redirect_uri, { error: 'access_denied', error_description: 'cpr_mismatch', state: f.state });
    const code = crypto.randomBytes(32).toString('base64url');
    codes.set(code, {
        client_id: client.client_id, redirect_uri: f.redirect_uri, nonce: f.nonce,
        code_challenge: f.code_challenge, cpr: f.cpr, name: f.name || 'Test Testesen',
        fault: FAULTS.includes(f.fault) ? f.fault : '', acr: f.acr_values,
        expires: Date.now() + CODE_TTL_MS,
    });
    log({ event: 'authorize', client_id: client.client_id, fault: f.fault || undefined });
    redirectTo(res, f.redirect_uri, { code, state: f.state, iss: ISSUER });
}

// The client from client_secret_basic or client_secret_post, or null.
function authenticate(req, f) {
    let id = f.client_id, secret = f.client_secret;
    const auth = req.headers.authorization || '';
    if (auth.startsWith('Basic ')) {
        const pair = Buffer.from(auth.slice(6), 'base64').toString('utf8');
        const i = pair.indexOf(':');
        if (i < 0) return null;
        const dec = (s) => decodeURIComponent(s.replace(/\+/g, ' '));
        id = dec(pair.slice(0, i));
        secret = dec(pair.slice(i + 1));
    }
    const client = CLIENTS.get(id);
    if (!client || typeof secret !== 'string') return null;
    const a = Buffer.from(secret), b = Buffer.from(client.client_secret);
    return a.length === b.length && crypto.timingSafeEqual(a, b) ? client : null;
}

function idToken(client, grant) {
    const style = STYLES[client.style];
    const now = Math.floor(Date.now() / 1000);
    const expired = grant.fault === 'expired';
    const person = { cpr: grant.cpr, name: grant.name, birthdate: birthdate(grant.cpr) };
    const claims = {
        iss: ISSUER,
        aud: grant.fault === 'wrong_audience' ? 'someone-else' : client.client_id,
        sub: crypto.createHash('sha256').update(`${client.style}:${grant.cpr}`).digest('hex').slice(0, 32),
        iat: expired ? now - 3600 : now,
        exp: expired ? now - 1800 : now + TOKEN_TTL_S,
        auth_time: now,
        nonce: grant.fault === 'wrong_nonce' ? crypto.randomBytes(16).toString('base64url') : grant.nonce,
        acr: grant.acr || 'urn:grn:authn:dk:mitid:substantial',
        amr: ['mitid'],
        ...style.claims(person),
    };
    return signJwt(style.alg, claims, grant.fault);
}

function token(req, res, f) {
    const tokenError = (status, error, description) =>
        json(res, status, { error, error_description: description });
    const client = authenticate(req, f);
    if (!client) return tokenError(401, 'invalid_client', 'client authentication failed');
    if (f.grant_type !== 'authorization_code')
        return tokenError(400, 'unsupported_grant_type', 'grant_type must be authorization_code');
    const grant = codes.get(f.code || '');
    codes.delete(f.code || ''); // single use, even when the rest is wrong
    if (!grant || grant.expires < Date.now() || grant.client_id !== client.client_id)
        return tokenError(400, 'invalid_grant', 'unknown, used or expired code');
    if (grant.redirect_uri !== f.redirect_uri)
        return tokenError(400, 'invalid_grant', 'redirect_uri differs from the authorization request');
    const challenge = crypto.createHash('sha256').update(f.code_verifier || '').digest('base64url');
    if (!f.code_verifier || challenge !== grant.code_challenge)
        return tokenError(400, 'invalid_grant', 'PKCE verification failed');
    log({ event: 'token', client_id: client.client_id, fault: grant.fault || undefined });
    json(res, 200, {
        access_token: crypto.randomBytes(32).toString('base64url'),
        token_type: 'Bearer',
        expires_in: TOKEN_TTL_S,
        scope: 'openid',
        id_token: idToken(client, grant),
    });
}

function readForm(req, limit = 16384) {
    return new Promise((resolve, reject) => {
        let body = '';
        req.setEncoding('utf8');
        req.on('data', (d) => {
            body += d;
            if (body.length > limit) reject(new Error('too large'));
        });
        req.on('end', () => resolve(Object.fromEntries(new URLSearchParams(body))));
        req.on('error', reject);
    });
}

async function handle(req, res) {
    const url = new URL(req.url, ISSUER);
    const q = Object.fromEntries(url.searchParams);
    const route = `${req.method} ${url.pathname}`;
    switch (route) {
    case 'GET /.well-known/openid-configuration': return discovery(res);
    case 'GET /jwks': return json(res, 200, jwks());
    case 'GET /healthz': return send(res, 200, 'text/plain', 'ok\n');
    case 'GET /authorize': {
        const { client, page, redirect } = checkAuthorize(q);
        if (page) return send(res, 400, 'text/plain', page);
        if (redirect) return redirectTo(res, q.redirect_uri, { ...redirect, state: q.state });
        return authorizePage(res, q, client);
    }
    case 'POST /authorize': return decide(res, await readForm(req));
    case 'POST /token': return token(req, res, await readForm(req));
    default: return json(res, 404, { error: 'not_found' });
    }
}

const server = https.createServer({
    cert: fs.readFileSync(args.cert), key: fs.readFileSync(args.key),
}, (req, res) => {
    handle(req, res).catch((e) => {
        log({ event: 'error', message: e.message });
        if (!res.headersSent) send(res, 400, 'text/plain', 'bad request');
    });
});

// expired codes go, so a long-running demo does not grow
setInterval(() => {
    const now = Date.now();
    for (const [code, g] of codes) if (g.expires < now) codes.delete(code);
}, CODE_TTL_MS).unref();

// --pid FILE: written once listening, removed on a clean stop, so the
// scripts stop exactly this process
server.listen(PORT, '127.0.0.1', () => {
    if (args.pid) fs.writeFileSync(args.pid, `${process.pid}\n`);
    log({ event: 'listening', issuer: ISSUER });
});
function stop() {
    if (args.pid) fs.rmSync(args.pid, { force: true });
    server.close(() => process.exit(0));
    server.closeAllConnections();
}
for (const sig of ['SIGTERM', 'SIGINT']) process.on(sig, stop);
