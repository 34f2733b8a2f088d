// The customers of bench/checkout.sh: CUSTOMERS at once, for SECONDS, each
// one new customer after another, through nginx as a browser's scripts
// would go: a plan line with a number of the pool in a session of its
// own, the checkout, the payment simulator's approve, and back to the
// order until the verified callback made it paid. Node 18, no packages.
//
//   node bench/checkout.mjs URL HOST SECONDS CUSTOMERS SESSIONS NUMBERS LINE [RATE]
//
// RATE (purchases a second, 0: none): purchase k starts k/RATE seconds
// after the run's start, or as soon as a customer is free after that, so
// the load is the one asked for (below the shop's capacity, the latency
// at that load), not the most the shop can take.
// SESSIONS: a file of "COOKIE TOKEN" lines (bench/sessions.pl); NUMBERS: a
// file of numbers of the pool, one per line; LINE: the basket line as JSON
// without its number. Prints one "checkout-…" line per figure for the
// shell script to read, and the orders it made ("checkout-order ID"), to
// follow their delivery.
import http from 'node:http';
import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';

const [url, host, seconds, customers, sessionsFile, numbersFile, lineJson, rateArg] = process.argv.slice(2);
const rate = Number(rateArg || 0);
const base = new URL(url);
const agent = new http.Agent({ keepAlive: true, maxSockets: Number(customers) });
const sessions = readFileSync(sessionsFile, 'utf8').trim().split('\n').map((l) => l.split(' '));
const numbers = readFileSync(numbersFile, 'utf8').trim().split('\n');
const line = JSON.parse(lineJson);
const customer = {
  name: 'Bench Kunde', email: 'bench@example.com', phone: '+4520123456',
  address: 'Benchvej 1, 2100 København Ø',
};

function request(method, path, headers, body) {
  return new Promise((resolve, reject) => {
    const req = http.request({
      host: base.hostname, port: base.port, method, path, agent,
      headers: { Host: host, ...headers, ...(body ? { 'Content-Length': Buffer.byteLength(body) } : {}) },
    }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    if (body) req.write(body);
    req.end();
  });
}

const jsonCall = (method, path, cookie, token, body, extra = {}) => request(method, path, {
  Cookie: cookie, 'X-CSRF-Token': token, 'Content-Type': 'application/json', Accept: 'application/json', ...extra,
}, body === undefined ? undefined : JSON.stringify(body));

const checkoutMs = [];
const journeyMs = [];
const statuses = {};
const orders = [];
let next = 0;
let paid = 0;
let failed = 0;

const count = (what, status) => { statuses[`${what} ${status}`] = (statuses[`${what} ${status}`] || 0) + 1; };

// One customer's whole purchase; false when a step did not answer as a
// shop that works would.
async function buy() {
  const i = next++;
  if (i >= sessions.length || i >= numbers.length) return false;
  const [cookie, token] = sessions[i];
  const t0 = performance.now();
  const add = await jsonCall('POST', '/api/v1/basket/lines', cookie, token, { ...line, msisdn: numbers[i] });
  count('line', add.status);
  if (add.status !== 201) return false;
  const t1 = performance.now();
  const co = await jsonCall('POST', '/api/v1/checkout', cookie, token,
    { customer, consents: { terms: true, contract_summary: true, marketing: false } },
    { 'Idempotency-Key': randomBytes(16).toString('hex') });
  checkoutMs.push(performance.now() - t1);
  count('checkout', co.status);
  if (co.status !== 201) return false;
  const { order, payment } = JSON.parse(co.body);
  orders.push(order.id);
  const pay = await request('POST', new URL(payment.url, base).pathname, {
    Cookie: cookie, 'Content-Type': 'application/x-www-form-urlencoded',
  }, `outcome=approve&csrf=${token}`);
  count('pay', pay.status);
  if (pay.status !== 303) return false;
  const seen = await jsonCall('GET', `/api/v1/orders/${order.id}`, cookie, token);
  count('order', seen.status);
  const status = seen.status === 200 ? JSON.parse(seen.body).order.status : '';
  if (status !== 'paid' && status !== 'submitted' && status !== 'provisioning' && status !== 'completed') {
    return false;
  }
  journeyMs.push(performance.now() - t0);
  return true;
}

const pct = (a, p) => {
  if (!a.length) return 0;
  const s = [...a].sort((x, y) => x - y);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};

const deadline = performance.now() + Number(seconds) * 1000;
const started = performance.now();
let tickets = 0;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
await Promise.all(Array.from({ length: Number(customers) }, async () => {
  while (performance.now() < deadline) {
    if (rate > 0) {
      const at = started + (tickets++ * 1000) / rate;
      if (at >= deadline) break;
      if (at > performance.now()) await sleep(at - performance.now());
    }
    try {
      if (await buy()) paid++; else failed++;
    } catch (e) {
      failed++;
      count('error', e.code || 'unknown');
    }
    if (next >= sessions.length || next >= numbers.length) break;
  }
}));
const elapsed = (performance.now() - started) / 1000;
agent.destroy();

console.log(`checkout-paid ${paid} ${(paid / elapsed).toFixed(1)}`);
console.log(`checkout-failed ${failed}`);
console.log(`checkout-request-ms p50 ${pct(checkoutMs, 50).toFixed(1)} p99 ${pct(checkoutMs, 99).toFixed(1)} n ${checkoutMs.length}`);
console.log(`checkout-journey-ms p50 ${pct(journeyMs, 50).toFixed(1)} p99 ${pct(journeyMs, 99).toFixed(1)}`);
for (const [k, v] of Object.entries(statuses)) console.log(`checkout-status ${k} ${v}`);
for (const id of orders) console.log(`checkout-order ${id}`);
