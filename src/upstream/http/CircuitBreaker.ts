/** Where a circuit breaker stands. */
export type CircuitState = 'closed' | 'open' | 'half-open';

/** Settings of one {@link CircuitBreaker}. */
export interface CircuitBreakerOptions {
  /** Consecutive outage-like failures that open the circuit; 0 disables the breaker. */
  threshold: number;
  /** How long the circuit stays open before one probe call is let through. */
  cooldownMs: number;
  /** Told of every state change (for logs and metrics). */
  onStateChange?: (from: CircuitState, to: CircuitState) => void;
  /** Clock, for tests. */
  now?: () => number;
}

/** What a breaker says about a call about to be made. */
export type CircuitDecision =
  /** Make the call and report its outcome with `success()` / `failure()`. */
  | { allowed: true; probe: boolean }
  /** Fail fast: the upstream is considered down for `retryInMs` more milliseconds. */
  | { allowed: false; retryInMs: number };

/**
 * A consecutive-failure circuit breaker for one upstream. While MLflow is down every call would wait for a
 * connect error or a timeout and hold a limiter slot doing it; after `threshold` failures in a row with no
 * success between them, calls fail at once for `cooldownMs`. Then one call is let through as a probe
 * (half-open): its success closes the circuit, its failure opens it for another cooldown. Only failures that
 * mean "the service is down" count (the caller decides which); a 4xx answer is a success here.
 */
export class CircuitBreaker {
  readonly #threshold: number;
  readonly #cooldownMs: number;
  readonly #onStateChange: CircuitBreakerOptions['onStateChange'];
  readonly #now: () => number;
  #state: CircuitState = 'closed';
  #failures = 0;
  #openedAt = 0;
  #probeInFlight = false;
  /** Calls refused while open (monotonic, for metrics). */
  rejected = 0;
  /** Times the circuit opened (monotonic, for metrics). */
  opened = 0;

  constructor(options: CircuitBreakerOptions) {
    if (!Number.isInteger(options.threshold) || options.threshold < 0) {
      throw new TypeError(
        `CircuitBreaker: expected threshold to be a non-negative integer, got ${String(options.threshold)}`,
      );
    }
    if (!Number.isFinite(options.cooldownMs) || options.cooldownMs <= 0) {
      throw new TypeError(
        `CircuitBreaker: expected cooldownMs to be a positive number, got ${String(options.cooldownMs)}`,
      );
    }
    this.#threshold = options.threshold;
    this.#cooldownMs = options.cooldownMs;
    this.#onStateChange = options.onStateChange;
    this.#now = options.now ?? Date.now;
  }

  /** The current state (an open circuit whose cooldown has passed reports `half-open`). */
  get state(): CircuitState {
    if (this.#state === 'open' && this.#now() - this.#openedAt >= this.#cooldownMs) return 'half-open';
    return this.#state;
  }

  /** Asks to make a call. A probe is allowed only one at a time; everyone else fails fast meanwhile. */
  request(): CircuitDecision {
    if (this.#threshold === 0 || this.#state === 'closed') return { allowed: true, probe: false };
    const elapsed = this.#now() - this.#openedAt;
    if (this.#state === 'open' && elapsed >= this.#cooldownMs) this.#transition('half-open');
    if (this.#state === 'half-open' && !this.#probeInFlight) {
      this.#probeInFlight = true;
      return { allowed: true, probe: true };
    }
    this.rejected += 1;
    return { allowed: false, retryInMs: Math.max(0, this.#cooldownMs - elapsed) };
  }

  /** The call reached the upstream and it answered (any status that does not mean "down"). */
  success(probe = false): void {
    if (probe) this.#probeInFlight = false;
    this.#failures = 0;
    if (this.#state !== 'closed' && (probe || this.#state === 'half-open')) this.#transition('closed');
  }

  /** The call failed in a way that means the upstream is down (refused, reset, timed out, 502/503/504). */
  failure(probe = false): void {
    if (this.#threshold === 0) return;
    if (probe) this.#probeInFlight = false;
    this.#failures += 1;
    if (this.#state === 'half-open' && probe) {
      this.#open();
      return;
    }
    if (this.#state === 'closed' && this.#failures >= this.#threshold) this.#open();
  }

  /** The call ended without telling anything about the upstream (the caller's budget ran out, a bug). */
  neutral(probe = false): void {
    if (probe) this.#probeInFlight = false;
  }

  #open(): void {
    this.#openedAt = this.#now();
    this.opened += 1;
    this.#transition('open');
  }

  #transition(to: CircuitState): void {
    const from = this.#state;
    if (from === to) return;
    this.#state = to;
    this.#onStateChange?.(from, to);
  }
}
