// The Sync API from the stack's Contentful stand-in (docs/cms.md, "Sync"):
// a sync gives the same content as importing the same space's export;
// changes published at the stand-in arrive by its signed webhook and by
// a delta sync; with the stand-in stopped every storefront page still
// answers 200 with the last content, and a sync fails changing nothing.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { NORDLYS, ROOT, STACK_DIR, ecomctl, ecomdEnv, redis, request, sql, stack } from './lib.mjs';
import { RUN, configure, standin } from './contentful.mjs';

const SCRATCH = `cmsimport${RUN}`;

before(() => {
  configure('nordlys', '--space', 'nordlys-space', '--locales', 'da-DK=da-DK,en=en-US');
});

// whatever happens: the copy empty again, the stand-in up, no scratch shop
after(async () => {
  sql("DELETE i FROM cms_items i JOIN tenants t ON t.id = i.tenant_id WHERE t.slug = 'nordlys'");
  sql("UPDATE cms_settings s JOIN tenants t ON t.id = s.tenant_id SET s.sync_token = NULL WHERE t.slug = 'nordlys'");
  sql(`DELETE FROM tenants WHERE slug = '${SCRATCH}'`);
  redis('PUBLISH', 'ecom:invalidate', 'data:nordlys');
  stack('start-contentful');
});

// The live items of a shop's copy, as comparable rows
const copy = (slug) => sql(`SELECT i.kind, i.item_id, IFNULL(i.content_type, '-'), IFNULL(i.handle, '-'), i.fields
  FROM cms_items i JOIN tenants t ON t.id = i.tenant_id
  WHERE t.slug = '${slug}' AND i.deleted = 0 ORDER BY i.kind, i.item_id`);

const page = async (p) => {
  const res = await request(NORDLYS, p);
  assert.equal(res.status, 200, `${p}: ${res.status}`);
  return res.body;
};

test('a sync gives the same content as importing the same space\'s export', async () => {
  const out = ecomctl('cms', 'sync', 'nordlys', '--initial');
  // the stand-in pages the test stack's sync by 3 items
  assert.match(out, /cms sync nordlys: initial, 2 pages, 4 stored, 0 deleted/);
  const exported = await standin('GET', '/control/export?slug=nordlys');
  assert.equal(exported.status, 200);
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'cms-')), 'export.json');
  writeFileSync(file, JSON.stringify(exported.json));
  sql(`INSERT INTO tenants (slug, name) VALUES ('${SCRATCH}', 'CMS import')`);
  assert.match(ecomctl('cms', 'import', SCRATCH, file), /4 stored, 0 unchanged, 0 skipped/);
  const synced = copy('nordlys');
  assert.ok(synced.split('\n').length === 4 && synced.includes('NL-FRI'), synced);
  assert.equal(copy(SCRATCH), synced);
  // the page shows what was synced
  assert.match(await page('/products/NL-FRI'), /<h1 id="product-title">Fri data\. Fri tale\. Fri dig\.<\/h1>/);
});

test('a change published at the stand-in arrives by its webhook, and a delta sync agrees', async () => {
  const item = { sys: { id: `nl-10gb-${RUN}`, type: 'Entry',
    contentType: { sys: { type: 'Link', linkType: 'ContentType', id: 'productContent' } } },
  fields: { sku: { 'da-DK': 'NL-10GB' }, headline: { 'da-DK': '10 GB til hverdagen' } } };
  const pub = await standin('POST', '/control/publish', { slug: 'nordlys', item });
  assert.equal(pub.status, 200);
  assert.equal(pub.json.status, 200, pub.json.body);
  assert.equal(JSON.parse(pub.json.body).outcome, 'stored');
  assert.match(await page('/products/NL-10GB'), /10 GB til hverdagen/);
  assert.match(ecomctl('cms', 'sync', 'nordlys'), /changes, 1 pages, 1 stored, 0 deleted/);
  assert.match(await page('/products/NL-10GB'), /10 GB til hverdagen/);

  const un = await standin('POST', '/control/unpublish', { slug: 'nordlys', kind: 'Entry', id: item.sys.id });
  assert.equal(un.json.status, 200, un.json.body);
  assert.doesNotMatch(await page('/products/NL-10GB'), /10 GB til hverdagen/);
  assert.match(ecomctl('cms', 'sync', 'nordlys'), /changes, 1 pages, 0 stored, 1 deleted/);
  assert.doesNotMatch(await page('/products/NL-10GB'), /10 GB til hverdagen/);
  assert.match(ecomctl('cms', 'sync', 'nordlys'), /changes, 1 pages, 0 stored, 0 deleted/);
});

test('with the stand-in stopped every storefront page answers 200 with the last content', async () => {
  const before = copy('nordlys');
  stack('stop-contentful');
  try {
    // workers that load the catalog afresh read the copy, not Contentful
    redis('PUBLISH', 'ecom:invalidate', 'data:nordlys');
    for (const p of ['/', '/products/NL-FRI', '/products/NL-50GB', '/products/NL-TALE', '/basket', '/theme.css'])
      await page(p);
    assert.match(await page('/products/NL-FRI'), /Fri data\. Fri tale\. Fri dig\./);
    assert.match(await page('/'), /50 GB til hele familien/);
    assert.throws(() => execFileSync(path.join(ROOT, 'build/plain/ecomctl'),
      ['-c', path.join(STACK_DIR, 'ecomd.conf'), 'cms', 'sync', 'nordlys', '--initial'],
      { encoding: 'utf8', stdio: 'pipe', env: ecomdEnv() }),
    (e) => e.status === 1 && /did not answer; nothing was changed/.test(e.stderr));
    assert.equal(copy('nordlys'), before);
  } finally {
    stack('start-contentful');
  }
});
