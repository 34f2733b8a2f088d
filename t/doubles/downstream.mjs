// A downstream receiver standing in for a tenant's provisioning system,
// on loopback, so the demo and test stacks deliver orders for real.
// Node 18, no npm dependencies. docs/orders.md, "The downstream
// simulator", is its manual.
//
//   node downstream.mjs --port N --cert PEM --key PEM --receivers FILE
//                       --shop http://127.0.0.1:PORT [--pid FILE]
//                       [--report-delay MS]
//
// POST /events/<slug>: an order event from ecomd's delivery process,
// checked as the real receiver checks it: Ecom-Signature "t=..,v1=.."
// (hex HMAC-SHA256 of "<t>.<raw body>" under the tenant's secret from
// the receivers file, ecomd's downstream_file; 300 s tolerance). It
// answers 401 to a bad signature, 500 while told to fail, else 200, and
// records each event (duplicates too: a test sees the retries). For a
// new order.paid event it reports back through the shop's signed
// endpoint, POST /api/v1/downstream/reports with Host <slug>.localhost:
// "provisioning" after a second, "completed" a second later.
//
// An event's order.customer.cpr_sealed, the customer's CPR number sealed
// for this receiver (svc/downstream.h), is opened as a real receiver
// would (openCpr()); what arrived records only whether it opened.
//
// For tests (loopback only): GET /received[?order=ID] lists what
// arrived; POST /control {"fail_for_ms": N} or {"fail_next": N} makes it
// answer 500, {"reports": false} stops the reports, {"reset": true}
// forgets what arrived, {"open_cpr": {"tenant", "order", "sealed"}}
// answers {"cpr"} (or 422) for the test that a value sealed by ecomd
// opens here.

import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import { json, log, parseArgs, serve, sign } from './serve.mjs';

const args = parseArgs('downstream', ['port', 'cert', 'key', 'receivers', 'shop']);
const TOLERANCE_S = 300;
const REPORT_DELAY_MS = Number(args['report-delay'] || 1000);

// slug -> secret (Buffer), read again on every event so a new line of
// the file counts at once
function secretOf(slug) {
    const text = fs.readFileSync(args.receivers, 'utf8');
    for (const raw of text.split('\n')) {
        const line = raw.replace(/#.*/, '').trim();
        if (!line) continue;
        const [s, , hex] = line.split(/\s+/);
        if (s === slug && /^[0-9a-fA-F]{64}$/.test(hex || ''))
            return Buffer.from(hex, 'hex');
    }
    return null;
}

function verify(header, secret, body) {
    if (!header || !secret) return 'malformed';
    let t = null;
    const v1 = [];
    for (const part of header.split(',')) {
        const [k, v] = part.trim().split('=', 2);
        if (k === 't' && /^\d{1,12}$/.test(v || '')) t = Number(v);
        else if (k === 'v1' && /^[0-9a-f]{64}$/.test(v || '')) v1.push(v);
    }
    if (t === null || v1.length === 0) return 'malformed';
    if (Math.abs(Date.now() / 1000 - t) > TOLERANCE_S) return 'stale';
    const want = Buffer.from(sign(secret, t, body), 'hex');
    const ok = v1.some((s) => crypto.timingSafeEqual(Buffer.from(s, 'hex'), want));
    return ok ? null : 'mismatch';
}

// The receiver's side of the CPR number sealed for it: "v1.rcv1.<data>",
// data base64url(nonce[12] || ciphertext || tag[16]), AES-256-GCM under
// HKDF-SHA256(the receiver's secret, no salt, "ecom downstream cpr v1"),
// with "v1.rcv1.<slug>:<order id>:cpr" as additional data. The digits, or
// null when it does not open.
function openCpr(secret, slug, order, sealed) {
    const m = /^v1\.(rcv1)\.([A-Za-z0-9_-]+)$/.exec(sealed || '');
    if (!secret || !m) return null;
    const raw = Buffer.from(m[2], 'base64url');
    if (raw.length < 12 + 16 + 1) return null;
    const key = Buffer.from(crypto.hkdfSync('sha256', secret, Buffer.alloc(0),
                                            'ecom downstream cpr v1', 32));
    try {
        const d = crypto.createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
        d.setAAD(Buffer.from(`v1.${m[1]}.${slug}:${order}:cpr`));
        d.setAuthTag(raw.subarray(raw.length - 16));
        const plain = Buffer.concat([d.update(raw.subarray(12, raw.length - 16)), d.final()]);
        return plain.toString('utf8');
    } catch {
        return null;
    }
}

const received = [];
const reported = new Set();
let failUntil = 0;
let failNext = 0;
let reports = true;

function report(slug, order, status, secret) {
    const body = JSON.stringify({ id: `${order}-${status}`, order, status });
    const t = Math.floor(Date.now() / 1000);
    const url = new URL('/api/v1/downstream/reports', args.shop);
    const req = http.request(url, {
        method: 'POST',
        headers: {
            Host: `${slug}.localhost`,
            'Content-Type': 'application/json',
            'Content-Length': Buffer.byteLength(body),
            'Ecom-Signature': `t=${t},v1=${sign(secret, t, body)}`,
        },
    }, (res) => {
        res.resume();
        log(`report ${status} for ${order} (${slug}): HTTP ${res.statusCode}`);
    });
    req.on('error', (e) => log(`report ${status} for ${order}: ${e.message}`));
    req.end(body);
}

function onEvent(req, res, slug, body) {
    const secret = secretOf(slug);
    const why = verify(req.headers['ecom-signature'], secret, body);
    if (why) {
        log(`event for ${slug} refused: ${why}`);
        return json(res, 401, { error: why });
    }
    if (Date.now() < failUntil || failNext > 0) {
        if (failNext > 0) failNext--;
        return json(res, 500, { error: 'told to fail' });
    }
    let ev;
    try {
        ev = JSON.parse(body.toString('utf8'));
    } catch {
        return json(res, 400, { error: 'invalid_json' });
    }
    const order = ev.order && ev.order.id;
    const sealed = ev.order && ev.order.customer && ev.order.customer.cpr_sealed;
    received.push({
        tenant: slug, id: ev.id, type: ev.type, seq: ev.seq, order,
        cpr_opened: sealed ? openCpr(secret, slug, order, sealed) !== null : null,
        event_id_header: req.headers['ecom-event-id'] || null,
        at: new Date().toISOString(),
    });
    if (ev.type === 'order.paid' && reports && !reported.has(order)) {
        reported.add(order);
        setTimeout(() => report(slug, order, 'provisioning', secret), REPORT_DELAY_MS);
        setTimeout(() => report(slug, order, 'completed', secret), 2 * REPORT_DELAY_MS);
    }
    return json(res, 200, { received: ev.id });
}

function onControl(res, body) {
    let c;
    try {
        c = JSON.parse(body.toString('utf8') || '{}');
    } catch {
        return json(res, 400, { error: 'invalid_json' });
    }
    if (c.open_cpr) {
        const { tenant, order, sealed } = c.open_cpr;
        const cpr = openCpr(secretOf(tenant), tenant, order, sealed);
        return cpr === null ? json(res, 422, { error: 'does_not_open' }) : json(res, 200, { cpr });
    }
    if (c.reset) {
        received.length = 0;
        reported.clear();
        failUntil = 0;
        failNext = 0;
        reports = true;
    }
    if (Number.isInteger(c.fail_for_ms)) failUntil = Date.now() + c.fail_for_ms;
    if (Number.isInteger(c.fail_next)) failNext = c.fail_next;
    if (typeof c.reports === 'boolean') reports = c.reports;
    return json(res, 200, { fail_until: failUntil, fail_next: failNext, reports });
}

serve(args, 'downstream simulator', (req, res, url, body) => {
    const m = url.pathname.match(/^\/events\/([a-z0-9][a-z0-9-]{0,39})$/);
    if (req.method === 'POST' && m) return onEvent(req, res, m[1], body);
    if (req.method === 'GET' && url.pathname === '/received') {
        const order = url.searchParams.get('order');
        return json(res, 200, {
            events: received.filter((r) => !order || r.order === order),
        });
    }
    if (req.method === 'POST' && url.pathname === '/control') return onControl(res, body);
    if (req.method === 'GET' && url.pathname === '/healthz') return json(res, 200, { ok: true });
    return json(res, 404, { error: 'not_found' });
});
