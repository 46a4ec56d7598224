import type { WireModelVersion, WireRegisteredModel } from '../../../upstream/mlflow/wire.js';
import { nonEmpty, tagList, tagValue } from '../toModels.js';

/** What MLflow's registered_model and model_version objects carry alike. */
type RegistryObject = Pick<
  WireRegisteredModel & WireModelVersion,
  'name' | 'description' | 'creation_timestamp' | 'last_updated_timestamp' | 'user_id' | 'tags'
>;

/**
 * The fields RegisteredModel and ModelVersion share, read the same way from both MLflow objects: one place decides
 * how a missing timestamp or an empty description reads, for both types.
 */
export const registryObjectFields = {
  name: (object: RegistryObject) => object.name,
  description: (object: RegistryObject) => nonEmpty(object.description),
  creationTime: (object: RegistryObject) => object.creation_timestamp ?? null,
  lastUpdateTime: (object: RegistryObject) => object.last_updated_timestamp ?? null,
  userId: (object: RegistryObject) => nonEmpty(object.user_id),
  tags: (object: RegistryObject) => tagList(object.tags),
  tag: (object: RegistryObject, { key }: { key: string }) => tagValue(object.tags, key),
};
