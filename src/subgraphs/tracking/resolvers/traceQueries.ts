import { BadUserInputError } from '../../../errors/SupergraphError.js';
import { trackingLoaders } from '../loaders/createTrackingLoaders.js';
import type {
  ExperimentResolvers,
  LoggedModelResolvers,
  QueryResolvers,
  RunResolvers,
} from '../resolvers.generated.js';
import { MODEL_ID_METADATA } from '../traceModels.js';
import { quoted, searchTraces } from '../traceSearch.js';

// Where traces are read from. Each field is gated on the `traces` feature (traceGates: refused with no check or call
// where the backend lacks them); the trace objects they produce are checked by Trace's type-level rule.

/** Root fields over MLflow 3's traces. */
export const traceQueries: Pick<QueryResolvers, 'trace' | 'traces'> = {
  trace: (_, { id }, context) => context.loaders.get(trackingLoaders).traceById.load(id),

  async traces(_, { experimentIds, filter, orderBy, first, after }, context) {
    if (experimentIds.length === 0) throw new BadUserInputError('experimentIds must name at least one experiment');
    // MLflow 3.11.1 checks no permission on traces/search (corpus seq 336): search only the experiments the caller
    // may read, so every trace returned is readable, pages stay full and a hidden experiment costs no call.
    const auth = context.authorizer;
    const allowed = await Promise.all(experimentIds.map((id) => auth.allows({ kind: 'experiment', id }, 'CAN_READ')));
    return searchTraces(context, {
      field: 'Query.traces',
      experimentIds: experimentIds.filter((_, index) => allowed[index]),
      filter,
      orderBy,
      first,
      after,
    });
  },
};

/** Experiment.traces: the experiment was checked (CAN_READ) before this resolves. */
export const experimentTraces: ExperimentResolvers['traces'] = (experiment, args, context) =>
  searchTraces(context, { field: 'Experiment.traces', experimentIds: [experiment.experiment_id], ...args });

/** Run.traces: the run's experiment, traces whose `mlflow.sourceRun` is the run (MLflow's `run_id` attribute). */
export const runTraces: RunResolvers['traces'] = (run, args, context) =>
  searchTraces(context, {
    field: 'Run.traces',
    experimentIds: [run.info.experiment_id],
    parent: run.info.run_id,
    scope: `attributes.run_id = ${quoted(run.info.run_id)}`,
    ...args,
  });

/** LoggedModel.traces: the model's experiment, traces whose `mlflow.modelId` is the model. */
export const loggedModelTraces: LoggedModelResolvers['traces'] = (model, args, context) =>
  searchTraces(context, {
    field: 'LoggedModel.traces',
    experimentIds: [model.info.experiment_id],
    parent: model.info.model_id,
    scope: `metadata.\`${MODEL_ID_METADATA}\` = ${quoted(model.info.model_id)}`,
    ...args,
  });
