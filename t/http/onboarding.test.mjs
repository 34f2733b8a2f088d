// Onboarding a brand with ecomctl: a tenant made by `tenant create` answers
// on its hostname on the next request, through nginx, with no reload and no
// restart; refused inputs say why, exit 1 and write nothing.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { ROOT, STACK_DIR, ecomdEnv, masterPid, request, sql, workerPids } from './lib.mjs';

const ecomctlBin = path.join(ROOT, 'build/plain/ecomctl');
const tag = `t${process.pid}`;
const made = new Set();

function ctl(...args) {
  return spawnSync(ecomctlBin, ['-c', path.join(STACK_DIR, 'ecomd.conf'), ...args],
    { encoding: 'utf8', env: ecomdEnv() });
}

function create(slug, ...args) {
  made.add(slug);
  return ctl('tenant', 'create', slug, ...args);
}

const count = (table, where) => Number(sql(`SELECT COUNT(*) FROM ${table} WHERE ${where}`));

after(() => {
  for (const slug of made) sql(`DELETE FROM tenants WHERE slug = '${slug}'`);
});

test('a new tenant answers on its hostnames on the very next request, in its language, without a reload', async () => {
  const slug = `${tag}-new`;
  const host = `${slug}.localhost`;
  const www = `www.${slug}.localhost`;
  const pids = [masterPid(), ...workerPids()].sort();
  // every worker has met the host as unknown (and cached it as such)
  for (let i = 0; i < 12; i++) {
    assert.equal((await request(host, '/')).status, 404);
  }
  const r = create(slug, '--name', 'Ny Mobil & Co', '--host', host, '--host', www,
    '--locale', 'en', '--currency', 'EUR', '--vat', '21', '--time-zone', 'Europe/Dublin',
    '--primary', '#0b3d5c', '--text', '#222');
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, new RegExp(`^created tenant ${slug} \\(Ny Mobil & Co\\) at ${host}, ${www}$`, 'm'));
  for (let i = 0; i < 12; i++) {
    const page = await request(i % 2 ? www : host, '/');
    assert.equal(page.status, 200, `request ${i} after the create`);
    assert.match(page.body, /<html lang="en"/);
    assert.match(page.body, /<h1 id="hero-title">Ny Mobil &amp; Co<\/h1>/);
  }
  const css = await request(host, '/theme.css');
  assert.match(css.body, /--color-primary: #0b3d5c;/);
  assert.match(css.body, /--color-text: #222222;/, 'stored as #rrggbb');
  assert.deepEqual([masterPid(), ...workerPids()].sort(), pids, 'no restart');

  const show = ctl('tenant', 'show', slug);
  assert.equal(show.status, 0, show.stderr);
  assert.match(show.stdout, new RegExp(`^hosts\t${host} ${www}$`, 'm'), 'the primary first');
  assert.match(show.stdout, /^currency\tEUR$/m);
  assert.match(show.stdout, /^vat\t21\.00 %$/m);
  assert.match(show.stdout, /^time_zone\tEurope\/Dublin$/m);
  assert.match(show.stdout, /^payment\t\S+/m);
  assert.match(show.stdout, /^downstream\t/m);
  assert.equal(ctl('tenant', 'show', `${tag}-nobody`).status, 1);
});

test('refused inputs give the reason, exit 1 and write nothing', async () => {
  const slug = `${tag}-bad`;
  const host = `${slug}.localhost`;
  const ok = ['--name', 'Bad', '--host', host];
  const cases = [
    [['--host', 'nordlys.localhost'], /nordlys\.localhost is served by another tenant already/],
    [['--text', '#777777'], /text on the background \(#777777 on #ffffff\) has a contrast of 4\.47:1; WCAG AA asks for 4\.5:1/],
    [['--primary', '#ffd700'], /text on the primary colour .* 1\.40:1/],
    [['--accent', 'red'], /color_accent 'red' is not a colour as #rgb or #rrggbb/],
    [['--time-zone', 'Europe/Atlantis'], /'Europe\/Atlantis' is not a time zone/],
    [['--currency', 'XYZ'], /'XYZ' is not an ISO 4217 currency code/],
    [['--currency', 'JPY'], /JPY does not have two decimals/],
    [['--locale', 'de-DE'], /the theme has no messages in de-DE/],
    [['--vat', '125'], /--vat is a percentage from 0 to 100/],
    [['--host', 'Shop.Example:8080'], /'Shop\.Example:8080' is not a hostname/],
    [['--catalog-from', `${tag}-nobody`], /--catalog-from: no tenant/],
  ];
  for (const [args, why] of cases) {
    const r = create(slug, ...ok, ...args);
    assert.equal(r.status, 1, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, why);
    assert.equal(r.stdout, '');
  }
  const badSlug = create('Bad_Slug', ...ok);
  assert.equal(badSlug.status, 1);
  assert.match(badSlug.stderr, /the slug is 1 to 40 lower-case letters/);
  const taken = create('nordlys', '--name', 'Again', '--host', host);
  assert.equal(taken.status, 1);
  assert.match(taken.stderr, /there is a tenant 'nordlys' already/);
  made.delete('nordlys');
  assert.equal(count('tenants', `slug IN ('${slug}', 'Bad_Slug')`), 0, 'no tenant written');
  assert.equal(count('tenant_domains', `host = '${host}'`), 0, 'no hostname written');
  assert.equal((await request(host, '/')).status, 404);

  // usage errors: 2
  assert.equal(create(slug, '--name', 'No host').status, 2);
  assert.equal(create(slug, '--host', host).status, 2, 'no name');
  assert.equal(create(slug, ...ok, '--colour', '#fff').status, 2);
  assert.equal(create(slug, ...ok, '--text').status, 2);
});

test('--catalog-from copies the other tenant\'s catalog: the same export', async () => {
  const slug = `${tag}-copy`;
  const r = create(slug, '--name', 'Kopi', '--host', `${slug}.localhost`, '--catalog-from', 'fjordmobil');
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^copied the catalog/m);
  const a = ctl('catalog', 'export', 'fjordmobil');
  const b = ctl('catalog', 'export', slug);
  assert.equal(b.status, 0, b.stderr);
  assert.deepEqual(JSON.parse(b.stdout), JSON.parse(a.stdout));
  const products = await request(`${slug}.localhost`, '/api/v1/products');
  assert.equal(products.status, 200);
  assert.ok(JSON.parse(products.body).products.length > 0);
});

test('tenant brand changes the palette only when it passes WCAG AA', async () => {
  const slug = `${tag}-brand`;
  const host = `${slug}.localhost`;
  assert.equal(create(slug, '--name', 'Farver', '--host', host).status, 0);
  const bad = ctl('tenant', 'brand', slug, '--background', '#000000');
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /text on the background \(#1a1a1a on #000000\) has a contrast of 1\.\d\d:1/);
  assert.match((await request(host, '/theme.css')).body, /--color-background: #ffffff;/, 'unchanged');
  const good = ctl('tenant', 'brand', slug, '--background', '#fffaf3', '--text', '#2b1a12');
  assert.equal(good.status, 0, good.stderr);
  assert.match((await request(host, '/theme.css')).body, /--color-background: #fffaf3;/);
  assert.equal(ctl('tenant', 'brand', `${tag}-nobody`, '--text', '#000').status, 1);
  assert.equal(ctl('tenant', 'brand', slug).status, 2);
});
