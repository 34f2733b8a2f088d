// The panel's product form through nginx (docs/admin.md, "The product
// form"): an editor creates a plan visible only in the app channel, with
// the app's own price, its SIM types narrowed there and an add-on fitting
// it only in the app; edits it; retires it. Each save waits in the
// catalog draft until it is published; then the admin API shows the very
// object the form made, and each published save leaves one audit row with
// the staff member; a bad field is answered at its place in the page (422, what was
// typed kept) with nothing written; who may do what; another tenant's SKU
// is 404.
//
// Two scratch tenants, prodtest (Danish: amounts typed as "179,00") and
// prodtest2, made for the run and deleted after it with everything of
// theirs but their audit rows (which nobody may delete).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { dropTenants, ecomctl, makeTenants, redis, request, sql } from './lib.mjs';
import { PW, PanelBrowser, dropStaffAndOrders, staffUser } from './staff.mjs';

const A = 'prodtest';
const B = 'prodtest2';
const HOST_A = `${A}.localhost`;
const HOST_B = `${B}.localhost`;
let key;

const plan = (sku, fields = {}) => ({
  sku, kind: 'plan', status: 'active', name: `Plan ${sku}`, description: '',
  data_gb: 10, talk_minutes: null, network: '4g', eu_data_gb: 5, monthly_price: 9900,
  fees: { startup: 0, sim: 0 }, binding_months: [0], sim_types: ['physical', 'esim'],
  channels: { web: { visible: true, sort: 10 } }, addons: [], ...fields,
});

const catalog = (prefix) => ({
  format: 'ecom-catalog/1',
  channels: [{ code: 'web', name: 'Web', kind: 'web_front', default: true },
             { code: 'app', name: 'App', kind: 'app' }],
  channel_rules: [{ kind: 'header', param: 'x-channel', value: 'app', channel: 'app' }],
  products: [plan(`${prefix}-BASE`),
             plan(`${prefix}-EU`, { kind: 'addon', name: 'EU ekstra', monthly_price: 2900,
               channels: { web: { visible: true, sort: 0 }, app: { visible: true, sort: 0 } } })],
  campaigns: [],
});

async function signedIn(role, slug = A) {
  const b = new PanelBrowser(`${slug}.localhost`);
  const email = staffUser(role, role === 'operator' ? undefined : slug);
  await b.get('/admin/sign-in');
  const r = await b.form('/admin/sign-in', [['email', email], ['password', PW]]);
  assert.equal(r.status, 303, r.body);
  return { b, email };
}

// The form's fields for the new app-only plan, as a browser sends them.
function appPlanForm(sku, over = {}) {
  const f = {
    sku, kind: 'plan', status: 'active', name: 'App 20 GB', description: 'Kun i appen.',
    data_gb: '20', talk_minutes: '', network: '5g', eu_data_gb: '10',
    monthly_price: '199,00', 'fees.startup': '99,00', 'fees.sim': '0',
    'ch.web.name': '', 'ch.web.sort': '', 'ch.web.monthly_price': '',
    'ch.app.name': 'App-special', 'ch.app.sort': '5', 'ch.app.monthly_price': '179,00',
    ...over,
  };
  const pairs = Object.entries(f).filter(([k]) => !(k === 'sku' && sku === null));
  return (extra = [['binding_months', '0'], ['binding_months', '6'], ['sim_types', 'physical'],
    ['sim_types', 'esim'], ['ch.app.visible', '1'], ['ch.app.sim_types', 'esim'],
    ['addons', `PT-EU`], ['addon.PT-EU.channels', 'app']]) => [...pairs, ...extra];
}

const api = async (p, host = HOST_A, k = key) => {
  const r = await request(host, `/api/admin/v1${p}`, { headers: { Authorization: `Bearer ${k}` } });
  return { status: r.status, json: r.body ? JSON.parse(r.body) : null };
};

// the draft published, as the panel's Draft screen does
async function publish(b) {
  const r = await b.form('/admin/draft/publish');
  assert.equal(r.status, 303, r.body);
}

const audits = (sku) => sql(`SELECT a.action, a.actor_kind, a.actor_label FROM audit_log a JOIN tenants t ON t.id = a.tenant_id
  WHERE t.slug = '${A}' AND a.object_type = 'product' AND a.object_id = '${sku}' ORDER BY a.id`)
  .split('\n').filter(Boolean).map((l) => l.split('\t'));

const fieldError = (body, id) => body.match(new RegExp(`<span class="field-error" id="${id.replace(/\./g, '\\.')}-error">([^<]*)</span>`))?.[1];
const inputOf = (body, id) => body.match(new RegExp(`<input id="${id.replace(/\./g, '\\.')}"[^>]*>`))?.[0];

before(() => {
  makeTenants([{ slug: A, name: 'Product test A', catalog: catalog('PT') },
               { slug: B, name: 'Product test B', catalog: catalog('PT2') }]);
  key = ecomctl('apikey', 'create', A, 'product test', 'viewer').trim();
});

after(() => {
  dropStaffAndOrders();
  dropTenants([A, B]);
});

test('the amount hints and errors name the shop\'s own currency', async () => {
  sql(`UPDATE tenants SET currency = 'EUR' WHERE slug = '${B}'`);
  redis('PUBLISH', 'ecom:invalidate', 'tenants');
  try {
    const { b } = await signedIn('editor', B);
    const form = await b.get('/admin/products/new');
    assert.equal(form.status, 200);
    assert.match(form.body, /id="monthly_price-hint">I EUR, fx 199,00\.</);
    assert.doesNotMatch(form.body, /kroner/);
    const bad = await b.form('/admin/products', appPlanForm('PT2-EUR', { monthly_price: 'gratis' })());
    assert.equal(bad.status, 422);
    assert.match(fieldError(bad.body, 'monthly_price'), /Skriv et beløb i EUR, fx 199,00\./);
    const campaign = await b.get('/admin/campaigns/new');
    assert.match(campaign.body, /Beløb i EUR \(199,00\) eller procent/);
  } finally {
    sql(`UPDATE tenants SET currency = 'DKK' WHERE slug = '${B}'`);
    redis('PUBLISH', 'ecom:invalidate', 'tenants');
  }
});

test('an editor creates an app-only plan, edits it and retires it; the API shows the same object', async () => {
  const { b, email } = await signedIn('editor');
  const list = await b.get('/admin/products');
  assert.match(list.body, /href="\/admin\/products\/new"/);
  assert.match(list.body, /href="\/admin\/products\/PT-BASE"/);
  const blank = await b.get('/admin/products/new');
  assert.equal(blank.status, 200);
  assert.match(blank.body, /<legend>App <code>app<\/code><\/legend>/);
  assert.match(blank.body, /id="addons-PT-EU"/);

  const made = await b.form('/admin/products', appPlanForm('PT-APP')());
  assert.equal(made.status, 303, made.body);
  assert.equal(made.headers.location, '/admin/products/PT-APP?saved=1');
  // saved in the draft: not live until published
  assert.equal((await api('/products/PT-APP')).status, 404);
  await publish(b);
  const want = {
    sku: 'PT-APP', kind: 'plan', status: 'active', name: 'App 20 GB', description: 'Kun i appen.',
    data_gb: 20, talk_minutes: null, network: '5g', eu_data_gb: 10, monthly_price: 19900,
    fees: { startup: 9900, sim: 0 }, binding_months: [0, 6], sim_types: ['physical', 'esim'],
    channels: { app: { visible: true, name: 'App-special', sort: 5, sim_types: ['esim'], monthly_price: 17900 } },
    addons: [{ sku: 'PT-EU', channels: ['app'] }],
  };
  const got = await api('/products/PT-APP');
  assert.equal(got.status, 200);
  assert.deepEqual(got.json, want);
  assert.deepEqual(audits('PT-APP'), [['create', 'staff', email]]);

  // the page shows what is stored, as typed in the shop's language
  const page = await b.get(made.headers.location);
  assert.equal(page.status, 200);
  assert.match(page.body, /id="product-notice"/);
  assert.match(inputOf(page.body, 'monthly_price'), /value="199,00"/);
  assert.match(inputOf(page.body, 'ch.app.monthly_price'), /value="179,00"/);
  assert.match(inputOf(page.body, 'talk_minutes'), /value=""/);
  assert.match(page.body, /id="ch\.app\.sim_types-esim" name="ch\.app\.sim_types" value="esim" checked/);
  assert.match(page.body, /id="ch\.app\.sim_types-physical" name="ch\.app\.sim_types" value="physical">/);
  assert.match(page.body, /id="ch\.web\.visible" name="ch\.web\.visible" value="1">/);
  assert.match(page.body, /id="ch\.app\.visible" name="ch\.app\.visible" value="1" checked>/);
  assert.match(page.body, /id="addon\.PT-EU\.channels-app"[^>]*checked/);
  assert.match(page.body, /href="\/products\/PT-APP"/);

  // the storefront: in the app, not on the web
  const app = await request(HOST_A, '/api/v1/products/PT-APP', { headers: { 'X-Channel': 'app' } });
  assert.equal(app.status, 200);
  assert.equal((await request(HOST_A, '/api/v1/products/PT-APP')).status, 404);

  // an edit: the app price back to the product's, the web too
  const edited = await b.form('/admin/products/PT-APP', appPlanForm(null, {
    name: 'App 25 GB', data_gb: '25', 'ch.app.monthly_price': '', 'ch.web.sort': '3',
  })([['binding_months', '0'], ['binding_months', '6'], ['sim_types', 'physical'], ['sim_types', 'esim'],
    ['ch.app.visible', '1'], ['ch.web.visible', '1'], ['ch.app.sim_types', 'esim']]));
  assert.equal(edited.status, 303, edited.body);
  await publish(b);
  const after1 = (await api('/products/PT-APP')).json;
  assert.deepEqual(after1, {
    ...want, name: 'App 25 GB', data_gb: 25, addons: [],
    channels: { web: { visible: true, sort: 3 }, app: { visible: true, name: 'App-special', sort: 5, sim_types: ['esim'] } },
  });
  assert.deepEqual(audits('PT-APP').map((r) => r[0]), ['create', 'update']);

  // a save that changes nothing records nothing
  const same = await b.form('/admin/products/PT-APP', appPlanForm(null, {
    name: 'App 25 GB', data_gb: '25', 'ch.app.monthly_price': '', 'ch.web.sort': '3',
  })([['binding_months', '0'], ['binding_months', '6'], ['sim_types', 'physical'], ['sim_types', 'esim'],
    ['ch.app.visible', '1'], ['ch.web.visible', '1'], ['ch.app.sim_types', 'esim']]));
  assert.equal(same.status, 303);
  await publish(b);
  assert.equal(audits('PT-APP').length, 2);

  const retired = await b.form('/admin/products/PT-APP/retire');
  assert.equal(retired.status, 303);
  assert.equal(retired.headers.location, '/admin/products/PT-APP?retired=1');
  await publish(b);
  assert.equal((await api('/products/PT-APP')).json.status, 'retired');
  assert.deepEqual(audits('PT-APP').map((r) => r.join(' ')),
    ['create staff ' + email, 'update staff ' + email, 'retire staff ' + email]);
  const gone = await b.get('/admin/products/PT-APP?retired=1');
  assert.doesNotMatch(gone.body, /id="retire-form"/);
  assert.match(gone.body, /<option value="retired" selected>/);
});

test('a bad field is answered at its place, what was typed kept, nothing written', async () => {
  const { b } = await signedIn('editor');
  const before = audits('PT-BAD').length;

  const neg = await b.form('/admin/products', appPlanForm('PT-BAD', { monthly_price: '-10,00' })());
  assert.equal(neg.status, 422, neg.body);
  assert.ok(fieldError(neg.body, 'monthly_price'), 'an error at the monthly price');
  assert.match(inputOf(neg.body, 'monthly_price'), /value="-10,00"[^>]*aria-invalid="true"/);
  assert.match(inputOf(neg.body, 'monthly_price'), /aria-describedby="monthly_price-hint monthly_price-error"/);
  assert.match(neg.body, /<ul id="error-summary">\s*<li><a href="#monthly_price">Pris pr. måned: /);
  assert.match(inputOf(neg.body, 'ch.app.name'), /value="App-special"/);

  // a SIM type in the app the product does not offer
  const sims = await b.form('/admin/products', appPlanForm('PT-BAD')([
    ['binding_months', '0'], ['sim_types', 'physical'], ['ch.app.visible', '1'], ['ch.app.sim_types', 'esim']]));
  assert.equal(sims.status, 422, sims.body);
  assert.ok(fieldError(sims.body, 'ch.app.sim_types'), 'an error at the app\'s SIM types');
  assert.match(sims.body, /<a href="#ch\.app\.sim_types-physical">App: SIM-typer: /);
  assert.match(sims.body, /id="ch\.app\.sim_types-esim" name="ch\.app\.sim_types" value="esim" checked/);

  // text that is no amount (an English "199.00" in a Danish shop) is
  // refused at its field before anything is put
  const text = await b.form('/admin/products', appPlanForm('PT-BAD', { monthly_price: '199.00', 'fees.sim': 'gratis' })());
  assert.equal(text.status, 422);
  assert.match(fieldError(text.body, 'monthly_price'), /Skriv et beløb i DKK, fx 199,00\./);
  assert.match(fieldError(text.body, 'fees.sim'), /Skriv et beløb i DKK, fx 199,00\./);
  assert.match(inputOf(text.body, 'fees.sim'), /value="gratis"/);

  // a whole number that is no number is the model's to refuse
  const gb = await b.form('/admin/products', appPlanForm('PT-BAD', { data_gb: 'mange' })());
  assert.equal(gb.status, 422);
  assert.ok(fieldError(gb.body, 'data_gb'));

  // no binding period at all
  const none = await b.form('/admin/products', appPlanForm('PT-BAD')([['sim_types', 'esim']]));
  assert.equal(none.status, 422);
  assert.ok(fieldError(none.body, 'binding_months'));

  // a SKU the shop has
  const taken = await b.form('/admin/products', appPlanForm('PT-BASE')());
  assert.equal(taken.status, 409);
  assert.ok(fieldError(taken.body, 'sku'));

  // a fault elsewhere in the catalog (a plan lists the add-on this save
  // would make a plan) has no field here: the summary names it, unlinked
  assert.equal((await b.form('/admin/products', appPlanForm('PT-FIT')())).status, 303);
  const euBefore = (await api('/products/PT-EU')).json;
  const elsewhere = await b.form('/admin/products/PT-EU', appPlanForm(null, { kind: 'plan', name: 'EU ekstra' })([
    ['binding_months', '0'], ['sim_types', 'esim']]));
  assert.equal(elsewhere.status, 422, elsewhere.body);
  assert.match(elsewhere.body, /<ul id="error-summary">\s*<li>&quot;PT-EU&quot; is a plan, not an add-on \(\$\.products\[\d+\]\.addons\[0\]\.sku\)<\/li>/);
  assert.deepEqual((await api('/products/PT-EU')).json, euBefore);

  assert.equal((await api('/products/PT-BAD')).status, 404);
  assert.equal(audits('PT-BAD').length, before);
  assert.equal((await api('/products/PT-BASE')).json.name, 'Plan PT-BASE');
});

test('role × action: a viewer reads the form but may not post; an agent gets no page', async () => {
  const expect = {
    editor: { page: 200, new: 200, post: 303 },
    admin: { page: 200, new: 200, post: 303 },
    operator: { page: 200, new: 200, post: 303 },
    viewer: { page: 200, new: 403, post: 403 },
    agent: { page: 403, new: 403, post: 403 },
  };
  for (const [role, want] of Object.entries(expect)) {
    const { b } = await signedIn(role);
    const page = await b.get('/admin/products/PT-BASE');
    assert.equal(page.status, want.page, `${role} page`);
    if (role === 'viewer') {
      assert.match(page.body, /<fieldset disabled>/);
      assert.doesNotMatch(page.body, /id="retire-form"/);
    }
    assert.equal((await b.get('/admin/products/new')).status, want.new, `${role} new`);
    const sku = `PT-R-${role.toUpperCase()}`;
    const created = await b.form('/admin/products', appPlanForm(sku)());
    assert.equal(created.status, want.post, `${role} create`);
    if (want.post === 303) await publish(b);
    const target = want.post === 303 ? sku : 'PT-BASE';
    const saved = await b.form(`/admin/products/${target}`, appPlanForm(null, { name: `Saved by ${role}` })());
    assert.equal(saved.status, want.post, `${role} save`);
    if (want.post === 303) await publish(b);
    const retired = await b.form(`/admin/products/${target}/retire`);
    assert.equal(retired.status, want.post, `${role} retire`);
    if (want.post === 303) await publish(b);
    if (want.post !== 303) assert.equal(audits(sku).length, 0);
    else assert.deepEqual(audits(sku).map((r) => r[0]), ['create', 'update', 'retire']);
  }
  assert.equal((await api('/products/PT-BASE')).json.status, 'active');
  // without a token the post is refused before anything else
  const { b } = await signedIn('editor');
  const forged = await b.post('/admin/products', [...appPlanForm('PT-FORGED')()]);
  assert.equal(forged.status, 403);
  assert.equal((await api('/products/PT-FORGED')).status, 404);
});

test("another tenant's SKU is 404 on the page, the save and the retire", async () => {
  const { b } = await signedIn('editor');
  assert.equal((await b.get('/admin/products/PT2-BASE')).status, 404);
  assert.equal((await b.get('/admin/products/NO-SUCH')).status, 404);
  const save = await b.form('/admin/products/PT2-BASE', appPlanForm(null)());
  assert.equal(save.status, 404);
  assert.equal((await b.form('/admin/products/PT2-BASE/retire')).status, 404);
  // nothing made here, nothing changed there
  assert.equal((await api('/products/PT2-BASE')).status, 404);
  const k2 = ecomctl('apikey', 'create', B, 'product test', 'viewer').trim();
  assert.equal((await api('/products/PT2-BASE', HOST_B, k2)).json.status, 'active');
});
