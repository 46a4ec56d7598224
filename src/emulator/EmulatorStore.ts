// Everything the emulator holds, in one object tests can inspect: tracking, registry, basic-auth
// users and the Databricks side. A seed function fills it; reset() builds a new one from the seed.
import { AuthStore } from './AuthStore.js';
import { DatabricksStore } from './DatabricksStore.js';
import { createPrng, type Prng } from './prng.js';
import { RegistryStore } from './RegistryStore.js';
import { TrackingStore } from './TrackingStore.js';

/** Options for a store. */
export interface EmulatorStoreOptions {
  /** Default artifact root (`mlflow-artifacts:` as a server started with --serve-artifacts). */
  readonly artifactRoot?: string;
  /** Seed for generated ids and names. */
  readonly randomSeed?: number;
  /** Clock (milliseconds since the epoch). */
  readonly now?: () => number;
}

/** The emulator's state. */
export class EmulatorStore {
  readonly tracking: TrackingStore;
  readonly registry: RegistryStore;
  readonly auth: AuthStore;
  readonly databricks: DatabricksStore;
  readonly random: Prng;
  readonly now: () => number;

  constructor(options: EmulatorStoreOptions = {}) {
    this.random = createPrng(options.randomSeed ?? 0x5eed);
    this.now = options.now ?? Date.now;
    this.tracking = new TrackingStore({
      artifactRoot: options.artifactRoot ?? 'mlflow-artifacts:',
      now: this.now,
      random: this.random,
    });
    this.registry = new RegistryStore({ now: this.now, random: this.random });
    this.auth = new AuthStore();
    this.databricks = new DatabricksStore();
  }
}
