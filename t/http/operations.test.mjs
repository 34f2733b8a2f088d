// The operator's side: configuration checks, migrations run twice.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT, ecomctl } from './lib.mjs';

const ecomd = path.join(ROOT, 'build/plain/ecomd');

test('ecomd -t accepts the shipped configuration', () => {
  const out = execFileSync(ecomd, ['-t', '-c', path.join(ROOT, 'etc/ecomd.conf')], { encoding: 'utf8' });
  assert.match(out, /is valid/);
});

test('ecomd refuses an invalid configuration with file, line and reason', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ecomd-conf-'));
  const file = path.join(dir, 'bad.conf');
  try {
    writeFileSync(file, 'listen = /tmp/x.sock\n# fine so far\nworkers = lots\n');
    for (const args of [['-t', '-c', file], ['-f', '-c', file]]) {
      const r = spawnSync(ecomd, args, { encoding: 'utf8' });
      assert.equal(r.status, 1, args.join(' '));
      assert.equal(r.stderr.trim(), `ecomd: ${file}:3: workers: 'lots' is not a whole number`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('migrations are recorded and safe to run again', () => {
  const again = ecomctl('migrate', path.join(ROOT, 'sql'));
  assert.doesNotMatch(again, /applied/, 'nothing is applied twice');
  assert.match(again, /schema is up to date/);
});

test('ecomctl lists the demo tenants with their hosts', () => {
  const out = ecomctl('tenant', 'list');
  assert.match(out, /^fjordmobil\tactive\tFjordmobil\tfjordmobil\.localhost$/m);
  assert.match(out, /^nordlys\tactive\tNordlys Mobil\tnordlys\.localhost$/m);
});
