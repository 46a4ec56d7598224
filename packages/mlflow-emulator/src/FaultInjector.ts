// Injected faults: an MLflow-shaped error status, a hang, a connection reset or a malformed body,
// for every call, the next N calls, or a fraction of calls, optionally for one "METHOD /path".
import { errorCodeForStatus } from './MlflowError.js';
import { createPrng, type Prng } from './prng.js';

/** A fault to inject (the public shape, also accepted by POST /__emulator/faults). */
export interface FaultSpec {
  /** Only calls to this "METHOD /path" (path without query string); all calls when absent. */
  endpoint?: string;
  /** HTTP status for `kind: 'status'` (default 500) or `'malformed'` (default 200). */
  status?: number;
  /** MLflow error_code in the body (default derived from the status). */
  errorCode?: string;
  /** Message in the body. */
  message?: string;
  /** What happens: an error response (default), no response, a reset socket, or a broken JSON body. */
  kind?: 'status' | 'hang' | 'reset' | 'malformed';
  /** Apply to the next N matching calls, then retire. */
  count?: number;
  /** Apply to this fraction (0..1) of matching calls. */
  rate?: number;
  /** For `hang`: answer normally after this many milliseconds (never, when absent). */
  hangMs?: number;
}

/** The fault chosen for one call, normalised. */
export interface ActiveFault {
  readonly kind: 'status' | 'hang' | 'reset' | 'malformed';
  readonly status: number;
  readonly errorCode: string;
  readonly message: string;
  readonly hangMs: number | undefined;
}

interface FaultState {
  readonly spec: FaultSpec;
  remaining: number | undefined;
}

/** Holds the configured faults and decides, per call, whether one applies. */
export class FaultInjector {
  private faults: FaultState[] = [];
  private random: Prng;
  private readonly seed: number;

  constructor(seed = 0xfa17) {
    this.seed = seed;
    this.random = createPrng(seed);
  }

  /** Replaces the configured faults. */
  set(faults: readonly FaultSpec[]): void {
    for (const fault of faults) validateFault(fault);
    this.faults = faults.map((spec) => ({ spec: { ...spec }, remaining: spec.count }));
  }

  /** Adds faults to the configured ones. */
  add(faults: readonly FaultSpec[]): void {
    for (const fault of faults) validateFault(fault);
    this.faults.push(...faults.map((spec) => ({ spec: { ...spec }, remaining: spec.count })));
  }

  /** Removes every fault and restarts the rate generator. */
  clear(): void {
    this.faults = [];
    this.random = createPrng(this.seed);
  }

  /** The configured faults with what is left of their counts. */
  list(): FaultSpec[] {
    return this.faults.map((state) => ({
      ...state.spec,
      ...(state.remaining !== undefined ? { count: state.remaining } : {}),
    }));
  }

  /** The fault to apply to a call to `endpoint`, if any (consumes one use of a counted fault). */
  pick(endpoint: string): ActiveFault | undefined {
    for (const state of this.faults) {
      const { spec } = state;
      if (spec.endpoint !== undefined && spec.endpoint !== endpoint) continue;
      if (state.remaining !== undefined && state.remaining <= 0) continue;
      if (spec.rate !== undefined && this.random() >= spec.rate) continue;
      if (state.remaining !== undefined) state.remaining -= 1;
      this.faults = this.faults.filter((candidate) => candidate.remaining === undefined || candidate.remaining > 0);
      const kind = spec.kind ?? 'status';
      const status = spec.status ?? (kind === 'malformed' ? 200 : 500);
      return {
        kind,
        status,
        errorCode: spec.errorCode ?? errorCodeForStatus(status),
        message: spec.message ?? `Injected fault: HTTP ${status}`,
        hangMs: spec.hangMs,
      };
    }
    return undefined;
  }
}

/** Checks a fault spec and says what was expected when it is wrong. */
export function validateFault(fault: FaultSpec): void {
  const kinds = ['status', 'hang', 'reset', 'malformed'];
  if (fault === null || typeof fault !== 'object') throw new TypeError(`expected a fault object, got ${String(fault)}`);
  if (fault.kind !== undefined && !kinds.includes(fault.kind)) {
    throw new TypeError(`expected kind to be one of ${kinds.join(', ')}, got ${String(fault.kind)}`);
  }
  if (fault.status !== undefined && (!Number.isInteger(fault.status) || fault.status < 100 || fault.status > 599)) {
    throw new TypeError(`expected status to be an HTTP status code, got ${String(fault.status)}`);
  }
  if (fault.rate !== undefined && (typeof fault.rate !== 'number' || fault.rate < 0 || fault.rate > 1)) {
    throw new TypeError(`expected rate between 0 and 1, got ${String(fault.rate)}`);
  }
  if (fault.count !== undefined && (!Number.isInteger(fault.count) || fault.count < 0)) {
    throw new TypeError(`expected count to be a non-negative integer, got ${String(fault.count)}`);
  }
  if (fault.endpoint !== undefined && !/^[A-Z]+ \/\S*$/.test(fault.endpoint)) {
    throw new TypeError(
      `expected endpoint like "POST /api/2.0/mlflow/runs/search", got ${JSON.stringify(fault.endpoint)}`,
    );
  }
  if (fault.hangMs !== undefined && (typeof fault.hangMs !== 'number' || fault.hangMs < 0)) {
    throw new TypeError(`expected hangMs to be a non-negative number, got ${String(fault.hangMs)}`);
  }
}
