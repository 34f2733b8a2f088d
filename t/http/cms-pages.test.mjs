// CMS pages and banners on the storefront (docs/cms.md): /p/{slug} from a
// page entry's blocks, banners in their channel within their validity,
// published by webhook and gone when unpublished.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { NORDLYS, redis, request, sql } from './lib.mjs';
import { RUN, configure, deletedEntry, hook, productContent } from './contentful.mjs';

const ids = [];
const entry = (type, id, fields, version = 1) => {
  ids.push(id);
  const f = {};
  for (const [k, v] of Object.entries(fields)) f[k] = { 'da-DK': v };
  return { sys: { id, type: 'Entry', version,
    contentType: { sys: { type: 'Link', linkType: 'ContentType', id: type } } }, fields: f };
};
const link = (id) => ({ sys: { type: 'Link', linkType: 'Entry', id } });
const iso = (ms) => new Date(Date.now() + ms).toISOString();

before(() => {
  configure('nordlys', '--space', 'nordlys-space', '--locales', 'da-DK=da-DK,en=en-US');
});

after(() => {
  sql(`DELETE i FROM cms_items i JOIN tenants t ON t.id = i.tenant_id
       WHERE t.slug = 'nordlys' AND i.item_id IN (${ids.map((i) => `'${i}'`).join(', ') || "''"})`);
  redis('PUBLISH', 'ecom:invalidate', 'data:nordlys');
});

const publish = async (item) => {
  const r = await hook('Entry.publish', item);
  assert.equal(r.status, 200, r.body);
  assert.equal(r.json.outcome, 'stored');
};

test('banners show in their channel within their validity, links only http(s) or a path', async () => {
  await publish(entry('banner', `b-now-${RUN}`, { channel: 'web', text: `Julekampagne ${RUN}`,
    link: '/products/NL-FRI', validFrom: iso(-3600e3), validTo: iso(3600e3) }));
  await publish(entry('banner', `b-open-${RUN}`, { channel: 'web', text: `Altid ${RUN}`,
    link: 'javascript:alert(1)' }));
  await publish(entry('banner', `b-past-${RUN}`, { channel: 'web', text: `Forbi ${RUN}`,
    validTo: iso(-60e3) }));
  await publish(entry('banner', `b-later-${RUN}`, { channel: 'web', text: `Senere ${RUN}`,
    validFrom: iso(3600e3) }));
  await publish(entry('banner', `b-tilbud-${RUN}`, { channel: 'tilbud', text: `Kun tilbud ${RUN}` }));
  await publish(entry('banner', `b-date-${RUN}`, { channel: 'web', text: `Dato ${RUN}`,
    validFrom: '2020-01-01', validTo: '2999-12-31T23:59+01:00' }));

  const home = (await request(NORDLYS, '/')).body;
  assert.match(home, new RegExp(`<aside class="cms-banner">\\s*<p><a href="/products/NL-FRI">Julekampagne ${RUN}</a></p>`));
  assert.match(home, new RegExp(`<p>Altid ${RUN}</p>`), 'a javascript: link is dropped, the text kept');
  assert.doesNotMatch(home, /javascript:/);
  assert.match(home, new RegExp(`Dato ${RUN}`));
  assert.doesNotMatch(home, new RegExp(`Forbi ${RUN}|Senere ${RUN}|Kun tilbud ${RUN}`));
  const tilbud = await request(NORDLYS, '/tilbud');
  assert.equal(tilbud.status, 200);
  assert.match(tilbud.body, new RegExp(`Kun tilbud ${RUN}`));
  assert.doesNotMatch(tilbud.body, new RegExp(`Julekampagne ${RUN}`));

  const un = await hook('Entry.unpublish', deletedEntry(`b-now-${RUN}`, 2));
  assert.equal(un.json.outcome, 'stored');
  assert.doesNotMatch((await request(NORDLYS, '/')).body, new RegExp(`Julekampagne ${RUN}`));
});

test('/p/{slug} shows a page\'s blocks; unpublished, it is 404', async () => {
  const slug = `vinter-${RUN}`;
  assert.equal((await request(NORDLYS, `/p/${slug}`)).status, 404);
  const block = productContent(`pb-${RUN}`, 1, 'NL-50GB', { headline: 'Del med familien',
    body: { nodeType: 'document', content: [{ nodeType: 'paragraph', content: [
      { nodeType: 'text', value: '<b>fed</b>', marks: [] }] }] } });
  ids.push(`pb-${RUN}`);
  await publish(block);
  await publish(entry('banner', `pbb-${RUN}`, { channel: 'nowhere', text: 'Ring til os', link: 'https://nordlys.example' }));
  await publish(entry('page', `p-${RUN}`, { slug, title: 'Vinterens tilbud',
    blocks: [link(`pb-${RUN}`), link('not-published'), link(`pbb-${RUN}`)] }));

  const res = await request(NORDLYS, `/p/${slug}`);
  assert.equal(res.status, 200, res.body);
  assert.match(res.body, /<title>Vinterens tilbud – /);
  assert.match(res.body, /<h1 id="page-title">Vinterens tilbud<\/h1>/);
  assert.match(res.body, /<h2>Del med familien<\/h2>/);
  assert.match(res.body, /<div class="cms-body"><p>&lt;b&gt;fed&lt;\/b&gt;<\/p><\/div>/);
  assert.match(res.body, /<a href="\/products\/NL-50GB">Se abonnementet<\/a>/);
  assert.match(res.body, /<a href="https:\/\/nordlys.example">Ring til os<\/a>/);
  // the blocks in their order
  assert.ok(res.body.indexOf('Del med familien') < res.body.indexOf('Ring til os'));

  await hook('Entry.unpublish', deletedEntry(`p-${RUN}`, 2));
  const gone = await request(NORDLYS, `/p/${slug}`);
  assert.equal(gone.status, 404);
});
