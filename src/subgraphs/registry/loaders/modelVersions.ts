import DataLoader from 'dataloader';
import { fanOut } from '../../../graphql/fanOut.js';
import { tracedBatch } from '../../../observability/traceBatch.js';
import { isNotFound, orNull, UpstreamError } from '../../../upstream/http/UpstreamError.js';
import type { WireModelVersion, WireRegisteredModel } from '../../../upstream/mlflow/wire.js';
import type { LoaderInputs } from '../../loaderInputs.js';

/** A model version's key. */
export interface VersionKey {
  name: string;
  version: string;
}

/** An alias lookup's key. */
export interface AliasKey {
  name: string;
  alias: string;
}

/** The memo key of a version (names may hold any character but NUL). */
export const versionKey = ({ name, version }: VersionKey) => `${name}\u0000${version}`;

/**
 * MLflow 2.x answers an unknown alias with 400 INVALID_PARAMETER_VALUE "Registered model alias nope not
 * found." (corpus seq 140) rather than 404: that is "not found", not bad input.
 */
export function isAliasNotFound(error: unknown): boolean {
  return (
    error instanceof UpstreamError &&
    error.errorCode === 'INVALID_PARAMETER_VALUE' &&
    /alias .* not found/i.test(error.message)
  );
}

/** Models and versions by key, one upstream call per distinct key (MLflow has no batch form for these). */
export interface KeyedRegistryLoaders {
  registeredModelByName: DataLoader<string, WireRegisteredModel | null>;
  modelVersion: DataLoader<VersionKey, WireModelVersion | null, string>;
  modelVersionByAlias: DataLoader<AliasKey, WireModelVersion | null, string>;
  downloadUri: DataLoader<VersionKey, string, string>;
}

/**
 * Registered models by name, versions by number or alias, and download URIs: deduplicated (DataLoader) and
 * fanned out with a bound. A version found by alias is primed under its number.
 */
export function createKeyedRegistryLoaders({ mlflow, telemetry, options }: LoaderInputs): KeyedRegistryLoaders {
  const registeredModelByName: KeyedRegistryLoaders['registeredModelByName'] = new DataLoader(
    tracedBatch(telemetry, 'registeredModelByName', (names: readonly string[]) =>
      fanOut(names, (name) => orNull(async () => (await mlflow.call('getRegisteredModel', { name })).registered_model)),
    ),
    options,
  );

  const modelVersion: KeyedRegistryLoaders['modelVersion'] = new DataLoader(
    tracedBatch(telemetry, 'modelVersion', (keys: readonly VersionKey[]) =>
      fanOut(keys, (key) =>
        orNull(
          async () => (await mlflow.call('getModelVersion', { name: key.name, version: key.version })).model_version,
        ),
      ),
    ),
    { ...options, cacheKeyFn: versionKey },
  );

  const modelVersionByAlias: KeyedRegistryLoaders['modelVersionByAlias'] = new DataLoader(
    (keys) =>
      fanOut(keys, async ({ name, alias }) => {
        const found = await orNull(
          async () => (await mlflow.call('getModelVersionByAlias', { name, alias })).model_version,
          (error) => isNotFound(error) || isAliasNotFound(error),
        );
        if (found) modelVersion.prime({ name: found.name, version: found.version }, found);
        return found;
      }),
    { ...options, cacheKeyFn: ({ name, alias }) => `${name}\u0000${alias}` },
  );

  const downloadUri: KeyedRegistryLoaders['downloadUri'] = new DataLoader(
    (keys) =>
      fanOut(
        keys,
        async (key) =>
          (await mlflow.call('getModelVersionDownloadUri', { name: key.name, version: key.version })).artifact_uri,
      ),
    { ...options, cacheKeyFn: versionKey },
  );

  return { registeredModelByName, modelVersion, modelVersionByAlias, downloadUri };
}
