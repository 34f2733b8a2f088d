// The editor of bench/publish.sh: a staff member of the shop signed in to
// the admin panel, who changes a product's monthly price in its form (a
// save into the catalog draft) and publishes the draft, as a brand
// partner does. Node 18, no packages.
//
//   node bench/publish.mjs reach URL HOST EMAIL PASSWORD SKU ROUNDS
//     each round: save, publish, then from the publish's answer on,
//     batches of PROBES requests at once to /api/v1/products/SKU (so
//     every worker answers some) until a whole batch shows the new
//     price. Prints the stale answers seen after the publish and the
//     time until a whole batch was new, per round and at most.
//   node bench/publish.mjs edit URL HOST EMAIL PASSWORD SKU SECONDS
//     a save and a publish every second for SECONDS; prints how many.
//   node bench/publish.mjs save URL HOST EMAIL PASSWORD SKU SECONDS
//     the same without the publish (the panel's own work, no workers
//     told), and the draft discarded at the end.
//
// The price goes back to what it was at the end.
import http from 'node:http';

const [mode, url, host, email, password, sku, countArg] = process.argv.slice(2);
const base = new URL(url);
const agent = new http.Agent({ keepAlive: true, maxSockets: 32 });
const PROBES = 32;
const cookies = new Map();

function request(method, path, { headers = {}, body } = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request({
      host: base.hostname, port: base.port, method, path, agent,
      headers: {
        Host: host, Cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join('; '), ...headers,
        ...(body ? { 'Content-Length': Buffer.byteLength(body) } : {}),
      },
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

// a browser's request: keeps the session cookie and its CSRF token
let token = '';
async function browse(method, path, pairs) {
  const body = pairs ? new URLSearchParams([['csrf', token], ...pairs]).toString() : undefined;
  const res = await request(method, path, {
    headers: body ? { 'Content-Type': 'application/x-www-form-urlencoded' } : {}, body,
  });
  for (const c of res.headers['set-cookie'] || []) {
    const [kv] = c.split(';');
    cookies.set(kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1));
  }
  if (res.headers['x-csrf-token']) token = res.headers['x-csrf-token'];
  return res;
}

const unescape = (s) => s.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<')
  .replace(/&gt;/g, '>').replace(/&amp;/g, '&');
const attr = (tag, name) => { const m = tag.match(new RegExp(`\\s${name}="([^"]*)"`)); return m ? unescape(m[1]) : null; };

// What the product's form sends as it stands: its inputs, ticked boxes
// and chosen options, as a browser would.
function formPairs(html) {
  const form = html.slice(html.indexOf('<form method="post" action="/admin/products/'));
  const body = form.slice(0, form.indexOf('</form>'));
  const pairs = [];
  for (const tag of body.match(/<input[^>]*>/g) || []) {
    const name = attr(tag, 'name');
    const type = attr(tag, 'type') || 'text';
    if (!name || name === 'csrf' || /\sdisabled/.test(tag)) continue;
    if ((type === 'checkbox' || type === 'radio') && !/\schecked/.test(tag)) continue;
    pairs.push([name, attr(tag, 'value') ?? '']);
  }
  for (const sel of body.match(/<select[^>]*>[^]*?<\/select>/g) || []) {
    const name = attr(sel, 'name');
    const chosen = sel.match(/<option[^>]*\sselected[^>]*>/g) || [sel.match(/<option[^>]*>/)[0]];
    for (const o of chosen) pairs.push([name, attr(o, 'value')]);
  }
  for (const ta of body.match(/<textarea[^>]*>[^]*?<\/textarea>/g) || []) {
    pairs.push([attr(ta, 'name'), unescape(ta.replace(/^<textarea[^>]*>/, '').replace(/<\/textarea>$/, ''))]);
  }
  return pairs;
}

async function signIn() {
  await browse('GET', '/admin/sign-in');
  const r = await browse('POST', '/admin/sign-in', [['email', email], ['password', password]]);
  if (r.status !== 303) throw new Error(`sign-in answered ${r.status}`);
}

// The product's form with its monthly price set to kroner (as typed in
// the shop: "79,00"), saved into the draft, then the draft published.
// The publish's answer time (ms since the epoch) is returned.
async function saveAndPublish(kroner, publish = true) {
  const page = await browse('GET', `/admin/products/${sku}`);
  if (page.status !== 200) throw new Error(`the form answered ${page.status}`);
  const pairs = formPairs(page.body).map(([k, v]) => (k === 'monthly_price' ? [k, kroner] : [k, v]));
  const saved = await browse('POST', `/admin/products/${sku}`, pairs);
  if (saved.status !== 303) {
    const why = (saved.body.match(/<ul id="error-summary">[^]*?<\/ul>/) || [''])[0];
    throw new Error(`the save answered ${saved.status}: ${why.replace(/<[^>]*>/g, ' ')}`);
  }
  if (!publish) return Date.now();
  const pub = await browse('POST', '/admin/draft/publish', []);
  if (pub.status !== 303) throw new Error(`the publish answered ${pub.status}`);
  return Date.now();
}

async function price() {
  const r = await request('GET', `/api/v1/products/${sku}`, { headers: { Accept: 'application/json' } });
  return JSON.parse(r.body).product.price.regular_monthly;
}

const kronerOf = (ore) => `${Math.floor(ore / 100)},${String(ore % 100).padStart(2, '0')}`;

await signIn();
const original = await price();
const other = original - 100;

if (mode === 'reach') {
  const rounds = Number(countArg);
  let worst = 0;
  let stale = 0;
  const times = [];
  for (let i = 0; i < rounds; i++) {
    const want = i % 2 === 0 ? other : original;
    const t0 = await saveAndPublish(kronerOf(want));
    for (;;) {
      const got = await Promise.all(Array.from({ length: PROBES }, price));
      const old = got.filter((p) => p !== want).length;
      stale += old;
      if (old === 0) break;
      if (Date.now() - t0 > 10000) throw new Error('the change did not reach every worker in 10 s');
    }
    const ms = Date.now() - t0;
    times.push(ms);
    worst = Math.max(worst, ms);
  }
  if ((await price()) !== original) await saveAndPublish(kronerOf(original));
  times.sort((a, b) => a - b);
  console.log(`publish-rounds ${rounds}`);
  console.log(`publish-stale-answers ${stale}`);
  console.log(`publish-reach-median-ms ${times[Math.floor(times.length / 2)]}`);
  console.log(`publish-reach-max-ms ${worst}`);
} else if (mode === 'edit' || mode === 'save') {
  const end = Date.now() + Number(countArg) * 1000;
  let n = 0;
  while (Date.now() < end) {
    const t = Date.now();
    await saveAndPublish(kronerOf(n % 2 === 0 ? other : original), mode === 'edit');
    n++;
    await new Promise((r) => setTimeout(r, Math.max(0, 1000 - (Date.now() - t))));
  }
  if (mode === 'save') await browse('POST', '/admin/draft/discard', []);
  if ((await price()) !== original) await saveAndPublish(kronerOf(original));
  console.log(`${mode}-rounds ${n}`);
} else {
  throw new Error(`unknown mode ${mode}`);
}
