import type { RequestContext } from '../../context/RequestContext.js';
import { definePrefetch } from '../../context/prefetch.js';
import { registryLoaders } from './loaders/createRegistryLoaders.js';

/**
 * The registry's follow-ups (see context/prefetch.ts): the model versions of the runs a page of runs lists (an
 * experiment's first page, or a `runs` search), searched as soon as the tracking subgraph has them instead of after
 * the gateway's `_entities` hop. The searches are the ones `Run.modelVersions` makes for the same runs (same loader,
 * chunking, cache and caller).
 */
const versionsOfRuns = (context: RequestContext, runIds: readonly string[]) =>
  context.loaders.get(registryLoaders).modelVersionsByRunId.prefetch(runIds);

export const registryPrefetches = [
  definePrefetch<RequestContext>('Experiment.runs', 'Run.modelVersions', versionsOfRuns),
  definePrefetch<RequestContext>('Query.runs', 'Run.modelVersions', versionsOfRuns),
];
