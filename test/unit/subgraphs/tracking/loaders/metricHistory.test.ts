// Metric histories against a recording MLflow: bulk-interval calls split to fit a request line and 100 runs,
// and the per-run fallback where the backend lacks bulk-interval.
import { cachePolicy } from '../../../../../src/cache/cachePolicy.js';
import {
  BULK_INTERVAL_MAX_RUNS,
  createMetricHistoryLoader,
  type HistoryKey,
} from '../../../../../src/subgraphs/tracking/loaders/metricHistory.js';
import { UpstreamError } from '../../../../../src/upstream/http/UpstreamError.js';
import { MAX_REQUEST_LINE_BYTES, requestLineLength } from '../../../../../src/upstream/http/requestLine.js';
import type { WireMetric } from '../../../../../src/upstream/mlflow/wire.js';
import { fakeLoaderInputs, type Answer } from '../../fakeLoaderInputs.js';
import { mlflowDown } from './fakeTracking.js';

const PREFIX = '/api/v4/projects/7/ml/mlflow';
const BULK_PATH = `${PREFIX}/api/2.0/mlflow/metrics/get-history-bulk-interval`;
const hexId = (n: number) => n.toString(16).padStart(32, '0').replace(/^0/, 'a');
const point = (runId: string, step: number): WireMetric => ({
  key: 'loss',
  value: step,
  step,
  timestamp: step,
  run_id: runId,
});

/** Every run has steps 0..9 of `loss`. */
const history: Answer = (name, params) => {
  if (name === 'getMetricHistoryBulkInterval')
    return {
      metrics: (params.run_ids as string[]).flatMap((id) => Array.from({ length: 10 }, (_, s) => point(id, s))),
    };
  if (name === 'getMetricHistory') return { metrics: Array.from({ length: 10 }, (_, s) => point(params.run_id, s)) };
  throw new Error(`unexpected call ${name}`);
};

function setup(answer: Answer, bulkInterval = true) {
  const fake = fakeLoaderInputs(answer, {
    prefixUrl: `http://gitlab.test${PREFIX}`,
    ttls: { metricHistoryFinished: 3600, metricHistoryActive: 5 },
  });
  const learned = {
    bulkInterval,
    reasons: [] as string[],
    bulkIntervalUnavailable(reason: string) {
      this.bulkInterval = false;
      this.reasons.push(reason);
    },
  };
  return { ...fake, learned, loader: createMetricHistoryLoader({ ...fake.inputs, learned }) };
}

const key = (runId: string, extra: Partial<HistoryKey> = {}): HistoryKey => ({
  runId,
  key: 'loss',
  maxPoints: 100,
  ...extra,
});

describe('metricHistory', () => {
  it('splits many runs over bulk-interval calls that fit a request line, each as full as it can be', async () => {
    const runIds = Array.from({ length: 250 }, (_, i) => hexId(i));
    const { loader, calls } = setup(history);
    const answers = await Promise.all(runIds.map((id) => loader.load(key(id))));
    expect(answers.map((points) => points[0]?.run_id)).toEqual(runIds);
    const sent = calls.map((c) => c.params.run_ids as string[]);
    expect(sent.flat().sort()).toEqual([...runIds].sort());
    sent.forEach((ids, index) => {
      const params = calls[index]?.params as Record<string, unknown>;
      expect(ids.length).toBeLessThanOrEqual(BULK_INTERVAL_MAX_RUNS);
      expect(requestLineLength(BULK_PATH, params)).toBeLessThanOrEqual(MAX_REQUEST_LINE_BYTES);
      const next = sent[index + 1]?.[0];
      if (next)
        expect(requestLineLength(BULK_PATH, { ...params, run_ids: [...ids, next] })).toBeGreaterThan(
          MAX_REQUEST_LINE_BYTES,
        );
    });
    // 32-character ids: the request line, not the 100-run limit, decides (fewer than 100 a call).
    expect(sent[0]?.length).toBeLessThan(BULK_INTERVAL_MAX_RUNS);
  });

  it('asks for one point fewer than maxPoints (MLflow adds the last step) and caps the answer at maxPoints', async () => {
    const { loader, calls } = setup(history);
    const points = await loader.load(key('r1', { maxPoints: 4, startStep: 2 }));
    expect(calls[0]?.params).toEqual({
      run_ids: ['r1'],
      metric_key: 'loss',
      start_step: 2,
      end_step: Number.MAX_SAFE_INTEGER,
      max_results: 3,
    });
    expect(new Set(points.map((p) => p.step)).size).toBe(4);
  });

  it('falls back to one metrics/get-history per run, and learns not to try bulk-interval again', async () => {
    const unsupported: Answer = (name, params) => {
      if (name === 'getMetricHistoryBulkInterval')
        throw new UpstreamError({
          upstream: 'MLflow',
          endpoint: 'GET /api/2.0/mlflow/metrics/get-history-bulk-interval',
          failure: 'unsupported',
          message: 'bulk-interval is not served here',
        });
      return history(name, params);
    };
    const { loader, calls, learned } = setup(unsupported);
    const [a, b] = await Promise.all(['r1', 'r2'].map((id) => loader.load(key(id, { maxPoints: 5 }))));
    expect(calls.map((c) => c.name)).toEqual(['getMetricHistoryBulkInterval', 'getMetricHistory', 'getMetricHistory']);
    expect(learned.reasons).toEqual(['bulk-interval is not served here']);
    expect([a?.map((p) => p.step), b?.map((p) => p.run_id)]).toEqual([
      [0, 2, 5, 7, 9],
      ['r2', 'r2', 'r2', 'r2', 'r2'],
    ]);
  });

  it('keeps an error other than "unsupported" for the runs of that call, and learns nothing', async () => {
    const { loader, learned, calls } = setup(mlflowDown);
    await expect(loader.load(key('r1'))).rejects.toThrow('MLflow is down');
    expect([learned.bulkInterval, calls.length]).toEqual([true, 1]);
  });

  it("keys the shared cache by the run's latest point, and keeps a finished run's history longer", async () => {
    const { loader, store, nextRequest } = setup(history);
    await Promise.all([
      loader.load(key('done', { version: '1/9/9', finished: true })),
      loader.load(key('live', { version: '1/9/9', finished: false })),
    ]);
    const written = store.writes.filter((w) => w.key.includes(`{${cachePolicy.metricHistory.namespace}}`));
    expect(written.map((w) => [w.key.includes('"done"'), w.ttlSeconds])).toEqual([
      [true, 3600],
      [false, 5],
    ]);
    // The next request finds it; one after a new point was logged (another version) does not.
    const learned = { bulkInterval: true, bulkIntervalUnavailable() {} };
    const loadIn = async (version: string) => {
      const next = nextRequest();
      await createMetricHistoryLoader({ ...next.inputs, learned }).load(key('done', { version, finished: true }));
      return next.calls.length;
    };
    expect([await loadIn('1/9/9'), await loadIn('2/10/8')]).toEqual([0, 1]);
  });
});
