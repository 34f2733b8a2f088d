// Onboarding a brand with ecomctl: a tenant made by `tenant create` answers
// on its hostname on the next request, through nginx, with no reload and no
// restart; refused inputs say why, exit 1 and write nothing.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PORT, ROOT, STACK_DIR, ecomdEnv, masterPid, request, sql, workerPids } from './lib.mjs';
// images made byte by byte: what is checked is the content, whatever the
// file is called
import { jpeg, png, webp } from './images.mjs';

const ecomctlBin = path.join(ROOT, 'build/plain/ecomctl');
const tag = `t${process.pid}`;
const made = new Set();

function ctl(...args) {
  return ctlWith({}, ...args);
}

function ctlWith(env, ...args) {
  return spawnSync(ecomctlBin, ['-c', path.join(STACK_DIR, 'ecomd.conf'), ...args],
    { encoding: 'utf8', env: { ...ecomdEnv(), ...env } });
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
  // audited as every ecomctl change is (the panel's create writes the same row)
  assert.equal(sql(`SELECT a.actor_kind, a.actor_label, a.action, JSON_VALUE(a.after_json, '$.hosts[1]')
    FROM audit_log a JOIN tenants t ON t.id = a.tenant_id WHERE t.slug = '${slug}' AND a.object_type = 'tenant'`),
  `cli\tecomctl\tcreate\t${www}`);
});

test('without Redis the tenant is still made, and the operator told how to tell the workers later', async () => {
  const slug = `${tag}-noredis`;
  const host = `${slug}.localhost`;
  for (let i = 0; i < 12; i++) assert.equal((await request(host, '/')).status, 404);
  made.add(slug);
  const r = ctlWith({ ECOMD_REDIS_PASSWORD: 'not-the-password' }, 'tenant', 'create', slug,
    '--name', 'Stille', '--host', host);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, new RegExp(`running workers were not told: .* until \`ecomctl tenant activate ${slug}\` is run`));
  // the workers that met the host still hold it as unknown: the reason
  // the create tells them
  const statuses = [];
  for (let i = 0; i < 12; i++) statuses.push((await request(host, '/')).status);
  assert.ok(statuses.includes(404), `a worker's cache kept the host as unknown: ${statuses}`);
  assert.equal(ctl('tenant', 'activate', slug).status, 0);
  for (let i = 0; i < 12; i++) assert.equal((await request(host, '/')).status, 200);
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
    // a dark palette: its text and links read well, the theme's error red does not
    [['--background', '#10161c', '--text', '#e8eef3', '--primary', '#9ad0ff', '--on-primary', '#0b1a26',
      '--accent', '#f0a040'],
    /error messages \(the theme's red\) on the background \(#b3261e on #10161c\) has a contrast of 2\.\d\d:1/],
    // derived colours: the text on a notice's tint of the accent
    [['--text', '#767676'], /text on a notice \(the accent, 8 % into the background\) \(#767676 on #f9eeed\) has a contrast of 3\.99:1/],
    [['--time-zone', 'Europe/Atlantis'], /'Europe\/Atlantis' is not a time zone/],
    [['--currency', 'XYZ'], /'XYZ' is not an ISO 4217 currency code/],
    [['--currency', 'JPY'], /JPY does not have two decimals/],
    [['--locale', 'de-DE'], /the theme has no messages in de-DE/],
    [['--vat', '125'], /--vat is a percentage from 0 to 100/],
    [['--vat', '25.125'], /--vat is a percentage from 0 to 100 with at most two decimals/],
    [['--vat', '-1'], /--vat is a percentage/],
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
  assert.equal(create(slug, '--name', 'Farver', '--host', host, '--vat', '12.75').status, 0);
  assert.match(ctl('tenant', 'show', slug).stdout, /^vat\t12\.75 %$/m);
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

test('a logo is checked by its content, stored by its hash, served by nginx and shown in the header', async () => {
  const slug = `${tag}-logo`;
  const host = `${slug}.localhost`;
  assert.equal(create(slug, '--name', 'Logo Mobil', '--host', host).status, 0);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ecom-logo-'));
  try {
    const upload = (name, bytes) => {
      const file = path.join(dir, name);
      writeFileSync(file, bytes);
      return ctl('tenant', 'logo', slug, file);
    };
    for (const [name, bytes, type] of [
      ['logo.png', png(40, 40), 'image/png'],
      ['logo.jpg', jpeg(120, 40), 'image/jpeg'],
      // a WebP called .png: the name is not what counts
      ['webp-really.png', webp(64, 64), 'image/webp'],
    ]) {
      const r = upload(name, bytes);
      assert.equal(r.status, 0, `${name}: ${r.stderr}`);
      const sha = createHash('sha256').update(bytes).digest('hex');
      const url = r.stdout.match(/^the logo of \S+ is (\S+)$/m)[1];
      assert.match(url, new RegExp(`^/static/uploads/${slug}/${sha}\\.(png|jpeg|webp)$`));
      const page = await request(host, '/');
      assert.equal(page.status, 200);
      assert.ok(page.body.includes(`<img class="brand-logo" src="${url}"`), `${name} in the header`);
      assert.match(page.body, /<span class="brand-name">Logo Mobil<\/span>/, 'named beside it');
      const got = await fetch(`http://127.0.0.1:${PORT}${url}`);
      assert.equal(got.status, 200, `${name} served by nginx`);
      assert.equal(got.headers.get('content-type'), type);
      assert.match(got.headers.get('cache-control'), /immutable/);
      assert.equal(got.headers.get('x-content-type-options'), 'nosniff');
      assert.deepEqual(Buffer.from(await got.arrayBuffer()), bytes);
    }
    const before = sql(`SELECT logo_path FROM tenants WHERE slug = '${slug}'`);
    const files = readdirSync(path.join(STACK_DIR, 'uploads', slug)).sort();
    const garbage = Buffer.alloc(2048);
    for (let i = 0; i < garbage.length; i++) garbage[i] = (i * 7919 + 13) & 0xff;
    for (const [name, bytes, why] of [
      ['logo.svg', '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="40"><script>alert(1)</script></svg>',
        /logo\.svg: the file is not a PNG, JPEG or WebP image \(SVG is not accepted either\)/],
      ['big.png', png(40, 40, 512 * 1024), /big\.png: the image is larger than 512 KiB/],
      ['wide.png', png(5000, 10), /wide\.png: the image is more than 4096 pixels wide or high/],
      ['tall.webp', webp(10, 4097), /more than 4096 pixels/],
      ['cut.jpg', jpeg(40, 40).subarray(0, 30), /the JPEG file is cut short/],
      ['garbage.png', garbage, /not a PNG, JPEG or WebP/],
      ['empty.png', Buffer.alloc(0), /not a PNG, JPEG or WebP/],
    ]) {
      const r = upload(name, bytes);
      assert.equal(r.status, 1, `${name}: ${r.stdout}`);
      assert.match(r.stderr, why);
      assert.equal(r.stdout, '');
    }
    assert.equal(sql(`SELECT logo_path FROM tenants WHERE slug = '${slug}'`), before, 'logo unchanged');
    assert.deepEqual(readdirSync(path.join(STACK_DIR, 'uploads', slug)).sort(), files, 'no file written');
    // nginx serves nothing else from the uploads
    for (const p of [`/static/uploads/${slug}/`, `/static/uploads/${slug}/x.svg`,
      `/static/uploads/${slug}/${files[0]}.svg`]) {
      assert.equal((await fetch(`http://127.0.0.1:${PORT}${p}`)).status, 404, p);
    }
    const nobody = upload('again.png', png(40, 40));
    assert.equal(nobody.status, 0, 'the same bytes again: the same name');
    const unknown = ctl('tenant', 'logo', `${tag}-nobody`, path.join(dir, 'again.png'));
    assert.equal(unknown.status, 1);
    assert.match(unknown.stderr, new RegExp(`no tenant '${tag}-nobody'`));
    assert.ok(!existsSync(path.join(STACK_DIR, 'uploads', `${tag}-nobody`)), 'nothing stored for it');
    assert.equal(ctl('tenant', 'logo', slug).status, 2);
  } finally {
    rmSync(dir, { recursive: true, force: true });
    rmSync(path.join(STACK_DIR, 'uploads', slug), { recursive: true, force: true });
  }
});
