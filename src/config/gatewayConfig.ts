// What the gateway serves and to whom: introspection and the explorer, persisted queries, browser origins, and in
// distributed mode the subgraphs' addresses and the secret requests to them are signed with.

import { cachePolicy } from '../cache/cachePolicy.js';
import { ConfigError } from './ConfigError.js';
import { corsOrigins } from './corsOrigins.js';
import { bool, int, list, oneOf, read, url, type Env } from './env.js';

/** The gateway part of the config. */
export interface GatewayConfig {
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
  /**
   * Browser origins allowed to call the gateway cross-origin, with credentials (CORS_ORIGINS, comma-separated):
   * exact origins, `scheme://host:*` (any port) or `*` (any origin; refused in production). Default: localhost
   * and 127.0.0.1 on any port in development, none in production. Same-origin pages need no entry.
   */
  corsOrigins: readonly string[];
  /** Shared secret the gateway signs subgraph requests with (distributed mode). */
  subgraphSecret: string | undefined;
  /**
   * Shared secret of Hive Gateway's `hmacSignature` (MLFLOW_SUPERGRAPH_HIVE_HMAC_SECRET): subgraph servers then also
   * accept requests Hive Gateway signed (auth/hiveSignature.ts); unset, they accept only our gateway's.
   */
  hiveHmacSecret: string | undefined;
  /** Distributed mode: subgraph URLs overriding the supergraph's routing_url (SUBGRAPH_URL_TRACKING, ...). */
  subgraphUrls: Partial<Record<'tracking' | 'registry' | 'permissions', string>>;
  apolloTelemetry: boolean;
  /**
   * Keep whole answers per caller (GRAPHQL_RESPONSE_CACHE, default true): a repeated query is answered from the
   * shared cache without executing (in-process mode only; the rules: README, Security model).
   */
  responseCache: boolean;
}

/** Reads the gateway's settings; `production` turns the development conveniences off by default. */
export function gatewayConfig(env: Env, production: boolean): GatewayConfig {
  const subgraphSecret = read(env, 'MLFLOW_SUPERGRAPH_SUBGRAPH_SECRET');
  if (subgraphSecret !== undefined && subgraphSecret.length < 32) {
    throw new ConfigError(
      'MLFLOW_SUPERGRAPH_SUBGRAPH_SECRET must be at least 32 characters (use `openssl rand -hex 32`)',
    );
  }
  const hiveHmacSecret = read(env, 'MLFLOW_SUPERGRAPH_HIVE_HMAC_SECRET');
  if (hiveHmacSecret !== undefined && hiveHmacSecret.length < 32) {
    throw new ConfigError(
      'MLFLOW_SUPERGRAPH_HIVE_HMAC_SECRET must be at least 32 characters (use `openssl rand -hex 32`)',
    );
  }
  const subgraphUrls: GatewayConfig['subgraphUrls'] = {};
  for (const name of ['tracking', 'registry', 'permissions'] as const) {
    const value = url(env, `SUBGRAPH_URL_${name.toUpperCase()}`);
    if (value !== undefined) subgraphUrls[name] = value;
  }
  return {
    subgraphSecret,
    hiveHmacSecret,
    subgraphUrls,
    corsOrigins: corsOrigins(env, production),
    introspection: bool(env, 'GRAPHQL_INTROSPECTION', !production),
    sandbox: bool(env, 'GRAPHQL_SANDBOX', !production),
    explorer: oneOf('GRAPHQL_EXPLORER', read(env, 'GRAPHQL_EXPLORER')?.toLowerCase() ?? 'sandbox', [
      'sandbox',
      'graphiql',
    ]),
    persistedQueries: {
      apq: bool(env, 'GRAPHQL_APQ', true),
      ttlSeconds: int(env, 'GRAPHQL_APQ_TTL_SECONDS', cachePolicy.persistedQuery.ttl.defaultSeconds, 1, 30 * 24 * 3600),
      persistedOnly: bool(env, 'GRAPHQL_PERSISTED_ONLY', false),
      manifests: list(env, 'GRAPHQL_PERSISTED_MANIFESTS'),
    },
    // Apollo's gateway reports usage to Apollo unless told not to. Off unless the operator opts in.
    apolloTelemetry: bool(env, 'MLFLOW_SUPERGRAPH_APOLLO_TELEMETRY', false),
    responseCache: bool(env, 'GRAPHQL_RESPONSE_CACHE', true),
  };
}
