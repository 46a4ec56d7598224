import type { GraphQLSchema } from 'graphql';
import type { RequestContext } from '../../context/RequestContext.js';
import type { Resource } from '../../auth/Resource.js';
import type {
  WireEvaluationDataset,
  WireExperiment,
  WireLoggedModel,
  WireRun,
  WireTraceInfo,
} from '../../upstream/mlflow/wire.js';
import { NotFoundError } from '../../errors/SupergraphError.js';
import { createSubgraphSchema } from '../createSubgraphSchema.js';
import { trackingLoaders } from './loaders/createTrackingLoaders.js';
import { evaluationDatasetGates } from './evaluationDatasetGates.js';
import type { AssessmentModel, SpanModel } from './mappers.js';
import { resolvers } from './resolvers/index.js';
import { traceExperimentId } from './traceModels.js';
import { requireTraces, traceGates } from './traceSupport.js';

const experiment = (id: string): Resource => ({ kind: 'experiment', id });

/** The experiments governing dataset `id`; NOT_FOUND when it does not exist (read fresh only once per request). */
async function datasetExperiments(id: string, context: RequestContext): Promise<Resource[]> {
  const ids = await context.loaders.get(trackingLoaders).evaluationDatasetExperiments.load(id);
  if (!ids) throw new NotFoundError(`Evaluation dataset ${id} does not exist`);
  return ids.map(experiment);
}

/** The executable tracking subgraph schema, with its authorization directives enforced. */
export function createTrackingSchema(): GraphQLSchema {
  return createSubgraphSchema(
    'tracking',
    resolvers,
    {
      // Runs are governed by their experiment's permissions (as in MLflow and Databricks).
      objectResource: {
        Experiment: (object: WireExperiment) => experiment(object.experiment_id),
        Run: (object: WireRun) => experiment(object.info.experiment_id),
        // Logged models too (MLflow 3's basic-auth checks the experiment for every logged-model endpoint).
        LoggedModel: (object: WireLoggedModel) => experiment(object.info.experiment_id),
        // An evaluation dataset by every experiment it is linked to (none: administrators only); MLflow's basic-auth
        // checks no dataset endpoint (3.11.1), so this is stricter than MLflow, by design (README, Security model).
        EvaluationDataset: (object: WireEvaluationDataset, context: RequestContext) =>
          datasetExperiments(object.dataset_id, context),
        // Traces, their spans and assessments by the trace's experiment, on every backend: MLflow 3.11.1's basic-auth
        // checks no permission on any trace endpoint (corpus seqs 314-318, 335-336), so this is the only check.
        Trace: (object: WireTraceInfo) => experiment(traceExperimentId(object)),
        Span: (object: SpanModel) => experiment(traceExperimentId(object.trace)),
        Assessment: (object: AssessmentModel) => experiment(object.experimentId),
      },
      argumentResource: {
        experiment: (id) => experiment(id),
        async run(id, context) {
          const run = await context.loaders.get(trackingLoaders).runById.load(id);
          if (!run) throw new NotFoundError(`Run ${id} does not exist`);
          return experiment(run.info.experiment_id);
        },
        async loggedModel(id, context) {
          await context.clients.mlflow.requireFeature('loggedModels', 'getLoggedModel');
          const model = await context.loaders.get(trackingLoaders).loggedModelById.load(id);
          if (!model) throw new NotFoundError(`Logged model ${id} does not exist`);
          return experiment(model.info.experiment_id);
        },
        // Writes need CAN_EDIT on every experiment the dataset is linked to; an unknown dataset is NOT_FOUND.
        dataset: (id, context) => datasetExperiments(id, context),
        // A trace write: its info is read (a read, never a write) to learn the experiment that governs it.
        async trace(id, context) {
          await requireTraces(context, 'batchGetTraceInfos');
          const trace = await context.loaders.get(trackingLoaders).traceById.load(id);
          if (!trace) throw new NotFoundError(`Trace ${id} does not exist`);
          return experiment(traceExperimentId(trace));
        },
      },
    },
    { ...evaluationDatasetGates, ...traceGates },
  );
}
