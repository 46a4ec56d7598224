// The benchmark's data set, built at setup through the emulator's REST API (untimed, uncounted: straight at
// the emulator, not through the recording proxy). Deterministic: names, values and grants follow the indices.
import { basicAuthorization, inParallel, RestClient } from './RestClient.js';

/** How much data to build. */
export interface DataSize {
  experiments: number;
  runsPerExperiment: number;
  paramsPerRun: number;
  /** Steps logged per metric (the histories the comparison scenario reads). */
  steps: number;
  models: number;
  versionsPerModel: number;
  /** Runs in the comparison scenario (taken from the first two experiments). */
  compareRuns: number;
  /** Callers with the same grants: load runs rotate through them, as many users would. */
  users: number;
}

/** Metric keys every run logs. */
export const METRIC_KEYS = ['loss', 'val_loss', 'accuracy', 'f1'] as const;

/** What the scenarios need to know about the data. */
export interface BenchData {
  /** The benchmark's callers: non-admin basic-auth users, each with the same mix of grants. */
  users: { username: string; password: string }[];
  experimentIds: string[];
  /** Prefix of every benchmark experiment's name (the dashboard filters on it). */
  experimentPrefix: string;
  modelNames: string[];
  compare: { experimentIds: string[]; runIds: string[] };
  /** A run with model versions (the run-by-id scenario). */
  runId: string;
  size: DataSize;
}

/** Builds the data set in an emulator started with `auth: true`, as its admin. */
export async function buildBenchData(
  emulatorUrl: string,
  admin: { username: string; password: string },
  size: DataSize,
): Promise<BenchData> {
  const api = new RestClient(emulatorUrl, basicAuthorization(admin.username, admin.password));
  const users = Array.from({ length: Math.max(1, size.users) }, (_, i) => ({
    username: `bench-viewer-${String(i).padStart(2, '0')}`,
    password: `bench-viewer-pw-${i}`,
  }));
  await inParallel(users, 8, (user) => api.post('users/create', user));
  const experimentPrefix = 'bench-';
  const experimentIds = await inParallel(
    Array.from({ length: size.experiments }, (_, i) => i),
    4,
    async (i) => {
      const { experiment_id: id } = await api.post<{ experiment_id: string }>('experiments/create', {
        name: `${experimentPrefix}${String(i).padStart(2, '0')}`,
        tags: [{ key: 'team', value: `team-${i % 3}` }],
      });
      // A mix of levels, so viewerPermission is a real decision: MANAGE, EDIT, then the default READ.
      if (i % 3 === 0)
        await inParallel(users, 8, (user) =>
          api.post('experiments/permissions/create', {
            experiment_id: id,
            username: user.username,
            permission: i % 2 === 0 ? 'MANAGE' : 'EDIT',
          }),
        );
      return id;
    },
  );

  const t0 = Date.UTC(2024, 3, 1);
  const runIds: string[][] = await inParallel(experimentIds, 2, (experimentId, e) =>
    inParallel(
      Array.from({ length: size.runsPerExperiment }, (_, r) => r),
      8,
      async (r) => {
        const startTime = t0 + (e * size.runsPerExperiment + r) * 60_000;
        const { run } = await api.post<{ run: { info: { run_id: string } } }>('runs/create', {
          experiment_id: experimentId,
          start_time: startTime,
          run_name: `run-${e}-${r}`,
          tags: [],
        });
        const runId = run.info.run_id;
        const params = Array.from({ length: size.paramsPerRun }, (_, p) => ({
          key: `param_${p}`,
          value: String((r * 7 + p) % 13),
        }));
        const metrics = METRIC_KEYS.flatMap((key, k) =>
          Array.from({ length: size.steps }, (_, step) => ({
            key,
            value: Math.round((1 / (1 + step + r + k)) * 1e6) / 1e6,
            timestamp: startTime + step * 1000,
            step,
          })),
        );
        // log-batch takes at most 1000 metrics per call.
        for (let i = 0; i < Math.max(1, metrics.length); i += 1000) {
          await api.post('runs/log-batch', {
            run_id: runId,
            metrics: metrics.slice(i, i + 1000),
            params: i === 0 ? params : [],
            tags: [],
          });
        }
        await api.post('runs/update', { run_id: runId, status: 'FINISHED', end_time: startTime + size.steps * 1000 });
        return runId;
      },
    ),
  );

  // Versions spread over the experiments' runs, one run each: the registry scenario reaches many runs.
  const allRuns = runIds.flat();
  const modelNames = await inParallel(
    Array.from({ length: size.models }, (_, m) => m),
    4,
    async (m) => {
      const name = `bench-model-${String(m).padStart(2, '0')}`;
      await api.post('registered-models/create', { name, tags: [{ key: 'team', value: `team-${m % 3}` }] });
      if (m % 4 === 0)
        await inParallel(users, 8, (user) =>
          api.post('registered-models/permissions/create', { name, username: user.username, permission: 'EDIT' }),
        );
      for (let v = 0; v < size.versionsPerModel; v += 1) {
        const runId = allRuns[((m * size.versionsPerModel + v) * 3) % allRuns.length] as string;
        await api.post('model-versions/create', { name, source: `runs:/${runId}/model`, run_id: runId });
      }
      await api.post('registered-models/alias', { name, alias: 'champion', version: String(size.versionsPerModel) });
      return name;
    },
  );

  const half = Math.ceil(size.compareRuns / 2);
  const compareExperiments = experimentIds.slice(0, Math.min(2, experimentIds.length));
  const compareRunIds = compareExperiments
    .flatMap((_, e) => (runIds[e] ?? []).slice(0, half))
    .slice(0, size.compareRuns);
  return {
    users,
    experimentIds,
    experimentPrefix,
    modelNames,
    compare: { experimentIds: compareExperiments, runIds: compareRunIds },
    runId: allRuns[0] as string,
    size,
  };
}
