// Everything the emulator holds, in one object tests can inspect: tracking, MLflow 3's logged models, registry,
// basic-auth users, the Databricks side and the GitLab side. A seed function fills it; reset() builds a new one
// from the seed.
import { AuthStore } from './AuthStore.js';
import { DatasetStore } from './DatasetStore.js';
import { GatewayStore } from './GatewayStore.js';
import { IssueStore } from './IssueStore.js';
import { ScorerStore } from './ScorerStore.js';
import { DatabricksStore } from './DatabricksStore.js';
import { GitlabStore, defaultGitlabProject, type GitlabProjectRecord } from './GitlabStore.js';
import { LoggedModelStore } from './LoggedModelStore.js';
import { createPrng, type Prng } from './prng.js';
import { RegistryStore } from './RegistryStore.js';
import { TraceStore } from './TraceStore.js';
import { TrackingStore } from './TrackingStore.js';
import { WebhookStore, type WebhookUrlPolicy } from './WebhookStore.js';

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
  /** Which webhook URLs are accepted (MLflow's default: https only, public addresses only). */
  readonly webhookUrlPolicy?: WebhookUrlPolicy;
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
  /** MLflow 3's traces, spans and assessments. */
  readonly traces: TraceStore;
  readonly auth: AuthStore;
  readonly databricks: DatabricksStore;
  readonly gitlab: GitlabStore;
  /** MLflow 3's model-registry webhooks; every registry write is offered to them. */
  readonly webhooks: WebhookStore;
  /** MLflow 3's evaluation datasets. */
  readonly datasets: DatasetStore;
  /** MLflow 3's registered scorers. */
  readonly scorers: ScorerStore;
  /** MLflow 3's AI gateway: secrets, model definitions, endpoints, budget policies. */
  readonly gateway: GatewayStore;
  /** MLflow 3's issues. */
  readonly issues: IssueStore;
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
    this.traces = new TraceStore({ tracking: this.tracking, now: this.now, random: this.random });
    this.auth = new AuthStore({ mlflow3: this.mlflow3 });
    this.databricks = new DatabricksStore();
    this.gitlab = new GitlabStore(options.gitlabProject ?? defaultGitlabProject());
    this.webhooks = new WebhookStore({
      now: this.now,
      ...(options.webhookUrlPolicy === undefined ? {} : { policy: options.webhookUrlPolicy }),
    });
    this.registry.onChange((change) => this.webhooks.notify(change));
    this.datasets = new DatasetStore({ now: this.now, random: this.random });
    this.scorers = new ScorerStore({ now: this.now });
    this.gateway = new GatewayStore({ now: this.now, random: this.random, tracking: this.tracking });
    this.issues = new IssueStore({ now: this.now, random: this.random });
  }
}
