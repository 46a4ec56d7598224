// The `demo` seed: a small but realistic tracking server. Deterministic (seeded PRNG, fixed clock),
// built directly into the store's records so it loads in a few tens of milliseconds.
import type { EmulatorStore } from '../EmulatorStore.js';
import { createPrng, type Prng } from '../prng.js';
import type { ArtifactRecord, DatasetInputRecord, MetricPoint, RunRecord, RunStatus } from '../records.js';
import { generateRunName } from '../runNames.js';
import { seedDatabricksPersonas, type SeedOptions } from './emptySeed.js';
import { ADMIN, BOB, CAROL, DATABRICKS_ADMIN, DATABRICKS_ALICE, DATABRICKS_BOB, SEED_USERS } from './users.js';

/** 2024-03-01T00:00:00Z: the demo's "beginning of time". */
export const DEMO_EPOCH = 1709251200000;
const HOUR = 3600_000;
const DAY = 24 * HOUR;

type Owner = 'admin' | 'alice' | 'bob';

interface ExperimentPlan {
  readonly name: string;
  readonly team: string;
  readonly description: string;
  readonly owner: Owner;
  readonly runs: number;
  readonly steps: number;
  readonly family: 'tabular' | 'vision' | 'forecast' | 'nlp';
  readonly private?: boolean;
  readonly deleted?: boolean;
}

/** The demo's experiments (ids 1..6 in this order; 6 is deleted). */
export const DEMO_EXPERIMENTS: readonly ExperimentPlan[] = [
  {
    name: 'fraud-detection',
    team: 'risk',
    description: 'Card fraud classifier (XGBoost / LightGBM).',
    owner: 'alice',
    runs: 40,
    steps: 200,
    family: 'tabular',
  },
  {
    name: 'churn-prediction',
    team: 'growth',
    description: 'Monthly churn propensity.',
    owner: 'alice',
    runs: 30,
    steps: 150,
    family: 'tabular',
  },
  {
    name: 'image-classification-resnet',
    team: 'vision',
    description: 'ResNet fine-tuning on product photos.',
    owner: 'admin',
    runs: 25,
    steps: 300,
    family: 'vision',
  },
  {
    name: 'demand-forecasting',
    team: 'supply',
    description: 'Store-level demand forecasts (private).',
    owner: 'admin',
    runs: 50,
    steps: 120,
    family: 'forecast',
    private: true,
  },
  {
    name: 'llm-finetune-summarization',
    team: 'nlp',
    description: 'T5 summarisation fine-tunes.',
    owner: 'alice',
    runs: 20,
    steps: 250,
    family: 'nlp',
  },
  {
    name: 'legacy-baseline',
    team: 'platform',
    description: 'Old baselines, retired.',
    owner: 'admin',
    runs: 5,
    steps: 50,
    family: 'tabular',
    deleted: true,
  },
];

interface ModelPlan {
  readonly name: string;
  readonly experiment: string;
  readonly owner: Owner;
  readonly description: string;
  readonly tags: Readonly<Record<string, string>>;
  /** Stage per version, version 1 first. */
  readonly stages: readonly string[];
  readonly aliases: Readonly<Record<string, number>>;
  readonly private?: boolean;
}

/** The demo's registered models. */
export const DEMO_MODELS: readonly ModelPlan[] = [
  {
    name: 'fraud-detector',
    experiment: 'fraud-detection',
    owner: 'alice',
    description: 'Scores card transactions for fraud.',
    tags: { task: 'classification', team: 'risk' },
    stages: ['Archived', 'Archived', 'Archived', 'Production', 'Staging'],
    aliases: { champion: 4, challenger: 5 },
  },
  {
    name: 'churn-model',
    experiment: 'churn-prediction',
    owner: 'alice',
    description: 'Churn propensity model.',
    tags: { task: 'classification', team: 'growth' },
    stages: ['Archived', 'Production', 'None'],
    aliases: { champion: 2 },
  },
  {
    name: 'resnet50-classifier',
    experiment: 'image-classification-resnet',
    owner: 'admin',
    description: 'Product photo classifier.',
    tags: { task: 'image-classification', team: 'vision', framework: 'pytorch' },
    stages: ['Archived', 'None', 'Production', 'Staging'],
    aliases: { champion: 3, challenger: 4 },
  },
  {
    name: 'demand-forecaster',
    experiment: 'demand-forecasting',
    owner: 'admin',
    description: 'Store-level demand forecaster.',
    tags: { task: 'forecasting', team: 'supply' },
    stages: ['Archived', 'Production', 'None'],
    aliases: { champion: 2 },
    private: true,
  },
  {
    name: 'summarizer-t5',
    experiment: 'llm-finetune-summarization',
    owner: 'alice',
    description: 'Abstractive summariser.',
    tags: { task: 'summarization', team: 'nlp' },
    stages: ['None', 'None'],
    aliases: { challenger: 2 },
  },
];

function paramsFor(family: ExperimentPlan['family'], random: Prng): Record<string, string> {
  switch (family) {
    case 'tabular':
      return {
        model_type: random.pick(['xgboost', 'lightgbm', 'random_forest']),
        learning_rate: random.pick(['0.01', '0.03', '0.05', '0.1', '0.2']),
        max_depth: String(random.int(3, 12)),
        n_estimators: String(random.pick([100, 200, 400, 800])),
        subsample: random.pick(['0.6', '0.8', '1.0']),
        seed: String(random.int(1, 9999)),
      };
    case 'vision':
      return {
        architecture: random.pick(['resnet18', 'resnet34', 'resnet50']),
        optimizer: random.pick(['adam', 'sgd', 'adamw']),
        learning_rate: random.pick(['0.0001', '0.0003', '0.001', '0.01']),
        batch_size: String(random.pick([32, 64, 128])),
        epochs: String(random.pick([10, 20, 30])),
        augmentation: random.pick(['none', 'light', 'heavy']),
      };
    case 'forecast':
      return {
        model_type: random.pick(['prophet', 'lightgbm', 'arima']),
        horizon_days: String(random.pick([7, 14, 28])),
        seasonality: random.pick(['additive', 'multiplicative']),
        lookback_days: String(random.pick([90, 180, 365])),
      };
    case 'nlp':
      return {
        base_model: random.pick(['t5-small', 't5-base', 'flan-t5-base']),
        learning_rate: random.pick(['1e-5', '3e-5', '5e-5']),
        batch_size: String(random.pick([8, 16, 32])),
        max_input_length: String(random.pick([512, 1024])),
        warmup_steps: String(random.pick([0, 100, 500])),
      };
  }
}

function statusFor(index: number, total: number, random: Prng): RunStatus {
  if (index >= total - 2) return 'RUNNING';
  if (index % 11 === 7) return 'FAILED';
  if (index === 3) return 'KILLED';
  return random() < 0.03 ? 'FAILED' : 'FINISHED';
}

function histories(run: RunRecord, steps: number, random: Prng): void {
  const quality = 0.55 + random() * 0.4;
  const decay = 20 + random() * 60;
  const series: Record<string, MetricPoint[]> = { loss: [], val_loss: [], accuracy: [] };
  for (let step = 0; step < steps; step += 1) {
    const timestamp = run.startTime + (step + 1) * 15_000;
    const progress = 1 - Math.exp(-step / decay);
    const noise = (random() - 0.5) * 0.04;
    const loss = Math.max(0.01, 2.3 * (1 - progress) + (1 - quality) * 0.6 + noise);
    const valLoss = loss * (1.05 + 0.1 * progress) + (random() - 0.5) * 0.05;
    const accuracy = Math.min(0.999, Math.max(0, 0.1 + (quality - 0.1) * progress + noise / 2));
    series['loss']?.push({ key: 'loss', value: round(loss), timestamp, step });
    series['val_loss']?.push({ key: 'val_loss', value: round(valLoss), timestamp, step });
    series['accuracy']?.push({ key: 'accuracy', value: round(accuracy), timestamp, step });
  }
  for (const [key, points] of Object.entries(series)) {
    run.metricHistory.set(key, points);
    const last = points[points.length - 1];
    if (last) run.latestMetrics.set(key, last);
  }
  const finalAccuracy = run.latestMetrics.get('accuracy')?.value ?? 0;
  const end = run.startTime + (steps + 1) * 15_000;
  const extras: MetricPoint[] = [
    { key: 'f1', value: round(finalAccuracy * (0.92 + random() * 0.06)), timestamp: end, step: 0 },
    { key: 'auc', value: round(Math.min(0.999, finalAccuracy + 0.03 + random() * 0.02)), timestamp: end, step: 0 },
  ];
  for (const metric of extras) {
    run.metricHistory.set(metric.key, [metric]);
    run.latestMetrics.set(metric.key, metric);
  }
}

function round(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}

function artifactsFor(status: RunStatus, random: Prng): ArtifactRecord[] {
  if (status === 'FAILED' || status === 'KILLED') {
    return [
      { path: 'logs', isDir: true },
      { path: 'logs/stderr.txt', isDir: false, fileSize: random.int(2_000, 40_000) },
    ];
  }
  return [
    { path: 'metrics.json', isDir: false, fileSize: random.int(300, 900) },
    { path: 'model', isDir: true },
    { path: 'model/MLmodel', isDir: false, fileSize: random.int(400, 700) },
    { path: 'model/conda.yaml', isDir: false, fileSize: random.int(200, 400) },
    { path: 'model/model.pkl', isDir: false, fileSize: random.int(1_000_000, 9_000_000) },
    { path: 'model/python_env.yaml', isDir: false, fileSize: random.int(100, 200) },
    { path: 'model/requirements.txt', isDir: false, fileSize: random.int(80, 300) },
    { path: 'plots', isDir: true },
    { path: 'plots/confusion_matrix.png', isDir: false, fileSize: random.int(20_000, 60_000) },
    { path: 'plots/loss_curve.png', isDir: false, fileSize: random.int(20_000, 60_000) },
    // Its content (and so its size) is made from the run (artifacts/artifactContent.ts): no draw from the PRNG.
    { path: 'eval', isDir: true },
    { path: 'eval/predictions.csv', isDir: false },
  ];
}

function datasetFor(plan: ExperimentPlan, random: Prng): DatasetInputRecord {
  return {
    tags: [{ key: 'mlflow.data.context', value: 'training' }],
    dataset: {
      name: `${plan.name}-train`,
      digest: random.hex(8),
      sourceType: 's3',
      source: JSON.stringify({ uri: `s3://demo-datasets/${plan.name}/train.parquet` }),
      schema: JSON.stringify({
        mlflow_colspec: [
          { type: 'double', name: 'feature_0' },
          { type: 'long', name: 'label' },
        ],
      }),
      profile: JSON.stringify({ num_rows: random.int(10_000, 2_000_000) }),
    },
  };
}

/** Fills a store with the demo data (experiments, runs, models, users, grants and ACLs). */
export function seedDemo(store: EmulatorStore, options: SeedOptions = {}): void {
  const random = createPrng(20240301);
  const { tracking, registry, auth, databricks } = store;
  tracking.createDefaultExperiment(DEMO_EPOCH - 30 * DAY);

  // Users: the admin first (id 1), then alice, bob, carol.
  auth.createUser(ADMIN.username, options.adminPassword ?? ADMIN.password, true);
  for (const user of SEED_USERS) auth.createUser(user.username, user.password);
  seedDatabricksPersonas(store);
  databricks.grant('experiments', '0', { kind: 'group', name: 'users' }, 'CAN_EDIT');
  const databricksUser = {
    admin: DATABRICKS_ADMIN.userName,
    alice: DATABRICKS_ALICE.userName,
    bob: DATABRICKS_BOB.userName,
  };

  const runsByExperiment = new Map<string, RunRecord[]>();
  DEMO_EXPERIMENTS.forEach((plan, planIndex) => {
    const created = DEMO_EPOCH + planIndex * 3 * DAY;
    const experiment = tracking.createExperiment(
      plan.name,
      '',
      [
        { key: 'team', value: plan.team },
        { key: 'mlflow.note.content', value: plan.description },
      ],
      created,
    );
    const id = experiment.experimentId;
    // The creator gets MANAGE (what the basic-auth app records on experiments/create).
    auth.createExperimentPermission(id, plan.owner, 'MANAGE');
    databricks.grant('experiments', id, { kind: 'user', name: databricksUser[plan.owner] }, 'CAN_MANAGE');
    if (!plan.private) databricks.grant('experiments', id, { kind: 'group', name: 'users' }, 'CAN_READ');

    const dataset = datasetFor(plan, random);
    const runs: RunRecord[] = [];
    for (let index = 0; index < plan.runs; index += 1) {
      const startTime = created + HOUR + index * 5 * HOUR + random.int(0, 600_000);
      const userId =
        index % 3 === 2 ? 'bob' : plan.owner === 'bob' ? 'bob' : plan.owner === 'admin' ? 'admin' : 'alice';
      const status = statusFor(index, plan.runs, random);
      const runName = generateRunName(random);
      const run = tracking.createRun({
        experimentId: id,
        userId,
        startTime,
        runName,
        runId: random.hex(32),
        tags: [
          { key: 'mlflow.user', value: userId },
          { key: 'mlflow.source.type', value: index % 2 === 0 ? 'NOTEBOOK' : 'JOB' },
          {
            key: 'mlflow.source.name',
            value: index % 2 === 0 ? `/Users/${userId}/${plan.name}` : `jobs/${plan.name}/train.py`,
          },
          { key: 'mlflow.source.git.commit', value: random.hex(40) },
          { key: 'dataset_version', value: `v${1 + (index % 4)}` },
        ],
      });
      const steps = status === 'FAILED' || status === 'KILLED' ? Math.floor(plan.steps / 3) : plan.steps;
      for (const [key, value] of Object.entries(paramsFor(plan.family, random))) run.params.set(key, value);
      histories(run, steps, random);
      run.status = status;
      run.endTime = status === 'RUNNING' ? null : startTime + (steps + 2) * 15_000;
      run.datasetInputs.push(dataset);
      run.artifacts.push(...artifactsFor(status, random));
      if (index % 5 === 0) run.tags.set('mlflow.note.content', `Sweep ${Math.floor(index / 5) + 1} of ${plan.name}.`);
      runs.push(run);
    }
    runsByExperiment.set(plan.name, runs);
    // One deleted run in the first experiment.
    if (planIndex === 0) {
      const deleted = runs[5];
      if (deleted) {
        deleted.lifecycleStage = 'deleted';
        deleted.deletedTime = (deleted.endTime ?? deleted.startTime) + DAY;
      }
    }
    if (plan.deleted) {
      experiment.lifecycleStage = 'deleted';
      experiment.lastUpdateTime = created + 10 * DAY;
      for (const run of runs) {
        run.lifecycleStage = 'deleted';
        run.deletedTime = created + 10 * DAY;
      }
    }
  });

  // Private experiment: carol is locked out, bob keeps explicit read access.
  const privateExperiment = tracking.getExperimentByName('demand-forecasting');
  if (privateExperiment) {
    auth.createExperimentPermission(privateExperiment.experimentId, CAROL.username, 'NO_PERMISSIONS');
    auth.createExperimentPermission(privateExperiment.experimentId, BOB.username, 'READ');
    databricks.grant(
      'experiments',
      privateExperiment.experimentId,
      { kind: 'user', name: DATABRICKS_BOB.userName },
      'CAN_READ',
    );
  }
  const visionExperiment = tracking.getExperimentByName('image-classification-resnet');
  if (visionExperiment) auth.createExperimentPermission(visionExperiment.experimentId, BOB.username, 'READ');

  DEMO_MODELS.forEach((plan, planIndex) => {
    const created = DEMO_EPOCH + 20 * DAY + planIndex * DAY;
    const model = registry.createRegisteredModel(
      plan.name,
      Object.entries(plan.tags).map(([key, value]) => ({ key, value })),
      plan.description,
      { creationTimestamp: created, id: random.hex(16) },
    );
    auth.createRegisteredModelPermission(plan.name, plan.owner, 'MANAGE');
    databricks.grant('registered-models', model.id, { kind: 'user', name: databricksUser[plan.owner] }, 'CAN_MANAGE');
    if (!plan.private) databricks.grant('registered-models', model.id, { kind: 'group', name: 'users' }, 'CAN_READ');
    // Versions come from the best finished runs of the experiment, oldest first.
    const candidates = (runsByExperiment.get(plan.experiment) ?? [])
      .filter((run) => run.status === 'FINISHED' && run.lifecycleStage === 'active')
      .sort((a, b) => (b.latestMetrics.get('accuracy')?.value ?? 0) - (a.latestMetrics.get('accuracy')?.value ?? 0))
      .slice(0, plan.stages.length)
      .sort((a, b) => a.startTime - b.startTime);
    plan.stages.forEach((stage, index) => {
      const run = candidates[index];
      const versionCreated = created + (index + 1) * 2 * DAY;
      const version = registry.createModelVersion({
        name: plan.name,
        source: run ? `${run.artifactUri}/model` : `s3://demo-models/${plan.name}/${index + 1}`,
        runId: run?.runId ?? '',
        runLink: '',
        description: `${plan.name} v${index + 1}`,
        tags: [
          { key: 'validation_status', value: stage === 'Production' || stage === 'Archived' ? 'approved' : 'pending' },
        ],
        creationTimestamp: versionCreated,
      });
      version.currentStage = stage;
      version.lastUpdatedTimestamp = versionCreated + (stage === 'None' ? 0 : DAY);
      model.lastUpdatedTimestamp = Math.max(model.lastUpdatedTimestamp, version.lastUpdatedTimestamp);
    });
    for (const [alias, version] of Object.entries(plan.aliases)) model.aliases.set(alias, version);
    if (plan.private) {
      auth.createRegisteredModelPermission(plan.name, CAROL.username, 'NO_PERMISSIONS');
      auth.createRegisteredModelPermission(plan.name, BOB.username, 'READ');
      databricks.grant('registered-models', model.id, { kind: 'user', name: DATABRICKS_BOB.userName }, 'CAN_READ');
    }
  });
  auth.createRegisteredModelPermission('resnet50-classifier', BOB.username, 'READ');

  // Databricks workflow state: bob may edit fraud-detector and has asked to promote v5.
  const fraud = registry.models.get('fraud-detector');
  if (fraud) {
    databricks.grant('registered-models', fraud.id, { kind: 'user', name: DATABRICKS_BOB.userName }, 'CAN_EDIT');
    const requestTime = DEMO_EPOCH + 40 * DAY;
    databricks.requestsOf('fraud-detector', '5').push({
      id: databricks.newId(),
      name: 'fraud-detector',
      version: '5',
      toStage: 'Production',
      fromStage: 'Staging',
      comment: 'Beats v4 on last week of traffic.',
      creator: DATABRICKS_BOB.userName,
      creationTimestamp: requestTime,
    });
    databricks.addActivity('fraud-detector', '5', {
      activityType: 'REQUESTED_TRANSITION',
      fromStage: 'Staging',
      toStage: 'Production',
      comment: 'Beats v4 on last week of traffic.',
      userId: DATABRICKS_BOB.userName,
      creationTimestamp: requestTime,
      lastUpdatedTimestamp: requestTime,
    });
    const commentId = databricks.newId();
    databricks.comments.set(commentId, {
      id: commentId,
      name: 'fraud-detector',
      version: '4',
      comment: 'Promoted after the March A/B test.',
      userId: DATABRICKS_ALICE.userName,
      creationTimestamp: DEMO_EPOCH + 30 * DAY,
      lastUpdatedTimestamp: DEMO_EPOCH + 30 * DAY,
    });
  }
}
