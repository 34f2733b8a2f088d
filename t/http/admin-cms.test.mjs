// The panel's Contentful screen (issue 15, point 1; docs/cms.md): an
// admin sets the space, environment and locales, and the delivery token
// and webhook secret, which are written but never shown; each change is
// audited without its secrets. Fjordmobil's settings are put back after.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { FJORD, sql } from './lib.mjs';
import { PW, PanelBrowser, dropStaffAndOrders, staffUser } from './staff.mjs';

async function signedIn(role) {
  const b = new PanelBrowser(FJORD);
  const email = staffUser(role, 'fjordmobil');
  const r = await b.form('/admin/sign-in', { email, password: PW });
  assert.equal(r.status, 303, r.body);
  return { b, email };
}

const TENANT = "(SELECT id FROM tenants WHERE slug = 'fjordmobil')";
const settings = () => sql(`SELECT CONCAT_WS('|', space_id, environment, locales, token_sealed, secret_sealed)
  FROM cms_settings WHERE tenant_id = ${TENANT}`);
const original = settings();
const auditRows = (email) => sql(`SELECT CONCAT_WS('|', action, before_json, after_json) FROM audit_log
  WHERE tenant_id = ${TENANT} AND object_type = 'cms_settings' AND actor_kind = 'staff'
  AND actor_label = '${email}' ORDER BY id`);

after(() => {
  const [space, env, locales, token, secret] = original.split('|');
  sql(`UPDATE cms_settings SET space_id = '${space}', environment = '${env}', locales = '${locales}',
    token_sealed = '${token}', secret_sealed = '${secret}' WHERE tenant_id = ${TENANT}`);
  dropStaffAndOrders();
});

test('only an admin may see and change the Contentful settings', async () => {
  assert.ok(original, 'the test stack configures fjordmobil with the stand-in');
  for (const role of ['editor', 'viewer']) {
    const { b } = await signedIn(role);
    assert.equal((await b.get('/admin/cms')).status, 403, role);
    assert.equal((await b.form('/admin/cms', { space_id: 'x', environment: 'master' })).status, 403, role);
  }
  const { b } = await signedIn('admin');
  const page = await b.get('/admin/cms');
  assert.equal(page.status, 200);
  assert.match(page.body, /<code>http:\/\/fjordmobil\.localhost:\d+\/hooks\/contentful\/fjordmobil<\/code>/);
  // the secrets are stored, and never on the page
  const [space, , , token, secret] = original.split('|');
  assert.match(page.body, new RegExp(`name="space_id"[^>]*value="${space}"`));
  assert.doesNotMatch(page.body, new RegExp(token.slice(-20)));
  assert.doesNotMatch(page.body, new RegExp(secret.slice(-20)));
  assert.doesNotMatch(page.body, /name="(delivery_token|webhook_secret)"[^>]*value=/);
  // no token, no change
  const forged = await b.post('/admin/cms', { space_id: 'forged', environment: 'master' });
  assert.equal(forged.status, 403);
  assert.equal(settings(), original);
});

test('a bad field is refused at the top of the form with what was typed, and nothing changes', async () => {
  const { b, email } = await signedIn('admin');
  const r = await b.form('/admin/cms', { space_id: 'not a space id!', environment: 'master', locales: '' });
  assert.equal(r.status, 422);
  assert.match(r.body, /id="cms-error"/);
  assert.match(r.body, /value="not a space id!"/);
  assert.equal(settings(), original);
  assert.equal(auditRows(email), '');
});

test('a change keeps blank secrets, replaces typed ones, and is audited without them', async () => {
  const { b, email } = await signedIn('admin');
  const [space, env, locales, token, secret] = original.split('|');
  const r = await b.form('/admin/cms', { space_id: space, environment: 'staging', locales });
  assert.equal(r.status, 303);
  assert.equal(r.headers.location, '/admin/cms?saved=1');
  assert.match((await b.get('/admin/cms?saved=1')).body, /role="status"/);
  let now = settings().split('|');
  assert.equal(now[1], 'staging');
  assert.equal(now[3], token, 'the token kept');
  assert.equal(now[4], secret, 'the secret kept');

  const newSecret = `s3cret-${Date.now()}-abcdefghijklmnop`;
  const r2 = await b.form('/admin/cms', { space_id: space, environment: 'staging', locales,
    webhook_secret: newSecret });
  assert.equal(r2.status, 303);
  now = settings().split('|');
  assert.equal(now[3], token);
  assert.notEqual(now[4], secret, 'the secret replaced');
  assert.doesNotMatch(now[4], new RegExp(newSecret), 'stored sealed');

  const rows = auditRows(email).split('\n');
  assert.equal(rows.length, 2);
  const [action1, before1, after1] = rows[0].split('|');
  assert.equal(action1, 'update');
  assert.equal(JSON.parse(before1).environment, env);
  assert.equal(JSON.parse(after1).environment, 'staging');
  assert.equal(JSON.parse(after1).webhook_secret, 'kept');
  assert.equal(JSON.parse(rows[1].split('|')[2]).webhook_secret, 'replaced');
  assert.doesNotMatch(rows.join('\n'), new RegExp(newSecret));
  assert.doesNotMatch(rows.join('\n'), new RegExp(secret.slice(-20)));
});
