// Log rotation (issue 16, point 4): etc/logrotate.d/ecomd, pointed at
// the test stack's files, rotates the access and error logs and makes
// ecomd reopen them with SIGUSR1; the next request lands in the new file
// and nothing of the old one is lost.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { eventually, NORDLYS, readLog, request, ROOT, STACK_DIR } from './lib.mjs';

const LOG = path.join(STACK_DIR, 'log');
const linesWith = (text, id) => text.split('\n').filter((l) => l.includes(id));

// The shipped file with the stack's paths and account put in.
function stackConfig(dir) {
  const owner = statSync(path.join(LOG, 'ecomd-access.log'));
  const user = execFileSync('id', ['-nu', String(owner.uid)], { encoding: 'utf8' }).trim();
  const group = execFileSync('getent', ['group', String(owner.gid)], { encoding: 'utf8' }).split(':')[0];
  const conf = readFileSync(path.join(ROOT, 'etc/logrotate.d/ecomd'), 'utf8')
    .replaceAll('/var/log/ecomd/', `${LOG}/`)
    .replaceAll('/run/ecomd/ecomd.pid', path.join(STACK_DIR, 'run/ecomd.pid'))
    .replace('su ecomd ecomd', `su ${user} ${group}`)
    .replace('create 0640 ecomd ecomd', `create 0640 ${user} ${group}`);
  assert.notEqual(conf, readFileSync(path.join(ROOT, 'etc/logrotate.d/ecomd'), 'utf8'));
  const file = path.join(dir, 'ecomd');
  writeFileSync(file, conf);
  return file;
}

test('logrotate rotates the access and error logs, and ecomd writes on in the new files', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ec-logrotate-'));
  try {
    const before = `rotate-before-${Date.now()}`;
    await request(NORDLYS, '/api/v1/tenant', { headers: { 'X-Request-Id': before } });
    await eventually(() => linesWith(readLog('ecomd-access.log'), before).length === 1);
    for (const f of ['ecomd-access.log.1', 'ecomd-error.log.1']) rmSync(path.join(LOG, f), { force: true });

    execFileSync('logrotate', ['-f', '-s', path.join(dir, 'state'), stackConfig(dir)], { stdio: 'pipe' });

    // the old lines are in .1, whole
    const rotated = readFileSync(path.join(LOG, 'ecomd-access.log.1'), 'utf8');
    assert.equal(linesWith(rotated, before).length, 1);
    assert.ok(rotated.endsWith('\n'));
    assert.ok(existsSync(path.join(LOG, 'ecomd-error.log.1')));
    // every worker reopened: several requests, each in the new file
    const ids = [];
    for (let i = 0; i < 12; i++) {
      const id = `rotate-after-${Date.now()}-${i}`;
      ids.push(id);
      assert.equal((await request(NORDLYS, '/api/v1/tenant', { headers: { 'X-Request-Id': id } })).status, 200);
    }
    await eventually(() => ids.every((id) => linesWith(readLog('ecomd-access.log'), id).length === 1));
    const rotatedAfter = readFileSync(path.join(LOG, 'ecomd-access.log.1'), 'utf8');
    for (const id of ids) assert.equal(linesWith(rotatedAfter, id).length, 0, id);
    // the new file is the account's own, not world-readable
    const mode = statSync(path.join(LOG, 'ecomd-access.log')).mode & 0o777;
    assert.equal(mode & 0o007, 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
