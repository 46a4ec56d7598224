import { BadUserInputError } from '../../../errors/SupergraphError.js';
import { buildConnection, pageSize } from '../../../graphql/connection.js';
import { connectionCursors } from '../../../graphql/cursorCodec.js';
import { safeArtifactPath } from '../../../upstream/artifacts/artifactPath.js';
import { matchingFiles } from '../artifactFiles.js';
import type { WireRun } from '../../../upstream/mlflow/wire.js';
import { trackingLoaders } from '../loaders/createTrackingLoaders.js';
import type { RunResolvers } from '../resolvers.generated.js';
import { artifactLocation, lifecycleStage, runName, runStatus, tagList, tagValue } from '../toModels.js';

const MAX_POINTS = 2500;
const TERMINAL_STATUSES = new Set(['FINISHED', 'FAILED', 'KILLED']);

/** The run's latest point of a metric, as a version stamp for the cached history. */
function latestVersion(run: WireRun, key: string): string {
  const latest = run.data?.metrics?.find((m) => m.key === key);
  return latest ? `${latest.timestamp ?? ''}/${latest.step ?? ''}/${String(latest.value)}` : 'none';
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
  params: (run) => (run.data?.params ?? []).map((p) => ({ key: p.key, value: p.value ?? '' })),
  param: (run, { key }) => {
    const param = run.data?.params?.find((p) => p.key === key);
    return param ? (param.value ?? '') : null;
  },
  metrics: (run) => (run.data?.metrics ?? []).map((m) => ({ ...m, run_id: run.info.run_id })),
  metric: (run, { key }) => {
    const metric = run.data?.metrics?.find((m) => m.key === key);
    return metric ? { ...metric, run_id: run.info.run_id } : null;
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
    return history.map((m) => ({ ...m, run_id: run.info.run_id }));
  },
  tags: (run) => tagList(run.data?.tags),
  tag: (run, { key }) => tagValue(run.data?.tags, key),
  inputs: (run) => run.inputs?.dataset_inputs ?? [],
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
};
