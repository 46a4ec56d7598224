// MLflow 3's logged models (`/api/2.0/mlflow/logged-models...`): create, get, finalize, tags, params, search,
// delete and the artifact listing, with the recorded answers (3.x mode only): finalizing with a status the enum does
// not know stores LOGGED_MODEL_STATUS_UNSPECIFIED (the proto parse stops there), DELETE endpoints read a JSON body,
// the model id comes from the path and any text is a 404 when no model has it.
import { Messages3 } from '../messages3.js';
import { RawResponse } from '../MlflowError.js';
import { isMlflow3 } from '../mlflowVersion.js';
import { loggedModelJson } from '../loggedModelJson.js';
import { LOGGED_MODELS_DEFAULT_MAX_RESULTS } from '../LoggedModelStore.js';
import type { LoggedModelOrder } from '../loggedModelSearch.js';
import { readRequest, type ProtoMessage } from '../protoJson.js';
import type { LoggedModelStatus } from '../records.js';
import { MLFLOW_PREFIXES, type EmulatorRequest, type RegisterRoutes, type Route } from '../router.js';
import type { Json } from '../wireJson.js';

function keyValues(message: ProtoMessage, field: string): Array<{ key: string; value: string }> {
  return message.messages(field).map((item) => ({ key: item.str('key'), value: item.str('value') }));
}

/** The `{model_id}` of the path. */
function modelIdOf(request: EmulatorRequest): string {
  return request.params?.['model_id'] ?? '';
}

function orderOf(message: ProtoMessage): LoggedModelOrder {
  return {
    fieldName: message.str('field_name'),
    // The proto's default is ascending.
    ascending: message.has('ascending') ? message.bool('ascending') : true,
    ...(message.has('dataset_name') ? { datasetName: message.str('dataset_name') } : {}),
    ...(message.has('dataset_digest') ? { datasetDigest: message.str('dataset_digest') } : {}),
  };
}

/** The logged-model routes, paths relative to the MLflow prefixes. */
export const loggedModelRoutes: readonly Route[] = [
  {
    operation: 'CreateLoggedModel',
    path: '/logged-models',
    methods: ['POST'],
    handler: (request, { store }) => {
      const message = readRequest(request, Messages3.CreateLoggedModel, [
        ['experiment_id', ['required', 'string']],
        ['name', ['string']],
        ['model_type', ['string']],
        ['source_run_id', ['string']],
        ['params', ['array']],
        ['tags', ['array']],
      ]);
      const model = store.loggedModels.createLoggedModel({
        experimentId: message.str('experiment_id'),
        name: message.str('name'),
        modelType: message.str('model_type'),
        sourceRunId: message.str('source_run_id'),
        params: keyValues(message, 'params'),
        tags: keyValues(message, 'tags'),
      });
      return { model: loggedModelJson(model) };
    },
  },
  {
    operation: 'SearchLoggedModels',
    path: '/logged-models/search',
    methods: ['POST'],
    handler: (request, { store }) => {
      const message = readRequest(request, Messages3.SearchLoggedModels, [
        ['experiment_ids', ['required', 'array', 'itemString']],
        ['filter', ['string']],
        ['datasets', ['array']],
        ['max_results', ['intlike']],
        ['order_by', ['array']],
        ['page_token', ['string']],
      ]);
      const page = store.loggedModels.searchLoggedModels({
        experimentIds: message.list('experiment_ids'),
        filter: message.str('filter'),
        datasets: message.messages('datasets').map((dataset) => ({
          datasetName: dataset.str('dataset_name'),
          ...(dataset.has('dataset_digest') ? { datasetDigest: dataset.str('dataset_digest') } : {}),
        })),
        orderBy: message.messages('order_by').map(orderOf),
        maxResults: message.has('max_results') ? message.num('max_results') : LOGGED_MODELS_DEFAULT_MAX_RESULTS,
        pageToken: message.str('page_token'),
      });
      const json: Json = {};
      if (page.items.length > 0) json['models'] = page.items.map(loggedModelJson);
      if (page.nextPageToken) json['next_page_token'] = page.nextPageToken;
      return json;
    },
  },
  {
    operation: 'GetLoggedModel',
    path: '/logged-models/{model_id}',
    methods: ['GET'],
    handler: (request, { store }) => ({
      model: loggedModelJson(store.loggedModels.getLoggedModel(modelIdOf(request))),
    }),
  },
  {
    operation: 'FinalizeLoggedModel',
    path: '/logged-models/{model_id}',
    methods: ['PATCH'],
    handler: (request, { store }) => {
      const message = readRequest(request, Messages3.FinalizeLoggedModel, [['status', ['required']]]);
      const status = message.enumValue('status') as LoggedModelStatus;
      return { model: loggedModelJson(store.loggedModels.finalizeLoggedModel(modelIdOf(request), status)) };
    },
  },
  {
    operation: 'DeleteLoggedModel',
    path: '/logged-models/{model_id}',
    methods: ['DELETE'],
    handler: (request, { store }) => {
      readRequest(request, Messages3.DeleteLoggedModel);
      store.loggedModels.deleteLoggedModel(modelIdOf(request));
      return {};
    },
  },
  {
    operation: 'SetLoggedModelTags',
    path: '/logged-models/{model_id}/tags',
    methods: ['PATCH'],
    handler: (request, { store }) => {
      const message = readRequest(request, Messages3.SetLoggedModelTags, [['tags', ['array']]]);
      store.loggedModels.setLoggedModelTags(modelIdOf(request), keyValues(message, 'tags'));
      return {};
    },
  },
  {
    operation: 'DeleteLoggedModelTag',
    path: '/logged-models/{model_id}/tags/{tag_key}',
    methods: ['DELETE'],
    handler: (request, { store }) => {
      readRequest(request, Messages3.DeleteLoggedModelTag);
      store.loggedModels.deleteLoggedModelTag(modelIdOf(request), request.params?.['tag_key'] ?? '');
      return {};
    },
  },
  {
    operation: 'LogLoggedModelParams',
    path: '/logged-models/{model_id}/params',
    methods: ['POST'],
    handler: (request, { store }) => {
      const message = readRequest(request, Messages3.LogLoggedModelParams, [['params', ['array']]]);
      store.loggedModels.logLoggedModelParams(modelIdOf(request), keyValues(message, 'params'));
      return {};
    },
  },
  {
    operation: 'ListLoggedModelArtifacts',
    path: '/logged-models/{model_id}/artifacts/directories',
    methods: ['GET'],
    handler: (request, { store }) => {
      const message = readRequest(request, Messages3.ListLoggedModelArtifacts, [
        ['artifact_directory_path', ['string']],
      ]);
      const model = store.loggedModels.getLoggedModel(modelIdOf(request));
      // A model nothing was uploaded to lists the root alone (the recorded answer); the demo's list their MLmodel.
      const directory = message.str('artifact_directory_path').replace(/^\/+|\/+$/g, '');
      const prefix = directory ? `${directory}/` : '';
      const files = [...model.files]
        .filter(([path]) => path.startsWith(prefix) && !path.slice(prefix.length).includes('/'))
        .map(([path, text]) => ({ path, is_dir: false, file_size: Buffer.byteLength(text, 'utf8') }));
      return { root_uri: model.artifactUri, ...(files.length > 0 ? { files } : {}) };
    },
  },
  {
    // Permission tables key on the request name: reading a model's file needs what listing them needs.
    operation: 'ListLoggedModelArtifacts',
    path: '/logged-models/{model_id}/artifacts/files',
    methods: ['GET'],
    handler: (request, { store }) => {
      const model = store.loggedModels.getLoggedModel(modelIdOf(request));
      const path = request.query.get('artifact_file_path') ?? '';
      const text = model.files.get(path);
      if (text === undefined) throw new RawResponse(404, `File not found: ${path}`, 'text/plain; charset=utf-8');
      return new RawResponse(200, text, 'application/octet-stream');
    },
  },
];

/** Adds the logged-model routes in 3.x mode. */
export const registerLoggedModelRoutes: RegisterRoutes = (router, settings) => {
  if (!isMlflow3(settings)) return;
  router.addAll(loggedModelRoutes, MLFLOW_PREFIXES);
};
