// A Contentful stand-in for the demo and test stacks: the parts of
// Contentful that ecomd uses, on loopback, in Contentful's wire format, so
// content flows into the shop as it would from a real space, without one.
// Node 18, no npm dependencies. docs/cms.md, "The Contentful stand-in",
// is its manual.
//
//   node contentful.mjs --port N --cert PEM --key PEM --shop http://…
//                       --spaces nordlys,fjordmobil --content DIR
//                       --secrets DIR [--page-size N] [--pid FILE]
//
// Each slug has a space "<slug>-space" (environment "master") filled from
// DIR/contentful-<slug>.json (a `contentful space export`); its delivery
// token is the first line of SECRETS/contentful-<slug>.token, its webhook
// signing secret that of SECRETS/contentful-<slug>. Asset URLs of
// //images.ctfassets.net are served here instead (/images/…).
//
// Content Delivery API (Authorization: Bearer <token>, else 401):
//   GET /spaces/S/environments/E/sync?initial=true | ?sync_token=T
//       Sync API pages of at most --page-size items (nextPageUrl), the
//       last with nextSyncUrl; entries and assets with sys.revision,
//       deletions as DeletedEntry/DeletedAsset
//   GET /spaces/S/environments/E/entries | /assets   the live items
// Images: GET /images/S/ID/…[?w=N]   a PNG (any width)
// For tests and the demo (loopback only):
//   POST /control/publish {"slug", "item"}   publish an entry or asset
//       (CMA shape: sys.id, sys.type, sys.contentType, fields) and send
//       the shop its signed webhook; answers {status, body, version}
//   POST /control/unpublish {"slug", "kind": "Entry"|"Asset", "id"}
//   GET /control/export?slug=S   the space as `contentful space export`
//       writes it, for comparing an import with a sync
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { json, log, parseArgs, serve } from './serve.mjs';

const args = parseArgs('contentful', ['port', 'cert', 'key', 'shop', 'spaces', 'content', 'secrets']);
const PAGE = Number(args['page-size'] || 100);
const HERE = `//127.0.0.1:${args.port}`;
const firstLine = (file) => fs.readFileSync(file, 'utf8').split('\n')[0].trim();
// a 1x1 transparent PNG
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=', 'base64');

// slug -> {id, slug, items: Map(id -> item), log: [{seq, id}], seq}
const spaces = new Map();
for (const slug of args.spaces.split(',')) {
    const file = path.join(args.content, `contentful-${slug}.json`);
    const doc = JSON.parse(fs.readFileSync(file, 'utf8').replaceAll("//images.ctfassets.net", `${HERE}/images`));
    const s = { id: `${slug}-space`, slug, items: new Map(), log: [], seq: 0 };
    for (const [list, kind] of [[doc.assets || [], 'Asset'], [doc.entries || [], 'Entry']])
        for (const it of list) {
            if (!it.sys.publishedVersion) continue;
            record(s, { kind, id: it.sys.id, contentType: it.sys.contentType, fields: it.fields,
                version: it.sys.version, revision: it.sys.publishedCounter || 1, deleted: false });
        }
    spaces.set(s.id, s);
}

function record(s, item) {
    s.items.set(item.id, item);
    s.log.push({ seq: ++s.seq, id: item.id });
}

const bySlug = (slug) => [...spaces.values()].find((s) => s.slug === slug);

// An item as the Sync API and the CDA write it
function cda(s, it) {
    if (it.deleted)
        return { sys: { type: `Deleted${it.kind}`, id: it.id, revision: it.revision,
            space: { sys: { type: 'Link', linkType: 'Space', id: s.id } } } };
    return { sys: { type: it.kind, id: it.id, revision: it.revision,
        space: { sys: { type: 'Link', linkType: 'Space', id: s.id } },
        environment: { sys: { id: 'master', type: 'Link', linkType: 'Environment' } },
        ...(it.contentType ? { contentType: it.contentType } : {}) }, fields: it.fields };
}

// An item as the Content Management API (webhooks, exports) writes it
function cma(s, it) {
    if (it.deleted) return { sys: { type: `Deleted${it.kind}`, id: it.id, version: it.version } };
    return { sys: { type: it.kind, id: it.id, version: it.version, publishedVersion: it.version - 1,
        publishedCounter: it.revision, ...(it.contentType ? { contentType: it.contentType } : {}) },
        fields: it.fields };
}

function tokenOk(req, s) {
    const a = req.headers.authorization || '';
    const want = `Bearer ${firstLine(path.join(args.secrets, `contentful-${s.slug}.token`))}`;
    return a.length === want.length && crypto.timingSafeEqual(Buffer.from(a), Buffer.from(want));
}

const cfError = (res, status, id, message) =>
    json(res, status, { sys: { type: 'Error', id }, message });

// Sync tokens: "s<seq>" (changes after seq), "p<since>.<upto>.<offset>"
// (a page of one sync)
function sync(req, res, s, url) {
    let since = 0, upto = s.seq, offset = 0;
    const t = url.searchParams.get('sync_token');
    if (url.searchParams.get('initial') === 'true') {
        since = -1;
    } else if (/^s\d+$/.test(t || '')) {
        since = Number(t.slice(1));
    } else if (/^p-?\d+\.\d+\.\d+$/.test(t || '')) {
        [since, upto, offset] = t.slice(1).split('.').map(Number);
    } else {
        return cfError(res, 400, 'BadRequest', 'initial=true or a sync_token is required');
    }
    // the newest state of each item changed in (since, upto]; an initial
    // sync leaves deletions out
    const ids = [...new Set(s.log.filter((e) => e.seq > since && e.seq <= upto).map((e) => e.id))];
    const all = ids.map((id) => s.items.get(id)).filter((it) => since >= 0 || !it.deleted);
    const items = all.slice(offset, offset + PAGE).map((it) => cda(s, it));
    const base = `https://127.0.0.1:${args.port}/spaces/${s.id}/environments/master/sync`;
    const next = offset + PAGE < all.length
        ? { nextPageUrl: `${base}?sync_token=p${since}.${upto}.${offset + PAGE}` }
        : { nextSyncUrl: `${base}?sync_token=s${upto}` };
    return json(res, 200, { sys: { type: 'Array' }, items, ...next });
}

function live(res, s, kind) {
    const items = [...s.items.values()].filter((it) => it.kind === kind && !it.deleted).map((it) => cda(s, it));
    return json(res, 200, { sys: { type: 'Array' }, total: items.length, skip: 0, limit: 1000, items });
}

// Contentful's request verification, as its webhooks carry it
function signed(secret, target, body, topic) {
    const headers = {
        'x-contentful-timestamp': String(Date.now()),
        'x-contentful-topic': topic,
        'x-contentful-idempotency-key': crypto.randomUUID(),
    };
    const names = Object.keys(headers);
    const canonical = ['POST', target, names.map((n) => `${n}:${headers[n]}`).join(';'), body].join('\n');
    return { ...headers, 'x-contentful-signed-headers': names.join(','),
        'x-contentful-signature': crypto.createHmac('sha256', secret).update(canonical).digest('hex') };
}

function sendWebhook(res, s, it, topic) {
    const body = JSON.stringify(cma(s, it));
    const target = `/hooks/contentful/${s.slug}`;
    const headers = signed(firstLine(path.join(args.secrets, `contentful-${s.slug}`)), target, body, topic);
    const req = http.request(new URL(target, args.shop), {
        method: 'POST',
        headers: { 'Content-Type': 'application/vnd.contentful.management.v1+json',
            'Content-Length': Buffer.byteLength(body), 'User-Agent': 'Contentful-Webhooks', ...headers },
    }, (r) => {
        const chunks = [];
        r.on('data', (d) => chunks.push(d));
        r.on('end', () => {
            log(`webhook ${topic} ${it.id} to ${s.slug}: HTTP ${r.statusCode}`);
            json(res, 200, { status: r.statusCode, body: Buffer.concat(chunks).toString('utf8'),
                version: it.version });
        });
    });
    req.on('error', (e) => json(res, 502, { error: e.message }));
    req.end(body);
}

function control(req, res, url, body) {
    let c = {};
    if (req.method === 'POST') {
        try { c = JSON.parse(body.toString('utf8')); } catch { return json(res, 400, { error: 'JSON' }); }
    }
    const s = bySlug(c.slug || url.searchParams.get('slug'));
    if (!s) return json(res, 404, { error: 'no such space' });
    if (url.pathname === '/control/export') {
        const list = (kind) => [...s.items.values()].filter((it) => it.kind === kind && !it.deleted).map((it) => cma(s, it));
        return json(res, 200, { contentTypes: [], locales: [{ code: 'da-DK', default: true }, { code: 'en-US' }],
            entries: list('Entry'), assets: list('Asset') });
    }
    if (url.pathname === '/control/publish') {
        const i = c.item || {};
        const kind = i.sys?.type === 'Asset' ? 'Asset' : 'Entry';
        const old = s.items.get(i.sys?.id);
        // the Management API counts a save and a publish: two versions
        const it = { kind, id: i.sys.id, contentType: i.sys.contentType, fields: i.fields,
            version: (old?.version || 0) + 2, revision: (old?.revision || 0) + 1, deleted: false };
        record(s, it);
        return sendWebhook(res, s, it, `ContentManagement.${kind}.publish`);
    }
    if (url.pathname === '/control/unpublish') {
        const old = s.items.get(c.id);
        if (!old || old.deleted) return json(res, 404, { error: 'not published' });
        const it = { ...old, fields: undefined, deleted: true, version: old.version + 1 };
        record(s, it);
        return sendWebhook(res, s, it, `ContentManagement.${old.kind}.unpublish`);
    }
    return json(res, 404, { error: 'unknown control' });
}

serve(args, 'Contentful stand-in', (req, res, url, body) => {
    if (url.pathname === '/healthz') return json(res, 200, { ok: true });
    if (url.pathname.startsWith('/control/')) return control(req, res, url, body);
    if (req.method === 'GET' && url.pathname.startsWith('/images/')) {
        res.writeHead(200, { 'Content-Type': 'image/png', 'Cache-Control': 'max-age=3600' });
        return res.end(PNG);
    }
    const m = url.pathname.match(/^\/spaces\/([^/]+)\/environments\/([^/]+)\/(sync|entries|assets)$/);
    if (req.method === 'GET' && m) {
        const s = spaces.get(m[1]);
        if (!s || m[2] !== 'master') return cfError(res, 404, 'NotFound', 'The resource could not be found.');
        if (!tokenOk(req, s)) return cfError(res, 401, 'AccessTokenInvalid', 'The access token you sent could not be found or is invalid.');
        if (m[3] === 'sync') return sync(req, res, s, url);
        return live(res, s, m[3] === 'entries' ? 'Entry' : 'Asset');
    }
    return cfError(res, 404, 'NotFound', 'The resource could not be found.');
});
