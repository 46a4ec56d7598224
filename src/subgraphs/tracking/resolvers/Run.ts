import { BadUserInputError } from '../../../errors/SupergraphError.js';
import { buildConnection, pageSize } from '../../../graphql/connection.js';
import { connectionCursors } from '../../../graphql/cursorCodec.js';
import { safeArtifactPath } from '../../../upstream/artifacts/artifactPath.js';
import { matchingFiles } from '../artifactFiles.js';
import type { RequestContext } from '../../../context/RequestContext.js';
import type { WireLoggedModel, WireModelIO, WireRun } from '../../../upstream/mlflow/wire.js';
import { trackingLoaders } from '../loaders/createTrackingLoaders.js';
import type { RunResolvers } from '../resolvers.generated.js';
import { metricModel, paramModels } from './leaves.js';
import { runTraces } from './traceQueries.js';
import { artifactLocation, lifecycleStage, runName, runStatus, tagList, tagValue } from '../toModels.js';

const MAX_POINTS = 2500;
const TERMINAL_STATUSES = new Set(['FINISHED', 'FAILED', 'KILLED']);

/** The run's latest point of a metric, as a version stamp for the cached history. */
function latestVersion(run: WireRun, key: string): string {
  const latest = run.data?.metrics?.find((m) => m.key === key);
  return latest ? `${latest.timestamp ?? ''}/${latest.step ?? ''}/${String(latest.value)}` : 'none';
}

/**
 * The logged models a run lists (outputs or inputs, MLflow 3), loaded as one batch with the other runs' of this
 * level: they are in the run's experiment, so the loader can search it rather than get each. Models the caller may
 * not read are left out by LoggedModel's type-level rule; one that no longer exists is left out here.
 */
async function loggedModelsOf(
  run: WireRun,
  refs: readonly WireModelIO[] | undefined,
  context: RequestContext,
): Promise<WireLoggedModel[]> {
  // A 2.x run lists no models because its server has none: that is UNSUPPORTED_BY_BACKEND, not "none".
  await context.clients.mlflow.requireFeature('loggedModels', 'getLoggedModel');
  const loaders = context.loaders.get(trackingLoaders);
  const ids = [...new Set((refs ?? []).map((ref) => ref.model_id))];
  for (const id of ids) if (!loaders.loggedModelHints.has(id)) loaders.loggedModelHints.set(id, run.info.experiment_id);
  const models = await loaders.loggedModelById.loadMany(ids);
  const failed = models.find((model) => model instanceof Error);
  if (failed) throw failed;
  return models.filter((model): model is WireLoggedModel => model !== null);
}

/** Fields of Run, backed by MLflow's run object (info + data + inputs). */
export const Run: RunResolvers = {
  // _entities: the registry subgraph refers to runs by id (ModelVersion.run).
  __resolveReference: (reference, context) => context.loaders.get(trackingLoaders).runById.load(reference.id),
  id: (run) => run.info.run_id,
  name: (run) => runName(run),
  experimentId: (run) => run.info.experiment_id,
  experiment: (run, _, context) => context.loaders.get(trackingLoaders).experimentById.load(run.info.experiment_id),
  userId: (run) => run.info.user_id || null,
  status: (run) => runStatus(run.info.status),
  startTime: (run) => run.info.start_time ?? null,
  endTime: (run) => run.info.end_time ?? null,
  artifactUri: (run) => run.info.artifact_uri ?? null,
  lifecycleStage: (run) => lifecycleStage(run.info.lifecycle_stage),
  params: (run) => paramModels(run.data?.params),
  param: (run, { key }) => {
    const param = run.data?.params?.find((p) => p.key === key);
    return param ? (param.value ?? '') : null;
  },
  metrics: (run) => (run.data?.metrics ?? []).map((m) => metricModel(m, run.info.run_id)),
  metric: (run, { key }) => {
    const metric = run.data?.metrics?.find((m) => m.key === key);
    return metric ? metricModel(metric, run.info.run_id) : null;
  },
  async metricHistory(run, { key, startStep, endStep, maxPoints }, context) {
    const points = maxPoints ?? MAX_POINTS;
    if (!Number.isInteger(points) || points < 1 || points > MAX_POINTS) {
      throw new BadUserInputError(`maxPoints must be an integer from 1 to ${MAX_POINTS}, got ${String(maxPoints)}`);
    }
    const history = await context.loaders.get(trackingLoaders).metricHistory.load({
      runId: run.info.run_id,
      key,
      startStep: startStep ?? undefined,
      endStep: endStep ?? undefined,
      maxPoints: points,
      version: latestVersion(run, key),
      finished: TERMINAL_STATUSES.has(run.info.status ?? ''),
    });
    return history.map((m) => metricModel(m, run.info.run_id));
  },
  tags: (run) => tagList(run.data?.tags),
  tag: (run, { key }) => tagValue(run.data?.tags, key),
  inputs: (run) => run.inputs?.dataset_inputs ?? [],
  loggedModels: (run, _, context) => loggedModelsOf(run, run.outputs?.model_outputs, context),
  async inputModels(run, _, context) {
    await context.clients.mlflow.requireFeature('loggedModels', 'getLoggedModel');
    // MLflow 3.11.1's runs/search leaves model_inputs out (corpus seq 91 against 88): read the run by id unless this
    // payload already lists them.
    const full = run.inputs?.model_inputs
      ? run
      : await context.loaders.get(trackingLoaders).runInputs.load(run.info.run_id);
    return loggedModelsOf(run, full?.inputs?.model_inputs, context);
  },
  async artifacts(run, { path, first, after }, context) {
    const size = pageSize(first, 1000, 100);
    const directory = safeArtifactPath(path ?? '', { allowRoot: true });
    const location = artifactLocation(run);
    const cursors = connectionCursors(context.services.keys, context.principal, {
      field: 'Run.artifacts',
      args: { runId: run.info.run_id, path: directory },
    });
    const position = cursors.decode(after);
    // Memoized per request by run, path and page token: a run reached through two parents lists once.
    const page = await context.loaders.get(trackingLoaders).artifactListings.page(location.root, directory, position.t);
    const entries = (page.files ?? []).slice(position.o).map((file) => ({ file, location }));
    return buildConnection(entries, size, position, page.next_page_token || undefined, cursors);
  },
  async files(run, { glob, first }, context) {
    const location = artifactLocation(run);
    const listings = context.loaders.get(trackingLoaders).artifactListings;
    const found = await matchingFiles(listings, location.root, glob, pageSize(first, 1000, 100));
    return found.map((file) => ({ file, location }));
  },
  traces: runTraces,
};
