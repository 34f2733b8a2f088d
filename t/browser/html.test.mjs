// Every kind of page is valid HTML, checked by the Nu HTML Checker
// (vnu.jar from npm, run offline with the machine's Java).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { request } from '../http/lib.mjs';

const vnu = path.join(path.dirname(createRequire(import.meta.url).resolve('vnu-jar')), 'build/dist/vnu.jar');
let dir;

before(() => { dir = mkdtempSync(path.join(os.tmpdir(), 'ecom-vnu-')); });
after(() => rmSync(dir, { recursive: true, force: true }));

const pages = [
  ['nordlys.localhost', '/', 200],
  ['nordlys.localhost', '/tilbud', 200],
  ['nordlys.localhost', '/products/NL-100GB', 200],
  ['nordlys.localhost', '/tilbud/products/NL-50GB', 200],
  ['fjordmobil.localhost', '/', 200],
  ['fjordmobil.localhost', '/familie', 200],
  ['nordlys.localhost', '/no-such-page', 404],
  ['unknown.localhost', '/', 404],
];

test('every kind of page is valid HTML', async () => {
  const files = [];
  for (const [host, urlPath, status] of pages) {
    const res = await request(host, urlPath);
    assert.equal(res.status, status, `${host}${urlPath}`);
    const file = path.join(dir, `${host}${urlPath.replaceAll('/', '_')}.html`);
    writeFileSync(file, res.body);
    files.push(file);
  }
  let out = '';
  try {
    execFileSync('java', ['-jar', vnu, '--errors-only', ...files], { encoding: 'utf8', stdio: 'pipe' });
  } catch (e) {
    out = `${e.stdout}${e.stderr}`;
  }
  assert.equal(out.trim(), '', 'the HTML checker found errors');
});
