// A brand made with `ecomctl tenant create` and `tenant logo`, in headless
// Chromium: palettes the WCAG check lets through (a tinted one, and one at
// the edges of AA) give pages that pass axe's WCAG 2.1 AA rules, contrast
// included, and the uploaded logo loads in the header. The palette check
// knows which colours the theme draws on which; axe is the independent
// judge of the pages that result.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { deflateSync } from 'node:zlib';
import { assertAccessible, launchPersistent } from './lib.mjs';
import { PORT, ROOT, STACK_DIR, ecomdEnv, sql } from '../http/lib.mjs';

const shots = path.join(STACK_DIR, 'screenshots');
const tag = `b${process.pid}`;
const made = [];
let context, profile;

function ecomctl(...args) {
  const r = spawnSync(path.join(ROOT, 'build/plain/ecomctl'),
    ['-c', path.join(STACK_DIR, 'ecomd.conf'), ...args], { encoding: 'utf8', env: ecomdEnv() });
  assert.equal(r.status, 0, `ecomctl ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

// A real 40x40 PNG of one colour.
function png(rgb) {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (buf) => {
    let c = ~0;
    for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
    return ~c >>> 0;
  };
  const chunk = (type, data) => {
    const out = Buffer.alloc(12 + data.length);
    out.writeUInt32BE(data.length, 0);
    out.write(type, 4, 'latin1');
    data.copy(out, 8);
    out.writeUInt32BE(crc(out.subarray(4, 8 + data.length)), 8 + data.length);
    return out;
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(40, 0);
  ihdr.writeUInt32BE(40, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  const row = Buffer.concat([Buffer.from([0]), ...Array(40).fill(Buffer.from(rgb))]);
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr), chunk('IDAT', deflateSync(Buffer.concat(Array(40).fill(row)))),
    chunk('IEND', Buffer.alloc(0))]);
}

before(async () => {
  mkdirSync(shots, { recursive: true });
  profile = mkdtempSync(path.join(os.tmpdir(), 'ecom-chromium-'));
  context = await launchPersistent(profile, { viewport: { width: 390, height: 844 } });
});

after(async () => {
  await context?.close();
  rmSync(profile, { recursive: true, force: true });
  for (const slug of made) {
    sql(`DELETE FROM tenants WHERE slug = '${slug}'`);
    rmSync(path.join(STACK_DIR, 'uploads', slug), { recursive: true, force: true });
  }
});

const palettes = [
  // warm: a tinted background and a brown primary
  { slug: `${tag}-warm`, primary: '#8a3b12', onPrimary: '#ffffff', background: '#fff8e7',
    text: '#2a1d12', accent: '#a04d00', header: 'rgb(138, 59, 18)' },
  // at the edges the check allows: links and the header #767676 on white
  // (4.54:1), the focus ring #949494 (3.03:1), the text #4d4d4d, whose
  // form field borders (60 % of it into white) are 3.03:1
  { slug: `${tag}-edge`, primary: '#767676', onPrimary: '#ffffff', background: '#ffffff',
    text: '#4d4d4d', accent: '#949494', header: 'rgb(118, 118, 118)' },
];

for (const p of palettes) {
  test(`a brand made with ecomctl (${p.slug}): accessible pages, its colours, its logo`, async () => {
    const host = `${p.slug}.localhost`;
    made.push(p.slug);
    ecomctl('tenant', 'create', p.slug, '--name', 'Ny Brand', '--host', host, '--locale', 'da-DK',
      '--primary', p.primary, '--on-primary', p.onPrimary, '--background', p.background,
      '--text', p.text, '--accent', p.accent, '--catalog-from', 'nordlys');
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ecom-logo-'));
    try {
      writeFileSync(path.join(dir, 'logo.png'), png([0xff, 0x80, 0x00]));
      ecomctl('tenant', 'logo', p.slug, path.join(dir, 'logo.png'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const page = await context.newPage();
    const problems = [];
    page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
    const res = await page.goto(`http://${host}:${PORT}/`);
    assert.equal(res.status(), 200);
    assert.equal(await page.locator('h1').first().textContent(), 'Ny Brand');
    assert.equal(await page.locator('html').getAttribute('lang'), 'da-DK');
    assert.equal(await page.locator('.site-header').evaluate((el) => getComputedStyle(el).backgroundColor),
      p.header);
    const logo = page.locator('.brand-logo');
    assert.equal(await logo.evaluate((img) => img.complete && img.naturalWidth === 40), true, 'logo loads');
    await assertAccessible(page, `${p.slug} home`);
    await page.screenshot({ path: path.join(shots, `${p.slug.replace(tag, 'onboarding')}-home.png`), fullPage: true });
    await page.locator('.plan-card a').first().click();
    await page.waitForLoadState('load');
    await assertAccessible(page, `${p.slug} product page`);
    assert.deepEqual(problems, [], 'console errors (CSP violations show here)');
    await page.close();
  });
}
