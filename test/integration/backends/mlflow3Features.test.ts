// MLflow 3's logged models on servers without them: an MLflow 2.12.2 (by its reported version) and GitLab (by its
// profile) answer UNSUPPORTED_BY_BACKEND on each logged-model field and argument, with no upstream call at all; a
// write to a run first reads the run for its authorization check, as every run write does, and writes nothing.
import type { Stack } from '../../helpers/startStack.js';
import { writeCallCount } from '../../helpers/upstreamCalls.js';
import { PROFILES, useProfile } from './profiles.js';

/** The one read a run write may make before it is refused: its authorization check reads the run. */
const RUN_READ = ['GET /api/2.0/mlflow/runs/get'];

const EXERCISES: { name: string; query: string; path: string; reads?: string[] }[] = [
  { name: 'Query.loggedModel', query: `{ loggedModel(id: "m-1") { id } }`, path: 'loggedModel' },
  {
    name: 'Query.loggedModels',
    query: `query($e: ID!) { loggedModels(experimentIds: [$e]) { nodes { id } } }`,
    path: 'loggedModels',
  },
  {
    name: 'Mutation.createLoggedModel',
    query: `mutation($e: ID!) { createLoggedModel(input: { experimentId: $e, name: "m" }) { id } }`,
    path: 'createLoggedModel',
  },
  {
    name: 'Mutation.logMetric(modelId)',
    query: `mutation($r: ID!) { logMetric(runId: $r, metric: { key: "k", value: 1, modelId: "m-1" }) { id } }`,
    path: 'logMetric',
    reads: RUN_READ,
  },
  {
    name: 'Mutation.logBatch(datasetName)',
    query: `mutation($r: ID!) { logBatch(runId: $r, metrics: [{ key: "k", value: 1, datasetName: "eval" }]) { id } }`,
    path: 'logBatch',
    reads: RUN_READ,
  },
];

// MLflow without auth and with basic-auth (the version then needs credentials: detected with the caller's), GitLab.
const CASES = PROFILES.filter((p) => ['mlflow (no auth)', 'mlflow basic-auth', 'gitlab'].includes(p.name));

describe.each(CASES.map((p) => [p.name, p]))('logged models on %s (2.x or no MLflow 3 API)', (_name, profile) => {
  let stack: Stack;
  let ids: { e: string; r: string };
  useProfile(profile, (started, found) => {
    stack = started;
    ids = { e: found.experimentId, r: found.runId };
  });
  beforeAll(async () => {
    // Behind basic-auth the version is read with the first caller's credentials (once per process): done here.
    await stack.query('{ backend { version } }', {}, profile.writer);
  });

  it.each(EXERCISES.map((e) => [e.name, e]))(
    '%s answers UNSUPPORTED_BY_BACKEND with 0 upstream calls',
    async (_n, e) => {
      stack.emulator.resetCalls();
      const result = await stack.query(e.query, ids, profile.writer);
      const error = result.errors?.find((x) => (x.path ?? []).join('.') === e.path);
      expect(error?.extensions?.code).toBe('UNSUPPORTED_BY_BACKEND');
      expect(writeCallCount(stack.emulator)).toBe(0);
      const allowed = new Set(e.reads ?? []);
      expect(Object.keys(stack.emulator.calls()).filter((call) => !allowed.has(call))).toEqual([]);
    },
  );

  it('answers Run.loggedModels with UNSUPPORTED_BY_BACKEND (not "none"), the rest of the run still answered', async () => {
    const result = await stack.query(
      `query($r: ID!) { run(id: $r) { id loggedModels { id } inputModels { id } } }`,
      ids,
      profile.writer,
    );
    expect(result.data.run.id).toBe(ids.r);
    expect(result.data.run.loggedModels).toBeNull();
    expect(result.errors?.map((e) => [e.path?.join('.'), e.extensions?.code])).toEqual([
      ['run.loggedModels', 'UNSUPPORTED_BY_BACKEND'],
      ['run.inputModels', 'UNSUPPORTED_BY_BACKEND'],
    ]);
  });
});
