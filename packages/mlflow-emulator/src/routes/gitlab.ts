// The GitLab mode's front: GitLab's MLflow-compatible API under
// `/api/v4/projects/:id/ml/mlflow/api/2.0/mlflow/...` and the few /api/v4 endpoints that tell a
// client who it is (token, user, project role, version). Requests go through what GitLab's Grape
// stack does, in its order: body parsing (400/415), the catch-all for unknown routes (404, before
// any authentication), APIGuard (401 without a valid token, 403 `insufficient_scope` for a
// `read_api` token on anything but GET/HEAD), the project (404 Project Not Found when the caller may
// not see it), the MLflow API's role checks (read: Guest+ → else 404; write: Developer+ → else 401),
// the wrong-method 405, parameter validation (400), and only then the handler.
import type { EmulatorStore } from '../EmulatorStore.js';
import { gitlabErrors } from '../gitlabErrors.js';
import { GitlabMl } from '../GitlabMl.js';
import { projectJson, tokenJson, userJson, versionJson } from '../gitlabJson.js';
import type { GitlabProjectRecord, GitlabTokenRecord, GitlabUserRecord } from '../GitlabStore.js';
import { bodyParams, queryParams, validateParams } from '../grapeParams.js';
import { RawResponse } from '../MlflowError.js';
import type { EmulatorRequest, RouteContext } from '../router.js';
import type { Json } from '../wireJson.js';
import { gitlabMlflowRoutes, type GitlabMlflowRoute } from './gitlabMlflow.js';

/** GitLab's REST API root. */
export const GITLAB_API_ROOT = '/api/v4';
/** What the MLflow client appends to the tracking URI. */
export const MLFLOW_API_PATH = '/api/2.0/mlflow/';

const MLFLOW_PATH = /^\/api\/v4\/projects\/(.+?)\/ml\/mlflow(\/api\/2\.0\/mlflow\/.*)$/;
const PROJECT_PATH = /^\/api\/v4\/projects\/(.+)$/;
const MEMBER_PATH = /^\/api\/v4\/projects\/([^/]+)\/members\/all\/(\d+)$/;

/** Access levels the MLflow API's policies need (ProjectPolicy: guest reads, developer writes). */
const GUEST = 10;
const DEVELOPER = 30;

/** The tracking URI of the project, relative to GitLab's base URL. */
export function gitlabTrackingPath(projectId: number | string): string {
  return `${GITLAB_API_ROOT}/projects/${projectId}/ml/mlflow`;
}

/**
 * The call-counter key of a request: MLflow calls without the `/api/v4/projects/:id/ml/mlflow`
 * prefix (`POST /api/2.0/mlflow/runs/search`, the same name as in the other modes), everything else
 * by its path (`GET /api/v4/personal_access_tokens/self`).
 */
export function gitlabEndpointKey(method: string, path: string): string {
  const match = MLFLOW_PATH.exec(path);
  return match ? `${method} ${match[2] ?? ''}` : `${method} ${path}`;
}

function json(body: unknown): RawResponse {
  return new RawResponse(200, JSON.stringify(body), 'application/json');
}

function header(request: EmulatorRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** The token as GitLab's AuthFinders look for it: PRIVATE-TOKEN, a Bearer header, or the query string. */
function tokenSecret(request: EmulatorRequest): string | undefined {
  const privateToken = header(request, 'private-token');
  if (privateToken) return privateToken.trim();
  const authorization = header(request, 'authorization');
  const bearer = authorization ? /^Bearer\s+(\S+)\s*$/i.exec(authorization) : null;
  if (bearer?.[1]) return bearer[1];
  return request.query.get('private_token') ?? request.query.get('access_token') ?? undefined;
}

const isRead = (method: string): boolean => method === 'GET' || method === 'HEAD';

interface Caller {
  readonly user: GitlabUserRecord;
  readonly token: GitlabTokenRecord;
}

/** APIGuard: a valid token whose scopes include one the route allows (`read_api` only for GET/HEAD). */
function authenticate(request: EmulatorRequest, store: EmulatorStore, allowedScopes: readonly string[]): Caller {
  const secret = tokenSecret(request);
  const token = secret ? store.gitlab.tokenFor(secret) : undefined;
  const user = token ? store.gitlab.users.get(token.userId) : undefined;
  if (!token || !user) throw gitlabErrors.unauthorized();
  if (!token.scopes.some((scope) => allowedScopes.includes(scope))) throw gitlabErrors.insufficientScope(allowedScopes);
  return { user, token };
}

function scopesFor(method: string, extra: readonly string[] = []): string[] {
  return isRead(method) ? ['api', 'read_api', ...extra] : ['api'];
}

function findProject(store: EmulatorStore, ref: string): GitlabProjectRecord | undefined {
  const project = store.gitlab.project;
  if (/^\d+$/.test(ref)) return Number(ref) === project.id ? project : undefined;
  return ref.toLowerCase() === store.gitlab.pathWithNamespace.toLowerCase() ? project : undefined;
}

/** `read_project`: public to all, internal to any signed-in user, private to members (Guest+). */
function canReadProject(
  store: EmulatorStore,
  project: GitlabProjectRecord,
  user: GitlabUserRecord | undefined,
): boolean {
  if (project.visibility === 'public') return true;
  if (!user) return false;
  return project.visibility === 'internal' || store.gitlab.accessLevel(user.id) >= GUEST;
}

/** `read_model_experiments` / `read_model_registry`: everyone on a public project, members (Guest+) otherwise. */
function canReadModels(store: EmulatorStore, project: GitlabProjectRecord, user: GitlabUserRecord): boolean {
  return project.visibility === 'public' || store.gitlab.accessLevel(user.id) >= GUEST;
}

/** `write_model_experiments` / `write_model_registry`: Developer+. */
function canWriteModels(store: EmulatorStore, user: GitlabUserRecord): boolean {
  return store.gitlab.accessLevel(user.id) >= DEVELOPER;
}

function baseUrl(request: EmulatorRequest): string {
  return `http://${header(request, 'host') ?? '127.0.0.1'}`;
}

const TRACKING_RESOURCES = new Set(['experiments', 'runs', 'metrics']);

/** Experiments, runs and metrics treat every non-GET as a write; the registry marks its writes per route. */
function isWriteRoute(route: GitlabMlflowRoute, method: string): boolean {
  return TRACKING_RESOURCES.has(route.resource) ? !isRead(method) : route.registryWrite === true;
}

const ROUTES_BY_PATH = new Map<string, GitlabMlflowRoute[]>();
for (const route of gitlabMlflowRoutes) {
  const key = `${MLFLOW_API_PATH}${route.resource}/${route.path}`;
  ROUTES_BY_PATH.set(key, [...(ROUTES_BY_PATH.get(key) ?? []), route]);
}

/** Every "METHOD /api/2.0/mlflow/..." GitLab serves (for documentation and tests). */
export function gitlabMlflowEndpoints(): string[] {
  return gitlabMlflowRoutes.map((route) => `${route.method} ${MLFLOW_API_PATH}${route.resource}/${route.path}`);
}

function allowedMethods(routes: readonly GitlabMlflowRoute[]): string[] {
  const methods = routes.map((route) => route.method as string);
  if (methods.includes('GET')) methods.push('HEAD');
  return methods;
}

function mlflowCall(
  request: EmulatorRequest,
  store: EmulatorStore,
  projectRef: string,
  apiPath: string,
  raw: Record<string, unknown>,
): RawResponse {
  const routes = ROUTES_BY_PATH.get(apiPath);
  if (!routes) throw gitlabErrors.routeNotFound();
  const method = request.method;
  const { user } = authenticate(request, store, scopesFor(method));
  const project = findProject(store, projectRef);
  if (!project || !canReadProject(store, project, user)) throw gitlabErrors.projectNotFound();
  if (!canReadModels(store, project, user)) throw gitlabErrors.notFound();
  const lookup = method === 'HEAD' ? 'GET' : method;
  const route = routes.find((candidate) => candidate.method === lookup);
  // A wrong method still runs the endpoint's before filters (Grape raises 405 after them).
  const guardRoute = route ?? (routes[0] as GitlabMlflowRoute);
  if (isWriteRoute(guardRoute, method) && !canWriteModels(store, user)) throw gitlabErrors.unauthorized();
  if (!route) throw gitlabErrors.methodNotAllowed(allowedMethods(routes));
  const params = validateParams(route.params, raw);
  const ml = new GitlabMl(store);
  const result: Json = route.handler({ params, ml, user, json: { baseUrl: baseUrl(request), project, ml } });
  return json(result);
}

function identityCall(request: EmulatorRequest, store: EmulatorStore, path: string): RawResponse | undefined {
  const method = request.method;
  const readOnly = (handler: (caller: Caller) => unknown, extraScopes: readonly string[] = []): RawResponse => {
    const caller = authenticate(request, store, scopesFor(method, extraScopes));
    if (!isRead(method)) throw gitlabErrors.methodNotAllowed(['GET', 'HEAD']);
    return json(handler(caller));
  };
  switch (path) {
    case `${GITLAB_API_ROOT}/user`:
      return readOnly(({ user }) => userJson(baseUrl(request), user), ['read_user']);
    case `${GITLAB_API_ROOT}/personal_access_tokens/self`:
      return readOnly(({ token }) => tokenJson(token), ['read_user']);
    case `${GITLAB_API_ROOT}/version`:
      return readOnly(() => versionJson(), ['read_user']);
    default:
      return undefined;
  }
}

/** `GET /api/v4/projects/:id`: anonymous callers see only public projects (and no `permissions`). */
function projectCall(request: EmulatorRequest, store: EmulatorStore, ref: string): RawResponse {
  const anonymous = tokenSecret(request) === undefined;
  const caller = anonymous ? undefined : authenticate(request, store, scopesFor(request.method));
  const project = findProject(store, ref);
  if (!project || !canReadProject(store, project, caller?.user)) throw gitlabErrors.projectNotFound();
  if (!isRead(request.method)) throw gitlabErrors.methodNotAllowed(['GET', 'HEAD']);
  const level = caller ? (store.gitlab.members.get(caller.user.id) ?? null) : undefined;
  return json(projectJson(baseUrl(request), project, level));
}

/**
 * `GET /api/v4/users?username=<name>` (or `?search=<e-mail>`, which GitLab matches on e-mail for admins only):
 * a list, empty when nobody matches. What a service behind a trusted proxy uses to find the proxied user.
 */
function usersCall(request: EmulatorRequest, store: EmulatorStore): RawResponse {
  const caller = authenticate(request, store, scopesFor(request.method, ['read_user']));
  if (!isRead(request.method)) throw gitlabErrors.methodNotAllowed(['GET', 'HEAD']);
  const username = request.query.get('username');
  const search = request.query.get('search');
  const admin = store.gitlab.accessLevel(caller.user.id) >= 50;
  const found = [...store.gitlab.users.values()].filter((user) =>
    username
      ? user.username.toLowerCase() === username.toLowerCase()
      : search
        ? (admin && user.email === search) || user.username === search
        : true,
  );
  return json(found.map((user) => ({ id: user.id, username: user.username, name: user.name, state: 'active' })));
}

/** `GET /api/v4/projects/:id/members/all/:user_id`: a member's effective access level, 404 for a non-member. */
function memberCall(request: EmulatorRequest, store: EmulatorStore, ref: string, userId: number): RawResponse {
  const caller = authenticate(request, store, scopesFor(request.method));
  const project = findProject(store, ref);
  if (!project || !canReadProject(store, project, caller.user)) throw gitlabErrors.projectNotFound();
  if (!isRead(request.method)) throw gitlabErrors.methodNotAllowed(['GET', 'HEAD']);
  const user = store.gitlab.users.get(userId);
  const level = user ? store.gitlab.members.get(user.id) : undefined;
  if (!user || level === undefined)
    throw new RawResponse(404, JSON.stringify({ message: '404 Not found' }), 'application/json');
  return json({ id: user.id, username: user.username, name: user.name, state: 'active', access_level: level });
}

/** Answers one request in gitlab mode (every refusal is a RawResponse, thrown or returned). */
export function gitlabDispatch(request: EmulatorRequest, { store }: RouteContext): RawResponse {
  try {
    const raw = { ...queryParams(request.query), ...bodyParams(request.body, request.contentType) };
    const path = request.path.length > 1 ? request.path.replace(/\/+$/, '') : request.path;
    const mlflow = MLFLOW_PATH.exec(path);
    if (mlflow) return mlflowCall(request, store, mlflow[1] ?? '', mlflow[2] ?? '', raw);
    const identity = identityCall(request, store, path);
    if (identity) return identity;
    if (path === `${GITLAB_API_ROOT}/users`) return usersCall(request, store);
    const member = MEMBER_PATH.exec(path);
    if (member?.[1] && member[2]) return memberCall(request, store, member[1], Number(member[2]));
    const project = PROJECT_PATH.exec(path);
    // `/projects/<id>/<anything else>` is another GitLab API this emulator does not have.
    if (project?.[1] && (!project[1].includes('/') || findProject(store, project[1])))
      return projectCall(request, store, project[1]);
    throw gitlabErrors.routeNotFound();
  } catch (error) {
    if (error instanceof RawResponse) return error;
    throw error;
  }
}
