// Loader inputs for unit tests: a real MLflow client whose calls are recorded and answered by the test instead
// of sent, and a real request cache over an in-memory store that records what it writes (and for how long).
import { decideCacheSharing } from '../../../src/auth/cacheSharing.js';
import { noPermissionBackend } from '../../../src/auth/backends/NoPermissionBackend.js';
import { deriveServerKeys } from '../../../src/auth/serverKeys.js';
import type { CacheTtls } from '../../../src/cache/cachePolicy.js';
import { EntityCache } from '../../../src/cache/EntityCache.js';
import type { KeyValueEntry } from '../../../src/cache/KeyValueCache.js';
import { MemoryCache } from '../../../src/cache/MemoryCache.js';
import { createSingleFlight } from '../../../src/cache/singleFlight.js';
import type { BackendKind } from '../../../src/config/backendConfig.js';
import { requestCache } from '../../../src/cache/requestCache.js';
import type { LoaderInputs } from '../../../src/subgraphs/loaderInputs.js';
import { MlflowClient } from '../../../src/upstream/mlflow/MlflowClient.js';
import { backendProfile } from '../../../src/upstream/profiles/BackendProfile.js';

/** One call a loader made. */
export interface RecordedCall {
  name: string;
  params: Record<string, any>;
}

/** Answers a recorded call (or throws, as the upstream would fail). */
export type Answer = (name: string, params: Record<string, any>) => unknown;

/** An in-memory store that remembers every write. */
export class RecordingStore extends MemoryCache {
  readonly writes: KeyValueEntry[] = [];

  override async setMany(entries: readonly KeyValueEntry[]): Promise<void> {
    this.writes.push(...entries);
    return super.setMany(entries);
  }
}

/** What a test builds loaders from, and what it inspects after. */
export interface FakeInputs {
  inputs: LoaderInputs;
  calls: RecordedCall[];
  store: RecordingStore;
  /** Loader inputs of another request of the same caller over the same shared cache (its own client and calls). */
  nextRequest(): { inputs: LoaderInputs; calls: RecordedCall[] };
}

/** Loader inputs against a backend of `kind` (its profile is the client's), answering calls with `answer`. */
export function fakeLoaderInputs(
  answer: Answer,
  options: { kind?: BackendKind; prefixUrl?: string; ttls?: Partial<CacheTtls> } = {},
): FakeInputs {
  const profile = backendProfile(options.kind ?? 'mlflow');
  const store = new RecordingStore();
  const shared = new EntityCache(store, options.ttls ? { ttls: options.ttls } : {});
  // One server's keys for every request (without a secret each derivation is random: scopes would differ).
  const keys = deriveServerKeys(undefined);
  const build = () => {
    const calls: RecordedCall[] = [];
    const http = { defaults: { options: { prefixUrl: options.prefixUrl ?? 'http://mlflow.test' } } };
    const mlflow = new MlflowClient({ http } as any, profile);
    Object.assign(mlflow, {
      async call(name: string, params: Record<string, any>) {
        calls.push({ name, params });
        return answer(name, params);
      },
    });
    const cache = requestCache({
      cache: shared,
      singleFlight: createSingleFlight(),
      keys,
      identity: 'anonymous',
      cacheSharing: async () => decideCacheSharing({ cacheSharing: 'auto' }, profile, noPermissionBackend),
    });
    // No telemetry: a batch then just runs (traceBatch).
    const inputs: LoaderInputs = { mlflow, cache, telemetry: undefined as any, options: {} };
    return { inputs, calls };
  };
  const first = build();
  return { ...first, store, nextRequest: build };
}
