import type { RequestOptions, SupergraphClient } from './createClient.js';
import { SupergraphRequestError } from './errors.js';
import { permissionLevels } from './permissionLevels.js';
import {
  CompareRunMetricHistoriesDocument,
  ListExperimentRunsDocument,
  type CompareRunMetricHistoriesQuery,
  type ListExperimentRunsQuery,
  type ListExperimentRunsQueryVariables,
  type PermissionLevel,
} from './generated/graphql.js';

/** True when a caller holding `held` may do what needs `needed` (e.g. `permits(viewerPermission, 'CAN_EDIT')`). */
export function permits(held: PermissionLevel, needed: PermissionLevel): boolean {
  return permissionLevels.indexOf(held) >= permissionLevels.indexOf(needed);
}

/** A metric value as a JS number: the strings `"NaN"`, `"Infinity"`, `"-Infinity"` become the numbers they name. */
export function metricNumber(value: number | 'NaN' | 'Infinity' | '-Infinity'): number {
  return typeof value === 'number' ? value : Number(value);
}

/** One run of a {@link listExperimentRuns} page. */
export type ExperimentRun = NonNullable<NonNullable<ListExperimentRunsQuery['experiment']>['runs']>['nodes'][number];

/**
 * An experiment's runs, page by page (each yielded array is one page of `first` runs), following
 * `pageInfo.endCursor` until the last page. Throws NOT_FOUND when the experiment does not exist.
 */
export async function* listExperimentRuns(
  client: SupergraphClient,
  variables: Omit<ListExperimentRunsQueryVariables, 'after'>,
  options: RequestOptions & { maxPages?: number } = {},
): AsyncGenerator<ExperimentRun[], void, undefined> {
  const { maxPages = Number.POSITIVE_INFINITY, ...call } = options;
  let after: string | null | undefined;
  for (let page = 0; page < maxPages; page++) {
    const data = await client.request(ListExperimentRunsDocument, { ...variables, ...(after ? { after } : {}) }, call);
    if (!data.experiment) {
      throw new SupergraphRequestError(
        'ListExperimentRuns',
        [
          {
            message: `Experiment ${variables.experimentId} does not exist`,
            path: ['experiment'],
            extensions: { code: 'NOT_FOUND' },
          },
        ],
        data,
        200,
      );
    }
    // runs is nullable (a failed search must not null the experiment), but request() has already thrown then.
    const runs = data.experiment.runs;
    if (!runs)
      throw new SupergraphRequestError(
        'ListExperimentRuns',
        [
          {
            message: 'The runs could not be listed',
            path: ['experiment', 'runs'],
            extensions: { code: 'UPSTREAM_UNAVAILABLE' },
          },
        ],
        data,
        200,
      );
    const { nodes, pageInfo } = runs;
    yield nodes;
    if (!pageInfo.hasNextPage || !pageInfo.endCursor) return;
    after = pageInfo.endCursor;
  }
}

/** One run's series in a {@link compareRunMetricHistories} answer. */
export type RunMetricHistory = CompareRunMetricHistoriesQuery['runs']['nodes'][number];

// MLflow's filter language has no escaping; run ids are hex (MLflow) or uuid-like (Databricks) strings.
const runIdPattern = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * The history of `metricKey` for the given runs of the given experiments, in one GraphQL request (and one
 * bulk upstream call per 100 runs). The answer keeps the order of `runIds`; runs that were not found are left out.
 */
export async function compareRunMetricHistories(
  client: SupergraphClient,
  input: { experimentIds: readonly string[]; runIds: readonly string[]; metricKey: string; maxPoints?: number },
  options?: RequestOptions,
): Promise<RunMetricHistory[]> {
  if (input.runIds.length === 0) return [];
  if (input.runIds.length > 1000)
    throw new RangeError(`compareRunMetricHistories: expected at most 1000 run ids, got ${input.runIds.length}`);
  const bad = input.runIds.find((id) => !runIdPattern.test(id));
  if (bad !== undefined)
    throw new TypeError(
      `compareRunMetricHistories: expected run ids of letters, digits, "-" and "_", got ${JSON.stringify(bad)}`,
    );
  const data = await client.request(
    CompareRunMetricHistoriesDocument,
    {
      experimentIds: [...input.experimentIds],
      metricKey: input.metricKey,
      filter: `attributes.run_id IN (${input.runIds.map((id) => `'${id}'`).join(', ')})`,
      first: input.runIds.length,
      ...(input.maxPoints !== undefined ? { maxPoints: input.maxPoints } : {}),
    },
    options,
  );
  const byId = new Map(data.runs.nodes.map((run) => [run.id, run]));
  return input.runIds.flatMap((id) => byId.get(id) ?? []);
}
