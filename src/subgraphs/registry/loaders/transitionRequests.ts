import DataLoader from 'dataloader';
import type { RequestContext } from '../../../context/RequestContext.js';
import { fanOut } from '../../../graphql/fanOut.js';
import type { WireActivity } from '../../../upstream/databricks/wire.js';
import type { BackendProfile } from '../../../upstream/profiles/BackendProfile.js';
import type { LoaderInputs } from '../../loaderInputs.js';
import { registryDatabricks } from '../databricks.js';
import { versionKey, type VersionKey } from './modelVersions.js';

/** Databricks only: open transition requests of a version. */
export type TransitionRequestsLoader = DataLoader<VersionKey, WireActivity[], string>;

/** What the loader is built from: the Databricks client is reached only on a Databricks backend. */
export interface TransitionRequestsInputs extends Pick<LoaderInputs, 'options'> {
  readonly profile: BackendProfile;
  readonly clients: Pick<RequestContext['clients'], 'databricks'>;
}

/** Open transition requests per version, one Databricks call each; UNSUPPORTED_BY_BACKEND elsewhere. */
export function createTransitionRequestsLoader({
  options,
  profile,
  clients,
}: TransitionRequestsInputs): TransitionRequestsLoader {
  return new DataLoader(
    async (keys) => {
      const databricks = registryDatabricks(profile, clients, 'ModelVersion.transitionRequests');
      return fanOut(
        keys,
        async (key) =>
          (await databricks.call('listTransitionRequests', { name: key.name, version: key.version })).requests ?? [],
      );
    },
    { ...options, cacheKeyFn: versionKey },
  );
}
