// The admin panel's audit log, staff and API key screens through nginx
// (issue 14, docs/admin.md): who may use which, the audit log's
// filters, paging and CSV, every panel change audited with actor kind
// staff, tenants kept apart, CSRF on the forms.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { FJORD, NORDLYS, Shopper, sql, tokenOf } from './lib.mjs';
import { PW, TAG, dropStaffAndOrders, makeOrder, staffUser } from './staff.mjs';

const tenantId = (slug) => sql(`SELECT id FROM tenants WHERE slug = '${slug}'`);
// the audit rows these tests write themselves carry this label
const LABEL = `tests-${TAG}@manage.test`;

after(() => {
  dropStaffAndOrders();
});

// A browser of the panel: its cookies, and the session's CSRF token.
class Browser extends Shopper {
  get sid() { return this.cookies.get('sid'); }
  get csrf() { return tokenOf(`sid=${this.sid}`); }
  async form(p, fields = {}) {
    if (!this.sid) await this.get('/admin/sign-in');
    return this.post(p, { csrf: this.csrf, ...fields });
  }
}

async function signedIn(role, host = NORDLYS) {
  const b = new Browser(host);
  const email = staffUser(role, host === FJORD ? 'fjordmobil' : 'nordlys');
  await b.get('/admin/sign-in');
  const r = await b.form('/admin/sign-in', { email, password: PW });
  assert.equal(r.status, 303, r.body);
  return { b, email, id: sql(`SELECT id FROM staff_users WHERE email = '${email}'`) };
}

// An audit row of tenant slug written directly (ecomd's account may only
// insert; the tests' may do anything), at `at` (SQL, UTC).
function auditRow(slug, { type = 'product', id = 'SKU-1', action = 'update', at = 'NOW(6)', label = LABEL,
  before = '{"name":"Old","monthly_price":9900}', after = '{"name":"New","monthly_price":9900}' } = {}) {
  sql(`INSERT INTO audit_log (tenant_id, at, actor_kind, actor_id, actor_label, object_type, object_id, action,
    before_json, after_json) VALUES (${tenantId(slug)}, ${at}, 'cli', NULL, '${label}', '${type}', '${id}',
    '${action}', ${before ? `'${before}'` : 'NULL'}, ${after ? `'${after}'` : 'NULL'})`);
}

const auditIds = (body) => [...body.matchAll(/data-audit="(\d+)"/g)].map((m) => Number(m[1]));

// ---- who may use which screen ----

const screens = ['/admin/audit', '/admin/audit.csv'];
const allowed = {
  operator: [200, 200],
  admin: [200, 200],
  editor: [200, 200],
  viewer: [200, 200],
  agent: [403, 403],
};

test('each role gets exactly the audit screens it may use, and the navigation shows it', async () => {
  for (const [role, want] of Object.entries(allowed)) {
    const { b } = await signedIn(role);
    const got = [];
    for (const s of screens) got.push((await b.get(s)).status);
    assert.deepEqual(got, want, role);
    if (want[0] === 200) {
      const page = (await b.get('/admin/audit')).body;
      const nav = page.match(/<nav class="admin-nav"[^]*?<\/nav>/)[0];
      assert.match(nav, /href="\/admin\/audit" aria-current="page"/, `${role}'s navigation`);
    }
  }
  // without a staff session: the sign-in, and back
  const anon = new Browser();
  const r = await anon.get('/admin/audit');
  assert.equal(r.status, 303);
  assert.equal(r.headers.location, '/admin/sign-in?next=/admin/audit');
});

// ---- the audit log ----

test('the audit log: the tenant\'s rows newest first, each with what changed', async () => {
  auditRow('nordlys', { id: `OLD-${TAG}`, at: 'NOW(6) - INTERVAL 1 MINUTE' });
  auditRow('nordlys', { id: `NEW-${TAG}` });
  auditRow('fjordmobil', { id: `THEIRS-${TAG}` });
  const { b } = await signedIn('viewer');
  const page = await b.get(`/admin/audit?actor=${encodeURIComponent(LABEL)}`);
  assert.equal(page.status, 200);
  assert.ok(page.body.indexOf(`NEW-${TAG}`) < page.body.indexOf(`OLD-${TAG}`), 'newest first');
  assert.doesNotMatch(page.body, new RegExp(`THEIRS-${TAG}`), 'never another tenant\'s');
  const ids = auditIds(page.body);
  assert.deepEqual(ids, [...ids].sort((x, y) => y - x));
  // the field that changed, not the one that did not, and both objects
  const row = page.body.match(new RegExp(`<tr data-audit="\\d+">(?:(?!</tr>)[^])*NEW-${TAG}[^]*?</tr>`))[0];
  assert.match(row, /<dt>name<\/dt><dd><del>&quot;Old&quot;<\/del> → <ins>&quot;New&quot;<\/ins><\/dd>/);
  assert.doesNotMatch(row, /<dt>monthly_price<\/dt>/);
  assert.match(row, /<summary>[^<]+<\/summary><pre>\{\s+&quot;name&quot;: &quot;Old&quot;/);
  // the shop's clock: Copenhagen is an hour or two ahead of UTC
  const [, iso, local] = row.match(/<time datetime="([^"]+)">([^<]+)<\/time>/);
  const off = new Date(`${local.replace(' ', 'T')}:00Z`) - new Date(iso);
  assert.ok(off > 3500e3 && off < 7300e3, `${iso} shown as ${local}`);
});

test('the audit log\'s filters: object type, actor, the shop\'s days; a bad date at its field', async () => {
  auditRow('nordlys', { type: 'campaign', id: `C-${TAG}` });
  auditRow('nordlys', { type: 'channel', id: `CH-${TAG}` });
  // 23:30 UTC on 2026-06-01 is 01:30 on the 2nd in Copenhagen (summer)
  auditRow('nordlys', { type: 'channel', id: `LATE-${TAG}`, at: "'2026-06-01 23:30:00'" });
  const { b } = await signedIn('editor');
  const a = encodeURIComponent(LABEL);
  const camp = (await b.get(`/admin/audit?object_type=campaign&actor=${a}`)).body;
  assert.match(camp, new RegExp(`C-${TAG}`));
  assert.doesNotMatch(camp, new RegExp(`CH-${TAG}`));
  assert.match(camp, /<option value="campaign" selected>/);
  assert.match(camp, new RegExp(`id="f-actor" name="actor" type="search" maxlength="254" value="${LABEL}"`));
  const nobody = (await b.get('/admin/audit?actor=nobody%40nowhere.test')).body;
  assert.equal(auditIds(nobody).length, 0);
  // days are the shop's: the row is on the 2nd there, not the 1st
  const second = (await b.get(`/admin/audit?actor=${a}&from=2026-06-02&to=2026-06-02`)).body;
  assert.deepEqual(second.match(/LATE-[\w-]+/g)?.slice(0, 1), [`LATE-${TAG}`]);
  const first = (await b.get(`/admin/audit?actor=${a}&from=2026-06-01&to=2026-06-01`)).body;
  assert.doesNotMatch(first, new RegExp(`LATE-${TAG}`));
  // a date that is not one: 422, the message at its field, what was typed kept
  const bad = await b.get(`/admin/audit?actor=${a}&from=last+week`);
  assert.equal(bad.status, 422);
  assert.match(bad.body, /id="f-from" name="from" type="date" value="last week" aria-invalid="true" aria-describedby="from-error">/);
  assert.match(bad.body, /<span class="field-error" id="from-error" role="alert">[^<]+<\/span>/);
  assert.equal(auditIds(bad.body).length, 0);
});

test('the audit log pages by 50, the next page after the last row shown', async () => {
  const label = `pages-${TAG}@manage.test`;
  for (let i = 0; i < 55; i++) auditRow('nordlys', { id: `P${i}`, label });
  const { b } = await signedIn('viewer');
  const one = (await b.get(`/admin/audit?actor=${encodeURIComponent(label)}`)).body;
  const ids1 = auditIds(one);
  assert.equal(ids1.length, 50);
  const next = one.match(/<a href="([^"]+)" rel="next">/)[1].replaceAll('&amp;', '&');
  assert.equal(next, `/admin/audit?actor=${encodeURIComponent(label)}&before=${ids1[49]}`);
  const two = (await b.get(next)).body;
  const ids2 = auditIds(two);
  assert.equal(ids2.length, 5);
  assert.ok(Math.max(...ids2) < Math.min(...ids1));
  assert.doesNotMatch(two, /rel="next"/);
});

test('the CSV export: the same filters, a download, the admin API\'s rows', async () => {
  const label = `csv-${TAG}@manage.test`;
  auditRow('nordlys', { id: `X-${TAG}`, label, after: '{"name":"=HYPERLINK(1)"}' });
  auditRow('nordlys', { type: 'campaign', id: `Y-${TAG}`, label });
  auditRow('fjordmobil', { id: `Z-${TAG}`, label });
  const { b } = await signedIn('viewer');
  const page = (await b.get(`/admin/audit?object_type=product&actor=${encodeURIComponent(label)}`)).body;
  const href = page.match(/<a href="([^"]+)" download>/)[1].replaceAll('&amp;', '&');
  assert.equal(href, `/admin/audit.csv?object_type=product&actor=${encodeURIComponent(label)}`);
  const r = await b.get(href);
  assert.equal(r.status, 200);
  assert.equal(r.headers['content-type'], 'text/csv; charset=utf-8');
  assert.equal(r.headers['content-disposition'], 'attachment; filename="audit.csv"');
  const lines = r.body.split('\r\n');
  assert.equal(lines[0], 'id,at,actor_kind,actor_id,actor_label,object_type,object_id,action,before,after');
  assert.equal(lines.length, 3, r.body); // the header, one row, the last CRLF
  assert.match(lines[1], new RegExp(`^\\d+,[^,]+,cli,,${label},product,X-${TAG},update,`));
  assert.match(lines[1], /"\{""name"":""Old""/);
  // the admin API's own export of the same rows is byte for byte the same
  const id = lines[1].split(',')[0];
  assert.equal(sql(`SELECT COUNT(*) FROM audit_log WHERE id = ${id} AND tenant_id = ${tenantId('nordlys')}`), '1');
  const bad = await b.get('/admin/audit.csv?to=tomorrow');
  assert.equal(bad.status, 422);
});

// ---- every panel change audited ----

test('the retry of a dead delivery leaves exactly one audit row with the staff member', async () => {
  const order = makeOrder('nordlys');
  const { b, email, id } = await signedIn('admin');
  const count = () => sql(`SELECT COUNT(*) FROM audit_log WHERE object_type = 'outbox_event' AND object_id = '${order.ev[1]}'`);
  // without the form's token: nothing happens, nothing recorded
  const forged = await b.post(`/admin/orders/${order.id}/retry`, { event: order.ev[1] });
  assert.equal(forged.status, 403);
  assert.equal(count(), '0');
  const r = await b.form(`/admin/orders/${order.id}/retry`, { event: order.ev[1] });
  assert.equal(r.status, 303);
  assert.equal(count(), '1');
  const row = sql(`SELECT CONCAT_WS('|', tenant_id, actor_kind, actor_id, actor_label, action,
    JSON_VALUE(before_json, '$.state'), JSON_VALUE(after_json, '$.state'), JSON_VALUE(before_json, '$.order'),
    JSON_VALUE(before_json, '$.attempts'), JSON_VALUE(after_json, '$.attempts'))
    FROM audit_log WHERE object_type = 'outbox_event' AND object_id = '${order.ev[1]}'`);
  assert.equal(row, [tenantId('nordlys'), 'staff', id, email, 'retry', 'dead', 'pending', order.id, '8', '0'].join('|'));
  // a retry that changes nothing (not dead any more) records nothing
  assert.equal((await b.form(`/admin/orders/${order.id}/retry`, { event: order.ev[1] })).status, 409);
  assert.equal(count(), '1');
  // and the audit log shows it, with its actor
  const page = (await b.get(`/admin/audit?object_type=outbox_event&actor=${encodeURIComponent(email)}`)).body;
  assert.match(page, new RegExp(`outbox_event <code>${order.ev[1]}</code>`));
  assert.match(page, /<dt>state<\/dt><dd><del>&quot;dead&quot;<\/del> → <ins>&quot;pending&quot;<\/ins><\/dd>/);
});
