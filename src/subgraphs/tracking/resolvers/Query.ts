import { BadUserInputError } from '../../../errors/SupergraphError.js';
import { buildConnection, pageSize } from '../../../graphql/connection.js';
import { connectionCursors } from '../../../graphql/cursorCodec.js';
import { fillPage } from '../../../graphql/fillPage.js';
import { trackingLoaders } from '../loaders/createTrackingLoaders.js';
import type { QueryResolvers } from '../resolvers.generated.js';
import { describeBackend } from '../describeBackend.js';
import type { RequestContext } from '../../../context/RequestContext.js';
import { runsSearchParams } from '../../../upstream/mlflow/runsSearchParams.js';
import type { WireExperiment } from '../../../upstream/mlflow/wire.js';
import { wireViewType } from '../toModels.js';
import { evaluationDatasetQueries } from './evaluationDatasetQueries.js';
import { loggedModelQueries } from './loggedModelQueries.js';
import { traceQueries } from './traceQueries.js';

/**
 * GitLab lists a project's experiments in one GET (`experiments/list`, no paging), which read-only tokens may call,
 * while its search is a POST they may not; arguments GitLab would ignore are refused as a search would refuse them.
 */
async function listExperiments(
  context: RequestContext,
  args: {
    filter?: string | null | undefined;
    orderBy?: readonly string[] | null | undefined;
    viewType?: Parameters<typeof wireViewType>[0];
  },
): Promise<{ items: WireExperiment[]; nextToken: undefined }> {
  const check = {
    max_results: 1,
    ...(args.filter ? { filter: args.filter } : {}),
    ...(args.orderBy?.length ? { order_by: [...args.orderBy] } : {}),
    view_type: wireViewType(args.viewType),
  };
  // Arguments a search would refuse are refused here too (the listing cannot filter either).
  context.clients.mlflow.assertSupported('searchExperiments', check);
  const response = await context.cache.page('experiments', { list: true }, () =>
    context.clients.mlflow.call('listExperiments', {}),
  );
  const experiments = [...(response.experiments ?? [])];
  const order = args.orderBy?.[0]?.trim().toLowerCase() ?? '';
  if (order.startsWith('name'))
    experiments.sort((a, b) => a.name.localeCompare(b.name) * (order.endsWith('desc') ? -1 : 1));
  context.loaders.get(trackingLoaders).primeExperiments(experiments);
  return { items: experiments, nextToken: undefined };
}

/** Root query fields of the tracking subgraph. */
export const Query: QueryResolvers = {
  experiment: (_, { id }, context) => context.loaders.get(trackingLoaders).experimentById.load(id),

  experimentByName: (_, { name }, context) => context.loaders.get(trackingLoaders).experimentByName.load(name),

  async experiments(_, { filter, orderBy, viewType, first, after }, context) {
    // MLflow basic-auth filters this search by permission itself; Databricks filters after paging, so
    // pages are refilled past what the caller may not read.
    const auth = context.authorizer;
    const cursors = connectionCursors(context.services.keys, context.principal, {
      field: 'Query.experiments',
      args: { filter: filter || null, orderBy: orderBy ?? [], viewType: wireViewType(viewType) },
    });
    return fillPage({
      size: pageSize(first),
      position: cursors.decode(after),
      cursors,
      maxResults: 50_000,
      async fetch(pageToken, maxResults) {
        if (context.services.profile.capabilities.experimentListing === 'list')
          return listExperiments(context, { filter, orderBy, viewType });
        const params = {
          max_results: maxResults,
          ...(pageToken ? { page_token: pageToken } : {}),
          ...(filter ? { filter } : {}),
          ...(orderBy?.length ? { order_by: [...orderBy] } : {}),
          view_type: wireViewType(viewType),
        };
        const response = await context.cache.page('experiments', params, () =>
          context.clients.mlflow.call('searchExperiments', params),
        );
        const experiments = response.experiments ?? [];
        context.loaders.get(trackingLoaders).primeExperiments(experiments);
        return { items: experiments, nextToken: response.next_page_token || undefined };
      },
      readable: (experiments) =>
        Promise.all(experiments.map((e) => auth.allows({ kind: 'experiment', id: e.experiment_id }, 'CAN_READ'))),
    });
  },

  run: (_, { id }, context) => context.loaders.get(trackingLoaders).runById.load(id),

  backend: (_, __, context) => describeBackend(context.services, context.principal.authorization),

  ...loggedModelQueries,

  ...evaluationDatasetQueries,
  ...traceQueries,

  async runs(_, { experimentIds, filter, orderBy, viewType, first, after }, context) {
    if (experimentIds.length === 0) throw new BadUserInputError('experimentIds must name at least one experiment');
    const size = pageSize(first);
    const cursors = connectionCursors(context.services.keys, context.principal, {
      field: 'Query.runs',
      args: { experimentIds, filter: filter || null, orderBy: orderBy ?? [], viewType: wireViewType(viewType) },
    });
    const position = cursors.decode(after);
    // MLflow's basic-auth does not filter runs/search by permission (corpus seq 207): search only the
    // experiments the caller may read, so every run returned is readable and pages stay full.
    const auth = context.authorizer;
    const allowed = await Promise.all(experimentIds.map((id) => auth.allows({ kind: 'experiment', id }, 'CAN_READ')));
    const readable = experimentIds.filter((_, index) => allowed[index]);
    if (readable.length === 0) return buildConnection([], size, position, undefined, cursors);
    // One ordered page across experiments needs one search; Databricks takes at most 10 ids in one, GitLab 1.
    const { displayName, capabilities } = context.services.profile;
    const limit = capabilities.maxExperimentIdsPerRunSearch;
    if (readable.length > limit) {
      throw new BadUserInputError(
        `${displayName} searches at most ${limit} experiment${limit === 1 ? '' : 's'} at once, got ${readable.length}: split experimentIds`,
        { limit },
      );
    }
    const params = runsSearchParams({
      experimentIds: readable,
      filter,
      orderBy,
      viewType: wireViewType(viewType),
      maxResults: position.o + size,
      pageToken: position.t,
    });
    const response = await context.cache.page('runs', params, () => context.clients.mlflow.call('searchRuns', params));
    const runs = (response.runs ?? []).slice(position.o);
    context.loaders.get(trackingLoaders).primeRuns(runs);
    // The page's runs, to whoever will be asked about them next (context/prefetch.ts), before the page is answered.
    await context.prefetch.offer(
      'Query.runs',
      runs.slice(0, size).map((run) => run.info.run_id),
    );
    return buildConnection(runs, size, position, response.next_page_token || undefined, cursors);
  },
};
