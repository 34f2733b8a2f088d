// The number pool: the demo pools (sql/demo/numbers-*.csv, imported by
// scripts/lib.sh), GET /api/v1/numbers and `ecomctl numbers import`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { json, ecomctl, stack, eventually, redis, redisCli, ROOT, STACK_DIR, NORDLYS, FJORD } from './lib.mjs';


// Commands fed to one redis-cli: for a few hundred keys at once.
function redisPipe(lines) {
  redisCli([], { input: lines.join('\n') + '\n', stdio: ['pipe', 'ignore', 'inherit'] });
}

function sql(statement) {
  return execFileSync('mariadb', ['--no-defaults', '-uroot', `--socket=${path.join(STACK_DIR, 'run/mysqld.sock')}`,
    '-N', '-B', 'ecom', '-e', statement], { encoding: 'utf8' }).trim();
}

function pool(slug) {
  const text = readFileSync(path.join(ROOT, `sql/demo/numbers-${slug}.csv`), 'utf8');
  return new Set(text.split('\n').filter((l) => l.startsWith('+45')));
}

const NORDLYS_POOL = pool('nordlys');
const FJORD_POOL = pool('fjordmobil');
const lockKey = (slug, msisdn) => `ecom:{${slug}}:lock:${msisdn}`;
const numbers = (res) => res.json.numbers.map((n) => n.msisdn);

async function offer(host, query = '') {
  const res = await json(host, `/api/v1/numbers${query}`);
  assert.equal(res.status, 200, res.body);
  return numbers(res);
}

// A number no test has used: random in a block no demo pool has.
function freshNumbers(count) {
  const out = new Set();
  while (out.size < count)
    out.add(`+457199${String(Math.floor(Math.random() * 10000)).padStart(4, '0')}`);
  return [...out];
}

function importFile(slug, text) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'numbers-'));
  const file = path.join(dir, 'pool.csv');
  writeFileSync(file, text);
  try {
    return { file, status: 0, stdout: ecomctl('numbers', 'import', slug, file), stderr: '' };
  } catch (e) {
    return { file, status: e.status, stdout: e.stdout, stderr: e.stderr };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('the demo pools are imported: each brand offers its own numbers, in E.164 and as read', async () => {
  assert.ok(NORDLYS_POOL.size >= 2000 && FJORD_POOL.size >= 2000);
  assert.equal(sql(`SELECT COUNT(*) FROM numbers n JOIN tenants t ON t.id = n.tenant_id
                    WHERE t.slug = 'nordlys' AND n.msisdn LIKE '+45%' AND n.msisdn NOT LIKE '+457199%'`),
               String(NORDLYS_POOL.size));
  const res = await json(NORDLYS, '/api/v1/numbers');
  assert.equal(res.status, 200);
  assert.equal(res.headers['cache-control'], 'no-store');
  assert.equal(res.json.numbers.length, 10);   // the default count
  for (const n of res.json.numbers) {
    assert.match(n.msisdn, /^\+45[2-9]\d{7}$/);
    assert.ok(NORDLYS_POOL.has(n.msisdn), n.msisdn);
    const d = n.msisdn.slice(3);
    assert.equal(n.national, `${d.slice(0, 2)} ${d.slice(2, 4)} ${d.slice(4, 6)} ${d.slice(6)}`);
  }
  const list = numbers(res);
  assert.deepEqual(list, [...list].sort(), 'shown in number order');
  assert.equal(new Set(list).size, list.length, 'no number twice');
});

test('count is 1 to 50; contains is 1 to 8 digits; anything else is 422 naming the field', async () => {
  assert.equal((await offer(NORDLYS, '?count=1')).length, 1);
  assert.equal((await offer(NORDLYS, '?count=50')).length, 50);
  for (const [query, field] of [['?count=51', 'count'], ['?count=0', 'count'], ['?count=-1', 'count'],
                                ['?count=ten', 'count'], ['?count=', 'count'], ['?count=1e1', 'count'],
                                ['?contains=abc', 'contains'], ['?contains=12a', 'contains'],
                                ['?contains=123456789', 'contains'], ['?contains=%2B4520', 'contains'],
                                ['?contains=%25', 'contains'], ['?count=5&contains=x', 'contains']]) {
    const res = await json(NORDLYS, `/api/v1/numbers${query}`);
    assert.equal(res.status, 422, query);
    assert.equal(res.json.error.code, 'invalid_field', query);
    assert.equal(res.json.error.field, field, query);
    assert.ok(res.json.error.message, query);
  }
});

test('contains finds numbers with those digits in the 8 national digits', async () => {
  const found = await offer(NORDLYS, '?count=50&contains=77');
  assert.ok(found.length > 0);
  for (const n of found) assert.ok(n.slice(3).includes('77'), n);
  // "45" is no match for the country code of every number
  for (const n of await offer(NORDLYS, '?count=50&contains=45')) assert.ok(n.slice(3).includes('45'), n);
  // all 8 digits: exactly that number
  const one = [...NORDLYS_POOL][1234];
  assert.deepEqual(await offer(NORDLYS, `?contains=${one.slice(3)}`), [one]);
  // digits in no number of the pool: an empty list, not an error
  assert.deepEqual(await offer(NORDLYS, '?contains=99999999'), []);
  // a search with fewer matches than asked for gets them all
  const rare = await offer(NORDLYS, `?count=50&contains=${one.slice(3, 10)}`);
  assert.ok(rare.includes(one) && rare.length < 50, rare.join(' '));
});

test('two calls offer different numbers: a fresh draw each time, not the first N', async () => {
  const draws = [];
  for (let i = 0; i < 5; i++) draws.push((await offer(NORDLYS, '?count=10')).join(' '));
  assert.notEqual(draws[0], draws[1]);
  assert.ok(new Set(draws).size >= 4, draws.join('\n'));
  const seen = new Set(draws.flatMap((d) => d.split(' ')));
  assert.ok(seen.size >= 35, `${seen.size} different numbers in 5 draws of 10`);
  // drawn from the whole pool: several number blocks show up
  const blocks = new Set([...seen].map((n) => n.slice(3, 7)));
  assert.ok(blocks.size >= 3, [...blocks].join(' '));
});

test('a number locked in Redis is never offered, and is offered again once the lock is gone', async () => {
  const target = [...NORDLYS_POOL][42];
  const digits = target.slice(3);
  assert.deepEqual(await offer(NORDLYS, `?contains=${digits}`), [target]);
  redis('SET', lockKey('nordlys', target), 'someone', 'PX', '60000');
  try {
    assert.deepEqual(await offer(NORDLYS, `?contains=${digits}`), []);
  } finally {
    redis('DEL', lockKey('nordlys', target));
  }
  assert.deepEqual(await offer(NORDLYS, `?contains=${digits}`), [target]);

  // a tenth of the pool locked, each lock announced as the basket's
  // script does (docs/numbers.md): never one of them, and still full answers
  const locked = [...NORDLYS_POOL].filter((_, i) => i % 10 === 3);
  redisPipe(locked.flatMap((n) => [`SET ${lockKey('nordlys', n)} basket-x PX 60000`,
                                   `PUBLISH ecom:invalidate lock:nordlys:${n}`]));
  try {
    const lockedSet = new Set(locked);
    for (let i = 0; i < 20; i++) {
      const got = await offer(NORDLYS, '?count=50');
      assert.equal(got.length, 50);
      for (const n of got) assert.ok(!lockedSet.has(n), `${n} is locked but was offered`);
    }
  } finally {
    redisPipe(locked.map((n) => `DEL ${lockKey('nordlys', n)}`));
  }
});

test("a lock on another tenant's key does not hide the number here", async () => {
  const target = [...NORDLYS_POOL][7];
  redis('SET', lockKey('fjordmobil', target), 'someone', 'PX', '60000');
  try {
    assert.deepEqual(await offer(NORDLYS, `?contains=${target.slice(3)}`), [target]);
  } finally {
    redis('DEL', lockKey('fjordmobil', target));
  }
});

test("one brand's numbers are never offered on the other brand's host", async () => {
  for (let i = 0; i < 10; i++) {
    for (const n of await offer(NORDLYS, '?count=50')) {
      assert.ok(NORDLYS_POOL.has(n), `${n} on nordlys`);
      assert.ok(!FJORD_POOL.has(n), `fjordmobil's ${n} on nordlys`);
    }
    for (const n of await offer(FJORD, '?count=50')) {
      assert.ok(FJORD_POOL.has(n), `${n} on fjordmobil`);
      assert.ok(!NORDLYS_POOL.has(n), `nordlys' ${n} on fjordmobil`);
    }
  }
  const theirs = [...FJORD_POOL][100];
  assert.deepEqual(await offer(NORDLYS, `?contains=${theirs.slice(3)}`), []);
  assert.deepEqual(await offer(FJORD, `?contains=${theirs.slice(3)}`), [theirs]);
  assert.equal((await json('nobody.localhost', '/api/v1/numbers')).status, 404);
});

test('ecomctl numbers import: counts, repeats and numbers already in the pool skipped', async () => {
  const fresh = freshNumbers(20);
  const inPool = [...NORDLYS_POOL].slice(0, 2);
  // every accepted form, a header, comments, blank lines and CRLF
  const lines = ['msisdn', '# a test pool', '',
    ...fresh.map((n, i) => (i % 3 === 0 ? n.slice(3) : i % 3 === 1 ? `00${n.slice(1)}` : n)),
    fresh[0], fresh[1].slice(3), `00${fresh[2].slice(1)}`,   // 3 repeats, in other forms
    ...inPool];
  try {
    const res = importFile('nordlys', lines.join('\r\n') + '\r\n');
    assert.equal(res.status, 0, res.stderr);
    assert.match(res.stdout, /^added 20, skipped 5 duplicates \(3 repeated in the file, 2 already in the pool of nordlys\)$/m);
    // in the pool, available, offered
    assert.deepEqual(await offer(NORDLYS, `?contains=${fresh[5].slice(3)}`), [fresh[5]]);
    assert.deepEqual(await offer(FJORD, `?contains=${fresh[5].slice(3)}`), []);
    // the same file again adds nothing
    const again = importFile('nordlys', lines.join('\n'));
    assert.match(again.stdout, /^added 0, skipped 25 duplicates/m);
  } finally {
    sql(`DELETE FROM numbers WHERE msisdn IN (${fresh.map((n) => `'${n}'`).join(',')})`);
  }
});

test('ecomctl numbers import: a malformed file names its first bad line and imports nothing', async () => {
  const fresh = freshNumbers(5);
  const before = sql('SELECT COUNT(*) FROM numbers');
  const cases = [
    [[fresh[0], fresh[1], '2012345', fresh[2], 'abc'], 3, /'2012345': a Danish number has 8 digits/],
    [['msisdn', fresh[0], '# ok', '', '+4620123456'], 5, /not a Danish number/],
    [[fresh[0], `${fresh[1]},${fresh[2]}`], 2, /one number per line/],
    [[fresh[0], '12345678'], 2, /does not start with 1/],
    [[fresh[0], fresh[1], 'msisdn'], 3, /header 'msisdn' belongs on the first line/],
  ];
  try {
    for (const [lines, line, why] of cases) {
      const res = importFile('nordlys', lines.join('\n') + '\n');
      assert.equal(res.status, 1, lines.join(' | '));
      assert.ok(res.stderr.includes(`${res.file}:${line}: `), res.stderr);
      assert.match(res.stderr, why);
      assert.match(res.stderr, /nothing was imported/);
      assert.equal(res.stdout, '');
    }
    assert.equal(sql('SELECT COUNT(*) FROM numbers'), before, 'nothing imported');
    assert.deepEqual(await offer(NORDLYS, `?contains=${fresh[0].slice(3)}`), []);
    // a file with no numbers at all is refused too
    const empty = importFile('nordlys', 'msisdn\n# nothing yet\n');
    assert.equal(empty.status, 1);
    assert.match(empty.stderr, /no numbers in the file/);
    // and an unknown tenant
    const nobody = importFile('nosuchbrand', `${fresh[0]}\n`);
    assert.equal(nobody.status, 1);
    assert.match(nobody.stderr, /no tenant 'nosuchbrand'/);
    assert.equal(sql('SELECT COUNT(*) FROM numbers'), before);
  } finally {
    sql(`DELETE FROM numbers WHERE msisdn IN (${fresh.map((n) => `'${n}'`).join(',')})`);
  }
});

test('with Redis stopped numbers answer 503 unavailable, and they come back with it', async () => {
  stack('stop-redis');
  try {
    const res = await json(NORDLYS, '/api/v1/numbers');
    assert.equal(res.status, 503);
    assert.equal(res.json.error.code, 'unavailable');
    assert.ok(Number(res.headers['retry-after']) > 0);
  } finally {
    stack('start-redis');
  }
  await eventually(async () => (await json(NORDLYS, '/api/v1/numbers')).status === 200);
  for (let i = 0; i < 20; i++)
    assert.equal((await json(NORDLYS, '/api/v1/numbers?count=3')).status, 200, `request ${i}`);
});
