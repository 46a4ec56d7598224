// The emulator's REST surface as a table of routes ("METHOD /path" → handler), matched the way
// Flask matches: an unknown path is a 404 page, a known path with another method a 405 page.
import type { IncomingHttpHeaders } from 'node:http';
import type { AuthUser, PermissionName } from './AuthStore.js';
import type { DatabricksPrincipal } from './DatabricksStore.js';
import type { EmulatorStore } from './EmulatorStore.js';
import type { RawResponse } from './MlflowError.js';
import type { RawRequest } from './protoJson.js';
import type { Json } from './wireJson.js';

/** Who the request was authenticated as (none when the emulator runs without auth). */
export type Identity =
  | { readonly kind: 'basic'; readonly user: AuthUser }
  | { readonly kind: 'databricks'; readonly principal: DatabricksPrincipal };

/** A request as handlers see it. */
export interface EmulatorRequest extends RawRequest {
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  identity?: Identity;
}

/** Server-wide settings handlers consult. */
export interface EmulatorSettings {
  readonly auth: boolean;
  readonly databricks: boolean;
  readonly gitlab: boolean;
  readonly defaultPermission: PermissionName;
}

/** What a handler gets besides the request. */
export interface RouteContext {
  readonly store: EmulatorStore;
  readonly settings: EmulatorSettings;
}

/** A handler answers JSON (HTTP 200) or a raw response; MLflow errors are thrown. */
export type Handler = (request: EmulatorRequest, context: RouteContext) => Json | RawResponse;

/** One route: `operation` names it for permission tables (MLflow's proto request name). */
export interface Route {
  readonly operation: string;
  readonly path: string;
  readonly methods: readonly string[];
  readonly handler: Handler;
}

/** Result of matching a path and method. */
export type RouteMatch =
  | { readonly kind: 'route'; readonly route: Route }
  | { readonly kind: 'not-found' }
  | { readonly kind: 'method-not-allowed'; readonly allowed: readonly string[] };

/** Route table with O(1) lookup by path. */
export class Router {
  private readonly byPath = new Map<string, Route[]>();

  /** Adds a route under each of the given path prefixes. */
  add(route: Route, prefixes: readonly string[] = ['']): this {
    for (const prefix of prefixes) {
      const path = prefix + route.path;
      const routes = this.byPath.get(path) ?? [];
      routes.push({ ...route, path });
      this.byPath.set(path, routes);
    }
    return this;
  }

  /** Finds the route for a path and method. */
  match(path: string, method: string): RouteMatch {
    const routes = this.byPath.get(path);
    if (!routes) return { kind: 'not-found' };
    const lookup = method === 'HEAD' ? 'GET' : method;
    const route = routes.find((candidate) => candidate.methods.includes(lookup));
    if (route) return { kind: 'route', route };
    const allowed = [...new Set(routes.flatMap((candidate) => candidate.methods))];
    if (allowed.includes('GET')) allowed.push('HEAD');
    return { kind: 'method-not-allowed', allowed };
  }

  /** Every registered "METHOD /path" (for documentation and tests). */
  endpoints(): string[] {
    return [...this.byPath].flatMap(([path, routes]) =>
      routes.flatMap((route) => route.methods.map((method) => `${method} ${path}`)),
    );
  }
}

/** MLflow serves its REST API under both prefixes. */
export const MLFLOW_PREFIXES = ['/api/2.0/mlflow', '/ajax-api/2.0/mlflow'] as const;
