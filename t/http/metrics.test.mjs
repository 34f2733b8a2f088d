// Metrics (issue 16, point 1): ecomd's counters in the Prometheus text
// format on a listener of their own, summed over the workers by the
// master from shared memory. Each test makes known requests and checks
// that the counters moved by exactly those.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { eventually, json, masterPid, newSession, NORDLYS, FJORD, request, workerPids }
  from './lib.mjs';

const METRICS_PORT = Number(process.env.EC_METRICS_PORT ||
  19464 + Number(process.env.EC_TEST_PORT_OFFSET || 0));

// One request to the metrics listener: {status, headers, body}.
function metricsRequest(path, { method = 'GET' } = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: METRICS_PORT, path, method, agent: false },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode, headers: res.headers,
          body: Buffer.concat(chunks).toString('utf8') }));
      });
    req.on('error', reject);
    req.end();
  });
}

// The samples of a scrape: "name{labels}" -> value.
async function scrape() {
  const res = await metricsRequest('/metrics');
  assert.equal(res.status, 200);
  const samples = new Map();
  for (const line of res.body.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const i = line.lastIndexOf(' ');
    samples.set(line.slice(0, i), Number(line.slice(i + 1)));
  }
  return samples;
}

const requests = (route, method, status, tenant) =>
  `ecomd_http_requests_total{route="${route}",method="${method}",status="${status}",tenant="${tenant}"}`;
const at = (samples, key) => samples.get(key) ?? 0;

test('the listener speaks the Prometheus text format, and only at /metrics', async () => {
  const res = await metricsRequest('/metrics');
  assert.equal(res.status, 200);
  assert.match(res.headers['content-type'], /^text\/plain; version=0\.0\.4/);
  assert.match(res.body, /^# HELP ecomd_http_requests_total /m);
  assert.match(res.body, /^# TYPE ecomd_http_requests_total counter$/m);
  assert.match(res.body, /^# TYPE ecomd_http_request_duration_seconds histogram$/m);
  // every sample line is name{labels} value
  for (const line of res.body.split('\n').filter((l) => l && !l.startsWith('#'))) {
    assert.match(line, /^ecomd_[a-z_]+(\{([a-z_]+="([^"\\]|\\.)*",?)+\})? [0-9.e+]+$/, line);
  }
  assert.equal((await metricsRequest('/other')).status, 404);
  assert.equal((await metricsRequest('/metrics', { method: 'POST' })).status, 405);
  const head = await metricsRequest('/metrics', { method: 'HEAD' });
  assert.equal(head.status, 200);
  assert.equal(head.body, '');
});

test('metrics are not served on a tenant host', async () => {
  for (const host of [NORDLYS, FJORD]) {
    const res = await request(host, '/metrics');
    assert.equal(res.status, 404, host);
    assert.doesNotMatch(res.body, /ecomd_/);
  }
});

test('request counters move by exactly the requests made, by route pattern', async () => {
  const before = await scrape();
  for (let i = 0; i < 7; i++) {
    assert.equal((await request(NORDLYS, '/api/v1/products')).status, 200);
  }
  for (let i = 0; i < 2; i++) {
    assert.equal((await request(FJORD, '/api/v1/products/FJ-BASIS')).status, 200);
  }
  for (let i = 0; i < 3; i++) {
    assert.equal((await request(NORDLYS, '/no/such/page')).status, 404);
  }
  const after = await scrape();
  const delta = (k) => at(after, k) - at(before, k);
  assert.equal(delta(requests('/api/v1/products', 'GET', 200, 'nordlys')), 7);
  // the pattern, never the path: no label names the SKU
  assert.equal(delta(requests('/api/v1/products/{sku}', 'GET', 200, 'fjordmobil')), 2);
  assert.ok(![...after.keys()].some((k) => k.includes('FJ-BASIS')));
  assert.equal(delta(requests('unmatched', 'GET', 404, 'nordlys')), 3);
  // the histogram counted the same requests
  const hist = (route, part) => `ecomd_http_request_duration_seconds_${part}{route="${route}"}`;
  assert.equal(delta(hist('/api/v1/products', 'count')), 7);
  assert.equal(delta('ecomd_http_request_duration_seconds_bucket{route="/api/v1/products",le="+Inf"}'), 7);
  assert.ok(delta(hist('/api/v1/products', 'sum')) > 0);
  // the buckets are cumulative
  const les = [...after.keys()].filter((k) => k.startsWith('ecomd_http_request_duration_seconds_bucket{route="/api/v1/products",'));
  const counts = les.map((k) => after.get(k));
  assert.deepEqual(counts, [...counts].sort((a, b) => a - b));
});

test('a basket line added and its number lock are counted once each', async () => {
  const { cookie } = await newSession(NORDLYS);
  const numbers = (await json(NORDLYS, '/api/v1/numbers?count=1')).json;
  const msisdn = numbers.numbers[0].msisdn;
  const before = await scrape();
  const res = await json(NORDLYS, '/api/v1/basket/lines', {
    method: 'POST', headers: { 'Content-Type': 'application/json', Cookie: cookie },
    body: JSON.stringify({ sku: 'NL-50GB', binding_months: 6, binding_accepted: true, sim_type: 'esim', msisdn }),
  });
  assert.equal(res.status, 201, res.body);
  const after = await scrape();
  const delta = (k) => at(after, k) - at(before, k);
  assert.equal(delta('ecomd_basket_lines_added_total'), 1);
  assert.equal(delta('ecomd_number_locks_total{result="granted"}'), 1);
  assert.ok(delta('ecomd_redis_calls_total') >= 1);
  // a second basket asking for the same number is refused, and counted so
  const other = await newSession(NORDLYS);
  const refused = await json(NORDLYS, '/api/v1/basket/lines', {
    method: 'POST', headers: { 'Content-Type': 'application/json', Cookie: other.cookie },
    body: JSON.stringify({ sku: 'NL-50GB', binding_months: 6, binding_accepted: true, sim_type: 'esim', msisdn }),
  });
  assert.equal(refused.status, 409, refused.body);
  const last = await scrape();
  assert.equal(at(last, 'ecomd_number_locks_total{result="refused"}') -
               at(after, 'ecomd_number_locks_total{result="refused"}'), 1);
  assert.equal(at(last, 'ecomd_basket_lines_added_total'), at(after, 'ecomd_basket_lines_added_total'));
});

test('a crashed worker is counted, and the counts it made are kept', async () => {
  const before = await scrape();
  for (let i = 0; i < 20; i++) await request(NORDLYS, '/api/v1/tenant');
  const counted = await scrape();
  const key = requests('/api/v1/tenant', 'GET', 200, 'nordlys');
  assert.equal(at(counted, key) - at(before, key), 20);

  const master = masterPid();
  const victims = workerPids();
  process.kill(victims[0], 'SIGKILL');
  const after = await eventually(async () => {
    const s = await scrape();
    return at(s, 'ecomd_worker_restarts_total{reason="crashed"}') >
      at(counted, 'ecomd_worker_restarts_total{reason="crashed"}') ? s : null;
  });
  assert.equal(at(after, 'ecomd_worker_restarts_total{reason="crashed"}') -
               at(counted, 'ecomd_worker_restarts_total{reason="crashed"}'), 1);
  // the dead worker's requests are still in the sum: no counter went back
  for (const [k, v] of counted) {
    if (k.includes('_total') || k.endsWith('_count') || k.includes('_bucket')) {
      assert.ok((after.get(k) ?? 0) >= v, `${k} went back from ${v} to ${after.get(k)}`);
    }
  }
  assert.equal(masterPid(), master);
  await eventually(async () => (await request(NORDLYS, '/api/v1/tenant')).status === 200);
});

test('MySQL statements are counted', async () => {
  const before = await scrape();
  const { cookie } = await newSession(NORDLYS);
  // a search by digits reads the pool in MySQL (a plain draw may come
  // from the worker's sample of it)
  assert.equal((await request(NORDLYS, '/api/v1/numbers?count=3&contains=12', { headers: { Cookie: cookie } })).status, 200);
  const after = await scrape();
  assert.ok(at(after, 'ecomd_mysql_calls_total') > at(before, 'ecomd_mysql_calls_total'));
  // (errors are not compared: the delivery process works beside the test)
});

test("the dashboard's queries are valid PromQL over metrics ecomd exposes", async () => {
  const { execFileSync } = await import('node:child_process');
  const { mkdtempSync, readFileSync, rmSync, writeFileSync } = await import('node:fs');
  const os = await import('node:os');
  const path = await import('node:path');
  const root = process.env.EC_ROOT || path.resolve('..');
  const dashboard = JSON.parse(readFileSync(path.join(root, 'etc/grafana/ecomd.json'), 'utf8'));
  const exprs = dashboard.panels.flatMap((p) => p.targets.map((t) => t.expr));
  assert.ok(exprs.length >= 15);
  // Grafana's variables as a query would have them
  const plain = exprs.map((e) => e.replaceAll('$tenant', '.*').replaceAll('$route', '.*'));
  // promtool parses each as a recording rule's expression
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ec-dashboard-'));
  try {
    const rules = ['groups:', '  - name: dashboard', '    rules:',
      ...plain.flatMap((e, i) => [`      - record: dashboard:q${i}`, `        expr: ${JSON.stringify(e)}`])];
    writeFileSync(path.join(dir, 'rules.yml'), `${rules.join('\n')}\n`);
    execFileSync('promtool', ['check', 'rules', path.join(dir, 'rules.yml')], { stdio: 'pipe' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  // every metric a query names is one ecomd serves (the delivery process
  // measures its gauges as it starts)
  const served = await eventually(async () => {
    const body = (await metricsRequest('/metrics')).body;
    return body.includes('ecomd_numbers_available') && body;
  });
  const names = new Set(served.split('\n').filter((l) => l && !l.startsWith('#'))
    .map((l) => l.split(/[{ ]/)[0]));
  const used = new Set(plain.join(' ').match(/ecomd_[a-z_]+/g));
  for (const name of used) assert.ok(names.has(name), `${name} is not served`);
});
