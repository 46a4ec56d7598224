// What the `demo` seed adds in MLflow 3 mode, on top of seedDemo: the logged models the demo runs produced (params
// from their run, metrics per evaluation dataset, READY or a failed upload), the registered versions made from them
// (source `models:/<id>`, linked through the model's `mlflow.modelVersions` tag, the run as the run's output), and
// prompts with versions and aliases. Ids and names are fixed at module load so tests can name them.
import type { EmulatorStore } from '../EmulatorStore.js';
import { createPrng, type Prng } from '../prng.js';
import type { LoggedModelStatus, RunRecord } from '../records.js';
import { PROMPT_TAG } from '../RegistryStore.js';
import { DEMO_EPOCH, DEMO_EXPERIMENTS, DEMO_MODELS } from './demoSeed.js';

const DAY = 24 * 3600_000;

/** One logged model of the 3.x demo. */
export interface DemoLoggedModel {
  readonly modelId: string;
  readonly name: string;
  /** The experiment (by name) whose run logged it. */
  readonly experiment: string;
  readonly status: LoggedModelStatus;
  /** The registered version made from it, if any. */
  readonly registeredAs?: { readonly name: string; readonly version: number };
}

/** One prompt of the 3.x demo: versions (1 first) with their template and commit message, aliases. */
export interface DemoPrompt {
  readonly name: string;
  readonly description: string;
  readonly owner: 'admin' | 'alice' | 'bob';
  readonly tags: Readonly<Record<string, string>>;
  readonly versions: ReadonlyArray<{ readonly template: string; readonly message: string }>;
  readonly aliases: Readonly<Record<string, number>>;
}

function planLoggedModels(): DemoLoggedModel[] {
  const ids = createPrng(20250401);
  const plans: DemoLoggedModel[] = [];
  const add = (
    name: string,
    experiment: string,
    status: LoggedModelStatus,
    registeredAs?: DemoLoggedModel['registeredAs'],
  ) => plans.push({ modelId: `m-${ids.hex(32)}`, name, experiment, status, ...(registeredAs ? { registeredAs } : {}) });
  for (const model of DEMO_MODELS) {
    model.stages.forEach((_stage, index) => {
      add(`${model.name}-v${index + 1}`, model.experiment, 'LOGGED_MODEL_READY', {
        name: model.name,
        version: index + 1,
      });
    });
    // A candidate that was never registered.
    add(`${model.name}-candidate`, model.experiment, 'LOGGED_MODEL_READY');
  }
  add('fraud-detector-failed-upload', 'fraud-detection', 'LOGGED_MODEL_UPLOAD_FAILED');
  return plans;
}

/** The 3.x demo's logged models: one per registered demo version, one unregistered candidate per model, a failure. */
export const DEMO_LOGGED_MODELS: readonly DemoLoggedModel[] = planLoggedModels();

/** The 3.x demo's prompts (registered models tagged `mlflow.prompt.is_prompt=true`). */
export const DEMO_PROMPTS: readonly DemoPrompt[] = [
  {
    name: 'summarization-prompt',
    description: 'Instructions for the abstractive summariser.',
    owner: 'alice',
    tags: { task: 'summarization', team: 'nlp' },
    versions: [
      { template: 'Summarize: {{text}}', message: 'First draft' },
      { template: 'Summarize in {{num_sentences}} sentences: {{text}}', message: 'Bounded length' },
      { template: 'You are a concise editor. Summarize in {{num_sentences}} sentences: {{text}}', message: 'Persona' },
    ],
    aliases: { production: 2, staging: 3 },
  },
  {
    name: 'fraud-explanation-prompt',
    description: 'Explains a fraud score to an analyst.',
    owner: 'alice',
    tags: { task: 'explanation', team: 'risk' },
    versions: [
      { template: 'Explain why transaction {{transaction_id}} scored {{score}}.', message: 'Initial' },
      {
        template: 'In two bullet points, explain why transaction {{transaction_id}} scored {{score}}.',
        message: 'Bullets',
      },
    ],
    aliases: { production: 1 },
  },
];

/** What each demo family's models are (free text in MLflow). */
const MODEL_TYPES: Readonly<Record<string, string>> = {
  tabular: 'classifier',
  vision: 'image-classifier',
  forecast: 'regressor',
  nlp: 'llm',
};

function round(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}

/** The run a model came from: a registered version's own run, else the newest finished run not yet used. */
function sourceRun(store: EmulatorStore, plan: DemoLoggedModel, experimentId: string): RunRecord | undefined {
  if (plan.registeredAs) {
    const version = store.registry.getModelVersion(plan.registeredAs.name, plan.registeredAs.version);
    return store.tracking.runs.get(version.runId);
  }
  const runs = [...(store.tracking.experiments.get(experimentId)?.runIds ?? [])]
    .map((runId) => store.tracking.runs.get(runId))
    .filter((run): run is RunRecord => run?.status === 'FINISHED' && (run.modelOutputs ?? []).length === 0);
  return runs.sort((a, b) => b.startTime - a.startTime)[0];
}

/** The `MLmodel` file MLflow 3 writes at a logged model's root (trimmed to the fields a reader looks at). */
function mlmodelText(modelId: string, runId: string, createdMs: number): string {
  return [
    'artifact_path: model',
    'flavors:',
    '  python_function:',
    '    env:',
    '      virtualenv: python_env.yaml',
    '    loader_module: mlflow.sklearn',
    '    python_version: 3.11.9',
    '  sklearn:',
    '    pickled_model: model.pkl',
    '    serialization_format: cloudpickle',
    `model_id: ${modelId}`,
    'mlflow_version: 3.11.1',
    `run_id: ${runId}`,
    `utc_time_created: '${new Date(createdMs).toISOString().replace('T', ' ').replace('Z', '')}'`,
    '',
  ].join('\n');
}

function logModel(store: EmulatorStore, plan: DemoLoggedModel, random: Prng): void {
  const experiment = store.tracking.getExperimentByName(plan.experiment);
  const family = DEMO_EXPERIMENTS.find((candidate) => candidate.name === plan.experiment)?.family ?? 'tabular';
  if (!experiment) return;
  const run = sourceRun(store, plan, experiment.experimentId);
  const created = (run?.endTime ?? run?.startTime ?? DEMO_EPOCH) + 60_000;
  const model = store.loggedModels.createLoggedModel({
    modelId: plan.modelId,
    experimentId: experiment.experimentId,
    name: plan.name,
    modelType: MODEL_TYPES[family] ?? '',
    sourceRunId: run?.runId ?? '',
    params: [...(run?.params ?? [])].map(([key, value]) => ({ key, value })),
    tags: [{ key: 'mlflow.source.type', value: 'JOB' }],
    creationTimestampMs: created,
  });
  model.status = plan.status;
  model.lastUpdatedTimestampMs = created + 120_000;
  model.files.set('MLmodel', mlmodelText(model.modelId, model.sourceRunId, created));
  if (!run) return;
  run.modelOutputs?.push({ modelId: model.modelId, step: 0 });
  if (plan.status !== 'LOGGED_MODEL_READY') return;
  // Evaluations: each model scored on the experiment's eval and holdout sets (MLflow keeps metrics per dataset).
  const accuracy = run.latestMetrics.get('accuracy')?.value ?? 0.5;
  for (const [dataset, shift] of [
    ['eval', 0],
    ['holdout', -0.02],
  ] as const) {
    const value = round(Math.min(0.999, Math.max(0, accuracy + shift + (random() - 0.5) * 0.01)));
    for (const [key, metric] of [
      ['accuracy', value],
      ['f1', round(value * 0.95)],
    ] as const) {
      store.loggedModels.recordMetric({
        key,
        value: metric,
        timestamp: created + 60_000,
        step: 0,
        modelId: model.modelId,
        runId: run.runId,
        datasetName: `${plan.experiment}-${dataset}`,
        datasetDigest: random.hex(8),
      });
    }
  }
  if (plan.registeredAs) {
    const version = store.registry.getModelVersion(plan.registeredAs.name, plan.registeredAs.version);
    version.source = `models:/${model.modelId}`;
    store.loggedModels.linkModelVersion(model.modelId, version.name, version.version);
  }
}

function seedPrompts(store: EmulatorStore): void {
  DEMO_PROMPTS.forEach((plan, planIndex) => {
    const created = DEMO_EPOCH + 35 * DAY + planIndex * DAY;
    const prompt = store.registry.createRegisteredModel(
      plan.name,
      [
        { key: PROMPT_TAG, value: 'true' },
        { key: '_mlflow_prompt_type', value: 'text' },
        ...Object.entries(plan.tags).map(([key, value]) => ({ key, value })),
      ],
      plan.description,
      { creationTimestamp: created },
    );
    store.auth.createRegisteredModelPermission(plan.name, plan.owner, 'MANAGE');
    plan.versions.forEach((version, index) => {
      store.registry.createModelVersion({
        name: plan.name,
        // What MLflow's prompt registry writes as a prompt version's source.
        source: 'dummy-source',
        runId: '',
        runLink: '',
        description: version.message,
        tags: [
          { key: PROMPT_TAG, value: 'true' },
          { key: 'mlflow.prompt.text', value: version.template },
          { key: '_mlflow_prompt_type', value: 'text' },
        ],
        creationTimestamp: created + (index + 1) * DAY,
      });
    });
    for (const [alias, version] of Object.entries(plan.aliases)) prompt.aliases.set(alias, version);
  });
}

/** Adds MLflow 3's objects to a store seedDemo filled (3.x mode only). */
export function seedDemoMlflow3(store: EmulatorStore): void {
  const random = createPrng(20250402);
  for (const plan of DEMO_LOGGED_MODELS) logModel(store, plan, random);
  // The summariser's v2 was fine-tuned from v1: v1's model is an input of v2's run.
  const [first, second] = DEMO_LOGGED_MODELS.filter((plan) => plan.registeredAs?.name === 'summarizer-t5');
  const secondRun = second && store.tracking.runs.get(store.loggedModels.getLoggedModel(second.modelId).sourceRunId);
  if (first && secondRun) secondRun.modelInputs?.add(first.modelId);
  seedPrompts(store);
}
