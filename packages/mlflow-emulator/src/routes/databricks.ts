// The Databricks mode: bearer-token authentication, ACL enforcement on the MLflow endpoints
// (CAN_READ to read, CAN_EDIT to write, CAN_MANAGE for ACLs and deletes; members of `admins`
// bypass), the permissions API (/api/2.0/permissions/...) and the workspace-registry extras
// (databricks/registered-models/get, transition requests, comments, bulk run delete/restore).
// Shapes follow the Databricks SDK (service/iam ObjectPermissions, service/ml Activity etc.).
import {
  ADMINS_GROUP,
  DatabricksStore,
  EXPERIMENT_LEVELS,
  LEVEL_DESCRIPTIONS,
  MODEL_LEVELS,
  type AclObjectType,
  type AclPrincipal,
  type ActivityRecord,
  type CommentRecord,
  type DatabricksPrincipal,
  type PermissionLevel,
  type TransitionRequestRecord,
} from '../DatabricksStore.js';
import { MlflowError, RawResponse } from '../MlflowError.js';
import { silentJson } from '../protoJson.js';
import type { RegisteredModelRecord } from '../records.js';
import type { EmulatorRequest, Route, RouteContext } from '../router.js';
import { canonicalStage } from '../validation.js';
import { registeredModelJson, type Json } from '../wireJson.js';

function databricksError(status: number, errorCode: string, message: string): RawResponse {
  return new RawResponse(status, JSON.stringify({ error_code: errorCode, message }), 'application/json');
}

/** Authenticates `Authorization: Bearer <token>` against the seeded tokens. */
export function authenticateDatabricks(request: EmulatorRequest, { store }: RouteContext): DatabricksPrincipal {
  const header = request.headers.authorization;
  const value = Array.isArray(header) ? header[0] : header;
  const match = value ? /^Bearer\s+(\S+)\s*$/i.exec(value) : null;
  if (!match) {
    throw databricksError(
      401,
      'UNAUTHENTICATED',
      'Credential was not sent or was of an unsupported type for this API.',
    );
  }
  const principal = store.databricks.principalForToken(match[1] ?? '');
  if (!principal) throw databricksError(401, 'UNAUTHENTICATED', 'Invalid access token.');
  return principal;
}

const VERBS: Readonly<Record<PermissionLevel, string>> = {
  CAN_READ: 'Read',
  CAN_EDIT: 'Edit',
  CAN_MANAGE_STAGING_VERSIONS: 'Manage Staging Versions',
  CAN_MANAGE_PRODUCTION_VERSIONS: 'Manage Production Versions',
  CAN_MANAGE: 'Manage',
};

function denied(principal: DatabricksPrincipal, required: PermissionLevel, kind: string, id: string): RawResponse {
  return databricksError(
    403,
    'PERMISSION_DENIED',
    `User ${principal.userName} does not have ${VERBS[required]} permissions on ${kind} ${id}.`,
  );
}

function requireLevel(
  context: RouteContext,
  principal: DatabricksPrincipal,
  type: AclObjectType,
  id: string,
  required: PermissionLevel,
): void {
  const held = context.store.databricks.effectiveLevel(type, id, principal);
  if (!DatabricksStore.satisfies(held, required)) {
    throw denied(principal, required, type === 'experiments' ? 'experiment' : 'registered model', id);
  }
}

/** Request parameters from the query string (GET, DELETE) or the JSON body. */
function params(request: EmulatorRequest): Record<string, unknown> {
  if (request.method === 'GET' || (request.method === 'DELETE' && request.body.length === 0)) {
    return Object.fromEntries(request.query.entries());
  }
  const json = silentJson(request.body);
  if (typeof json === 'string') {
    try {
      const again = JSON.parse(json) as unknown;
      return again !== null && typeof again === 'object' ? (again as Record<string, unknown>) : {};
    } catch {
      return {};
    }
  }
  return json !== null && typeof json === 'object' && !Array.isArray(json) ? (json as Record<string, unknown>) : {};
}

function stringParam(request: EmulatorRequest, name: string): string {
  const value = params(request)[name];
  return typeof value === 'string' || typeof value === 'number' ? String(value) : '';
}

type Guard = (request: EmulatorRequest, principal: DatabricksPrincipal, context: RouteContext) => void;

const experimentGuard =
  (required: PermissionLevel): Guard =>
  (request, principal, context) => {
    const id = stringParam(request, 'experiment_id');
    if (context.store.tracking.experiments.has(id)) requireLevel(context, principal, 'experiments', id, required);
  };

const experimentByNameGuard =
  (required: PermissionLevel): Guard =>
  (request, principal, context) => {
    const experiment = context.store.tracking.getExperimentByName(stringParam(request, 'experiment_name'));
    if (experiment) requireLevel(context, principal, 'experiments', experiment.experimentId, required);
  };

const runGuard =
  (required: PermissionLevel): Guard =>
  (request, principal, context) => {
    const runId = stringParam(request, 'run_id') || stringParam(request, 'run_uuid');
    const run = context.store.tracking.runs.get(runId);
    if (run) requireLevel(context, principal, 'experiments', run.experimentId, required);
  };

const runsGuard =
  (required: PermissionLevel): Guard =>
  (request, principal, context) => {
    for (const runId of request.query.getAll('run_ids')) {
      const run = context.store.tracking.runs.get(runId);
      if (run) requireLevel(context, principal, 'experiments', run.experimentId, required);
    }
  };

const modelGuard =
  (required: PermissionLevel | ((request: EmulatorRequest) => PermissionLevel)): Guard =>
  (request, principal, context) => {
    const model = context.store.registry.models.get(stringParam(request, 'name'));
    if (!model) return;
    requireLevel(
      context,
      principal,
      'registered-models',
      model.id,
      typeof required === 'function' ? required(request) : required,
    );
  };

/** The level a stage change needs: production moves need CAN_MANAGE_PRODUCTION_VERSIONS. */
function stageLevel(request: EmulatorRequest): PermissionLevel {
  const stage = stringParam(request, 'stage').toLowerCase();
  return stage === 'production' ? 'CAN_MANAGE_PRODUCTION_VERSIONS' : 'CAN_MANAGE_STAGING_VERSIONS';
}

const GUARDS: Readonly<Record<string, Guard>> = {
  GetExperiment: experimentGuard('CAN_READ'),
  GetExperimentByName: experimentByNameGuard('CAN_READ'),
  DeleteExperiment: experimentGuard('CAN_MANAGE'),
  RestoreExperiment: experimentGuard('CAN_MANAGE'),
  UpdateExperiment: experimentGuard('CAN_EDIT'),
  SetExperimentTag: experimentGuard('CAN_EDIT'),
  CreateRun: experimentGuard('CAN_EDIT'),
  DatabricksDeleteRuns: experimentGuard('CAN_EDIT'),
  DatabricksRestoreRuns: experimentGuard('CAN_EDIT'),
  GetRun: runGuard('CAN_READ'),
  DeleteRun: runGuard('CAN_EDIT'),
  RestoreRun: runGuard('CAN_EDIT'),
  UpdateRun: runGuard('CAN_EDIT'),
  LogMetric: runGuard('CAN_EDIT'),
  LogBatch: runGuard('CAN_EDIT'),
  LogInputs: runGuard('CAN_EDIT'),
  SetTag: runGuard('CAN_EDIT'),
  DeleteTag: runGuard('CAN_EDIT'),
  LogParam: runGuard('CAN_EDIT'),
  GetMetricHistory: runGuard('CAN_READ'),
  GetMetricHistoryBulkInterval: runsGuard('CAN_READ'),
  ListArtifacts: runGuard('CAN_READ'),
  GetRegisteredModel: modelGuard('CAN_READ'),
  DatabricksGetRegisteredModel: modelGuard('CAN_READ'),
  DeleteRegisteredModel: modelGuard('CAN_MANAGE'),
  UpdateRegisteredModel: modelGuard('CAN_EDIT'),
  RenameRegisteredModel: modelGuard('CAN_MANAGE'),
  GetLatestVersions: modelGuard('CAN_READ'),
  CreateModelVersion: modelGuard('CAN_EDIT'),
  GetModelVersion: modelGuard('CAN_READ'),
  DeleteModelVersion: modelGuard('CAN_MANAGE'),
  UpdateModelVersion: modelGuard('CAN_EDIT'),
  TransitionModelVersionStage: modelGuard(stageLevel),
  GetModelVersionDownloadUri: modelGuard('CAN_READ'),
  SetRegisteredModelTag: modelGuard('CAN_EDIT'),
  DeleteRegisteredModelTag: modelGuard('CAN_EDIT'),
  SetModelVersionTag: modelGuard('CAN_EDIT'),
  DeleteModelVersionTag: modelGuard('CAN_EDIT'),
  SetRegisteredModelAlias: modelGuard('CAN_EDIT'),
  DeleteRegisteredModelAlias: modelGuard('CAN_EDIT'),
  GetModelVersionByAlias: modelGuard('CAN_READ'),
  CreateTransitionRequest: modelGuard('CAN_EDIT'),
  ListTransitionRequests: modelGuard('CAN_READ'),
  ApproveTransitionRequest: modelGuard(stageLevel),
  RejectTransitionRequest: modelGuard(stageLevel),
  CreateComment: modelGuard('CAN_READ'),
};

/** Authenticates every request and applies the operation's ACL guard. */
export function databricksBefore(request: EmulatorRequest, route: Route | undefined, context: RouteContext): void {
  if (request.path === '/health' || request.path === '/version') return;
  const principal = authenticateDatabricks(request, context);
  request.identity = { kind: 'databricks', principal };
  if (!route) return;
  GUARDS[route.operation]?.(request, principal, context);
}

function principalOf(request: EmulatorRequest): DatabricksPrincipal {
  if (request.identity?.kind !== 'databricks') throw MlflowError.internal('request is not authenticated');
  return request.identity.principal;
}

/** Creator gets CAN_MANAGE; deleted models lose their ACL; searches show only readable objects. */
export function databricksAfter(request: EmulatorRequest, route: Route, result: Json, context: RouteContext): Json {
  const principal = principalOf(request);
  const { databricks, registry } = context.store;
  const user: AclPrincipal = { kind: 'user', name: principal.userName };
  switch (route.operation) {
    case 'CreateExperiment':
      databricks.grant('experiments', String(result['experiment_id']), user, 'CAN_MANAGE');
      return result;
    case 'CreateRegisteredModel': {
      const name = String((result['registered_model'] as Json | undefined)?.['name']);
      const model = registry.models.get(name);
      if (model) databricks.grant('registered-models', model.id, user, 'CAN_MANAGE');
      return result;
    }
    case 'DeleteRegisteredModel':
      // The model is gone; drop every registered-model ACL whose object no longer exists.
      for (const key of [...databricks.acls.keys()]) {
        const [type, id] = key.split(':') as [string, string];
        if (type === 'registered-models' && !registry.modelsById.has(id)) databricks.dropAcl('registered-models', id);
      }
      return result;
    case 'SearchExperiments': {
      const experiments = ((result['experiments'] as Json[] | undefined) ?? []).filter((e) =>
        DatabricksStore.satisfies(
          databricks.effectiveLevel('experiments', String(e['experiment_id']), principal),
          'CAN_READ',
        ),
      );
      const out: Json = { ...result };
      if (experiments.length > 0) out['experiments'] = experiments;
      else delete out['experiments'];
      return out;
    }
    case 'SearchRegisteredModels': {
      const models = ((result['registered_models'] as Json[] | undefined) ?? []).filter((m) => {
        const model = registry.models.get(String(m['name']));
        return (
          model !== undefined &&
          DatabricksStore.satisfies(databricks.effectiveLevel('registered-models', model.id, principal), 'CAN_READ')
        );
      });
      const out: Json = { ...result };
      if (models.length > 0) out['registered_models'] = models;
      else delete out['registered_models'];
      return out;
    }
    default:
      return result;
  }
}

// ---------------------------------------------------------------- permissions API

function objectTypeName(type: AclObjectType): string {
  return type === 'experiments' ? 'mlflow-experiment' : 'registered-model';
}

function levelsFor(type: AclObjectType): readonly PermissionLevel[] {
  return type === 'experiments' ? EXPERIMENT_LEVELS : MODEL_LEVELS;
}

function resolveObject(context: RouteContext, type: AclObjectType, id: string): void {
  if (type === 'experiments') {
    if (!context.store.tracking.experiments.has(id)) {
      throw databricksError(404, 'RESOURCE_DOES_NOT_EXIST', `Node ID ${id} does not exist.`);
    }
  } else if (!context.store.registry.modelsById.has(id)) {
    throw databricksError(404, 'RESOURCE_DOES_NOT_EXIST', `Registered model ${id} does not exist.`);
  }
}

/** `ObjectPermissions` for an object: direct entries plus the inherited admins entry. */
export function objectPermissionsJson(context: RouteContext, type: AclObjectType, id: string): Json {
  const entries: Json[] = [];
  for (const entry of context.store.databricks.aclOf(type, id).values()) {
    const principal: Json =
      entry.principal.kind === 'user'
        ? { user_name: entry.principal.name, display_name: entry.principal.name }
        : entry.principal.kind === 'group'
          ? { group_name: entry.principal.name, display_name: entry.principal.name }
          : { service_principal_name: entry.principal.name, display_name: entry.principal.name };
    entries.push({ ...principal, all_permissions: [{ permission_level: entry.level, inherited: false }] });
  }
  entries.push({
    group_name: ADMINS_GROUP,
    display_name: ADMINS_GROUP,
    all_permissions: [
      {
        permission_level: 'CAN_MANAGE',
        inherited: true,
        inherited_from_object: [type === 'experiments' ? '/experiments/' : '/registered-models/'],
      },
    ],
  });
  return {
    object_id: `/${type}/${id}`,
    object_type: objectTypeName(type),
    access_control_list: entries,
  };
}

function parseAclRequest(
  context: RouteContext,
  type: AclObjectType,
  body: unknown,
): Array<{ principal: AclPrincipal; level: PermissionLevel }> {
  const list =
    body !== null && typeof body === 'object' ? (body as Record<string, unknown>)['access_control_list'] : undefined;
  if (!Array.isArray(list)) {
    throw databricksError(400, 'INVALID_PARAMETER_VALUE', 'Missing required field: access_control_list');
  }
  const allowed = levelsFor(type);
  return list.map((item: unknown) => {
    const entry = (item ?? {}) as Record<string, unknown>;
    let principal: AclPrincipal;
    if (typeof entry['user_name'] === 'string') principal = { kind: 'user', name: entry['user_name'] };
    else if (typeof entry['group_name'] === 'string') principal = { kind: 'group', name: entry['group_name'] };
    else if (typeof entry['service_principal_name'] === 'string')
      principal = { kind: 'service_principal', name: entry['service_principal_name'] };
    else {
      throw databricksError(
        400,
        'INVALID_PARAMETER_VALUE',
        'One of user_name, group_name or service_principal_name must be set.',
      );
    }
    const level = entry['permission_level'];
    if (typeof level !== 'string' || !(allowed as readonly string[]).includes(level)) {
      throw databricksError(
        400,
        'INVALID_PARAMETER_VALUE',
        `Permission level ${String(level)} is not supported for ${objectTypeName(type)}. Supported levels: ${allowed.join(', ')}.`,
      );
    }
    try {
      context.store.databricks.checkPrincipalExists(principal);
    } catch (error) {
      if (error instanceof MlflowError) throw databricksError(400, 'INVALID_PARAMETER_VALUE', error.message);
      throw error;
    }
    return { principal, level: level as PermissionLevel };
  });
}

function permissionsRoutes(type: AclObjectType): Route[] {
  const base = `/api/2.0/permissions/${type}`;
  const idOf = (request: EmulatorRequest): string =>
    decodeURIComponent(request.path.slice(base.length + 1).split('/')[0] ?? '');
  const guard = (request: EmulatorRequest, context: RouteContext, required: PermissionLevel): string => {
    const id = idOf(request);
    resolveObject(context, type, id);
    requireLevel(context, principalOf(request), type, id, required);
    return id;
  };
  return [
    {
      operation: `Get${type}Permissions`,
      path: `${base}/:id`,
      methods: ['GET'],
      handler: (request, context) => objectPermissionsJson(context, type, guard(request, context, 'CAN_READ')),
    },
    {
      operation: `Set${type}Permissions`,
      path: `${base}/:id`,
      methods: ['PUT'],
      handler: (request, context) => {
        const id = guard(request, context, 'CAN_MANAGE');
        const entries = parseAclRequest(context, type, silentJson(request.body));
        const acl = context.store.databricks.aclOf(type, id);
        acl.clear();
        for (const entry of entries) context.store.databricks.grant(type, id, entry.principal, entry.level);
        return objectPermissionsJson(context, type, id);
      },
    },
    {
      operation: `Update${type}Permissions`,
      path: `${base}/:id`,
      methods: ['PATCH'],
      handler: (request, context) => {
        const id = guard(request, context, 'CAN_MANAGE');
        for (const entry of parseAclRequest(context, type, silentJson(request.body))) {
          context.store.databricks.grant(type, id, entry.principal, entry.level);
        }
        return objectPermissionsJson(context, type, id);
      },
    },
    {
      operation: `Get${type}PermissionLevels`,
      path: `${base}/:id/permissionLevels`,
      methods: ['GET'],
      handler: (request, context) => {
        guard(request, context, 'CAN_READ');
        return {
          permission_levels: levelsFor(type).map((level) => ({
            permission_level: level,
            description: LEVEL_DESCRIPTIONS[level],
          })),
        };
      },
    },
  ];
}

// ---------------------------------------------------------------- registry workflow

function requiredString(request: EmulatorRequest, name: string): string {
  const value = stringParam(request, name);
  if (!value) {
    throw MlflowError.invalidParameter(
      `Missing value for required parameter '${name}'. See the API docs for more information about request parameters.`,
    );
  }
  return value;
}

function activityJson(activity: ActivityRecord): Json {
  const json: Json = { id: activity.id, activity_type: activity.activityType };
  if (activity.fromStage !== undefined) json['from_stage'] = activity.fromStage;
  if (activity.toStage !== undefined) json['to_stage'] = activity.toStage;
  if (activity.comment) json['comment'] = activity.comment;
  if (activity.systemComment) json['system_comment'] = activity.systemComment;
  json['user_id'] = activity.userId;
  json['creation_timestamp'] = activity.creationTimestamp;
  json['last_updated_timestamp'] = activity.lastUpdatedTimestamp;
  return json;
}

function availableActions(
  request: TransitionRequestRecord,
  principal: DatabricksPrincipal,
  level: PermissionLevel | null,
): string[] {
  const actions: string[] = [];
  const needed: PermissionLevel =
    request.toStage === 'Production' ? 'CAN_MANAGE_PRODUCTION_VERSIONS' : 'CAN_MANAGE_STAGING_VERSIONS';
  if (DatabricksStore.satisfies(level, needed)) actions.push('APPROVE_TRANSITION_REQUEST', 'REJECT_TRANSITION_REQUEST');
  if (request.creator === principal.userName) actions.push('CANCEL_TRANSITION_REQUEST');
  return actions;
}

function transitionRequestJson(
  request: TransitionRequestRecord,
  principal: DatabricksPrincipal,
  level: PermissionLevel | null,
): Json {
  const json: Json = {
    creation_timestamp: request.creationTimestamp,
    to_stage: request.toStage,
    user_id: request.creator,
    available_actions: availableActions(request, principal, level),
  };
  if (request.comment) json['comment'] = request.comment;
  return json;
}

function commentJson(comment: CommentRecord, principal: DatabricksPrincipal): Json {
  const json: Json = {
    id: comment.id,
    comment: comment.comment,
    user_id: comment.userId,
    creation_timestamp: comment.creationTimestamp,
    last_updated_timestamp: comment.lastUpdatedTimestamp,
  };
  if (comment.userId === principal.userName) json['available_actions'] = ['EDIT_COMMENT', 'DELETE_COMMENT'];
  return json;
}

function modelLevel(
  context: RouteContext,
  model: RegisteredModelRecord,
  principal: DatabricksPrincipal,
): PermissionLevel | null {
  return context.store.databricks.effectiveLevel('registered-models', model.id, principal);
}

function resolveRequest(
  context: RouteContext,
  name: string,
  version: string,
  stage: string,
  creator: string | null,
): { list: TransitionRequestRecord[]; index: number } {
  const list = context.store.databricks.requestsOf(name, version);
  const index = list.findIndex((item) => item.toStage === stage && (creator === null || item.creator === creator));
  if (index < 0) {
    throw MlflowError.notFound(`Transition request to ${stage} for model ${name} version ${version} not found.`);
  }
  return { list, index };
}

const databricksWorkflowRoutes: Route[] = [
  {
    // SCIM "Me" (service/iam CurrentUser): who the token belongs to and its groups.
    operation: 'DatabricksScimMe',
    path: '/api/2.0/preview/scim/v2/Me',
    methods: ['GET'],
    handler: (request) => {
      const principal = principalOf(request);
      return {
        id: principal.userName,
        userName: principal.userName,
        displayName: principal.displayName,
        // SCIM's emails (Databricks lists the user's work address, primary); user names are e-mail addresses.
        emails: [{ value: principal.userName, type: 'work', primary: true }],
        active: true,
        groups: principal.groups.map((group) => ({ display: group, value: group })),
      };
    },
  },
  {
    operation: 'DatabricksGetRegisteredModel',
    path: '/api/2.0/mlflow/databricks/registered-models/get',
    methods: ['GET'],
    handler: (request, context) => {
      const model = context.store.registry.getRegisteredModel(requiredString(request, 'name'));
      const principal = principalOf(request);
      const json: Json = { ...registeredModelJson(model), id: model.id };
      // The creator: the model's own user id, else the first user holding CAN_MANAGE on it.
      const manager = [...context.store.databricks.aclOf('registered-models', model.id).values()].find(
        (entry) => entry.principal.kind === 'user' && entry.level === 'CAN_MANAGE',
      );
      json['user_id'] = model.userId ?? manager?.principal.name ?? '';
      json['permission_level'] = modelLevel(context, model, principal) ?? 'CAN_READ';
      return { registered_model_databricks: json };
    },
  },
  {
    operation: 'CreateTransitionRequest',
    path: '/api/2.0/mlflow/transition-requests/create',
    methods: ['POST'],
    handler: (request, context) => {
      const principal = principalOf(request);
      const name = requiredString(request, 'name');
      const version = requiredString(request, 'version');
      const stage = canonicalStage(requiredString(request, 'stage'));
      const modelVersion = context.store.registry.getModelVersion(name, version);
      const now = context.store.now();
      const record: TransitionRequestRecord = {
        id: context.store.databricks.newId(),
        name,
        version: String(modelVersion.version),
        toStage: stage,
        fromStage: modelVersion.currentStage,
        comment: stringParam(request, 'comment'),
        creator: principal.userName,
        creationTimestamp: now,
      };
      context.store.databricks.requestsOf(name, record.version).push(record);
      context.store.databricks.addActivity(name, record.version, {
        activityType: 'REQUESTED_TRANSITION',
        fromStage: record.fromStage,
        toStage: stage,
        comment: record.comment,
        userId: principal.userName,
        creationTimestamp: now,
        lastUpdatedTimestamp: now,
      });
      const model = context.store.registry.getRegisteredModel(name);
      return { request: transitionRequestJson(record, principal, modelLevel(context, model, principal)) };
    },
  },
  {
    operation: 'ListTransitionRequests',
    path: '/api/2.0/mlflow/transition-requests/list',
    methods: ['GET'],
    handler: (request, context) => {
      const name = requiredString(request, 'name');
      const version = String(context.store.registry.getModelVersion(name, requiredString(request, 'version')).version);
      const requests = context.store.databricks.requestsOf(name, version).map((item) => ({
        id: item.id,
        activity_type: 'REQUESTED_TRANSITION',
        from_stage: item.fromStage,
        to_stage: item.toStage,
        ...(item.comment ? { comment: item.comment } : {}),
        user_id: item.creator,
        creation_timestamp: item.creationTimestamp,
        last_updated_timestamp: item.creationTimestamp,
      }));
      return requests.length > 0 ? { requests } : {};
    },
  },
  {
    operation: 'ApproveTransitionRequest',
    path: '/api/2.0/mlflow/transition-requests/approve',
    methods: ['POST'],
    handler: (request, context) => {
      const principal = principalOf(request);
      const name = requiredString(request, 'name');
      const version = String(context.store.registry.getModelVersion(name, requiredString(request, 'version')).version);
      const stage = canonicalStage(requiredString(request, 'stage'));
      const archive = params(request)['archive_existing_versions'] === true;
      const { list, index } = resolveRequest(context, name, version, stage, null);
      const pending = list[index];
      list.splice(index, 1);
      const before = context.store.registry.getModelVersion(name, version).currentStage;
      context.store.registry.transitionModelVersionStage(name, version, stage, archive);
      const now = context.store.now();
      const activity = context.store.databricks.addActivity(name, version, {
        activityType: 'APPROVED_REQUEST',
        fromStage: before,
        toStage: stage,
        comment: stringParam(request, 'comment') || pending?.comment || '',
        userId: principal.userName,
        creationTimestamp: now,
        lastUpdatedTimestamp: now,
      });
      return { activity: activityJson(activity) };
    },
  },
  {
    operation: 'RejectTransitionRequest',
    path: '/api/2.0/mlflow/transition-requests/reject',
    methods: ['POST'],
    handler: (request, context) => {
      const principal = principalOf(request);
      const name = requiredString(request, 'name');
      const version = String(context.store.registry.getModelVersion(name, requiredString(request, 'version')).version);
      const stage = canonicalStage(requiredString(request, 'stage'));
      const { list, index } = resolveRequest(context, name, version, stage, null);
      const pending = list[index];
      list.splice(index, 1);
      const now = context.store.now();
      const activity = context.store.databricks.addActivity(name, version, {
        activityType: 'REJECTED_REQUEST',
        fromStage: pending?.fromStage ?? 'None',
        toStage: stage,
        comment: stringParam(request, 'comment'),
        userId: principal.userName,
        creationTimestamp: now,
        lastUpdatedTimestamp: now,
      });
      return { activity: activityJson(activity) };
    },
  },
  {
    operation: 'DeleteTransitionRequest',
    path: '/api/2.0/mlflow/transition-requests/delete',
    methods: ['DELETE'],
    handler: (request, context) => {
      const principal = principalOf(request);
      const name = requiredString(request, 'name');
      const version = String(context.store.registry.getModelVersion(name, requiredString(request, 'version')).version);
      const stage = canonicalStage(requiredString(request, 'stage'));
      const creator = requiredString(request, 'creator');
      const model = context.store.registry.getRegisteredModel(name);
      if (
        creator !== principal.userName &&
        !DatabricksStore.satisfies(modelLevel(context, model, principal), 'CAN_MANAGE')
      ) {
        throw denied(principal, 'CAN_MANAGE', 'registered model', model.id);
      }
      const { list, index } = resolveRequest(context, name, version, stage, creator);
      const pending = list[index];
      list.splice(index, 1);
      const now = context.store.now();
      context.store.databricks.addActivity(name, version, {
        activityType: 'CANCELLED_REQUEST',
        fromStage: pending?.fromStage ?? 'None',
        toStage: stage,
        comment: stringParam(request, 'comment'),
        userId: principal.userName,
        creationTimestamp: now,
        lastUpdatedTimestamp: now,
      });
      return {};
    },
  },
  {
    operation: 'CreateComment',
    path: '/api/2.0/mlflow/comments/create',
    methods: ['POST'],
    handler: (request, context) => {
      const principal = principalOf(request);
      const name = requiredString(request, 'name');
      const version = String(context.store.registry.getModelVersion(name, requiredString(request, 'version')).version);
      const text = requiredString(request, 'comment');
      const now = context.store.now();
      const comment: CommentRecord = {
        id: context.store.databricks.newId(),
        name,
        version,
        comment: text,
        userId: principal.userName,
        creationTimestamp: now,
        lastUpdatedTimestamp: now,
      };
      context.store.databricks.comments.set(comment.id, comment);
      context.store.databricks.addActivity(name, version, {
        activityType: 'NEW_COMMENT',
        comment: text,
        userId: principal.userName,
        creationTimestamp: now,
        lastUpdatedTimestamp: now,
      });
      return { comment: commentJson(comment, principal) };
    },
  },
  {
    operation: 'UpdateComment',
    path: '/api/2.0/mlflow/comments/update',
    methods: ['PATCH'],
    handler: (request, context) => {
      const principal = principalOf(request);
      const id = requiredString(request, 'id');
      const comment = context.store.databricks.comments.get(id);
      if (!comment) throw MlflowError.notFound(`Comment with id=${id} not found.`);
      if (comment.userId !== principal.userName) {
        throw databricksError(403, 'PERMISSION_DENIED', `User ${principal.userName} cannot edit comment ${id}.`);
      }
      comment.comment = requiredString(request, 'comment');
      comment.lastUpdatedTimestamp = context.store.now();
      return { comment: commentJson(comment, principal) };
    },
  },
  {
    operation: 'DeleteComment',
    path: '/api/2.0/mlflow/comments/delete',
    methods: ['DELETE'],
    handler: (request, context) => {
      const principal = principalOf(request);
      const id = requiredString(request, 'id');
      const comment = context.store.databricks.comments.get(id);
      if (!comment) throw MlflowError.notFound(`Comment with id=${id} not found.`);
      const model = context.store.registry.models.get(comment.name);
      const manages =
        model !== undefined && DatabricksStore.satisfies(modelLevel(context, model, principal), 'CAN_MANAGE');
      if (comment.userId !== principal.userName && !manages) {
        throw databricksError(403, 'PERMISSION_DENIED', `User ${principal.userName} cannot delete comment ${id}.`);
      }
      context.store.databricks.comments.delete(id);
      return {};
    },
  },
  {
    operation: 'DatabricksDeleteRuns',
    path: '/api/2.0/mlflow/databricks/runs/delete-runs',
    methods: ['POST'],
    handler: (request, context) => {
      const body = params(request);
      const experiment = context.store.tracking.getExperiment(requiredString(request, 'experiment_id'));
      const maxTimestamp = body['max_timestamp_millis'];
      if (typeof maxTimestamp !== 'number') {
        throw MlflowError.invalidParameter("Missing value for required parameter 'max_timestamp_millis'.");
      }
      const maxRuns = typeof body['max_runs'] === 'number' ? Math.min(body['max_runs'], 10000) : 10000;
      let deleted = 0;
      for (const runId of experiment.runIds) {
        if (deleted >= maxRuns) break;
        const run = context.store.tracking.runs.get(runId);
        if (run && run.lifecycleStage === 'active' && run.startTime <= maxTimestamp) {
          context.store.tracking.deleteRun(runId);
          deleted += 1;
        }
      }
      return { runs_deleted: deleted };
    },
  },
  {
    operation: 'DatabricksRestoreRuns',
    path: '/api/2.0/mlflow/databricks/runs/restore-runs',
    methods: ['POST'],
    handler: (request, context) => {
      const body = params(request);
      const experiment = context.store.tracking.getExperiment(requiredString(request, 'experiment_id'));
      const minTimestamp = body['min_timestamp_millis'];
      if (typeof minTimestamp !== 'number') {
        throw MlflowError.invalidParameter("Missing value for required parameter 'min_timestamp_millis'.");
      }
      const maxRuns = typeof body['max_runs'] === 'number' ? Math.min(body['max_runs'], 10000) : 10000;
      let restored = 0;
      for (const runId of experiment.runIds) {
        if (restored >= maxRuns) break;
        const run = context.store.tracking.runs.get(runId);
        if (run && run.lifecycleStage === 'deleted' && (run.deletedTime ?? 0) >= minTimestamp) {
          context.store.tracking.restoreRun(runId);
          restored += 1;
        }
      }
      return { runs_restored: restored };
    },
  },
];

/** Routes of the Databricks mode; permission paths carry the object id (matched by prefix). */
export const databricksRoutes: readonly Route[] = [
  ...permissionsRoutes('experiments'),
  ...permissionsRoutes('registered-models'),
  ...databricksWorkflowRoutes,
];

/** Maps `/api/2.0/permissions/<type>/<id>[/permissionLevels]` onto its route template path. */
export function templatePath(path: string): string {
  const match = /^\/api\/2\.0\/permissions\/(experiments|registered-models)\/[^/]+(\/permissionLevels)?$/.exec(path);
  if (!match) return path;
  return `/api/2.0/permissions/${match[1] ?? ''}/:id${match[2] ?? ''}`;
}
