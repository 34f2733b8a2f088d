// Staff users, their TOTP codes and orders for the admin panel's tests
// (t/http/admin.test.mjs, t/browser/admin.test.mjs): made with ecomctl
// and SQL on the test stack, and deleted again by dropStaffAndOrders().
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { ROOT, STACK_DIR, Shopper, ecomdEnv, sql, tokenOf } from './lib.mjs';

export const PW = 'a long staff password';
export const TAG = `${process.pid}-${Date.now() % 100000}`;
const made = [];

// ecomctl staff ARGS, the password from the environment as operators do.
export function staffCtl(...args) {
  const r = spawnSync(path.join(ROOT, 'build/plain/ecomctl'),
    ['-c', path.join(STACK_DIR, 'ecomd.conf'), 'staff', ...args],
    { encoding: 'utf8', env: { ...ecomdEnv(), ECOMD_STAFF_PASSWORD: PW } });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

// A new staff member of tenant slug (or an operator) with role; its address.
export function staffUser(role, slug = 'nordlys') {
  const email = `${role}-${made.length}-${TAG}@admin.test`;
  if (role === 'operator') staffCtl('create', '--operator', email, `Op ${role}`, 'operator');
  else staffCtl('create', slug, email, `Sam ${role}`, role);
  made.push(email);
  return email;
}

// Every staff user and order these helpers made.
export function dropStaffAndOrders() {
  if (made.length) sql(`DELETE FROM staff_users WHERE email LIKE '%-${TAG}@admin.test'`);
  sql(`DELETE FROM orders WHERE idempotency_key LIKE 'admin-${TAG}-%'`);
}

// RFC 6238: the 6-digit code of base32 secret b32 at UTC second t.
export function totp(b32, t = Date.now() / 1000) {
  const alpha = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of b32) bits += alpha.indexOf(c).toString(2).padStart(5, '0');
  const key = Buffer.from(bits.match(/.{8}/g).map((b) => parseInt(b, 2)));
  const msg = Buffer.alloc(8);
  msg.writeBigUInt64BE(BigInt(Math.floor(t / 30)));
  const h = createHmac('sha1', key).update(msg).digest();
  const o = h[19] & 15;
  return String((h.readUInt32BE(o) & 0x7fffffff) % 1e6).padStart(6, '0');
}

const hex = (n) => Array.from({ length: n }, () => '0123456789abcdef'[Math.floor(Math.random() * 16)]).join('');

// An order of tenant slug made directly in MySQL (the checkout's own
// tests make them the long way), with one line and its outbox events:
// the first delivered, the second dead. Its public id and event ids.
export function makeOrder(slug, { status = 'paid', name = 'Karin Kunde', ago = 0 } = {}) {
  const id = hex(32); const ev = [hex(32), hex(32)];
  const tenant = sql(`SELECT id FROM tenants WHERE slug = '${slug}'`);
  const breakdown = JSON.stringify({
    plan: { regular_monthly_text: '199,00 kr.', monthly_now_text: '99,00 kr.', startup_fee_text: '0,00 kr.',
      sim_fee_text: '29,00 kr.', one_time_text: '29,00 kr.', min_total_text: '623,00 kr.',
      schedule: [{ from_month: 1, to_month: 3, monthly_text: '99,00 kr.' }, { from_month: 4, to_month: null, monthly_text: '199,00 kr.' }],
      campaigns: [{ code: 'HALF', name: 'Halv pris' }] },
    addons: [] });
  sql(`INSERT INTO orders (tenant_id, public_id, status, currency, monthly_total, one_time_total, due_now,
    min_total, customer_name, customer_email, customer_phone, customer_address, consent_terms,
    consent_contract_summary, consent_marketing, idempotency_key, request_hash, pay_by, created_at)
    VALUES (${tenant}, '${id}', '${status}', 'DKK', 9900, 2900, 12800, 62300, '${name}', 'karin@example.com',
    '+4512345678', 'Vej 1, 2100 København Ø', 1, 1, 0, 'admin-${TAG}-${id}', '${hex(64)}',
    NOW(6) + INTERVAL 1 HOUR, NOW(6) - INTERVAL ${ago} DAY)`);
  const row = sql(`SELECT id FROM orders WHERE public_id = '${id}'`);
  sql(`INSERT INTO order_lines (order_id, line_no, tenant_id, sku, name, channel, binding_months, sim_type,
    monthly_now, one_time, min_total, breakdown) VALUES (${row}, 1, ${tenant}, 'PLAN-X', 'Plan X', 'web', 6,
    'esim', 9900, 2900, 62300, '${breakdown}')`);
  sql(`INSERT INTO outbox (event_id, tenant_id, order_id, seq, type, payload, state, attempts, last_error, delivered_at)
    VALUES ('${ev[0]}', ${tenant}, ${row}, 1, 'order.paid', '{}', 'delivered', 1, NULL, NOW(6)),
           ('${ev[1]}', ${tenant}, ${row}, 2, 'order.submitted', '{}', 'dead', 8, 'receiver answered 500', NULL)`);
  return { id, ev };
}

// A browser of the admin panel: its cookies, and its session's CSRF token
// on every form it posts (fields: an object, or [name, value] pairs); a
// browser without a session yet fetches one first.
export class PanelBrowser extends Shopper {
  get sid() { return this.cookies.get('sid'); }
  get csrf() { return tokenOf(`sid=${this.sid}`); }
  async form(p, fields = {}, headers = {}) {
    if (!this.sid) await this.get('/admin/sign-in');
    const pairs = Array.isArray(fields) ? fields : Object.entries(fields);
    return this.post(p, [['csrf', this.csrf], ...pairs], headers);
  }
}

// A panel browser that publishes the catalog draft after each save of
// a campaign or channel, as an editor does when done (the draft itself:
// admin-draft.test.mjs); ending a campaign early is saved live by itself.
export class PublishingBrowser extends PanelBrowser {
  async form(p, fields = {}) {
    const r = await super.form(p, fields);
    if (r.status === 303 && /^\/admin\/(campaigns|channels)/.test(p) && !/\/end$/.test(p)) {
      const pub = await super.form('/admin/draft/publish');
      assert.equal(pub.status, 303, pub.body);
    }
    return r;
  }
}

// A new staff member of role at slug (or an operator), signed in on host
// in a new browser of class Browser: {b, email}.
export async function signedInStaff(role, host, slug, Browser = PanelBrowser) {
  const b = new Browser(host);
  const email = staffUser(role, slug);
  await b.get('/admin/sign-in');
  const r = await b.form('/admin/sign-in', { email, password: PW });
  assert.equal(r.status, 303, r.body);
  return { b, email };
}
