/**
 * Early follow-up fetches between in-process subgraphs. @apollo/gateway sends a subgraph's `_entities` fetch only
 * once the fetch it depends on has completed: the registry hears of a dashboard's 500 runs (to search their model
 * versions) after the tracking subgraph has finished building its whole answer, and after the gateway has handed
 * the runs on. When the subgraphs run in this process and share the request's context, the subgraph that finds the
 * objects can say so as soon as MLflow has answered ({@link RequestPrefetch.offer}), and the subgraph that will be
 * asked about them starts its upstream calls then, into its own per-request loader, whose memo the later fetch
 * reads. Nothing is answered from a prefetch that the later fetch would not have fetched itself with the same
 * caller's credentials; what it changes is when the calls go out.
 */

/**
 * One follow-up: objects a subgraph finds through `source` (`Experiment.runs`) will be asked for `target`
 * (`Run.modelVersions`) by another subgraph, which can start on their ids early.
 */
export interface PrefetchToken<TContext> {
  /** The field (`Type.field`) through which the offering subgraph finds the objects. */
  readonly source: string;
  /** The field (`Type.field`) of the found objects that the other subgraph serves. */
  readonly target: string;
  /**
   * Starts what `target` will need for these ids, into the request's loaders. Settles once its upstream calls
   * have been sent (or answered from the cache); it must not wait for MLflow's answers.
   */
  readonly start: (context: TContext, ids: readonly string[]) => Promise<void>;
}

/** Declares a follow-up (see {@link PrefetchToken}); a subgraph exports its tokens for the gateway to arm. */
export function definePrefetch<TContext>(
  source: string,
  target: string,
  start: (context: TContext, ids: readonly string[]) => Promise<void>,
): PrefetchToken<TContext> {
  return Object.freeze({ source, target, start });
}

/**
 * The follow-ups of one request. Unarmed (the default, and always in a subgraph server, whose context is its own)
 * an offer does nothing. The in-process gateway arms the tokens whose target the operation selects under every
 * selection of their source, so a prefetch never fetches what the operation does not ask for.
 */
export class RequestPrefetch<TContext> {
  #armed: readonly PrefetchToken<TContext>[] = [];

  constructor(private readonly context: TContext) {}

  /** Arms these follow-ups for the rest of the request (the gateway, once it has read the operation). */
  arm(tokens: readonly PrefetchToken<TContext>[]): void {
    this.#armed = tokens;
  }

  /**
   * A subgraph found these objects through `source`: starts every armed follow-up for them. Settles once their
   * upstream calls are on their way; never rejects (a follow-up that fails leaves its error in the loader's memo,
   * where the later fetch meets it as it would have met it itself).
   */
  async offer(source: string, ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    const starts = this.#armed.filter((token) => token.source === source);
    if (starts.length === 0) return;
    await Promise.all(
      starts.map(async (token) => {
        try {
          await token.start(this.context, ids);
        } catch {
          // Left where the later fetch finds it (see above); the offering subgraph goes on regardless.
        }
      }),
    );
    // The calls were handed to the HTTP client; one turn of the event loop lets it write them before the offering
    // subgraph goes on with its (synchronous, CPU-bound) completion of the answer.
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}
