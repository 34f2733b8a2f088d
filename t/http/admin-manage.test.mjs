// The admin panel's audit log, staff and API key screens through nginx
// (issue 14, docs/admin.md): who may use which, the audit log's
// filters, paging and CSV, every panel change audited with actor kind
// staff, tenants kept apart, CSRF on the forms.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { FJORD, NORDLYS, request, sql } from './lib.mjs';
import { PW, PanelBrowser, TAG, dropStaffAndOrders, makeOrder, staffUser } from './staff.mjs';

const tenantId = (slug) => sql(`SELECT id FROM tenants WHERE slug = '${slug}'`);
// the audit rows these tests write themselves carry this label
const LABEL = `tests-${TAG}@manage.test`;

after(() => {
  dropStaffAndOrders();
  sql(`DELETE FROM api_keys WHERE name LIKE '%-${TAG}'`);
});

async function signedIn(role, host = NORDLYS) {
  const b = new PanelBrowser(host);
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
  const anon = new PanelBrowser();
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

// ---- staff users ----

const staffAudit = (id) => sql(`SELECT COUNT(*) FROM audit_log WHERE object_type = 'staff' AND object_id = '${id}'`);
const userRow = (email) => sql(`SELECT CONCAT_WS('|', role, disabled_at IS NOT NULL) FROM staff_users WHERE email = '${email}'`);

test('the staff screens: only a manager may use them, and every form needs its token', async () => {
  const target = staffUser('viewer');
  const tid = sql(`SELECT id FROM staff_users WHERE email = '${target}'`);
  const want = { operator: 200, admin: 200, editor: 403, viewer: 403, agent: 403 };
  for (const [role, status] of Object.entries(want)) {
    const { b } = await signedIn(role);
    assert.equal((await b.get('/admin/staff')).status, status, role);
    const email = `made-by-${role}-${TAG}@admin.test`;
    const made = await b.form('/admin/staff', { email, name: 'New One', role: 'viewer', password: PW });
    assert.equal(made.status, status === 200 ? 303 : 403, `${role} creates`);
    const changed = await b.form(`/admin/staff/${tid}/role`, { role: 'editor' });
    assert.equal(changed.status, status === 200 ? 303 : 403, `${role} changes a role`);
    sql(`UPDATE staff_users SET role = 'viewer' WHERE id = ${tid}`);
    for (const act of ['disable', 'enable']) {
      assert.equal((await b.form(`/admin/staff/${tid}/${act}`)).status, status === 200 ? 303 : 403, `${role} ${act}s`);
    }
  }
  // CSRF: each form without its token changes nothing
  const { b } = await signedIn('admin');
  const before = userRow(target);
  const email = `forged-${TAG}@admin.test`;
  assert.equal((await b.post('/admin/staff', { email, name: 'Forged', role: 'admin', password: PW })).status, 403);
  assert.equal(sql(`SELECT COUNT(*) FROM staff_users WHERE email = '${email}'`), '0');
  for (const [p, f] of [[`/admin/staff/${tid}/role`, { role: 'admin' }], [`/admin/staff/${tid}/disable`, {}]]) {
    assert.equal((await b.post(p, f)).status, 403, p);
    assert.equal((await b.post(p, { ...f, csrf: 'x'.repeat(43) })).status, 403, p);
  }
  assert.equal(userRow(target), before);
  sql(`DELETE FROM staff_users WHERE email LIKE 'made-by-%-${TAG}@admin.test'`);
});

test('an admin adds a user, who can sign in; each change leaves one audit row with before and after', async () => {
  const { b, email: me, id: meId } = await signedIn('admin');
  const email = `new-${TAG}@admin.test`;
  const r = await b.form('/admin/staff', { email: `  ${email.toUpperCase()} `, name: 'Nina Ny', role: 'editor', password: 'ten chars!' });
  assert.equal(r.status, 303);
  assert.equal(r.headers.location, '/admin/staff?done=created');
  const id = sql(`SELECT id FROM staff_users WHERE email = '${email}' AND tenant_id = ${tenantId('nordlys')}`);
  assert.ok(id, 'made, with the address normalised');
  assert.match(sql(`SELECT password_hash FROM staff_users WHERE id = ${id}`), /^\$argon2id\$/);
  const row = () => sql(`SELECT CONCAT_WS('|', actor_kind, actor_id, actor_label, action, IFNULL(before_json, '-'),
    JSON_VALUE(after_json, '$.role'), JSON_VALUE(after_json, '$.disabled')) FROM audit_log
    WHERE object_type = 'staff' AND object_id = '${id}' ORDER BY id DESC LIMIT 1`);
  assert.equal(staffAudit(id), '1');
  assert.equal(row(), `staff|${meId}|${me}|create|-|editor|0`);
  assert.doesNotMatch(sql(`SELECT after_json FROM audit_log WHERE object_type = 'staff' AND object_id = '${id}'`), /argon2|ten chars/);
  // the new user signs in with the initial password
  const n = new PanelBrowser();
  await n.get('/admin/sign-in');
  assert.equal((await n.form('/admin/sign-in', { email, password: 'ten chars!' })).status, 303);
  assert.equal((await n.get('/admin/products')).status, 200);
  // a role change: one row, before and after
  assert.equal((await b.form(`/admin/staff/${id}/role`, { role: 'viewer' })).status, 303);
  assert.equal(staffAudit(id), '2');
  assert.equal(sql(`SELECT CONCAT(JSON_VALUE(before_json, '$.role'), '>', JSON_VALUE(after_json, '$.role'))
    FROM audit_log WHERE object_type = 'staff' AND object_id = '${id}' ORDER BY id DESC LIMIT 1`), 'editor>viewer');
  // the same role again changes nothing and records nothing
  assert.equal((await b.form(`/admin/staff/${id}/role`, { role: 'viewer' })).status, 303);
  assert.equal(staffAudit(id), '2');
  // disabled: one row, and their session stops at its next request
  assert.equal((await b.form(`/admin/staff/${id}/disable`)).status, 303);
  assert.equal(userRow(email), 'viewer|1');
  assert.equal(staffAudit(id), '3');
  assert.equal(row(), `staff|${meId}|${me}|update|${sql(`SELECT before_json FROM audit_log WHERE object_type = 'staff' AND object_id = '${id}' ORDER BY id DESC LIMIT 1`)}|viewer|1`);
  assert.equal((await n.get('/admin/products')).status, 303);
  assert.equal((await b.form(`/admin/staff/${id}/enable`)).status, 303);
  assert.equal(userRow(email), 'viewer|0');
  assert.equal(staffAudit(id), '4');
  // the screen shows the user and the notice
  const page = (await b.get('/admin/staff?done=changed')).body;
  assert.match(page, new RegExp(`<tr data-email="${email}" data-id="${id}">`));
  assert.match(page, /class="notice" role="status"/);
});

test('adding a user: each bad field at its place, what was typed kept, never the password', async () => {
  const { b } = await signedIn('admin');
  const taken = staffUser('viewer');
  const cases = [
    [{ email: 'not an address', name: 'Ann', role: 'viewer', password: PW }, 'email', 422],
    [{ email: `ok-${TAG}@admin.test`, name: '', role: 'viewer', password: PW }, 'name', 422],
    [{ email: `ok-${TAG}@admin.test`, name: 'Ann', role: 'operator', password: PW }, 'role', 422],
    [{ email: `ok-${TAG}@admin.test`, name: 'Ann', role: 'viewer', password: 'short' }, 'password', 422],
    [{ email: taken, name: 'Ann', role: 'viewer', password: PW }, 'email', 409],
  ];
  for (const [fields, field, status] of cases) {
    const r = await b.form('/admin/staff', fields);
    assert.equal(r.status, status, field);
    assert.match(r.body, new RegExp(`<span class="field-error" id="${field}-error" role="alert">[^<]+</span>`), field);
    assert.match(r.body, new RegExp(`aria-describedby="[^"]*${field}-error"`), field);
    assert.match(r.body, new RegExp(`id="new-email" name="email"[^>]*value="${fields.email}"`));
    assert.doesNotMatch(r.body, new RegExp(fields.password), 'never the password');
  }
  assert.equal(sql(`SELECT COUNT(*) FROM staff_users WHERE email = 'ok-${TAG}@admin.test'`), '0');
});

test('nobody disables or demotes themselves; the last admin stays', async () => {
  const slug = 'fjordmobil';
  // fjordmobil's admins: only those these tests make (others are put aside)
  const others = sql(`SELECT GROUP_CONCAT(id) FROM staff_users WHERE tenant_id = ${tenantId(slug)} AND role = 'admin' AND disabled_at IS NULL`);
  if (others !== 'NULL' && others) sql(`UPDATE staff_users SET role = 'editor' WHERE id IN (${others})`);
  try {
    const { b, id: me } = await signedIn('admin', FJORD);
    // oneself: refused, with the reason, nothing changed or recorded
    for (const [p, f] of [[`/admin/staff/${me}/disable`, {}], [`/admin/staff/${me}/role`, { role: 'viewer' }]]) {
      const r = await b.form(p, f);
      assert.equal(r.status, 409, p);
      assert.match(r.body, /id="staff-refusal"/);
    }
    assert.equal(staffAudit(me), '0');
    // an operator acting for the shop may not take its last admin either
    const { b: op } = await signedIn('operator', FJORD);
    const last = await op.form(`/admin/staff/${me}/disable`);
    assert.equal(last.status, 409);
    const other = staffUser('editor', slug);
    const oid = sql(`SELECT id FROM staff_users WHERE email = '${other}'`);
    assert.equal((await op.form(`/admin/staff/${me}/role`, { role: 'viewer' })).status, 409);
    assert.equal(sql(`SELECT role FROM staff_users WHERE id = ${me}`), 'admin');
    // with a second admin, the first may go
    assert.equal((await b.form(`/admin/staff/${oid}/role`, { role: 'admin' })).status, 303);
    assert.equal((await op.form(`/admin/staff/${me}/disable`)).status, 303);
    // and now the second is the last
    assert.equal((await op.form(`/admin/staff/${oid}/role`, { role: 'editor' })).status, 409);
    assert.equal(staffAudit(me), '1');
  } finally {
    if (others !== 'NULL' && others) sql(`UPDATE staff_users SET role = 'admin' WHERE id IN (${others})`);
  }
});

test('another tenant\'s user, an operator or no user by id is 404 through the panel', async () => {
  const { b } = await signedIn('admin');
  const theirs = sql(`SELECT id FROM staff_users WHERE email = '${staffUser('viewer', 'fjordmobil')}'`);
  const opId = sql(`SELECT id FROM staff_users WHERE email = '${staffUser('operator')}'`);
  for (const id of [theirs, opId, '999999999', 'x']) {
    for (const [act, f] of [['disable', {}], ['enable', {}], ['role', { role: 'viewer' }]]) {
      assert.equal((await b.form(`/admin/staff/${id}/${act}`, f)).status, 404, `${id} ${act}`);
    }
  }
  assert.equal(sql(`SELECT disabled_at IS NULL FROM staff_users WHERE id = ${theirs}`), '1');
  assert.doesNotMatch((await b.get('/admin/staff')).body, new RegExp(`data-id="${theirs}"`));
});

// ---- API keys ----

const products = (key, host = NORDLYS) => request(host, '/api/admin/v1/products', { headers: { Authorization: `Bearer ${key}` }, csrf: false });
const keyAudit = (id) => sql(`SELECT COUNT(*) FROM audit_log WHERE object_type = 'api_key' AND object_id = '${id}'`);

test('the API key screens: only a manager may use them, and every form needs its token', async () => {
  const want = { operator: 200, admin: 200, editor: 403, viewer: 403, agent: 403 };
  for (const [role, status] of Object.entries(want)) {
    const { b } = await signedIn(role);
    assert.equal((await b.get('/admin/api-keys')).status, status, role);
    const made = await b.form('/admin/api-keys', { name: `k-${role}-${TAG}`, role: 'viewer' });
    assert.equal(made.status, status === 200 ? 201 : 403, `${role} makes a key`);
    const nav = (await b.get('/admin')).body.match(/<nav class="admin-nav"[^]*?<\/nav>/)?.[0] || '';
    assert.equal(/href="\/admin\/api-keys"/.test(nav), status === 200, `${role}'s navigation`);
  }
  const id = sql(`SELECT id FROM api_keys WHERE name = 'k-admin-${TAG}'`);
  const { b } = await signedIn('admin');
  assert.equal((await b.post('/admin/api-keys', { name: `forged-${TAG}`, role: 'admin' })).status, 403);
  assert.equal(sql(`SELECT COUNT(*) FROM api_keys WHERE name = 'forged-${TAG}'`), '0');
  assert.equal((await b.post(`/admin/api-keys/${id}/revoke`, {})).status, 403);
  assert.equal(sql(`SELECT revoked_at IS NULL FROM api_keys WHERE id = ${id}`), '1');
  const { b: editor } = await signedIn('editor');
  assert.equal((await editor.form(`/admin/api-keys/${id}/revoke`)).status, 403);
  assert.equal(sql(`SELECT revoked_at IS NULL FROM api_keys WHERE id = ${id}`), '1');
});

test('a key made in the panel is shown once, works on the admin API, and stops when revoked', async () => {
  const { b, email, id: me } = await signedIn('admin');
  const name = `panel-${TAG}`;
  const r = await b.form('/admin/api-keys', { name, role: 'editor' });
  assert.equal(r.status, 201);
  assert.equal(r.headers['cache-control'], 'no-store');
  const key = r.body.match(/id="made-key" type="text" readonly size="50" value="(eck_[A-Za-z0-9_-]{43})"/)[1];
  const id = sql(`SELECT id FROM api_keys WHERE name = '${name}'`);
  assert.notEqual(sql(`SELECT key_hash FROM api_keys WHERE id = ${id}`), key, 'only its hash is kept');
  // never again: not on the list, not on the next page
  const list = (await b.get('/admin/api-keys')).body;
  assert.doesNotMatch(list, new RegExp(key));
  assert.match(list, new RegExp(`<tr data-key="${id}"><td>${name}</td>`));
  assert.equal(keyAudit(id), '1');
  assert.equal(sql(`SELECT CONCAT_WS('|', actor_kind, actor_id, actor_label, action, IFNULL(before_json, '-'),
    JSON_VALUE(after_json, '$.role')) FROM audit_log WHERE object_type = 'api_key' AND object_id = '${id}'`),
    `staff|${me}|${email}|create|-|editor`);
  assert.doesNotMatch(sql(`SELECT after_json FROM audit_log WHERE object_type = 'api_key' AND object_id = '${id}'`), /eck_/);
  // the key works, and only at its shop
  assert.equal((await products(key)).status, 200);
  assert.equal((await products(key, FJORD)).status, 401);
  // revoked: one audit row more, before and after, and 401 at once
  const rv = await b.form(`/admin/api-keys/${id}/revoke`);
  assert.equal(rv.status, 303);
  assert.equal(rv.headers.location, '/admin/api-keys');
  assert.equal((await products(key)).status, 401);
  assert.equal(keyAudit(id), '2');
  assert.equal(sql(`SELECT CONCAT(JSON_VALUE(before_json, '$.revoked'), '>', JSON_VALUE(after_json, '$.revoked'), ' ', action)
    FROM audit_log WHERE object_type = 'api_key' AND object_id = '${id}' ORDER BY id DESC LIMIT 1`), '0>1 revoke');
  // revoking again changes nothing and records nothing
  assert.equal((await b.form(`/admin/api-keys/${id}/revoke`)).status, 303);
  assert.equal(keyAudit(id), '2');
  assert.match((await b.get('/admin/api-keys')).body, new RegExp(`<tr data-key="${id}">(?:(?!</tr>)[^])*?${'Tilbagekaldt'}`));
});

test('making a key: a bad or taken name and a role a key cannot have, at their field', async () => {
  const { b } = await signedIn('admin');
  const taken = `taken-${TAG}`;
  assert.equal((await b.form('/admin/api-keys', { name: taken, role: 'viewer' })).status, 201);
  for (const [fields, field, status] of [
    [{ name: '', role: 'viewer' }, 'name', 422],
    [{ name: taken, role: 'viewer' }, 'name', 409],
    [{ name: `agent-${TAG}`, role: 'agent' }, 'role', 422],
    [{ name: `op-${TAG}`, role: 'operator' }, 'role', 422],
  ]) {
    const r = await b.form('/admin/api-keys', fields);
    assert.equal(r.status, status, JSON.stringify(fields));
    assert.match(r.body, new RegExp(`<span class="field-error" id="${field}-error" role="alert">[^<]+</span>`));
    assert.match(r.body, new RegExp(`id="key-name" name="name"[^>]*value="${fields.name}"`));
    assert.doesNotMatch(r.body, /eck_/);
  }
  assert.equal(sql(`SELECT COUNT(*) FROM api_keys WHERE name IN ('agent-${TAG}', 'op-${TAG}')`), '0');
});

test('another tenant\'s key by id is 404 through the panel, and not listed', async () => {
  const { b: theirs } = await signedIn('admin', FJORD);
  assert.equal((await theirs.form('/admin/api-keys', { name: `fjord-${TAG}`, role: 'viewer' })).status, 201);
  const id = sql(`SELECT id FROM api_keys WHERE name = 'fjord-${TAG}'`);
  const { b } = await signedIn('admin');
  for (const k of [id, '999999999', 'x']) assert.equal((await b.form(`/admin/api-keys/${k}/revoke`)).status, 404, k);
  assert.equal(sql(`SELECT revoked_at IS NULL FROM api_keys WHERE id = ${id}`), '1');
  assert.doesNotMatch((await b.get('/admin/api-keys')).body, new RegExp(`data-key="${id}"`));
});
