import type { RequestContext } from '../../context/RequestContext.js';
import { registryLoaders } from './loaders/createRegistryLoaders.js';

// The one place per entity where a registry write says what it changed: it clears this request's loader
// memos, so a mutation's answer (and any field read after it) shows the write, and makes every cached
// registry search stale for every caller and gateway instance (models and versions are otherwise read fresh).

/** Something about a registered model changed (or it was created, renamed away or deleted). */
export async function invalidateRegisteredModel(context: RequestContext, name: string): Promise<void> {
  await context.cache.bump('registeredModels', 'modelVersions');
  const loaders = context.loaders.get(registryLoaders);
  loaders.registeredModelByName.clear(name);
  // A model-level write reaches its versions too: a rename changes their `name`, a delete removes them,
  // aliases and stage archiving change siblings. Version memos are cheap to drop within one request.
  loaders.modelVersion.clearAll();
  loaders.modelVersionByAlias.clearAll();
  loaders.modelVersionsByRunId.clearAll();
  loaders.firstVersionsPage.clearAll();
  loaders.firstPromptVersionsPage.clearAll();
  loaders.downloadUri.clearAll();
  loaders.transitionRequests.clearAll();
}

/** Something about one model version changed (or it was created or deleted). */
export async function invalidateModelVersion(context: RequestContext, name: string, version: string): Promise<void> {
  await context.cache.bump('registeredModels', 'modelVersions');
  const loaders = context.loaders.get(registryLoaders);
  const key = { name, version };
  loaders.modelVersion.clear(key);
  loaders.downloadUri.clear(key);
  loaders.transitionRequests.clear(key);
  // The model embeds its latest versions and last-updated time; lists and alias lookups may include this one.
  loaders.registeredModelByName.clear(name);
  loaders.modelVersionByAlias.clearAll();
  loaders.modelVersionsByRunId.clearAll();
  loaders.firstVersionsPage.clearAll();
  loaders.firstPromptVersionsPage.clearAll();
}

/** Renamed: both names are affected (the old stops resolving, the new starts). */
export async function invalidateRenamedModel(context: RequestContext, oldName: string, newName: string): Promise<void> {
  await invalidateRegisteredModel(context, oldName);
  await invalidateRegisteredModel(context, newName);
}
