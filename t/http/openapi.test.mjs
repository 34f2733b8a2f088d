// docs/openapi.yaml: valid OpenAPI 3.1, and the same map as the route table
// (src/app/routes.c) both ways, so a route cannot go undocumented and the
// file cannot describe an address that does not exist. Needs no stack.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Validator } from '@seriousme/openapi-schema-validator';
import { parse } from 'yaml';
import { ROOT } from './lib.mjs';

const specFile = path.join(ROOT, 'docs/openapi.yaml');
const spec = parse(readFileSync(specFile, 'utf8'));
const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

// "GET /api/v1/products/{sku}" for every method of every route in the
// table's text; a route may name several methods (EC_GET | EC_HEAD).
export function routesOf(source) {
  const table = source.slice(source.indexOf('ec_routes[] = {'));
  const out = [];
  for (const m of table.matchAll(/\{\s*((?:EC_[A-Z]+\s*\|?\s*)+),\s*"([^"]+)"/g)) {
    for (const method of m[1].split('|').map((s) => s.trim()).filter(Boolean)) {
      out.push(`${method.replace(/^EC_/, '')} ${m[2]}`);
    }
  }
  return out;
}

export function operationsOf(doc) {
  const out = [];
  for (const [p, item] of Object.entries(doc.paths || {})) {
    for (const method of HTTP_METHODS) {
      if (item[method]) out.push(`${method.toUpperCase()} ${p}`);
    }
  }
  return out;
}

// What does not match: API routes not described, described operations
// that are no route.
export function compare(routes, operations) {
  const described = new Set(operations);
  const served = new Set(routes);
  return {
    undocumented: routes.filter((r) => {
      const p = r.split(' ')[1];
      return p.startsWith('/api/') && !described.has(r);
    }),
    unserved: operations.filter((o) => !served.has(o)),
  };
}

const routes = routesOf(readFileSync(path.join(ROOT, 'src/app/routes.c'), 'utf8'));

test('docs/openapi.yaml is valid OpenAPI 3.1', async () => {
  assert.match(spec.openapi, /^3\.1\.\d+$/);
  const res = await new Validator().validate(specFile);
  assert.equal(res.valid, true, JSON.stringify(res.errors, null, 2));
});

test('the validator refuses a broken description (so the check above can fail)', async () => {
  const broken = structuredClone(spec);
  delete broken.info;
  broken.paths['/api/v1/tenant'].get.responses = { 200: { content: {} } }; // no description
  const res = await new Validator().validate(broken);
  assert.equal(res.valid, false);
});

test('every /api/ route of routes.c is described, and every described operation is a route', () => {
  assert.ok(routes.length > 40, `the route table was read: ${routes.length} routes`);
  assert.ok(routes.includes('GET /api/v1/products/{sku}'));
  const apiRoutes = routes.filter((r) => r.split(' ')[1].startsWith('/api/'));
  assert.ok(apiRoutes.length >= 24, `${apiRoutes.length} API routes`);
  const { undocumented, unserved } = compare(routes, operationsOf(spec));
  assert.deepEqual(undocumented, [], 'routes with no operation in docs/openapi.yaml');
  assert.deepEqual(unserved, [], 'operations in docs/openapi.yaml that no route serves');
});

test('the comparison finds a missing route either way', () => {
  const ops = operationsOf(spec);
  const lessDoc = compare(routes, ops.filter((o) => o !== 'PATCH /api/v1/basket/lines/{id}'));
  assert.deepEqual(lessDoc.undocumented, ['PATCH /api/v1/basket/lines/{id}']);
  const lessRoutes = compare(routes.filter((r) => r !== 'GET /api/v1/numbers'), ops);
  assert.deepEqual(lessRoutes.unserved, ['GET /api/v1/numbers']);
  // several methods on one line count one by one
  assert.deepEqual(routesOf('ec_routes[] = {\n {EC_GET | EC_HEAD, "/x", h, 0},\n'),
    ['GET /x', 'HEAD /x']);
  // the admin API's routes too
  assert.deepEqual(compare(['GET /api/admin/v1/products'], []).undocumented, ['GET /api/admin/v1/products']);
  assert.deepEqual(compare([], ['GET /api/admin/v1/products']).unserved, ['GET /api/admin/v1/products']);
});

test('every error answer of the API is the error envelope, every operation has a success answer', () => {
  const resolve = (r) => (r.$ref ? spec.components.responses[r.$ref.split('/').pop()] : r);
  for (const [p, item] of Object.entries(spec.paths)) {
    // the probes answer their own shape, 503 included
    const api = p.startsWith('/api/');
    for (const method of HTTP_METHODS) {
      const op = item[method];
      if (!op) continue;
      const statuses = Object.keys(op.responses);
      assert.ok(statuses.some((s) => s.startsWith('2')), `${method} ${p} has a 2xx answer`);
      for (const s of statuses.filter((x) => api && /^[45]/.test(x))) {
        const schema = resolve(op.responses[s]).content?.['application/json']?.schema;
        assert.equal(schema?.$ref, '#/components/schemas/Error', `${method} ${p} ${s}`);
      }
    }
  }
});
