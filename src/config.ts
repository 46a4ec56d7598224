// Environment → typed, validated configuration. Variable names follow MLflow's and Databricks' own clients
// (MLFLOW_TRACKING_URI, MLFLOW_TRACKING_TOKEN, DATABRICKS_HOST, ...) so an existing setup carries over.

import { cachePolicy, ttlNames, ttlSettings, type CacheTtls } from './cache/cachePolicy.js';

/** Which MLflow-compatible backend sits behind the graph. */
export type BackendKind = 'mlflow' | 'databricks' | 'gitlab';

/** How callers' credentials reach the backend. */
export type AuthMode =
  /** Forward each caller's Authorization header (default): the backend sees the real user. */
  | 'passthrough'
  /** Use the configured service credentials for every caller (single-tenant, behind your own auth proxy). */
  | 'service';

/** Validated configuration of one process. */
export interface Config {
  port: number;
  host: string;
  nodeEnv: 'development' | 'production' | 'test';
  /** Undefined: start the in-process demo emulator. */
  trackingUri: string | undefined;
  backend: BackendKind;
  authMode: AuthMode;
  /** `Authorization` header built from MLFLOW_TRACKING_TOKEN / USERNAME+PASSWORD / DATABRICKS_TOKEN. */
  serviceAuthorization: string | undefined;
  redisUrl: string | undefined;
  /** Prefix of every Redis key (several deployments can share one Redis). */
  cacheKeyPrefix: string | undefined;
  /**
   * Upper bound on one Redis command (REDIS_COMMAND_TIMEOUT_MS, default 1000): past it the read is a miss. Not
   * shorter: the timer runs on the event loop, and under load a busy loop trips a short one although Redis
   * answered in a millisecond, sending cached requests upstream when upstream is what is busy.
   */
  redisCommandTimeoutMs: number;
  /** TTL overrides in seconds (CACHE_TTL_<NAME>, e.g. CACHE_TTL_RUN_FINISHED=600; the names: src/cache/cachePolicy.ts). */
  cacheTtls: Partial<CacheTtls>;
  /** What start-up should log about the environment: variables accepted but without effect (see `unknownTtlVariables`). */
  warnings: readonly string[];
  introspection: boolean;
  /** Serve an explorer on the landing page (GRAPHQL_SANDBOX; on outside production). */
  sandbox: boolean;
  /** Which explorer (GRAPHQL_EXPLORER): Apollo Sandbox (loads from Apollo's CDN) or GraphiQL served from this process (air-gapped sites). */
  explorer: 'sandbox' | 'graphiql';
  /** Automatic persisted queries and the persisted-only mode (DESIGN §10). */
  persistedQueries: {
    /** Accept APQ hash-only requests, registered in the shared cache (GRAPHQL_APQ, default true). */
    apq: boolean;
    /** Lifetime of an APQ registration in seconds (GRAPHQL_APQ_TTL_SECONDS, default one day). */
    ttlSeconds: number;
    /** Run only operations from the manifests, by hash or text (GRAPHQL_PERSISTED_ONLY, default false). */
    persistedOnly: boolean;
    /** Manifest files, sha256 → text (GRAPHQL_PERSISTED_MANIFESTS, comma-separated); empty: the typed client's. */
    manifests: readonly string[];
  };
  upstream: { connectTimeoutMs: number; responseTimeoutMs: number; concurrency: number };
  /**
   * Operation bounds (GRAPHQL_MAX_*): depth, aliases, estimated objects (`maxCost`), upstream calls per request
   * (`maxUpstreamCalls`: refused on the estimate, and enforced as each call is made), bytes received from upstream
   * per request (`maxUpstreamBytes`: the memory bound whatever the data holds) and answer size in bytes.
   */
  limits: {
    maxDepth: number;
    maxAliases: number;
    maxCost: number;
    maxUpstreamCalls: number;
    maxUpstreamBytes: number;
    maxResponseBytes: number;
  };
  apolloTelemetry: boolean;
  /** MLFLOW_SUPERGRAPH_NAIVE_RESOLVERS: no batching, memo or shared cache. Exists only for the benchmark's comparison (bench/). */
  naiveResolvers: boolean;
  /** Which permission service decides object access; `auto` detects MLflow basic-auth at first use. */
  permissions: 'auto' | 'mlflow-basic-auth' | 'databricks' | 'gitlab' | 'http' | 'none';
  /** Your own permission service (MLFLOW_SUPERGRAPH_PERMISSIONS=http, see README "Custom permission service"). */
  permissionService: PermissionServiceConfig | undefined;
  /** basic-auth's default permission for objects without a grant (the server's `default_permission`). */
  defaultPermission: 'READ' | 'EDIT' | 'MANAGE' | 'NO_PERMISSIONS';
  /** Accept identity headers (x-forwarded-user, x-forwarded-groups, x-forwarded-scopes) from a trusted proxy. */
  trustedProxy: boolean;
  /** Shared secret the gateway signs subgraph requests with (distributed mode). */
  subgraphSecret: string | undefined;
  /**
   * MLFLOW_SUPERGRAPH_SECRET (≥32 chars): the keys of opaque cursors and of per-caller cache keys are derived from
   * it. Every replica of one deployment needs the same value; unset, each process makes a random one.
   */
  serverSecret: string | undefined;
  /**
   * MLFLOW_SUPERGRAPH_CACHE_SHARING: `auto` shares entries between callers only where the backend profile declares
   * it for the permission service that decides (DESIGN §5); `per-caller` never shares (say, basic-auth MLflow behind
   * an app layer that refuses more than basic-auth does). There is no way to force sharing.
   */
  cacheSharing: 'auto' | 'per-caller';
  /** Principals (user names or `token:<id>`) whose credentials are read-only: no mutation runs for them. */
  readOnlyPrincipals: readonly string[];
  /** pino level of the JSON logs on stdout (LOG_LEVEL; `silent` by default under NODE_ENV=test). */
  logLevel: LogLevel;
  /**
   * Time budget of one GraphQL request (GRAPHQL_REQUEST_TIMEOUT_MS): upstream calls still to be made after it
   * fail fast with UPSTREAM_TIMEOUT, and a call in flight is cut off when it runs out.
   */
  requestTimeoutMs: number;
  /** Upstream circuit breaker: opens after `threshold` consecutive outage-like failures, probes after `cooldownMs`. */
  circuitBreaker: { threshold: number; cooldownMs: number };
  /** How long SIGTERM waits for in-flight requests before closing their connections (SHUTDOWN_TIMEOUT_MS). */
  shutdownTimeoutMs: number;
  /** OpenTelemetry traces: exported over OTLP/HTTP only when an endpoint is configured (nothing leaves otherwise). */
  tracing: { endpoint: string | undefined; serviceName: string };
  /** Distributed mode: subgraph URLs overriding the supergraph's routing_url (SUBGRAPH_URL_TRACKING, ...). */
  subgraphUrls: Partial<Record<'tracking' | 'registry' | 'permissions', string>>;
  /**
   * Browser origins allowed to call the gateway cross-origin, with credentials (CORS_ORIGINS, comma-separated):
   * exact origins, `scheme://host:*` (any port) or `*` (any origin; refused in production). Default: localhost
   * and 127.0.0.1 on any port in development, none in production. Same-origin pages need no entry.
   */
  corsOrigins: readonly string[];
}

/** Where and how the graph asks a custom permission service (MLFLOW_SUPERGRAPH_PERMISSION_SERVICE_*). */
export interface PermissionServiceConfig {
  /** The URL every check is POSTed to (http(s), no credentials, no query string). */
  url: string;
  /** Bearer token the graph sends to the service; never logged. */
  token: string | undefined;
  /** The service accepts `{"checks": [...]}` and answers `{"results": [...]}` (one call per page). */
  batch: boolean;
  /** At most this many checks per batch call. */
  batchMax: number;
  /** Per attempt; a timed-out check is denied (UPSTREAM_TIMEOUT). */
  timeoutMs: number;
}

/** pino's levels, plus `silent`. */
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/** Thrown at start-up for an invalid variable: names it and says what was expected. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

type Env = Record<string, string | undefined>;

function read(env: Env, name: string): string | undefined {
  const value = env[name];
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

function int(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = read(env, name);
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    throw new ConfigError(`${name} must be an integer from ${min} to ${max}, got "${raw}"`);
  }
  return Number(raw);
}

function bool(env: Env, name: string, fallback: boolean): boolean {
  const raw = read(env, name)?.toLowerCase();
  if (raw === undefined) return fallback;
  if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
  if (['0', 'false', 'no', 'off'].includes(raw)) return false;
  throw new ConfigError(`${name} must be true or false, got "${raw}"`);
}

function url(env: Env, name: string): string | undefined {
  const raw = read(env, name);
  if (raw === undefined) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new ConfigError(`${name} must be an http(s) URL such as http://127.0.0.1:5000, got "${redact(raw)}"`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new ConfigError(`${name} must be an http(s) URL such as http://127.0.0.1:5000, got "${redact(raw)}"`);
  }
  if (parsed.username || parsed.password) {
    throw new ConfigError(
      `${name} must not contain credentials; use MLFLOW_TRACKING_USERNAME/MLFLOW_TRACKING_PASSWORD`,
    );
  }
  return raw.replace(/\/+$/, '');
}

function redact(value: string): string {
  return value.replace(/\/\/[^@/]*@/, '//[REDACTED]@');
}

function cacheTtls(env: Env): Config['cacheTtls'] {
  const out: Config['cacheTtls'] = {};
  for (const name of ttlNames) {
    const { variable } = ttlSettings[name];
    if (read(env, variable) !== undefined) out[name] = int(env, variable, 1, 1, 30 * 24 * 3600);
  }
  return out;
}

/**
 * CACHE_TTL_* variables that set nothing (a typo, or a lifetime the policy no longer has, such as the retired
 * CACHE_TTL_PARAMS): ignored rather than refused, so a deployment that sets one still starts, but named in a
 * warning so nobody believes it has an effect.
 */
function unknownTtlVariables(env: Env): string[] {
  const known = new Set<string>(ttlNames.map((name) => ttlSettings[name].variable));
  return Object.keys(env)
    .filter((name) => name.startsWith('CACHE_TTL_') && !known.has(name) && read(env, name) !== undefined)
    .sort();
}

function corsOrigins(env: Env, production: boolean): string[] {
  const raw = read(env, 'CORS_ORIGINS');
  if (raw === undefined) return production ? [] : ['http://localhost:*', 'http://127.0.0.1:*'];
  const entries = raw
    .split(',')
    .map((entry) => entry.trim().replace(/\/+$/, ''))
    .filter(Boolean);
  for (const entry of entries) {
    if (entry === '*') {
      // Any origin with credentials lets every web page read what its visitor may read here.
      if (production)
        throw new ConfigError(
          "CORS_ORIGINS=* (any origin) is refused when NODE_ENV=production: list the frontends' origins",
        );
      continue;
    }
    const anyPort = entry.endsWith(':*');
    let parsed: URL | undefined;
    try {
      parsed = new URL(anyPort ? entry.slice(0, -2) : entry);
    } catch {
      parsed = undefined;
    }
    const bare = parsed && (anyPort ? `${parsed.protocol}//${parsed.hostname}` : parsed.origin);
    if (
      !parsed ||
      (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') ||
      bare !== (anyPort ? entry.slice(0, -2) : entry).toLowerCase()
    ) {
      throw new ConfigError(
        `CORS_ORIGINS entries must be origins such as https://app.example.com or http://localhost:* (no path), got "${entry}"`,
      );
    }
  }
  return entries.map((entry) => entry.toLowerCase());
}

function explorer(env: Env): Config['explorer'] {
  const raw = read(env, 'GRAPHQL_EXPLORER')?.toLowerCase() ?? 'sandbox';
  if (raw !== 'sandbox' && raw !== 'graphiql')
    throw new ConfigError(`GRAPHQL_EXPLORER must be sandbox or graphiql, got "${raw}"`);
  return raw;
}

function permissionServiceConfig(
  env: Env,
  permissions: string,
  rawUrl: string | undefined,
): PermissionServiceConfig | undefined {
  if (permissions !== 'http') {
    // A URL the graph would silently not use leaves the operator believing a service decides: refuse.
    if (rawUrl !== undefined)
      throw new ConfigError(
        `MLFLOW_SUPERGRAPH_PERMISSION_SERVICE_URL is set but MLFLOW_SUPERGRAPH_PERMISSIONS is ${permissions}, not http`,
      );
    return undefined;
  }
  if (rawUrl === undefined) {
    throw new ConfigError(
      'MLFLOW_SUPERGRAPH_PERMISSIONS=http needs MLFLOW_SUPERGRAPH_PERMISSION_SERVICE_URL (the http(s) URL each check is POSTed to)',
    );
  }
  let parsed: URL | undefined;
  try {
    parsed = new URL(rawUrl);
  } catch {
    parsed = undefined;
  }
  if (!parsed || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')) {
    throw new ConfigError(
      `MLFLOW_SUPERGRAPH_PERMISSION_SERVICE_URL must be an http(s) URL such as http://127.0.0.1:8181/check, got "${redact(rawUrl)}"`,
    );
  }
  if (parsed.username || parsed.password || parsed.search || parsed.hash) {
    throw new ConfigError(
      'MLFLOW_SUPERGRAPH_PERMISSION_SERVICE_URL must not contain credentials or a query string; put the credential in MLFLOW_SUPERGRAPH_PERMISSION_SERVICE_TOKEN',
    );
  }
  if (!bool(env, 'MLFLOW_SUPERGRAPH_TRUSTED_PROXY', false)) {
    // The service is told who the caller is; only a trusted proxy's identity headers say so verifiably.
    throw new ConfigError(
      'MLFLOW_SUPERGRAPH_PERMISSIONS=http needs MLFLOW_SUPERGRAPH_TRUSTED_PROXY=true (the service decides for the user the proxy names in x-forwarded-email / x-forwarded-user)',
    );
  }
  return {
    url: rawUrl,
    token: read(env, 'MLFLOW_SUPERGRAPH_PERMISSION_SERVICE_TOKEN'),
    batch: bool(env, 'MLFLOW_SUPERGRAPH_PERMISSION_SERVICE_BATCH', false),
    batchMax: int(env, 'MLFLOW_SUPERGRAPH_PERMISSION_SERVICE_BATCH_MAX', 100, 1, 1000),
    timeoutMs: int(env, 'MLFLOW_SUPERGRAPH_PERMISSION_SERVICE_TIMEOUT_MS', 5_000, 1, 600_000),
  };
}

/** Reads and validates the environment; throws {@link ConfigError} naming the first bad variable. */
export function loadConfig(env: Env = process.env): Config {
  const nodeEnvRaw = read(env, 'NODE_ENV') ?? 'development';
  if (!['development', 'production', 'test'].includes(nodeEnvRaw)) {
    throw new ConfigError(`NODE_ENV must be development, production or test, got "${nodeEnvRaw}"`);
  }
  const nodeEnv = nodeEnvRaw as Config['nodeEnv'];
  const production = nodeEnv === 'production';

  const databricksHost = url(env, 'DATABRICKS_HOST');
  const rawTrackingUri = read(env, 'MLFLOW_TRACKING_URI');
  // MLflow's clients accept MLFLOW_TRACKING_URI=databricks, meaning "the workspace in DATABRICKS_HOST".
  let trackingUri: string | undefined;
  if (rawTrackingUri === 'databricks') {
    if (!databricksHost)
      throw new ConfigError(
        'MLFLOW_TRACKING_URI=databricks needs DATABRICKS_HOST (https://<workspace>.cloud.databricks.com)',
      );
    trackingUri = databricksHost;
  } else {
    trackingUri = url(env, 'MLFLOW_TRACKING_URI') ?? databricksHost;
  }

  const backendRaw = read(env, 'MLFLOW_SUPERGRAPH_BACKEND');
  let backend: BackendKind;
  if (backendRaw !== undefined) {
    if (!['mlflow', 'databricks', 'gitlab'].includes(backendRaw)) {
      throw new ConfigError(`MLFLOW_SUPERGRAPH_BACKEND must be mlflow, databricks or gitlab, got "${backendRaw}"`);
    }
    backend = backendRaw as BackendKind;
  } else if (databricksHost || rawTrackingUri === 'databricks') {
    backend = 'databricks';
  } else if (trackingUri && /\/api\/v4\/projects\/[^/]+\/ml\/mlflow$/.test(trackingUri)) {
    backend = 'gitlab';
  } else {
    backend = 'mlflow';
  }

  const token = read(env, 'MLFLOW_TRACKING_TOKEN') ?? read(env, 'DATABRICKS_TOKEN');
  const username = read(env, 'MLFLOW_TRACKING_USERNAME');
  const password = read(env, 'MLFLOW_TRACKING_PASSWORD');
  if ((username === undefined) !== (password === undefined)) {
    throw new ConfigError('MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD must be set together');
  }
  const serviceAuthorization = token
    ? `Bearer ${token}`
    : username !== undefined && password !== undefined
      ? `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`
      : undefined;

  const authModeRaw = read(env, 'MLFLOW_SUPERGRAPH_AUTH_MODE') ?? 'passthrough';
  if (authModeRaw !== 'passthrough' && authModeRaw !== 'service') {
    throw new ConfigError(`MLFLOW_SUPERGRAPH_AUTH_MODE must be passthrough or service, got "${authModeRaw}"`);
  }
  if (authModeRaw === 'service' && !serviceAuthorization) {
    throw new ConfigError(
      'MLFLOW_SUPERGRAPH_AUTH_MODE=service needs MLFLOW_TRACKING_TOKEN, DATABRICKS_TOKEN or MLFLOW_TRACKING_USERNAME/PASSWORD',
    );
  }

  const redisUrl = read(env, 'REDIS_URL');
  if (redisUrl !== undefined && !/^rediss?(\+cluster)?:\/\//.test(redisUrl)) {
    throw new ConfigError(
      `REDIS_URL must start with redis://, rediss://, redis+cluster:// or rediss+cluster://, got "${redact(redisUrl)}"`,
    );
  }

  const permissionServiceUrl = read(env, 'MLFLOW_SUPERGRAPH_PERMISSION_SERVICE_URL');
  // `auto` with a permission service URL means that service: an operator who configured one expects it used.
  const permissions = read(env, 'MLFLOW_SUPERGRAPH_PERMISSIONS') ?? (permissionServiceUrl ? 'http' : 'auto');
  if (!['auto', 'mlflow-basic-auth', 'databricks', 'gitlab', 'http', 'none'].includes(permissions)) {
    throw new ConfigError(
      `MLFLOW_SUPERGRAPH_PERMISSIONS must be auto, mlflow-basic-auth, databricks, gitlab, http or none, got "${permissions}"`,
    );
  }
  const permissionService = permissionServiceConfig(env, permissions, permissionServiceUrl);
  const defaultPermission = read(env, 'MLFLOW_SUPERGRAPH_DEFAULT_PERMISSION') ?? 'READ';
  if (!['READ', 'EDIT', 'MANAGE', 'NO_PERMISSIONS'].includes(defaultPermission)) {
    throw new ConfigError(
      `MLFLOW_SUPERGRAPH_DEFAULT_PERMISSION must be READ, EDIT, MANAGE or NO_PERMISSIONS, got "${defaultPermission}"`,
    );
  }
  const subgraphSecret = read(env, 'MLFLOW_SUPERGRAPH_SUBGRAPH_SECRET');
  if (subgraphSecret !== undefined && subgraphSecret.length < 32) {
    throw new ConfigError(
      'MLFLOW_SUPERGRAPH_SUBGRAPH_SECRET must be at least 32 characters (use `openssl rand -hex 32`)',
    );
  }

  const serverSecret = read(env, 'MLFLOW_SUPERGRAPH_SECRET');
  if (serverSecret !== undefined && serverSecret.length < 32) {
    throw new ConfigError('MLFLOW_SUPERGRAPH_SECRET must be at least 32 characters (use `openssl rand -hex 32`)');
  }

  const cacheSharing = read(env, 'MLFLOW_SUPERGRAPH_CACHE_SHARING') ?? 'auto';
  if (cacheSharing !== 'auto' && cacheSharing !== 'per-caller') {
    throw new ConfigError(`MLFLOW_SUPERGRAPH_CACHE_SHARING must be auto or per-caller, got "${cacheSharing}"`);
  }

  const logLevel = read(env, 'LOG_LEVEL')?.toLowerCase() ?? (nodeEnv === 'test' ? 'silent' : 'info');
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel)) {
    throw new ConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got "${logLevel}"`);
  }
  // OpenTelemetry's own variables, so a collector sidecar configured for other services works unchanged.
  const otelDisabled = bool(env, 'OTEL_SDK_DISABLED', false) || read(env, 'OTEL_TRACES_EXPORTER') === 'none';
  const otlpEndpoint = otelDisabled
    ? undefined
    : (url(env, 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT') ?? url(env, 'OTEL_EXPORTER_OTLP_ENDPOINT'));
  const subgraphUrls: Config['subgraphUrls'] = {};
  for (const name of ['tracking', 'registry', 'permissions'] as const) {
    const value = url(env, `SUBGRAPH_URL_${name.toUpperCase()}`);
    if (value !== undefined) subgraphUrls[name] = value;
  }

  return {
    logLevel: logLevel as LogLevel,
    requestTimeoutMs: int(env, 'GRAPHQL_REQUEST_TIMEOUT_MS', 60_000, 1, 3_600_000),
    circuitBreaker: {
      threshold: int(env, 'UPSTREAM_CIRCUIT_THRESHOLD', 5, 0, 1_000),
      cooldownMs: int(env, 'UPSTREAM_CIRCUIT_COOLDOWN_MS', 5_000, 1, 600_000),
    },
    shutdownTimeoutMs: int(env, 'SHUTDOWN_TIMEOUT_MS', 25_000, 0, 600_000),
    tracing: { endpoint: otlpEndpoint, serviceName: read(env, 'OTEL_SERVICE_NAME') ?? 'mlflow-supergraph' },
    subgraphUrls,
    corsOrigins: corsOrigins(env, production),
    permissions: permissions as Config['permissions'],
    permissionService,
    defaultPermission: defaultPermission as Config['defaultPermission'],
    trustedProxy: bool(env, 'MLFLOW_SUPERGRAPH_TRUSTED_PROXY', false),
    subgraphSecret,
    serverSecret,
    cacheSharing,
    readOnlyPrincipals: (read(env, 'MLFLOW_SUPERGRAPH_READ_ONLY_PRINCIPALS') ?? '')
      .split(',')
      .map((p) => p.trim())
      .filter(Boolean),
    port: int(env, 'PORT', 4000, 0, 65535),
    host: read(env, 'HOST') ?? '127.0.0.1',
    nodeEnv,
    trackingUri,
    backend,
    authMode: authModeRaw,
    serviceAuthorization,
    redisUrl,
    cacheKeyPrefix: read(env, 'REDIS_KEY_PREFIX'),
    redisCommandTimeoutMs: int(env, 'REDIS_COMMAND_TIMEOUT_MS', 1_000, 1, 60_000),
    cacheTtls: cacheTtls(env),
    warnings: unknownTtlVariables(env).map(
      (name) =>
        `${name} is not a cache TTL setting (known: ${ttlNames.map((n) => ttlSettings[n].variable).join(', ')}): ignored`,
    ),
    introspection: bool(env, 'GRAPHQL_INTROSPECTION', !production),
    sandbox: bool(env, 'GRAPHQL_SANDBOX', !production),
    explorer: explorer(env),
    persistedQueries: {
      apq: bool(env, 'GRAPHQL_APQ', true),
      ttlSeconds: int(env, 'GRAPHQL_APQ_TTL_SECONDS', cachePolicy.persistedQuery.ttl.defaultSeconds, 1, 30 * 24 * 3600),
      persistedOnly: bool(env, 'GRAPHQL_PERSISTED_ONLY', false),
      manifests: (read(env, 'GRAPHQL_PERSISTED_MANIFESTS') ?? '')
        .split(',')
        .map((path) => path.trim())
        .filter(Boolean),
    },
    upstream: {
      connectTimeoutMs: int(env, 'UPSTREAM_CONNECT_TIMEOUT_MS', 2_000, 1, 600_000),
      responseTimeoutMs: int(env, 'UPSTREAM_TIMEOUT_MS', 30_000, 1, 600_000),
      concurrency: int(env, 'UPSTREAM_CONCURRENCY', 16, 1, 1024),
    },
    limits: {
      maxDepth: int(env, 'GRAPHQL_MAX_DEPTH', 12, 1, 100),
      maxAliases: int(env, 'GRAPHQL_MAX_ALIASES', 30, 1, 1000),
      // Metric points count (maxPoints defaults to 2500 a run) and a run counts 100 (it arrives with its params,
      // metrics and tags): the README's dashboard is 520 021. Memory is bounded by GRAPHQL_MAX_UPSTREAM_BYTES, not
      // by this estimate (bench/worstRequest.ts, production heap: 1 000 000 points fetched whole died).
      maxCost: int(env, 'GRAPHQL_MAX_COST', 1_000_000, 1, 100_000_000),
      // Estimated (made, cold): README dashboard 13 (6 on the demo data), bench dashboard 18 (18), bench registry
      // 74 (5), the authorization matrix's 50 models × 10 versions → run → experiment 107. The naive bench variant sets its own.
      maxUpstreamCalls: int(env, 'GRAPHQL_MAX_UPSTREAM_CALLS', 300, 1, 100_000),
      // The memory bound, whatever the data holds (long histories, 6000-character params): see bench/worstRequest.ts.
      maxUpstreamBytes: int(env, 'GRAPHQL_MAX_UPSTREAM_BYTES', 8 * 1024 * 1024, 1024, 1024 * 1024 * 1024),
      // Measured: the bench's dashboard answer is ~300 KB.
      maxResponseBytes: int(env, 'GRAPHQL_MAX_RESPONSE_BYTES', 16 * 1024 * 1024, 1024, 1024 * 1024 * 1024),
    },
    // Apollo's gateway reports usage to Apollo unless told not to. Off unless the operator opts in.
    apolloTelemetry: bool(env, 'MLFLOW_SUPERGRAPH_APOLLO_TELEMETRY', false),
    naiveResolvers: bool(env, 'MLFLOW_SUPERGRAPH_NAIVE_RESOLVERS', false),
  };
}

/**
 * Keeps @apollo/gateway from sending telemetry (and probing cloud metadata addresses) unless the operator
 * opted in. Must run before the gateway module is used.
 */
export function applyTelemetryDefault(config: Pick<Config, 'apolloTelemetry'>, env: Env = process.env): void {
  if (!config.apolloTelemetry) env.APOLLO_TELEMETRY_DISABLED = 'true';
}
