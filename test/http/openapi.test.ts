import Ajv2020 from 'ajv/dist/2020';
import { expect } from 'chai';
import Fastify from 'fastify';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { createHttpApi } from '../../src/http/api';
import { startHarness, type Harness } from '../helpers/app-harness';
import { httpFromChild, JSON_HEADERS } from './client';

type Spec = {
  openapi: string;
  paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema: unknown }> }>; requestBody?: { content: Record<string, { schema: { $ref: string } }> } }>>;
  components: { schemas: Record<string, { properties?: Record<string, unknown> }> };
};

const DOC = readFileSync(path.join(__dirname, '..', '..', 'docs', 'http.md'), 'utf8');

/** /openapi.json against the routes the adapter registers, real answers, and docs/http.md. */
describe('HTTP API: /openapi.json stays in sync', function () {
  this.timeout(30_000);
  let h: Harness;
  let spec: Spec;

  before(async () => {
    h = await startHarness({ withLlm: false, config: { metrics: { enabled: true, port: 0 }, robot: { initial_posture: 'standing' } } });
    const [r] = await httpFromChild(h.app.monitorUrl() as string, [{ path: '/openapi.json' }]);
    spec = JSON.parse(r?.body ?? '{}') as Spec;
  });
  after(() => h?.close());

  it('is OpenAPI 3.1 and lists exactly the routes the adapter registers', async () => {
    expect(spec.openapi).to.equal('3.1.0');
    const app = Fastify();
    const routes: string[] = [];
    app.addHook('onRoute', (r) => {
      for (const m of [r.method].flat()) if (m !== 'HEAD' && r.url !== '/openapi.json') routes.push(`${m} ${r.url}`);
    });
    await app.register(createHttpApi({ config: h.app.config, pipeline: h.app.pipeline, catalogue: h.app.catalogue, logger: h.app.logger, status: () => h.app.monitor.health(true).body }));
    await app.ready();
    await app.close();
    const documented = Object.entries(spec.paths).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`));
    expect(documented.sort()).to.deep.equal(routes.sort());
    expect(documented.sort()).to.deep.equal(['GET /v1/actions', 'GET /v1/status', 'POST /v1/query', 'POST /v1/stop']);
  });

  it('real answers validate against the documented schemas (200 and 4xx)', async () => {
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    for (const [name, schema] of Object.entries(spec.components.schemas)) ajv.addSchema(schema as object, `#/components/schemas/${name}`);
    const schemaOf = (p: string, method: string, status: string) => spec.paths[p]?.[method]?.responses[status]?.content?.['application/json']?.schema as object;
    const base = h.app.monitorUrl() as string;
    const cases: Array<[string, string, string, Parameters<typeof httpFromChild>[1][number]]> = [
      ['/v1/query', 'post', '200', { method: 'POST', path: '/v1/query', headers: JSON_HEADERS, json: { text: '座って' } }],
      ['/v1/query', 'post', '200', { method: 'POST', path: '/v1/query', headers: JSON_HEADERS, json: { text: 'なんでもない話', dry_run: true } }],
      ['/v1/query', 'post', '4XX', { method: 'POST', path: '/v1/query', headers: JSON_HEADERS, json: { text: 1 } }],
      ['/v1/query', 'post', '4XX', { method: 'POST', path: '/v1/query', headers: { 'content-type': 'text/plain' }, body: 'x' }],
      ['/v1/stop', 'post', '200', { method: 'POST', path: '/v1/stop' }],
      ['/v1/actions', 'get', '200', { path: '/v1/actions' }],
      ['/v1/status', 'get', '200', { path: '/v1/status' }],
    ];
    const res = await httpFromChild(base, cases.map((c) => c[3]));
    cases.forEach(([p, m, status], i) => {
      const r = res[i];
      const code = String(r?.status);
      expect(status === '4XX' ? code[0] : code, `${m} ${p}`).to.equal(status === '4XX' ? '4' : status);
      const schema = schemaOf(p, m, status);
      expect(schema, `${m} ${p} ${status} is documented`).to.not.equal(undefined);
      const ok = ajv.validate(schema, JSON.parse(r?.body ?? 'null'));
      expect(ok, `${m} ${p} ${code}: ${ajv.errorsText()}`).to.equal(true);
    });
    // The validator is not vacuous: a wrong answer fails.
    expect(ajv.validate(schemaOf('/v1/query', 'post', '200'), { success: 'yes' })).to.equal(false);
  });

  it('docs/http.md names every path, every request field and every error status', () => {
    for (const p of Object.keys(spec.paths)) expect(DOC, p).to.include(p);
    const fields = Object.keys(spec.components.schemas.QueryRequest?.properties ?? {});
    expect(fields).to.include('text');
    for (const f of fields) expect(DOC, `request field ${f}`).to.include(`| \`${f}\` |`);
    for (const f of Object.keys(spec.components.schemas.QueryAnswer?.properties ?? {})) expect(DOC, `answer field ${f}`).to.include(`| \`${f}\` |`);
    for (const s of ['400', '401', '403', '413', '415', '429']) expect(DOC, `status ${s}`).to.match(new RegExp(`^\\| ${s}\\b`, 'm'));
  });
});
