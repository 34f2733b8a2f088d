// Contentful's side of the CMS tests (docs/cms.md): `ecomctl cms
// configure` with the secrets in its environment, and webhooks signed as
// Contentful's request verification does, computed here with node:crypto
// apart from the server's code.
import { createHmac, randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import { NORDLYS, ROOT, STACK_DIR, ecomdEnv, json, secret } from './lib.mjs';

// Nordlys's space at the stack's Contentful stand-in: the secrets the
// stack made for it (scripts/lib.sh), so the stand-in's webhooks and
// sync work whichever test configured the shop last
export const SECRET = secret('contentful-nordlys');
export const TOKEN = secret('contentful-nordlys.token');
export const RUN = randomBytes(4).toString('hex');             // ids of this run

// the stand-in's address, as the stack's configuration names it
const CONF = readFileSync(path.join(STACK_DIR, 'ecomd.conf'), 'utf8');
export const STANDIN = CONF.match(/^cms_cdn_url = (\S+)$/m)[1];
const CA = readFileSync(path.join(STACK_DIR, 'oidc/ca.pem'));

// JSON to or from the stand-in: {status, json}
export function standin(method, urlPath, body) {
  return new Promise((resolve, reject) => {
    const req = https.request(new URL(urlPath, STANDIN), { method, ca: CA,
      headers: { 'Content-Type': 'application/json' } }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode,
        json: JSON.parse(Buffer.concat(chunks).toString('utf8') || 'null') }));
    });
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}
const TYPE = 'application/vnd.contentful.management.v1+json';

// ecomctl cms configure, as an operator runs it: secrets only from the
// environment
export function configure(...args) {
  return execFileSync(path.join(ROOT, 'build/plain/ecomctl'),
    ['-c', path.join(STACK_DIR, 'ecomd.conf'), 'cms', 'configure', ...args],
    { encoding: 'utf8', stdio: 'pipe', env: { ...ecomdEnv(), ECOMD_CMS_DELIVERY_TOKEN: TOKEN,
      ECOMD_CMS_WEBHOOK_SECRET: SECRET } });
}

// Contentful's request verification: HMAC-SHA256 (hex) of
// METHOD\npath\nsigned headers ("name:value" by ';')\nbody
export function sign({ method = 'POST', target, headers, body, secret = SECRET }) {
  const names = Object.keys(headers);
  const canonical = [method, target,
    names.map((n) => `${n.toLowerCase().trim()}:${String(headers[n]).trim()}`).join(';'),
    body].join('\n');
  return { ...headers, 'X-Contentful-Signed-Headers': names.join(','),
    'X-Contentful-Signature': createHmac('sha256', secret).update(canonical).digest('hex') };
}

let keys = 0;
// A webhook of topic (e.g. "Entry.publish") for item to slug's hook,
// signed unless told otherwise; the answer with .json.
export function hook(topic, item, { slug = 'nordlys', at = Date.now(), key = `${RUN}-${++keys}`,
  secret, tamper, unsigned, target = `/hooks/contentful/${slug}` } = {}) {
  const body = JSON.stringify(item);
  const base = {
    'X-Contentful-Timestamp': String(at),
    'X-Contentful-Topic': `ContentManagement.${topic}`,
    'X-Contentful-Idempotency-Key': key,
  };
  const headers = unsigned ? base : sign({ target, headers: base, body, secret });
  return json(NORDLYS, target, { method: 'POST', body: tamper ? tamper(body) : body,
    headers: { 'Content-Type': TYPE, ...headers } });
}

// A productContent entry as Contentful sends it; fields: {name: value}
// in locale, or {name: {locale: value}} as given
export function productContent(id, version, sku, fields = {}, locale = 'da-DK') {
  const f = { sku: { [locale]: sku } };
  for (const [k, v] of Object.entries(fields)) {
    f[k] = v && typeof v === 'object' && !Array.isArray(v) && !v.nodeType && !v.sys ? v : { [locale]: v };
  }
  return { sys: { id, type: 'Entry', version,
    contentType: { sys: { type: 'Link', linkType: 'ContentType', id: 'productContent' } } }, fields: f };
}

export const deletedEntry = (id, version) => ({ sys: { id, type: 'DeletedEntry', version } });
