import type { BackendProfile } from './BackendProfile.js';
import {
  BACKEND_FEATURES,
  decideFeature,
  type BackendFeature,
  type FeatureDecision,
  type FeatureEvidence,
} from './backendFeatures.js';

/** Where a learned fact is said: the process logger's `info` (pino's signature, narrowed). */
export type CapabilityLog = (fields: Record<string, unknown>, message: string) => void;

/** How long the feature gate waits after a probe that could not read the version before probing again. */
export const PROBE_COOLDOWN_MS = 60_000;

/** Reads what the server reports about itself, probing with `authorization` if it has not told yet (detectBackend). */
export type DetectServer = (authorization?: string) => Promise<FeatureEvidence>;

/**
 * What the backend turned out to support, learned from its answers at run time, narrowing what its profile
 * declares (a proxy in front of MLflow may lack an endpoint MLflow has). One per backend, owned by the process's
 * services: the loaders report what they learn through its methods, Query.backend and the gateway's pricing read
 * it. A fact, once learned, holds for the life of the process.
 *
 * It also owns MLflow 3's features (backendFeatures.ts): a profile may make one depend on the server's version,
 * which is known only once the server has been probed (at start-up, or with the first caller whose credentials
 * can read it). Until then a feature is `unknown`; see {@link LearnedCapabilities.decideFeature}.
 */
export class LearnedCapabilities {
  #bulkInterval: boolean;
  readonly #log: CapabilityLog;
  readonly #profile: Pick<BackendProfile, 'capabilities' | 'displayName'>;
  readonly #detect: DetectServer | undefined;
  #evidence: FeatureEvidence | undefined;
  /** Features a call found missing on the server (no such route), whatever the version said. */
  readonly #absent = new Set<BackendFeature>();
  /** The feature gate's probe in flight (one for all callers), and when the last one told nothing. */
  #probe: Promise<void> | undefined;
  #fruitlessAt = Number.NEGATIVE_INFINITY;

  /** `detect`: how to learn the server's version (none in unit tests: version-gated features stay unknown). */
  constructor(
    profile: Pick<BackendProfile, 'capabilities' | 'displayName'>,
    log: CapabilityLog,
    detect?: DetectServer,
  ) {
    this.#profile = profile;
    this.#bulkInterval = profile.capabilities.endpoints.has('getMetricHistoryBulkInterval');
    this.#log = log;
    this.#detect = detect;
  }

  /** Metric histories of many runs come from one bulk-interval call (else one call per run). */
  get bulkInterval(): boolean {
    return this.#bulkInterval;
  }

  /** The backend refused bulk-interval (`reason`): histories are fetched per run from now on; said once. */
  bulkIntervalUnavailable(reason: string): void {
    if (!this.#bulkInterval) return;
    this.#bulkInterval = false;
    this.#log(
      { component: 'backend', capability: 'bulkMetricHistory', reason },
      `backend: metric histories come one run per call from now on (bulk-interval unavailable: ${reason})`,
    );
  }

  /** What the server reported about itself (its version, server-info); the detector calls this on every probe. */
  detected(evidence: FeatureEvidence): void {
    // An anonymous probe that read nothing must not hide what an authenticated one read.
    if (evidence.version === undefined && evidence.serverInfo === undefined && this.#evidence) return;
    this.#evidence = { version: evidence.version, serverInfo: evidence.serverInfo };
  }

  /** Whether `feature` is served, as far as is known now (no probe): Query.backend reads this. */
  feature(feature: BackendFeature): FeatureDecision {
    if (this.#absent.has(feature)) return 'no';
    return decideFeature(this.#profile.capabilities.features[feature], this.#evidence);
  }

  /** Every feature and its decision now. */
  features(): Record<BackendFeature, FeatureDecision> {
    return Object.fromEntries(BACKEND_FEATURES.map((f) => [f, this.feature(f)])) as Record<
      BackendFeature,
      FeatureDecision
    >;
  }

  /**
   * Whether `feature` is served, probing the server (with the caller's `authorization`) when its version decides
   * and is not known yet. The probe is the detector's: once per process when the server tells, so a request
   * normally pays nothing here. `unknown` remains when the server reports no version to anyone (a proxy hiding
   * `/version`): the MLflow client then tries the call and learns from a missing route (see MlflowClient).
   */
  async decideFeature(feature: BackendFeature, authorization?: string): Promise<FeatureDecision> {
    const now = this.feature(feature);
    const detect = this.#detect;
    if (now !== 'unknown' || !detect) return now;
    // A server that hides its version from everyone would otherwise be probed on every gated call: one probe at a
    // time, and none for a while after one that told nothing (its calls are then tried: see MlflowClient).
    if (!this.#probe && Date.now() - this.#fruitlessAt >= PROBE_COOLDOWN_MS) {
      this.#probe = detect(authorization)
        .then(
          (evidence) => this.detected(evidence),
          () => undefined, // an unreachable server is the call's own failure to report
        )
        .finally(() => {
          this.#probe = undefined;
          if (this.feature(feature) === 'unknown') this.#fruitlessAt = Date.now();
        });
    }
    await this.#probe;
    return this.feature(feature);
  }

  /** A call found no route for `feature` on the server (`reason`): absent for the life of the process; said once. */
  featureAbsent(feature: BackendFeature, reason: string): void {
    if (this.#absent.has(feature)) return;
    this.#absent.add(feature);
    this.#log(
      { component: 'backend', capability: feature, reason },
      `backend: ${this.#profile.displayName} does not serve ${feature} (${reason}); refused without calling from now on`,
    );
  }
}
