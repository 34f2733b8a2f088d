// The panel's role × action table through nginx (docs/admin.md, "Roles"):
// every staff route of the route table (read from src/app/routes.c, so a
// new screen is in the table the day it is added) asked by a user of each
// role; a role the route's action allows is never refused (no 401, no
// 403, no way back to the sign-in), every other role gets 403 and the
// handler never runs. Posts carry the session's CSRF token and no fields:
// an allowed role's answer is then the handler's (a 303, or 404 for an id
// no tenant has, or 422), never a refusal.
//
// A scratch tenant, roletest, made for the run and deleted after it, so
// what an allowed post does (publish an empty draft, end a preview) does
// not touch the demo brands.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT, dropTenants, makeTenants } from './lib.mjs';
import { dropStaffAndOrders, signedInStaff } from './staff.mjs';

const SLUG = 'roletest';
const HOST = `${SLUG}.localhost`;

// What each action allows (svc/staff.c's table, as docs/admin.md states it).
const MAY = {
  READ: ['operator', 'admin', 'editor', 'viewer'],
  EDIT_CATALOG: ['operator', 'admin', 'editor'],
  MANAGE: ['operator', 'admin'],
  SELL: ['operator', 'admin', 'agent'],
  TENANTS: ['operator'],
};
const ROLES = ['operator', 'admin', 'editor', 'viewer', 'agent'];

// The staff routes of the table: {method, pattern, action}.
function staffRoutes() {
  const src = readFileSync(path.join(ROOT, 'src/app/routes.c'), 'utf8');
  const re = /\{EC_(GET|POST|PUT|PATCH|DELETE),\s*"([^"]+)",\s*\w+,\s*[^}]*STAFF\((\w+)\)[^}]*\}/g;
  return [...src.matchAll(re)].map((m) => ({ method: m[1], pattern: m[2], action: m[3] }));
}

// An address of the pattern naming nothing any tenant has.
const concrete = (pattern) => pattern
  .replace(/\{(id|payment_id|order_id)\}/g, '999999999')
  .replace(/\{sku\}/g, 'NO-SUCH-SKU')
  .replace(/\{number\}/g, '4599999999')
  .replace(/\{\w+\}/g, 'no-such');

// a shop with an outbound channel, so the sales routes have one to use
const catalog = {
  format: 'ecom-catalog/1',
  channels: [{ code: 'web', name: 'Web', kind: 'web_front', default: true },
             { code: 'tele', name: 'Telesalg', kind: 'outbound' }],
  channel_rules: [], products: [], campaigns: [],
};

before(() => makeTenants([{ slug: SLUG, name: 'Role test', catalog }]));

after(() => {
  dropStaffAndOrders();
  dropTenants([SLUG]);
});

test('the table covers every action and every staff route names one', () => {
  const routes = staffRoutes();
  assert.ok(routes.length >= 20, `only ${routes.length} staff routes found`);
  for (const r of routes) assert.ok(MAY[r.action], `${r.method} ${r.pattern}: unknown action ${r.action}`);
});

for (const role of ROLES) {
  test(`${role}: exactly the staff routes its role may use`, async () => {
    const { b } = await signedInStaff(role, HOST, SLUG);
    const wrong = [];
    for (const r of staffRoutes()) {
      const p = concrete(r.pattern);
      const res = r.method === 'GET'
        ? await b.get(p)
        : await b.post(p, { csrf: b.csrf });
      const allowed = MAY[r.action].includes(role);
      const refused = res.status === 403 || res.status === 401 ||
        (res.status === 303 && /\/admin\/sign-in/.test(res.headers.location || ''));
      if (allowed === refused) wrong.push(`${r.method} ${p} (${r.action}): ${res.status}`);
      // a post may have signed the user out or ended a preview: sign in again
      if (r.method !== 'GET' && res.status === 303 && /sign-in/.test(res.headers.location || '')) break;
    }
    assert.deepEqual(wrong, [], `${role}: ${wrong.join('; ')}`);
  });
}
