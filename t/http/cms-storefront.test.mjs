// CMS content on the storefront (docs/cms.md, "On the storefront"): a
// productContent published by webhook shows on the product page and its
// card in the shop's locale, rich text through the allow-list, the image
// with width parameters, srcset and alt; unpublished, the catalog's name
// and description are back. Pages read the worker's snapshot, never
// Contentful.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { NORDLYS, redis, request, sql } from './lib.mjs';
import { RUN, STANDIN, configure, deletedEntry, hook, productContent } from './contentful.mjs';

const SKU = 'NL-TALE';
const ENTRY = `pc-${RUN}`;
const ASSET = `img-${RUN}`;
// the stack's cms_image_origin: its Contentful stand-in
const ORIGIN = STANDIN;

const body = {
  nodeType: 'document', data: {}, content: [
    { nodeType: 'paragraph', data: {}, content: [
      { nodeType: 'text', value: 'Ring løs ', marks: [{ type: 'bold' }], data: {} },
      { nodeType: 'text', value: '<script>alert(1)</script>', marks: [], data: {} },
      { nodeType: 'hyperlink', data: { uri: 'javascript:alert(2)' }, content: [
        { nodeType: 'text', value: 'klik', marks: [], data: {} }] },
      { nodeType: 'hyperlink', data: { uri: 'https://nordlys.example/vilkaar' }, content: [
        { nodeType: 'text', value: 'vilkår', marks: [], data: {} }] },
    ] },
    { nodeType: 'embedded-entry-block', data: { target: { sys: { id: 'x' } } }, content: [] },
  ],
};

before(() => {
  configure('nordlys', '--space', 'nordlys-space', '--locales', 'da-DK=da-DK,en=en-US');
});

// whatever happens, the shop's pages are as the other tests expect them
after(() => {
  sql(`DELETE i FROM cms_items i JOIN tenants t ON t.id = i.tenant_id
       WHERE t.slug = 'nordlys' AND i.item_id IN ('${ENTRY}', '${ASSET}')`);
  redis('PUBLISH', 'ecom:invalidate', 'data:nordlys');
});

const page = async (path) => {
  const res = await request(NORDLYS, path);
  assert.equal(res.status, 200, res.body);
  return res;
};

test('a published productContent shows on the product page and its card; unpublished, the catalog is back', async () => {
  const before = await page(`/products/${SKU}`);
  assert.match(before.body, /<h1 id="product-title">Tale 10 timer<\/h1>/);
  assert.match(before.body, /Til dig der mest ringer/);

  const asset = { sys: { id: ASSET, type: 'Asset', version: 3 }, fields: {
    title: { 'da-DK': 'Telefon' }, description: { 'da-DK': 'En telefon i en hånd' },
    file: { 'da-DK': { url: `${ORIGIN.replace('https:', '')}/images/nordlys-space/${ASSET}/tok/phone.png`,
      contentType: 'image/png', details: { image: { width: 1000, height: 750 } } } } } };
  assert.equal((await hook('Asset.publish', asset)).json?.outcome, 'stored');
  const entry = productContent(ENTRY, 4, SKU, {
    headline: 'Snak så længe du vil',
    body,
    bullets: ['10 timers tale', '1 GB data'],
    image: { sys: { type: 'Link', linkType: 'Asset', id: ASSET } },
  });
  // the English words are another locale's: not this shop's
  entry.fields.headline['en-US'] = 'Talk as long as you like';
  const pub = await hook('Entry.publish', entry);
  assert.equal(pub.status, 200, pub.body);

  // the next view shows it (the webhook told the workers)
  const res = await page(`/products/${SKU}`);
  assert.match(res.body, /<h1 id="product-title">Snak så længe du vil<\/h1>/);
  assert.doesNotMatch(res.body, /Talk as long as you like/);
  assert.match(res.body, /<div class="cms-body"><p><strong>Ring løs <\/strong>&lt;script&gt;alert\(1\)&lt;\/script&gt;klik<a href="https:\/\/nordlys.example\/vilkaar" rel="noopener noreferrer">vilkår<\/a><\/p><\/div>/);
  assert.doesNotMatch(res.body, /javascript:/);
  assert.doesNotMatch(res.body, /<script>alert/);
  assert.doesNotMatch(res.body, /Til dig der mest ringer/, 'the body replaces the description');
  assert.match(res.body, /<ul class="cms-bullets"><li>10 timers tale<\/li><li>1 GB data<\/li><\/ul>/);
  const img = res.body.match(/<img class="cms-image"[^>]*>/)?.[0];
  assert.ok(img, 'the image is shown');
  const url = `${ORIGIN}/images/nordlys-space/${ASSET}/tok/phone.png`;
  assert.match(img, new RegExp(`src="${url}\\?w=640"`));
  assert.ok(img.includes(`srcset="${url}?w=320 320w, ${url}?w=640 640w, ${url}?w=960 960w"`), img);
  assert.match(img, /alt="En telefon i en hånd"/);
  assert.match(img, /width="1000" height="750"/);
  // the CSP lets that image origin in, and no other
  assert.ok(res.headers['content-security-policy'].includes(`img-src 'self' data: ${ORIGIN};`));

  const home = await page('/');
  const card = home.body.match(new RegExp(`<li class="plan-card">(?:(?!</li>\\s*<li class="plan-card">)[\\s\\S])*?plan-${SKU}[\\s\\S]*?</article>`))?.[0];
  assert.ok(card, 'the card is on the front page');
  assert.match(card, /<a href="\/products\/NL-TALE">Snak så længe du vil<\/a>/);
  assert.match(card, /<li>10 timers tale<\/li>/);
  assert.match(card, /<img class="cms-image"[^>]*loading="lazy"/);

  // unpublished: the catalog's name and description again
  const un = await hook('Entry.unpublish', deletedEntry(ENTRY, 5));
  assert.equal(un.json?.outcome, 'stored');
  const gone = await page(`/products/${SKU}`);
  assert.match(gone.body, /<h1 id="product-title">Tale 10 timer<\/h1>/);
  assert.match(gone.body, /Til dig der mest ringer/);
  assert.doesNotMatch(gone.body, /Snak så længe|cms-body|cms-image/);
  assert.doesNotMatch((await page('/')).body, /Snak så længe/);
});

test('an image from another origin than cms_image_origin is not shown', async () => {
  const other = `${ASSET}-x`;
  try {
    const asset = { sys: { id: other, type: 'Asset', version: 1 }, fields: {
      title: { 'da-DK': 'Andet' }, file: { 'da-DK': { url: 'https://evil.example/x.png' } } } };
    assert.equal((await hook('Asset.publish', asset)).json?.outcome, 'stored');
    const entry = productContent(ENTRY, 8, SKU, { headline: 'Uden billede',
      image: { sys: { type: 'Link', linkType: 'Asset', id: other } } });
    assert.equal((await hook('Entry.publish', entry)).json?.outcome, 'stored');
    const res = await page(`/products/${SKU}`);
    assert.match(res.body, /Uden billede/);
    assert.doesNotMatch(res.body, /evil\.example|cms-image/);
  } finally {
    sql(`DELETE i FROM cms_items i JOIN tenants t ON t.id = i.tenant_id
         WHERE t.slug = 'nordlys' AND i.item_id = '${other}'`);
  }
});
