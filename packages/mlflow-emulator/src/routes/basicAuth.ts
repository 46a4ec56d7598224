// MLflow 2.12's basic-auth app (`mlflow server --app-name basic-auth`): authentication, the
// before-request permission validators, the after-request hooks, and the user / permission endpoints.
// In 3.x mode also MLflow 3's: users/list (admins only), the 12-character password rule on users/create, USE,
// workspace-scoped model grants, the `/ajax-api` twins of its endpoints.
import {
  PERMISSIONS,
  scorerResourceId,
  type AuthUser,
  type Permission,
  type PermissionName,
  type ResourceKind,
} from '../AuthStore.js';
import {
  MlflowError,
  RawResponse,
  TEXT_HTML,
  TEXT_PLAIN,
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

/** `authenticate_request_basic_auth`: the user, or the 401 challenge (in the content type of the serving app). */
export function authenticateBasic(
  request: EmulatorRequest,
  { store }: RouteContext,
  challengeContentType: string = TEXT_HTML,
): AuthUser {
  const header = request.headers.authorization;
  const credentials = parseBasicAuthorization(Array.isArray(header) ? header[0] : header);
  if (!credentials) throw basicAuthChallenge(challengeContentType);
  const user = store.auth.authenticate(credentials.username, credentials.password);
  if (!user) throw basicAuthChallenge(challengeContentType);
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

/** MLflow 3: a user's permission on a scorer or gateway resource (their own grant, else the default). */
function resourcePermission(user: AuthUser, kind: ResourceKind, resourceId: string, context: RouteContext): Permission {
  const name = context.store.auth.resourcePermission(user, kind, resourceId);
  return name ? PERMISSIONS[name] : defaultPermission(context);
}

const onScorer =
  (ability: Ability, nameParam: 'name' | 'scorer_name'): Validator =>
  (request, user, context) => {
    const experimentId = String(requestParam(request, 'experiment_id'));
    const name = String(requestParam(request, nameParam));
    return resourcePermission(user, 'scorer', scorerResourceId(experimentId, name), context)[ability];
  };

const GATEWAY_ID_PARAM: Readonly<Record<Exclude<ResourceKind, 'scorer'>, string>> = {
  gateway_secret: 'secret_id',
  gateway_endpoint: 'endpoint_id',
  gateway_model_definition: 'model_definition_id',
};

const onGateway =
  (kind: Exclude<ResourceKind, 'scorer'>, ability: Ability | 'canUse'): Validator =>
  (request, user, context) =>
    resourcePermission(user, kind, String(requestParam(request, GATEWAY_ID_PARAM[kind])), context)[ability];

/** The request's JSON body for the validators that read it whole (`request.json or {}`). */
function bodyJson(request: EmulatorRequest): Record<string, unknown> {
  const parsed = request.body.length === 0 ? {} : (JSON.parse(request.body.toString('utf8')) as unknown);
  return parsed !== null && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : {};
}

/** `validate_can_create_gateway_model_definition`: USE on the secret it names (none named: the handler decides). */
const canUseSecretOfBody: Validator = (request, user, context) => {
  const secretId = bodyJson(request)['secret_id'];
  if (typeof secretId !== 'string' || secretId === '') return true;
  return resourcePermission(user, 'gateway_secret', secretId, context).canUse;
};

/** `_validate_can_use_model_definitions`: USE on every model definition the endpoint's configs name. */
const canUseModelDefinitionsOfBody: Validator = (request, user, context) => {
  const configs = bodyJson(request)['model_configs'];
  if (!Array.isArray(configs)) return true;
  return configs.every((config: unknown) => {
    const id = (config as Record<string, unknown> | null)?.['model_definition_id'];
    return (
      typeof id !== 'string' || id === '' || resourcePermission(user, 'gateway_model_definition', id, context).canUse
    );
  });
};

const both =
  (...validators: Validator[]): Validator =>
  (request, user, context) =>
    validators.every((validator) => validator(request, user, context));

/** `validate_can_search_datasets`: READ on every experiment asked about. */
const canReadExperimentsOfBody: Validator = (request, user, context) => {
  const ids = bodyJson(request)['experiment_ids'];
  if (!Array.isArray(ids) || ids.length === 0) {
    throw MlflowError.invalidParameter('SearchDatasets request must specify at least one experiment_id.');
  }
  return ids.every((id: unknown) => experimentPermission(user, String(id), context).canRead);
};

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
  // MLflow 3: webhooks are admin-only (corpus seq 376, 380); admins never reach a validator.
  CreateWebhook: never,
  ListWebhooks: never,
  GetWebhook: never,
  UpdateWebhook: never,
  DeleteWebhook: never,
  TestWebhook: never,
  // MLflow 3: scorers (experiment-level to register and list, per scorer otherwise).
  RegisterScorer: onExperiment('canUpdate'),
  ListScorers: onExperiment('canRead'),
  GetScorer: onScorer('canRead', 'name'),
  ListScorerVersions: onScorer('canRead', 'name'),
  DeleteScorer: onScorer('canDelete', 'name'),
  CreateScorerPermission: onScorer('canManage', 'scorer_name'),
  GetScorerPermission: onScorer('canManage', 'scorer_name'),
  UpdateScorerPermission: onScorer('canManage', 'scorer_name'),
  DeleteScorerPermission: onScorer('canManage', 'scorer_name'),
  // MLflow 3: the AI gateway. Creating a model definition needs USE on its secret, an endpoint USE on its models.
  GetGatewaySecretInfo: onGateway('gateway_secret', 'canRead'),
  UpdateGatewaySecret: onGateway('gateway_secret', 'canUpdate'),
  DeleteGatewaySecret: onGateway('gateway_secret', 'canDelete'),
  CreateGatewayModelDefinition: canUseSecretOfBody,
  GetGatewayModelDefinition: onGateway('gateway_model_definition', 'canRead'),
  UpdateGatewayModelDefinition: both(onGateway('gateway_model_definition', 'canUpdate'), canUseSecretOfBody),
  DeleteGatewayModelDefinition: onGateway('gateway_model_definition', 'canDelete'),
  CreateGatewayEndpoint: canUseModelDefinitionsOfBody,
  GetGatewayEndpoint: onGateway('gateway_endpoint', 'canRead'),
  DeleteGatewayEndpoint: onGateway('gateway_endpoint', 'canDelete'),
  SetGatewayEndpointTag: onGateway('gateway_endpoint', 'canUpdate'),
  DeleteGatewayEndpointTag: onGateway('gateway_endpoint', 'canUpdate'),
  CreateGatewaySecretPermission: onGateway('gateway_secret', 'canManage'),
  GetGatewaySecretPermission: onGateway('gateway_secret', 'canManage'),
  UpdateGatewaySecretPermission: onGateway('gateway_secret', 'canManage'),
  DeleteGatewaySecretPermission: onGateway('gateway_secret', 'canManage'),
  CreateGatewayEndpointPermission: onGateway('gateway_endpoint', 'canManage'),
  GetGatewayEndpointPermission: onGateway('gateway_endpoint', 'canManage'),
  UpdateGatewayEndpointPermission: onGateway('gateway_endpoint', 'canManage'),
  DeleteGatewayEndpointPermission: onGateway('gateway_endpoint', 'canManage'),
  CreateGatewayModelDefinitionPermission: onGateway('gateway_model_definition', 'canManage'),
  GetGatewayModelDefinitionPermission: onGateway('gateway_model_definition', 'canManage'),
  UpdateGatewayModelDefinitionPermission: onGateway('gateway_model_definition', 'canManage'),
  DeleteGatewayModelDefinitionPermission: onGateway('gateway_model_definition', 'canManage'),
  // Budget policies are the admin's (corpus seq 375).
  CreateGatewayBudgetPolicy: never,
  DeleteGatewayBudgetPolicy: never,
  // Workspace permissions: admins only while workspaces are off (corpus seq 382).
  ListUserWorkspacePermissions: never,
  WorkspacePermissions: never,
  SearchDatasets: canReadExperimentsOfBody,
};

/**
 * `_before_request`: authenticate (except open paths), let admins through, otherwise run the
 * operation's validator and answer 403 when it says no. Unknown paths still need credentials.
 */
export function basicAuthBefore(request: EmulatorRequest, route: Route | undefined, context: RouteContext): void {
  if (isUnprotectedRoute(request.path)) return;
  const user = authenticateBasic(request, context, route?.fastapi === true ? TEXT_PLAIN : TEXT_HTML);
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

/** Gateway creations whose creator gets MANAGE: resource kind, answer key, id key. */
const CREATED_GATEWAY_RESOURCE: Readonly<Record<string, readonly [Exclude<ResourceKind, 'scorer'>, string, string]>> = {
  CreateGatewaySecret: ['gateway_secret', 'secret', 'secret_id'],
  CreateGatewayEndpoint: ['gateway_endpoint', 'endpoint', 'endpoint_id'],
  CreateGatewayModelDefinition: ['gateway_model_definition', 'model_definition', 'model_definition_id'],
};

/** Gateway deletions whose permissions go with them. */
const DELETED_GATEWAY_RESOURCE: Readonly<Record<string, Exclude<ResourceKind, 'scorer'>>> = {
  DeleteGatewaySecret: 'gateway_secret',
  DeleteGatewayEndpoint: 'gateway_endpoint',
  DeleteGatewayModelDefinition: 'gateway_model_definition',
};

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
    case 'RegisterScorer': {
      // The creator manages the scorer (a re-registration keeps the grant it has).
      const id = scorerResourceId(String(result['experiment_id']), String(result['name']));
      if (!context.store.auth.resourcePermission(user, 'scorer', id))
        context.store.auth.createResourcePermission('scorer', id, user.username, 'MANAGE');
      return result;
    }
    case 'DeleteScorer': {
      const body = bodyJson(request);
      const id = scorerResourceId(String(body['experiment_id']), String(body['name']));
      context.store.auth.deleteResourcePermissions('scorer', id);
      return result;
    }
    case 'CreateGatewaySecret':
    case 'CreateGatewayEndpoint':
    case 'CreateGatewayModelDefinition': {
      const [kind, key, idKey] = CREATED_GATEWAY_RESOURCE[route.operation] ?? ['gateway_secret', 'secret', 'secret_id'];
      const created = result[key] as Json | undefined;
      context.store.auth.createResourcePermission(kind, String(created?.[idKey]), user.username, 'MANAGE');
      return result;
    }
    case 'DeleteGatewaySecret':
    case 'DeleteGatewayEndpoint':
    case 'DeleteGatewayModelDefinition': {
      const kind = DELETED_GATEWAY_RESOURCE[route.operation] ?? 'gateway_secret';
      context.store.auth.deleteResourcePermissions(kind, String(bodyJson(request)[GATEWAY_ID_PARAM[kind]]));
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

/** How MLflow 3 names a gateway resource's permission in answers and requests. */
const GATEWAY_PERMISSION_KEY: Readonly<Record<Exclude<ResourceKind, 'scorer'>, string>> = {
  gateway_secret: 'gateway_secret_permission',
  gateway_endpoint: 'gateway_endpoint_permission',
  gateway_model_definition: 'gateway_model_definition_permission',
};

function resourcePermissionRoutes(
  base: string,
  operation: string,
  target: (request: EmulatorRequest) => { kind: ResourceKind; resourceId: string },
  answer: (request: EmulatorRequest, user: AuthUser, permission: PermissionName) => Json,
): Route[] {
  return [
    {
      operation: `Create${operation}`,
      path: `${base}/create`,
      methods: ['POST'],
      handler: (request, { store }) => {
        const { kind, resourceId } = target(request);
        const username = String(requestParam(request, 'username'));
        const created = store.auth.createResourcePermission(
          kind,
          resourceId,
          username,
          requestParam(request, 'permission'),
        );
        return jsonResponse(answer(request, created.user, created.permission));
      },
    },
    {
      operation: `Get${operation}`,
      path: `${base}/get`,
      methods: ['GET'],
      handler: (request, { store }) => {
        const { kind, resourceId } = target(request);
        const found = store.auth.getResourcePermission(kind, resourceId, String(requestParam(request, 'username')));
        return jsonResponse(answer(request, found.user, found.permission));
      },
    },
    {
      operation: `Update${operation}`,
      path: `${base}/update`,
      methods: ['PATCH'],
      handler: (request, { store }) => {
        const { kind, resourceId } = target(request);
        const username = String(requestParam(request, 'username'));
        store.auth.updateResourcePermission(kind, resourceId, username, requestParam(request, 'permission'));
        return jsonResponse({});
      },
    },
    {
      operation: `Delete${operation}`,
      path: `${base}/delete`,
      methods: ['DELETE'],
      handler: (request, { store }) => {
        const { kind, resourceId } = target(request);
        store.auth.deleteResourcePermission(kind, resourceId, String(requestParam(request, 'username')));
        return jsonResponse({});
      },
    },
  ];
}

function gatewayPermissionRoutes(kind: Exclude<ResourceKind, 'scorer'>, base: string, operation: string): Route[] {
  const idParam = GATEWAY_PERMISSION_ID[kind];
  return resourcePermissionRoutes(
    base,
    operation,
    (request) => ({ kind, resourceId: String(requestParam(request, idParam)) }),
    (request, user, permission) => ({
      [GATEWAY_PERMISSION_KEY[kind]]: {
        ...(kind === 'gateway_secret' ? {} : { [idParam]: String(requestParam(request, idParam)) }),
        permission,
        ...(kind === 'gateway_secret' ? { secret_id: String(requestParam(request, idParam)) } : {}),
        user_id: user.id,
      },
    }),
  );
}

const GATEWAY_PERMISSION_ID = GATEWAY_ID_PARAM;

/**
 * MLflow 3's scorer and gateway permission endpoints (absolute paths; served with basic auth in 3.x mode). Answers
 * list their keys in sorted order, as Flask's jsonify writes them (corpus seq 321-326, 360-374).
 */
export const genaiPermissionRoutes: readonly Route[] = [
  ...resourcePermissionRoutes(
    '/api/3.0/mlflow/scorers/permissions',
    'ScorerPermission',
    (request) => ({
      kind: 'scorer',
      resourceId: scorerResourceId(
        String(requestParam(request, 'experiment_id')),
        String(requestParam(request, 'scorer_name')),
      ),
    }),
    (request, user, permission) => ({
      scorer_permission: {
        experiment_id: String(requestParam(request, 'experiment_id')),
        permission,
        scorer_name: String(requestParam(request, 'scorer_name')),
        user_id: user.id,
      },
    }),
  ),
  ...gatewayPermissionRoutes(
    'gateway_secret',
    '/api/3.0/mlflow/gateway/secrets/permissions',
    'GatewaySecretPermission',
  ),
  ...gatewayPermissionRoutes(
    'gateway_endpoint',
    '/api/3.0/mlflow/gateway/endpoints/permissions',
    'GatewayEndpointPermission',
  ),
  ...gatewayPermissionRoutes(
    'gateway_model_definition',
    '/api/3.0/mlflow/gateway/model-definitions/permissions',
    'GatewayModelDefinitionPermission',
  ),
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
