import { registryLoaders } from '../loaders/createRegistryLoaders.js';
import type { RunResolvers } from '../resolvers.generated.js';

/** The registry's part of the Run entity: the model versions a run produced. */
export const Run: RunResolvers = {
  // The tracking subgraph owns the run; here a reference needs nothing but its id.
  // `id` is the reference's own: read by the default resolver (inline in compiled operations), once per run.
  __resolveReference: (reference) => ({ id: reference.id }),
  // One model-versions/search with `run_id IN (...)` for all runs of this request level.
  modelVersions: (run, _, context) => context.loaders.get(registryLoaders).modelVersionsByRunId.load(run.id),
};
