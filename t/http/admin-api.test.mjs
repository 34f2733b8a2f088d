// The admin JSON API (/api/admin/v1/, docs/admin.md) through nginx: API
// keys (missing, unknown, revoked, another tenant's: 401), each role's
// actions (exactly the expected 2xx or 403), another tenant's objects
// (404), a change seen by the storefront's next request, an audit row
// with before and after for every change, the audit log as CSV, and a
// number file's bad lines.
//
// Two scratch tenants, apitest and apitest2, made for the run and
// deleted after it with everything of theirs but their audit rows (which
// nobody may delete; a new tenant gets a new id).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { dropTenants, ecomctl, json, makeTenants, request, sql } from './lib.mjs';

const A = 'apitest';
const B = 'apitest2';
const HOST_A = `${A}.localhost`;
const HOST_B = `${B}.localhost`;
const V1 = '/api/admin/v1';
const keys = {};

function plan(sku, fields = {}) {
  return {
    sku, kind: 'plan', status: 'active', name: `Plan ${sku}`, description: '',
    data_gb: 10, talk_minutes: null, network: '4g', eu_data_gb: 5, monthly_price: 9900,
    fees: { startup: 0, sim: 0 }, binding_months: [0], sim_types: ['physical', 'esim'],
    channels: { web: { visible: true, sort: 10 } }, addons: [], ...fields,
  };
}

const campaign = (code, sku) => ({
  code, name: `Campaign ${code}`, valid_from: '2030-01-01T00:00:00+01:00',
  valid_to: '2030-02-01T00:00:00+01:00', products: [sku], priority: 0,
  stacking: 'exclusive', required_binding: 0,
  actions: [{ kind: 'amount_off', amount: 1000, first_month: 1, months: 1 }],
});

const catalog = () => ({
  format: 'ecom-catalog/1',
  channels: [{ code: 'web', name: 'Web', kind: 'web_front', default: true },
             { code: 'app', name: 'App', kind: 'app' }],
  channel_rules: [{ kind: 'header', param: 'x-channel', value: 'app', channel: 'app' }],
  products: [plan('AT-BASE', { channels: { web: { visible: true, sort: 0 },
                                           app: { visible: true, sort: 0 } } })],
  campaigns: [],
});

// A key of slug with role, made as an operator makes one; the key only.
function makeKey(slug, name, role) {
  return ecomctl('apikey', 'create', slug, name, role).trim();
}

function keyId(slug, name) {
  const line = ecomctl('apikey', 'list', slug).split('\n').find((l) => l.split('\t')[1] === name);
  return line.split('\t')[0];
}

// A request to the admin API with key (or none): {status, headers, json}.
async function api(method, p, { key, host = HOST_A, body, type = 'application/json', headers = {} } = {}) {
  const h = { ...headers };
  if (key !== undefined) h.Authorization = `Bearer ${key}`;
  if (body !== undefined) h['Content-Type'] = type;
  const res = await request(host, V1 + p, { method, headers: h, body: typeof body === 'string' || body === undefined ? body : JSON.stringify(body) });
  res.json = res.body && /json/.test(res.headers['content-type'] || '') ? JSON.parse(res.body) : null;
  return res;
}

async function auditOf(objectType, objectId, key = keys.admin) {
  const res = await api('GET', `/audit?object_type=${objectType}&object_id=${encodeURIComponent(objectId)}`, { key });
  assert.equal(res.status, 200, res.body);
  return res.json.entries;
}

before(() => {
  makeTenants([{ slug: A, name: 'API test A', catalog: catalog() },
               { slug: B, name: 'API test B', catalog: catalog() }]);
  for (const role of ['admin', 'editor', 'viewer']) keys[role] = makeKey(A, `test ${role}`, role);
  keys.other = makeKey(B, 'test admin', 'admin');
  keys.revoked = makeKey(A, 'test revoked', 'admin');
  ecomctl('apikey', 'revoke', A, keyId(A, 'test revoked'));
  // a name a spreadsheet would run as a formula
  keys.formula = makeKey(A, '=HYPERLINK("http://evil.example","x")', 'editor');
});

after(() => dropTenants([A, B]));

test('a key is only ever shown once: the table holds its SHA-256', () => {
  const stored = sql(`SELECT key_hash FROM api_keys k JOIN tenants t ON t.id = k.tenant_id WHERE t.slug = '${A}' AND k.name = 'test admin'`);
  assert.match(stored, /^[0-9a-f]{64}$/);
  assert.ok(!stored.includes(keys.admin.slice(4)));
  assert.match(keys.admin, /^eck_[A-Za-z0-9_-]{43}$/);
  assert.doesNotMatch(ecomctl('apikey', 'list', A), /eck_/);
});

test('401 api_key_invalid: no key, a malformed, unknown, revoked or another shop\'s key', async () => {
  const unknown = `eck_${'A'.repeat(42)}E`;
  for (const [what, key] of [['none', undefined], ['malformed', 'abc'], ['unknown', unknown],
    ['revoked', keys.revoked], ['another tenant\'s', keys.other], ['empty', '']]) {
    for (const [method, p, body] of [['GET', '/products'], ['PUT', '/products/AT-BASE', plan('AT-BASE', { monthly_price: 1 })]]) {
      const res = await api(method, p, { key, body });
      assert.equal(res.status, 401, `${what} key, ${method} ${p}: ${res.body}`);
      assert.equal(res.json.error.code, 'api_key_invalid');
      assert.equal(res.headers['www-authenticate'], 'Bearer');
      assert.equal(res.headers['set-cookie'], undefined, 'no session for an API request');
    }
  }
  // nothing changed
  const res = await api('GET', '/products/AT-BASE', { key: keys.viewer });
  assert.equal(res.json.monthly_price, 9900);
});

test('each role does exactly what it may: 2xx or 403', async () => {
  // [name, method, path, body, content type, roles that may]
  const run = `${process.pid}`;
  const actions = (role) => [
    ['list products', 'GET', '/products', undefined, undefined, ['admin', 'editor', 'viewer']],
    ['read a product', 'GET', '/products/AT-BASE', undefined, undefined, ['admin', 'editor', 'viewer']],
    ['create a product', 'POST', '/products', plan(`AT-${role}-${run}`), undefined, ['admin', 'editor']],
    ['replace a product', 'PUT', `/products/AT-${role}-${run}`, plan(`AT-${role}-${run}`, { monthly_price: 100 }), undefined, ['admin', 'editor']],
    ['retire a product', 'DELETE', `/products/AT-${role}-${run}`, undefined, undefined, ['admin', 'editor']],
    ['list campaigns', 'GET', '/campaigns', undefined, undefined, ['admin', 'editor', 'viewer']],
    ['create a campaign', 'POST', '/campaigns', campaign(`c-${role}`, 'AT-BASE'), undefined, ['admin', 'editor']],
    ['read a campaign', 'GET', `/campaigns/c-${role}`, undefined, undefined, ['admin', 'editor']],
    ['replace a campaign', 'PUT', `/campaigns/c-${role}`, { ...campaign(`c-${role}`, 'AT-BASE'), priority: 5 }, undefined, ['admin', 'editor']],
    ['delete a campaign', 'DELETE', `/campaigns/c-${role}`, undefined, undefined, ['admin', 'editor']],
    ['list channels', 'GET', '/channels', undefined, undefined, ['admin', 'editor', 'viewer']],
    ['create a channel', 'POST', '/channels', { code: `ch-${role}`, name: 'Extra', kind: 'custom' }, undefined, ['admin', 'editor']],
    ['replace a channel', 'PUT', `/channels/ch-${role}`, { name: 'Extra 2', kind: 'custom' }, undefined, ['admin', 'editor']],
    ['delete a channel', 'DELETE', `/channels/ch-${role}`, undefined, undefined, ['admin', 'editor']],
    ['import numbers', 'POST', '/numbers', `msisdn\n+452044${role === 'admin' ? '1001' : role === 'editor' ? '1002' : '1003'}\n`, 'text/csv', ['admin']],
    ['list orders', 'GET', '/orders', undefined, undefined, ['admin', 'editor', 'viewer']],
    ['read the audit log', 'GET', '/audit', undefined, undefined, ['admin', 'editor', 'viewer']],
  ];
  for (const role of ['admin', 'editor', 'viewer']) {
    for (const [name, method, p, body, type, may] of actions(role)) {
      // a role that may not create reads a 404 afterwards, which says
      // nothing: the read is checked only where the create was allowed
      const res = await api(method, p, { key: keys[role], body, type });
      if (may.includes(role)) {
        assert.ok(res.status >= 200 && res.status < 300, `${role}: ${name}: ${res.status} ${res.body}`);
      } else if (method === 'GET' && name === 'read a campaign') {
        assert.equal(res.status, 404, `${role}: ${name}`);
      } else {
        assert.equal(res.status, 403, `${role}: ${name}: ${res.status} ${res.body}`);
        assert.equal(res.json.error.code, 'forbidden');
      }
    }
  }
});

test('another tenant\'s objects are not found', async () => {
  for (const p of ['/products/AT-BASE', '/channels/app']) {
    // B has its own AT-BASE: a SKU of A's alone must not be found from B
    const res = await api('GET', p, { key: keys.other, host: HOST_B });
    assert.equal(res.status, 200);
  }
  const only = plan(`AT-ONLY-A-${process.pid}`);
  assert.equal((await api('PUT', `/products/${only.sku}`, { key: keys.admin, body: only })).status, 201);
  for (const method of ['GET', 'DELETE']) {
    const res = await api(method, `/products/${only.sku}`, { key: keys.other, host: HOST_B });
    assert.equal(res.status, 404, `${method}: ${res.body}`);
    assert.equal(res.json.error.code, 'not_found');
  }
  // and B's key on A's host is no key at all
  assert.equal((await api('GET', `/products/${only.sku}`, { key: keys.other })).status, 401);
  const still = await api('GET', `/products/${only.sku}`, { key: keys.viewer });
  assert.equal(still.json.status, 'active');
});

test('a change is seen by the storefront\'s next request, and audited with before and after', async () => {
  const sku = `AT-SHOP-${process.pid}`;
  const shop = () => json(HOST_A, `/api/v1/products/${sku}`);
  assert.equal((await shop()).status, 404);
  let res = await api('PUT', `/products/${sku}`, { key: keys.editor, body: plan(sku, { monthly_price: 14900 }) });
  assert.equal(res.status, 201, res.body);
  assert.equal(res.json.sku, sku);
  let page = await shop();
  assert.equal(page.status, 200);
  assert.equal(page.json.product.price.regular_monthly, 14900);

  res = await api('PUT', `/products/${sku}`, { key: keys.editor, body: plan(sku, { monthly_price: 12900 }) });
  assert.equal(res.status, 200, res.body);
  page = await shop();
  assert.equal(page.json.product.price.regular_monthly, 12900);

  res = await api('DELETE', `/products/${sku}`, { key: keys.editor });
  assert.equal(res.status, 204);
  assert.equal((await shop()).status, 404);

  const rows = await auditOf('product', sku);
  assert.deepEqual(rows.map((r) => r.action), ['retire', 'update', 'create']);
  for (const r of rows) {
    assert.equal(r.actor.kind, 'api_key');
    assert.equal(r.actor.label, 'test editor');
    assert.match(r.at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
  }
  const [retire, update, create] = rows;
  assert.equal(create.before, null);
  assert.equal(create.after.monthly_price, 14900);
  assert.equal(update.before.monthly_price, 14900);
  assert.equal(update.after.monthly_price, 12900);
  assert.equal(retire.before.status, 'active');
  assert.equal(retire.after.status, 'retired');
});

test('every change through the API leaves an audit row', async () => {
  const count = async () => (await api('GET', '/audit?actor_kind=api_key&limit=500', { key: keys.admin })).json.entries.length;
  const code = `cmp-${process.pid}`;
  const changes = [
    ['POST', '/campaigns', campaign(code, 'AT-BASE'), 'application/json'],
    ['PUT', `/campaigns/${code}`, { ...campaign(code, 'AT-BASE'), name: 'Renamed' }, 'application/json'],
    ['DELETE', `/campaigns/${code}`],
    ['POST', '/channels', { code: 'extra', name: 'Extra', kind: 'custom' }, 'application/json'],
    ['DELETE', '/channels/extra'],
    ['POST', '/numbers', '+4520442001\n', 'text/csv'],
  ];
  for (const [method, p, body, type] of changes) {
    const n = await count();
    const res = await api(method, p, { key: keys.admin, body, type });
    assert.ok(res.status >= 200 && res.status < 300, `${method} ${p}: ${res.body}`);
    assert.equal(await count(), n + 1, `${method} ${p} left one audit row`);
  }
  const rows = await auditOf('campaign', code);
  assert.deepEqual(rows.map((r) => r.action), ['delete', 'update', 'create']);
  assert.equal(rows[0].after, null);
  assert.equal(rows[0].before.name, 'Renamed');
  assert.equal(rows[1].before.name, `Campaign ${code}`);
});

test('a channel made the default takes it over, and both changes are audited', async () => {
  const defaults = async () => (await api('GET', '/channels', { key: keys.admin })).json.channels
    .filter((c) => c.default).map((c) => c.code);
  assert.deepEqual(await defaults(), ['web']);
  let res = await api('PUT', '/channels/app', { key: keys.admin, body: { name: 'App', kind: 'app', default: true } });
  assert.equal(res.status, 200, res.body);
  assert.deepEqual(await defaults(), ['app']);
  const [web] = await auditOf('channel', 'web');
  assert.equal(web.action, 'update');
  assert.equal(web.before.default, true);
  assert.ok(!web.after.default, JSON.stringify(web.after));
  assert.equal((await auditOf('channel', 'app'))[0].after.default, true);
  // the storefront's default, at once
  assert.equal((await json(HOST_A, '/api/v1/products')).json.channel.code, 'app');
  // unsetting the only default is refused, nothing changed
  res = await api('PUT', '/channels/app', { key: keys.admin, body: { name: 'App', kind: 'app' } });
  assert.equal(res.status, 422, res.body);
  assert.deepEqual(await defaults(), ['app']);
  res = await api('PUT', '/channels/web', { key: keys.admin, body: { name: 'Web', kind: 'web_front', default: true } });
  assert.equal(res.status, 200, res.body);
  assert.deepEqual(await defaults(), ['web']);
});

test('a bad field: 422 with its JSON path, and nothing written or audited', async () => {
  const before = await auditOf('product', 'AT-BASE');
  for (const [body, field] of [
    [plan('AT-BASE', { fees: { startup: 0, sim: -1 } }), '$.fees.sim'],
    [plan('AT-BASE', { channels: { nope: { visible: true, sort: 0 } } }), '$.channels.nope'],
    [plan('OTHER'), '$.sku'],
    [plan('AT-BASE', { binding_months: [0, 12] }), '$.binding_months[1]'],
  ]) {
    const res = await api('PUT', '/products/AT-BASE', { key: keys.admin, body });
    assert.equal(res.status, 422, res.body);
    assert.equal(res.json.error.code, 'invalid_field');
    assert.equal(res.json.error.field, field, res.body);
  }
  let res = await api('PUT', '/products/AT-BASE', { key: keys.admin, body: '[1]' });
  assert.equal(res.status, 422);
  assert.equal(res.json.error.field, '$');
  res = await api('PUT', '/products/AT-BASE', { key: keys.admin, body: '{"sku":', type: 'application/json' });
  assert.equal(res.status, 400);
  res = await api('POST', '/products', { key: keys.admin, body: plan('AT-BASE') });
  assert.equal(res.status, 409, 'POST does not replace');
  res = await api('GET', '/products/AT-BASE', { key: keys.admin });
  assert.equal(res.json.monthly_price, 9900);
  assert.deepEqual(await auditOf('product', 'AT-BASE'), before);
  // a channel still in use cannot go: the path names what uses it
  res = await api('DELETE', '/channels/app', { key: keys.admin });
  assert.equal(res.status, 422);
  assert.equal(res.json.error.field, '$.channel_rules[0].channel');
  assert.equal((await api('GET', '/channels/app', { key: keys.admin })).status, 200);
});

test('the audit log as CSV: quoted, formulas defused, filtered', async () => {
  const sku = `AT-CSV-${process.pid}`;
  assert.equal((await api('PUT', `/products/${sku}`, { key: keys.formula, body: plan(sku, { name: 'Plan, "quoted"' }) })).status, 201);
  for (const how of [{ headers: { Accept: 'text/csv' } }, { query: '&format=csv' }]) {
    const res = await api('GET', `/audit?object_id=${sku}${how.query || ''}`, { key: keys.viewer, headers: how.headers });
    assert.equal(res.status, 200);
    assert.match(res.headers['content-type'], /^text\/csv/);
    const lines = res.body.split('\r\n');
    assert.equal(lines[0], 'id,at,actor_kind,actor_id,actor_label,object_type,object_id,action,before,after');
    assert.equal(lines.length, 3, res.body);   // header, one row, the final CRLF
    // the label starts with '=': quoted (it holds commas and quotes) and
    // led by an apostrophe, so a spreadsheet shows it as text
    assert.ok(lines[1].includes(',"\'=HYPERLINK(""http://evil.example"",""x"")",product,'), lines[1]);
    assert.ok(lines[1].includes('""name"":""Plan, \\""quoted\\""""'), lines[1]);
  }
  // filters: by actor and by time
  let res = await api('GET', `/audit?actor=${encodeURIComponent('=HYPERLINK("http://evil.example","x")')}`, { key: keys.viewer });
  assert.ok(res.json.entries.length >= 1);
  assert.ok(res.json.entries.every((e) => e.actor.label.startsWith('=HYPERLINK')));
  res = await api('GET', `/audit?object_id=${sku}&to=2020-01-01`, { key: keys.viewer });
  assert.equal(res.json.entries.length, 0);
  res = await api('GET', `/audit?object_id=${sku}&from=2020-01-01T00:00:00Z`, { key: keys.viewer });
  assert.equal(res.json.entries.length, 1);
  res = await api('GET', '/audit?from=yesterday', { key: keys.viewer });
  assert.equal(res.status, 422);
  assert.equal(res.json.error.field, 'from');
  // another tenant's log holds none of A's rows
  res = await api('GET', `/audit?object_id=${sku}`, { key: keys.other, host: HOST_B });
  assert.equal(res.json.entries.length, 0);
});

test('a number file: every bad line named, nothing imported; then a good one', async () => {
  const inPool = (n) => sql(`SELECT COUNT(*) FROM numbers x JOIN tenants t ON t.id = x.tenant_id WHERE t.slug = '${A}' AND x.msisdn = '${n}'`);
  let res = await api('POST', '/numbers', { key: keys.admin, type: 'text/csv',
    body: 'msisdn\n+4520443001\nnot a number\n+4520443002\n12\n' });
  assert.equal(res.status, 422, res.body);
  assert.equal(res.json.error.code, 'invalid_field');
  assert.deepEqual(res.json.error.errors.map((e) => e.line), [3, 5]);
  assert.equal(res.json.error.bad_lines, 2);
  assert.ok(res.json.error.errors.every((e) => e.message.length > 0));
  assert.equal(inPool('+4520443001'), '0');

  res = await api('POST', '/numbers', { key: keys.admin, type: 'text/csv',
    body: 'msisdn\n+4520443001\n+4520443002\n+4520443001\n' });
  assert.equal(res.status, 200, res.body);
  assert.deepEqual(res.json, { added: 2, in_pool: 0, repeated: 1 });
  assert.equal(inPool('+4520443001'), '1');
  res = await api('POST', '/numbers', { key: keys.admin, type: 'text/csv', body: '+4520443001\n' });
  assert.deepEqual(res.json, { added: 0, in_pool: 1, repeated: 0 });
  // JSON is not a number file
  res = await api('POST', '/numbers', { key: keys.admin, body: { msisdn: '+4520443003' } });
  assert.equal(res.status, 415);
});

test('orders: the tenant\'s, filtered by state and date', async () => {
  let res = await api('GET', '/orders?state=paid&from=2026-01-01&limit=10', { key: keys.viewer });
  assert.equal(res.status, 200, res.body);
  assert.deepEqual(res.json, { orders: [], next: null });
  res = await api('GET', '/orders?state=lost', { key: keys.viewer });
  assert.equal(res.status, 422);
  assert.equal(res.json.error.field, 'state');
});
