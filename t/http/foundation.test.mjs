// The foundation through real nginx -> ecomd -> MariaDB/Redis: tenants by
// hostname, errors, limits, security headers, request ids and logs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request, json, ecomctl, readLog, eventually, NORDLYS, FJORD } from './lib.mjs';

test('each demo brand home page shows its own name and not the other', async () => {
  const n = await request(NORDLYS, '/');
  const f = await request(FJORD, '/');
  assert.equal(n.status, 200);
  assert.equal(f.status, 200);
  assert.match(n.headers['content-type'], /^text\/html/);
  assert.match(n.body, /<h1[^>]*>Nordlys Mobil<\/h1>/);
  assert.doesNotMatch(n.body, /Fjordmobil/);
  assert.match(f.body, /<h1[^>]*>Fjordmobil<\/h1>/);
  assert.doesNotMatch(f.body, /Nordlys/);
});

test('each brand gets its own colours as CSS custom properties', async () => {
  const n = await request(NORDLYS, '/theme.css');
  const f = await request(FJORD, '/theme.css');
  assert.equal(n.status, 200);
  assert.match(n.headers['content-type'], /^text\/css/);
  assert.match(n.body, /--color-primary: #0b3d5c;/);
  assert.match(f.body, /--color-primary: #7a1f3d;/);
});

test('the Host header is matched without port or case', async () => {
  const res = await request('NORDLYS.localhost:18080', '/api/v1/tenant');
  assert.equal(res.status, 200);
  assert.equal(JSON.parse(res.body).slug, 'nordlys');
});

test('an unknown host gets a 404 page that names no tenant', async () => {
  for (const path of ['/', '/api/v1/tenant', '/no/such/page']) {
    const res = await request('unknown.localhost', path);
    assert.equal(res.status, 404, path);
    assert.doesNotMatch(res.body, /Nordlys|Fjordmobil|nordlys|fjordmobil/, path);
  }
});

test('/healthz and /readyz answer 200 when everything is up', async () => {
  const h = await json('anything.localhost', '/healthz');
  assert.equal(h.status, 200);
  assert.equal(h.json.status, 'ok');
  const r = await json('anything.localhost', '/readyz');
  assert.equal(r.status, 200);
  assert.deepEqual(r.json.checks, { mysql: 'ok', redis: 'ok' });
});

test('every response carries the security headers', async () => {
  const cases = [[NORDLYS, '/'], [NORDLYS, '/nope'], ['unknown.localhost', '/'],
                 [NORDLYS, '/api/v1/tenant'], ['x.localhost', '/healthz']];
  for (const [host, path] of cases) {
    const res = await request(host, path);
    const csp = res.headers['content-security-policy'];
    assert.ok(csp, `${host}${path}: no CSP`);
    assert.match(csp, /script-src 'self'/);
    assert.doesNotMatch(csp, /unsafe-inline/);
    assert.match(csp, /frame-ancestors 'none'/);
    assert.equal(res.headers['x-content-type-options'], 'nosniff');
    assert.equal(res.headers['referrer-policy'], 'strict-origin-when-cross-origin');
  }
});

test('a request id is echoed when sent and made when not', async () => {
  const sent = await request(NORDLYS, '/api/v1/tenant', { headers: { 'X-Request-Id': 'trace-abc-123' } });
  assert.equal(sent.headers['x-request-id'], 'trace-abc-123');
  const made = await request(NORDLYS, '/api/v1/tenant');
  assert.match(made.headers['x-request-id'], /^[0-9a-f]{32}$/);
});

test('each request writes one JSON access-log line with its id', async () => {
  const id = `log-${Date.now()}`;
  await request(NORDLYS, '/api/v1/tenant', { headers: { 'X-Request-Id': id } });
  const line = await eventually(() =>
    readLog('ecomd-access.log').split('\n').find((l) => l.includes(id)));
  const entry = JSON.parse(line);
  assert.equal(entry.request_id, id);
  assert.equal(entry.tenant, 'nordlys');
  assert.equal(entry.method, 'GET');
  // the route's pattern, not the path (a path can carry a secret)
  assert.equal(entry.route, '/api/v1/tenant');
  assert.equal(entry.path, undefined);
  assert.equal(entry.status, 200);
  assert.equal(typeof entry.duration_ms, 'number');
  assert.match(entry.time, /^\d{4}-\d\d-\d\dT/);
});

test('the logs name routes, not paths: a reset token or an OIDC code is not written', async () => {
  const id = `log-secret-${Date.now()}`;
  const token = 'f'.repeat(64);
  await request(NORDLYS, `/account/password-reset/${token}`, { headers: { 'X-Request-Id': id } });
  await request(NORDLYS, '/mitid/callback?code=not-to-be-logged&state=nor-this',
    { headers: { 'X-Request-Id': `${id}-oidc` } });
  const unmatched = `/no/route/${id}`;
  await request(NORDLYS, unmatched, { headers: { 'X-Request-Id': `${id}-404` } });
  const ecomd = await eventually(() => {
    const lines = readLog('ecomd-access.log').split('\n').filter((l) => l.includes(id));
    return lines.length === 3 && lines;
  });
  const entries = ecomd.map((l) => JSON.parse(l));
  assert.equal(entries.find((e) => e.request_id === id).route, '/account/password-reset/{token}');
  assert.equal(entries.find((e) => e.request_id === `${id}-oidc`).route, '/mitid/callback');
  // a path no route matched is kept (what probes ask for), and names no secret of ours
  assert.equal(entries.find((e) => e.request_id === `${id}-404`).path, unmatched);
  const nginx = await eventually(() => {
    const lines = readLog('nginx-access.log').split('\n').filter((l) => l.includes(id));
    return lines.length === 3 && lines;
  });
  for (const line of [...ecomd, ...nginx]) {
    assert.doesNotMatch(line, new RegExp(token));
    assert.doesNotMatch(line, /not-to-be-logged|nor-this/);
  }
  // nginx's lines are JSON with the same request id
  assert.ok(nginx.map((l) => JSON.parse(l)).some((e) => e.request_id === id && e.host === NORDLYS));
});

test('unknown paths are 404 and wrong methods 405 with Allow', async () => {
  const api = await json(NORDLYS, '/api/v1/nothing-here');
  assert.equal(api.status, 404);
  assert.equal(api.json.error.code, 'not_found');
  const page = await request(NORDLYS, '/nothing-here');
  assert.equal(page.status, 404);
  assert.match(page.headers['content-type'], /^text\/html/);
  const wrong = await json(NORDLYS, '/api/v1/tenant', { method: 'DELETE' });
  assert.equal(wrong.status, 405);
  assert.equal(wrong.headers.allow, 'GET, HEAD');
  assert.equal(wrong.json.error.code, 'method_not_allowed');
});

test('an oversized body gets 413 in the error envelope', async () => {
  const res = await json(NORDLYS, '/api/v1/csp-report', {
    method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ pad: 'x'.repeat(1100 * 1024) }),
  });
  assert.equal(res.status, 413);
  assert.equal(res.json.error.code, 'payload_too_large');
});

test('malformed JSON gets 400 invalid_json', async () => {
  for (const body of ['{"csp-report":', '{bad json}', '{"a":1} trailing']) {
    const res = await json(NORDLYS, '/api/v1/csp-report', {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body,
    });
    assert.equal(res.status, 400, body);
    assert.equal(res.json.error.code, 'invalid_json');
    assert.ok(res.json.error.message);
  }
});

test('a well-formed CSP report is accepted', async () => {
  const res = await request(NORDLYS, '/api/v1/csp-report', {
    method: 'POST', headers: { 'Content-Type': 'application/csp-report' },
    body: JSON.stringify({ 'csp-report': { 'blocked-uri': 'inline', 'violated-directive': 'script-src' } }),
  });
  assert.equal(res.status, 204);
});

test('paths with .. are refused, encoded or not', async () => {
  for (const path of ['/a/%2e%2e/b', '/api/v1/%2E%2E/tenant']) {
    const res = await request(NORDLYS, path);
    assert.equal(res.status, 400, path);
  }
});

test('errors never leak SQL or internals', async () => {
  const res = await request(NORDLYS, "/api/v1/tenant'%20OR%201=1");
  assert.ok(res.status === 404 || res.status === 400);
  assert.doesNotMatch(res.body, /SQL|mysql|MariaDB|syntax|stack/i);
});

test('a suspended tenant gets 503 and comes back when activated', async () => {
  try {
    ecomctl('tenant', 'suspend', 'fjordmobil');
    // the very next requests see it, whichever worker serves them
    for (let i = 0; i < 8; i++) {
      const down = await request(FJORD, '/');
      assert.equal(down.status, 503, `request ${i}`);
      // the error page speaks the shop's language (error_page.tenant_suspended)
      assert.match(down.body, /<html lang="da-DK">/);
      assert.match(down.body, /Butikken har lukket lige nu/);
    }
    assert.equal((await request(NORDLYS, '/')).status, 200);
  } finally {
    ecomctl('tenant', 'activate', 'fjordmobil');
  }
  for (let i = 0; i < 8; i++)
    assert.equal((await request(FJORD, '/')).status, 200, `request ${i}`);
});

test('CSP reports are rate-limited per address with 429 rate_limited', async () => {
  const statuses = [];
  for (let i = 0; i < 25; i++) {
    const res = await json(NORDLYS, '/api/v1/csp-report', {
      method: 'POST', headers: { 'Content-Type': 'application/csp-report' },
      body: JSON.stringify({ 'csp-report': { 'blocked-uri': 'inline', n: i } }),
    });
    statuses.push(res.status);
    if (res.status === 429) {
      assert.equal(res.json.error.code, 'rate_limited');
      assert.ok(Number(res.headers['retry-after']) > 0);
    }
  }
  assert.ok(statuses.includes(204), 'some reports get through');
  assert.ok(statuses.includes(429), 'a flood is cut off');
  // the rest of the shop is not limited
  assert.equal((await request(NORDLYS, '/')).status, 200);
});
