// The backend profiles every per-profile suite runs against: the emulator in each mode, the graph configured for
// it, the personas that play writer / reader / outsider there, and what the profile cannot serve (the
// UNSUPPORTED_BY_BACKEND coordinates, listed here by hand so a change to a profile shows up as a test diff).
import { credentialId } from '../../../src/auth/principalFromHeaders.js';
import {
  ADMIN,
  ALICE,
  BOB,
  CAROL,
  DATABRICKS_ADMIN,
  DATABRICKS_ALICE,
  DATABRICKS_BOB,
  DATABRICKS_CAROL,
  GITLAB_MAINTAINER,
  GITLAB_OWNER,
  GITLAB_OUTSIDER,
  GITLAB_READER,
  type EmulatorOptions,
} from '@mlflow-supergraph/mlflow-emulator';
import { startStack, type Stack } from '../../helpers/startStack.js';
import { startPermissionService, type FakeRule } from '../../helpers/startPermissionService.js';
import { asBearer, asUser } from '../../helpers/auth.js';
import { writeCallCount } from '../../helpers/upstreamCalls.js';

type Headers = Record<string, string>;

/** One backend profile as the suites see it. */
export interface ProfileCase {
  readonly name: string;
  readonly kind: 'MLFLOW' | 'DATABRICKS' | 'GITLAB';
  readonly permissionService: string;
  readonly emulator: EmulatorOptions;
  readonly env: Record<string, string>;
  /** May read everything and write the demo's fraud-detection experiment and fraud-detector model. */
  readonly writer: Headers;
  /** May read, may not write (a read-only token, or a reader's grant). */
  readonly reader: Headers;
  /** May not read the private demo experiment (or, on GitLab, the project at all). */
  readonly outsider: Headers;
  /** The version string the emulator reports (GitLab: semver). */
  readonly reportsVersion: boolean;
  readonly expectedUnsupported: readonly string[];
  /** Behind a trusted proxy: the service credentials the graph calls the backend with, and proxied personas. */
  readonly proxy: { env: Record<string, string>; writer: Headers; reader: Headers; outsider: Headers };
  /** A custom permission service decides (a fake one is started beside the emulator), with these rules. */
  readonly permissionRules?: (demo: { privateExperimentId: string }) => Record<string, FakeRule>;
}

const proxied = (user: string, scopes?: string): Headers => ({
  'x-forwarded-user': user,
  ...(scopes ? { 'x-forwarded-scopes': scopes } : {}),
});
const READ_ONLY_TOKEN = 'mlflow-readonly-token';

const TRANSITION_REQUESTS = [
  'ModelVersion.transitionRequests',
  'Mutation.approveTransitionRequest',
  'Mutation.createModelVersionComment',
  'Mutation.createTransitionRequest',
  'Mutation.deleteModelVersionComment',
  'Mutation.deleteTransitionRequest',
  'Mutation.rejectTransitionRequest',
  'Mutation.updateModelVersionComment',
];
const ACLS = [
  'Experiment.permissions',
  'Mutation.revokeExperimentPermission',
  'Mutation.revokeRegisteredModelPermission',
  'Mutation.setExperimentPermission',
  'Mutation.setRegisteredModelPermission',
  'RegisteredModel.permissions',
];
/** MLflow 3's prompt registry: absent on Databricks (Unity Catalog's own API) and GitLab, and on the 2.12 emulator. */
const PROMPTS = [
  'Mutation.createPrompt',
  'Mutation.createPromptVersion',
  'Mutation.deletePrompt',
  'Mutation.deletePromptAlias',
  'Mutation.deletePromptTag',
  'Mutation.deletePromptVersion',
  'Mutation.deletePromptVersionTag',
  'Mutation.setPromptAlias',
  'Mutation.setPromptTag',
  'Mutation.setPromptVersionTag',
  'Query.prompt',
  'Query.prompts',
];
/** MLflow 3.4's evaluation datasets: absent on Databricks and GitLab, and on the 2.12 emulator. */
const DATASETS = [
  'Experiment.evaluationDatasets',
  'Mutation.addEvaluationDatasetExperiments',
  'Mutation.createEvaluationDataset',
  'Mutation.deleteEvaluationDataset',
  'Mutation.deleteEvaluationDatasetRecords',
  'Mutation.deleteEvaluationDatasetTag',
  'Mutation.removeEvaluationDatasetExperiments',
  'Mutation.setEvaluationDatasetTags',
  'Mutation.upsertEvaluationDatasetRecords',
  'Query.evaluationDataset',
  'Query.evaluationDatasets',
];

/** MLflow 3.3's registry webhooks: absent on Databricks (its registry webhooks are another API), GitLab and MLflow 2.12. */
const WEBHOOKS = [
  'Mutation.createWebhook',
  'Mutation.deleteWebhook',
  'Mutation.testWebhook',
  'Mutation.updateWebhook',
  'Query.webhook',
  'Query.webhooks',
];

/** MLflow 3's traces and assessments: absent on GitLab and on the 2.12 emulator (Databricks serves them). */
const TRACES = [
  'Experiment.traces',
  'LoggedModel.traces',
  'Mutation.createAssessment',
  'Mutation.deleteAssessment',
  'Mutation.deleteTraceTag',
  'Mutation.deleteTraces',
  'Mutation.setTraceTag',
  'Mutation.updateAssessment',
  'Query.trace',
  'Query.traces',
  'Run.traces',
];
const GITLAB_MISSING = [
  'Experiment.runs(filter:)',
  'Experiment.runs(viewType:)',
  'Mutation.deleteExperimentTag',
  'Mutation.deleteModelVersion',
  'Mutation.deleteModelVersionTag',
  'Mutation.deleteRegisteredModelAlias',
  'Mutation.deleteRegisteredModelTag',
  'Mutation.deleteRunTag',
  'Mutation.renameRegisteredModel',
  'Mutation.restoreExperiment',
  'Mutation.restoreRun',
  'Mutation.setModelVersionTag',
  'Mutation.setRegisteredModelAlias',
  'Mutation.setRegisteredModelTag',
  'Mutation.transitionModelVersionStage',
  'Mutation.updateExperiment',
  'Query.experiments(filter:)',
  'Query.experiments(viewType:)',
  'Query.modelVersions',
  'Query.runs(filter:)',
  'Query.runs(viewType:)',
  'Run.artifacts',
  'Run.files',
];

/** The demo's personas as a platform's own permission service (keyed by e-mail) sees them. */
const SERVICE_EMAILS = { writer: 'alice@example.com', reader: 'bob@example.com', outsider: 'carol@example.com' };
const byEmail = (email: string): Headers => ({ 'x-forwarded-email': email });

/** Every profile, in the order the suites run them. */
export const PROFILES: readonly ProfileCase[] = [
  {
    name: 'mlflow (no auth)',
    kind: 'MLFLOW',
    permissionService: 'none',
    emulator: { seed: 'demo' },
    // No permission service: a read-only credential is named in configuration; nobody is an outsider.
    env: { MLFLOW_SUPERGRAPH_READ_ONLY_PRINCIPALS: `token:${credentialId(READ_ONLY_TOKEN)}` },
    writer: {},
    reader: asBearer(READ_ONLY_TOKEN),
    outsider: {},
    reportsVersion: true,
    expectedUnsupported: [...ACLS, ...TRANSITION_REQUESTS, ...PROMPTS, ...DATASETS, ...WEBHOOKS, ...TRACES].sort(),
    proxy: { env: {}, writer: proxied('alice'), reader: proxied('bob', 'read'), outsider: proxied('carol') },
  },
  {
    name: 'mlflow basic-auth',
    kind: 'MLFLOW',
    permissionService: 'mlflow-basic-auth',
    emulator: { seed: 'demo', auth: true },
    env: {},
    writer: asUser(ALICE),
    reader: asUser(BOB),
    outsider: asUser(CAROL),
    reportsVersion: true,
    expectedUnsupported: [...TRANSITION_REQUESTS, ...PROMPTS, ...DATASETS, ...WEBHOOKS, ...TRACES].sort(),
    proxy: {
      env: { MLFLOW_TRACKING_USERNAME: ADMIN.username, MLFLOW_TRACKING_PASSWORD: ADMIN.password },
      writer: proxied(ALICE.username),
      reader: proxied(BOB.username),
      outsider: proxied(CAROL.username),
    },
  },
  {
    name: 'databricks',
    kind: 'DATABRICKS',
    permissionService: 'databricks',
    emulator: { seed: 'demo', databricks: true },
    env: { MLFLOW_SUPERGRAPH_BACKEND: 'databricks' },
    writer: asBearer(DATABRICKS_ALICE.token),
    reader: asBearer(DATABRICKS_BOB.token),
    outsider: asBearer(DATABRICKS_CAROL.token),
    reportsVersion: false,
    expectedUnsupported: [...PROMPTS, ...DATASETS, ...WEBHOOKS].sort(),
    // Databricks names users by e-mail: the proxy forwards only that.
    proxy: {
      env: { DATABRICKS_TOKEN: DATABRICKS_ADMIN.token },
      writer: { 'x-forwarded-email': DATABRICKS_ALICE.userName },
      reader: { 'x-forwarded-email': DATABRICKS_BOB.userName },
      outsider: { 'x-forwarded-email': DATABRICKS_CAROL.userName },
    },
  },
  {
    name: 'gitlab',
    kind: 'GITLAB',
    permissionService: 'gitlab',
    emulator: { seed: 'demo', gitlab: true },
    env: {},
    writer: asBearer(GITLAB_MAINTAINER.token),
    reader: asBearer(GITLAB_READER.token),
    outsider: asBearer(GITLAB_OUTSIDER.token),
    reportsVersion: true,
    expectedUnsupported: [
      ...GITLAB_MISSING,
      ...TRANSITION_REQUESTS,
      ...ACLS,
      ...PROMPTS,
      ...DATASETS,
      ...WEBHOOKS,
      ...TRACES,
    ].sort(),
    proxy: {
      env: { MLFLOW_TRACKING_TOKEN: GITLAB_OWNER.token },
      writer: proxied(GITLAB_MAINTAINER.username),
      reader: proxied(GITLAB_READER.username, 'read'),
      outsider: proxied(GITLAB_OUTSIDER.username),
    },
  },
  {
    // An in-house platform: MLflow without auth behind an auth proxy, access decided by its own service.
    name: 'mlflow + custom permission service',
    kind: 'MLFLOW',
    permissionService: 'http',
    emulator: { seed: 'demo' },
    env: { MLFLOW_SUPERGRAPH_TRUSTED_PROXY: 'true' },
    writer: byEmail(SERVICE_EMAILS.writer),
    reader: byEmail(SERVICE_EMAILS.reader),
    outsider: byEmail(SERVICE_EMAILS.outsider),
    reportsVersion: true,
    expectedUnsupported: [...ACLS, ...TRANSITION_REQUESTS, ...PROMPTS, ...DATASETS, ...WEBHOOKS, ...TRACES].sort(),
    // Identities come from the proxy already: behind a proxy it is the same profile.
    proxy: {
      env: {},
      writer: byEmail(SERVICE_EMAILS.writer),
      reader: byEmail(SERVICE_EMAILS.reader),
      outsider: byEmail(SERVICE_EMAILS.outsider),
    },
    permissionRules: ({ privateExperimentId }) => ({
      [SERVICE_EMAILS.writer]: { default: 'CAN_MANAGE' },
      [SERVICE_EMAILS.reader]: { default: 'CAN_READ' },
      [SERVICE_EMAILS.outsider]: { default: 'CAN_READ', experiments: { [privateExperimentId]: 'NO_PERMISSIONS' } },
    }),
  },
];

/** Starts the stack of a profile (and its fake permission service, rules set once the demo's ids are known). */
export async function startProfile(profile: ProfileCase): Promise<Stack> {
  if (!profile.permissionRules) return startStack({ emulator: profile.emulator, env: profile.env });
  const service = await startPermissionService({ rules: {}, batch: true });
  const env = {
    ...profile.env,
    MLFLOW_SUPERGRAPH_PERMISSIONS: 'http',
    MLFLOW_SUPERGRAPH_PERMISSION_SERVICE_URL: service.url,
    MLFLOW_SUPERGRAPH_PERMISSION_SERVICE_BATCH: 'true',
  };
  const stack = await startStack({ emulator: profile.emulator, env });
  const privateExperimentId = stack.emulator.store.tracking.getExperimentByName('demand-forecasting')
    ?.experimentId as string;
  service.rules = profile.permissionRules({ privateExperimentId });
  return {
    ...stack,
    close: async () => {
      await stack.close();
      await service.close();
    },
  };
}

/**
 * The profile as its proxied personas play it: the graph trusts the proxy's identity headers and calls the
 * backend with the service credentials; the same suites must hold.
 */
export function behindProxy(profile: ProfileCase): ProfileCase {
  const { writer, reader, outsider, env } = profile.proxy;
  return {
    ...profile,
    name: `${profile.name} behind a trusted proxy`,
    writer,
    reader,
    outsider,
    env: { ...profile.env, ...env, MLFLOW_SUPERGRAPH_TRUSTED_PROXY: 'true' },
  };
}

/** MLflow calls that change something: every non-GET except the searches that only read. */
export const writeCalls = (stack: Stack): number => writeCallCount(stack.emulator);

/** Starts the profile's stack before the suite (the demo's ids looked up as its writer) and stops it after. */
export function useProfile(profile: ProfileCase, started: (stack: Stack, ids: DemoIds) => void): void {
  let stack: Stack | undefined;
  beforeAll(async () => {
    stack = await startProfile(profile);
    started(stack, await demoIds(stack, profile));
  });
  afterAll(() => stack?.close());
}

/** Ids of the demo objects the suites touch, read through the graph as the writer. */
export interface DemoIds {
  experimentId: string;
  runId: string;
  modelName: string;
  version: string;
}

/** Looks up the demo's fraud-detection experiment, one of its runs, and the fraud-detector model's latest version. */
export async function demoIds(stack: Stack, profile: ProfileCase): Promise<DemoIds> {
  const result = await stack.query(
    `{ experimentByName(name: "fraud-detection") { id runs(first: 1) { nodes { id } } }
       registeredModel(name: "fraud-detector") { name latestVersions { version } } }`,
    {},
    profile.writer,
  );
  if (result.errors) throw new Error(`${profile.name}: demo lookup failed: ${JSON.stringify(result.errors)}`);
  const experiment = result.data.experimentByName;
  const versions: { version: string }[] = result.data.registeredModel.latestVersions;
  return {
    experimentId: experiment.id,
    runId: experiment.runs.nodes[0].id,
    modelName: result.data.registeredModel.name,
    version: versions[versions.length - 1]?.version as string,
  };
}
