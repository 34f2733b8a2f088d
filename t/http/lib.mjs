// Helpers for tests that talk to the var/test stack through real nginx.
// scripts/test starts the stack and passes EC_HTTP_PORT, EC_STACK, EC_ROOT.
import http from 'node:http';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const PORT = Number(process.env.EC_HTTP_PORT || 18080);
export const STACK = process.env.EC_STACK || 'test';
// (import.meta.dirname would be shorter, but Debian 12's Node 18 lacks it)
export const ROOT = process.env.EC_ROOT ||
  path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const STACK_DIR = path.join(ROOT, 'var', STACK);

export const NORDLYS = 'nordlys.localhost';
export const FJORD = 'fjordmobil.localhost';

// The session cookie ("sid=..." or "__Host-sid=...") in a Cookie header
// or a list of Set-Cookie headers, or undefined.
const SID = /(?:^|[;,]\s*)((?:__Host-)?sid=[^;,\s]*)/;
export function sessionCookieOf(res) {
  for (const c of res.headers['set-cookie'] || []) {
    const m = c.split(';')[0].match(SID);
    if (m) return m[1];
  }
  return undefined;
}

// What each session's answers said its CSRF token is (X-CSRF-Token), by
// session cookie: a change from that session sends it, as the
// storefront's script does, unless the test says otherwise (csrf: false,
// or an X-CSRF-Token header of its own).
const tokens = new Map();
export const tokenOf = (cookie) => tokens.get(cookie);
const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

// One HTTP request to nginx; resolves with {status, headers, body}.
// Never rejects on an HTTP error status, only on a transport failure.
// from: the loopback address to send from (another client to nginx).
export function request(host, urlPath, { method = 'GET', headers = {}, body, from, csrf = true } = {}) {
  const sent = headers.Cookie?.match(SID)?.[1];
  const extra = {};
  if (UNSAFE.has(method) && csrf && sent && tokens.has(sent) &&
      !Object.keys(headers).some((h) => h.toLowerCase() === 'x-csrf-token')) {
    extra['X-CSRF-Token'] = tokens.get(sent);
  }
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port: PORT, method, path: urlPath, localAddress: from,
        headers: { Host: host, Connection: 'close', ...extra, ...headers }, agent: false },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => {
          const out = {
            status: res.statusCode,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          };
          const token = res.headers['x-csrf-token'];
          const cookie = sessionCookieOf(out) || sent;
          if (token && cookie) tokens.set(cookie, token);
          resolve(out);
        });
        // a connection closed in the middle of the answer: no 'end'
        res.on('close', () => {
          if (!res.complete) reject(new Error(`the answer to ${method} ${urlPath} was cut short`));
        });
      });
    req.on('error', reject);
    req.setTimeout(15000, () => req.destroy(new Error(`timeout: ${method} ${urlPath}`)));
    if (body !== undefined) req.write(body);
    req.end();
  });
}

// A new visitor's session, as a browser gets one: the cookie and the CSRF
// token of the answer to a GET (which stores nothing).
export async function newSession(host = NORDLYS, { from, headers = {} } = {}) {
  const res = await request(host, '/api/v1/basket', { from, headers });
  const cookie = sessionCookieOf(res);
  if (!cookie) throw new Error(`GET /api/v1/basket on ${host} set no session cookie`);
  return { cookie, token: res.headers['x-csrf-token'] };
}

// The id of a session cookie ("sid=<id>.<issued>.<mac>").
export const sessionIdOf = (cookie) => cookie.split('=')[1].split('.')[0];

export async function json(host, urlPath, opts) {
  const res = await request(host, urlPath, opts);
  res.json = res.body ? JSON.parse(res.body) : null;
  return res;
}

// scripts/stack STACK COMMAND: take a service away or bring it back.
export function stack(command) {
  execFileSync(path.join(ROOT, 'scripts/stack'), [STACK, command], { stdio: 'pipe' });
}

export function ecomctl(...args) {
  return execFileSync(path.join(ROOT, 'build/plain/ecomctl'),
    ['-c', path.join(STACK_DIR, 'ecomd.conf'), ...args],
    { encoding: 'utf8', env: ecomdEnv() });
}

// A secret of the stack (var/<stack>/secrets/NAME).
export function secret(name) {
  return readFileSync(path.join(STACK_DIR, 'secrets', name), 'utf8').trim();
}

function mysqlPassword() {
  return secret('mysql_password');
}

// The environment ecomd and ecomctl get their passwords from.
export function ecomdEnv() {
  return { ...process.env, ECOMD_MYSQL_PASSWORD: mysqlPassword(),
           ECOMD_REDIS_PASSWORD: secret('redis_password') };
}

export const REDIS_PORT = process.env.EC_REDIS_PORT || '16380';

// redis-cli as the stack's Redis default account, which has every right and
// a password (through the environment, as scripts/lib.sh's redis_admin
// does). opts: execFileSync's.
export function redisCli(args, opts = {}) {
  return execFileSync('redis-cli', ['-p', REDIS_PORT, ...args],
    { encoding: 'utf8', ...opts,
      env: { ...process.env, REDISCLI_AUTH: secret('redis_admin_password') } });
}

// One Redis command as the default account; its answer, trimmed.
export const redis = (...args) => redisCli(args).trim();

// The basket the session of cookie names in its record ('' for none).
export function basketIdOf(cookie, slug = 'nordlys') {
  return redis('HGET', `ecom:{${slug}}:session:${sessionIdOf(cookie)}`, 'basket');
}

export function masterPid() {
  return Number(readFileSync(path.join(STACK_DIR, 'run/ecomd.pid'), 'utf8').trim());
}

// The worker pids of the running master (its direct children).
export function workerPids() {
  const out = execFileSync('pgrep', ['-P', String(masterPid())], { encoding: 'utf8' });
  return out.split('\n').filter(Boolean).map(Number);
}

export function readLog(name) {
  return readFileSync(path.join(STACK_DIR, 'log', name), 'utf8');
}

// SQL as MariaDB's root on the stack's socket (for setting up states the
// API cannot reach, such as a number sold at checkout).
export function sql(statement) {
  return execFileSync('mariadb', ['--no-defaults', '-uroot', '-N',
    `--socket=${path.join(STACK_DIR, 'run/mysqld.sock')}`, 'ecom', '-e', statement],
  { encoding: 'utf8' }).trim();
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Poll fn until it returns truthy or the time runs out.
export async function eventually(fn, { timeout = 15000, interval = 100 } = {}) {
  const end = Date.now() + timeout;
  let last;
  while (Date.now() < end) {
    try {
      last = await fn();
      if (last) return last;
    } catch (e) {
      last = e;
    }
    await sleep(interval);
  }
  throw new Error(`condition not met in ${timeout} ms (last: ${last})`);
}

// A browser in miniature: keeps its cookies (its session, and so its
// CSRF token, which request() tracks by cookie) across requests.
export class Shopper {
  constructor(host = NORDLYS) { this.host = host; this.cookies = new Map(); }
  get cookie() { return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '); }
  keep(res) {
    for (const c of res.headers['set-cookie'] || []) {
      const [kv] = c.split(';');
      const i = kv.indexOf('=');
      this.cookies.set(kv.slice(0, i), kv.slice(i + 1));
    }
    return res;
  }
  // the basket the shopper's session names ('' for none)
  get basket() {
    return this.cookies.has('sid') ? basketIdOf(`sid=${this.cookies.get('sid')}`, this.host.split('.')[0]) : '';
  }
  async get(p, headers = {}) {
    return this.keep(await request(this.host, p, { headers: { Cookie: this.cookie, ...headers } }));
  }
  // a form post (the csrf field is the caller's to give)
  async post(p, fields, headers = {}) {
    return this.keep(await request(this.host, p, {
      method: 'POST', body: new URLSearchParams(fields).toString(),
      headers: { Cookie: this.cookie, 'Content-Type': 'application/x-www-form-urlencoded', ...headers },
    }));
  }
  // a JSON call (request() adds the session's X-CSRF-Token to a change)
  async api(method, p, body, headers = {}, opts = {}) {
    return this.keep(await json(this.host, p, {
      method, body: body === undefined ? undefined : JSON.stringify(body),
      headers: { Cookie: this.cookie, 'Content-Type': 'application/json', ...headers }, ...opts,
    }));
  }
}

// Scratch tenants of a test file, each {slug, name, zone, catalog}: made
// afresh (one of that slug from an earlier run deleted first) at
// <slug>.localhost, the catalog document imported when given, the
// workers told. dropTenants() deletes them again, but for their audit
// rows, which nobody may delete.
export function makeTenants(tenants) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ecom-tenants-'));
  try {
    for (const { slug, name, zone = 'Europe/Copenhagen' } of tenants) {
      sql(`DELETE FROM tenants WHERE slug = '${slug}';
           INSERT INTO tenants (slug, name, time_zone) VALUES ('${slug}', '${name}', '${zone}');
           INSERT INTO tenant_domains (host, tenant_id, is_primary)
             SELECT '${slug}.localhost', id, 1 FROM tenants WHERE slug = '${slug}'`);
    }
    redis('PUBLISH', 'ecom:invalidate', 'tenants');
    for (const { slug, catalog } of tenants.filter((t) => t.catalog)) {
      const doc = path.join(dir, `${slug}.json`);
      writeFileSync(doc, JSON.stringify(catalog));
      ecomctl('catalog', 'import', slug, doc);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function dropTenants(slugs) {
  sql(`DELETE FROM tenants WHERE slug IN (${slugs.map((s) => `'${s}'`).join(', ')})`);
  redis('PUBLISH', 'ecom:invalidate', 'tenants');
}
