// Registered models, versions, tags and aliases with the semantics of MLflow 2.12's model-registry
// SqlAlchemyStore (soft-deleted versions, latest-per-stage, alias rules, search order and paging).
import { MlflowError } from './MlflowError.js';
import { createPageToken, parsePageToken } from './pageToken.js';
import type { Prng } from './prng.js';
import type { ModelVersionRecord, RegisteredModelRecord } from './records.js';
import type { RegistryChange, RegistryListener } from './registryChanges.js';
import {
  compareValues,
  parseModelVersionOrderBy,
  parseModelVersionsFilter,
  parseRegisteredModelOrderBy,
  parseRegisteredModelsFilter,
} from './searchFilter.js';
import type { Page } from './TrackingStore.js';
import { canonicalStage, parseModelVersion, validateAliasName, validateModelName, validateTag } from './validation.js';
import { latestVersions } from './wireJson.js';

/** Options for a registry store. */
export interface RegistryStoreOptions {
  readonly now: () => number;
  readonly random: Prng;
  /** Answer as MLflow 3: searches leave prompts out unless the filter asks about them. */
  readonly mlflow3?: boolean;
}

/** The tag that makes a registered model a prompt (MLflow 3's prompt registry lives in the model registry). */
export const PROMPT_TAG = 'mlflow.prompt.is_prompt';

/** Whether a registered model is a prompt. */
export function isPrompt(model: RegisteredModelRecord): boolean {
  return model.tags.get(PROMPT_TAG)?.toLowerCase() === 'true';
}

/** Whether a parsed filter says anything about the prompt tag (then MLflow 3's searches do not hide prompts). */
function mentionsPromptTag(clauses: ReadonlyArray<{ type: string; key: string }>): boolean {
  return clauses.some((clause) => clause.type === 'tag' && clause.key === PROMPT_TAG);
}

/** SEARCH_REGISTERED_MODEL_MAX_RESULTS_THRESHOLD. */
export const REGISTERED_MODELS_MAX_RESULTS = 1000;
/** SEARCH_MODEL_VERSION_MAX_RESULTS_THRESHOLD. */
export const MODEL_VERSIONS_MAX_RESULTS = 200000;

function compareScalars(a: string | number, b: string | number): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Registered models and their versions. */
export class RegistryStore {
  readonly models = new Map<string, RegisteredModelRecord>();
  readonly modelsById = new Map<string, RegisteredModelRecord>();
  /** run id → versions created from that run (live and deleted), for `run_id` filters. */
  readonly versionsByRunId = new Map<string, Set<ModelVersionRecord>>();
  private readonly options: RegistryStoreOptions;
  private readonly listeners: RegistryListener[] = [];

  constructor(options: RegistryStoreOptions) {
    this.options = options;
  }

  /** Tells `listener` of every write MLflow 3 reports to webhooks (the webhook store delivers them). */
  onChange(listener: RegistryListener): void {
    this.listeners.push(listener);
  }

  private changed(change: RegistryChange): void {
    for (const listener of this.listeners) listener(change);
  }

  private now(): number {
    return this.options.now();
  }

  /** registered-models/create. */
  createRegisteredModel(
    name: string,
    tags: ReadonlyArray<{ key: string; value: string }>,
    description: string | null,
    options: { creationTimestamp?: number; userId?: string | null; id?: string } = {},
  ): RegisteredModelRecord {
    validateModelName(name);
    for (const tag of tags) validateTag(tag.key, tag.value);
    if (this.models.has(name)) {
      throw MlflowError.alreadyExists(
        `Registered Model (name=${name}) already exists. Error: (sqlite3.IntegrityError) UNIQUE constraint failed: registered_models.name`,
      );
    }
    const created = options.creationTimestamp ?? this.now();
    let id = options.id ?? this.options.random.hex(16);
    while (this.modelsById.has(id)) id = this.options.random.hex(16);
    const model: RegisteredModelRecord = {
      name,
      id,
      creationTimestamp: created,
      lastUpdatedTimestamp: created,
      description: description || null,
      userId: options.userId ?? null,
      tags: new Map(tags.map((tag) => [tag.key, tag.value])),
      aliases: new Map(),
      versions: new Map(),
      maxVersion: 0,
    };
    this.models.set(name, model);
    this.modelsById.set(id, model);
    this.changed({ kind: 'registered_model.created', model });
    return model;
  }

  /** The model, or MLflow's 404. */
  getRegisteredModel(name: string): RegisteredModelRecord {
    validateModelName(name);
    const model = this.models.get(name);
    if (!model) throw MlflowError.notFound(`Registered Model with name=${name} not found`);
    return model;
  }

  /** registered-models/rename: the versions follow the model. */
  renameRegisteredModel(name: string, newName: string): RegisteredModelRecord {
    validateModelName(newName);
    const model = this.getRegisteredModel(name);
    if (newName !== name && this.models.has(newName)) {
      throw MlflowError.alreadyExists(
        `Registered Model (name=${newName}) already exists. Error: (sqlite3.IntegrityError) UNIQUE constraint failed: registered_models.name`,
      );
    }
    this.models.delete(name);
    model.name = newName;
    for (const version of model.versions.values()) version.name = newName;
    model.lastUpdatedTimestamp = this.now();
    this.models.set(newName, model);
    return model;
  }

  /** registered-models/update (description). */
  updateRegisteredModel(name: string, description: string): RegisteredModelRecord {
    const model = this.getRegisteredModel(name);
    model.description = description;
    model.lastUpdatedTimestamp = this.now();
    return model;
  }

  /** registered-models/delete: the model, its versions, tags and aliases go. */
  deleteRegisteredModel(name: string): void {
    const model = this.getRegisteredModel(name);
    for (const version of model.versions.values()) this.unindexVersion(version);
    this.models.delete(name);
    this.modelsById.delete(model.id);
  }

  /** registered-models/set-tag. */
  setRegisteredModelTag(name: string, key: string, value: string): void {
    validateModelName(name);
    validateTag(key, value);
    const model = this.getRegisteredModel(name);
    model.tags.set(key, value);
    this.changed({ kind: 'registered_model_tag.set', model, key });
  }

  /** registered-models/delete-tag (a missing tag is not an error). */
  deleteRegisteredModelTag(name: string, key: string): void {
    const model = this.getRegisteredModel(name);
    model.tags.delete(key);
    this.changed({ kind: 'registered_model_tag.deleted', model, key });
  }

  private indexVersion(version: ModelVersionRecord): void {
    if (!version.runId) return;
    let set = this.versionsByRunId.get(version.runId);
    if (!set) {
      set = new Set();
      this.versionsByRunId.set(version.runId, set);
    }
    set.add(version);
  }

  private unindexVersion(version: ModelVersionRecord): void {
    const set = this.versionsByRunId.get(version.runId);
    if (!set) return;
    set.delete(version);
    if (set.size === 0) this.versionsByRunId.delete(version.runId);
  }

  /** model-versions/create: next version number, stage None, status READY. */
  createModelVersion(request: {
    name: string;
    source: string;
    runId: string;
    runLink: string;
    description: string | null;
    tags: ReadonlyArray<{ key: string; value: string }>;
    creationTimestamp?: number;
    userId?: string | null;
    /** The run id the request named, when `runId` came from elsewhere (a logged model): webhooks report this one. */
    requestedRunId?: string;
  }): ModelVersionRecord {
    for (const tag of request.tags) validateTag(tag.key, tag.value);
    const model = this.getRegisteredModel(request.name);
    const created = request.creationTimestamp ?? this.now();
    model.maxVersion += 1;
    const version: ModelVersionRecord = {
      name: model.name,
      version: model.maxVersion,
      creationTimestamp: created,
      lastUpdatedTimestamp: created,
      currentStage: 'None',
      description: request.description,
      source: request.source,
      runId: request.runId,
      runLink: request.runLink,
      status: 'READY',
      userId: request.userId ?? null,
      tags: new Map(request.tags.map((tag) => [tag.key, tag.value])),
      deleted: false,
    };
    model.versions.set(version.version, version);
    model.lastUpdatedTimestamp = created;
    this.indexVersion(version);
    this.changed({
      kind: 'model_version.created',
      model,
      version,
      requestedRunId: request.requestedRunId ?? request.runId,
    });
    return version;
  }

  /** The live version, or MLflow's 404 (deleted versions are not found). */
  getModelVersion(name: string, version: string | number): ModelVersionRecord {
    const number = parseModelVersion(version);
    const model = this.models.get(name);
    const record = model?.versions.get(number);
    if (!record || record.deleted) {
      throw MlflowError.notFound(`Model Version (name=${name}, version=${number}) not found`);
    }
    return record;
  }

  private isPromptVersion(version: ModelVersionRecord): boolean {
    const model = this.models.get(version.name);
    return model !== undefined && isPrompt(model);
  }

  /** Alias names pointing at a version, sorted. */
  aliasesOf(version: ModelVersionRecord): string[] {
    const model = this.models.get(version.name);
    if (!model) return [];
    return [...model.aliases]
      .filter(([, number]) => number === version.version)
      .map(([alias]) => alias)
      .sort();
  }

  /** model-versions/update (description). */
  updateModelVersion(name: string, version: string, description: string | null): ModelVersionRecord {
    const record = this.getModelVersion(name, version);
    if (description !== null) record.description = description;
    record.lastUpdatedTimestamp = this.now();
    return record;
  }

  /** model-versions/transition-stage, archiving the target stage's other versions when asked. */
  transitionModelVersionStage(
    name: string,
    version: string,
    stage: string,
    archiveExisting: boolean,
  ): ModelVersionRecord {
    const canonical = canonicalStage(stage);
    if (archiveExisting && canonical !== 'Staging' && canonical !== 'Production') {
      throw MlflowError.invalidParameter(
        `Model version transition cannot archive existing model versions because '${canonical}' is not an Active stage. Valid stages are Staging and Production.`,
      );
    }
    const record = this.getModelVersion(name, version);
    const now = this.now();
    const model = this.getRegisteredModel(name);
    if (archiveExisting) {
      for (const other of model.versions.values()) {
        if (other !== record && !other.deleted && other.currentStage === canonical) {
          other.currentStage = 'Archived';
          other.lastUpdatedTimestamp = now;
        }
      }
    }
    record.currentStage = canonical;
    record.lastUpdatedTimestamp = now;
    model.lastUpdatedTimestamp = now;
    return record;
  }

  /** model-versions/delete: soft delete with MLflow's redaction; aliases on it go. */
  deleteModelVersion(name: string, version: string): void {
    const record = this.getModelVersion(name, version);
    const model = this.getRegisteredModel(name);
    const now = this.now();
    for (const [alias, number] of [...model.aliases]) {
      if (number === record.version) model.aliases.delete(alias);
    }
    this.unindexVersion(record);
    record.deleted = true;
    record.currentStage = 'Deleted_Internal';
    record.lastUpdatedTimestamp = now;
    record.description = null;
    record.source = 'REDACTED-SOURCE-PATH';
    record.runId = 'REDACTED-RUN-ID';
    record.runLink = 'REDACTED-RUN-LINK';
    model.lastUpdatedTimestamp = now;
  }

  /** model-versions/get-download-uri. */
  getModelVersionDownloadUri(name: string, version: string): string {
    return this.getModelVersion(name, version).source;
  }

  /** registered-models/get-latest-versions. */
  getLatestVersions(name: string, stages: readonly string[]): ModelVersionRecord[] {
    const model = this.getRegisteredModel(name);
    const expected = new Set(
      stages.length > 0 ? stages.map(canonicalStage) : ['None', 'Staging', 'Production', 'Archived'],
    );
    return latestVersions(model).filter((version) => expected.has(version.currentStage));
  }

  /** model-versions/set-tag. */
  setModelVersionTag(name: string, version: string, key: string, value: string): void {
    validateModelName(name);
    parseModelVersion(version);
    validateTag(key, value);
    const record = this.getModelVersion(name, version);
    record.tags.set(key, value);
    this.changed({ kind: 'model_version_tag.set', model: this.getRegisteredModel(name), version: record, key });
  }

  /** model-versions/delete-tag (a missing tag is not an error). */
  deleteModelVersionTag(name: string, version: string, key: string): void {
    validateModelName(name);
    parseModelVersion(version);
    const record = this.getModelVersion(name, version);
    record.tags.delete(key);
    this.changed({ kind: 'model_version_tag.deleted', model: this.getRegisteredModel(name), version: record, key });
  }

  /** registered-models/alias POST. */
  setRegisteredModelAlias(name: string, alias: string, version: string): void {
    validateModelName(name);
    validateAliasName(alias);
    const record = this.getModelVersion(name, version);
    const model = this.getRegisteredModel(name);
    model.aliases.set(alias, record.version);
    this.changed({ kind: 'alias.created', model, alias, version: record.version });
  }

  /** registered-models/alias DELETE (a missing alias is not an error). */
  deleteRegisteredModelAlias(name: string, alias: string): void {
    validateModelName(name);
    validateAliasName(alias);
    const model = this.getRegisteredModel(name);
    model.aliases.delete(alias);
    this.changed({ kind: 'alias.deleted', model, alias });
  }

  /** registered-models/alias GET: unknown aliases are INVALID_PARAMETER_VALUE (400), as in 2.12. */
  getModelVersionByAlias(name: string, alias: string): ModelVersionRecord {
    validateModelName(name);
    const model = this.getRegisteredModel(name);
    const number = model.aliases.get(alias);
    if (number === undefined) throw MlflowError.invalidParameter(`Registered model alias ${alias} not found.`);
    return this.getModelVersion(name, number);
  }

  /** registered-models/search: filter on name and tags, order by name or last update, then name. */
  searchRegisteredModels(request: {
    filter: string;
    maxResults: number;
    orderBy: readonly string[];
    pageToken: string;
  }): Page<RegisteredModelRecord> {
    const { maxResults } = request;
    if (!Number.isInteger(maxResults) || maxResults < 1) {
      throw MlflowError.invalidParameter(
        `Invalid value for max_results. It must be a positive integer, but got ${maxResults}`,
      );
    }
    if (maxResults > REGISTERED_MODELS_MAX_RESULTS) {
      throw MlflowError.invalidParameter(
        `Invalid value for request parameter max_results. It must be at most ${REGISTERED_MODELS_MAX_RESULTS}, but got value ${maxResults}`,
      );
    }
    const clauses = parseRegisteredModelsFilter(request.filter);
    const orders = request.orderBy.map(parseRegisteredModelOrderBy);
    const seen = new Set<string>();
    for (const order of orders) {
      if (seen.has(order.key)) {
        throw MlflowError.invalidParameter(
          `\`order_by\` contains duplicate fields: [${request.orderBy.map((o) => `'${o}'`).join(', ')}]`,
        );
      }
      seen.add(order.key);
    }
    if (!seen.has('name')) orders.push({ key: 'name', ascending: true });
    const offset = Math.max(0, parsePageToken(request.pageToken));
    // MLflow 3's SQL store hides prompts unless the filter mentions the prompt tag, and reads
    // `tags.mlflow.prompt.is_prompt != 'true'` as "not a prompt", models without the tag included (seq 142-145).
    const mlflow3 = this.options.mlflow3 === true;
    const hidePrompts = mlflow3 && !mentionsPromptTag(clauses);
    const matches = [...this.models.values()].filter(
      (model) =>
        !(hidePrompts && isPrompt(model)) &&
        clauses.every((clause) => {
          if (clause.type !== 'tag') return compareValues(model.name, clause.comparator, clause.value);
          const tag = model.tags.get(clause.key);
          if (mlflow3 && clause.key === PROMPT_TAG && clause.comparator === '!=') return tag !== clause.value;
          return compareValues(tag, clause.comparator, clause.value);
        }),
    );
    matches.sort((a, b) => {
      for (const order of orders) {
        const result =
          order.key === 'name'
            ? compareScalars(a.name, b.name)
            : compareScalars(a.lastUpdatedTimestamp, b.lastUpdatedTimestamp);
        if (result !== 0) return order.ascending ? result : -result;
      }
      return 0;
    });
    const window = matches.slice(offset, offset + maxResults + 1);
    const items = window.slice(0, maxResults);
    return window.length > maxResults ? { items, nextPageToken: createPageToken(offset + maxResults) } : { items };
  }

  /**
   * model-versions/search: live versions only; default order last update DESC, name ASC,
   * version DESC. `name =` and `run_id =`/`IN` filters use indexes instead of a scan.
   */
  searchModelVersions(request: {
    filter: string;
    maxResults: number;
    orderBy: readonly string[];
    pageToken: string;
  }): Page<ModelVersionRecord> {
    const { maxResults } = request;
    if (!Number.isInteger(maxResults) || maxResults < 1) {
      throw MlflowError.invalidParameter(
        `Invalid value for max_results. It must be a positive integer, but got ${maxResults}`,
      );
    }
    if (maxResults > MODEL_VERSIONS_MAX_RESULTS) {
      throw MlflowError.invalidParameter(
        `Invalid value for request parameter max_results. It must be at most ${MODEL_VERSIONS_MAX_RESULTS}, but got value ${maxResults}`,
      );
    }
    const clauses = parseModelVersionsFilter(request.filter);
    const orderBy =
      request.orderBy.length > 0 ? request.orderBy : ['last_updated_timestamp DESC', 'name ASC', 'version_number DESC'];
    const orders = orderBy.map(parseModelVersionOrderBy);
    if (!orders.some((order) => order.key === 'name')) orders.push({ key: 'name', ascending: true });
    if (!orders.some((order) => order.key === 'version_number'))
      orders.push({ key: 'version_number', ascending: false });
    const offset = Math.max(0, parsePageToken(request.pageToken));

    let candidates: ModelVersionRecord[];
    const nameClause = clauses.find(
      (clause) => clause.type === 'attribute' && clause.key === 'name' && clause.comparator === '=',
    );
    const runClause = clauses.find(
      (clause) =>
        clause.type === 'attribute' &&
        clause.key === 'run_id' &&
        (clause.comparator === '=' || clause.comparator === 'IN'),
    );
    if (nameClause) {
      candidates = [...(this.models.get(String(nameClause.value))?.versions.values() ?? [])];
    } else if (runClause) {
      const runIds = Array.isArray(runClause.value) ? runClause.value : [String(runClause.value)];
      candidates = [...new Set(runIds.flatMap((runId) => [...(this.versionsByRunId.get(runId) ?? [])]))];
    } else {
      candidates = [...this.models.values()].flatMap((model) => [...model.versions.values()]);
    }
    // MLflow 3 leaves prompt versions out unless the filter mentions the prompt tag (recorded, seq 146).
    const hidePrompts = this.options.mlflow3 === true && !mentionsPromptTag(clauses);
    const matches = candidates.filter(
      (version) =>
        !version.deleted &&
        !(hidePrompts && this.isPromptVersion(version)) &&
        clauses.every((clause) => {
          if (clause.type === 'tag')
            return compareValues(version.tags.get(clause.key), clause.comparator, clause.value);
          switch (clause.key) {
            case 'name':
              return compareValues(version.name, clause.comparator, clause.value);
            case 'run_id':
              return compareValues(version.runId, clause.comparator, clause.value);
            case 'source_path':
              return compareValues(version.source, clause.comparator, clause.value);
            default:
              return compareValues(version.version, clause.comparator, clause.value);
          }
        }),
    );
    const sortValue = (version: ModelVersionRecord, key: string): string | number => {
      switch (key) {
        case 'name':
          return version.name;
        case 'version_number':
          return version.version;
        case 'creation_timestamp':
          return version.creationTimestamp;
        default:
          return version.lastUpdatedTimestamp;
      }
    };
    matches.sort((a, b) => {
      for (const order of orders) {
        const result = compareScalars(sortValue(a, order.key), sortValue(b, order.key));
        if (result !== 0) return order.ascending ? result : -result;
      }
      return 0;
    });
    const window = matches.slice(offset, offset + maxResults + 1);
    const items = window.slice(0, maxResults);
    return window.length > maxResults ? { items, nextPageToken: createPageToken(offset + maxResults) } : { items };
  }
}
