// The process model and the stores failing and coming back. These tests
// stop and start services of the test stack, so scripts/test runs test
// files one at a time.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { request, json, stack, masterPid, workerPids, eventually, sleep, readLog, STACK_DIR, NORDLYS } from './lib.mjs';

test('after kill -9 of one worker the next 100 requests all succeed', async () => {
  const before = workerPids();
  assert.ok(before.length >= 2, `workers: ${before}`);
  process.kill(before[0], 'SIGKILL');
  for (let i = 0; i < 100; i++) {
    const res = await request(NORDLYS, '/');
    assert.equal(res.status, 200, `request ${i}`);
  }
  // and the master replaced the dead worker
  const after = await eventually(() => {
    const pids = workerPids();
    return pids.length === before.length && !pids.includes(before[0]) && pids;
  });
  assert.equal(after.length, before.length);
});

test('a worker that dies right after starting is restarted after a back-off', async () => {
  const before = workerPids();
  process.kill(before[0], 'SIGKILL');
  // kill its replacement as soon as it appears: it died "at once"
  const replacement = await eventually(() => workerPids().find((p) => !before.includes(p)));
  process.kill(replacement, 'SIGKILL');
  await eventually(() => /worker died \d+ ms after start; next try in \d+ ms/.test(readLog('ecomd-error.log')));
  const after = await eventually(() => {
    const pids = workerPids();
    return pids.length === before.length && !pids.includes(replacement) && pids;
  });
  assert.equal(after.length, before.length);
  assert.equal((await request(NORDLYS, '/')).status, 200);
});

test('a SIGHUP during a request loop loses no request', async () => {
  const before = workerPids();
  let stop = false;
  const results = [];
  const loop = async () => {
    while (!stop) {
      const res = await request(NORDLYS, '/');
      results.push(res.status);
    }
  };
  const loops = [loop(), loop(), loop(), loop()];
  await sleep(500);
  process.kill(masterPid(), 'SIGHUP');
  await sleep(700);
  process.kill(masterPid(), 'SIGHUP');
  await sleep(700);
  stop = true;
  await Promise.all(loops);
  assert.ok(results.length > 50, `only ${results.length} requests ran`);
  const bad = results.filter((s) => s !== 200);
  assert.deepEqual(bad, [], `${bad.length} of ${results.length} failed`);
  // every worker is from the new generation
  const after = await eventually(() => {
    const pids = workerPids();
    return pids.length === before.length && pids.every((p) => !before.includes(p)) && pids;
  });
  assert.equal(after.length, before.length);
});

test('with Redis stopped a page that needs it gets 503, /healthz still answers, and it recovers', async () => {
  stack('stop-redis');
  try {
    const page = await request(NORDLYS, '/');
    assert.equal(page.status, 503);
    assert.ok(Number(page.headers['retry-after']) > 0, 'Retry-After');
    assert.match(page.body, /temporarily unavailable/);
    const api = await json(NORDLYS, '/api/v1/tenant');
    assert.equal(api.status, 503);
    assert.equal(api.json.error.code, 'unavailable');
    const health = await json('x.localhost', '/healthz');
    assert.equal(health.status, 200);
    const ready = await json('x.localhost', '/readyz');
    assert.equal(ready.status, 503);
    assert.equal(ready.json.checks.redis, 'down');
    assert.equal(ready.json.checks.mysql, 'ok');
  } finally {
    stack('start-redis');
  }
  await eventually(async () => (await request(NORDLYS, '/')).status === 200);
  // every worker recovers, not just one: enough requests to reach them all
  for (let i = 0; i < 40; i++)
    assert.equal((await request(NORDLYS, '/')).status, 200, `request ${i}`);
});

// Regression: after Redis restarted, each worker's first request failed
// with 503 on its stale connections before it reconnected.
test('after a Redis restart the very next requests succeed on every worker', async () => {
  for (let i = 0; i < 20; i++) await request(NORDLYS, '/');   // warm every worker
  stack('stop-redis');
  stack('start-redis');
  for (let i = 0; i < 20; i++) {
    assert.equal((await request(NORDLYS, '/')).status, 200, `request ${i}`);
    assert.equal((await json(NORDLYS, '/api/v1/numbers?count=3')).status, 200, `numbers ${i}`);
  }
});

test('with MariaDB stopped /readyz is 503, and after it restarts all is well again', async () => {
  stack('stop-mariadb');
  try {
    const ready = await json('x.localhost', '/readyz');
    assert.equal(ready.status, 503);
    assert.equal(ready.json.checks.mysql, 'down');
    assert.equal((await json('x.localhost', '/healthz')).status, 200);
    // a host no worker has cached needs MySQL: a clear 503, not a 500
    const fresh = await json('never-seen.localhost', '/api/v1/tenant');
    assert.equal(fresh.status, 503);
    assert.equal(fresh.json.error.code, 'unavailable');
  } finally {
    stack('start-mariadb');
  }
  await eventually(async () => (await json('x.localhost', '/readyz')).status === 200, { timeout: 30000 });
  for (let i = 0; i < 20; i++)
    assert.equal((await request(NORDLYS, '/api/v1/tenant')).status, 200, `request ${i}`);
});

test('SIGTERM stops ecomd gracefully: answers finish, nothing is left behind', async () => {
  const master = masterPid();
  const workers = workerPids();
  let stop = false;
  const statuses = [];
  const loop = async () => {
    while (!stop) statuses.push((await request(NORDLYS, '/api/v1/tenant')).status);
  };
  const loops = [loop(), loop(), loop()];
  await sleep(300);
  process.kill(master, 'SIGTERM');
  await eventually(() => { try { process.kill(master, 0); return false; } catch { return true; } });
  stop = true;
  await Promise.all(loops);
  // every answer is whole: 200 before the stop, nginx's 503 after it
  assert.deepEqual([...new Set(statuses.filter((s) => s !== 200 && s !== 503))], []);
  assert.ok(statuses.includes(200));
  for (const pid of workers)
    assert.throws(() => process.kill(pid, 0), /ESRCH/, `worker ${pid} still alive`);
  assert.ok(!existsSync(path.join(STACK_DIR, 'run/ecomd.pid')), 'pid file removed');
  assert.ok(!existsSync(path.join(STACK_DIR, 'run/ecomd.sock')), 'socket removed');
  assert.match(readLog('ecomd-error.log'), /stopping gracefully/);
  stack('start-ecomd');
  await eventually(async () => (await request(NORDLYS, '/')).status === 200);
});
