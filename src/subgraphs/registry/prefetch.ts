import type { RequestContext } from '../../context/RequestContext.js';
import { definePrefetch } from '../../context/prefetch.js';
import { registryLoaders } from './loaders/createRegistryLoaders.js';

/**
 * The registry's follow-ups (see context/prefetch.ts): the model versions of the runs an experiment's page of runs
 * lists, searched as soon as the tracking subgraph has them instead of after the gateway's `_entities` hop. The
 * searches are the ones `Run.modelVersions` makes for the same runs (same loader, chunking, cache and caller).
 */
export const registryPrefetches = [
  definePrefetch<RequestContext>('Experiment.runs', 'Run.modelVersions', (context, runIds) =>
    context.loaders.get(registryLoaders).modelVersionsByRunId.prefetch(runIds),
  ),
];
