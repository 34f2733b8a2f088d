// Contentful's webhooks through nginx (docs/cms.md): the request
// verification exactly as Contentful signs (computed here with
// node:crypto, apart from the server's code), stale and replayed requests
// refused with nothing stored, and the newest version kept whatever the
// delivery order; `ecomctl cms configure|show|import`.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ROOT, STACK_DIR, ecomctl, ecomdEnv, redis, sql } from './lib.mjs';
import { RUN, SECRET, TOKEN, configure, hook } from './contentful.mjs';

const HOOK = '/hooks/contentful/nordlys';

before(() => {
  configure('nordlys', '--space', 'nordlys-space', '--locales', 'da-DK=da-DK,en=en-US');
});

// whatever happens, the shop's copy is empty again for the other tests
after(() => {
  sql("DELETE i FROM cms_items i JOIN tenants t ON t.id = i.tenant_id WHERE t.slug = 'nordlys'");
  redis('PUBLISH', 'ecom:invalidate', 'data:nordlys');
});

// SKUs no catalog has: no page shows these entries
const entry = (id, version, headline, sku = 'CMS-NONE-1') => ({
  sys: { id, type: 'Entry', version, contentType: { sys: { type: 'Link', linkType: 'ContentType', id: 'productContent' } } },
  fields: { sku: { 'da-DK': sku }, headline: { 'da-DK': headline } },
});
const deleted = (id, version) => ({ sys: { id, type: 'DeletedEntry', version } });

function stored(id) {
  const row = sql(`SELECT version, deleted, IFNULL(handle, '-'), IFNULL(JSON_VALUE(fields, '$.headline."da-DK"'), '-')
    FROM cms_items i JOIN tenants t ON t.id = i.tenant_id
    WHERE t.slug = 'nordlys' AND i.item_id = '${id}'`);
  if (!row) return null;
  const [version, del, handle, headline] = row.split('\t');
  return { version: Number(version), deleted: del === '1', handle, headline };
}

test('the secrets are sealed and never shown again', () => {
  const out = ecomctl('cms', 'show', 'nordlys');
  assert.match(out, /space\tnordlys-space/);
  assert.match(out, /locales\tda-DK=da-DK,en=en-US/);
  assert.match(out, /delivery_token\tsealed with key k1/);
  assert.match(out, /webhook_secret\tsealed with key k1/);
  assert.ok(!out.includes(SECRET) && !out.includes(TOKEN));
  const row = sql("SELECT token_sealed, secret_sealed FROM cms_settings s JOIN tenants t ON t.id = s.tenant_id WHERE t.slug = 'nordlys'");
  assert.match(row, /^v1\.k1\.\S+\tv1\.k1\.\S+$/);
  assert.ok(!row.includes(SECRET) && !row.includes(TOKEN));
});

test('configure refuses a secret on the command line and a short secret', () => {
  assert.throws(() => ecomctl('cms', 'configure', 'nordlys', '--space', 'x', '--secret', SECRET),
    (e) => e.status === 2);
  assert.throws(() => execFileSync(path.join(ROOT, 'build/plain/ecomctl'),
    ['-c', path.join(STACK_DIR, 'ecomd.conf'), 'cms', 'configure', 'fjordmobil', '--space', 's1'],
    { encoding: 'utf8', stdio: 'pipe', env: { ...ecomdEnv(), ECOMD_CMS_DELIVERY_TOKEN: TOKEN,
      ECOMD_CMS_WEBHOOK_SECRET: 'short' } }),
  (e) => e.status === 1 && /16 to 64/.test(e.stderr));
});

test('a signed publish is stored; its replay, a bad signature and a stale one are 401 and store nothing', async () => {
  const id = `e-${RUN}-a`;
  const bad = await hook('Entry.publish', entry(id, 3, 'Fri'), { tamper: (b) => b.replace('Fri', 'Fra') });
  assert.equal(bad.status, 401, bad.body);
  assert.equal(bad.json.error.code, 'unauthorized');
  const other = await hook('Entry.publish', entry(id, 3, 'Fri'), { secret: 'f'.repeat(64) });
  assert.equal(other.status, 401);
  const stale = await hook('Entry.publish', entry(id, 3, 'Fri'), { at: Date.now() - 31000 });
  assert.equal(stale.status, 401);
  const future = await hook('Entry.publish', entry(id, 3, 'Fri'), { at: Date.now() + 31000 });
  assert.equal(future.status, 401);
  const unsigned = await hook('Entry.publish', entry(id, 3, 'Fri'), { unsigned: true });
  assert.equal(unsigned.status, 401);
  const elsewhere = await hook('Entry.publish', entry(id, 3, 'Fri'), { target: '/hooks/contentful/fjordmobil' });
  assert.equal(elsewhere.status, 401, 'another shop, another secret');
  const nowhere = await hook('Entry.publish', entry(id, 3, 'Fri'), { target: '/hooks/contentful/no-such-shop' });
  assert.equal(nowhere.status, 404);
  assert.equal(stored(id), null, 'nothing stored by a refused webhook');

  const ok = await hook('Entry.publish', entry(id, 3, 'Fri snak'), { key: `${RUN}-replayed` });
  assert.equal(ok.status, 200, ok.body);
  assert.equal(ok.json.outcome, 'stored');
  assert.deepEqual(stored(id), { version: 3, deleted: false, handle: 'CMS-NONE-1', headline: 'Fri snak' });
  // the same key again, freshly signed, newer content: a replay
  const replay = await hook('Entry.publish', entry(id, 9, 'Replayed'), { key: `${RUN}-replayed` });
  assert.equal(replay.status, 401);
  assert.deepEqual(stored(id), { version: 3, deleted: false, handle: 'CMS-NONE-1', headline: 'Fri snak' });
});

test('publish then unpublish leaves a tombstone; the older publish arriving late does not bring it back', async () => {
  const id = `e-${RUN}-b`;
  assert.equal((await hook('Entry.publish', entry(id, 5, 'Hej'))).status, 200);
  const un = await hook('Entry.unpublish', deleted(id, 6));
  assert.equal(un.status, 200, un.body);
  assert.equal(un.json.outcome, 'stored');
  assert.deepEqual(stored(id), { version: 6, deleted: true, handle: '-', headline: '-' });
  const late = await hook('Entry.publish', entry(id, 5, 'Hej'));
  assert.equal(late.status, 200);
  assert.equal(late.json.outcome, 'unchanged');
  assert.equal(stored(id).deleted, true);
  // a new publish brings it back
  assert.equal((await hook('Entry.publish', entry(id, 7, 'Igen'))).json.outcome, 'stored');
  assert.deepEqual(stored(id), { version: 7, deleted: false, handle: 'CMS-NONE-1', headline: 'Igen' });
  for (const topic of ['Entry.archive', 'Entry.delete']) {
    const v = stored(id).version + 1;
    assert.equal((await hook(topic, deleted(id, v))).json.outcome, 'stored');
    assert.equal(stored(id).deleted, true);
    assert.equal((await hook('Entry.publish', entry(id, v + 1, 'Igen'))).json.outcome, 'stored');
  }
});

test('versions delivered out of order keep the newest', async () => {
  const id = `e-${RUN}-c`;
  assert.equal((await hook('Entry.publish', entry(id, 12, 'Tolv'))).json.outcome, 'stored');
  for (const v of [11, 4, 12]) {
    const r = await hook('Entry.publish', entry(id, v, `Version ${v}`));
    assert.equal(r.status, 200);
    assert.equal(r.json.outcome, 'unchanged');
  }
  assert.deepEqual(stored(id), { version: 12, deleted: false, handle: 'CMS-NONE-1', headline: 'Tolv' });
  const asset = { sys: { id: `a-${RUN}`, type: 'Asset', version: 2 },
    fields: { title: { 'da-DK': 'Billede' }, file: { 'da-DK': { url: '//images.example/a.png' } } } };
  assert.equal((await hook('Asset.publish', asset)).json.outcome, 'stored');
  assert.equal((await hook('Asset.unpublish', { sys: { id: `a-${RUN}`, type: 'DeletedAsset', version: 1 } })).json.outcome, 'unchanged');
  assert.equal(stored(`a-${RUN}`).deleted, false);
});

test('other topics are accepted and change nothing; a malformed item is refused', async () => {
  const id = `e-${RUN}-d`;
  const save = await hook('Entry.save', entry(id, 1, 'Kladde'));
  assert.equal(save.status, 200);
  assert.equal(save.json.outcome, 'ignored');
  assert.equal(stored(id), null);
  const bad = await hook('Entry.publish', { sys: { id: 'x y', version: 1 }, fields: {} });
  assert.equal(bad.status, 422);
  const nofields = await hook('Entry.publish', { sys: { id, version: 1 } });
  assert.equal(nofields.status, 422);
  assert.equal(stored(id), null);
});

test('ecomctl cms import loads a space export: published items only, the newest kept', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'cms-'));
  const file = path.join(dir, 'export.json');
  const published = (e, v) => ({ ...e, sys: { ...e.sys, version: v, publishedVersion: v - 1 } });
  writeFileSync(file, JSON.stringify({
    contentTypes: [],
    locales: [{ code: 'da-DK', default: true }],
    assets: [published({ sys: { id: `ia-${RUN}`, type: 'Asset' }, fields: { title: { 'da-DK': 'Logo' } } }, 2)],
    entries: [
      published(entry(`ie-${RUN}-1`, 0, 'Importeret', 'CMS-NONE-2'), 4),
      entry(`ie-${RUN}-draft`, 1, 'Kladde'),
      { ...published(entry(`ie-${RUN}-arch`, 0, 'Arkiv'), 5), sys: { ...entry(`ie-${RUN}-arch`, 5, '').sys, archivedVersion: 5 } },
      // older than what the webhook stored above
      published(entry(`e-${RUN}-c`, 0, 'Gammel'), 10),
    ],
  }));
  const out = ecomctl('cms', 'import', 'nordlys', file);
  assert.match(out, /2 stored, 1 unchanged, 2 skipped/);
  assert.deepEqual(stored(`ie-${RUN}-1`), { version: 4, deleted: false, handle: 'CMS-NONE-2', headline: 'Importeret' });
  assert.equal(stored(`ie-${RUN}-draft`), null);
  assert.equal(stored(`e-${RUN}-c`).headline, 'Tolv');
  assert.match(ecomctl('cms', 'import', 'nordlys', file), /0 stored, 3 unchanged, 2 skipped/);
});
