// Least privilege on the stack (docs/operations.md): no service runs as
// root, MariaDB's root has no password-less way in over TCP, there is no
// anonymous account, ecomd's database account cannot change tables, and
// Redis refuses a client that does not authenticate. The tests run as
// root; the attempts an outsider would make run as "nobody".
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REDIS_PORT, ROOT, STACK, STACK_DIR, redis, secret, sql } from './lib.mjs';

const MYSQL_PORT = String(process.env.EC_MYSQL_PORT || 13307);
const SOCK = path.join(STACK_DIR, 'run/mysqld.sock');

// CMD as the unprivileged user nobody: {status, out} (stdout and stderr).
function asNobody(cmd, args, env = {}) {
  const r = spawnSync('runuser', ['-u', 'nobody', '--', cmd, ...args],
    { encoding: 'utf8', env: { PATH: process.env.PATH, ...env } });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

// SQL as ecomd's own account, over TCP as ecomd connects: {status, out}.
function asEcom(statement) {
  const r = spawnSync('mariadb', ['--no-defaults', '-h127.0.0.1', `-P${MYSQL_PORT}`, '-uecom',
    'ecom', '-N', '-B', '-e', statement],
  { encoding: 'utf8', env: { ...process.env, MYSQL_PWD: secret('mysql_password') } });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

test('MariaDB root without a password over TCP is refused, to anyone', () => {
  for (const host of ['127.0.0.1', 'localhost']) {
    const r = asNobody('mariadb', ['--no-defaults', `-h${host}`, '--protocol=TCP', `-P${MYSQL_PORT}`,
      '-uroot', '-e', 'SELECT 1']);
    assert.notEqual(r.status, 0, r.out);
    assert.match(r.out, /Access denied for user 'root'/);
  }
  // not even from OS root: root logs in through the unix socket only
  const tcp = spawnSync('mariadb', ['--no-defaults', '-h127.0.0.1', `-P${MYSQL_PORT}`, '-uroot',
    '-e', 'SELECT 1'], { encoding: 'utf8' });
  assert.notEqual(tcp.status, 0, tcp.stdout);
  // and an unprivileged OS user on the socket is not root
  const sock = asNobody('mariadb', ['--no-defaults', `--socket=${SOCK}`, '-uroot', '-e', 'SELECT 1']);
  assert.notEqual(sock.status, 0, sock.out);
});

test('no anonymous account, no test database, root only on localhost, files only in mysql-files', () => {
  assert.equal(sql("SELECT COUNT(*) FROM mysql.user WHERE User = ''"), '0');
  assert.equal(sql("SELECT GROUP_CONCAT(Host) FROM mysql.user WHERE User = 'root'"), 'localhost');
  assert.equal(sql("SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = 'test'"), '0');
  assert.equal(sql('SELECT @@secure_file_priv').replace(/\/$/, ''), path.join(STACK_DIR, 'mysql-files'));
  const anon = asNobody('mariadb', ['--no-defaults', '-h127.0.0.1', `-P${MYSQL_PORT}`, '-e', 'SELECT 1']);
  assert.notEqual(anon.status, 0, anon.out);
});

test("ecomd's database account reads and writes rows but cannot CREATE, DROP or ALTER", () => {
  const grants = asEcom('SHOW GRANTS');
  assert.equal(grants.status, 0, grants.out);
  assert.match(grants.out, /GRANT SELECT, INSERT ON `ecom`\.\* TO `ecom`@`127\.0\.0\.1`/);
  // UPDATE and DELETE table by table, and not on the append-only audit log
  assert.match(grants.out, /GRANT UPDATE, DELETE ON `ecom`\.`tenants` TO `ecom`@`127\.0\.0\.1`/);
  assert.doesNotMatch(grants.out, /`audit_log`/);
  assert.doesNotMatch(grants.out, /ALL PRIVILEGES|CREATE|DROP|ALTER|GRANT OPTION|FILE/);
  assert.equal(asEcom('SELECT COUNT(*) > 0 FROM tenants').out.trim(), '1');
  for (const statement of [
    'CREATE TABLE privilege_probe (id INT)',
    'DROP TABLE tenants',
    'ALTER TABLE tenants ADD COLUMN privilege_probe INT',
    'TRUNCATE TABLE numbers',
    'UPDATE audit_log SET action = action',
    'DELETE FROM audit_log',
    'CREATE DATABASE privilege_probe',
    "SELECT 1 INTO OUTFILE '/tmp/privilege_probe'",
  ]) {
    const r = asEcom(statement);
    assert.notEqual(r.status, 0, `${statement} was allowed`);
    assert.match(r.out, /denied/i, statement);
  }
  assert.equal(sql("SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_NAME = 'privilege_probe'"), '0');
});

test('Redis refuses a client that does not authenticate, or gives a wrong password (NOAUTH)', () => {
  for (const args of [['SET', 'ecom:privilege:probe', 'x'], ['GET', 'ecom:privilege:probe'], ['CONFIG', 'GET', 'maxmemory']]) {
    const r = asNobody('redis-cli', ['-p', REDIS_PORT, ...args]);
    assert.match(r.out, /NOAUTH/, `${args[0]}: ${r.out}`);
  }
  const wrong = asNobody('redis-cli', ['--user', 'ecomd', '-p', REDIS_PORT, 'PING'],
    { REDISCLI_AUTH: 'not-the-password' });
  assert.match(wrong.out, /WRONGPASS|NOAUTH/, wrong.out);
  assert.equal(redis('EXISTS', 'ecom:privilege:probe'), '0', 'nothing was written');
});

test("ecomd's Redis account reaches its own keys only, and no administration", () => {
  const asEcomd = (...args) => execFileSync('redis-cli', ['--user', 'ecomd', '-p', REDIS_PORT, ...args],
    { encoding: 'utf8', env: { ...process.env, REDISCLI_AUTH: secret('redis_password') } }).trim();
  assert.equal(asEcomd('PING'), 'PONG');
  assert.equal(asEcomd('SET', 'ecom:privilege:probe', 'x', 'PX', '5000'), 'OK');
  assert.equal(asEcomd('DEL', 'ecom:privilege:probe'), '1');
  for (const args of [['SET', 'other:probe', 'x'], ['FLUSHALL'], ['CONFIG', 'SET', 'maxmemory', '0'],
                      ['KEYS', '*'], ['ACL', 'LIST'], ['SHUTDOWN']]) {
    assert.match(asEcomd(...args), /NOPERM/, args.join(' '));
  }
});

test('Redis has a memory limit and refuses writes at it rather than evict baskets', () => {
  const max = Number(redis('CONFIG', 'GET', 'maxmemory').split('\n')[1]);
  assert.ok(max > 0, `maxmemory ${max}`);
  assert.equal(redis('CONFIG', 'GET', 'maxmemory-policy').split('\n')[1], 'noeviction');
  // the check an alert runs (docs/operations.md)
  const out = execFileSync(path.join(ROOT, 'scripts/stack'), [STACK, 'redis-memory'], { encoding: 'utf8' });
  assert.match(out, new RegExp(`^used_memory \\d+\\nmaxmemory ${max}\\nused_percent \\d+\\n$`));
});

// [real, effective, saved, filesystem] ids of a process, from /proc.
function ids(pid, what) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return status.match(new RegExp(`^${what}:\\s+(.*)$`, 'm'))[1].split(/\s+/).map(Number);
}

function withChildren(pid) {
  const r = spawnSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' });
  return [pid, ...r.stdout.split('\n').filter(Boolean).map(Number)];
}

test('no process of the stack runs as root: MariaDB, Redis, ecomd and its workers', () => {
  const expect = { 'mysqld.pid': 'mysql', 'redis.pid': 'redis', 'ecomd.pid': 'ecomd' };
  for (const [file, user] of Object.entries(expect)) {
    const pid = Number(readFileSync(path.join(STACK_DIR, 'run', file), 'utf8').trim());
    const pids = withChildren(pid);
    if (file === 'ecomd.pid') assert.ok(pids.length > 1, 'ecomd has workers');
    for (const p of pids) {
      for (const what of ['Uid', 'Gid']) {
        const v = ids(p, what);
        assert.ok(v.every((id) => id !== 0), `${file}: process ${p} ${what} ${v.join(' ')}`);
      }
      const owner = execFileSync('ps', ['-o', 'user=', '-p', String(p)], { encoding: 'utf8' }).trim();
      assert.equal(owner, user, `${file}: process ${p}`);
      const groups = readFileSync(`/proc/${p}/status`, 'utf8').match(/^Groups:\s*(.*)$/m)[1];
      assert.ok(!groups.split(/\s+/).includes('0'), `${file}: process ${p} in group root`);
    }
  }
});

test('ecomd started as root refuses to run without user, or as root', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ecomd-root-'));
  try {
    const base = `listen = ${dir}/ecomd.sock\nerror_log = stderr\naccess_log = stderr\n`;
    for (const [extra, reason] of [['', /without 'user'/], ['user = root\n', /is root/],
                                   ['user = no-such-user-here\n', /no user 'no-such-user-here'/]]) {
      writeFileSync(path.join(dir, 'ecomd.conf'), base + extra);
      const r = spawnSync(path.join(ROOT, 'build/plain/ecomd'), ['-f', '-c', path.join(dir, 'ecomd.conf')],
        { encoding: 'utf8', timeout: 10000 });
      assert.equal(r.status, 1, r.stderr);
      assert.match(r.stderr, reason);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
