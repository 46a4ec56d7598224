/** Runs at most `concurrency` tasks at once; the rest wait in FIFO order. */
export type Limiter = <T>(task: () => Promise<T>) => Promise<T>;

/**
 * A tiny semaphore. Fan-out to endpoints without a batch form (runs/get, metrics/get-history) goes through
 * one of these so a wide query cannot open hundreds of sockets against an MLflow with 4 gunicorn workers.
 */
export function createLimiter(concurrency: number): Limiter {
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new TypeError(`createLimiter: expected a positive integer, got ${String(concurrency)}`);
  }
  let active = 0;
  const queue: (() => void)[] = [];
  return async <T>(task: () => Promise<T>): Promise<T> => {
    // A finishing task hands its slot straight to the next waiter, so `active` never overshoots.
    if (active >= concurrency) await new Promise<void>((resolve) => queue.push(resolve));
    else active += 1;
    try {
      return await task();
    } finally {
      const waiter = queue.shift();
      if (waiter) waiter();
      else active -= 1;
    }
  };
}
