// The operator's side: help, configuration checks, migrations run twice.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT, STACK_DIR, ecomctl, ecomdEnv, secret, sql } from './lib.mjs';

const ecomd = path.join(ROOT, 'build/plain/ecomd');
const ecomctlBin = path.join(ROOT, 'build/plain/ecomctl');

test('--help and -h print the usage to stdout and exit 0', () => {
  for (const [bin, name] of [[ecomd, 'ecomd'], [ecomctlBin, 'ecomctl']]) {
    for (const flag of ['--help', '-h']) {
      const r = spawnSync(bin, [flag], { encoding: 'utf8' });
      assert.equal(r.status, 0, `${name} ${flag}: ${r.stderr}`);
      assert.match(r.stdout, new RegExp(`^usage: ${name} `), `${name} ${flag}`);
      assert.match(r.stdout, /--help/);
      assert.equal(r.stderr, '');
    }
    const v = spawnSync(bin, ['--version'], { encoding: 'utf8' });
    assert.equal(v.status, 0);
    assert.match(v.stdout, new RegExp(`^${name} \\d`));
    // an unknown option is still a usage error, on stderr
    const bad = spawnSync(bin, ['--no-such-option'], { encoding: 'utf8' });
    assert.equal(bad.status, 2);
    assert.equal(bad.stdout, '');
    assert.match(bad.stderr, new RegExp(`usage: ${name} `));
  }
  const r = spawnSync(ecomctlBin, ['--help'], { encoding: 'utf8' });
  assert.match(r.stdout, /^  render TEMPLATE DATA\.json/m, 'the commands are listed');
});

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

test('migrations are recorded and safe to run again, as the schema\'s owner only', () => {
  const again = execFileSync(path.join(ROOT, 'build/plain/ecomctl'),
    ['-c', path.join(STACK_DIR, 'ecomd.conf'), '-u', 'ecom_owner', 'migrate', path.join(ROOT, 'sql')],
    { encoding: 'utf8', env: { ...ecomdEnv(), ECOMD_MYSQL_PASSWORD: secret('mysql_owner_password') } });
  assert.doesNotMatch(again, /applied/, 'nothing is applied twice');
  assert.match(again, /schema is up to date/);
  // ecomd's own account may not change tables, so it cannot migrate
  const r = spawnSync(path.join(ROOT, 'build/plain/ecomctl'),
    ['-c', path.join(STACK_DIR, 'ecomd.conf'), 'migrate', path.join(ROOT, 'sql')],
    { encoding: 'utf8', env: ecomdEnv() });
  assert.notEqual(r.status, 0, r.stdout);
  assert.match(r.stderr, /denied/i);
});

test('ecomctl lists the demo tenants with their hosts', () => {
  const out = ecomctl('tenant', 'list');
  assert.match(out, /^fjordmobil\tactive\tFjordmobil\tfjordmobil\.localhost$/m);
  assert.match(out, /^nordlys\tactive\tNordlys Mobil\tnordlys\.localhost$/m);
});

test('ecomctl render prints exactly the rendered bytes, partials from --partials', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ecom-render-'));
  try {
    writeFileSync(path.join(dir, 'page.mustache'), '{{<layout}}{{$body}}Hi {{name}}!{{/body}}{{/layout}}');
    mkdirSync(path.join(dir, 'parts'));
    writeFileSync(path.join(dir, 'parts/layout.mustache'), '<p>{{$body}}default{{/body}}</p>{{>missing}}');
    writeFileSync(path.join(dir, 'data.json'), '{"name":"<Ann & Bo>"}');
    const out = execFileSync(path.join(ROOT, 'build/plain/ecomctl'),
      ['render', path.join(dir, 'page.mustache'), path.join(dir, 'data.json'),
       '--partials', path.join(dir, 'parts')]);
    // a missing partial renders as nothing; no newline is added at the end
    assert.equal(out.toString('utf8'), '<p>Hi &lt;Ann &amp; Bo&gt;!</p>');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

// json-c reads "85" at the end of its input as a number that may go on;
// the data file was refused ("continue") until the parser was told it ends.
test('ecomctl render takes a data file holding only a number, no newline', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ecom-render-'));
  try {
    writeFileSync(path.join(dir, 'n.mustache'), '[{{.}}]');
    for (const [data, want] of [['85', '[85]'], ['85\n', '[85]'], ['-1.5', '[-1.5]'],
                                ['"x"', '[x]'], ['true', '[true]']]) {
      writeFileSync(path.join(dir, 'data.json'), data);
      const r = spawnSync(ecomctlBin, ['render', path.join(dir, 'n.mustache'),
        path.join(dir, 'data.json')], { encoding: 'utf8' });
      assert.equal(r.stderr, '', JSON.stringify(data));
      assert.equal(r.status, 0);
      assert.equal(r.stdout, want);
    }
    writeFileSync(path.join(dir, 'data.json'), '8 5');
    const r = spawnSync(ecomctlBin, ['render', path.join(dir, 'n.mustache'),
      path.join(dir, 'data.json')], { encoding: 'utf8' });
    assert.equal(r.status, 1);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr, `ecomctl: ${path.join(dir, 'data.json')}:1:3: not valid JSON: more after the JSON value\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('ecomctl render fails with the template, line and column of a bad tag', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ecom-render-'));
  try {
    const tmpl = path.join(dir, 'bad.mustache');
    writeFileSync(tmpl, 'line one\n  {{#items}}\n{{/itemz}}\n');
    writeFileSync(path.join(dir, 'data.json'), '{}');
    const r = spawnSync(path.join(ROOT, 'build/plain/ecomctl'),
      ['render', tmpl, path.join(dir, 'data.json')], { encoding: 'utf8' });
    assert.equal(r.status, 1);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, new RegExp(`^${tmpl}:3:1: `));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('ecomctl staff adds the admin panel\'s users, lists them and enrols a second factor, the secret stored only sealed', () => {
  const email = `editor-${process.pid}@staff.example`;
  const run = (args, env = {}) => spawnSync(path.join(ROOT, 'build/plain/ecomctl'),
    ['-c', path.join(STACK_DIR, 'ecomd.conf'), 'staff', ...args],
    { encoding: 'utf8', env: { ...ecomdEnv(), ...env } });
  try {
    // the password only from the environment, never the command line
    const nopw = run(['create', 'nordlys', email, 'Eda Editor', 'editor']);
    assert.equal(nopw.status, 2, nopw.stderr);
    assert.match(nopw.stderr, /ECOMD_STAFF_PASSWORD/);
    const pw = { ECOMD_STAFF_PASSWORD: 'a long staff password' };
    const made = run(['create', 'nordlys', email, 'Eda Editor', 'editor'], pw);
    assert.equal(made.status, 0, made.stderr);
    assert.match(made.stdout, new RegExp(`added ${email} \\(Eda Editor\\) as editor of nordlys`));
    assert.equal(run(['create', 'nordlys', email, 'Eda Editor', 'editor'], pw).status, 1, 'once per tenant');
    assert.equal(run(['create', 'nordlys', `op-${email}`, 'Op', 'operator'], pw).status, 1, 'an operator has no tenant');
    assert.equal(run(['create', 'nordlys', email, 'Eda', 'root'], pw).status, 2);
    const list = run(['list', 'nordlys']);
    assert.equal(list.status, 0);
    assert.match(list.stdout, new RegExp(`^${email}\teditor\tEda Editor\t-$`, 'm'));
    const enrol = run(['totp', 'nordlys', email]);
    assert.equal(enrol.status, 0, enrol.stderr);
    const b32 = enrol.stdout.match(/^secret ([A-Z2-7]{32})$/m)[1];
    assert.match(enrol.stdout, new RegExp(`^otpauth://totp/ecom:${email}\\?secret=${b32}&`, 'm'));
    const stored = sql(`SELECT totp_sealed FROM staff_users WHERE email = '${email}'`);
    assert.ok(stored.startsWith('v1.') && !stored.includes(b32), 'sealed');
    assert.match(run(['list', 'nordlys']).stdout, new RegExp(`^${email}\teditor\tEda Editor\ttotp$`, 'm'));
    assert.equal(run(['totp', 'fjordmobil', email]).status, 1, 'another tenant has no such user');
  } finally {
    sql(`DELETE FROM staff_users WHERE email = '${email}'`);
  }
});
