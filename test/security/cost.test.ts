// The gateway prices what a request will really do upstream before running it (DESIGN §6): variables with
// their declared defaults, page sizes, list arguments and per-item fields. A query over a bound is refused
// with HTTP 400 and QUERY_TOO_COMPLEX before any call reaches MLflow.
import { readFileSync } from 'node:fs';
import { parse } from 'graphql';
import { apiSchemaFromSupergraph } from '../../src/gateway/apiSchema.js';
import { measureOperation } from '../../src/gateway/measureOperation.js';
import { supergraphSdlPath } from '../../src/gateway/supergraphConfig.js';
import { startStack, type Stack } from '../helpers/startStack.js';
import { postJson } from '../helpers/graphql.js';

/** POSTs an operation and keeps the HTTP status. */
const post = (stack: Stack, query: string, variables?: Record<string, unknown>) =>
  postJson(stack.gateway.graphqlUrl, { query, variables });

const schema = apiSchemaFromSupergraph(readFileSync(supergraphSdlPath, 'utf8'));
const measure = (query: string, variables?: Record<string, unknown>, bulkMetricHistory = true) =>
  measureOperation(schema, parse(query), undefined, variables, { bulkMetricHistory });

describe('measureOperation prices what execution will do', () => {
  it('uses a variable’s declared default and the schema’s argument defaults', () => {
    const withDefault = measure('query ($n: Int = 1000) { experiments(first: $n) { nodes { id } } }');
    expect(withDefault.cost).toBe(1 + 1000);
    expect(measure('query ($n: Int = 1000) { experiments(first: $n) { nodes { id } } }', { n: 3 }).cost).toBe(1 + 3);
    // maxPoints defaults to 2500 in the schema: a history with no maxPoints is priced at 2500 points a run.
    expect(measure('{ run(id: "r") { metricHistory(key: "loss") { step } } }').cost).toBe(100 + 2500);
    // A run counts for the payload it arrives with (params, metrics, tags), selected or not.
    expect(measure('{ runs(experimentIds: ["1"], first: 10) { nodes { id } } }').cost).toBe(1 + 10 * 100);
  });

  it('multiplies by the length of list arguments (a permission check per listed experiment)', () => {
    const ids = Array.from({ length: 50 }, (_, i) => String(i));
    expect(
      measure('query ($ids: [ID!]!) { runs(experimentIds: $ids, first: 1) { nodes { id } } }', { ids }).upstreamCalls,
    ).toBe(1 + 50);
    expect(measure('{ runs(experimentIds: ["1", "2", "3"], first: 1) { nodes { id } } }').upstreamCalls).toBe(1 + 3);
  });

  it('prices each per-item field as an upstream call per object', () => {
    const runs = (field: string) =>
      measure(`{ experiments(first: 4) { nodes { runs(first: 25) { nodes { ${field} } } } } }`).upstreamCalls;
    // experiments/search + one runs page per experiment, then the field.
    expect(runs('id')).toBe(1 + 4);
    expect(runs('artifacts { nodes { path } }')).toBe(1 + 4 + 100);
    // Deduplicated per request: at most one experiments/get per distinct experiment (assumed ≤ 50).
    expect(runs('experiment { id }')).toBe(1 + 4 + 50);
    // Batched where MLflow has a batch endpoint: 100 runs a bulk-interval call, up to 60 run ids a versions search.
    expect(runs('metricHistory(key: "loss", maxPoints: 10) { step }')).toBe(1 + 4 + 1);
    expect(
      measure(
        '{ experiments(first: 4) { nodes { runs(first: 25) { nodes { metricHistory(key: "loss", maxPoints: 10) { step } } } } } }',
        undefined,
        false,
      ).upstreamCalls,
    ).toBe(1 + 4 + 100);
    expect(runs('modelVersions { version }')).toBe(1 + 4 + 2);
    // 500 runs: the loader's searches of ≤ 63 ids, all 8 at once (not the 7 of 80 a request line could hold).
    expect(
      measure('{ experiments(first: 10) { nodes { runs(first: 50) { nodes { modelVersions { version } } } } } }')
        .upstreamCalls,
    ).toBe(1 + 10 + 8);
    // MLflow 3: the runs' logged models come from up to 3 search pages per 10 of their (at most 50) experiments.
    expect(runs('loggedModels { id }')).toBe(1 + 4 + 15);
    const versions = (field: string) => measure(`{ modelVersions(first: 30) { nodes { ${field} } } }`).upstreamCalls;
    expect(versions('version')).toBe(1);
    expect(versions('downloadUri')).toBe(1 + 30);
    expect(versions('transitionRequests { id }')).toBe(1 + 30);
  });

  it('prices artifacts: a listing page a run, a deep glob at its walk bound, a text per file, a URL at nothing', () => {
    const run = (field: string) => measure(`{ run(id: "r") { ${field} } }`).upstreamCalls;
    expect(run('artifacts(first: 50) { nodes { path downloadUrl } }')).toBe(1 + 1);
    expect(run('artifacts(first: 50) { nodes { text } }')).toBe(1 + 1 + 50);
    expect(run('files(glob: "plots/*.png") { downloadUrl }')).toBe(1 + 1);
    // `**` or a pattern directory may list up to 25 pages (subgraphs/tracking/artifactFiles.ts).
    expect(run('files(glob: "plots/**/*.png") { path }')).toBe(1 + 25);
    expect(run('files(glob: "*/MLmodel", first: 3) { text }')).toBe(1 + 25 + 3);
    // Databricks reads a file's bytes with two calls: its presigned URL, then the bytes.
    const presigned = measureOperation(
      schema,
      parse('{ run(id: "r") { files(glob: "a/*", first: 10) { text } } }'),
      undefined,
      {},
      {
        bulkMetricHistory: true,
        artifactCallsPerFile: 2,
      },
    );
    expect(presigned.upstreamCalls).toBe(1 + 1 + 20);
    // Twenty runs' deep globs are over the default budget of 300: refused before anything runs.
    expect(
      measure('{ runs(experimentIds: ["1"], first: 20) { nodes { files(glob: "**/*.png") { path } } } }').upstreamCalls,
    ).toBe(2 + 20 * 25);
  });

  it('counts aliases of a per-item field once each', () => {
    const query = '{ modelVersions(first: 10) { nodes { a: downloadUri b: downloadUri } } }';
    expect(measure(query)).toEqual(expect.objectContaining({ aliases: 2, upstreamCalls: 1 + 10 + 10 }));
  });
});

describe('the gateway refuses an over-priced operation before any upstream call', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ env: { GRAPHQL_MAX_COST: '50000', GRAPHQL_MAX_UPSTREAM_CALLS: '100' } });
  });
  afterAll(() => stack.close());
  beforeEach(() => stack.emulator.resetCalls());

  const refusals: [string, string, Record<string, unknown> | undefined, string][] = [
    [
      'a variable’s default page size',
      'query ($n: Int = 1000) { experiments(first: $n) { nodes { runs(first: 100) { nodes { id } } } } }',
      undefined,
      'cost',
    ],
    [
      'a list argument’s length',
      'query ($ids: [ID!]!) { runs(experimentIds: $ids, first: 1) { nodes { id } } }',
      { ids: Array.from({ length: 150 }, (_, i) => String(i)) },
      'upstreamCalls',
    ],
    [
      'artifacts on every run',
      '{ experiments(first: 10) { nodes { runs(first: 20) { nodes { artifacts { nodes { path } } } } } } }',
      undefined,
      'upstreamCalls',
    ],
    [
      'downloadUri on every version',
      'query ($n: Int = 200) { modelVersions(first: $n) { nodes { downloadUri } } }',
      undefined,
      'upstreamCalls',
    ],
    [
      'transitionRequests on every version',
      '{ modelVersions(first: 200) { nodes { transitionRequests { id } } } }',
      undefined,
      'upstreamCalls',
    ],
  ];

  it.each(refusals)('%s: HTTP 400, QUERY_TOO_COMPLEX, 0 calls', async (_name, query, variables, limit) => {
    const { status, body } = await post(stack, query, variables);
    expect(status).toBe(400);
    expect(body.data).toBeUndefined();
    expect(body.errors[0].extensions).toEqual(
      expect.objectContaining({
        code: 'QUERY_TOO_COMPLEX',
        limit,
        max: limit === 'cost' ? 50_000 : 100,
        actual: expect.any(Number),
      }),
    );
    expect(body.errors[0].extensions.actual).toBeGreaterThan(body.errors[0].extensions.max);
    expect(body.errors[0].extensions.http).toBeUndefined();
    expect(stack.emulator.totalCalls()).toBe(0);
  });

  it('answers the same shapes within the bounds', async () => {
    const { status, body } = await post(
      stack,
      'query ($n: Int = 3) { experiments(first: $n) { nodes { runs(first: 2) { nodes { artifacts { nodes { path } } } } } } }',
    );
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    expect(body.data.experiments.nodes).toHaveLength(3);
  });

  it('refuses depth and aliases with their own limit', async () => {
    const aliases = `{ ${Array.from({ length: 31 }, (_, i) => `a${i}: backend { kind }`).join(' ')} }`;
    const tooMany = await post(stack, aliases);
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.errors[0].extensions).toEqual(
      expect.objectContaining({ code: 'QUERY_TOO_COMPLEX', limit: 'aliases', max: 30, actual: 31 }),
    );
    // run → experiment → runs → nodes → experiment → …: 14 levels.
    const nested = (levels: number): string =>
      levels === 0 ? 'id' : `experiment { runs(first: 1) { nodes { ${nested(levels - 1)} } } }`;
    const deep = await post(stack, `{ run(id: "x") { ${nested(4)} } }`);
    expect(deep.status).toBe(400);
    expect(deep.body.errors[0].extensions).toEqual(
      expect.objectContaining({ code: 'QUERY_TOO_COMPLEX', limit: 'depth', max: 12 }),
    );
    expect(stack.emulator.totalCalls()).toBe(0);
  });
});
