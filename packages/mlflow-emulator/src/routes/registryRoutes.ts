// MLflow model-registry endpoints as MLflow 2.12's handlers.py reads them; in 3.x mode also MLflow 3's: versions
// made from logged models (`model_id`), prompts kept out of searches, and the SQL store's tag orders.
import type { EmulatorStore } from '../EmulatorStore.js';
import { MlflowError } from '../MlflowError.js';
import { Messages } from '../messages.js';
import { Messages3 } from '../messages3.js';
import { isMlflow3 } from '../mlflowVersion.js';
import { readRequest, type ProtoMessage } from '../protoJson.js';
import type { LoggedModelRecord } from '../records.js';
import { PROMPT_TAG } from '../RegistryStore.js';
import type { EmulatorSettings, Route } from '../router.js';
import type { TrackingStore } from '../TrackingStore.js';
import { posixNormpath } from '../validation.js';
import { modelVersionJson, registeredModelJson, type Json, type TagOrder } from '../wireJson.js';

/** MLflow 3 reads a version's tags in key order on single reads (get, get-by-alias, a model's latest versions). */
function versionTagOrder(settings: EmulatorSettings): TagOrder {
  return isMlflow3(settings) ? { sortVersionTags: true } : {};
}

/** The logged model a `models:/<model_id>` URI names, if it names one. */
function modelIdOfUri(source: string): string | undefined {
  return /^models:\/(m-[^/]+)\/?$/.exec(source)?.[1];
}

/**
 * MLflow 3: the logged model a new version comes from (its `model_id`, or a `models:/m-…` source). An unknown one
 * fails while MLflow resolves the source, as a 500 (recorded, seq 121).
 */
function sourceLoggedModel(store: EmulatorStore, source: string, modelId: string): LoggedModelRecord | undefined {
  const id = modelId || modelIdOfUri(source);
  if (!id) return undefined;
  const model = store.loggedModels.models.get(id);
  if (!model || model.deleted) {
    throw MlflowError.internal(
      `Unable to fetch model from model URI source artifact location '${source}'.Error: Logged model with ID '${id}' not found.`,
    );
  }
  return model;
}

/** MLflow 3's source rule for prompt versions: anything but a local file. */
function validatePromptSource(source: string): void {
  if (/^file:/i.test(source)) {
    throw MlflowError.invalidParameter(
      `Invalid prompt source: '${source}'. Local source paths are not allowed for prompts.`,
    );
  }
}

/** A logged model's own artifacts are a valid local source for a version made from it (recorded, seq 119). */
function isInsideModelArtifacts(source: string, model: LoggedModelRecord): boolean {
  const root = posixNormpath(model.artifactUri.replace(/^file:(\/\/[^/]*)?/, ''));
  const path = posixNormpath(source.replace(/^file:(\/\/[^/]*)?/, ''));
  return path === root || path.startsWith(`${root}/`);
}

function keyValues(message: ProtoMessage, field: string): Array<{ key: string; value: string }> {
  return message.messages(field).map((item) => ({ key: item.str('key'), value: item.str('value') }));
}

/** `is_local_uri`: no scheme, or `file:` on this host. */
function isLocalUri(uri: string): boolean {
  const match = /^([a-zA-Z][a-zA-Z0-9+.-]*):(\/\/([^/?#]*))?/.exec(uri);
  if (!match) return true;
  const scheme = (match[1] ?? '').toLowerCase();
  const host = (match[3] ?? '').split('@').pop()?.split(':')[0] ?? '';
  const remote = host !== '' && host !== '.' && !host.startsWith('localhost') && !host.startsWith('127.0.0.1');
  if (scheme === 'file') return !remote;
  return false;
}

/** `_validate_source`: local sources must sit inside the given run's (local) artifact directory. */
function validateSource(source: string, runId: string, tracking: TrackingStore): void {
  if (isLocalUri(source)) {
    let shown = source;
    if (runId) {
      const run = tracking.getRun(runId);
      const path = posixNormpath(source.replace(/^file:(\/\/[^/]*)?/, ''));
      shown = path;
      if (isLocalUri(run.artifactUri)) {
        const root = posixNormpath(run.artifactUri.replace(/^file:(\/\/[^/]*)?/, ''));
        if (path === root || path.startsWith(`${root}/`)) return;
      }
    }
    throw MlflowError.invalidParameter(
      `Invalid model version source: '${shown}'. To use a local path as a model version source, the run_id request parameter has to be specified and the local path has to be contained within the artifact directory of the run specified by the run_id.`,
    );
  }
  let decoded = source;
  for (let i = 0; i < 10; i += 1) {
    let next: string;
    try {
      next = decodeURIComponent(decoded.replace(/\+/g, ' '));
    } catch {
      break;
    }
    if (next === decoded) break;
    decoded = next;
  }
  if (decoded.split('/').includes('..') || decoded.includes('\u0000')) {
    throw MlflowError.invalidParameter(
      `Invalid model version source: '${source}'. If supplying a source as an http, https, local file path, ftp, objectstore, or mlflow-artifacts uri, an absolute path must be provided without relative path references present. Please provide an absolute path.`,
    );
  }
}

/** The registry routes, paths relative to the MLflow prefixes. */
export const registryRoutes: readonly Route[] = [
  {
    operation: 'CreateRegisteredModel',
    path: '/registered-models/create',
    methods: ['POST'],
    handler: (request, { store }) => {
      const message = readRequest(request, Messages.CreateRegisteredModel, [
        ['name', ['string', 'required']],
        ['tags', ['array']],
        ['description', ['string']],
      ]);
      const model = store.registry.createRegisteredModel(
        message.str('name'),
        keyValues(message, 'tags'),
        message.str('description'),
      );
      return { registered_model: registeredModelJson(model) };
    },
  },
  {
    operation: 'GetRegisteredModel',
    path: '/registered-models/get',
    methods: ['GET'],
    handler: (request, { store, settings }) => {
      const message = readRequest(request, Messages.GetRegisteredModel, [['name', ['string', 'required']]]);
      const model = store.registry.getRegisteredModel(message.str('name'));
      return { registered_model: registeredModelJson(model, versionTagOrder(settings)) };
    },
  },
  {
    operation: 'UpdateRegisteredModel',
    path: '/registered-models/update',
    methods: ['PATCH'],
    handler: (request, { store }) => {
      const message = readRequest(request, Messages.UpdateRegisteredModel, [
        ['name', ['string', 'required']],
        ['description', ['string']],
      ]);
      const model = store.registry.updateRegisteredModel(message.str('name'), message.str('description'));
      return { registered_model: registeredModelJson(model) };
    },
  },
  {
    operation: 'RenameRegisteredModel',
    path: '/registered-models/rename',
    methods: ['POST'],
    handler: (request, { store }) => {
      const message = readRequest(request, Messages.RenameRegisteredModel, [
        ['name', ['string', 'required']],
        ['new_name', ['string', 'required']],
      ]);
      const model = store.registry.renameRegisteredModel(message.str('name'), message.str('new_name'));
      return { registered_model: registeredModelJson(model) };
    },
  },
  {
    operation: 'DeleteRegisteredModel',
    path: '/registered-models/delete',
    methods: ['DELETE'],
    handler: (request, { store }) => {
      const message = readRequest(request, Messages.DeleteRegisteredModel, [['name', ['string', 'required']]]);
      store.registry.deleteRegisteredModel(message.str('name'));
      return {};
    },
  },
  {
    operation: 'SearchRegisteredModels',
    path: '/registered-models/search',
    methods: ['GET'],
    handler: (request, { store, settings }) => {
      const message = readRequest(request, Messages.SearchRegisteredModels, [
        ['filter', ['string']],
        ['max_results', ['intlike', { maxInt: 1000 }]],
        ['order_by', ['array', 'itemString']],
        ['page_token', ['string']],
      ]);
      const page = store.registry.searchRegisteredModels({
        filter: message.str('filter'),
        maxResults: message.num('max_results'),
        orderBy: message.list('order_by'),
        pageToken: message.str('page_token'),
      });
      const json: Json = {};
      // MLflow 3's search reads model tags in key order (recorded, seq 143).
      const order: TagOrder = isMlflow3(settings) ? { sortModelTags: true } : {};
      if (page.items.length > 0)
        json['registered_models'] = page.items.map((model) => registeredModelJson(model, order));
      if (page.nextPageToken) json['next_page_token'] = page.nextPageToken;
      return json;
    },
  },
  {
    operation: 'GetLatestVersions',
    path: '/registered-models/get-latest-versions',
    methods: ['POST', 'GET'],
    handler: (request, { store }) => {
      const message = readRequest(request, Messages.GetLatestVersions, [
        ['name', ['string', 'required']],
        ['stages', ['array', 'itemString']],
      ]);
      const versions = store.registry.getLatestVersions(message.str('name'), message.list('stages'));
      return versions.length > 0 ? { model_versions: versions.map((version) => modelVersionJson(version)) } : {};
    },
  },
  {
    operation: 'SetRegisteredModelTag',
    path: '/registered-models/set-tag',
    methods: ['POST'],
    handler: (request, { store }) => {
      const message = readRequest(request, Messages.SetRegisteredModelTag, [
        ['name', ['string', 'required']],
        ['key', ['string', 'required']],
        ['value', ['string']],
      ]);
      store.registry.setRegisteredModelTag(message.str('name'), message.str('key'), message.str('value'));
      return {};
    },
  },
  {
    operation: 'DeleteRegisteredModelTag',
    path: '/registered-models/delete-tag',
    methods: ['DELETE'],
    handler: (request, { store }) => {
      const message = readRequest(request, Messages.DeleteRegisteredModelTag, [
        ['name', ['string', 'required']],
        ['key', ['string', 'required']],
      ]);
      store.registry.deleteRegisteredModelTag(message.str('name'), message.str('key'));
      return {};
    },
  },
  {
    operation: 'CreateModelVersion',
    path: '/model-versions/create',
    methods: ['POST'],
    handler: (request, { store, settings }) => {
      const message = readRequest(
        request,
        isMlflow3(settings) ? Messages3.CreateModelVersion : Messages.CreateModelVersion,
        [
          ['name', ['string', 'required']],
          ['source', ['string', 'required']],
          ['run_id', ['string']],
          ['tags', ['array']],
          ['run_link', ['string']],
          ['description', ['string']],
        ],
      );
      const source = message.str('source');
      const tags = keyValues(message, 'tags');
      let runId = message.str('run_id');
      let loggedModel: LoggedModelRecord | undefined;
      if (isMlflow3(settings)) {
        loggedModel = sourceLoggedModel(store, source, message.str('model_id'));
        const prompt =
          tags.some((tag) => tag.key === PROMPT_TAG && tag.value.toLowerCase() === 'true') ||
          store.registry.models.get(message.str('name'))?.tags.get(PROMPT_TAG)?.toLowerCase() === 'true';
        if (prompt) validatePromptSource(source);
        else if (!loggedModel || !isInsideModelArtifacts(source, loggedModel))
          validateSource(source, runId, store.tracking);
        // A version made from a logged model takes the model's source run (recorded, seq 119).
        if (loggedModel && !runId) runId = loggedModel.sourceRunId;
      } else {
        validateSource(source, runId, store.tracking);
      }
      const version = store.registry.createModelVersion({
        name: message.str('name'),
        source,
        runId,
        runLink: message.str('run_link'),
        description: message.str('description'),
        tags,
        requestedRunId: message.str('run_id'),
      });
      // The link MLflow 3 keeps: the logged model's `mlflow.modelVersions` tag (versions carry no model_id).
      if (loggedModel) store.loggedModels.linkModelVersion(loggedModel.modelId, version.name, version.version);
      return { model_version: modelVersionJson(version) };
    },
  },
  {
    operation: 'GetModelVersion',
    path: '/model-versions/get',
    methods: ['GET'],
    handler: (request, { store, settings }) => {
      const message = readRequest(request, Messages.GetModelVersion, [
        ['name', ['string', 'required']],
        ['version', ['string', 'required']],
      ]);
      const version = store.registry.getModelVersion(message.str('name'), message.str('version'));
      return { model_version: modelVersionJson(version, store.registry.aliasesOf(version), versionTagOrder(settings)) };
    },
  },
  {
    operation: 'UpdateModelVersion',
    path: '/model-versions/update',
    methods: ['PATCH'],
    handler: (request, { store }) => {
      const message = readRequest(request, Messages.UpdateModelVersion, [
        ['name', ['string', 'required']],
        ['version', ['string', 'required']],
        ['description', ['string']],
      ]);
      const version = store.registry.updateModelVersion(
        message.str('name'),
        message.str('version'),
        message.has('description') ? message.str('description') : null,
      );
      return { model_version: modelVersionJson(version, store.registry.aliasesOf(version)) };
    },
  },
  {
    operation: 'TransitionModelVersionStage',
    path: '/model-versions/transition-stage',
    methods: ['POST'],
    handler: (request, { store }) => {
      const message = readRequest(request, Messages.TransitionModelVersionStage, [
        ['name', ['string', 'required']],
        ['version', ['string', 'required']],
        ['stage', ['string', 'required']],
        ['archive_existing_versions', ['bool']],
      ]);
      const version = store.registry.transitionModelVersionStage(
        message.str('name'),
        message.str('version'),
        message.str('stage'),
        message.bool('archive_existing_versions'),
      );
      return { model_version: modelVersionJson(version, store.registry.aliasesOf(version)) };
    },
  },
  {
    operation: 'DeleteModelVersion',
    path: '/model-versions/delete',
    methods: ['DELETE'],
    handler: (request, { store }) => {
      const message = readRequest(request, Messages.DeleteModelVersion, [
        ['name', ['string', 'required']],
        ['version', ['string', 'required']],
      ]);
      store.registry.deleteModelVersion(message.str('name'), message.str('version'));
      return {};
    },
  },
  {
    operation: 'GetModelVersionDownloadUri',
    path: '/model-versions/get-download-uri',
    methods: ['GET'],
    handler: (request, { store, settings }) => {
      const message = readRequest(request, Messages.GetModelVersionDownloadUri);
      const uri = store.registry.getModelVersionDownloadUri(message.str('name'), message.str('version'));
      // MLflow 3 resolves a `models:/m-…` source to the logged model's artifacts (recorded, seq 132).
      const modelId = isMlflow3(settings) ? modelIdOfUri(uri) : undefined;
      return { artifact_uri: modelId ? store.loggedModels.getLoggedModel(modelId).artifactUri : uri };
    },
  },
  {
    operation: 'SearchModelVersions',
    path: '/model-versions/search',
    methods: ['GET'],
    handler: (request, { store }) => {
      const message = readRequest(request, Messages.SearchModelVersions, [
        ['filter', ['string']],
        ['max_results', ['intlike', { maxInt: 200000 }]],
        ['order_by', ['array', 'itemString']],
        ['page_token', ['string']],
      ]);
      const page = store.registry.searchModelVersions({
        filter: message.str('filter'),
        maxResults: message.num('max_results'),
        orderBy: message.list('order_by'),
        pageToken: message.str('page_token'),
      });
      const json: Json = {};
      if (page.items.length > 0) json['model_versions'] = page.items.map((version) => modelVersionJson(version));
      if (page.nextPageToken) json['next_page_token'] = page.nextPageToken;
      return json;
    },
  },
  {
    operation: 'SetModelVersionTag',
    path: '/model-versions/set-tag',
    methods: ['POST'],
    handler: (request, { store }) => {
      const message = readRequest(request, Messages.SetModelVersionTag, [
        ['name', ['string', 'required']],
        ['version', ['string', 'required']],
        ['key', ['string', 'required']],
        ['value', ['string']],
      ]);
      store.registry.setModelVersionTag(
        message.str('name'),
        message.str('version'),
        message.str('key'),
        message.str('value'),
      );
      return {};
    },
  },
  {
    operation: 'DeleteModelVersionTag',
    path: '/model-versions/delete-tag',
    methods: ['DELETE'],
    handler: (request, { store }) => {
      const message = readRequest(request, Messages.DeleteModelVersionTag, [
        ['name', ['string', 'required']],
        ['version', ['string', 'required']],
        ['key', ['string', 'required']],
      ]);
      store.registry.deleteModelVersionTag(message.str('name'), message.str('version'), message.str('key'));
      return {};
    },
  },
  {
    operation: 'SetRegisteredModelAlias',
    path: '/registered-models/alias',
    methods: ['POST'],
    handler: (request, { store }) => {
      const message = readRequest(request, Messages.SetRegisteredModelAlias, [
        ['name', ['string', 'required']],
        ['alias', ['string', 'required']],
        ['version', ['string', 'required']],
      ]);
      store.registry.setRegisteredModelAlias(message.str('name'), message.str('alias'), message.str('version'));
      return {};
    },
  },
  {
    operation: 'DeleteRegisteredModelAlias',
    path: '/registered-models/alias',
    methods: ['DELETE'],
    handler: (request, { store }) => {
      const message = readRequest(request, Messages.DeleteRegisteredModelAlias, [
        ['name', ['string', 'required']],
        ['alias', ['string', 'required']],
      ]);
      store.registry.deleteRegisteredModelAlias(message.str('name'), message.str('alias'));
      return {};
    },
  },
  {
    operation: 'GetModelVersionByAlias',
    path: '/registered-models/alias',
    methods: ['GET'],
    handler: (request, { store, settings }) => {
      const message = readRequest(request, Messages.GetModelVersionByAlias, [
        ['name', ['string', 'required']],
        ['alias', ['string', 'required']],
      ]);
      const version = store.registry.getModelVersionByAlias(message.str('name'), message.str('alias'));
      return { model_version: modelVersionJson(version, store.registry.aliasesOf(version), versionTagOrder(settings)) };
    },
  },
];
