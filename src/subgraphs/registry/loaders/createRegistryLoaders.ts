import type { RequestContext } from '../../../context/RequestContext.js';
import { defineLoaders } from '../../../context/defineLoaders.js';
import type { WireModelVersion, WireRegisteredModel } from '../../../upstream/mlflow/wire.js';
import { loaderInputs } from '../../loaderInputs.js';
import { createFirstVersionsPageLoader, type FirstVersionsPageLoader } from './firstVersionsPage.js';
import { createKeyedRegistryLoaders, type KeyedRegistryLoaders } from './modelVersions.js';
import { createTransitionRequestsLoader, type TransitionRequestsLoader } from './transitionRequests.js';
import { createVersionsByRunIdLoader, type VersionsByRunIdLoader } from './versionsByRunId.js';

/** The per-request DataLoaders of the registry subgraph. */
export interface RegistryLoaders extends KeyedRegistryLoaders {
  /** Run id → every version registered from it: one `run_id IN (...)` search per request-line-sized chunk. */
  modelVersionsByRunId: VersionsByRunIdLoader;
  /** Model → the first page of its versions (one search per model: the grammar has no `name IN`). */
  firstVersionsPage: FirstVersionsPageLoader;
  /** Prompt → the first page of its versions (searched with the prompt tag, which MLflow >= 3 requires). */
  firstPromptVersionsPage: FirstVersionsPageLoader;
  /** Databricks only: open transition requests of a version. */
  transitionRequests: TransitionRequestsLoader;
  /** Puts models from a search into the memo (and the versions they embed). */
  primeModels(models: readonly WireRegisteredModel[]): void;
  /** Puts versions from a search into the memo. */
  primeVersions(versions: readonly WireModelVersion[]): void;
}

/**
 * Creates the loaders for one request. Never shared between requests (they memoize per caller). Each loader
 * module takes what it uses: the request's MLflow client (and clients, for searches through the cache), cache,
 * telemetry and loader options, plus what the backend's profile says where its plan depends on it.
 */
export function createRegistryLoaders(context: RequestContext): RegistryLoaders {
  const inputs = { ...loaderInputs(context), clients: context.clients };
  const { profile } = context.services;
  const keyed = createKeyedRegistryLoaders(inputs);

  function primeVersions(versions: readonly WireModelVersion[]): void {
    for (const version of versions) keyed.modelVersion.prime({ name: version.name, version: version.version }, version);
  }

  function primeModels(models: readonly WireRegisteredModel[]): void {
    for (const model of models) {
      keyed.registeredModelByName.prime(model.name, model);
      primeVersions(model.latest_versions ?? []);
    }
  }

  return {
    ...keyed,
    modelVersionsByRunId: createVersionsByRunIdLoader({
      ...inputs,
      versionsInModel: profile.capabilities.versionsInModel,
      primeModel: (model) => keyed.registeredModelByName.prime(model.name, model),
      primeVersions,
    }),
    firstVersionsPage: createFirstVersionsPageLoader({ ...inputs, primeVersions, scope: 'models' }),
    firstPromptVersionsPage: createFirstVersionsPageLoader({ ...inputs, primeVersions, scope: 'prompts' }),
    transitionRequests: createTransitionRequestsLoader({ ...inputs, profile }),
    primeModels,
    primeVersions,
  };
}

/** The registry subgraph's loaders: `context.loaders.get(registryLoaders)` (built on first use in a request). */
export const registryLoaders = defineLoaders('registry', createRegistryLoaders);
