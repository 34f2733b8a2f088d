// A Stripe double for the test stack: the part of Stripe Checkout that
// ecomd uses, on loopback, speaking Stripe's wire format, so the payment
// flow with Stripe runs for real without Stripe. Node 18, no npm
// dependencies. docs/orders.md, "The Stripe double", is its manual.
//
//   node stripe.mjs --port N --cert PEM --key PEM --secret-key-file FILE
//                   --webhook-secret-file FILE --shop http://127.0.0.1:PORT
//                   [--pid FILE]
//
// POST /v1/checkout/sessions: Authorization: Bearer <the secret key>
// (else 401), a form body as Stripe takes it (mode=payment, line items
// with price_data, success_url, cancel_url, client_reference_id; else
// 400), an Idempotency-Key honoured as Stripe does: the same key and body
// answer the same session again, the same key with another body 400.
// Answers {id: "cs_test_…", object: "checkout.session", url, …}.
//
// For tests (loopback only):
//   GET /v1/checkout/sessions/<id>   the session and the form it was made
//                                    from ("request"), and how many
//                                    requests made it ("requests")
//   POST /control {"session", "type", "payment_status"?, "event_id"?,
//                  "signature"?: "bad" | "stale" | "other_secret",
//                  "body"?: "tampered"}
//       sends the shop a webhook event of that type for the session, to
//       POST /api/v1/payments/stripe/webhook on the host of the session's
//       success_url, signed Stripe-Signature: t=<unix>,v1=<hex HMAC-SHA256
//       of "<t>.<raw body>"> with the webhook secret (or spoiled as asked);
//       answers {event_id, status, body} of the shop's answer. The same
//       event_id again is a replay.

import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import { json, log, parseArgs, serve, sign } from './serve.mjs';

const args = parseArgs('stripe', ['port', 'cert', 'key', 'secret-key-file', 'webhook-secret-file', 'shop']);
const firstLine = (file) => fs.readFileSync(file, 'utf8').split('\n')[0].trim();

const sessions = new Map();    // id -> session
const idempotency = new Map(); // key -> {hash, id}

function stripeError(res, status, type, message, param) {
    return json(res, status, { error: { type, message, ...(param ? { param } : {}) } });
}

function bearerOk(req) {
    const a = req.headers.authorization || '';
    const want = `Bearer ${firstLine(args['secret-key-file'])}`;
    return a.length === want.length && crypto.timingSafeEqual(Buffer.from(a), Buffer.from(want));
}

// The checks Stripe makes of the fields ecomd sends; a message or null.
function invalid(form) {
    if (form.get('mode') !== 'payment') return ['mode', 'mode must be payment'];
    for (const f of ['success_url', 'cancel_url']) {
        const v = form.get(f);
        if (!v || !/^https?:\/\//.test(v)) return [f, `${f} must be a URL`];
    }
    if (!form.get('client_reference_id')) return ['client_reference_id', 'missing'];
    let n = 0;
    for (;; n++) {
        const p = `line_items[${n}]`;
        if (!form.has(`${p}[quantity]`)) break;
        const cur = form.get(`${p}[price_data][currency]`);
        const amount = form.get(`${p}[price_data][unit_amount]`);
        if (!/^[a-z]{3}$/.test(cur || '')) return [`${p}[price_data][currency]`, 'lower-case ISO code'];
        if (!/^[1-9][0-9]*$/.test(amount || '')) return [`${p}[price_data][unit_amount]`, 'a positive integer'];
        if (!form.get(`${p}[price_data][product_data][name]`)) return [`${p}[price_data][product_data][name]`, 'missing'];
        if (!/^[1-9][0-9]*$/.test(form.get(`${p}[quantity]`))) return [`${p}[quantity]`, 'a positive integer'];
    }
    if (n === 0) return ['line_items', 'at least one line item'];
    return null;
}

function createSession(req, res, body) {
    if (!bearerOk(req))
        return stripeError(res, 401, 'invalid_request_error', 'Invalid API Key provided');
    if (!(req.headers['content-type'] || '').startsWith('application/x-www-form-urlencoded'))
        return stripeError(res, 400, 'invalid_request_error', 'form body expected');
    const text = body.toString('utf8');
    const form = new URLSearchParams(text);
    const bad = invalid(form);
    if (bad) return stripeError(res, 400, 'invalid_request_error', bad[1], bad[0]);
    const key = req.headers['idempotency-key'];
    const hash = crypto.createHash('sha256').update(text).digest('hex');
    if (key && idempotency.has(key)) {
        const seen = idempotency.get(key);
        if (seen.hash !== hash)
            return stripeError(res, 400, 'idempotency_error',
                'Keys for idempotent requests can only be used with the same parameters they were first used with.');
        const s = sessions.get(seen.id);
        s.requests++;
        log(`session ${s.id} again (Idempotency-Key)`);
        return json(res, 200, publicView(s));
    }
    let total = 0;
    for (let i = 0; form.has(`line_items[${i}][quantity]`); i++)
        total += Number(form.get(`line_items[${i}][price_data][unit_amount]`)) *
                 Number(form.get(`line_items[${i}][quantity]`));
    const id = `cs_test_${crypto.randomBytes(24).toString('hex')}`;
    const s = {
        id,
        object: 'checkout.session',
        mode: 'payment',
        status: 'open',
        payment_status: 'unpaid',
        amount_total: total,
        currency: form.get('line_items[0][price_data][currency]'),
        client_reference_id: form.get('client_reference_id'),
        success_url: form.get('success_url'),
        cancel_url: form.get('cancel_url'),
        url: `https://127.0.0.1:${args.port}/c/pay/${id}`,
        request: Object.fromEntries(form),
        requests: 1,
    };
    sessions.set(id, s);
    if (key) idempotency.set(key, { hash, id });
    log(`session ${id} for ${s.client_reference_id}`);
    return json(res, 200, publicView(s));
}

function publicView(s) {
    const { request, requests, ...pub } = s;
    return pub;
}

// POST /control: send the shop a webhook event for a session.
function control(res, body) {
    let c;
    try {
        c = JSON.parse(body.toString('utf8') || '{}');
    } catch {
        return json(res, 400, { error: 'invalid_json' });
    }
    const s = sessions.get(c.session);
    if (!s) return json(res, 404, { error: 'no such session' });
    const eventId = c.event_id || `evt_${crypto.randomBytes(12).toString('hex')}`;
    let t = Math.floor(Date.now() / 1000);
    if (c.signature === 'stale') t -= 600;
    const object = { ...publicView(s), payment_status: c.payment_status || s.payment_status };
    if (c.type === 'checkout.session.completed' || c.type === 'checkout.session.expired')
        object.status = c.type.endsWith('expired') ? 'expired' : 'complete';
    const event = JSON.stringify({
        id: eventId, object: 'event', api_version: '2024-06-20', created: t,
        type: c.type, livemode: false, data: { object },
    });
    let secret = firstLine(args['webhook-secret-file']);
    if (c.signature === 'other_secret') secret = `whsec_${crypto.randomBytes(24).toString('hex')}`;
    let v1 = sign(secret, t, event);
    if (c.signature === 'bad') v1 = v1.replace(/^./, v1[0] === '0' ? '1' : '0');
    const sent = c.body === 'tampered' ? event.replace('"livemode":false', '"livemode":true') : event;
    const shop = new URL('/api/v1/payments/stripe/webhook', args.shop);
    const host = new URL(s.success_url).hostname;
    const req = http.request(shop, {
        method: 'POST',
        headers: {
            Host: host,
            'Content-Type': 'application/json; charset=utf-8',
            'Content-Length': Buffer.byteLength(sent),
            'Stripe-Signature': `t=${t},v1=${v1}`,
            'User-Agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)',
        },
    }, (r) => {
        const chunks = [];
        r.on('data', (d) => chunks.push(d));
        r.on('end', () => {
            log(`event ${eventId} ${c.type} for ${s.id} to ${host}: HTTP ${r.statusCode}`);
            json(res, 200, { event_id: eventId, status: r.statusCode,
                             body: Buffer.concat(chunks).toString('utf8') });
        });
    });
    req.on('error', (e) => json(res, 502, { error: e.message }));
    req.end(sent);
}

serve(args, 'Stripe double', (req, res, url, body) => {
    if (req.method === 'POST' && url.pathname === '/v1/checkout/sessions')
        return createSession(req, res, body);
    const m = url.pathname.match(/^\/v1\/checkout\/sessions\/(cs_test_[0-9a-f]+)$/);
    if (req.method === 'GET' && m) {
        const s = sessions.get(m[1]);
        return s ? json(res, 200, s) : stripeError(res, 404, 'invalid_request_error', 'No such checkout.session');
    }
    if (req.method === 'GET' && url.pathname.startsWith('/c/pay/')) {
        res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
        return res.end('<!DOCTYPE html><title>Stripe double</title><p>A stand-in for Stripe Checkout.</p>');
    }
    if (req.method === 'POST' && url.pathname === '/control') return control(res, body);
    if (req.method === 'GET' && url.pathname === '/healthz') return json(res, 200, { ok: true });
    return stripeError(res, 404, 'invalid_request_error', 'Unrecognized request URL');
});
