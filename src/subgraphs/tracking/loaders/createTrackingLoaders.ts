import type DataLoader from 'dataloader';
import type { RequestContext } from '../../../context/RequestContext.js';
import { defineLoaders } from '../../../context/defineLoaders.js';
import type { WireExperiment, WireMetric, WireRun } from '../../../upstream/mlflow/wire.js';
import { loaderInputs } from '../../loaderInputs.js';
import { ArtifactListings } from './artifacts.js';
import { createEvaluationDatasetLoaders, type EvaluationDatasetLoaders } from './evaluationDatasets.js';
import { createExperimentLoaders } from './experiments.js';
import { createFirstRunsPageLoader, type FirstRunsPageLoader } from './firstRunsPage.js';
import { createLoggedModelLoaders, type LoggedModelLoaders } from './loggedModels.js';
import { createMetricHistoryLoader, type HistoryKey } from './metricHistory.js';
import { createRunInputsLoader, type RunInputsLoader } from './runInputs.js';
import { createRunLoaders } from './runs.js';
import { createTraceLoaders, type TraceLoaders } from './traces.js';

/** The per-request DataLoaders of the tracking subgraph. */
export interface TrackingLoaders extends LoggedModelLoaders, EvaluationDatasetLoaders, TraceLoaders {
  experimentById: DataLoader<string, WireExperiment | null>;
  experimentByName: DataLoader<string, WireExperiment | null>;
  runById: DataLoader<string, WireRun | null>;
  /** Experiment → the first page of its runs, batched into one runs/search across experiments. */
  firstRunsPage: FirstRunsPageLoader;
  metricHistory: DataLoader<HistoryKey, WireMetric[], string>;
  /** Experiment ids known for run ids (from searches), so runById can use runs/search. */
  runExperimentHints: Map<string, string>;
  /** Puts runs from a search into the memo so nested fields don't fetch them again. */
  primeRuns(runs: readonly WireRun[]): void;
  /** Same for experiments. */
  primeExperiments(experiments: readonly WireExperiment[]): void;
  /** Artifact listing pages by root, path and page token (a run reached through two parents lists once). */
  artifactListings: ArtifactListings;
  /** Runs from runs/get (the only answer with the logged models a run used). */
  runInputs: RunInputsLoader;
}

/**
 * Creates the loaders for one request. Never shared between requests (they memoize per caller). Each loader
 * module takes what it uses: the request's MLflow client, cache, telemetry and loader options, plus the
 * backend's declared and learned capabilities where its plan depends on them.
 */
export function createTrackingLoaders(context: RequestContext): TrackingLoaders {
  const inputs = loaderInputs(context);
  const { capabilities } = context.services.profile;
  const experiments = createExperimentLoaders(inputs);
  const runs = createRunLoaders({ ...inputs, capabilities, primeExperiments: experiments.primeExperiments });
  return {
    ...experiments,
    ...runs,
    ...createLoggedModelLoaders({ ...inputs, capabilities }),
    firstRunsPage: createFirstRunsPageLoader({
      ...inputs,
      capabilities,
      primeRuns: runs.primeRuns,
      offerRuns: (runIds) => context.prefetch.offer('Experiment.runs', runIds),
    }),
    metricHistory: createMetricHistoryLoader({ ...inputs, learned: context.services.learned }),
    artifactListings: new ArtifactListings(inputs),
    runInputs: createRunInputsLoader(inputs),
    ...createEvaluationDatasetLoaders(inputs),
    ...createTraceLoaders(inputs),
  };
}

/** The tracking subgraph's loaders: `context.loaders.get(trackingLoaders)` (built on first use in a request). */
export const trackingLoaders = defineLoaders('tracking', createTrackingLoaders);
