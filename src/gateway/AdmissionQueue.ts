// Admission control for the gateway: how many operations execute at once, weighted by their estimated cost, and how
// many wait. Ours rather than p-limit or cockatiel's bulkhead: neither weighs a task, and a weighted semaphore with a
// bounded FIFO queue and a wait deadline is ~100 lines.

/** Settings of one {@link AdmissionQueue}. */
export interface AdmissionOptions {
  /** Slots executing at once (GRAPHQL_MAX_CONCURRENT); an operation takes one slot or more (see weightOf). */
  slots: number;
  /** Operations waiting for slots at most (GRAPHQL_MAX_QUEUED); one more is refused at once. */
  maxQueued: number;
  /** Longest wait for slots (GRAPHQL_QUEUE_TIMEOUT_MS); past it the operation is refused. */
  maxWaitMs: number;
  /** Estimated cost one slot stands for (GRAPHQL_COST_PER_SLOT): an operation takes ceil(cost / this) slots. */
  costPerSlot: number;
}

/** Why an operation was not admitted. */
export type AdmissionRefusal = 'queueFull' | 'queueTimeout' | 'withdrawn';

/** Thrown by {@link AdmissionQueue.acquire} when an operation is refused. */
export class AdmissionRefusedError extends Error {
  override readonly name = 'AdmissionRefusedError';
  constructor(readonly reason: AdmissionRefusal) {
    super(
      reason === 'queueFull'
        ? 'the admission queue is full'
        : reason === 'queueTimeout'
          ? 'waited too long in the admission queue'
          : 'withdrawn from the admission queue',
    );
  }
}

/** Live figures, scraped into /metrics. */
export interface AdmissionStats {
  /** Slots held by executing operations. */
  inUse: number;
  /** Operations waiting. */
  queued: number;
  /** Operations refused since start, by reason. */
  refused: Record<AdmissionRefusal, number>;
}

interface Waiter {
  weight: number;
  grant: () => void;
}

/**
 * A weighted semaphore with a bounded FIFO queue. First come, first served: a heavy operation at the head is not
 * overtaken by lighter ones behind it (it would starve), so one large answer waits for room instead of being
 * refused forever. `acquire` resolves with a release function, to be called exactly once.
 */
export class AdmissionQueue {
  readonly stats: AdmissionStats = { inUse: 0, queued: 0, refused: { queueFull: 0, queueTimeout: 0, withdrawn: 0 } };
  readonly #waiters: Waiter[] = [];

  constructor(readonly options: AdmissionOptions) {
    for (const [name, value] of Object.entries(options))
      if (!Number.isInteger(value) || value < (name === 'maxQueued' ? 0 : 1))
        throw new TypeError(`AdmissionQueue: expected ${name} to be a positive integer, got ${String(value)}`);
  }

  /** Slots an operation of this estimated cost takes: at least one, at most all of them (so it can always run). */
  weightOf(cost: number): number {
    return Math.min(this.options.slots, Math.max(1, Math.ceil(cost / this.options.costPerSlot)));
  }

  /**
   * Waits until `weight` slots are free (in arrival order) and takes them. Refuses at once when the queue is full,
   * and after maxWaitMs in the queue. `signal` withdraws a waiting request (its client went away).
   */
  acquire(weight: number, signal?: AbortSignal): Promise<() => void> {
    if (this.#waiters.length === 0 && this.stats.inUse + weight <= this.options.slots) {
      this.stats.inUse += weight;
      return Promise.resolve(this.#releaser(weight));
    }
    if (this.#waiters.length >= this.options.maxQueued) return Promise.reject(this.#refused('queueFull'));
    return new Promise((resolve, reject) => {
      const leave = () => {
        const index = this.#waiters.indexOf(waiter);
        if (index < 0) return false;
        this.#waiters.splice(index, 1);
        this.stats.queued -= 1;
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        // The one that left may have been holding the line for lighter ones behind it.
        this.#admit();
        return true;
      };
      const onAbort = () => {
        if (leave()) reject(this.#refused('withdrawn'));
      };
      const waiter: Waiter = {
        weight,
        grant: () => {
          clearTimeout(timer);
          signal?.removeEventListener('abort', onAbort);
          resolve(this.#releaser(weight));
        },
      };
      const timer = setTimeout(() => {
        if (leave()) reject(this.#refused('queueTimeout'));
      }, this.options.maxWaitMs);
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#waiters.push(waiter);
      this.stats.queued += 1;
    });
  }

  #refused(reason: AdmissionRefusal): AdmissionRefusedError {
    this.stats.refused[reason] += 1;
    return new AdmissionRefusedError(reason);
  }

  #releaser(weight: number): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.stats.inUse -= weight;
      this.#admit();
    };
  }

  /** Grants slots to waiters from the head while they fit. */
  #admit(): void {
    for (;;) {
      const head = this.#waiters[0];
      if (!head || this.stats.inUse + head.weight > this.options.slots) return;
      this.#waiters.shift();
      this.stats.queued -= 1;
      this.stats.inUse += head.weight;
      head.grant();
    }
  }
}
