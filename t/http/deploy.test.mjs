// Deploys without a failed request (issue 16, point 5): scripts/deploy
// builds, migrates, starts the new ecomd beside the old one on the same
// sockets, stops the old one gracefully and reloads nginx, while
// customers keep browsing and adding to their baskets.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { eventually, json, masterPid, newSession, NORDLYS, FJORD, request, ROOT, STACK, STACK_DIR } from './lib.mjs';

function deploy() {
  return new Promise((resolve) => {
    execFile(path.join(ROOT, 'scripts/deploy'), [STACK], { encoding: 'utf8', timeout: 300000 },
      (err, stdout, stderr) => resolve({ code: err ? err.code ?? 1 : 0, stdout, stderr }));
  });
}

// One customer, until stopped: pages, the product list, a basket line.
async function customer(host, stats, stop) {
  const { cookie } = await newSession(host);
  const sku = host === NORDLYS ? 'NL-50GB' : 'FJ-BASIS';
  for (let i = 0; !stop.now; i++) {
    let res;
    try {
      if (i % 3 === 0) {
        res = await request(host, '/', { headers: { Cookie: cookie } });
      } else if (i % 3 === 1) {
        res = await request(host, '/api/v1/products', { headers: { Cookie: cookie } });
      } else {
        res = await json(host, '/api/v1/basket/lines', {
          method: 'POST', headers: { 'Content-Type': 'application/json', Cookie: cookie },
          body: JSON.stringify({ sku, binding_months: 0, binding_accepted: true, sim_type: 'esim' }),
        });
        // a full basket is the shop's answer, not a failure
        if (res.status === 422 && /basket_limit/.test(res.body)) {
          await json(host, '/api/v1/basket', { headers: { Cookie: cookie } });
          res = { status: 200 };
        }
      }
      stats.total++;
      if (res.status >= 500 || res.status === 0) {
        stats.failed++;
        stats.failures.push(`${res.status} ${res.body?.slice(0, 120)}`);
      }
    } catch (e) {
      stats.total++;
      stats.failed++;
      stats.failures.push(String(e));
    }
  }
}

test('a deploy under load fails no request', { timeout: 300000 }, async () => {
  const oldMaster = masterPid();
  // a configuration left from an older release is written again
  const conf = path.join(STACK_DIR, 'ecomd.conf');
  const written = readFileSync(conf, 'utf8');
  writeFileSync(conf, `${written}# left by an older release\n`);
  const stats = { total: 0, failed: 0, failures: [] };
  const stop = { now: false };
  const customers = [];
  for (let i = 0; i < 6; i++) customers.push(customer(i % 2 ? FJORD : NORDLYS, stats, stop));

  await new Promise((r) => setTimeout(r, 1000));
  const before = stats.total;
  const result = await deploy();
  const during = stats.total - before;
  await new Promise((r) => setTimeout(r, 1000));
  stop.now = true;
  await Promise.all(customers);

  assert.equal(result.code, 0, `${result.stdout}\n${result.stderr}`);
  assert.match(result.stdout, /deployed: ecomd \d+/);
  // nothing changed nginx's configuration: it is not reloaded
  assert.match(result.stdout, /nginx: its configuration is unchanged; no reload/);
  assert.ok(during > 20, `only ${during} requests while deploying`);
  assert.deepEqual(stats.failures.slice(0, 5), []);
  assert.equal(stats.failed, 0);
  // a new master serves, the old one is gone, and left the socket alone
  const newMaster = masterPid();
  assert.notEqual(newMaster, oldMaster);
  assert.throws(() => process.kill(oldMaster, 0));
  assert.ok(!existsSync(path.join(STACK_DIR, 'run/ecomd.pid.oldbin')));
  assert.ok(existsSync(path.join(STACK_DIR, 'run/ecomd.sock')));
  assert.equal((await request(NORDLYS, '/readyz')).status, 200);
  const now = readFileSync(conf, 'utf8');
  assert.doesNotMatch(now, /# left by an older release/);
  assert.match(now, /^# Written by scripts for the test stack/);
  assert.match(now, /^pid_file = .*\/run\/ecomd\.pid$/m);
  assert.ok(!existsSync(`${conf}.running`));
  const log = readFileSync(path.join(STACK_DIR, 'log/ecomd-error.log'), 'utf8');
  assert.match(log, new RegExp(`"pid":${oldMaster},"msg":"upgrade: the new master serves`));
});

// A stop that comes while the new master still starts (an operator's
// TERM as soon as the old master took USR2): the old master waits to
// hear whether the new one serves, and leaves it the socket and the pid
// file.
test('a stop right after an upgrade began leaves the new master its socket', { timeout: 120000 }, async () => {
  const oldMaster = masterPid();
  const renamed = path.join(STACK_DIR, 'run/ecomd.pid.oldbin');
  process.kill(oldMaster, 'SIGUSR2');
  // the pid file named .oldbin: the new master is being started (polled
  // without a pause, to stop the old one before the new one reports)
  for (const end = Date.now() + 10000; !existsSync(renamed);) {
    assert.ok(Date.now() < end, 'the old master did not take USR2');
  }
  process.kill(oldMaster, 'SIGTERM');
  await eventually(() => {
    try { process.kill(oldMaster, 0); return false; } catch { return true; }
  }, { timeout: 60000 });
  const newMaster = await eventually(() => {
    const p = masterPid();
    return p !== oldMaster && p;
  });
  process.kill(newMaster, 0);
  assert.ok(existsSync(path.join(STACK_DIR, 'run/ecomd.sock')), 'the socket is still there');
  assert.ok(!existsSync(path.join(STACK_DIR, 'run/ecomd.pid.oldbin')));
  assert.equal((await request(NORDLYS, '/readyz')).status, 200);
  assert.equal((await request(FJORD, '/')).status, 200);
});
