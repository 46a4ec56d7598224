// The upstream cost of the registry's two headline queries, through the gateway against the emulator,
// measured from the emulator's call counters on registries of different sizes.
import { startStack, type Stack } from '../../helpers/startStack.js';
import { runIdInFilter } from '../../../src/subgraphs/registry/filters.js';
import { runIdsPerSearch } from '../../../src/subgraphs/registry/loaders/versionsByRunId.js';
import { chunkByRequestLine } from '../../../src/upstream/http/requestLine.js';
import { seedRegistry, type SeededRegistry } from './seedRegistry.js';

const MODELS_QUERY = /* GraphQL */ `
  query Models {
    registeredModels(first: 20) {
      nodes {
        name
        versions(first: 10) {
          nodes {
            version
            aliases
            run {
              id
              experiment {
                name
              }
              metrics {
                key
                value
              }
            }
          }
        }
      }
    }
  }
`;

const RUNS_QUERY = /* GraphQL */ `
  query Runs($experimentIds: [ID!]!, $first: Int!) {
    runs(experimentIds: $experimentIds, first: $first) {
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

const EP = {
  searchModels: 'GET /api/2.0/mlflow/registered-models/search',
  getModel: 'GET /api/2.0/mlflow/registered-models/get',
  searchVersions: 'GET /api/2.0/mlflow/model-versions/search',
  getVersion: 'GET /api/2.0/mlflow/model-versions/get',
  byAlias: 'GET /api/2.0/mlflow/registered-models/alias',
  searchRuns: 'POST /api/2.0/mlflow/runs/search',
  getRun: 'GET /api/2.0/mlflow/runs/get',
  getExperiment: 'GET /api/2.0/mlflow/experiments/get',
  searchExperiments: 'POST /api/2.0/mlflow/experiments/search',
} as const;

interface Sized {
  stack: Stack;
  seeded: SeededRegistry;
}

/** Runs `query` once after a warm-up (the permission probe happens once per process), counting calls. */
async function measure(stack: Stack, query: string, variables?: Record<string, unknown>) {
  stack.coldStart();
  const response = await stack.query(query, variables);
  expect(response.errors).toBeUndefined();
  const counts = Object.fromEntries(
    Object.entries(EP).map(([name, route]) => [name, stack.emulator.callCount(route)]),
  ) as Record<keyof typeof EP, number>;
  return { response, counts, total: stack.emulator.totalCalls() };
}

async function sized(models: number, versionsPerModel: number, extraRuns: number): Promise<Sized> {
  const stack = await startStack({ emulator: { seed: 'empty' }, env: { MLFLOW_SUPERGRAPH_PERMISSIONS: 'none' } });
  const seeded = await seedRegistry(stack.emulator.url, {
    prefix: `cost${models}`,
    models,
    versionsPerModel,
    experiments: 2,
    extraRuns,
  });
  await stack.query('{ registeredModels(first: 1) { nodes { name } } }'); // warm-up
  return { stack, seeded };
}

let small: Sized;
let large: Sized;
let wide: Sized;

beforeAll(async () => {
  [small, large, wide] = await Promise.all([sized(3, 2, 4), sized(12, 5, 10), sized(2, 1, 248)]);
}, 120_000);

afterAll(async () => {
  await Promise.all([small?.stack.close(), large?.stack.close(), wide?.stack.close()]);
});

describe('registeredModels → versions → run → experiment, metrics', () => {
  it('answers with every version, its aliases and its run', async () => {
    const { response } = await measure(large.stack, MODELS_QUERY);
    const nodes = response.data.registeredModels.nodes as any[];
    expect(nodes).toHaveLength(12);
    const first = nodes[0];
    expect(first.versions.nodes.map((v: any) => v.version)).toEqual(['5', '4', '3', '2', '1']);
    const v1 = first.versions.nodes.find((v: any) => v.version === '1');
    expect(v1.aliases).toEqual(['champion']);
    expect(v1.run).toMatchObject({
      id: large.seeded.models[0]?.versions[0]?.runId,
      experiment: { name: expect.stringMatching(/-exp-/) },
    });
    expect(v1.run.metrics).toEqual([{ key: 'loss', value: expect.any(Number) }]);
  });

  it('costs the registry one models search plus one versions search, whatever the number of models and versions', async () => {
    for (const { stack } of [small, large]) {
      const { counts } = await measure(stack, MODELS_QUERY);
      expect(counts.searchModels).toBe(1);
      // MLflow's grammar accepts IN only for run_id; a registry that fits one page is listed once and split.
      expect(counts.searchVersions).toBe(1);
      // Aliases come from the model the search already returned; versions are primed from their pages.
      expect(counts.getModel).toBe(0);
      expect(counts.getVersion).toBe(0);
      expect(counts.byAlias).toBe(0);
    }
  });

  it('leaves nothing uncounted: the rest is the tracking subgraph resolving runs and experiments', async () => {
    for (const { stack, seeded } of [small, large]) {
      const { counts, total } = await measure(stack, MODELS_QUERY);
      const runsWithVersions = seeded.models.flatMap((m) => m.versions).length;
      expect(total).toBe(
        counts.searchModels +
          counts.searchVersions +
          counts.searchRuns +
          counts.getRun +
          counts.getExperiment +
          counts.searchExperiments,
      );
      // Tracking resolves the run references with one experiments search (which also answers every
      // Run.experiment) and one `attributes.run_id IN` runs search per 100 runs: no call per run.
      expect(counts.searchExperiments).toBe(1);
      expect(counts.searchRuns).toBe(Math.ceil(runsWithVersions / 100));
      expect(counts.getRun).toBe(0);
      expect(counts.getExperiment).toBe(0);
      expect(total).toBe(1 + 1 + 1 + Math.ceil(runsWithVersions / 100));
    }
  });
});

describe('runs → modelVersions', () => {
  it('answers each run with the versions it produced', async () => {
    const { response } = await measure(large.stack, RUNS_QUERY, {
      experimentIds: large.seeded.experimentIds,
      first: 50,
    });
    const nodes = response.data.runs.nodes as { id: string; modelVersions: { name: string; version: string }[] }[];
    expect(nodes).toHaveLength(50);
    const produced = new Map<string, { name: string; version: string }[]>();
    for (const model of large.seeded.models)
      for (const { version, runId } of model.versions) produced.set(runId, [{ name: model.name, version }]);
    for (const run of nodes) expect(run.modelVersions).toEqual(produced.get(run.id) ?? []);
    expect(nodes.filter((run) => run.modelVersions.length > 0).length).toBeGreaterThan(0);
  });

  it('costs one runs search and one run_id IN versions search, whatever the number of runs', async () => {
    const costs = [];
    for (const { stack, seeded } of [small, large]) {
      const { counts, total } = await measure(stack, RUNS_QUERY, { experimentIds: seeded.experimentIds, first: 50 });
      expect(counts.searchRuns).toBe(1);
      expect(counts.searchVersions).toBe(1);
      costs.push(total);
    }
    expect(costs).toEqual([2, 2]);
  });
});

describe('runs → modelVersions over more runs than one request line holds', () => {
  it('splits the run_id IN search into searches of runIdsPerSearch ids that each fit a request line', async () => {
    const { response, counts } = await measure(wide.stack, RUNS_QUERY, {
      experimentIds: wide.seeded.experimentIds,
      first: 250,
    });
    expect(response.data.runs.nodes).toHaveLength(250);
    const expectedChunks = chunkByRequestLine(
      '/api/2.0/mlflow/model-versions/search',
      wide.seeded.runIds,
      (ids) => ({ filter: runIdInFilter(ids), page_token: 'x'.repeat(96) }),
      { maxPerChunk: runIdsPerSearch(wide.seeded.runIds.length) },
    ).length;
    // 250 ids: 5 searches of 50 (by bytes alone, ~90 fit a 4094-byte line: 3 searches).
    expect(expectedChunks).toBe(5);
    expect(counts.searchVersions).toBe(expectedChunks);
    const withVersions = (response.data.runs.nodes as any[]).filter((run) => run.modelVersions.length > 0);
    expect(withVersions).toHaveLength(2);
  });
});
