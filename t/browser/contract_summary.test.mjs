// The EU contract summary's HTML is valid: the unit test of
// handlers/contract_summary.c writes a summary of two subscriptions (one
// with a campaign, add-ons and a name full of HTML's special characters)
// as a whole document, and the Nu HTML checker (vnu.jar from npm, run
// offline with the machine's Java) must find no error in it. The checkout
// page that shows it is checked with the other pages (html.test.mjs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const vnu = path.join(path.dirname(createRequire(import.meta.url).resolve('vnu-jar')), 'build/dist/vnu.jar');
// scripts/test runs the stack on the sanitizer build; its unit tests are beside it
const build = process.env.ECOMD_BIN ? path.dirname(process.env.ECOMD_BIN) : path.join(root, 'build/san');
const program = path.join(build, 't/unit/handlers/contract_summary_test');

test('the contract summary is valid HTML', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ecom-summary-'));
  try {
    const file = path.join(dir, 'contract_summary.html');
    execFileSync(program, [], {
      env: { ...process.env, EC_SRCDIR: root, EC_CONTRACT_SUMMARY_HTML: file },
      stdio: 'pipe',
    });
    const html = readFileSync(file, 'utf8');
    assert.match(html, /<h2 id="contract-summary-1">Kontraktresumé: Large &lt;b&gt;/);
    assert.match(html, /<h2 id="contract-summary-2">/);
    let out = '';
    try {
      execFileSync('java', ['-jar', vnu, '--errors-only', file], { encoding: 'utf8', stdio: 'pipe' });
    } catch (e) {
      out = `${e.stdout}${e.stderr}`;
    }
    assert.equal(out.trim(), '', 'the HTML checker found errors');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
