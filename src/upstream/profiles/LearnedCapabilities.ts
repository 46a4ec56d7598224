import type { BackendProfile } from './BackendProfile.js';

/** Where a learned fact is said: the process logger's `info` (pino's signature, narrowed). */
export type CapabilityLog = (fields: Record<string, unknown>, message: string) => void;

/**
 * What the backend turned out to support, learned from its answers at run time, narrowing what its profile
 * declares (a proxy in front of MLflow may lack an endpoint MLflow has). One per backend, owned by the process's
 * services: the loaders report what they learn through its methods, Query.backend and the gateway's pricing read
 * it. A fact, once learned, holds for the life of the process.
 */
export class LearnedCapabilities {
  #bulkInterval: boolean;
  readonly #log: CapabilityLog;

  constructor(profile: Pick<BackendProfile, 'capabilities' | 'displayName'>, log: CapabilityLog) {
    this.#bulkInterval = profile.capabilities.endpoints.has('getMetricHistoryBulkInterval');
    this.#log = log;
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
}
