// The emulator's REST surface as a table of routes ("METHOD /path" → handler), matched the way
// Flask (Werkzeug) matches: an unknown path is a 404 page, a known path with another method a 405 page.
// Paths may hold parameters (`/logged-models/{model_id}/tags/{key}`, one segment each, as Werkzeug's
// default `<name>` converter); a literal path outranks a templated one, and the 405's allowed methods
// are those of every route the path matches, as Werkzeug collects them.
//
// Adding a family of routes: write `routes/<family>Routes.ts` exporting
// `registerXRoutes(router, settings)` (a `RegisterRoutes`) that adds its routes, under `MLFLOW_PREFIXES`
// (`/api/2.0/mlflow`) or `MLFLOW3_PREFIXES` (`/api/3.0/mlflow`) as MLflow serves them, and returns early
// when the family does not exist in the emulated version (`isMlflow3(settings)`); then add one line to
// `ROUTE_FAMILIES` in EmulatorServer.ts. Handlers read path parameters from `request.params`.
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
  /** The matched route's path parameters (`{model_id}` → `params.model_id`), decoded. */
  params?: Readonly<Record<string, string>>;
  identity?: Identity;
}

/** Server-wide settings handlers consult. */
export interface EmulatorSettings {
  readonly auth: boolean;
  readonly databricks: boolean;
  readonly gitlab: boolean;
  readonly defaultPermission: PermissionName;
  /** The MLflow version emulated (`2.12.2` by default); see mlflowVersion.ts for `isMlflow3`. */
  readonly mlflowVersion: string;
}

/** What a handler gets besides the request. */
export interface RouteContext {
  readonly store: EmulatorStore;
  readonly settings: EmulatorSettings;
}

/**
 * A handler answers JSON (HTTP 200) or a raw response; MLflow errors are thrown. It may answer later (a promise)
 * when the answer waits on outbound I/O, as `webhooks/{id}/test` waits for its delivery.
 */
export type Handler = (request: EmulatorRequest, context: RouteContext) => HandlerResult | Promise<HandlerResult>;

/** What a handler answers with. */
export type HandlerResult = Json | RawResponse;

/** One route: `operation` names it for permission tables (MLflow's proto request name). */
export interface Route {
  readonly operation: string;
  /** `/experiments/get`, or with parameters `/logged-models/{model_id}`. */
  readonly path: string;
  readonly methods: readonly string[];
  readonly handler: Handler;
  /** Served by MLflow 3's FastAPI app (OTLP `/v1/traces`, ...), whose auth middleware answers in text/plain. */
  readonly fastapi?: boolean;
}

/** Adds one family of routes to a router (routes/*Routes.ts export one each; EmulatorServer lists them). */
export type RegisterRoutes = (router: Router, settings: EmulatorSettings) => void;

/** Result of matching a path and method. */
export type RouteMatch =
  | { readonly kind: 'route'; readonly route: Route; readonly params: Readonly<Record<string, string>> }
  | { readonly kind: 'not-found' }
  | { readonly kind: 'method-not-allowed'; readonly allowed: readonly string[] };

interface Template {
  readonly segments: readonly (string | { readonly param: string })[];
  readonly route: Route;
}

const PARAM = /^\{([A-Za-z_][A-Za-z0-9_]*)\}$/;

function parseTemplate(path: string): Template['segments'] | null {
  const segments = path.split('/');
  if (!segments.some((segment) => PARAM.test(segment))) return null;
  return segments.map((segment) => {
    const param = PARAM.exec(segment)?.[1];
    return param === undefined ? segment : { param };
  });
}

function matchTemplate(template: Template, segments: readonly string[]): Record<string, string> | null {
  if (template.segments.length !== segments.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < segments.length; i += 1) {
    const expected = template.segments[i];
    const actual = segments[i] ?? '';
    if (expected === undefined) return null;
    if (typeof expected === 'string') {
      if (expected !== actual) return null;
    } else {
      if (actual === '') return null; // Werkzeug's converter needs at least one character
      params[expected.param] = actual;
    }
  }
  return params;
}

/** How literal a template is: more literal segments first, so `/x/{id}/tags` beats `/x/{id}/{other}`. */
function literalCount(template: Template): number {
  return template.segments.filter((segment) => typeof segment === 'string').length;
}

/** Route table: literal paths by O(1) lookup, templated ones by segment match. */
export class Router {
  private readonly byPath = new Map<string, Route[]>();
  private readonly templates: Template[] = [];

  /** Adds a route under each of the given path prefixes. */
  add(route: Route, prefixes: readonly string[] = ['']): this {
    for (const prefix of prefixes) {
      const path = prefix + route.path;
      const prefixed = { ...route, path };
      const segments = parseTemplate(path);
      if (segments) {
        this.templates.push({ segments, route: prefixed });
        this.templates.sort((a, b) => literalCount(b) - literalCount(a));
        continue;
      }
      const routes = this.byPath.get(path) ?? [];
      routes.push(prefixed);
      this.byPath.set(path, routes);
    }
    return this;
  }

  /** Adds every route of a list under the given prefixes. */
  addAll(routes: readonly Route[], prefixes: readonly string[] = ['']): this {
    for (const route of routes) this.add(route, prefixes);
    return this;
  }

  /** Finds the route for a path and method. */
  match(path: string, method: string): RouteMatch {
    const candidates: { route: Route; params: Record<string, string> }[] = (this.byPath.get(path) ?? []).map(
      (route) => ({ route, params: {} }),
    );
    if (this.templates.length > 0) {
      const segments = path.split('/');
      for (const template of this.templates) {
        const params = matchTemplate(template, segments);
        if (params) candidates.push({ route: template.route, params });
      }
    }
    if (candidates.length === 0) return { kind: 'not-found' };
    const lookup = method === 'HEAD' ? 'GET' : method;
    const found = candidates.find((candidate) => candidate.route.methods.includes(lookup));
    if (found) return { kind: 'route', route: found.route, params: found.params };
    const allowed = [...new Set(candidates.flatMap((candidate) => candidate.route.methods))];
    if (allowed.includes('GET')) allowed.push('HEAD');
    return { kind: 'method-not-allowed', allowed };
  }

  /** Every registered "METHOD /path" (for documentation and tests). */
  endpoints(): string[] {
    const routes = [...[...this.byPath.values()].flat(), ...this.templates.map((template) => template.route)];
    return routes.flatMap((route) => route.methods.map((method) => `${method} ${route.path}`));
  }
}

/** MLflow serves its REST API under both prefixes. */
export const MLFLOW_PREFIXES = ['/api/2.0/mlflow', '/ajax-api/2.0/mlflow'] as const;
/** MLflow 3's newer endpoints (traces v3, datasets, scorers, gateway, server-info) live under these. */
export const MLFLOW3_PREFIXES = ['/api/3.0/mlflow', '/ajax-api/3.0/mlflow'] as const;
