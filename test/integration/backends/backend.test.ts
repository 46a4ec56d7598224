// Query.backend on every profile, and each coordinate the profile lists as unsupported really answering
// UNSUPPORTED_BY_BACKEND, on that field only, with nothing written upstream.
import { readFileSync } from 'node:fs';
import { buildSchema, isObjectType, type GraphQLSchema } from 'graphql';
import type { Stack } from '../../helpers/startStack.js';
import { PROFILES, type DemoIds, useProfile, writeCalls } from './profiles.js';

const apiSchema: GraphQLSchema = buildSchema(readFileSync('schema/api.graphql', 'utf8'));

/** Whether `Type.field` or `Type.field(argument:)` names something in the public schema. */
function coordinateExists(coordinate: string): boolean {
  const match = /^(\w+)\.(\w+)(?:\((\w+):\))?$/.exec(coordinate);
  if (!match) return false;
  const type = apiSchema.getType(match[1] as string);
  if (!isObjectType(type)) return false;
  const field = type.getFields()[match[2] as string];
  return Boolean(field && (!match[3] || field.args.some((a) => a.name === match[3])));
}

const grantee = '{ kind: USER, name: "someone@example.com" }';

/** An operation that exercises exactly one coordinate, with the path its error must carry. */
const EXERCISE: Record<string, (ids: DemoIds) => { query: string; path: string }> = {
  'Mutation.updateExperiment': (i) => ({
    query: `mutation { updateExperiment(id: "${i.experimentId}", name: "renamed-by-test") { id } }`,
    path: 'updateExperiment',
  }),
  'Mutation.restoreExperiment': (i) => ({
    query: `mutation { restoreExperiment(id: "${i.experimentId}") { id } }`,
    path: 'restoreExperiment',
  }),
  'Mutation.deleteExperimentTag': (i) => ({
    query: `mutation { deleteExperimentTag(experimentId: "${i.experimentId}", key: "team") { id } }`,
    path: 'deleteExperimentTag',
  }),
  'Mutation.restoreRun': (i) => ({ query: `mutation { restoreRun(id: "${i.runId}") { id } }`, path: 'restoreRun' }),
  'Mutation.deleteRunTag': (i) => ({
    query: `mutation { deleteRunTag(runId: "${i.runId}", key: "mlflow.user") { id } }`,
    path: 'deleteRunTag',
  }),
  'Mutation.renameRegisteredModel': (i) => ({
    query: `mutation { renameRegisteredModel(name: "${i.modelName}", newName: "renamed-by-test") { name } }`,
    path: 'renameRegisteredModel',
  }),
  'Mutation.setRegisteredModelTag': (i) => ({
    query: `mutation { setRegisteredModelTag(name: "${i.modelName}", tag: { key: "k", value: "v" }) { name } }`,
    path: 'setRegisteredModelTag',
  }),
  'Mutation.deleteRegisteredModelTag': (i) => ({
    query: `mutation { deleteRegisteredModelTag(name: "${i.modelName}", key: "team") { name } }`,
    path: 'deleteRegisteredModelTag',
  }),
  'Mutation.setRegisteredModelAlias': (i) => ({
    query: `mutation { setRegisteredModelAlias(name: "${i.modelName}", alias: "by-test", version: "${i.version}") { version } }`,
    path: 'setRegisteredModelAlias',
  }),
  'Mutation.deleteRegisteredModelAlias': (i) => ({
    query: `mutation { deleteRegisteredModelAlias(name: "${i.modelName}", alias: "champion") { name } }`,
    path: 'deleteRegisteredModelAlias',
  }),
  'Mutation.deleteModelVersion': (i) => ({
    query: `mutation { deleteModelVersion(name: "${i.modelName}", version: "${i.version}") { __typename } }`,
    path: 'deleteModelVersion',
  }),
  'Mutation.transitionModelVersionStage': (i) => ({
    query: `mutation { transitionModelVersionStage(name: "${i.modelName}", version: "${i.version}", stage: STAGING) { version } }`,
    path: 'transitionModelVersionStage',
  }),
  'Mutation.setModelVersionTag': (i) => ({
    query: `mutation { setModelVersionTag(name: "${i.modelName}", version: "${i.version}", tag: { key: "k", value: "v" }) { version } }`,
    path: 'setModelVersionTag',
  }),
  'Mutation.deleteModelVersionTag': (i) => ({
    query: `mutation { deleteModelVersionTag(name: "${i.modelName}", version: "${i.version}", key: "k") { version } }`,
    path: 'deleteModelVersionTag',
  }),
  'Query.modelVersions': () => ({ query: `{ modelVersions(first: 5) { nodes { version } } }`, path: 'modelVersions' }),
  'RegisteredModel.versions': (i) => ({
    query: `{ registeredModel(name: "${i.modelName}") { versions(first: 5) { nodes { version } } } }`,
    path: 'registeredModel.versions',
  }),
  'Run.modelVersions': (i) => ({
    query: `{ run(id: "${i.runId}") { modelVersions { version } } }`,
    path: 'run.modelVersions',
  }),
  'Run.artifacts': (i) => ({
    query: `{ run(id: "${i.runId}") { artifacts { nodes { path } } } }`,
    path: 'run.artifacts',
  }),
  'Run.files': (i) => ({ query: `{ run(id: "${i.runId}") { files(glob: "**/*.png") { path } } }`, path: 'run.files' }),
  'ModelVersion.transitionRequests': (i) => ({
    query: `{ modelVersion(name: "${i.modelName}", version: "${i.version}") { transitionRequests { toStage } } }`,
    path: 'modelVersion.transitionRequests',
  }),
  'Mutation.createTransitionRequest': (i) => ({
    query: `mutation { createTransitionRequest(name: "${i.modelName}", version: "${i.version}", stage: STAGING) { toStage } }`,
    path: 'createTransitionRequest',
  }),
  'Mutation.approveTransitionRequest': (i) => ({
    query: `mutation { approveTransitionRequest(name: "${i.modelName}", version: "${i.version}", stage: STAGING, archiveExistingVersions: false) { __typename } }`,
    path: 'approveTransitionRequest',
  }),
  'Mutation.rejectTransitionRequest': (i) => ({
    query: `mutation { rejectTransitionRequest(name: "${i.modelName}", version: "${i.version}", stage: STAGING) { __typename } }`,
    path: 'rejectTransitionRequest',
  }),
  'Mutation.deleteTransitionRequest': (i) => ({
    query: `mutation { deleteTransitionRequest(name: "${i.modelName}", version: "${i.version}", stage: STAGING, creator: "someone") { __typename } }`,
    path: 'deleteTransitionRequest',
  }),
  'Mutation.createModelVersionComment': (i) => ({
    query: `mutation { createModelVersionComment(name: "${i.modelName}", version: "${i.version}", comment: "hi") { id } }`,
    path: 'createModelVersionComment',
  }),
  'Mutation.updateModelVersionComment': (i) => ({
    query: `mutation { updateModelVersionComment(name: "${i.modelName}", id: "1", comment: "hi") { id } }`,
    path: 'updateModelVersionComment',
  }),
  'Mutation.deleteModelVersionComment': (i) => ({
    query: `mutation { deleteModelVersionComment(name: "${i.modelName}", id: "1") { __typename } }`,
    path: 'deleteModelVersionComment',
  }),
  'Query.experiments(filter:)': () => ({
    query: `{ experiments(filter: "name LIKE 'fraud%'") { nodes { id } } }`,
    path: 'experiments',
  }),
  'Query.runs(filter:)': (i) => ({
    query: `{ runs(experimentIds: ["${i.experimentId}"], filter: "metrics.accuracy > 0") { nodes { id } } }`,
    path: 'runs',
  }),
  'Experiment.runs(filter:)': (i) => ({
    query: `{ experiment(id: "${i.experimentId}") { runs(filter: "metrics.accuracy > 0") { nodes { id } } } }`,
    path: 'experiment.runs',
  }),
  'Query.experiments(viewType:)': () => ({
    query: `{ experiments(viewType: ALL) { nodes { id } } }`,
    path: 'experiments',
  }),
  'Query.runs(viewType:)': (i) => ({
    query: `{ runs(experimentIds: ["${i.experimentId}"], viewType: DELETED_ONLY) { nodes { id } } }`,
    path: 'runs',
  }),
  'Experiment.runs(viewType:)': (i) => ({
    query: `{ experiment(id: "${i.experimentId}") { runs(viewType: ALL) { nodes { id } } } }`,
    path: 'experiment.runs',
  }),
  'Experiment.permissions': (i) => ({
    query: `{ experiment(id: "${i.experimentId}") { permissions { entries { level } } } }`,
    path: 'experiment.permissions',
  }),
  'RegisteredModel.permissions': (i) => ({
    query: `{ registeredModel(name: "${i.modelName}") { permissions { entries { level } } } }`,
    path: 'registeredModel.permissions',
  }),
  'Mutation.setExperimentPermission': (i) => ({
    query: `mutation { setExperimentPermission(experimentId: "${i.experimentId}", grantee: ${grantee}, level: CAN_READ) { objectId } }`,
    path: 'setExperimentPermission',
  }),
  'Mutation.revokeExperimentPermission': (i) => ({
    query: `mutation { revokeExperimentPermission(experimentId: "${i.experimentId}", grantee: ${grantee}) { objectId } }`,
    path: 'revokeExperimentPermission',
  }),
  'Mutation.setRegisteredModelPermission': (i) => ({
    query: `mutation { setRegisteredModelPermission(name: "${i.modelName}", grantee: ${grantee}, level: CAN_READ) { objectId } }`,
    path: 'setRegisteredModelPermission',
  }),
  // Prompts (MLflow 3): named after the demo's model, which is no prompt; the backend's refusal comes first.
  'Query.prompts': () => ({ query: `{ prompts { nodes { name } } }`, path: 'prompts' }),
  'Query.prompt': (i) => ({ query: `{ prompt(name: "${i.modelName}") { name } }`, path: 'prompt' }),
  'Mutation.createPrompt': () => ({
    query: `mutation { createPrompt(input: { name: "a-prompt", template: "Hi {{name}}" }) { name } }`,
    path: 'createPrompt',
  }),
  'Mutation.createPromptVersion': (i) => ({
    query: `mutation { createPromptVersion(input: { name: "${i.modelName}", template: "Hi" }) { version } }`,
    path: 'createPromptVersion',
  }),
  'Mutation.setPromptAlias': (i) => ({
    query: `mutation { setPromptAlias(name: "${i.modelName}", alias: "prod", version: 1) { version } }`,
    path: 'setPromptAlias',
  }),
  'Mutation.deletePromptAlias': (i) => ({
    query: `mutation { deletePromptAlias(name: "${i.modelName}", alias: "prod") { name } }`,
    path: 'deletePromptAlias',
  }),
  'Mutation.setPromptTag': (i) => ({
    query: `mutation { setPromptTag(name: "${i.modelName}", tag: { key: "k", value: "v" }) { name } }`,
    path: 'setPromptTag',
  }),
  'Mutation.deletePromptTag': (i) => ({
    query: `mutation { deletePromptTag(name: "${i.modelName}", key: "k") { name } }`,
    path: 'deletePromptTag',
  }),
  'Mutation.setPromptVersionTag': (i) => ({
    query: `mutation { setPromptVersionTag(name: "${i.modelName}", version: 1, tag: { key: "k", value: "v" }) { version } }`,
    path: 'setPromptVersionTag',
  }),
  'Mutation.deletePromptVersionTag': (i) => ({
    query: `mutation { deletePromptVersionTag(name: "${i.modelName}", version: 1, key: "k") { version } }`,
    path: 'deletePromptVersionTag',
  }),
  'Mutation.deletePrompt': (i) => ({
    query: `mutation { deletePrompt(name: "${i.modelName}") { name } }`,
    path: 'deletePrompt',
  }),
  'Mutation.deletePromptVersion': (i) => ({
    query: `mutation { deletePromptVersion(name: "${i.modelName}", version: 1) { version } }`,
    path: 'deletePromptVersion',
  }),
  // Webhooks (MLflow 3.3): refused by the backend before the administrator check or the arguments are looked at.
  'Query.webhooks': () => ({ query: `{ webhooks { nodes { id } } }`, path: 'webhooks' }),
  'Query.webhook': () => ({ query: `{ webhook(id: "abc") { id } }`, path: 'webhook' }),
  'Mutation.createWebhook': () => ({
    query: `mutation { createWebhook(input: { name: "h", url: "https://hooks.example.com/x", events: [{ entity: MODEL_VERSION, action: CREATED }] }) { id } }`,
    path: 'createWebhook',
  }),
  'Mutation.updateWebhook': () => ({
    query: `mutation { updateWebhook(id: "abc", input: { status: DISABLED }) { id } }`,
    path: 'updateWebhook',
  }),
  'Mutation.deleteWebhook': () => ({ query: `mutation { deleteWebhook(id: "abc") { id } }`, path: 'deleteWebhook' }),
  'Mutation.testWebhook': () => ({ query: `mutation { testWebhook(id: "abc") { success } }`, path: 'testWebhook' }),
  // Traces (MLflow 3): refused before any check or call where the backend has none.
  'Query.trace': () => ({ query: `{ trace(id: "tr-1") { id } }`, path: 'trace' }),
  'Query.traces': (i) => ({
    query: `{ traces(experimentIds: ["${i.experimentId}"]) { nodes { id } } }`,
    path: 'traces',
  }),
  'Experiment.traces': (i) => ({
    query: `{ experiment(id: "${i.experimentId}") { traces { nodes { id } } } }`,
    path: 'experiment.traces',
  }),
  'Run.traces': (i) => ({ query: `{ run(id: "${i.runId}") { traces { nodes { id } } } }`, path: 'run.traces' }),
  // Where traces are absent, so are logged models: the model itself is refused first.
  'LoggedModel.traces': () => ({
    query: `{ loggedModel(id: "m-1") { traces { nodes { id } } } }`,
    path: 'loggedModel',
  }),
  'Mutation.setTraceTag': () => ({
    query: `mutation { setTraceTag(traceId: "tr-1", tag: { key: "k", value: "v" }) { id } }`,
    path: 'setTraceTag',
  }),
  'Mutation.deleteTraceTag': () => ({
    query: `mutation { deleteTraceTag(traceId: "tr-1", key: "k") { id } }`,
    path: 'deleteTraceTag',
  }),
  'Mutation.deleteTraces': (i) => ({
    query: `mutation { deleteTraces(experimentId: "${i.experimentId}", traceIds: ["tr-1"]) { deletedCount } }`,
    path: 'deleteTraces',
  }),
  'Mutation.createAssessment': () => ({
    query: `mutation { createAssessment(input: { traceId: "tr-1", name: "n", kind: FEEDBACK, value: 1, source: { type: HUMAN } }) { id } }`,
    path: 'createAssessment',
  }),
  'Mutation.updateAssessment': () => ({
    query: `mutation { updateAssessment(traceId: "tr-1", assessmentId: "a-1", input: { rationale: "r" }) { id } }`,
    path: 'updateAssessment',
  }),
  'Mutation.deleteAssessment': () => ({
    query: `mutation { deleteAssessment(traceId: "tr-1", assessmentId: "a-1") { existed } }`,
    path: 'deleteAssessment',
  }),
  'Mutation.revokeRegisteredModelPermission': (i) => ({
    query: `mutation { revokeRegisteredModelPermission(name: "${i.modelName}", grantee: ${grantee}) { objectId } }`,
    path: 'revokeRegisteredModelPermission',
  }),
  // Evaluation datasets (MLflow 3.4): refused before the permission check, whatever the id.
  'Query.evaluationDataset': () => ({ query: `{ evaluationDataset(id: "d-1") { id } }`, path: 'evaluationDataset' }),
  'Query.evaluationDatasets': (i) => ({
    query: `{ evaluationDatasets(experimentIds: ["${i.experimentId}"]) { nodes { id } } }`,
    path: 'evaluationDatasets',
  }),
  'Experiment.evaluationDatasets': (i) => ({
    query: `{ experiment(id: "${i.experimentId}") { evaluationDatasets { nodes { id } } } }`,
    path: 'experiment.evaluationDatasets',
  }),
  'Mutation.createEvaluationDataset': (i) => ({
    query: `mutation { createEvaluationDataset(input: { name: "d", experimentIds: ["${i.experimentId}"] }) { id } }`,
    path: 'createEvaluationDataset',
  }),
  'Mutation.upsertEvaluationDatasetRecords': () => ({
    query: `mutation { upsertEvaluationDatasetRecords(id: "d-1", records: [{ inputs: { q: 1 } }]) { insertedCount } }`,
    path: 'upsertEvaluationDatasetRecords',
  }),
  'Mutation.deleteEvaluationDatasetRecords': () => ({
    query: `mutation { deleteEvaluationDatasetRecords(id: "d-1", recordIds: ["dr-1"]) { deletedCount } }`,
    path: 'deleteEvaluationDatasetRecords',
  }),
  'Mutation.setEvaluationDatasetTags': () => ({
    query: `mutation { setEvaluationDatasetTags(id: "d-1", tags: [{ key: "k", value: "v" }]) { id } }`,
    path: 'setEvaluationDatasetTags',
  }),
  'Mutation.deleteEvaluationDatasetTag': () => ({
    query: `mutation { deleteEvaluationDatasetTag(id: "d-1", key: "k") { id } }`,
    path: 'deleteEvaluationDatasetTag',
  }),
  'Mutation.addEvaluationDatasetExperiments': (i) => ({
    query: `mutation { addEvaluationDatasetExperiments(id: "d-1", experimentIds: ["${i.experimentId}"]) { id } }`,
    path: 'addEvaluationDatasetExperiments',
  }),
  'Mutation.removeEvaluationDatasetExperiments': (i) => ({
    query: `mutation { removeEvaluationDatasetExperiments(id: "d-1", experimentIds: ["${i.experimentId}"]) { id } }`,
    path: 'removeEvaluationDatasetExperiments',
  }),
  'Mutation.deleteEvaluationDataset': () => ({
    query: `mutation { deleteEvaluationDataset(id: "d-1") { id } }`,
    path: 'deleteEvaluationDataset',
  }),
};

describe.each(PROFILES)('backend profile: $name', (profile) => {
  let stack: Stack;
  let ids: DemoIds;
  useProfile(profile, (started, found) => {
    stack = started;
    ids = found;
  });

  it('reports its kind, version, permission service and what it cannot serve', async () => {
    const result = await stack.query(
      `{ backend { kind version permissionService unsupported probes capabilities { runFilter maxExperimentIdsPerRunSearch bulkMetricHistory modelVersionSearch transitionRequests } } }`,
      {},
      profile.writer,
    );
    expect(result.errors).toBeUndefined();
    const backend = result.data.backend;
    expect(backend.kind).toBe(profile.kind);
    expect(backend.permissionService).toBe(profile.permissionService);
    expect(backend.unsupported).toEqual(profile.expectedUnsupported);
    if (profile.reportsVersion) expect(backend.version).toMatch(/^\d+\.\d+/);
    else expect(backend.version).toBeNull();
    expect(backend.probes.length).toBeGreaterThan(0);
    expect(backend.capabilities.transitionRequests).toBe(profile.kind === 'DATABRICKS');
    expect(backend.capabilities.maxExperimentIdsPerRunSearch).toBe(
      profile.kind === 'GITLAB' ? 1 : profile.kind === 'DATABRICKS' ? 10 : null,
    );
  });

  it('lists only coordinates that exist in the schema, each with an exercise', () => {
    for (const coordinate of profile.expectedUnsupported) {
      expect([coordinate, coordinateExists(coordinate)]).toEqual([coordinate, true]);
      expect([coordinate, typeof EXERCISE[coordinate]]).toEqual([coordinate, 'function']);
    }
  });

  it('answers UNSUPPORTED_BY_BACKEND on exactly those coordinates, writing nothing upstream', async () => {
    for (const coordinate of profile.expectedUnsupported) {
      const { query, path } = (EXERCISE[coordinate] as (i: DemoIds) => { query: string; path: string })(ids);
      stack.emulator.resetCalls();
      const result = await stack.query(query, {}, profile.writer);
      const error = result.errors?.find((e) => (e.path ?? []).join('.') === path);
      expect([coordinate, error?.extensions?.code]).toEqual([coordinate, 'UNSUPPORTED_BY_BACKEND']);
      expect([coordinate, writeCalls(stack)]).toEqual([coordinate, 0]);
    }
  });
});
