import type { MlflowClient } from '../../../upstream/mlflow/MlflowClient.js';
import type { WireMetric } from '../../../upstream/mlflow/wire.js';
import { sampleSteps } from '../sampleSteps.js';

/** Which history of a run, and how much of it (a metric-history key without its run). */
export interface HistoryRequest {
  key: string;
  startStep?: number | undefined;
  endStep?: number | undefined;
  maxPoints: number;
}

/**
 * All of one run's history through metrics/get-history (paged), filtered and sampled like bulk-interval: the
 * fallback where the backend lacks bulk-interval (Databricks, GitLab), so both give the same answer.
 */
export async function fullHistory(
  mlflow: Pick<MlflowClient, 'call'>,
  runId: string,
  request: HistoryRequest,
): Promise<WireMetric[]> {
  const all: WireMetric[] = [];
  let pageToken: string | undefined;
  do {
    const response = await mlflow.call('getMetricHistory', {
      run_id: runId,
      metric_key: request.key,
      max_results: 25_000,
      ...(pageToken ? { page_token: pageToken } : {}),
    });
    all.push(...(response.metrics ?? []));
    pageToken = response.next_page_token || undefined;
  } while (pageToken);
  const inRange = all
    .filter(
      (m) =>
        (request.startStep === undefined || Number(m.step ?? 0) >= request.startStep) &&
        (request.endStep === undefined || Number(m.step ?? 0) <= request.endStep),
    )
    .map((m) => ({ ...m, run_id: runId }));
  return sampleSteps(inRange, request.maxPoints);
}
