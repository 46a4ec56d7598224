import type { RequestContext } from '../../context/RequestContext.js';
import type { WireModelVersion } from '../../upstream/mlflow/wire.js';
import { registryLoaders } from './loaders/createRegistryLoaders.js';

/**
 * The aliases of its model (or prompt) that point to `version`. MLflow fills `aliases` on model-versions/get and
 * get-by-alias but sends [] from model-versions/search (mlflow#9783): the model's own alias list is authoritative,
 * and it is usually in the request's memo already.
 */
export async function versionAliases(context: RequestContext, version: WireModelVersion): Promise<string[]> {
  if (version.aliases?.length) return version.aliases;
  const model = await context.loaders.get(registryLoaders).registeredModelByName.load(version.name);
  const number = String(version.version);
  return (model?.aliases ?? []).filter((a) => String(a.version) === number).map((a) => a.alias);
}
