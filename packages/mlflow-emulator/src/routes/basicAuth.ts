// MLflow 2.12's basic-auth app (`mlflow server --app-name basic-auth`): authentication, the
// before-request permission validators, the after-request hooks, and the user / permission endpoints.
// In 3.x mode also MLflow 3's: users/list (admins only), the 12-character password rule on users/create, USE,
// workspace-scoped model grants, the `/ajax-api` twins of its endpoints.
import { PERMISSIONS, type AuthUser, type Permission, type PermissionName } from '../AuthStore.js';
import {
  MlflowError,
  RawResponse,
  TEXT_HTML,
  badJsonPage,
  basicAuthChallenge,
  basicAuthForbidden,
  unsupportedMediaTypePage,
} from '../MlflowError.js';
import { Messages } from '../messages.js';
import { createPageToken, parsePageToken } from '../pageToken.js';
import { mimetypeOf, parseDict, requestJson } from '../protoJson.js';
import { isMlflow3 } from '../mlflowVersion.js';
import type { EmulatorRequest, RegisterRoutes, Route, RouteContext } from '../router.js';
import type { ViewType } from '../TrackingStore.js';
import { experimentJson, registeredModelJson, type Json } from '../wireJson.js';

/** Paths MLflow leaves open (`is_unprotected_route`). */
export function isUnprotectedRoute(path: string): boolean {
  return path.startsWith('/static') || path.startsWith('/favicon.ico') || path.startsWith('/health');
}

/** Basic credentials from an Authorization header, as Werkzeug parses them. */
export function parseBasicAuthorization(
  header: string | undefined,
): { username: string; password: string } | undefined {
  if (!header) return undefined;
  const match = /^basic\s+(\S+)\s*$/i.exec(header);
  if (!match) return undefined;
  const decoded = Buffer.from(match[1] ?? '', 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/** `authenticate_request_basic_auth`: the user, or the 401 challenge. */
export function authenticateBasic(request: EmulatorRequest, { store }: RouteContext): AuthUser {
  const header = request.headers.authorization;
  const credentials = parseBasicAuthorization(Array.isArray(header) ? header[0] : header);
  if (!credentials) throw basicAuthChallenge();
  const user = store.auth.authenticate(credentials.username, credentials.password);
  if (!user) throw basicAuthChallenge();
  return user;
}

/** `request.json` as Flask reads it (415 for a non-JSON content type, 400 for a body that does not parse). */
function strictJson(request: EmulatorRequest): Record<string, unknown> {
  const mimetype = mimetypeOf(request.contentType);
  if (mimetype !== 'application/json' && !(mimetype?.endsWith('+json') ?? false)) throw unsupportedMediaTypePage();
  try {
    const parsed = JSON.parse(request.body.toString('utf8')) as unknown;
    return parsed !== null && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : {};
  } catch {
    throw badJsonPage();
  }
}

/** `_get_request_param`: query string for GET, JSON body otherwise, with MLflow's missing-value error. */
export function requestParam(request: EmulatorRequest, param: string): unknown {
  if (request.method === 'GET') {
    if (request.query.has(param)) return request.query.get(param);
  } else if (['POST', 'PATCH', 'DELETE'].includes(request.method)) {
    const json = strictJson(request);
    if (param in json) return json[param];
  } else {
    throw new MlflowError('BAD_REQUEST', `Unsupported HTTP method '${request.method}'`);
  }
  if (param === 'run_id') return requestParam(request, 'run_uuid');
  throw MlflowError.invalidParameter(
    `Missing value for required parameter '${param}'. See the API docs for more information about request parameters.`,
  );
}

function defaultPermission(context: RouteContext): Permission {
  return PERMISSIONS[context.settings.defaultPermission];
}

function experimentPermission(user: AuthUser, experimentId: string, context: RouteContext): Permission {
  const name = user.experimentPermissions.get(experimentId);
  return name ? PERMISSIONS[name] : defaultPermission(context);
}

function modelPermission(user: AuthUser, name: string, context: RouteContext): Permission {
  const permission = user.registeredModelPermissions.get(name);
  return permission ? PERMISSIONS[permission] : defaultPermission(context);
}

type Validator = (request: EmulatorRequest, user: AuthUser, context: RouteContext) => boolean;
type Ability = 'canRead' | 'canUpdate' | 'canDelete' | 'canManage';

const onExperiment =
  (ability: Ability): Validator =>
  (request, user, context) =>
    experimentPermission(user, String(requestParam(request, 'experiment_id')), context)[ability];

const onExperimentByName =
  (ability: Ability): Validator =>
  (request, user, context) => {
    const name = String(requestParam(request, 'experiment_name'));
    const experiment = context.store.tracking.getExperimentByName(name);
    if (!experiment) throw MlflowError.notFound(`Could not find experiment with name ${name}`);
    return experimentPermission(user, experiment.experimentId, context)[ability];
  };

const onRun =
  (ability: Ability): Validator =>
  (request, user, context) => {
    const run = context.store.tracking.getRun(String(requestParam(request, 'run_id')));
    return experimentPermission(user, run.experimentId, context)[ability];
  };

const onRuns =
  (ability: Ability): Validator =>
  (request, user, context) =>
    request.query.getAll('run_ids').every((runId) => {
      const run = context.store.tracking.runs.get(runId);
      return !run || experimentPermission(user, run.experimentId, context)[ability];
    });

/**
 * MLflow 3's logged models are guarded by their experiment's permission. An unknown model passes, so the handler
 * answers its 404 (recorded, seq 312).
 */
const onLoggedModel =
  (ability: Ability): Validator =>
  (request, user, context) => {
    const model = context.store.loggedModels.models.get(request.params?.['model_id'] ?? '');
    return !model || experimentPermission(user, model.experimentId, context)[ability];
  };

const onModel =
  (ability: Ability): Validator =>
  (request, user, context) =>
    modelPermission(user, String(requestParam(request, 'name')), context)[ability];

const isSelf: Validator = (request, user) => requestParam(request, 'username') === user.username;
const never: Validator = () => false;

/** BEFORE_REQUEST_VALIDATORS of MLflow 2.12, keyed by operation (admins skip them). */
const VALIDATORS: Readonly<Record<string, Validator>> = {
  GetExperiment: onExperiment('canRead'),
  GetExperimentByName: onExperimentByName('canRead'),
  DeleteExperiment: onExperiment('canDelete'),
  RestoreExperiment: onExperiment('canDelete'),
  UpdateExperiment: onExperiment('canUpdate'),
  SetExperimentTag: onExperiment('canUpdate'),
  CreateRun: onExperiment('canUpdate'),
  GetRun: onRun('canRead'),
  DeleteRun: onRun('canDelete'),
  RestoreRun: onRun('canDelete'),
  UpdateRun: onRun('canUpdate'),
  LogMetric: onRun('canUpdate'),
  LogBatch: onRun('canUpdate'),
  LogModel: onRun('canUpdate'),
  SetTag: onRun('canUpdate'),
  DeleteTag: onRun('canUpdate'),
  LogParam: onRun('canUpdate'),
  GetMetricHistory: onRun('canRead'),
  ListArtifacts: onRun('canRead'),
  // Not in 2.12's table (the endpoints were newer than its auth app); guarded like their siblings.
  LogInputs: onRun('canUpdate'),
  GetMetricHistoryBulkInterval: onRuns('canRead'),
  GetRegisteredModel: onModel('canRead'),
  DeleteRegisteredModel: onModel('canDelete'),
  UpdateRegisteredModel: onModel('canUpdate'),
  RenameRegisteredModel: onModel('canUpdate'),
  GetLatestVersions: onModel('canRead'),
  CreateModelVersion: onModel('canUpdate'),
  GetModelVersion: onModel('canRead'),
  DeleteModelVersion: onModel('canDelete'),
  UpdateModelVersion: onModel('canUpdate'),
  TransitionModelVersionStage: onModel('canUpdate'),
  GetModelVersionDownloadUri: onModel('canRead'),
  SetRegisteredModelTag: onModel('canUpdate'),
  DeleteRegisteredModelTag: onModel('canUpdate'),
  SetModelVersionTag: onModel('canUpdate'),
  DeleteModelVersionTag: onModel('canDelete'),
  SetRegisteredModelAlias: onModel('canUpdate'),
  DeleteRegisteredModelAlias: onModel('canDelete'),
  GetModelVersionByAlias: onModel('canRead'),
  CreateLoggedModel: onExperiment('canUpdate'),
  GetLoggedModel: onLoggedModel('canRead'),
  FinalizeLoggedModel: onLoggedModel('canUpdate'),
  DeleteLoggedModel: onLoggedModel('canDelete'),
  SetLoggedModelTags: onLoggedModel('canUpdate'),
  DeleteLoggedModelTag: onLoggedModel('canUpdate'),
  LogLoggedModelParams: onLoggedModel('canUpdate'),
  ListLoggedModelArtifacts: onLoggedModel('canRead'),
  CreateUser: never,
  ListUsers: never,
  GetUser: isSelf,
  UpdateUserPassword: isSelf,
  UpdateUserAdmin: never,
  DeleteUser: never,
  CreateExperimentPermission: onExperiment('canManage'),
  GetExperimentPermission: onExperiment('canManage'),
  UpdateExperimentPermission: onExperiment('canManage'),
  DeleteExperimentPermission: onExperiment('canManage'),
  CreateRegisteredModelPermission: onModel('canManage'),
  GetRegisteredModelPermission: onModel('canManage'),
  UpdateRegisteredModelPermission: onModel('canManage'),
  DeleteRegisteredModelPermission: onModel('canManage'),
};

/**
 * `_before_request`: authenticate (except open paths), let admins through, otherwise run the
 * operation's validator and answer 403 when it says no. Unknown paths still need credentials.
 */
export function basicAuthBefore(request: EmulatorRequest, route: Route | undefined, context: RouteContext): void {
  if (isUnprotectedRoute(request.path)) return;
  const user = authenticateBasic(request, context);
  request.identity = { kind: 'basic', user };
  if (user.isAdmin || !route) return;
  const validator = VALIDATORS[route.operation];
  if (validator && !validator(request, user, context)) throw basicAuthForbidden();
}

/** `filter_search_experiments`: drop unreadable experiments, then refill the page from later offsets. */
function filterSearchExperiments(request: EmulatorRequest, result: Json, user: AuthUser, context: RouteContext): Json {
  const json = requestJson(request, Messages.SearchExperiments);
  const { message } = parseDict(json, Messages.SearchExperiments);
  const maxResults = message.num('max_results');
  const readable = (experimentId: string): boolean => experimentPermission(user, experimentId, context).canRead;
  const experiments = ((result['experiments'] as Json[] | undefined) ?? []).filter((e) =>
    readable(String(e['experiment_id'])),
  );
  let token = (result['next_page_token'] as string | undefined) ?? '';
  while (experiments.length < maxResults && token !== '') {
    const page = context.store.tracking.searchExperiments({
      viewType: message.enumValue('view_type') as ViewType,
      maxResults,
      orderBy: message.list('order_by'),
      filter: message.str('filter'),
      pageToken: token,
    });
    const refetched = page.items.slice(0, maxResults - experiments.length);
    if (refetched.length === 0) {
      token = '';
      break;
    }
    experiments.push(...refetched.filter((e) => readable(e.experimentId)).map(experimentJson));
    token = createPageToken(parsePageToken(token) + refetched.length);
  }
  const out: Json = {};
  if (experiments.length > 0) out['experiments'] = experiments;
  if (token) out['next_page_token'] = token;
  return out;
}

/** `filter_search_registered_models`: the same for registered models. */
function filterSearchRegisteredModels(
  request: EmulatorRequest,
  result: Json,
  user: AuthUser,
  context: RouteContext,
): Json {
  const json = requestJson(request, Messages.SearchRegisteredModels);
  const { message } = parseDict(json, Messages.SearchRegisteredModels);
  const maxResults = message.num('max_results');
  const readable = (name: string): boolean => modelPermission(user, name, context).canRead;
  const models = ((result['registered_models'] as Json[] | undefined) ?? []).filter((m) => readable(String(m['name'])));
  let token = (result['next_page_token'] as string | undefined) ?? '';
  while (models.length < maxResults && token !== '') {
    const page = context.store.registry.searchRegisteredModels({
      filter: message.str('filter'),
      maxResults,
      orderBy: message.list('order_by'),
      pageToken: token,
    });
    const refetched = page.items.slice(0, maxResults - models.length);
    if (refetched.length === 0) {
      token = '';
      break;
    }
    models.push(...refetched.filter((m) => readable(m.name)).map((m) => registeredModelJson(m)));
    token = createPageToken(parsePageToken(token) + refetched.length);
  }
  const out: Json = {};
  if (models.length > 0) out['registered_models'] = models;
  if (token) out['next_page_token'] = token;
  return out;
}

/** MLflow 3's logged-model search: models of experiments the caller may not read are dropped from the page. */
function filterSearchLoggedModels(result: Json, user: AuthUser, context: RouteContext): Json {
  const models = ((result['models'] as Json[] | undefined) ?? []).filter((model) => {
    const info = model['info'] as Json | undefined;
    return experimentPermission(user, String(info?.['experiment_id']), context).canRead;
  });
  const out: Json = {};
  if (models.length > 0) out['models'] = models;
  if (result['next_page_token']) out['next_page_token'] = result['next_page_token'];
  return out;
}

/**
 * `_after_request` hooks on successful responses: creators get MANAGE, deleting a model drops the
 * deleter's record (a 404 if they had none, as in 2.12), searches are filtered for non-admins.
 */
export function basicAuthAfter(request: EmulatorRequest, route: Route, result: Json, context: RouteContext): Json {
  if (request.identity?.kind !== 'basic') return result;
  const user = request.identity.user;
  switch (route.operation) {
    case 'CreateExperiment':
      context.store.auth.createExperimentPermission(String(result['experiment_id']), user.username, 'MANAGE');
      return result;
    case 'CreateRegisteredModel': {
      const model = result['registered_model'] as Json | undefined;
      context.store.auth.createRegisteredModelPermission(String(model?.['name']), user.username, 'MANAGE');
      return result;
    }
    case 'DeleteRegisteredModel': {
      const body = JSON.parse(request.body.toString('utf8') || '{}') as Record<string, unknown>;
      context.store.auth.deleteRegisteredModelPermission(String(body['name']), user.username);
      return result;
    }
    case 'SearchExperiments':
      return user.isAdmin ? result : filterSearchExperiments(request, result, user, context);
    case 'SearchRegisteredModels':
      return user.isAdmin ? result : filterSearchRegisteredModels(request, result, user, context);
    case 'SearchLoggedModels':
      return user.isAdmin ? result : filterSearchLoggedModels(result, user, context);
    default:
      return result;
  }
}

function jsonResponse(body: Json): RawResponse {
  return new RawResponse(200, `${JSON.stringify(body)}\n`, 'application/json');
}

function permissionJson(
  user: AuthUser,
  key: 'experiment_id' | 'name',
  value: string,
  permission: PermissionName,
  workspace = false,
): Json {
  // MLflow 3 scopes registered-model grants to a workspace ("default" while workspaces are off).
  return { [key]: value, permission, user_id: user.id, ...(workspace ? { workspace: 'default' } : {}) };
}

/** MLflow 3's minimum password length on users/create (update-password does not check it, recorded seq 293). */
const MIN_PASSWORD_LENGTH = 12;

function parseForm(body: Buffer): URLSearchParams {
  return new URLSearchParams(body.toString('utf8'));
}

function alertPage(message: string, href: string): RawResponse {
  const body = `\n<script type = "text/javascript">\n\n\n      alert("${message}");\n\n\n      window.location.href = "${href}";\n</script>\n`;
  return new RawResponse(200, body, TEXT_HTML);
}

/** Truthiness of a JSON value the way Python would store it in a Boolean column. */
function pyTruthy(value: unknown): boolean {
  if (Array.isArray(value)) return value.length > 0;
  if (value !== null && typeof value === 'object') return Object.keys(value).length > 0;
  return Boolean(value);
}

/** The user and permission endpoints of the basic-auth app (paths are absolute). */
export const basicAuthRoutes: readonly Route[] = [
  {
    operation: 'CreateUser',
    path: '/api/2.0/mlflow/users/create',
    methods: ['POST'],
    handler: (request, { store, settings }) => {
      const contentType = request.contentType;
      if (contentType === 'application/x-www-form-urlencoded') {
        const form = parseForm(request.body);
        const username = form.get('username') ?? '';
        if (store.auth.users.has(username)) return alertPage(`Username has already been taken: ${username}`, '/signup');
        store.auth.createUser(username, form.get('password') ?? '');
        return alertPage(`Successfully signed up user: ${username}`, '/');
      }
      if (contentType === 'application/json') {
        const username = requestParam(request, 'username');
        const password = requestParam(request, 'password');
        if (isMlflow3(settings)) {
          if (!username || !password) return new RawResponse(400, 'Username and password cannot be empty.', TEXT_HTML);
          if (typeof password !== 'string' || password.length < MIN_PASSWORD_LENGTH) {
            throw MlflowError.invalidParameter(
              `Password must be a string longer than ${MIN_PASSWORD_LENGTH} characters.`,
            );
          }
        }
        const user = store.auth.createUser(String(username ?? ''), String(password ?? ''));
        return jsonResponse({ user: store.auth.userJson(user) });
      }
      return new RawResponse(
        400,
        'Invalid content type. Must be one of: application/x-www-form-urlencoded, application/json',
        TEXT_HTML,
      );
    },
  },
  {
    operation: 'GetUser',
    path: '/api/2.0/mlflow/users/get',
    methods: ['GET'],
    handler: (request, { store }) => {
      const user = store.auth.getUser(String(requestParam(request, 'username')));
      return jsonResponse({ user: store.auth.userJson(user) });
    },
  },
  {
    operation: 'UpdateUserPassword',
    path: '/api/2.0/mlflow/users/update-password',
    methods: ['PATCH'],
    handler: (request, { store }) => {
      const username = String(requestParam(request, 'username'));
      const password = String(requestParam(request, 'password'));
      store.auth.updateUser(username, { password });
      return jsonResponse({});
    },
  },
  {
    operation: 'UpdateUserAdmin',
    path: '/api/2.0/mlflow/users/update-admin',
    methods: ['PATCH'],
    handler: (request, { store }) => {
      const username = String(requestParam(request, 'username'));
      const isAdmin = requestParam(request, 'is_admin');
      store.auth.updateUser(username, { isAdmin: pyTruthy(isAdmin) });
      return jsonResponse({});
    },
  },
  {
    operation: 'DeleteUser',
    path: '/api/2.0/mlflow/users/delete',
    methods: ['DELETE'],
    handler: (request, { store }) => {
      store.auth.deleteUser(String(requestParam(request, 'username')));
      return jsonResponse({});
    },
  },
  {
    operation: 'CreateExperimentPermission',
    path: '/api/2.0/mlflow/experiments/permissions/create',
    methods: ['POST'],
    handler: (request, { store }) => {
      const experimentId = String(requestParam(request, 'experiment_id'));
      const username = String(requestParam(request, 'username'));
      const permission = requestParam(request, 'permission');
      const created = store.auth.createExperimentPermission(experimentId, username, permission);
      return jsonResponse({
        experiment_permission: permissionJson(created.user, 'experiment_id', experimentId, created.permission),
      });
    },
  },
  {
    operation: 'GetExperimentPermission',
    path: '/api/2.0/mlflow/experiments/permissions/get',
    methods: ['GET'],
    handler: (request, { store }) => {
      const experimentId = String(requestParam(request, 'experiment_id'));
      const username = String(requestParam(request, 'username'));
      const found = store.auth.getExperimentPermission(experimentId, username);
      return jsonResponse({
        experiment_permission: permissionJson(found.user, 'experiment_id', experimentId, found.permission),
      });
    },
  },
  {
    operation: 'UpdateExperimentPermission',
    path: '/api/2.0/mlflow/experiments/permissions/update',
    methods: ['PATCH'],
    handler: (request, { store }) => {
      const experimentId = String(requestParam(request, 'experiment_id'));
      const username = String(requestParam(request, 'username'));
      store.auth.updateExperimentPermission(experimentId, username, requestParam(request, 'permission'));
      return jsonResponse({});
    },
  },
  {
    operation: 'DeleteExperimentPermission',
    path: '/api/2.0/mlflow/experiments/permissions/delete',
    methods: ['DELETE'],
    handler: (request, { store }) => {
      store.auth.deleteExperimentPermission(
        String(requestParam(request, 'experiment_id')),
        String(requestParam(request, 'username')),
      );
      return jsonResponse({});
    },
  },
  {
    operation: 'CreateRegisteredModelPermission',
    path: '/api/2.0/mlflow/registered-models/permissions/create',
    methods: ['POST'],
    handler: (request, { store }) => {
      const name = String(requestParam(request, 'name'));
      const username = String(requestParam(request, 'username'));
      const created = store.auth.createRegisteredModelPermission(name, username, requestParam(request, 'permission'));
      return jsonResponse({
        registered_model_permission: permissionJson(
          created.user,
          'name',
          name,
          created.permission,
          store.auth.workspaceScoped,
        ),
      });
    },
  },
  {
    operation: 'GetRegisteredModelPermission',
    path: '/api/2.0/mlflow/registered-models/permissions/get',
    methods: ['GET'],
    handler: (request, { store }) => {
      const name = String(requestParam(request, 'name'));
      const username = String(requestParam(request, 'username'));
      const found = store.auth.getRegisteredModelPermission(name, username);
      return jsonResponse({
        registered_model_permission: permissionJson(
          found.user,
          'name',
          name,
          found.permission,
          store.auth.workspaceScoped,
        ),
      });
    },
  },
  {
    operation: 'UpdateRegisteredModelPermission',
    path: '/api/2.0/mlflow/registered-models/permissions/update',
    methods: ['PATCH'],
    handler: (request, { store }) => {
      const name = String(requestParam(request, 'name'));
      const username = String(requestParam(request, 'username'));
      store.auth.updateRegisteredModelPermission(name, username, requestParam(request, 'permission'));
      return jsonResponse({});
    },
  },
  {
    operation: 'DeleteRegisteredModelPermission',
    path: '/api/2.0/mlflow/registered-models/permissions/delete',
    methods: ['DELETE'],
    handler: (request, { store }) => {
      store.auth.deleteRegisteredModelPermission(
        String(requestParam(request, 'name')),
        String(requestParam(request, 'username')),
      );
      return jsonResponse({});
    },
  },
];

/** MLflow 3's users/list: every user's id and name (admins only). */
const listUsersRoute: Route = {
  operation: 'ListUsers',
  path: '/api/2.0/mlflow/users/list',
  methods: ['GET'],
  handler: (_request, { store }) => jsonResponse({ users: store.auth.listUsers() }),
};

/**
 * Adds the basic-auth app's endpoints (auth mode only). MLflow 3 serves them under `/ajax-api/2.0/mlflow` too
 * (recorded for users/list, seq 289) and adds users/list.
 */
export const registerBasicAuthRoutes: RegisterRoutes = (router, settings) => {
  if (!settings.auth || settings.databricks) return;
  if (!isMlflow3(settings)) {
    router.addAll(basicAuthRoutes);
    return;
  }
  for (const route of [...basicAuthRoutes, listUsersRoute]) {
    router.add(route);
    router.add({ ...route, path: route.path.replace(/^\/api\//, '/ajax-api/') });
  }
};
