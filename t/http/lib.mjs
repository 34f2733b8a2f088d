// Helpers for tests that talk to the var/test stack through real nginx.
// scripts/test starts the stack and passes EC_HTTP_PORT, EC_STACK, EC_ROOT.
import http from 'node:http';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
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

// One HTTP request to nginx; resolves with {status, headers, body}.
// Never rejects on an HTTP error status, only on a transport failure.
// from: the loopback address to send from (another client to nginx).
export function request(host, urlPath, { method = 'GET', headers = {}, body, from } = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port: PORT, method, path: urlPath, localAddress: from,
        headers: { Host: host, Connection: 'close', ...headers }, agent: false },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => resolve({
          status: res.statusCode,
          headers: res.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        }));
      });
    req.on('error', reject);
    req.setTimeout(15000, () => req.destroy(new Error(`timeout: ${method} ${urlPath}`)));
    if (body !== undefined) req.write(body);
    req.end();
  });
}

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
