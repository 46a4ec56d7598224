// Evaluation datasets (`/api/3.0/mlflow/datasets/...`) as MLflow 3.11.1's handlers read and answer them (corpus seq
// 201-220). Tags, records, schema and profile cross the wire as JSON-encoded strings; a records string that does not
// parse is an unhandled error in MLflow, so Flask's HTML 500 (seq 207). 3.x mode only; the store is DatasetStore.ts.
import type { DatasetRecordEntry, EvaluationDatasetRecord, JsonObject } from '../DatasetStore.js';
import { MlflowError, internalServerErrorPage } from '../MlflowError.js';
import { isMlflow3 } from '../mlflowVersion.js';
import { createPageToken, parsePageToken } from '../pageToken.js';
import { readRequest, requestJson, type MessageSpec } from '../protoJson.js';
import { MLFLOW3_PREFIXES, type EmulatorRequest, type RegisterRoutes, type Route } from '../router.js';
import { pyJsonDumps } from '../pyJson.js';
import type { Json } from '../wireJson.js';

const S = { kind: 'string' } as const;
const LIST_S = { kind: 'string', repeated: true } as const;
const I32 = { kind: 'int32' } as const;

const CREATE_DATASET: MessageSpec = { name: S, experiment_ids: LIST_S, tags: S, created_by: S };
const SEARCH_DATASETS: MessageSpec = {
  experiment_ids: LIST_S,
  filter_string: S,
  max_results: I32,
  order_by: LIST_S,
  page_token: S,
};
const RECORDS_PAGE: MessageSpec = { max_results: I32, page_token: S };

/** The page size of `datasets/search` and `GET datasets/{id}/records` when none is asked for. */
export const DATASETS_DEFAULT_MAX_RESULTS = 1000;

/** A JSON-encoded string field, decoded; text that does not parse is Python's JSONDecodeError, a Flask 500. */
function decodeJsonString(value: unknown): unknown {
  if (typeof value !== 'string') return undefined;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    throw internalServerErrorPage();
  }
}

function isObject(value: unknown): value is JsonObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function decodeTags(value: unknown): Record<string, string> {
  const tags = decodeJsonString(value);
  if (!isObject(tags)) return {};
  return Object.fromEntries(Object.entries(tags).map(([key, item]) => [key, String(item)]));
}

/** `EvaluationDataset.to_proto()` as JSON; `experiment_ids` only where MLflow includes them (create). */
export function datasetJson(
  dataset: EvaluationDatasetRecord,
  schema?: Record<string, unknown>,
  withExperiments = false,
): Json {
  return {
    dataset_id: dataset.datasetId,
    name: dataset.name,
    tags: pyJsonDumps(dataset.tags),
    ...(schema === undefined ? {} : { schema: pyJsonDumps(schema) }),
    ...(dataset.records.length === 0 ? {} : { profile: pyJsonDumps({ num_records: dataset.records.length }) }),
    digest: dataset.digest,
    created_time: dataset.createdTime,
    last_update_time: dataset.lastUpdateTime,
    ...(withExperiments ? { experiment_ids: [...dataset.experimentIds] } : {}),
  };
}

function recordJson(datasetId: string, entry: DatasetRecordEntry): JsonObject {
  return {
    dataset_record_id: entry.datasetRecordId,
    dataset_id: datasetId,
    inputs: entry.inputs,
    expectations: entry.expectations,
    tags: entry.tags,
    created_time: entry.createdTime,
    last_update_time: entry.lastUpdateTime,
    outputs: entry.outputs,
  };
}

function datasetId(request: EmulatorRequest): string {
  return request.params?.['dataset_id'] ?? '';
}

function experimentIds(value: unknown): string[] {
  return Array.isArray(value) ? value.map(String) : [];
}

/** The `name = '...'` / `name LIKE '...'` filters the UI sends; anything else is refused. */
function parseNameFilter(filter: string): { op: '=' | 'LIKE'; value: string } | undefined {
  if (filter.trim() === '') return undefined;
  const match = /^\s*name\s*(=|LIKE|ILIKE)\s*(['"])(.*)\2\s*$/i.exec(filter);
  if (!match) throw MlflowError.invalidParameter(`Invalid filter string: ${filter}`);
  return { op: match[1]?.toUpperCase() === '=' ? '=' : 'LIKE', value: match[3] ?? '' };
}

function parseRecordsToken(token: string): { createdTime: number; id: string } | undefined {
  if (!token) return undefined;
  const [time, id] = Buffer.from(token, 'base64').toString('utf8').split(':');
  if (!time || !id || !/^\d+$/.test(time)) throw MlflowError.invalidParameter(`Invalid page token: ${token}`);
  return { createdTime: Number(time), id };
}

const routes: readonly Route[] = [
  {
    operation: 'CreateDataset',
    path: '/datasets/create',
    methods: ['POST'],
    handler: (request, { store }) => {
      const message = readRequest(request, CREATE_DATASET, [['name', ['required', 'string']]]);
      const dataset = store.datasets.create(
        message.str('name'),
        message.list('experiment_ids'),
        decodeTags(message.str('tags') || undefined),
      );
      return { dataset: datasetJson(dataset, store.datasets.schema(dataset), true) };
    },
  },
  {
    operation: 'SearchEvaluationDatasets',
    path: '/datasets/search',
    methods: ['GET', 'POST'],
    handler: (request, { store }) => {
      const message = readRequest(request, SEARCH_DATASETS);
      const maxResults = message.has('max_results') ? message.num('max_results') : DATASETS_DEFAULT_MAX_RESULTS;
      const name = parseNameFilter(message.str('filter_string'));
      const page = store.datasets.search({
        experimentIds: message.list('experiment_ids'),
        ...(name === undefined ? {} : { name }),
        maxResults,
        offset: parsePageToken(message.str('page_token')),
      });
      const out: Json = {};
      if (page.items.length > 0)
        out['datasets'] = page.items.map((dataset) => datasetJson(dataset, store.datasets.schema(dataset)));
      if (page.nextOffset !== undefined) out['next_page_token'] = createPageToken(page.nextOffset);
      return out;
    },
  },
  {
    operation: 'GetDataset',
    path: '/datasets/{dataset_id}',
    methods: ['GET'],
    handler: (request, { store }) => {
      const dataset = store.datasets.get(datasetId(request));
      return { dataset: datasetJson(dataset, store.datasets.schema(dataset)) };
    },
  },
  {
    operation: 'DeleteDataset',
    path: '/datasets/{dataset_id}',
    methods: ['DELETE'],
    handler: (request, { store }) => {
      store.datasets.delete(datasetId(request));
      return {};
    },
  },
  {
    operation: 'UpsertDatasetRecords',
    path: '/datasets/{dataset_id}/records',
    methods: ['POST'],
    handler: (request, { store }) => {
      const json = requestJson(request, {});
      const id = datasetId(request);
      store.datasets.get(id);
      const records = decodeJsonString(json['records']);
      if (!Array.isArray(records)) throw internalServerErrorPage();
      const parsed = records.map((record) => {
        if (!isObject(record) || !isObject(record['inputs'])) throw internalServerErrorPage();
        return {
          inputs: record['inputs'],
          ...(isObject(record['expectations']) ? { expectations: record['expectations'] } : {}),
          ...(isObject(record['outputs']) ? { outputs: record['outputs'] } : {}),
          ...(isObject(record['tags']) ? { tags: record['tags'] } : {}),
        };
      });
      const { inserted, updated } = store.datasets.upsertRecords(id, parsed);
      return { inserted_count: inserted, updated_count: updated };
    },
  },
  {
    operation: 'GetDatasetRecords',
    path: '/datasets/{dataset_id}/records',
    methods: ['GET'],
    handler: (request, { store }) => {
      const message = readRequest(request, RECORDS_PAGE);
      const id = datasetId(request);
      const maxResults = message.has('max_results') ? message.num('max_results') : DATASETS_DEFAULT_MAX_RESULTS;
      const after = parseRecordsToken(message.str('page_token'));
      const page = store.datasets.records(id, maxResults, after);
      return {
        records: pyJsonDumps(page.items.map((entry) => recordJson(id, entry))),
        ...(page.nextPageToken === undefined ? {} : { next_page_token: page.nextPageToken }),
      };
    },
  },
  {
    operation: 'DeleteDatasetRecords',
    path: '/datasets/{dataset_id}/records',
    methods: ['DELETE'],
    handler: (request, { store }) => {
      const json = requestJson(request, {});
      const ids = Array.isArray(json['dataset_record_ids']) ? json['dataset_record_ids'].map(String) : [];
      return { deleted_count: store.datasets.deleteRecords(datasetId(request), ids) };
    },
  },
  {
    operation: 'SetDatasetTags',
    path: '/datasets/{dataset_id}/tags',
    methods: ['PATCH'],
    handler: (request, { store }) => {
      const json = requestJson(request, {});
      store.datasets.setTags(datasetId(request), decodeTags(json['tags']));
      return {};
    },
  },
  {
    operation: 'DeleteDatasetTag',
    path: '/datasets/{dataset_id}/tags/{key}',
    methods: ['DELETE'],
    handler: (request, { store }) => {
      store.datasets.deleteTag(datasetId(request), request.params?.['key'] ?? '');
      return {};
    },
  },
  {
    operation: 'GetDatasetExperimentIds',
    path: '/datasets/{dataset_id}/experiment-ids',
    methods: ['GET'],
    handler: (request, { store }) => {
      const ids = store.datasets.get(datasetId(request)).experimentIds;
      return ids.length > 0 ? { experiment_ids: [...ids] } : {};
    },
  },
  {
    operation: 'AddDatasetToExperiments',
    path: '/datasets/{dataset_id}/add-experiments',
    methods: ['POST'],
    handler: (request, { store }) => {
      const ids = experimentIds(requestJson(request, {})['experiment_ids']);
      const dataset = store.datasets.linkExperiments(datasetId(request), ids, true);
      return { dataset: datasetJson(dataset, store.datasets.schema(dataset)) };
    },
  },
  {
    operation: 'RemoveDatasetFromExperiments',
    path: '/datasets/{dataset_id}/remove-experiments',
    methods: ['POST'],
    handler: (request, { store }) => {
      const ids = experimentIds(requestJson(request, {})['experiment_ids']);
      const dataset = store.datasets.linkExperiments(datasetId(request), ids, false);
      return { dataset: datasetJson(dataset, store.datasets.schema(dataset)) };
    },
  },
];

/** Adds the evaluation-dataset routes in 3.x mode. */
export const registerDatasetRoutes: RegisterRoutes = (router, settings) => {
  if (!isMlflow3(settings)) return;
  router.addAll(routes, MLFLOW3_PREFIXES);
};
