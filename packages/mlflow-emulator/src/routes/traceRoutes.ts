// Traces in MLflow 3.x mode: the v3 API (`/api/3.0/mlflow/traces...`), the deprecated v2 one
// (`/api/2.0/mlflow/traces...`, v2 TraceInfo with request ids and millisecond fields), link-to-run and
// link-prompts, the OTLP receiver (`/v1/traces`, routes/otlpRoute.ts) and assessments
// (routes/assessmentRoutes.ts), as MLflow 3.11.1's handlers answered in the recorded corpus. The Databricks-only
// unified-traces endpoints exist but answer an empty 404. In 3.11.1 the basic-auth app has no validator for any
// of these (a read-only or NO_PERMISSIONS user reads, searches and writes traces), so none is registered.
import { RawResponse, TEXT_HTML } from '../MlflowError.js';
import { isMlflow3 } from '../mlflowVersion.js';
import { MLFLOW3_PREFIXES, MLFLOW_PREFIXES, type EmulatorRequest, type RegisterRoutes, type Route } from '../router.js';
import { traceInfoJson, traceInfoV2Json, traceJson } from '../traceJson.js';
import { TraceMessages, keyValuePairs, readTraceRequest, traceInfoInput } from '../traceRequests.js';
import type { TraceState } from '../traceRecords.js';
import { SEARCH_TRACES_DEFAULT_MAX_RESULTS, type MetricAggregation } from '../TraceStore.js';
import type { Json } from '../wireJson.js';
import { assessmentRoutes } from './assessmentRoutes.js';
import { otlpRoute } from './otlpRoute.js';

function param(request: EmulatorRequest, name: string): string {
  return request.params?.[name] ?? '';
}

/** A repeated message field as MLflow prints it: left out when empty. */
function listField(name: string, items: readonly Json[], extra: Json = {}): Json {
  return items.length > 0 ? { [name]: items, ...extra } : { ...extra };
}

const METRIC_AGGREGATIONS = new Set(['COUNT', 'SUM', 'AVG', 'MIN', 'MAX']);

/** The v3 trace routes, paths relative to `/api/3.0/mlflow`. */
const traceV3Routes: readonly Route[] = [
  {
    operation: 'StartTraceV3',
    path: '/traces',
    methods: ['POST'],
    handler: (request, { store }) => {
      const { json } = readTraceRequest(request, TraceMessages.StartTraceV3, [['trace', ['required']]]);
      const trace = store.traces.startTrace(traceInfoInput(json['trace']));
      return { trace: { trace_info: traceInfoJson(trace) } };
    },
  },
  {
    operation: 'GetTraceInfoV3',
    path: '/traces/{trace_id}',
    methods: ['GET'],
    handler: (request, { store }) => ({
      trace: { trace_info: traceInfoJson(store.traces.getTrace(param(request, 'trace_id'))) },
    }),
  },
  {
    operation: 'GetTrace',
    path: '/traces/get',
    methods: ['GET'],
    handler: (request, { store }) => {
      const { message } = readTraceRequest(request, TraceMessages.GetTrace, [['trace_id', ['required', 'string']]]);
      return { trace: traceJson(store.traces.getTraceWithSpans(message.str('trace_id'))) };
    },
  },
  {
    operation: 'BatchGetTraces',
    path: '/traces/batchGet',
    methods: ['GET'],
    handler: (request, { store }) => {
      const { message } = readTraceRequest(request, TraceMessages.BatchGetTraces, [['trace_ids', ['required']]]);
      return listField('traces', store.traces.batchGetTraces(message.list('trace_ids')).map(traceJson));
    },
  },
  {
    operation: 'BatchGetTraceInfos',
    path: '/traces/batchGetInfos',
    methods: ['POST'],
    handler: (request, { store }) => {
      const { message } = readTraceRequest(request, TraceMessages.BatchGetTraceInfos, [
        ['trace_ids', ['required', 'array']],
      ]);
      return listField('trace_infos', store.traces.batchGetTraceInfos(message.list('trace_ids')).map(traceInfoJson));
    },
  },
  {
    operation: 'SetTraceTagV3',
    path: '/traces/{trace_id}/tags',
    methods: ['PATCH'],
    handler: (request, { store }) => {
      const { message } = readTraceRequest(request, TraceMessages.SetTraceTagV3, [
        ['key', ['required', 'string']],
        ['value', ['string']],
      ]);
      store.traces.setTag(param(request, 'trace_id'), message.str('key'), message.str('value'));
      return {};
    },
  },
  {
    operation: 'DeleteTraceTagV3',
    path: '/traces/{trace_id}/tags',
    methods: ['DELETE'],
    handler: (request, { store }) => {
      const { message } = readTraceRequest(request, TraceMessages.DeleteTraceTagV3, [['key', ['required', 'string']]]);
      store.traces.deleteTag(param(request, 'trace_id'), message.str('key'));
      return {};
    },
  },
  {
    operation: 'SearchTracesV3',
    path: '/traces/search',
    methods: ['POST'],
    handler: (request, { store }) => {
      const { message } = readTraceRequest(request, TraceMessages.SearchTracesV3, [
        ['locations', ['array']],
        ['filter', ['string']],
        ['max_results', ['intlike']],
        ['order_by', ['array']],
        ['page_token', ['string']],
      ]);
      const experimentIds = message
        .messages('locations')
        .filter((location) => (location.str('type') || 'MLFLOW_EXPERIMENT') === 'MLFLOW_EXPERIMENT')
        .map((location) => location.message('mlflow_experiment').str('experiment_id'));
      const page = store.traces.searchTraces({
        experimentIds,
        filter: message.str('filter'),
        maxResults: message.num('max_results'),
        orderBy: message.list('order_by'),
        pageToken: message.str('page_token'),
      });
      return listField(
        'traces',
        page.items.map(traceInfoJson),
        page.nextPageToken ? { next_page_token: page.nextPageToken } : {},
      );
    },
  },
  {
    operation: 'DeleteTracesV3',
    path: '/traces/delete-traces',
    methods: ['POST'],
    handler: (request, context) => deleteTraces(request, context.store),
  },
  {
    operation: 'QueryTraceMetrics',
    path: '/traces/metrics',
    methods: ['POST'],
    handler: (request, { store }) => {
      const { message } = readTraceRequest(request, TraceMessages.QueryTraceMetrics, [
        ['experiment_ids', ['required', 'array']],
        ['metric_name', ['required', 'string']],
      ]);
      const aggregations: MetricAggregation[] = message.messages('aggregations').flatMap((aggregation) => {
        const type = aggregation.str('aggregation_type');
        return METRIC_AGGREGATIONS.has(type) ? [{ type: type as MetricAggregation['type'] }] : [];
      });
      const points = store.traces.queryTraceMetrics({
        experimentIds: message.list('experiment_ids'),
        metricName: message.str('metric_name'),
        aggregations,
        startTimeMs: message.has('start_time_ms') ? message.num('start_time_ms') : null,
        endTimeMs: message.has('end_time_ms') ? message.num('end_time_ms') : null,
        filter: message.list('filters').join(' AND '),
      });
      return listField(
        'data_points',
        points.map((point) => ({ metric_name: point.metricName, values: point.values })),
      );
    },
  },
];

function deleteTraces(request: EmulatorRequest, store: Parameters<Route['handler']>[1]['store']): Json {
  const { message } = readTraceRequest(request, TraceMessages.DeleteTraces, [
    ['experiment_id', ['required', 'string']],
    ['max_timestamp_millis', ['intlike']],
    ['max_traces', ['intlike']],
    ['request_ids', ['array']],
  ]);
  const deleted = store.traces.deleteTraces({
    experimentId: message.str('experiment_id'),
    traceIds: message.list('request_ids'),
    maxTimestampMillis: message.has('max_timestamp_millis') ? message.num('max_timestamp_millis') : null,
    maxTraces: message.has('max_traces') ? message.num('max_traces') : null,
  });
  return { traces_deleted: deleted };
}

const V2_STATE: Readonly<Record<string, TraceState>> = {
  OK: 'OK',
  ERROR: 'ERROR',
  IN_PROGRESS: 'IN_PROGRESS',
};

/** The deprecated v2 trace routes, paths relative to `/api/2.0/mlflow`. */
const traceV2Routes: readonly Route[] = [
  {
    operation: 'SearchTraces',
    path: '/traces',
    methods: ['GET'],
    handler: (request, { store }) => {
      const { message } = readTraceRequest(request, TraceMessages.SearchTraces, [
        ['experiment_ids', ['array']],
        ['filter', ['string']],
        ['max_results', ['intlike']],
        ['order_by', ['array']],
        ['page_token', ['string']],
      ]);
      const page = store.traces.searchTraces({
        experimentIds: message.list('experiment_ids'),
        filter: message.str('filter'),
        maxResults: message.has('max_results') ? message.num('max_results') : SEARCH_TRACES_DEFAULT_MAX_RESULTS,
        orderBy: message.list('order_by'),
        pageToken: message.str('page_token'),
      });
      return listField(
        'traces',
        page.items.map(traceInfoV2Json),
        page.nextPageToken ? { next_page_token: page.nextPageToken } : {},
      );
    },
  },
  {
    operation: 'StartTrace',
    path: '/traces',
    methods: ['POST'],
    handler: (request, { store }) => {
      const { message } = readTraceRequest(request, TraceMessages.StartTrace, [
        ['experiment_id', ['string']],
        ['timestamp_ms', ['intlike']],
        ['request_metadata', ['array']],
        ['tags', ['array']],
      ]);
      const trace = store.traces.startTraceV2({
        experimentId: message.str('experiment_id'),
        timestampMs: message.num('timestamp_ms'),
        metadata: keyValuePairs(message.messages('request_metadata')),
        tags: keyValuePairs(message.messages('tags')),
      });
      return { trace_info: traceInfoV2Json(trace) };
    },
  },
  {
    operation: 'EndTrace',
    path: '/traces/{request_id}',
    methods: ['PATCH'],
    handler: (request, { store }) => {
      const { message } = readTraceRequest(request, TraceMessages.EndTrace, [
        ['timestamp_ms', ['intlike']],
        ['status', ['string']],
        ['request_metadata', ['array']],
        ['tags', ['array']],
      ]);
      const trace = store.traces.endTraceV2({
        traceId: param(request, 'request_id'),
        timestampMs: message.num('timestamp_ms'),
        state: message.has('status')
          ? (V2_STATE[message.enumValue('status')] ?? 'STATE_UNSPECIFIED')
          : 'STATE_UNSPECIFIED',
        metadata: keyValuePairs(message.messages('request_metadata')),
        tags: keyValuePairs(message.messages('tags')),
      });
      return { trace_info: traceInfoV2Json(trace) };
    },
  },
  {
    operation: 'GetTraceInfo',
    path: '/traces/{request_id}/info',
    methods: ['GET'],
    handler: (request, { store }) => ({
      trace_info: traceInfoV2Json(store.traces.getTrace(param(request, 'request_id'))),
    }),
  },
  {
    operation: 'SetTraceTag',
    path: '/traces/{request_id}/tags',
    methods: ['PATCH'],
    handler: (request, { store }) => {
      const { message } = readTraceRequest(request, TraceMessages.SetTraceTag, [
        ['key', ['required', 'string']],
        ['value', ['string']],
      ]);
      store.traces.setTag(param(request, 'request_id'), message.str('key'), message.str('value'));
      return {};
    },
  },
  {
    operation: 'DeleteTraceTag',
    path: '/traces/{request_id}/tags',
    methods: ['DELETE'],
    handler: (request, { store }) => {
      const { message } = readTraceRequest(request, TraceMessages.DeleteTraceTag, [['key', ['required', 'string']]]);
      store.traces.deleteTag(param(request, 'request_id'), message.str('key'));
      return {};
    },
  },
  {
    operation: 'DeleteTraces',
    path: '/traces/delete-traces',
    methods: ['POST'],
    handler: (request, context) => deleteTraces(request, context.store),
  },
  {
    operation: 'LinkTracesToRun',
    path: '/traces/link-to-run',
    methods: ['POST'],
    handler: (request, { store }) => {
      const { message } = readTraceRequest(request, TraceMessages.LinkTracesToRun, [
        ['trace_ids', ['required', 'array']],
        ['run_id', ['required', 'string']],
      ]);
      store.traces.linkTracesToRun(message.list('trace_ids'), message.str('run_id'));
      return {};
    },
  },
  {
    operation: 'LinkPromptsToTrace',
    path: '/traces/link-prompts',
    methods: ['POST'],
    handler: (request, { store }) => {
      const { message } = readTraceRequest(request, TraceMessages.LinkPromptsToTrace, [
        ['trace_id', ['required', 'string']],
        ['prompt_versions', ['required', 'array']],
      ]);
      store.traces.linkPromptsToTrace(
        message.str('trace_id'),
        message
          .messages('prompt_versions')
          .map((version) => ({ name: version.str('name'), version: version.str('version') })),
      );
      return {};
    },
  },
];

/** Databricks-only endpoints MLflow registers but answers with an empty 404 outside Databricks. */
const databricksOnlyRoutes: readonly Route[] = [
  { operation: 'SearchUnifiedTraces', path: '/unified-traces', methods: ['GET'], handler: emptyNotFound },
  { operation: 'GetOnlineTraceDetails', path: '/get-online-trace-details', methods: ['GET'], handler: emptyNotFound },
];

function emptyNotFound(): RawResponse {
  return new RawResponse(404, '', TEXT_HTML);
}

/** Adds the trace, OTLP and assessment routes (MLflow 3 only). */
export const registerTraceRoutes: RegisterRoutes = (router, settings) => {
  if (!isMlflow3(settings)) return;
  router.addAll(traceV3Routes, MLFLOW3_PREFIXES);
  router.addAll(assessmentRoutes, MLFLOW3_PREFIXES);
  router.addAll(traceV2Routes, MLFLOW_PREFIXES);
  router.addAll(databricksOnlyRoutes, MLFLOW_PREFIXES);
  router.add(otlpRoute);
};
