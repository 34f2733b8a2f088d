// Bounded abuse: what one client address can hold and make, the client
// address behind a trusted proxy, and inputs that once slipped through
// (a stored basket longer than any change makes, a form number past an
// int). The stack runs the sanitizer build of ecomd: a memory error on
// these requests is reported by scripts/test.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { json, NORDLYS, request } from './lib.mjs';

const REDIS_PORT = String(process.env.EC_REDIS_PORT || 16380);
const redis = (...args) =>
  execFileSync('redis-cli', ['-p', REDIS_PORT, ...args], { encoding: 'utf8' }).trim();

const PLAN = 'NL-50GB';

async function freeNumbers(count) {
  const res = await json(NORDLYS, `/api/v1/numbers?count=${count}`);
  assert.equal(res.status, 200, res.body);
  return res.json.numbers.map((n) => n.msisdn);
}

test('a stored basket of 20 lines renders, cut to the 10 a basket may hold', async () => {
  const id = randomBytes(16).toString('hex');
  const numbers = await freeNumbers(20);
  const lines = numbers.map((msisdn, i) => ({
    id: i.toString(16).padStart(16, '0'), channel: 'web', sku: PLAN, binding_months: 0,
    binding_accepted: false, sim_type: 'esim', addons: [], msisdn, porting: null,
    added_at: Math.floor(Date.now() / 1000), monthly_at_add: null,
    lock_expires_at: Date.now() + 5000,
  }));
  redis('SET', `ecom:{nordlys}:basket:${id}`,
    JSON.stringify({ version: 1, lines }), 'PX', '60000');
  for (const n of numbers) redis('SET', `ecom:{nordlys}:lock:${n}`, id, 'PX', '5000');
  try {
    const api = await json(NORDLYS, '/api/v1/basket', { headers: { Cookie: `basket=${id}` } });
    assert.equal(api.status, 200, api.body);
    assert.equal(api.json.lines.length, 10);
    assert.ok(api.json.lines.every((l) => l.lock.held));
    const page = await request(NORDLYS, '/basket', { headers: { Cookie: `basket=${id}` } });
    assert.equal(page.status, 200, page.body);
  } finally {
    redis('DEL', `ecom:{nordlys}:basket:${id}`, ...numbers.map((n) => `ecom:{nordlys}:lock:${n}`));
  }
});

test('binding_months=4294967302 in a form is 422, not stored as 6', async () => {
  const page = await request(NORDLYS, '/products/NL-FRI');
  assert.equal(page.status, 200);
  const csrf = page.body.match(/name="csrf" value="([^"]*)"/)[1];
  const cookie = page.headers['set-cookie'].map((c) => c.split(';')[0]).join('; ');
  const res = await request(NORDLYS, '/basket/lines', {
    method: 'POST',
    headers: { Cookie: cookie, 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ csrf, sku: 'NL-FRI', binding_months: '4294967302',
                                binding_accepted: 'on', sim_type: 'esim' }).toString(),
  });
  assert.equal(res.status, 422, res.body);
  assert.equal(res.headers['set-cookie']?.some((c) => c.startsWith('basket=')) ?? false, false,
    'no basket was made');
  // and the same through the JSON API
  const api = await json(NORDLYS, '/api/v1/basket/lines', {
    method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: '{"sku":"NL-FRI","binding_months":4294967302,"sim_type":"esim"}',
  });
  assert.equal(api.status, 422, api.body);
  assert.equal(api.json.error.field, 'binding_months');
});
