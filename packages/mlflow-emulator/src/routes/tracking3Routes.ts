// Tracking endpoints MLflow 3 adds beside its 2.x surface: experiment-tag deletion, the UI's dataset summaries and
// run outputs (the logged models a run produced). 3.x mode only.
import { Messages3 } from '../messages3.js';
import { isMlflow3 } from '../mlflowVersion.js';
import { readRequest } from '../protoJson.js';
import { MLFLOW_PREFIXES, type RegisterRoutes } from '../router.js';
import type { Json } from '../wireJson.js';

/** Adds the 3.x-only tracking endpoints. */
export const registerTracking3Routes: RegisterRoutes = (router, settings) => {
  if (!isMlflow3(settings)) return;
  router.add(
    {
      operation: 'DeleteExperimentTag',
      path: '/experiments/delete-experiment-tag',
      methods: ['POST'],
      handler: (request, { store }) => {
        const message = readRequest(request, Messages3.DeleteExperimentTag, [
          ['experiment_id', ['required', 'string']],
          ['key', ['required', 'string']],
        ]);
        store.tracking.deleteExperimentTag(message.str('experiment_id'), message.str('key'));
        return {};
      },
    },
    MLFLOW_PREFIXES,
  );
  router.add(
    {
      operation: 'LogOutputs',
      path: '/runs/outputs',
      methods: ['POST'],
      handler: (request, { store }) => {
        const message = readRequest(request, Messages3.LogOutputs, [
          ['run_id', ['required', 'string']],
          ['models', ['array']],
        ]);
        const outputs = message
          .messages('models')
          .map((model) => ({ modelId: model.str('model_id'), step: model.num('step') }));
        store.tracking.logModelOutputs(message.str('run_id'), outputs);
        return {};
      },
    },
    MLFLOW_PREFIXES,
  );
  // The UI's dataset summaries: one per (experiment, dataset name, digest, context), ajax only as MLflow serves it.
  router.add(
    {
      operation: 'SearchDatasets',
      path: '/experiments/search-datasets',
      methods: ['POST'],
      handler: (request, { store }) => {
        const message = readRequest(request, Messages3.SearchDatasets, [['experiment_ids', ['array']]]);
        const summaries: Json[] = [];
        const seen = new Set<string>();
        for (const experimentId of message.list('experiment_ids')) {
          const experiment = store.tracking.experiments.get(experimentId);
          for (const runId of experiment?.runIds ?? []) {
            for (const input of store.tracking.runs.get(runId)?.datasetInputs ?? []) {
              const context = input.tags.find((tag) => tag.key === 'mlflow.data.context')?.value;
              const key = JSON.stringify([experimentId, input.dataset.name, input.dataset.digest, context]);
              if (seen.has(key)) continue;
              seen.add(key);
              summaries.push({
                experiment_id: experimentId,
                name: input.dataset.name,
                digest: input.dataset.digest,
                ...(context === undefined ? {} : { context }),
              });
            }
          }
        }
        return summaries.length > 0 ? { dataset_summaries: summaries } : {};
      },
    },
    ['/ajax-api/2.0/mlflow'],
  );
};
