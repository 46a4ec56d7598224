/**
 * A typed handle on one subgraph's per-request loaders, made by {@link defineLoaders} next to the loaders
 * themselves: the shared context layer keeps them without importing any subgraph.
 */
export interface LoadersToken<T, TContext> {
  /** For messages and debugging (`tracking`, `registry`). */
  readonly name: string;
  /** Builds the loaders of one request. */
  readonly create: (context: TContext) => T;
}

// Generic in the context type, so this module need not import RequestContext (which holds a RequestLoaders).
/** Declares a subgraph's loaders: `context.loaders.get(token)` builds them once per request with `create`. */
export function defineLoaders<T, TContext>(name: string, create: (context: TContext) => T): LoadersToken<T, TContext> {
  return Object.freeze({ name, create });
}

/**
 * The loaders of one request, by token: each subgraph's set is built on first use and kept for the request
 * (DataLoaders memoize per caller, so they are never shared between requests).
 */
export class RequestLoaders<TContext> {
  readonly #built = new Map<LoadersToken<unknown, TContext>, unknown>();

  constructor(private readonly context: TContext) {}

  /** This request's loaders of `token`'s subgraph. */
  get<T>(token: LoadersToken<T, TContext>): T {
    if (this.#built.has(token)) return this.#built.get(token) as T;
    const loaders = token.create(this.context);
    this.#built.set(token, loaders);
    return loaders;
  }
}
