// Early follow-ups between in-process subgraphs (context/prefetch.ts): the model versions of an experiment's runs
// are searched as soon as the tracking subgraph has the runs, not after the gateway's `_entities` hop. Against the
// emulator, with the same query through a gateway that prefetches and one that does not: the same answers, for
// every caller, from the same upstream calls; only when they are sent differs.
import { ADMIN, ALICE, BOB } from '@mlflow-supergraph/mlflow-emulator';
import { CompiledGraphQLDataSource } from '../../../src/gateway/CompiledGraphQLDataSource.js';
import type { RequestContext } from '../../../src/context/RequestContext.js';
import { asUser } from '../../helpers/auth.js';
import { holds } from '../../helpers/basicAuthPersonas.js';
import { startStack, type Stack } from '../../helpers/startStack.js';
import { mlflowRest, seedRegistry, type SeededRegistry } from './seedRegistry.js';

const DASHBOARD = /* GraphQL */ `
  query Dashboard($filter: String!) {
    experiments(first: 10, filter: $filter) {
      nodes {
        name
        runs(first: 100) {
          nodes {
            id
            modelVersions {
              name
              version
            }
          }
        }
      }
    }
  }
`;
const SEARCH_VERSIONS = 'GET /api/2.0/mlflow/model-versions/search';

/**
 * Upstream calls this request had started when the registry's `_entities` fetch for `Run.modelVersions` began, and
 * in all: counted by the request's own budget counter, which counts a call when it is sent.
 */
function watchRegistryFetch() {
  const prototype = CompiledGraphQLDataSource.prototype;
  const original = prototype.process;
  const seen: { atRegistry: number; context: RequestContext }[] = [];
  prototype.process = function watched(this: CompiledGraphQLDataSource, options) {
    const query = options.request.query ?? '';
    if (query.includes('_entities') && query.includes('modelVersions')) {
      const context = options.context as unknown as RequestContext;
      seen.push({ atRegistry: context.upstreamCalls.calls, context });
    }
    return original.call(this, options);
  };
  return {
    seen,
    stop: () => {
      prototype.process = original;
    },
  };
}

describe('model versions of listed runs, prefetched', () => {
  let prefetching: Stack;
  let plain: Stack;
  let seeded: SeededRegistry;
  const filter = "name LIKE 'pf-%'";

  beforeAll(async () => {
    prefetching = await startStack({ emulator: { seed: 'empty' }, env: { MLFLOW_SUPERGRAPH_PERMISSIONS: 'none' } });
    plain = await startStack({
      sharedEmulator: prefetching.emulator,
      env: { MLFLOW_SUPERGRAPH_PERMISSIONS: 'none' },
      gateway: { prefetch: false },
    });
    // 60 runs with versions and 130 without, over 2 experiments: 190 runs, 4 version searches.
    seeded = await seedRegistry(prefetching.emulator.url, {
      prefix: 'pf',
      models: 12,
      versionsPerModel: 5,
      experiments: 2,
      extraRuns: 130,
    });
  }, 60_000);

  afterAll(async () => {
    await plain?.close();
    await prefetching?.close();
  });

  async function cold(stack: Stack, query = DASHBOARD, variables: Record<string, unknown> = { filter }) {
    stack.coldStart();
    const watch = watchRegistryFetch();
    try {
      const response = await stack.query(query, variables);
      expect(response.errors).toBeUndefined();
      expect(watch.seen).toHaveLength(1);
      const [{ atRegistry, context }] = watch.seen as [(typeof watch.seen)[number]];
      return { response, calls: stack.emulator.calls(), atRegistry, total: context.upstreamCalls.calls };
    } finally {
      watch.stop();
    }
  }

  it('answers as the gateway without it does, from the same upstream calls', async () => {
    const early = await cold(prefetching);
    const late = await cold(plain);
    expect(early.response.data).toEqual(late.response.data);
    expect(early.calls).toEqual(late.calls);
    const runs = (early.response.data.experiments.nodes as any[]).flatMap((e) => e.runs.nodes);
    expect(runs).toHaveLength(190);
    expect(runs.flatMap((r: any) => r.modelVersions)).toHaveLength(60);
    expect(early.calls[SEARCH_VERSIONS]).toBe(4);
  });

  it('does the same for a runs search (Query.runs)', async () => {
    const RUNS = /* GraphQL */ `
      query Runs($experimentIds: [ID!]!) {
        runs(experimentIds: $experimentIds, first: 200) {
          nodes {
            id
            modelVersions {
              name
              version
            }
          }
        }
      }
    `;
    const variables = { experimentIds: seeded.experimentIds };
    const early = await cold(prefetching, RUNS, variables);
    const late = await cold(plain, RUNS, variables);
    expect(early.response.data).toEqual(late.response.data);
    expect(early.calls).toEqual(late.calls);
    expect(early.response.data.runs.nodes).toHaveLength(190);
    expect((early.response.data.runs.nodes as any[]).flatMap((r) => r.modelVersions)).toHaveLength(60);
    expect(early.atRegistry).toBe(early.total);
    expect(late.total - late.atRegistry).toBe(late.calls[SEARCH_VERSIONS]);
  });

  it('sends every version search before the gateway hands the runs to the registry (and only then without it)', async () => {
    const early = await cold(prefetching);
    expect(early.atRegistry).toBe(early.total);
    const late = await cold(plain);
    expect(late.total - late.atRegistry).toBe(late.calls[SEARCH_VERSIONS]);
    expect(late.total).toBe(early.total);
  });
});

describe('prefetched versions and who may read them (MLflow basic-auth)', () => {
  let prefetching: Stack;
  let plain: Stack;
  const asAdmin = asUser(ADMIN);

  beforeAll(async () => {
    const env = { MLFLOW_SUPERGRAPH_PERMISSIONS: 'mlflow-basic-auth' };
    prefetching = await startStack({ emulator: { seed: 'empty', auth: true }, env });
    plain = await startStack({ sharedEmulator: prefetching.emulator, env, gateway: { prefetch: false } });
    const rest = (method: string, path: string, body: unknown) =>
      mlflowRest(prefetching.emulator.url, method, path, body, asAdmin);
    for (const user of [ALICE, BOB])
      await rest('POST', '/api/2.0/mlflow/users/create', { username: user.username, password: user.password });
    const { experiment_id: experimentId } = await rest('POST', '/api/2.0/mlflow/experiments/create', {
      name: 'pfa-experiment',
    });
    for (const name of ['pfa-open', 'pfa-private-model']) {
      await rest('POST', '/api/2.0/mlflow/registered-models/create', { name });
      for (let i = 0; i < 3; i += 1) {
        const { run } = await rest('POST', '/api/2.0/mlflow/runs/create', { experiment_id: experimentId });
        await rest('POST', '/api/2.0/mlflow/model-versions/create', {
          name,
          source: `s3://pfa/${name}/${i}`,
          run_id: run.info.run_id,
        });
      }
    }
    await rest('POST', '/api/2.0/mlflow/registered-models/permissions/create', {
      name: 'pfa-private-model',
      username: BOB.username,
      permission: 'NO_PERMISSIONS',
    });
  }, 60_000);

  afterAll(async () => {
    await plain?.close();
    await prefetching?.close();
  });

  it('answers each caller what the gateway without it answers them, one after the other on a shared cache', async () => {
    for (const [person, headers] of [
      ['bob', asUser(BOB)],
      ['alice', asUser(ALICE)],
      ['bob again', asUser(BOB)],
    ] as const) {
      const early = await prefetching.query(DASHBOARD, { filter: "name LIKE 'pfa-%'" }, headers);
      const late = await plain.query(DASHBOARD, { filter: "name LIKE 'pfa-%'" }, headers);
      expect({ person, body: early }).toEqual({ person, body: late });
      const versions = (early.data.experiments.nodes as any[])
        .flatMap((e) => e.runs.nodes)
        .flatMap((r: any) => r.modelVersions);
      if (person.startsWith('bob')) {
        expect(holds('pfa-private-model', early)).toBe(false);
        expect(versions).toHaveLength(3);
      } else expect(versions).toHaveLength(6);
    }
  });

  it('starts nothing for an anonymous caller, who may not list the runs', async () => {
    prefetching.emulator.resetCalls();
    const response = await prefetching.query(DASHBOARD, { filter: "name LIKE 'pfa-%'" });
    expect(response.errors?.[0]?.extensions).toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(prefetching.emulator.calls()[SEARCH_VERSIONS] ?? 0).toBe(0);
  });
});
