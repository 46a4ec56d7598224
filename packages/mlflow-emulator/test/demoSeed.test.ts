import { EmulatorStore } from '../src/EmulatorStore.js';
import { DEMO_EXPERIMENTS, DEMO_MODELS } from '../src/index.js';
import { seedDemo } from '../src/seeds/demoSeed.js';
import { seedEmpty } from '../src/seeds/emptySeed.js';

describe('demo seed', () => {
  // Seeding time is proportional to what the seed creates, and every emulator start (each test stack) pays it.
  // Its speed is a benchmark's business; here the size that makes it fast is held, which no machine load can
  // change: today 170 runs and about 86,000 metric points, which seed in well under a second.
  it('stays small enough to load in well under a second', () => {
    const store = new EmulatorStore();
    seedDemo(store);
    const runs = [...store.tracking.runs.values()];
    const points = runs.reduce(
      (sum, run) => sum + [...run.metricHistory.values()].reduce((n, history) => n + history.length, 0),
      0,
    );
    expect(runs.length).toBeLessThanOrEqual(200);
    expect(points).toBeLessThanOrEqual(100_000);
  });

  it('is deterministic', () => {
    const a = new EmulatorStore();
    const b = new EmulatorStore();
    seedDemo(a);
    seedDemo(b);
    expect([...a.tracking.runs.keys()]).toEqual([...b.tracking.runs.keys()]);
    expect([...a.registry.modelsById.keys()]).toEqual([...b.registry.modelsById.keys()]);
    expect([...a.tracking.runs.values()].map((run) => run.runName)).toEqual(
      [...b.tracking.runs.values()].map((run) => run.runName),
    );
  });

  it('holds realistic experiments, runs and metric histories', () => {
    const store = new EmulatorStore();
    seedDemo(store);
    const experiments = [...store.tracking.experiments.values()];
    expect(experiments.map((experiment) => experiment.name)).toEqual([
      'Default',
      ...DEMO_EXPERIMENTS.map((plan) => plan.name),
    ]);
    expect(experiments.filter((experiment) => experiment.lifecycleStage === 'deleted').map((e) => e.name)).toEqual([
      'legacy-baseline',
    ]);
    for (const experiment of experiments.filter((e) => e.name !== 'Default' && e.name !== 'legacy-baseline')) {
      expect(experiment.runIds.size).toBeGreaterThanOrEqual(20);
      expect(experiment.runIds.size).toBeLessThanOrEqual(60);
    }
    const runs = [...store.tracking.runs.values()];
    const statuses = new Set(runs.map((run) => run.status));
    expect([...statuses].sort()).toEqual(['FAILED', 'FINISHED', 'KILLED', 'RUNNING']);
    const fraud = store.tracking.getExperimentByName('fraud-detection');
    const deletedRuns = runs.filter(
      (run) => run.lifecycleStage === 'deleted' && run.experimentId === fraud?.experimentId,
    );
    expect(deletedRuns).toHaveLength(1);
    const finished = runs.find((run) => run.status === 'FINISHED');
    expect(finished?.metricHistory.get('loss')?.length).toBeGreaterThanOrEqual(100);
    expect(finished?.metricHistory.get('accuracy')?.length).toBe(finished?.metricHistory.get('val_loss')?.length);
    expect(finished?.params.size).toBeGreaterThan(2);
    expect(finished?.tags.get('mlflow.runName')).toBe(finished?.runName);
    expect(finished?.artifacts.some((artifact) => artifact.path === 'model/MLmodel')).toBe(true);
    expect(runs.filter((run) => run.status === 'RUNNING').every((run) => run.endTime === null)).toBe(true);
  });

  it('registers models with staged versions linked to runs, aliases and tags', () => {
    const store = new EmulatorStore();
    seedDemo(store);
    expect([...store.registry.models.keys()]).toEqual(DEMO_MODELS.map((plan) => plan.name));
    const fraud = store.registry.getRegisteredModel('fraud-detector');
    expect([...fraud.versions.values()].map((version) => version.currentStage)).toEqual([
      'Archived',
      'Archived',
      'Archived',
      'Production',
      'Staging',
    ]);
    expect(Object.fromEntries(fraud.aliases)).toEqual({ champion: 4, challenger: 5 });
    expect(fraud.tags.get('team')).toBe('risk');
    for (const version of fraud.versions.values()) {
      const run = store.tracking.getRun(version.runId);
      expect(version.source).toBe(`${run.artifactUri}/model`);
    }
  });

  it('grants the personas their permissions', () => {
    const store = new EmulatorStore();
    seedDemo(store);
    const privateId = store.tracking.getExperimentByName('demand-forecasting')?.experimentId ?? '';
    expect(store.auth.getUser('carol').experimentPermissions.get(privateId)).toBe('NO_PERMISSIONS');
    expect(store.auth.getUser('carol').registeredModelPermissions.get('demand-forecaster')).toBe('NO_PERMISSIONS');
    expect(store.auth.getUser('alice').registeredModelPermissions.get('fraud-detector')).toBe('MANAGE');
    expect(store.auth.getUser('admin').isAdmin).toBe(true);
    expect([...store.auth.users.values()].map((user) => [user.username, user.id])).toEqual([
      ['admin', 1],
      ['alice', 2],
      ['bob', 3],
      ['carol', 4],
    ]);
  });
});

describe('empty seed', () => {
  it('holds only the Default experiment and the admin, as a fresh MLflow', () => {
    const store = new EmulatorStore();
    seedEmpty(store, { adminPassword: 'password' });
    expect([...store.tracking.experiments.values()].map((e) => [e.experimentId, e.name, e.lifecycleStage])).toEqual([
      ['0', 'Default', 'active'],
    ]);
    expect(store.tracking.runs.size).toBe(0);
    expect(store.registry.models.size).toBe(0);
    expect(store.auth.authenticate('admin', 'password')?.isAdmin).toBe(true);
  });
});
