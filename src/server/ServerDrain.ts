import type { IncomingMessage, Server, ServerResponse } from 'node:http';

/** How a drain ended. */
export interface DrainResult {
  /** True when every in-flight request finished within the bound. */
  completed: boolean;
  /** Requests still running when the bound passed (their connections were closed). */
  abandoned: number;
  /** How long the drain took. */
  ms: number;
}

/**
 * Graceful shutdown of one HTTP server: stop accepting connections, let the requests in flight finish within a
 * bound, close keep-alive connections as soon as they are idle, and only then cut whatever is left.
 */
export class ServerDrain {
  readonly #server: Server;
  #inFlight = 0;
  #draining = false;
  #idleWaiters: (() => void)[] = [];

  constructor(server: Server) {
    this.#server = server;
  }

  /** Requests being served now. */
  get inFlight(): number {
    return this.#inFlight;
  }

  /** True once {@link drain} was called. */
  get draining(): boolean {
    return this.#draining;
  }

  /** Counts one request until its response is finished or aborted. Call first thing in the request handler. */
  track(_request: IncomingMessage, response: ServerResponse): void {
    this.#inFlight += 1;
    // Responses sent while draining tell the client not to reuse the connection, so it reconnects elsewhere.
    if (this.#draining) response.setHeader('connection', 'close');
    response.once('close', () => this.#release());
  }

  /**
   * Counts work that goes on after its response was sent (the request's log line and metrics), so a drain
   * does not report idle — and the process say it shut down — before that work is done.
   */
  hold(work: Promise<unknown>): void {
    this.#inFlight += 1;
    void work.finally(() => this.#release());
  }

  #release(): void {
    this.#inFlight -= 1;
    if (this.#draining) this.#server.closeIdleConnections();
    if (this.#inFlight === 0) for (const resolve of this.#idleWaiters.splice(0)) resolve();
  }

  /** Stops accepting, waits up to `timeoutMs` for in-flight requests, then closes every connection. */
  async drain(timeoutMs: number): Promise<DrainResult> {
    const started = performance.now();
    this.#draining = true;
    const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    this.#server.closeIdleConnections();
    let completed = true;
    if (this.#inFlight > 0) {
      let timer: NodeJS.Timeout | undefined;
      completed = await Promise.race([
        new Promise<boolean>((resolve) => this.#idleWaiters.push(() => resolve(true))),
        new Promise<boolean>((resolve) => {
          timer = setTimeout(() => resolve(false), timeoutMs);
        }),
      ]);
      clearTimeout(timer);
    }
    const abandoned = this.#inFlight;
    this.#server.closeAllConnections();
    await closed;
    return { completed, abandoned, ms: Math.round(performance.now() - started) };
  }
}
