// The AI gateway's configuration API (`/api/3.0/mlflow/gateway/...`: secrets, model definitions, endpoints, budget
// policies) as MLflow 3.11.1's handlers read and answer it (corpus seq 233-250). Secrets are write-only: every answer
// carries `masked_values`. Endpoints always answer `created_by`/`last_updated_by` (empty when nobody was named) and
// their usage-tracking experiment. 3.x mode only; permissions behind basic auth are in routes/basicAuth.ts.
import type {
  GatewayBudgetPolicyRecord,
  GatewayEndpointRecord,
  GatewayModelDefinitionRecord,
  GatewaySecretRecord,
  GatewayStore,
} from '../GatewayStore.js';
import { maskSecretValue } from '../GatewayStore.js';
import { isMlflow3 } from '../mlflowVersion.js';
import { genaiPermissionRoutes } from './basicAuth.js';
import { requestJson, validateSchema, type MessageSpec } from '../protoJson.js';
import { MLFLOW3_PREFIXES, type EmulatorRequest, type RegisterRoutes, type Route } from '../router.js';
import type { Json } from '../wireJson.js';

const S = { kind: 'string' } as const;
const IDS: MessageSpec = {
  secret_id: S,
  secret_name: S,
  model_definition_id: S,
  endpoint_id: S,
  budget_policy_id: S,
  provider: S,
};

/** The request's JSON body (or, for a GET, its query), with MLflow's missing-value error for each required field. */
function read(request: EmulatorRequest, required: readonly string[]): Record<string, unknown> {
  const spec: MessageSpec = Object.fromEntries([...Object.keys(IDS), ...required].map((name) => [name, S]));
  const json = requestJson(request, spec);
  validateSchema(
    json,
    required.map((name) => [name, ['required']] as const),
    true,
  );
  return json;
}

function str(json: Record<string, unknown>, key: string): string | null {
  const value = json[key];
  return typeof value === 'string' && value !== '' ? value : null;
}

function secretValues(value: unknown): Record<string, string> {
  if (typeof value === 'string') return { value };
  if (value === null || typeof value !== 'object') return {};
  return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([key, item]) => [key, String(item)]));
}

/** A secret as answers show it: masked values only. */
export function secretJson(secret: GatewaySecretRecord): Json {
  return {
    secret_id: secret.secretId,
    secret_name: secret.secretName,
    masked_values: Object.fromEntries(
      Object.entries(secret.values).map(([key, value]) => [key, maskSecretValue(value)]),
    ),
    created_at: secret.createdAt,
    last_updated_at: secret.lastUpdatedAt,
    ...(secret.provider ? { provider: secret.provider } : {}),
    ...(secret.createdBy ? { created_by: secret.createdBy } : {}),
    ...(secret.lastUpdatedBy ? { last_updated_by: secret.lastUpdatedBy } : {}),
  };
}

function modelDefinitionJson(gateway: GatewayStore, definition: GatewayModelDefinitionRecord): Json {
  return {
    model_definition_id: definition.modelDefinitionId,
    name: definition.name,
    secret_id: definition.secretId,
    secret_name: gateway.secrets.get(definition.secretId)?.secretName ?? '',
    provider: definition.provider,
    model_name: definition.modelName,
    created_at: definition.createdAt,
    last_updated_at: definition.lastUpdatedAt,
    ...(definition.createdBy ? { created_by: definition.createdBy } : {}),
    ...(definition.lastUpdatedBy ? { last_updated_by: definition.lastUpdatedBy } : {}),
  };
}

function endpointJson(gateway: GatewayStore, endpoint: GatewayEndpointRecord): Json {
  return {
    endpoint_id: endpoint.endpointId,
    name: endpoint.name,
    created_at: endpoint.createdAt,
    last_updated_at: endpoint.lastUpdatedAt,
    model_mappings: endpoint.mappings.map((mapping) => {
      const definition = gateway.modelDefinitions.get(mapping.modelDefinitionId);
      return {
        mapping_id: mapping.mappingId,
        endpoint_id: endpoint.endpointId,
        model_definition_id: mapping.modelDefinitionId,
        ...(definition ? { model_definition: modelDefinitionJson(gateway, definition) } : {}),
        weight: mapping.weight,
        created_at: mapping.createdAt,
        linkage_type: mapping.linkageType,
      };
    }),
    ...(endpoint.tags.size > 0 ? { tags: [...endpoint.tags].map(([key, value]) => ({ key, value })) } : {}),
    created_by: endpoint.createdBy,
    last_updated_by: endpoint.lastUpdatedBy,
    experiment_id: endpoint.experimentId,
    usage_tracking: true,
  };
}

function budgetJson(budget: GatewayBudgetPolicyRecord): Json {
  return {
    budget_policy_id: budget.budgetPolicyId,
    ...budget.fields,
    created_at: budget.createdAt,
    last_updated_at: budget.lastUpdatedAt,
  };
}

/** `{ key: [...] }`, or `{}` for an empty list (proto3 leaves empty repeated fields out). */
function list(key: string, items: readonly Json[]): Json {
  return items.length > 0 ? { [key]: [...items] } : {};
}

const routes: readonly Route[] = [
  {
    operation: 'CreateGatewaySecret',
    path: '/gateway/secrets/create',
    methods: ['POST'],
    handler: (request, { store }) => {
      const json = read(request, ['secret_name', 'secret_value']);
      const secret = store.gateway.createSecret({
        secretName: String(json['secret_name']),
        values: secretValues(json['secret_value']),
        provider: str(json, 'provider'),
        createdBy: str(json, 'created_by'),
      });
      return { secret: secretJson(secret) };
    },
  },
  {
    operation: 'GetGatewaySecretInfo',
    path: '/gateway/secrets/get',
    methods: ['GET'],
    handler: (request, { store }) => {
      const json = read(request, []);
      const byName = str(json, 'secret_name');
      const found = byName
        ? [...store.gateway.secrets.values()].find((secret) => secret.secretName === byName)
        : undefined;
      return {
        secret: secretJson(found ?? store.gateway.getSecret(String(read(request, ['secret_id'])['secret_id']))),
      };
    },
  },
  {
    operation: 'ListGatewaySecretInfos',
    path: '/gateway/secrets/list',
    methods: ['GET'],
    handler: (request, { store }) => {
      const provider = str(read(request, []), 'provider');
      const secrets = [...store.gateway.secrets.values()].filter((secret) => !provider || secret.provider === provider);
      return list('secrets', secrets.map(secretJson));
    },
  },
  {
    operation: 'UpdateGatewaySecret',
    path: '/gateway/secrets/update',
    methods: ['POST'],
    handler: (request, { store }) => {
      const json = read(request, ['secret_id', 'secret_value']);
      const secret = store.gateway.updateSecret(
        String(json['secret_id']),
        secretValues(json['secret_value']),
        str(json, 'updated_by'),
      );
      return { secret: secretJson(secret) };
    },
  },
  {
    operation: 'DeleteGatewaySecret',
    path: '/gateway/secrets/delete',
    methods: ['DELETE'],
    handler: (request, { store }) => {
      store.gateway.deleteSecret(String(read(request, ['secret_id'])['secret_id']));
      return {};
    },
  },
  {
    operation: 'CreateGatewayModelDefinition',
    path: '/gateway/model-definitions/create',
    methods: ['POST'],
    handler: (request, { store }) => {
      const json = read(request, ['name', 'secret_id', 'provider', 'model_name']);
      const definition = store.gateway.createModelDefinition({
        name: String(json['name']),
        secretId: String(json['secret_id']),
        provider: String(json['provider']),
        modelName: String(json['model_name']),
        createdBy: str(json, 'created_by'),
      });
      return { model_definition: modelDefinitionJson(store.gateway, definition) };
    },
  },
  {
    operation: 'GetGatewayModelDefinition',
    path: '/gateway/model-definitions/get',
    methods: ['GET'],
    handler: (request, { store }) => {
      const id = String(read(request, ['model_definition_id'])['model_definition_id']);
      return { model_definition: modelDefinitionJson(store.gateway, store.gateway.getModelDefinition(id)) };
    },
  },
  {
    operation: 'ListGatewayModelDefinitions',
    path: '/gateway/model-definitions/list',
    methods: ['GET'],
    handler: (_request, { store }) =>
      list(
        'model_definitions',
        [...store.gateway.modelDefinitions.values()].map((definition) =>
          modelDefinitionJson(store.gateway, definition),
        ),
      ),
  },
  {
    operation: 'UpdateGatewayModelDefinition',
    path: '/gateway/model-definitions/update',
    methods: ['POST', 'PATCH'],
    handler: (request, { store }) => {
      const json = read(request, ['model_definition_id']);
      const changes = {
        ...(str(json, 'name') ? { name: String(json['name']) } : {}),
        ...(str(json, 'secret_id') ? { secretId: String(json['secret_id']) } : {}),
        ...(str(json, 'provider') ? { provider: String(json['provider']) } : {}),
        ...(str(json, 'model_name') ? { modelName: String(json['model_name']) } : {}),
        ...(str(json, 'updated_by') ? { updatedBy: String(json['updated_by']) } : {}),
      };
      const definition = store.gateway.updateModelDefinition(String(json['model_definition_id']), changes);
      return { model_definition: modelDefinitionJson(store.gateway, definition) };
    },
  },
  {
    operation: 'DeleteGatewayModelDefinition',
    path: '/gateway/model-definitions/delete',
    methods: ['DELETE'],
    handler: (request, { store }) => {
      store.gateway.deleteModelDefinition(String(read(request, ['model_definition_id'])['model_definition_id']));
      return {};
    },
  },
  {
    operation: 'CreateGatewayEndpoint',
    path: '/gateway/endpoints/create',
    methods: ['POST'],
    handler: (request, { store }) => {
      const json = read(request, ['name']);
      const configs = Array.isArray(json['model_configs']) ? (json['model_configs'] as unknown[]) : [];
      const endpoint = store.gateway.createEndpoint({
        name: String(json['name']),
        modelConfigs: configs.map((config) => {
          const item = (config ?? {}) as Record<string, unknown>;
          return {
            modelDefinitionId: String(item['model_definition_id'] ?? ''),
            linkageType: typeof item['linkage_type'] === 'string' ? item['linkage_type'] : 'PRIMARY',
            weight: typeof item['weight'] === 'number' ? item['weight'] : 1,
          };
        }),
        createdBy: str(json, 'created_by') ?? '',
      });
      return { endpoint: endpointJson(store.gateway, endpoint) };
    },
  },
  {
    operation: 'GetGatewayEndpoint',
    path: '/gateway/endpoints/get',
    methods: ['GET'],
    handler: (request, { store }) => {
      const id = String(read(request, ['endpoint_id'])['endpoint_id']);
      return { endpoint: endpointJson(store.gateway, store.gateway.getEndpoint(id)) };
    },
  },
  {
    operation: 'ListGatewayEndpoints',
    path: '/gateway/endpoints/list',
    methods: ['GET'],
    handler: (_request, { store }) =>
      list(
        'endpoints',
        [...store.gateway.endpoints.values()].map((endpoint) => endpointJson(store.gateway, endpoint)),
      ),
  },
  {
    operation: 'DeleteGatewayEndpoint',
    path: '/gateway/endpoints/delete',
    methods: ['DELETE'],
    handler: (request, { store }) => {
      store.gateway.deleteEndpoint(String(read(request, ['endpoint_id'])['endpoint_id']));
      return {};
    },
  },
  {
    operation: 'SetGatewayEndpointTag',
    path: '/gateway/endpoints/set-tag',
    methods: ['POST'],
    handler: (request, { store }) => {
      const json = read(request, ['endpoint_id', 'key']);
      store.gateway.setEndpointTag(String(json['endpoint_id']), String(json['key']), String(json['value'] ?? ''));
      return {};
    },
  },
  {
    operation: 'DeleteGatewayEndpointTag',
    path: '/gateway/endpoints/delete-tag',
    methods: ['DELETE'],
    handler: (request, { store }) => {
      const json = read(request, ['endpoint_id', 'key']);
      store.gateway.setEndpointTag(String(json['endpoint_id']), String(json['key']), undefined);
      return {};
    },
  },
  {
    operation: 'CreateGatewayBudgetPolicy',
    path: '/gateway/budgets/create',
    methods: ['POST'],
    handler: (request, { store }) => {
      const json = read(request, ['budget_unit', 'budget_amount']);
      return { budget_policy: budgetJson(store.gateway.createBudget(json)) };
    },
  },
  {
    operation: 'GetGatewayBudgetPolicy',
    path: '/gateway/budgets/get',
    methods: ['GET'],
    handler: (request, { store }) => {
      const id = String(read(request, ['budget_policy_id'])['budget_policy_id']);
      return { budget_policy: budgetJson(store.gateway.getBudget(id)) };
    },
  },
  {
    operation: 'ListGatewayBudgetPolicies',
    path: '/gateway/budgets/list',
    methods: ['GET'],
    handler: (_request, { store }) => list('budget_policies', [...store.gateway.budgets.values()].map(budgetJson)),
  },
  {
    operation: 'DeleteGatewayBudgetPolicy',
    path: '/gateway/budgets/delete',
    methods: ['DELETE'],
    handler: (request, { store }) => {
      store.gateway.deleteBudget(String(read(request, ['budget_policy_id'])['budget_policy_id']));
      return {};
    },
  },
];

/** Adds the gateway routes in 3.x mode. */
export const registerGatewayRoutes: RegisterRoutes = (router, settings) => {
  if (!isMlflow3(settings)) return;
  router.addAll(routes, MLFLOW3_PREFIXES);
  // The basic-auth app's permission endpoints for scorers and gateway resources (routes/basicAuth.ts).
  if (settings.auth && !settings.databricks) router.addAll(genaiPermissionRoutes);
};
