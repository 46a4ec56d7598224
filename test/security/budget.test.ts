// The hard per-request upstream-call budget (GRAPHQL_MAX_UPSTREAM_CALLS): refused before execution when the
// estimate is over it; and, where the estimate falls short, the call past it is never sent.
import { startStack, type Stack } from '../helpers/startStack.js';
import { createRequestContext } from '../../src/context/createRequestContext.js';
import { createServices } from '../../src/context/createServices.js';
import { loadConfig } from '../../src/config.js';
import { MemoryCache } from '../../src/cache/MemoryCache.js';
import { toGraphQLError } from '../../src/errors/toGraphQLError.js';
import { postJson } from '../helpers/graphql.js';

/** POSTs an operation and keeps the HTTP status. */
const post = (stack: Stack, query: string, variables?: Record<string, unknown>) =>
  postJson(stack.gateway.graphqlUrl, { query, variables });

describe('GRAPHQL_MAX_UPSTREAM_CALLS', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ env: { GRAPHQL_MAX_UPSTREAM_CALLS: '4' } });
  });
  afterAll(() => stack.close());
  beforeEach(() => stack.coldStart());

  it('refuses an operation whose estimate is over the budget: HTTP 400, limit upstreamCalls, 0 calls', async () => {
    // experiments/search + a runs page for each of the 5 experiments = 6 > 4.
    const { status, body } = await post(
      stack,
      'query ($n: Int = 5) { experiments(first: $n) { nodes { runs(first: 1) { nodes { id } } } } }',
    );
    expect(status).toBe(400);
    expect(body.errors[0].extensions).toEqual({ code: 'QUERY_TOO_COMPLEX', limit: 'upstreamCalls', max: 4, actual: 6 });
    expect(stack.emulator.totalCalls()).toBe(0);
  });

  it('stops at the budget when the estimate fell short: the rest fail with QUERY_TOO_COMPLEX, calls ≤ budget', async () => {
    // ModelVersion.aliases is priced as free (usually primed), but versions found by a search need their model
    // read (registered-models/get per distinct model): the demo's versions span more models than the budget.
    const { status, body } = await post(stack, '{ modelVersions(first: 50) { nodes { name version aliases } } }');
    expect(status).toBe(200);
    const codes = (body.errors ?? []).map((e: any) => e.extensions);
    expect(codes.length).toBeGreaterThan(0);
    for (const extensions of codes)
      expect(extensions).toEqual(
        expect.objectContaining({ code: 'QUERY_TOO_COMPLEX', limit: 'upstreamCalls', max: 4 }),
      );
    expect(stack.emulator.totalCalls()).toBeLessThanOrEqual(4);
    expect(stack.emulator.callCount('GET /api/2.0/mlflow/registered-models/get')).toBe(3);
  });

  it('counts every client of the request against one budget and sends nothing past it', async () => {
    const config = loadConfig({
      NODE_ENV: 'test',
      MLFLOW_TRACKING_URI: stack.emulator.trackingUri,
      GRAPHQL_MAX_UPSTREAM_CALLS: '3',
    });
    const services = createServices(config, stack.emulator.trackingUri, { cache: new MemoryCache() });
    try {
      const context = createRequestContext(services, {});
      const results = await Promise.allSettled(
        Array.from({ length: 5 }, () => context.clients.mlflow.call('getExperiment', { experiment_id: '0' })),
      );
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(3);
      const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      expect(refused).toHaveLength(2);
      for (const { reason } of refused)
        expect(toGraphQLError(reason).extensions).toEqual(
          expect.objectContaining({ code: 'QUERY_TOO_COMPLEX', limit: 'upstreamCalls', max: 3 }),
        );
      expect(stack.emulator.callCount('GET /api/2.0/mlflow/experiments/get')).toBe(3);
      // The breaker learned nothing from calls that were never made.
      expect(services.mlflowBreaker.state).toBe('closed');
    } finally {
      await services.close();
    }
  });
});

describe('per-request memo and the answer-size bound', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ env: { GRAPHQL_MAX_RESPONSE_BYTES: '1024' } });
  });
  afterAll(() => stack.close());
  beforeEach(() => stack.coldStart());

  it('lists one run’s artifacts once per request, however many parents reach it', async () => {
    const { body: found } = await post(
      stack,
      '{ experiments(first: 1) { nodes { id runs(first: 1) { nodes { id } } } } }',
    );
    const experiment = found.data.experiments.nodes[0];
    const runId = experiment.runs.nodes[0].id;
    stack.coldStart();
    const { body } = await post(
      stack,
      'query ($id: ID!, $e: [ID!]!) { a: run(id: $id) { artifacts { nodes { path } } } b: run(id: $id) { artifacts { nodes { path } } } c: runs(experimentIds: $e, first: 1) { nodes { artifacts { nodes { path } } } } }',
      { id: runId, e: [experiment.id] },
    );
    expect(body.errors).toBeUndefined();
    expect(body.data.c.nodes[0]).toEqual(body.data.a);
    expect(stack.emulator.callCount('GET /api/2.0/mlflow/artifacts/list')).toBe(1);
  });

  it('replaces an answer over GRAPHQL_MAX_RESPONSE_BYTES by QUERY_TOO_COMPLEX (limit responseBytes), HTTP 400', async () => {
    const response = await fetch(stack.gateway.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        query:
          '{ experiments(first: 50) { nodes { id name artifactLocation tags { key value } runs(first: 5) { nodes { id name params { key value } } } } } }',
      }),
    });
    const text = await response.text();
    expect(response.status).toBe(400);
    expect(text.length).toBeLessThan(400);
    const body = JSON.parse(text);
    expect(body.data).toBeUndefined();
    expect(body.errors[0].extensions).toEqual({
      code: 'QUERY_TOO_COMPLEX',
      limit: 'responseBytes',
      max: 1024,
      actual: expect.any(Number),
    });
    expect(body.errors[0].extensions.actual).toBeGreaterThan(1024);
  });
});

describe('GRAPHQL_MAX_UPSTREAM_BYTES', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ env: { GRAPHQL_MAX_UPSTREAM_BYTES: '2048' } });
  });
  afterAll(() => stack.close());
  beforeEach(() => stack.coldStart());

  it('cuts off the call that takes the request past its budget of bytes received: QUERY_TOO_COMPLEX, limit upstreamBytes', async () => {
    const { status, body } = await post(
      stack,
      '{ experiments(first: 50) { nodes { id runs(first: 50) { nodes { id params { key value } tags { key value } } } } } }',
    );
    expect(status).toBe(200);
    const codes = (body.errors ?? []).map((e: any) => e.extensions);
    expect(codes.length).toBeGreaterThan(0);
    expect(codes).toContainEqual(
      expect.objectContaining({ code: 'QUERY_TOO_COMPLEX', limit: 'upstreamBytes', max: 2048 }),
    );
    // A small request of the same caller is still answered.
    const small = await post(stack, '{ experiments(first: 1) { nodes { id } } }');
    expect(small.body.errors).toBeUndefined();
  });
});
