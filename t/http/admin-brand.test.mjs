// The admin panel's branding screen through nginx (docs/admin.md,
// "Branding"): who may see and change it (a table of role × action), its
// CSRF check, a palette below WCAG AA refused with every failing pairing
// named at its field and nothing written, a good one saved with an audit
// row and shown by /theme.css on the next request.
//
// On a scratch tenant, brandtest (English), made with `ecomctl tenant
// create` for the run and deleted after it with everything of its but
// its audit rows (which nobody may delete); then the logo upload
// (multipart/form-data): PNG, JPEG and WebP accepted by their content and
// served, anything else refused at the field with nothing written.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { PORT, ecomctl, redis, request, sql } from './lib.mjs';
import { jpeg, png, webp } from './images.mjs';
import { PanelBrowser, dropStaffAndOrders, signedInStaff } from './staff.mjs';

const SLUG = 'brandtest';
const HOST = `${SLUG}.localhost`;
const GOOD = {
  color_primary: '#0b3d5c', color_on_primary: '#ffffff', color_background: '#f4f8fb',
  color_text: '#10222e', color_accent: '#1b7f5b',
};
const FIRST = { primary: '#1f4e79', on_primary: '#ffffff', background: '#ffffff', text: '#1a1a1a', accent: '#b3261e' };

const Browser = PanelBrowser;

const signedIn = (role) => signedInStaff(role, HOST, SLUG);

const stored = () => sql(`SELECT name, color_primary, color_on_primary, color_background, color_text, color_accent FROM tenants WHERE slug = '${SLUG}'`);
const audits = () => sql(`SELECT actor_kind, actor_label, action, before_json, after_json FROM audit_log a JOIN tenants t ON t.id = a.tenant_id WHERE t.slug = '${SLUG}' AND a.object_type = 'branding' ORDER BY a.id`);
// a JSON column as the mariadb client prints it (backslashes doubled)
const cell = (s) => JSON.parse(s.replace(/\\\\/g, '\\'));
// the error text at a field of the form, or undefined
const fieldError = (body, field) => body.match(new RegExp(`<span class="field-error" id="${field}-error">([^<]*)</span>`))?.[1];
const inputValue = (body, field) => body.match(new RegExp(`<input id="${field}"[^>]* value="([^"]*)"`))?.[1];

function form(fields = {}) {
  return { name: 'Brand Test', ...GOOD, ...fields };
}

before(() => {
  sql(`DELETE FROM tenants WHERE slug = '${SLUG}'`);
  ecomctl('tenant', 'create', SLUG, '--name', 'Brand Test', '--host', HOST, '--locale', 'en',
    '--primary', FIRST.primary, '--on-primary', FIRST.on_primary, '--background', FIRST.background,
    '--text', FIRST.text, '--accent', FIRST.accent);
});

after(() => {
  dropStaffAndOrders();
  sql(`DELETE FROM tenants WHERE slug = '${SLUG}'`);
  redis('PUBLISH', 'ecom:invalidate', 'tenants');
});

test('without a staff session the screen goes to the sign-in, a save is 401', async () => {
  const b = new Browser(HOST);
  const r = await b.get('/admin/branding');
  assert.equal(r.status, 303);
  assert.equal(r.headers.location, '/admin/sign-in?next=/admin/branding');
  const post = await b.form('/admin/branding', form());
  assert.equal(post.status, 401);
});

test('role × action: only admin and operator see and change the branding', async () => {
  const expect = { admin: [200, 303], operator: [200, 303], editor: [403, 403], viewer: [403, 403], agent: [403, 403] };
  for (const [role, [see, save]] of Object.entries(expect)) {
    const { b } = await signedIn(role);
    const page = await b.get('/admin/branding');
    assert.equal(page.status, see, `${role} GET`);
    const r = await b.form('/admin/branding', form({ name: `Brand Test ${role}` }));
    assert.equal(r.status, save, `${role} POST: ${r.body.slice(0, 200)}`);
    if (see === 200) {
      assert.match(page.body, /<a href="\/admin\/branding" aria-current="page">Branding<\/a>/);
    } else {
      const home = await b.get('/admin');
      if (home.status === 200) assert.doesNotMatch(home.body, /href="\/admin\/branding"/, `${role}'s navigation`);
    }
  }
  // only the two allowed saves changed the name
  assert.match(stored(), /^Brand Test operator\t/);
  assert.equal(audits().split('\n').length, 2);
});

test('CSRF: a save without the token, or with another session\'s, is 403 and writes nothing', async () => {
  const { b } = await signedIn('admin');
  const before = stored();
  const none = await b.post('/admin/branding', form({ name: 'No Token' }));
  assert.equal(none.status, 403);
  const other = new Browser(HOST);
  await other.get('/admin/sign-in');
  const forged = await b.post('/admin/branding', { csrf: other.csrf, ...form({ name: 'Forged' }) });
  assert.equal(forged.status, 403);
  const cross = await b.form('/admin/branding', form({ name: 'Cross' }), { Origin: 'http://evil.example' });
  assert.equal(cross.status, 403);
  assert.equal(stored(), before);
});

test('the screen shows every pairing\'s contrast, computed on the server', async () => {
  const { b } = await signedIn('admin');
  await b.form('/admin/branding', form());
  const page = await b.get('/admin/branding');
  assert.equal(page.status, 200);
  const rows = [...page.body.matchAll(/<tr data-pair="([a-z_]+)" data-pass="(yes|no)">/g)].map((m) => m[1]);
  assert.deepEqual(rows, ['text', 'on_primary', 'links', 'notice', 'highlight', 'error', 'focus', 'border']);
  // #10222e on #f4f8fb, by WCAG's formula (worked out independently below)
  const lum = (hex) => {
    const c = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255)
      .map((v) => (v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4));
    return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
  };
  const ratio = (a, b) => { const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); };
  const want = Math.floor(ratio('#10222e', '#f4f8fb') * 100) / 100;
  const text = page.body.match(/<tr data-pair="text" data-pass="yes"><th scope="row">Text on the background<\/th><td>#10222e \/ #f4f8fb<\/td><td>([0-9.]+):1<\/td><td>4.50:1<\/td>/);
  assert.ok(text, 'the text pairing row');
  assert.equal(Number(text[1]), want);
  assert.doesNotMatch(page.body, /data-pass="no"/);
});

test('a palette below AA is refused with each failing pairing at its field, the typed values kept, nothing written', async () => {
  const { b } = await signedIn('admin');
  await b.form('/admin/branding', form());
  const before = stored();
  const nAudits = audits().split('\n').length;
  // #777777 on white: 4.47:1 as text; the primary as links fails too
  const bad = form({ name: 'Faint', color_text: '#777', color_background: '#ffffff', color_primary: '#8a9bb0' });
  const r = await b.form('/admin/branding', bad);
  assert.equal(r.status, 422);
  assert.match(r.body, /Nothing was saved/);
  assert.match(fieldError(r.body, 'color_text'), /Text on the background: 4\.47:1 \(needs at least 4\.50:1\)/);
  assert.match(fieldError(r.body, 'color_primary'), /Links on the background: [0-9.]+:1/);
  assert.equal(fieldError(r.body, 'color_accent'), undefined);
  assert.match(r.body, /<input id="color_text"[^>]*aria-invalid="true"/);
  assert.equal(inputValue(r.body, 'color_text'), '#777', 'what was typed is kept');
  assert.equal(inputValue(r.body, 'name'), 'Faint');
  assert.match(r.body, /<tr data-pair="text" data-pass="no">/);
  assert.equal(stored(), before);
  assert.equal(audits().split('\n').length, nAudits);
  // a colour that is no colour, and an empty name
  const malformed = await b.form('/admin/branding', form({ name: '', color_accent: 'green' }));
  assert.equal(malformed.status, 422);
  assert.match(fieldError(malformed.body, 'color_accent'), /#rgb or #rrggbb/);
  assert.match(fieldError(malformed.body, 'name'), /1 to 100 characters/);
  assert.equal(inputValue(malformed.body, 'color_accent'), 'green');
  assert.equal(stored(), before);
});

test('a good palette is saved, audited, and /theme.css shows it on the next request', async () => {
  const { b, email } = await signedIn('admin');
  // a worker has the tenant cached with its old colours
  const css0 = await request(HOST, '/theme.css');
  assert.match(css0.body, /--color-primary: *#[0-9a-f]{6}/);
  const n0 = audits() ? audits().split('\n').length : 0;
  const colours = { color_primary: '#5c0b3d', color_on_primary: '#FFF', color_background: '#fbf4f8',
    color_text: '#2e1022', color_accent: '#7f1b5b' };
  const r = await b.form('/admin/branding', form({ name: 'Brand Test Plum', ...colours }));
  assert.equal(r.status, 303, r.body);
  assert.equal(r.headers.location, '/admin/branding?saved=1');
  assert.equal(stored(), 'Brand Test Plum\t#5c0b3d\t#ffffff\t#fbf4f8\t#2e1022\t#7f1b5b');
  for (let i = 0; i < 8; i++) { // every worker, not only the one that saved
    const css = await request(HOST, '/theme.css');
    assert.match(css.body, /--color-primary: *#5c0b3d;/);
    assert.match(css.body, /--color-on-primary: *#ffffff;/);
  }
  const page = await b.get('/admin/branding?saved=1');
  assert.match(page.body, /Saved\. The shop shows the new branding now\./);
  assert.match(page.body, /Brand Test Plum · /);
  const rows = audits().split('\n');
  assert.equal(rows.length, n0 + 1);
  const [kind, label, action, beforeJ, afterJ] = rows.at(-1).split('\t');
  assert.equal(kind, 'staff');
  assert.equal(label, email);
  assert.equal(action, 'update');
  assert.equal(cell(afterJ).color_primary, '#5c0b3d');
  assert.equal(cell(afterJ).name, 'Brand Test Plum');
  assert.notEqual(cell(beforeJ).color_primary, '#5c0b3d');
  // the same again changes nothing and records nothing
  const again = await b.form('/admin/branding', form({ name: 'Brand Test Plum', ...colours }));
  assert.equal(again.status, 303);
  assert.equal(audits().split('\n').length, n0 + 1);
});

// ---- the logo ----

// A multipart/form-data body as a browser sends it: fields, then files
// [{name, filename, type, bytes}].
function multipart(fields, files) {
  const boundary = `----ecomFormBoundary${Math.random().toString(16).slice(2)}`;
  const parts = [];
  for (const [k, v] of Object.entries(fields)) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
  }
  for (const f of files) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${f.name}"; filename="${f.filename}"\r\nContent-Type: ${f.type}\r\n\r\n`, 'latin1'));
    parts.push(Buffer.from(f.bytes));
    parts.push(Buffer.from('\r\n'));
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(parts), type: `multipart/form-data; boundary=${boundary}` };
}

async function uploadLogo(b, filename, bytes, { type = 'image/png', csrf = b.csrf } = {}) {
  const { body, type: ct } = multipart(csrf === null ? {} : { csrf }, [{ name: 'logo', filename, type, bytes }]);
  return b.keep(await request(HOST, '/admin/branding/logo', {
    method: 'POST', body, csrf: false, headers: { Cookie: b.cookie, 'Content-Type': ct },
  }));
}

const logoPath = () => sql(`SELECT IFNULL(logo_path, '') FROM tenants WHERE slug = '${SLUG}'`);

test('a PNG, JPEG or WebP logo is accepted by its content, stored by hash, audited, shown and served', async () => {
  const { b, email } = await signedIn('admin');
  const page0 = await b.get('/admin/branding');
  assert.match(page0.body, /<form method="post" action="\/admin\/branding\/logo" enctype="multipart\/form-data"/);
  for (const [name, bytes, type, ext] of [
    ['logo.png', png(40, 40), 'image/png', 'png'],
    ['logo.jpg', jpeg(120, 40), 'image/jpeg', 'jpeg'],
    // a WebP sent as a PNG: the content counts, not the name or type
    ['webp-really.png', webp(64, 64), 'image/png', 'webp'],
  ]) {
    const n0 = audits() ? audits().split('\n').length : 0;
    const r = await uploadLogo(b, name, bytes, { type });
    assert.equal(r.status, 303, `${name}: ${r.body.slice(0, 300)}`);
    assert.equal(r.headers.location, '/admin/branding?saved=logo');
    const sha = createHash('sha256').update(bytes).digest('hex');
    const url = `/static/uploads/${SLUG}/${sha}.${ext}`;
    assert.equal(logoPath(), `uploads/${SLUG}/${sha}.${ext}`);
    // the next request shows it, in the panel and the shop's header
    const page = await b.get('/admin/branding?saved=logo');
    assert.match(page.body, /The logo is saved/);
    assert.ok(page.body.includes(`<img src="${url}"`), `${name} on the screen`);
    const front = await request(HOST, '/');
    assert.ok(front.body.includes(`src="${url}"`), `${name} in the header`);
    const got = await fetch(`http://127.0.0.1:${PORT}${url}`);
    assert.equal(got.status, 200, `${name} served by nginx`);
    assert.deepEqual(Buffer.from(await got.arrayBuffer()), bytes);
    const rows = audits().split('\n');
    assert.equal(rows.length, n0 + 1);
    const [kind, label, action, , afterJ] = rows.at(-1).split('\t');
    assert.deepEqual([kind, label, action], ['staff', email, 'logo']);
    assert.equal(cell(afterJ).logo_path, `uploads/${SLUG}/${sha}.${ext}`);
  }
});

test('an SVG, an oversized, a too-many-pixels, a cut or a garbage file is refused at the field, nothing written', async () => {
  const { b } = await signedIn('admin');
  const before = logoPath();
  const n0 = audits() ? audits().split('\n').length : 0;
  for (const [name, bytes, want] of [
    ['logo.svg', Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="40" height="40"><script>alert(1)</script></svg>'),
      /not a PNG, JPEG or WebP image\. SVG is not accepted/],
    ['big.png', png(40, 40, 512 * 1024), /larger than 512 KiB/],
    ['wide.png', png(5000, 10), /more than 4096 pixels wide or high/],
    ['tall.webp', webp(10, 4097), /more than 4096 pixels/],
    ['cut.jpg', jpeg(40, 40).subarray(0, 30), /damaged or cut short/],
    ['garbage.png', Buffer.from('this is not an image at all, whatever its name says'), /not a PNG, JPEG or WebP/],
    ['empty.png', Buffer.alloc(0), /Choose an image file/],
  ]) {
    const r = await uploadLogo(b, name, bytes);
    assert.equal(r.status, 422, `${name}: ${r.status}`);
    const err = r.body.match(/<span class="field-error" id="logo-error">([^<]*)<\/span>/)?.[1];
    assert.match(err || '', want, name);
    assert.match(r.body, /<input id="logo"[^>]*aria-invalid="true"/);
  }
  assert.equal(logoPath(), before);
  assert.equal(audits() ? audits().split('\n').length : 0, n0);
});

test('a logo upload: role, CSRF and a malformed body', async () => {
  const before = logoPath();
  const { b: editor } = await signedIn('editor');
  assert.equal((await uploadLogo(editor, 'e.png', png(20, 20))).status, 403);
  const { b } = await signedIn('admin');
  assert.equal((await uploadLogo(b, 'n.png', png(21, 21), { csrf: null })).status, 403);
  assert.equal((await uploadLogo(b, 'w.png', png(22, 22), { csrf: 'x'.repeat(43) })).status, 403);
  // a multipart body not closed by its boundary
  const bad = await request(HOST, '/admin/branding/logo', {
    method: 'POST', csrf: false, body: `--xyz\r\nContent-Disposition: form-data; name="csrf"\r\n\r\n${b.csrf}`,
    headers: { Cookie: b.cookie, 'Content-Type': 'multipart/form-data; boundary=xyz' },
  });
  assert.equal(bad.status, 400);
  assert.equal(logoPath(), before);
});
