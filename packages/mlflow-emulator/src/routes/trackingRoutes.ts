// MLflow tracking endpoints (experiments, runs, metrics, artifacts) as MLflow 2.12's handlers.py
// reads them: the same request messages, the same schemas, the same response messages.
import type { EmulatorStore } from '../EmulatorStore.js';
import { MlflowError } from '../MlflowError.js';
import { Messages } from '../messages.js';
import { Messages3 } from '../messages3.js';
import { isMlflow3 } from '../mlflowVersion.js';
import { createPageToken, parsePageToken } from '../pageToken.js';
import { readRequest, type ProtoMessage } from '../protoJson.js';
import type { DatasetInputRecord, LoggedModelMetric, MetricPoint, RunStatus } from '../records.js';
import type { Route } from '../router.js';
import type { ViewType } from '../TrackingStore.js';
import { validateArtifactPath } from '../validation.js';
import { artifactListing } from './artifactRoutes.js';
import { experimentJson, metricJson, metricValueJson, runInfoJson, runJson, type Json } from '../wireJson.js';

/** MAX_RUNS_GET_METRIC_HISTORY_BULK. */
const MAX_BULK_RUN_IDS = 100;
/** MAX_RESULTS_PER_RUN for get-history-bulk-interval. */
const MAX_RESULTS_PER_RUN = 2500;
/** MAX_RESULTS_GET_METRIC_HISTORY. */
const MAX_RESULTS_GET_METRIC_HISTORY = 25000;

function keyValues(message: ProtoMessage, field: string): Array<{ key: string; value: string }> {
  return message.messages(field).map((item) => ({ key: item.str('key'), value: item.str('value') }));
}

function viewType(message: ProtoMessage, field: string): ViewType {
  return message.enumValue(field) as ViewType;
}

function runIdOf(message: ProtoMessage): string {
  return message.str('run_id') || message.str('run_uuid');
}

/** MLflow 3: the logged-model row a metric message adds when it names a model (null when it does not). */
function modelMetricOf(message: ProtoMessage, runId: string, point: MetricPoint): LoggedModelMetric | null {
  const modelId = message.str('model_id');
  if (!modelId) return null;
  return {
    ...point,
    modelId,
    runId,
    ...(message.has('dataset_name') ? { datasetName: message.str('dataset_name') } : {}),
    ...(message.has('dataset_digest') ? { datasetDigest: message.str('dataset_digest') } : {}),
  };
}

/**
 * Logs run metrics, and in MLflow 3 the model rows of those naming a logged model: the run must exist and every
 * named model too before anything is written (an unknown model fails the whole call, recorded seq 74).
 */
function logMetrics(
  store: EmulatorStore,
  runId: string,
  linked: readonly LoggedModelMetric[],
  write: () => void,
): void {
  if (linked.length > 0) {
    store.tracking.getRun(runId);
    for (const metric of linked) store.loggedModels.checkMetricModel(metric.modelId, runId, metric.key);
  }
  write();
  for (const metric of linked) store.loggedModels.recordMetric(metric);
}

/** The tracking routes, paths relative to the MLflow prefixes. */
export const trackingRoutes: readonly Route[] = [
  {
    operation: 'CreateExperiment',
    path: '/experiments/create',
    methods: ['POST'],
    handler: (request, { store }) => {
      const message = readRequest(request, Messages.CreateExperiment, [
        ['name', ['required', 'string']],
        ['artifact_location', ['string']],
        ['tags', ['array']],
      ]);
      const location = message.str('artifact_location');
      if (location.includes('#') || /;[^/]*$/.test(location.split('?')[0] ?? '')) {
        throw MlflowError.invalidParameter("'artifact_location' URL can't include fragments or params.");
      }
      const experiment = store.tracking.createExperiment(message.str('name'), location, keyValues(message, 'tags'));
      return { experiment_id: experiment.experimentId };
    },
  },
  {
    operation: 'GetExperiment',
    path: '/experiments/get',
    methods: ['GET'],
    handler: (request, { store }) => {
      const message = readRequest(request, Messages.GetExperiment, [['experiment_id', ['required', 'string']]]);
      return { experiment: experimentJson(store.tracking.getExperiment(message.str('experiment_id'))) };
    },
  },
  {
    operation: 'GetExperimentByName',
    path: '/experiments/get-by-name',
    methods: ['GET'],
    handler: (request, { store }) => {
      const message = readRequest(request, Messages.GetExperimentByName, [['experiment_name', ['required', 'string']]]);
      const name = message.str('experiment_name');
      const experiment = store.tracking.getExperimentByName(name);
      if (!experiment) throw MlflowError.notFound(`Could not find experiment with name '${name}'`);
      return { experiment: experimentJson(experiment) };
    },
  },
  {
    operation: 'SearchExperiments',
    path: '/experiments/search',
    methods: ['POST', 'GET'],
    handler: (request, { store }) => {
      const message = readRequest(request, Messages.SearchExperiments, [
        ['view_type', ['intlike']],
        ['max_results', ['intlike']],
        ['order_by', ['array']],
        ['filter', ['string']],
        ['page_token', ['string']],
      ]);
      const page = store.tracking.searchExperiments({
        viewType: viewType(message, 'view_type'),
        maxResults: message.num('max_results'),
        orderBy: message.list('order_by'),
        filter: message.str('filter'),
        pageToken: message.str('page_token'),
      });
      const json: Json = {};
      if (page.items.length > 0) json['experiments'] = page.items.map(experimentJson);
      if (page.nextPageToken) json['next_page_token'] = page.nextPageToken;
      return json;
    },
  },
  {
    operation: 'DeleteExperiment',
    path: '/experiments/delete',
    methods: ['POST'],
    handler: (request, { store }) => {
      const message = readRequest(request, Messages.DeleteExperiment, [['experiment_id', ['required', 'string']]]);
      store.tracking.deleteExperiment(message.str('experiment_id'));
      return {};
    },
  },
  {
    operation: 'RestoreExperiment',
    path: '/experiments/restore',
    methods: ['POST'],
    handler: (request, { store }) => {
      const message = readRequest(request, Messages.RestoreExperiment, [['experiment_id', ['required', 'string']]]);
      store.tracking.restoreExperiment(message.str('experiment_id'));
      return {};
    },
  },
  {
    operation: 'UpdateExperiment',
    path: '/experiments/update',
    methods: ['POST'],
    handler: (request, { store }) => {
      const message = readRequest(request, Messages.UpdateExperiment, [
        ['experiment_id', ['required', 'string']],
        ['new_name', ['string', 'required']],
      ]);
      if (message.str('new_name'))
        store.tracking.renameExperiment(message.str('experiment_id'), message.str('new_name'));
      return {};
    },
  },
  {
    operation: 'SetExperimentTag',
    path: '/experiments/set-experiment-tag',
    methods: ['POST'],
    handler: (request, { store }) => {
      const message = readRequest(request, Messages.SetExperimentTag, [
        ['experiment_id', ['required', 'string']],
        ['key', ['required', 'string']],
        ['value', ['string']],
      ]);
      store.tracking.setExperimentTag(message.str('experiment_id'), message.str('key'), message.str('value'));
      return {};
    },
  },
  {
    operation: 'CreateRun',
    path: '/runs/create',
    methods: ['POST'],
    handler: (request, { store, settings }) => {
      const message = readRequest(request, Messages.CreateRun, [
        ['experiment_id', ['string']],
        ['start_time', ['intlike']],
        ['run_name', ['string']],
      ]);
      const run = store.tracking.createRun({
        experimentId: message.str('experiment_id'),
        userId: message.str('user_id'),
        startTime: message.num('start_time'),
        runName: message.str('run_name'),
        tags: keyValues(message, 'tags'),
      });
      // MLflow 3 answers the new run with an empty `inputs` object; 2.12 with none.
      return { run: runJson(run, { inputs: isMlflow3(settings) }) };
    },
  },
  {
    operation: 'UpdateRun',
    path: '/runs/update',
    methods: ['POST'],
    handler: (request, { store }) => {
      const message = readRequest(request, Messages.UpdateRun, [
        ['run_id', ['required', 'string']],
        ['end_time', ['intlike']],
        ['status', ['string']],
        ['run_name', ['string']],
      ]);
      // A status the enum does not know stops the proto parse, so it is simply not set (HTTP 200).
      const status = message.has('status') ? (message.enumValue('status') as RunStatus) : null;
      const run = store.tracking.updateRunInfo(
        runIdOf(message),
        status,
        message.has('end_time') ? message.num('end_time') : null,
        message.has('run_name') ? message.str('run_name') : null,
      );
      return { run_info: runInfoJson(run) };
    },
  },
  {
    operation: 'DeleteRun',
    path: '/runs/delete',
    methods: ['POST'],
    handler: (request, { store }) => {
      const message = readRequest(request, Messages.DeleteRun, [['run_id', ['required', 'string']]]);
      store.tracking.deleteRun(message.str('run_id'));
      return {};
    },
  },
  {
    operation: 'RestoreRun',
    path: '/runs/restore',
    methods: ['POST'],
    handler: (request, { store }) => {
      const message = readRequest(request, Messages.RestoreRun, [['run_id', ['required', 'string']]]);
      store.tracking.restoreRun(message.str('run_id'));
      return {};
    },
  },
  {
    operation: 'LogMetric',
    path: '/runs/log-metric',
    methods: ['POST'],
    handler: (request, { store, settings }) => {
      const mlflow3 = isMlflow3(settings);
      const message = readRequest(request, mlflow3 ? Messages3.LogMetric : Messages.LogMetric, [
        ['run_id', ['required', 'string']],
        ['key', ['required', 'string']],
        ['value', ['required', 'floatlike']],
        ['timestamp', ['intlike', 'required']],
        ['step', ['intlike']],
      ]);
      const runId = runIdOf(message);
      const point: MetricPoint = {
        key: message.str('key'),
        value: message.num('value'),
        timestamp: message.num('timestamp'),
        step: message.num('step'),
      };
      const linked = mlflow3 ? modelMetricOf(message, runId, point) : null;
      logMetrics(store, runId, linked ? [linked] : [], () => store.tracking.logMetric(runId, point));
      return {};
    },
  },
  {
    operation: 'LogParam',
    path: '/runs/log-parameter',
    methods: ['POST'],
    handler: (request, { store }) => {
      const message = readRequest(request, Messages.LogParam, [
        ['run_id', ['required', 'string']],
        ['key', ['required', 'string']],
        ['value', ['string']],
      ]);
      store.tracking.logParam(runIdOf(message), message.str('key'), message.str('value'));
      return {};
    },
  },
  {
    operation: 'SetTag',
    path: '/runs/set-tag',
    methods: ['POST'],
    handler: (request, { store }) => {
      const message = readRequest(request, Messages.SetTag, [
        ['run_id', ['required', 'string']],
        ['key', ['required', 'string']],
        ['value', ['string']],
      ]);
      store.tracking.setTag(runIdOf(message), message.str('key'), message.str('value'));
      return {};
    },
  },
  {
    operation: 'DeleteTag',
    path: '/runs/delete-tag',
    methods: ['POST'],
    handler: (request, { store }) => {
      const message = readRequest(request, Messages.DeleteTag, [
        ['run_id', ['required', 'string']],
        ['key', ['required', 'string']],
      ]);
      store.tracking.deleteTag(message.str('run_id'), message.str('key'));
      return {};
    },
  },
  {
    operation: 'LogBatch',
    path: '/runs/log-batch',
    methods: ['POST'],
    handler: (request, { store, settings }) => {
      const mlflow3 = isMlflow3(settings);
      const message = readRequest(request, mlflow3 ? Messages3.LogBatch : Messages.LogBatch, [
        ['run_id', ['string', 'required']],
        ['metrics', ['array']],
        ['params', ['array']],
        ['tags', ['array']],
      ]);
      const runId = message.str('run_id');
      const linked: LoggedModelMetric[] = [];
      const metrics: MetricPoint[] = message.messages('metrics').map((metric) => {
        const point = {
          key: metric.str('key'),
          value: metric.num('value'),
          timestamp: metric.num('timestamp'),
          step: metric.num('step'),
        };
        const modelMetric = mlflow3 ? modelMetricOf(metric, runId, point) : null;
        if (modelMetric) linked.push(modelMetric);
        return point;
      });
      logMetrics(store, runId, linked, () =>
        store.tracking.logBatch(runId, metrics, keyValues(message, 'params'), keyValues(message, 'tags')),
      );
      return {};
    },
  },
  {
    operation: 'LogInputs',
    path: '/runs/log-inputs',
    methods: ['POST'],
    handler: (request, { store, settings }) => {
      const mlflow3 = isMlflow3(settings);
      const message = readRequest(request, mlflow3 ? Messages3.LogInputs : Messages.LogInputs, [
        ['run_id', ['required', 'string']],
        ['datasets', ['array']],
      ]);
      const inputs: DatasetInputRecord[] = message.messages('datasets').map((input) => {
        const dataset = input.message('dataset');
        return {
          tags: keyValues(input, 'tags'),
          dataset: {
            name: dataset.str('name'),
            digest: dataset.str('digest'),
            sourceType: dataset.str('source_type'),
            source: dataset.str('source'),
            ...(dataset.has('schema') ? { schema: dataset.str('schema') } : {}),
            ...(dataset.has('profile') ? { profile: dataset.str('profile') } : {}),
          },
        };
      });
      store.tracking.logInputs(message.str('run_id'), inputs);
      // MLflow 3: logged models the run used.
      const models = mlflow3 ? message.messages('models').map((model) => model.str('model_id')) : [];
      if (models.length > 0) store.tracking.logModelInputs(message.str('run_id'), models);
      return {};
    },
  },
  {
    operation: 'GetRun',
    path: '/runs/get',
    methods: ['GET'],
    handler: (request, { store, settings }) => {
      const message = readRequest(request, Messages.GetRun, [['run_id', ['required', 'string']]]);
      const run = store.tracking.getRun(runIdOf(message));
      return {
        run: runJson(run, isMlflow3(settings) ? { inputs: true, modelInputs: true, outputs: true } : { inputs: true }),
      };
    },
  },
  {
    operation: 'SearchRuns',
    path: '/runs/search',
    methods: ['POST'],
    handler: (request, { store, settings }) => {
      const message = readRequest(request, Messages.SearchRuns, [
        ['experiment_ids', ['array']],
        ['filter', ['string']],
        ['max_results', ['intlike', { maxInt: 50000 }]],
        ['order_by', ['array', 'itemString']],
      ]);
      const page = store.tracking.searchRuns({
        experimentIds: message.list('experiment_ids'),
        filter: message.str('filter'),
        viewType: message.has('run_view_type') ? viewType(message, 'run_view_type') : 'ACTIVE_ONLY',
        maxResults: message.num('max_results'),
        orderBy: message.list('order_by'),
        pageToken: message.str('page_token'),
      });
      const json: Json = {};
      const parts = isMlflow3(settings) ? { inputs: true, outputs: true } : { inputs: true };
      if (page.items.length > 0) json['runs'] = page.items.map((run) => runJson(run, parts));
      if (page.nextPageToken) json['next_page_token'] = page.nextPageToken;
      return json;
    },
  },
  {
    operation: 'ListArtifacts',
    path: '/artifacts/list',
    methods: ['GET'],
    handler: (request, context) => {
      const { store } = context;
      const message = readRequest(request, Messages.ListArtifacts, [
        ['run_id', ['string', 'required']],
        ['path', ['string']],
        ['page_token', ['string']],
      ]);
      const path = message.has('path') ? validateArtifactPath(message.str('path')) : '';
      // Sizes of the bytes a download gives, paged when the store pages listings (routes/artifactRoutes.ts).
      return artifactListing(context, store.tracking.getRun(runIdOf(message)), path, message.str('page_token'));
    },
  },
  {
    operation: 'GetMetricHistory',
    path: '/metrics/get-history',
    methods: ['GET'],
    handler: (request, { store, settings }) => {
      const message = readRequest(request, Messages.GetMetricHistory, [
        ['run_id', ['string', 'required']],
        ['metric_key', ['string', 'required']],
      ]);
      const history = store.tracking.getMetricHistory(runIdOf(message), message.str('metric_key'));
      if (!isMlflow3(settings)) return history.length > 0 ? { metrics: history.map(metricJson) } : {};
      // MLflow 3 pages the history by max_results, whose proto default 0 gives an empty page and a token to
      // offset 0 (recorded, seq 95).
      const maxResults = Math.max(0, message.num('max_results'));
      const offset = parsePageToken(message.str('page_token'));
      const page = history.slice(offset, offset + maxResults);
      const json: Json = {};
      if (page.length > 0) json['metrics'] = page.map(metricJson);
      if (offset + maxResults < history.length) json['next_page_token'] = createPageToken(offset + maxResults);
      return json;
    },
  },
  {
    operation: 'GetMetricHistoryBulkInterval',
    path: '/metrics/get-history-bulk-interval',
    methods: ['GET'],
    handler: (request, { store }) => {
      const message = readRequest(request, Messages.GetMetricHistoryBulkInterval, [
        [
          'run_ids',
          [
            'required',
            'array',
            'itemString',
            {
              maxLength: MAX_BULK_RUN_IDS,
              message: (count) =>
                `GetMetricHistoryBulkInterval request must specify at most ${MAX_BULK_RUN_IDS} run_ids. Received ${count} run_ids.`,
            },
          ],
        ],
        ['metric_key', ['required', 'string']],
        ['start_step', ['intlike']],
        ['end_step', ['intlike']],
        [
          'max_results',
          [
            'intlike',
            {
              intRange: [1, MAX_RESULTS_PER_RUN],
              message: `max_results must be between 1 and ${MAX_RESULTS_PER_RUN}.`,
            },
          ],
        ],
      ]);
      const runIds = message.list('run_ids');
      const metricKey = message.str('metric_key');
      const maxResults = request.query.has('max_results')
        ? Number.parseInt(request.query.get('max_results') ?? '', 10)
        : MAX_RESULTS_PER_RUN;
      const startArg = request.query.get('start_step');
      const endArg = request.query.get('end_step');
      let startStep: number | null = null;
      let endStep: number | null = null;
      if (startArg !== null && endArg !== null) {
        startStep = Number.parseInt(startArg, 10);
        endStep = Number.parseInt(endArg, 10);
        if (startStep > endStep) {
          throw MlflowError.invalidParameter(
            `end_step must be greater than start_step. Found start_step=${startStep} and end_step=${endStep}.`,
          );
        }
      } else if (startArg !== null || endArg !== null) {
        throw MlflowError.invalidParameter('If either start step or end step are specified, both must be specified.');
      }
      const histories = runIds.map((runId) => store.tracking.getMetricHistory(runId, metricKey));
      const stepsPerRun = histories.map((history) => history.map((point) => point.step));
      const extremes = new Set<number>();
      for (const steps of stepsPerRun) {
        if (steps.length > 0) {
          extremes.add(Math.min(...steps));
          extremes.add(Math.max(...steps));
        }
      }
      const allSteps = [...new Set(stepsPerRun.flat())].sort((a, b) => a - b);
      if (startStep === null || endStep === null) {
        startStep = 0;
        endStep = allSteps[allSteps.length - 1] ?? 0;
      }
      const lo = startStep;
      const hi = endStep;
      const inRange = allSteps.filter((step) => step >= lo && step <= hi);
      let sampled: number[];
      if (inRange.length <= maxResults) sampled = inRange;
      else {
        // _get_sampled_steps_from_steps: evenly spaced picks plus the last step in range.
        const startIndex = allSteps.findIndex((step) => step >= lo);
        const interval = inRange.length / maxResults;
        sampled = [];
        for (let i = 0; i < maxResults; i += 1) {
          const index = startIndex + Math.trunc(i * interval);
          const step = allSteps[index];
          if (index < inRange.length && step !== undefined) sampled.push(step);
        }
        const last = inRange[inRange.length - 1];
        if (last !== undefined) sampled.push(last);
      }
      const steps = new Set([...sampled, ...[...extremes].filter((step) => step >= lo && step <= hi)]);
      const metrics: Json[] = [];
      runIds.forEach((runId, index) => {
        const selected = (histories[index] ?? [])
          .filter((point) => steps.has(point.step))
          .sort((a, b) => a.step - b.step || a.timestamp - b.timestamp || a.value - b.value)
          .slice(0, MAX_RESULTS_GET_METRIC_HISTORY);
        for (const point of selected) {
          metrics.push({
            key: point.key,
            value: metricValueJson(point.value),
            timestamp: point.timestamp,
            step: point.step,
            run_id: runId,
          });
        }
      });
      return metrics.length > 0 ? { metrics } : {};
    },
  },
];
