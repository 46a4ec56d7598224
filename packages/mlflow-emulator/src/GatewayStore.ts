// MLflow 3's AI gateway configuration (`/api/3.0/mlflow/gateway/...`): secrets (write-only — answers show
// `masked_values`, never the value), model definitions that use a secret, endpoints that map model definitions, and
// budget policies. As the recording shows (corpus seq 233-250, 358-375), an endpoint gets its own usage-tracking
// experiment on creation; ids are `s-`, `d-`, `e-`, `m-` and `bp-` plus 32 hex digits.
import { MlflowError } from './MlflowError.js';
import type { Prng } from './prng.js';
import type { TrackingStore } from './TrackingStore.js';

/** A secret: its values stay here; answers carry them masked. */
export interface GatewaySecretRecord {
  readonly secretId: string;
  readonly secretName: string;
  values: Record<string, string>;
  readonly provider: string | null;
  readonly createdBy: string | null;
  lastUpdatedBy: string | null;
  readonly createdAt: number;
  lastUpdatedAt: number;
}

/** A model definition: a provider's model reached with a secret. */
export interface GatewayModelDefinitionRecord {
  readonly modelDefinitionId: string;
  name: string;
  secretId: string;
  provider: string;
  modelName: string;
  readonly createdBy: string | null;
  lastUpdatedBy: string | null;
  readonly createdAt: number;
  lastUpdatedAt: number;
}

/** One model definition attached to an endpoint. */
export interface GatewayModelMappingRecord {
  readonly mappingId: string;
  readonly modelDefinitionId: string;
  readonly weight: number;
  readonly linkageType: string;
  readonly createdAt: number;
}

/** An endpoint. */
export interface GatewayEndpointRecord {
  readonly endpointId: string;
  name: string;
  readonly mappings: GatewayModelMappingRecord[];
  readonly tags: Map<string, string>;
  readonly createdBy: string;
  lastUpdatedBy: string;
  readonly experimentId: string;
  readonly createdAt: number;
  lastUpdatedAt: number;
}

/** A budget policy, kept as the request gave it. */
export interface GatewayBudgetPolicyRecord {
  readonly budgetPolicyId: string;
  readonly fields: Readonly<Record<string, unknown>>;
  readonly createdAt: number;
  lastUpdatedAt: number;
}

/** Options for a gateway store. */
export interface GatewayStoreOptions {
  readonly now: () => number;
  readonly random: Prng;
  /** Endpoints create their usage-tracking experiment here. */
  readonly tracking: TrackingStore;
}

/** How MLflow masks a secret value in answers: the first 3 and last 4 characters around `...`. */
export function maskSecretValue(value: string): string {
  if (value.length <= 8) return '*'.repeat(value.length);
  return `${value.slice(0, 3)}...${value.slice(-4)}`;
}

function notFound(kind: string, field: string, id: string): MlflowError {
  return MlflowError.notFound(`${kind} not found (${field}='${id}')`);
}

/** The gateway's secrets, model definitions, endpoints and budget policies. */
export class GatewayStore {
  readonly secrets = new Map<string, GatewaySecretRecord>();
  readonly modelDefinitions = new Map<string, GatewayModelDefinitionRecord>();
  readonly endpoints = new Map<string, GatewayEndpointRecord>();
  readonly budgets = new Map<string, GatewayBudgetPolicyRecord>();
  private readonly options: GatewayStoreOptions;

  constructor(options: GatewayStoreOptions) {
    this.options = options;
  }

  private id(prefix: string): string {
    return `${prefix}${this.options.random.hex(32)}`;
  }

  /** `secrets/create`; a secret name is unique. */
  createSecret(request: {
    secretName: string;
    values: Record<string, string>;
    provider: string | null;
    createdBy: string | null;
  }): GatewaySecretRecord {
    if ([...this.secrets.values()].some((secret) => secret.secretName === request.secretName)) {
      throw MlflowError.alreadyExists(`Secret with name '${request.secretName}' already exists`);
    }
    const now = this.options.now();
    const secret: GatewaySecretRecord = {
      secretId: this.id('s-'),
      secretName: request.secretName,
      values: { ...request.values },
      provider: request.provider,
      createdBy: request.createdBy,
      lastUpdatedBy: request.createdBy,
      createdAt: now,
      lastUpdatedAt: now,
    };
    this.secrets.set(secret.secretId, secret);
    return secret;
  }

  /** The secret, or MLflow's 404. */
  getSecret(secretId: string): GatewaySecretRecord {
    const secret = this.secrets.get(secretId);
    if (!secret) throw notFound('GatewaySecret', 'secret_id', secretId);
    return secret;
  }

  /** `secrets/update`: new values; `last_updated_by` is whoever the request names (nobody when none). */
  updateSecret(secretId: string, values: Record<string, string>, updatedBy: string | null): GatewaySecretRecord {
    const secret = this.getSecret(secretId);
    secret.values = { ...values };
    secret.lastUpdatedBy = updatedBy;
    secret.lastUpdatedAt = this.options.now();
    return secret;
  }

  /** `secrets/delete`. */
  deleteSecret(secretId: string): void {
    this.getSecret(secretId);
    this.secrets.delete(secretId);
  }

  /** `model-definitions/create`: the secret must exist. */
  createModelDefinition(request: {
    name: string;
    secretId: string;
    provider: string;
    modelName: string;
    createdBy: string | null;
  }): GatewayModelDefinitionRecord {
    this.getSecret(request.secretId);
    if ([...this.modelDefinitions.values()].some((definition) => definition.name === request.name)) {
      throw MlflowError.alreadyExists(`Model definition with name '${request.name}' already exists`);
    }
    const now = this.options.now();
    const definition: GatewayModelDefinitionRecord = {
      modelDefinitionId: this.id('d-'),
      ...request,
      lastUpdatedBy: request.createdBy,
      createdAt: now,
      lastUpdatedAt: now,
    };
    this.modelDefinitions.set(definition.modelDefinitionId, definition);
    return definition;
  }

  /** The model definition, or MLflow's 404. */
  getModelDefinition(modelDefinitionId: string): GatewayModelDefinitionRecord {
    const definition = this.modelDefinitions.get(modelDefinitionId);
    if (!definition) throw notFound('GatewayModelDefinition', 'model_definition_id', modelDefinitionId);
    return definition;
  }

  /** `model-definitions/update`: the fields given change. */
  updateModelDefinition(
    modelDefinitionId: string,
    changes: { name?: string; secretId?: string; provider?: string; modelName?: string; updatedBy?: string },
  ): GatewayModelDefinitionRecord {
    const definition = this.getModelDefinition(modelDefinitionId);
    if (changes.secretId !== undefined) this.getSecret(changes.secretId);
    if (changes.name !== undefined) definition.name = changes.name;
    if (changes.secretId !== undefined) definition.secretId = changes.secretId;
    if (changes.provider !== undefined) definition.provider = changes.provider;
    if (changes.modelName !== undefined) definition.modelName = changes.modelName;
    definition.lastUpdatedBy = changes.updatedBy ?? null;
    definition.lastUpdatedAt = this.options.now();
    return definition;
  }

  /** `model-definitions/delete`. */
  deleteModelDefinition(modelDefinitionId: string): void {
    this.getModelDefinition(modelDefinitionId);
    this.modelDefinitions.delete(modelDefinitionId);
  }

  /**
   * `endpoints/create`: the model definitions must exist; the endpoint gets a usage-tracking experiment
   * (`gateway/{name}`; the recording shows a new experiment id, not its name).
   */
  createEndpoint(request: {
    name: string;
    modelConfigs: ReadonlyArray<{ modelDefinitionId: string; linkageType: string; weight: number }>;
    createdBy: string;
  }): GatewayEndpointRecord {
    for (const config of request.modelConfigs) this.getModelDefinition(config.modelDefinitionId);
    if ([...this.endpoints.values()].some((endpoint) => endpoint.name === request.name)) {
      throw MlflowError.alreadyExists(`Endpoint with name '${request.name}' already exists`);
    }
    const experimentName = `gateway/${request.name}`;
    const experiment =
      this.options.tracking.getExperimentByName(experimentName) ??
      this.options.tracking.createExperiment(experimentName, '', []);
    const now = this.options.now();
    const endpoint: GatewayEndpointRecord = {
      endpointId: this.id('e-'),
      name: request.name,
      mappings: request.modelConfigs.map((config) => ({
        mappingId: this.id('m-'),
        modelDefinitionId: config.modelDefinitionId,
        weight: config.weight,
        linkageType: config.linkageType,
        createdAt: now,
      })),
      tags: new Map(),
      createdBy: request.createdBy,
      lastUpdatedBy: request.createdBy,
      experimentId: experiment.experimentId,
      createdAt: now,
      lastUpdatedAt: now,
    };
    this.endpoints.set(endpoint.endpointId, endpoint);
    return endpoint;
  }

  /** The endpoint, or MLflow's 404. */
  getEndpoint(endpointId: string): GatewayEndpointRecord {
    const endpoint = this.endpoints.get(endpointId);
    if (!endpoint) throw notFound('GatewayEndpoint', 'endpoint_id', endpointId);
    return endpoint;
  }

  /** `endpoints/delete`. */
  deleteEndpoint(endpointId: string): void {
    this.getEndpoint(endpointId);
    this.endpoints.delete(endpointId);
  }

  /** `endpoints/set-tag` and `endpoints/delete-tag`. */
  setEndpointTag(endpointId: string, key: string, value: string | undefined): void {
    const endpoint = this.getEndpoint(endpointId);
    if (value === undefined) endpoint.tags.delete(key);
    else endpoint.tags.set(key, value);
  }

  /** `budgets/create`. */
  createBudget(fields: Record<string, unknown>): GatewayBudgetPolicyRecord {
    const now = this.options.now();
    const budget = { budgetPolicyId: this.id('bp-'), fields: { ...fields }, createdAt: now, lastUpdatedAt: now };
    this.budgets.set(budget.budgetPolicyId, budget);
    return budget;
  }

  /** The budget policy, or MLflow's 404. */
  getBudget(budgetPolicyId: string): GatewayBudgetPolicyRecord {
    const budget = this.budgets.get(budgetPolicyId);
    if (!budget) throw notFound('GatewayBudgetPolicy', 'budget_policy_id', budgetPolicyId);
    return budget;
  }

  /** `budgets/delete`. */
  deleteBudget(budgetPolicyId: string): void {
    this.getBudget(budgetPolicyId);
    this.budgets.delete(budgetPolicyId);
  }
}
