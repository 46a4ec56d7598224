import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { SupergraphRequestError, SupergraphTransportError, type SupergraphGraphQLError } from './errors.js';
import { persistedDocument } from './persistedDocument.js';

/** Headers for every request, or a function producing them (for tokens that rotate). */
export type HeadersOption =
  | Readonly<Record<string, string>>
  | (() => Readonly<Record<string, string>> | Promise<Readonly<Record<string, string>>>);

/** Options of {@link createClient}. */
export interface ClientOptions {
  /** The gateway's GraphQL endpoint, e.g. `http://127.0.0.1:4000/graphql`. */
  url: string;
  /** A bearer token, sent as `Authorization: Bearer <token>` (the gateway passes it through to MLflow). */
  token?: string;
  /** Extra headers (e.g. `authorization: Basic …`, `x-request-id`); with `token`, leave out `authorization`. */
  headers?: HeadersOption;
  /**
   * `apq` (default): send the operation's hash alone, and the full text only when the gateway answers
   * PERSISTED_QUERY_NOT_FOUND (automatic persisted queries: small requests, and accepted by a gateway that runs
   * persisted-only). `text`: always send the full text (for servers without APQ).
   */
  persistedQueries?: 'apq' | 'text';
  /** Upper bound on one HTTP exchange in milliseconds (default 30 000). */
  timeoutMs?: number;
  /** The fetch implementation (default: the global one). */
  fetch?: typeof globalThis.fetch;
}

/** Per-call options. */
export interface RequestOptions {
  /** Aborts the call. */
  signal?: AbortSignal;
  /** Headers for this call only, on top of the client's. */
  headers?: Readonly<Record<string, string>>;
}

/** `variables` is optional exactly when the operation has no required variable. */
export type RequestArguments<TVariables> =
  Record<string, never> extends TVariables
    ? [variables?: TVariables, options?: RequestOptions]
    : [variables: TVariables, options?: RequestOptions];

/** A GraphQL response with its errors typed. */
export interface ExecutionResult<TData> {
  data: TData | null | undefined;
  errors: readonly SupergraphGraphQLError[] | undefined;
  /** HTTP status of the final answer. */
  status: number;
}

/** A typed client of the mlflow-supergraph gateway. */
export interface SupergraphClient {
  /** The endpoint this client calls. */
  readonly url: string;
  /** Runs an operation and returns its data; any GraphQL error throws a {@link SupergraphRequestError}. */
  request<TData, TVariables>(
    document: TypedDocumentNode<TData, TVariables>,
    ...args: RequestArguments<TVariables>
  ): Promise<TData>;
  /** Runs an operation and returns data and errors as they came (for callers that use partial results). */
  execute<TData, TVariables>(
    document: TypedDocumentNode<TData, TVariables>,
    ...args: RequestArguments<TVariables>
  ): Promise<ExecutionResult<TData>>;
}

/** Default upper bound on one HTTP exchange. */
export const defaultTimeoutMs = 30_000;

interface GraphQLBody {
  data?: unknown;
  errors?: unknown;
}

/**
 * Creates a client for the gateway at `url`. Pass the generated documents (e.g. `GetRunWithMetricsDocument`
 * from `mlflow-supergraph/client`): variables and results are typed from the operation, and errors carry
 * the graph's closed set of codes.
 */
export function createClient(options: ClientOptions): SupergraphClient {
  let endpoint: URL;
  try {
    endpoint = new URL(options.url);
  } catch {
    throw new TypeError(
      `createClient: expected url to be an absolute http(s) URL such as http://127.0.0.1:4000/graphql, got "${options.url}"`,
    );
  }
  if (endpoint.protocol !== 'http:' && endpoint.protocol !== 'https:') {
    throw new TypeError(`createClient: expected an http(s) url, got protocol "${endpoint.protocol}"`);
  }
  if (endpoint.username || endpoint.password) {
    // Credentials in a URL end up in logs; the headers are the place for them.
    throw new TypeError('createClient: the url must not contain credentials; pass token or an authorization header');
  }
  const staticHeaders = typeof options.headers === 'function' ? undefined : options.headers;
  if (
    options.token !== undefined &&
    staticHeaders &&
    Object.keys(staticHeaders).some((name) => name.toLowerCase() === 'authorization')
  ) {
    throw new TypeError('createClient: pass either token or an authorization header, not both');
  }
  const timeoutMs = options.timeoutMs ?? defaultTimeoutMs;
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0)
    throw new TypeError(`createClient: expected timeoutMs to be a positive number, got ${timeoutMs}`);
  const fetchImpl = options.fetch ?? globalThis.fetch;
  const url = endpoint.toString();
  // Learned from the first PERSISTED_QUERY_NOT_SUPPORTED: this server has no APQ, send text from then on.
  let apq = (options.persistedQueries ?? 'apq') === 'apq';

  async function headersFor(call: RequestOptions | undefined): Promise<Record<string, string>> {
    const configured = typeof options.headers === 'function' ? await options.headers() : options.headers;
    return {
      'content-type': 'application/json',
      accept: 'application/graphql-response+json, application/json;q=0.9',
      ...configured,
      ...(options.token !== undefined ? { authorization: `Bearer ${options.token}` } : {}),
      ...call?.headers,
    };
  }

  async function post(
    body: Record<string, unknown>,
    call: RequestOptions | undefined,
  ): Promise<{ status: number; body: GraphQLBody }> {
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = call?.signal ? AbortSignal.any([call.signal, timeout]) : timeout;
    let response: Response;
    try {
      response = await fetchImpl(url, {
        method: 'POST',
        headers: await headersFor(call),
        body: JSON.stringify(body),
        signal,
      });
    } catch (error) {
      if (timeout.aborted)
        throw new SupergraphTransportError(`No answer from ${url} within ${timeoutMs} ms`, undefined, error);
      if (call?.signal?.aborted) throw new SupergraphTransportError('The request was aborted', undefined, error);
      throw new SupergraphTransportError(
        `Could not reach the gateway at ${url}: ${(error as Error).message}`,
        undefined,
        error,
      );
    }
    const text = await response.text().catch((error: unknown) => {
      throw new SupergraphTransportError(
        `The gateway at ${url} broke off its answer (HTTP ${response.status})`,
        response.status,
        error,
      );
    });
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new SupergraphTransportError(
        `Expected a GraphQL JSON response from ${url}, got HTTP ${response.status} with ${JSON.stringify(text.slice(0, 120))}`,
        response.status,
      );
    }
    if (!parsed || typeof parsed !== 'object' || (!('data' in parsed) && !('errors' in parsed))) {
      throw new SupergraphTransportError(
        `Expected a GraphQL response (data or errors) from ${url}, got HTTP ${response.status} with ${JSON.stringify(text.slice(0, 120))}`,
        response.status,
      );
    }
    return { status: response.status, body: parsed as GraphQLBody };
  }

  async function execute<TData, TVariables>(
    document: TypedDocumentNode<TData, TVariables>,
    ...[variables, call]: RequestArguments<TVariables>
  ): Promise<ExecutionResult<TData>> {
    const persisted = persistedDocument(document);
    const base = { operationName: persisted.operationName, variables: variables ?? {} };
    const extensions = { persistedQuery: { version: 1, sha256Hash: persisted.sha256Hash } };
    let answer: { status: number; body: GraphQLBody };
    if (apq) {
      answer = await post({ ...base, extensions }, call);
      const code = firstCode(answer.body);
      if (code === 'PERSISTED_QUERY_NOT_FOUND') {
        // The gateway has not seen this operation yet: send the text once; it registers it under the hash.
        answer = await post({ ...base, query: persisted.text, extensions }, call);
      } else if (code === 'PERSISTED_QUERY_NOT_SUPPORTED') {
        apq = false;
        answer = await post({ ...base, query: persisted.text }, call);
      }
    } else {
      answer = await post({ ...base, query: persisted.text }, call);
    }
    return {
      data: answer.body.data as TData | null | undefined,
      errors: normalizeErrors(answer.body.errors),
      status: answer.status,
    };
  }

  return {
    url,
    execute,
    async request<TData, TVariables>(
      document: TypedDocumentNode<TData, TVariables>,
      ...args: RequestArguments<TVariables>
    ): Promise<TData> {
      const result = await execute(document, ...args);
      if (result.errors?.length || result.data == null) {
        throw new SupergraphRequestError(
          persistedDocument(document).operationName,
          result.errors ?? [],
          result.data,
          result.status,
        );
      }
      return result.data;
    },
  };
}

function firstCode(body: GraphQLBody): unknown {
  const errors = body.errors;
  if (!Array.isArray(errors) || errors.length === 0) return undefined;
  return (errors[0] as { extensions?: { code?: unknown } } | null)?.extensions?.code;
}

/** Errors as the gateway sent them, with a code guaranteed (a server that omits one gets INTERNAL_SERVER_ERROR). */
function normalizeErrors(errors: unknown): SupergraphGraphQLError[] | undefined {
  if (errors === undefined || errors === null) return undefined;
  if (!Array.isArray(errors))
    return [{ message: 'The gateway sent a malformed errors list', extensions: { code: 'INTERNAL_SERVER_ERROR' } }];
  return errors.map((raw: unknown) => {
    const error = (raw && typeof raw === 'object' ? raw : {}) as {
      message?: unknown;
      path?: unknown;
      locations?: unknown;
      extensions?: Record<string, unknown>;
    };
    const extensions = error.extensions && typeof error.extensions === 'object' ? error.extensions : {};
    return {
      message: typeof error.message === 'string' ? error.message : 'Unknown error',
      ...(Array.isArray(error.path) ? { path: error.path as (string | number)[] } : {}),
      ...(Array.isArray(error.locations) ? { locations: error.locations as { line: number; column: number }[] } : {}),
      extensions: {
        ...extensions,
        code: (typeof extensions.code === 'string'
          ? extensions.code
          : 'INTERNAL_SERVER_ERROR') as SupergraphGraphQLError['extensions']['code'],
      },
    };
  });
}
