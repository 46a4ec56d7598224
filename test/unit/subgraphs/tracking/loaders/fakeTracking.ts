// A small MLflow tracking store answering the calls the tracking loaders make, as MLflow would.
import { UpstreamError } from '../../../../../src/upstream/http/UpstreamError.js';
import type { WireExperiment, WireRun, WireRunInfo } from '../../../../../src/upstream/mlflow/wire.js';

/** A run of experiment `experimentId`. */
export function run(id: string, experimentId: string, status: WireRunInfo['status'] = 'FINISHED'): WireRun {
  return { info: { run_id: id, experiment_id: experimentId, status } };
}

/** An experiment named after its id. */
export function experiment(id: string): WireExperiment {
  return { experiment_id: id, name: `exp-${id}` } as WireExperiment;
}

/** MLflow's 404 for an object that does not exist. */
export function notFound(what: string): UpstreamError {
  return new UpstreamError({
    upstream: 'MLflow',
    endpoint: 'GET /api/2.0/mlflow/runs/get',
    failure: 'http',
    status: 404,
    errorCode: 'RESOURCE_DOES_NOT_EXIST',
    message: `${what} not found`,
  });
}

/** An MLflow that fails every call. */
export function mlflowDown(): never {
  throw new Error('MLflow is down');
}

/** Ids named in an `attributes.run_id IN ('a', 'b')` filter. */
export function idsInFilter(filter: string): string[] {
  const list = /^attributes\.run_id IN \((.*)\)$/.exec(filter)?.[1] ?? '';
  return [...list.matchAll(/'((?:[^'\\]|\\.)*)'/g)].map((m) => (m[1] as string).replace(/\\(.)/g, '$1'));
}

/** Answers runs/get, runs/search (by id, or a page of experiments' runs, newest first) and experiments/search. */
export function trackingStore(runs: readonly WireRun[], experiments: readonly WireExperiment[] = []) {
  return (name: string, params: Record<string, any>): unknown => {
    switch (name) {
      case 'getRun': {
        const found = runs.find((r) => r.info.run_id === params.run_id);
        if (!found) throw notFound(`Run ${params.run_id}`);
        return { run: found };
      }
      case 'getExperiment': {
        const found = experiments.find((e) => e.experiment_id === params.experiment_id);
        if (!found) throw notFound(`Experiment ${params.experiment_id}`);
        return { experiment: found };
      }
      case 'getExperimentByName': {
        const found = experiments.find((e) => e.name === params.experiment_name);
        if (!found) throw notFound(`Experiment ${params.experiment_name}`);
        return { experiment: found };
      }
      case 'searchExperiments':
        return { experiments };
      case 'searchRuns': {
        const inExperiments = runs.filter((r) => (params.experiment_ids as string[]).includes(r.info.experiment_id));
        const matching = params.filter
          ? inExperiments.filter((r) => idsInFilter(params.filter).includes(r.info.run_id))
          : inExperiments;
        const page = matching.slice(0, params.max_results ?? 1000);
        return { runs: page, ...(matching.length > page.length ? { next_page_token: 'more' } : {}) };
      }
      default:
        throw new Error(`unexpected call ${name}`);
    }
  };
}
