import { logBatchChunks } from '../../../../src/upstream/mlflow/logBatchChunks.js';

const metrics = (n: number) => Array.from({ length: n }, (_, i) => ({ key: `m${i}`, value: i, timestamp: 1 }));
const pairs = (prefix: string, n: number) =>
  Array.from({ length: n }, (_, i) => ({ key: `${prefix}${i}`, value: 'v' }));
const shape = (chunks: ReturnType<typeof logBatchChunks>) =>
  chunks.map((c) => [c.metrics.length, c.params.length, c.tags.length]);

// As MLflow's client splits (MlflowClient.log_batch): params and tags 100 at a time side by side, each call topped
// up with metrics to 1000 entities, then the remaining metrics 1000 at a time; order kept within each kind.
describe('logBatchChunks', () => {
  it('sends a batch within the limits as one call, and an empty one as none', () => {
    expect(shape(logBatchChunks(metrics(1000), [], []))).toEqual([[1000, 0, 0]]);
    expect(shape(logBatchChunks(metrics(800), pairs('p', 100), pairs('t', 100)))).toEqual([[800, 100, 100]]);
    expect(logBatchChunks([], [], [])).toEqual([]);
  });

  it('splits over MLflow’s limits: 1000 metrics, 100 params, 100 tags, 1000 entities per call', () => {
    expect(shape(logBatchChunks(metrics(2500), pairs('p', 250), pairs('t', 30)))).toEqual([
      [870, 100, 30],
      [900, 100, 0],
      [730, 50, 0],
    ]);
    expect(shape(logBatchChunks(metrics(3001), [], []))).toEqual([
      [1000, 0, 0],
      [1000, 0, 0],
      [1000, 0, 0],
      [1, 0, 0],
    ]);
  });

  it('keeps the order of each kind across calls', () => {
    const chunks = logBatchChunks(metrics(2100), pairs('p', 150), []);
    expect(chunks.flatMap((c) => c.metrics.map((m) => m.key))).toEqual(metrics(2100).map((m) => m.key));
    expect(chunks.flatMap((c) => c.params.map((p) => p.key))).toEqual(pairs('p', 150).map((p) => p.key));
    for (const c of chunks) {
      expect(c.metrics.length).toBeLessThanOrEqual(1000);
      expect(c.params.length + c.tags.length + c.metrics.length).toBeLessThanOrEqual(1000);
    }
    expect(shape(chunks)).toEqual([
      [900, 100, 0],
      [950, 50, 0],
      [250, 0, 0],
    ]);
  });
});
