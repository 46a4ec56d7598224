import type { RequestContext } from '../../context/RequestContext.js';
import { NotFoundError } from '../../errors/SupergraphError.js';
import type { WireModelVersion, WireRegisteredModel } from '../../upstream/mlflow/wire.js';
import { registryLoaders } from './loaders/createRegistryLoaders.js';

// What a registry write answers with: the object the backend returned or, when it returned none (set-tag, alias,
// Databricks' update), a fresh read that bypasses the request's memo, so the answer shows the write.

/** The model `name` as it is after a write (`returned` when the backend sent it back). */
export async function freshModel(
  context: RequestContext,
  name: string,
  returned?: WireRegisteredModel,
): Promise<WireRegisteredModel> {
  const loaders = context.loaders.get(registryLoaders);
  if (returned?.name) {
    loaders.registeredModelByName.clear(returned.name).prime(returned.name, returned);
    return returned;
  }
  const model = await loaders.registeredModelByName.clear(name).load(name);
  if (!model) throw new NotFoundError(`Registered model ${name} does not exist`);
  return model;
}

/** The version `name`/`version` as it is after a write (`returned` when the backend sent it back). */
export async function freshVersion(
  context: RequestContext,
  name: string,
  version: string,
  returned?: WireModelVersion,
): Promise<WireModelVersion> {
  const loaders = context.loaders.get(registryLoaders);
  if (returned?.name && returned.version) {
    loaders.modelVersion
      .clear({ name: returned.name, version: returned.version })
      .prime({ name: returned.name, version: returned.version }, returned);
    return returned;
  }
  const found = await loaders.modelVersion.clear({ name, version }).load({ name, version });
  if (!found) throw new NotFoundError(`Model version ${name} ${version} does not exist`);
  return found;
}
