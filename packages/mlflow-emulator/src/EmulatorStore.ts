// Everything the emulator holds, in one object tests can inspect: tracking, MLflow 3's logged models, registry,
// basic-auth users, the Databricks side and the GitLab side. A seed function fills it; reset() builds a new one
// from the seed.
import { AuthStore } from './AuthStore.js';
import { DatabricksStore } from './DatabricksStore.js';
import { GitlabStore, defaultGitlabProject, type GitlabProjectRecord } from './GitlabStore.js';
import { LoggedModelStore } from './LoggedModelStore.js';
import { createPrng, type Prng } from './prng.js';
import { RegistryStore } from './RegistryStore.js';
import { TrackingStore } from './TrackingStore.js';

/** Options for a store. */
export interface EmulatorStoreOptions {
  /** Default artifact root (`mlflow-artifacts:` as a server started with --serve-artifacts). */
  readonly artifactRoot?: string;
  /** Seed for generated ids and names. */
  readonly randomSeed?: number;
  /** Clock (milliseconds since the epoch); default: wall clock, strictly increasing per call. */
  readonly now?: () => number;
  /** The GitLab project (gitlab mode); default {@link defaultGitlabProject}. */
  readonly gitlabProject?: GitlabProjectRecord;
  /** Answer as MLflow 3 where the stores themselves differ (messages, paging, permission names). */
  readonly mlflow3?: boolean;
}

/**
 * Wall-clock milliseconds that never repeat: each mutation gets its own timestamp, as it would on a
 * real server where a request takes longer than a millisecond. Orderings by last-update time (model
 * versions, experiments) then stay deterministic however fast the calls come.
 */
export function monotonicClock(): () => number {
  let last = 0;
  return () => {
    last = Math.max(Date.now(), last + 1);
    return last;
  };
}

/** The emulator's state. */
export class EmulatorStore {
  readonly tracking: TrackingStore;
  readonly loggedModels: LoggedModelStore;
  readonly registry: RegistryStore;
  readonly auth: AuthStore;
  readonly databricks: DatabricksStore;
  readonly gitlab: GitlabStore;
  readonly random: Prng;
  readonly now: () => number;
  /** Whether the stores answer as MLflow 3. */
  readonly mlflow3: boolean;

  constructor(options: EmulatorStoreOptions = {}) {
    this.random = createPrng(options.randomSeed ?? 0x5eed);
    this.now = options.now ?? monotonicClock();
    this.mlflow3 = options.mlflow3 ?? false;
    this.tracking = new TrackingStore({
      artifactRoot: options.artifactRoot ?? 'mlflow-artifacts:',
      now: this.now,
      random: this.random,
      mlflow3: this.mlflow3,
    });
    this.loggedModels = new LoggedModelStore({ tracking: this.tracking, now: this.now, random: this.random });
    this.registry = new RegistryStore({ now: this.now, random: this.random, mlflow3: this.mlflow3 });
    this.auth = new AuthStore({ mlflow3: this.mlflow3 });
    this.databricks = new DatabricksStore();
    this.gitlab = new GitlabStore(options.gitlabProject ?? defaultGitlabProject());
  }
}
