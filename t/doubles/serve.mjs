// What the HTTPS test doubles (downstream.mjs, stripe.mjs) share: their
// command line, their log, JSON answers, the HMAC of a signed header,
// and an HTTPS server on loopback that reads a bounded body, writes its
// pid file and stops cleanly on SIGTERM. Node.js 18, no packages.
import crypto from 'node:crypto';
import fs from 'node:fs';
import https from 'node:https';

const MAX_BODY = 1 << 20;

// --name value pairs; exits 2 naming the first of need that is missing.
export function parseArgs(who, need) {
    const args = {};
    for (let i = 2; i < process.argv.length; i += 2)
        args[process.argv[i].replace(/^--/, '')] = process.argv[i + 1];
    for (const n of need)
        if (!args[n]) {
            console.error(`${who}: --${n} is required`);
            process.exit(2);
        }
    return args;
}

// never a key, a secret or a body
export function log(msg) {
    console.log(`${new Date().toISOString()} ${msg}`);
}

export function json(res, status, obj) {
    res.writeHead(status, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(obj));
}

// hex HMAC-SHA256 of "<t>.<body>": the v1 of a t=...,v1=... header
export function sign(secret, t, body) {
    return crypto.createHmac('sha256', secret).update(`${t}.`).update(body).digest('hex');
}

// Serve route(req, res, url, body) over HTTPS on 127.0.0.1:args.port with
// args.cert and args.key; what (e.g. "Stripe double") names it in the log.
export function serve(args, what, route) {
    const server = https.createServer({
        cert: fs.readFileSync(args.cert),
        key: fs.readFileSync(args.key),
    }, (req, res) => {
        const url = new URL(req.url, 'https://127.0.0.1');
        const chunks = [];
        let size = 0;
        req.on('data', (c) => {
            size += c.length;
            if (size > MAX_BODY) req.destroy();
            else chunks.push(c);
        });
        req.on('end', () => route(req, res, url, Buffer.concat(chunks)));
    });
    server.listen(Number(args.port), '127.0.0.1', () => {
        if (args.pid) fs.writeFileSync(args.pid, `${process.pid}\n`);
        log(`${what} on https://127.0.0.1:${args.port}`);
    });
    for (const sig of ['SIGTERM', 'SIGINT'])
        process.on(sig, () => {
            if (args.pid) fs.rmSync(args.pid, { force: true });
            server.close(() => process.exit(0));
            setTimeout(() => process.exit(0), 2000).unref();
        });
    return server;
}
