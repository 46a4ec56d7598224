// The bytes behind the emulator's artifact records. The demo seed records paths and sizes only; this module makes
// each file's content from the run it belongs to, deterministically, so a download through the gateway can be
// checked byte for byte: plots are real PNGs of the run's own metrics, `MLmodel` is the YAML MLflow writes, the
// evaluation table a CSV. Anything else (model.pkl, synthetic blobs) is a repeating pseudo-random pattern of the
// recorded size, generated as it is read: a 200 MB artifact never exists in memory.
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { createPrng } from '../prng.js';
import type { ArtifactRecord, RunRecord } from '../records.js';
import { encodePng, fill, line, raster, type Raster } from './png.js';

/** What a file holds: bytes made once, or a pattern of `size` bytes made as it is read. */
export type ArtifactBody =
  | { readonly kind: 'bytes'; readonly bytes: Buffer }
  | { readonly kind: 'pattern'; readonly size: number; readonly block: Buffer };

/** The repeating unit of a pattern body (and the most one read() pushes). */
const BLOCK_BYTES = 64 * 1024;

const bodies = new WeakMap<RunRecord, Map<string, ArtifactBody>>();

function seedOf(run: RunRecord, path: string): number {
  return createHash('sha256').update(`${run.runId}\u0000${path}`).digest().readUInt32BE(0);
}

function patternBlock(seed: number): Buffer {
  const random = createPrng(seed);
  const block = Buffer.alloc(BLOCK_BYTES);
  for (let i = 0; i < BLOCK_BYTES; i += 4) block.writeUInt32LE(Math.floor(random() * 0x1_0000_0000), i);
  return block;
}

function history(run: RunRecord, key: string): number[] {
  return (run.metricHistory.get(key) ?? []).map((point) => point.value);
}

/** A 320×200 line chart of the run's loss and val_loss, white background, grey axes. */
function lossCurve(run: RunRecord): Buffer {
  const image: Raster = raster(320, 200, [255, 255, 255]);
  const left = 30;
  const bottom = 180;
  line(image, left, 10, left, bottom, [120, 120, 120]);
  line(image, left, bottom, 310, bottom, [120, 120, 120]);
  const series: [number[], readonly [number, number, number]][] = [
    [history(run, 'loss'), [31, 119, 180]],
    [history(run, 'val_loss'), [255, 127, 14]],
  ];
  const all = series.flatMap(([values]) => values).filter(Number.isFinite);
  const max = all.length > 0 ? Math.max(...all) : 1;
  const min = all.length > 0 ? Math.min(...all) : 0;
  const span = max - min || 1;
  for (const [values, colour] of series) {
    const y = (value: number) => bottom - 5 - ((value - min) / span) * (bottom - 20);
    const x = (index: number) => left + 2 + (index / Math.max(1, values.length - 1)) * (310 - left - 4);
    for (let i = 1; i < values.length; i += 1)
      line(image, x(i - 1), y(values[i - 1] as number), x(i), y(values[i] as number), colour);
  }
  return encodePng(image);
}

/** A 2×2 confusion matrix, shaded by the run's final accuracy. */
function confusionMatrix(run: RunRecord): Buffer {
  const accuracy = run.latestMetrics.get('accuracy')?.value ?? 0.5;
  const image = raster(200, 200, [255, 255, 255]);
  const shade = (share: number) => [255 - share * 200, 255 - share * 120, 255] as const;
  fill(image, 10, 10, 100, 100, shade(accuracy));
  fill(image, 100, 100, 190, 190, shade(accuracy));
  fill(image, 100, 10, 190, 100, shade(1 - accuracy));
  fill(image, 10, 100, 100, 190, shade(1 - accuracy));
  return encodePng(image);
}

function mlmodel(run: RunRecord): string {
  const pickle = run.artifacts.find((record) => record.path === 'model/model.pkl');
  const created = new Date(run.endTime ?? run.startTime).toISOString().replace('T', ' ').replace('Z', '000');
  return [
    'artifact_path: model',
    'flavors:',
    '  python_function:',
    '    env:',
    '      conda: conda.yaml',
    '      virtualenv: python_env.yaml',
    '    loader_module: mlflow.sklearn',
    '    model_path: model.pkl',
    '    predict_fn: predict',
    '    python_version: 3.11.9',
    '  sklearn:',
    '    code: null',
    '    pickled_model: model.pkl',
    '    serialization_format: cloudpickle',
    '    sklearn_version: 1.4.2',
    'mlflow_version: 2.12.2',
    `model_size_bytes: ${pickle?.fileSize ?? 0}`,
    `model_uuid: ${createHash('sha256').update(`model:${run.runId}`).digest('hex').slice(0, 32)}`,
    `run_id: ${run.runId}`,
    `utc_time_created: '${created}'`,
    '',
  ].join('\n');
}

function predictions(run: RunRecord): string {
  const random = createPrng(seedOf(run, 'predictions'));
  const accuracy = run.latestMetrics.get('accuracy')?.value ?? 0.5;
  const rows = ['id,label,prediction,probability'];
  for (let id = 1; id <= 50; id += 1) {
    const label = random() < 0.5 ? 0 : 1;
    const correct = random() < accuracy;
    const prediction = correct ? label : 1 - label;
    const probability = (prediction === 1 ? 0.5 + random() / 2 : random() / 2).toFixed(4);
    rows.push(`${id},${label},${prediction},${probability}`);
  }
  return `${rows.join('\n')}\n`;
}

function metricsJson(run: RunRecord): string {
  const latest = Object.fromEntries([...run.latestMetrics].map(([key, point]) => [key, point.value]));
  return `${JSON.stringify(latest, null, 2)}\n`;
}

/** Log lines filling exactly `size` bytes (what a failed run's stderr.txt holds). */
function logOfSize(run: RunRecord, size: number): string {
  let text = '';
  for (let step = 0; text.length < size; step += 1)
    text += `${new Date(run.startTime + step * 1000).toISOString()} WARNING step ${step}: gradient norm ${(step % 97) / 7}\n`;
  return text.slice(0, size);
}

const TEXT_FILES: Readonly<Record<string, (run: RunRecord) => string>> = {
  'model/conda.yaml': () =>
    'channels:\n- conda-forge\ndependencies:\n- python=3.11.9\n- pip<=24.0\n- pip:\n  - mlflow==2.12.2\n  - scikit-learn==1.4.2\nname: mlflow-env\n',
  'model/python_env.yaml': () =>
    'python: 3.11.9\nbuild_dependencies:\n- pip==24.0\ndependencies:\n- -r requirements.txt\n',
  'model/requirements.txt': () => 'mlflow==2.12.2\ncloudpickle==3.0.0\nnumpy==1.26.4\nscikit-learn==1.4.2\n',
  'model/MLmodel': mlmodel,
  'metrics.json': metricsJson,
};

function makeBody(run: RunRecord, record: ArtifactRecord): ArtifactBody {
  const name = record.path.slice(record.path.lastIndexOf('/') + 1);
  const text = TEXT_FILES[record.path];
  if (text) return { kind: 'bytes', bytes: Buffer.from(text(run), 'utf8') };
  if (name === 'loss_curve.png') return { kind: 'bytes', bytes: lossCurve(run) };
  if (name === 'confusion_matrix.png') return { kind: 'bytes', bytes: confusionMatrix(run) };
  if (name.endsWith('.csv')) return { kind: 'bytes', bytes: Buffer.from(predictions(run), 'utf8') };
  if (name.endsWith('.txt')) return { kind: 'bytes', bytes: Buffer.from(logOfSize(run, record.fileSize ?? 0), 'utf8') };
  return { kind: 'pattern', size: record.fileSize ?? 0, block: patternBlock(seedOf(run, record.path)) };
}

/** The content of a file record (made on first use, then kept with the run). */
export function artifactBody(run: RunRecord, record: ArtifactRecord): ArtifactBody {
  let byPath = bodies.get(run);
  if (!byPath) bodies.set(run, (byPath = new Map()));
  let body = byPath.get(record.path);
  if (!body) byPath.set(record.path, (body = makeBody(run, record)));
  return body;
}

/** The size of a body in bytes. */
export function bodySize(body: ArtifactBody): number {
  return body.kind === 'bytes' ? body.bytes.length : body.size;
}

/** The file record at `path` of a run (directories excluded), if any. */
export function fileRecord(run: RunRecord, path: string): ArtifactRecord | undefined {
  return run.artifacts.find((record) => record.path === path && !record.isDir);
}

/**
 * Bytes `start` to `end` (inclusive) of a body as a stream. A pattern body is generated a block at a time as the
 * consumer reads (`read()` is called only when the consumer wants more), so memory stays one block whatever the size.
 */
export function bodyStream(body: ArtifactBody, start: number, end: number): Readable {
  if (body.kind === 'bytes') return Readable.from([body.bytes.subarray(start, end + 1)], { objectMode: false });
  let offset = start;
  return new Readable({
    highWaterMark: BLOCK_BYTES,
    read() {
      if (offset > end) {
        this.push(null);
        return;
      }
      const within = offset % BLOCK_BYTES;
      const length = Math.min(BLOCK_BYTES - within, end - offset + 1);
      // A copy: the pushed chunk must not alias the shared block while it sits in a socket's queue.
      this.push(Buffer.from(body.block.subarray(within, within + length)));
      offset += length;
    },
  });
}

/** The whole content of a body (for tests comparing a download byte for byte; not for large bodies). */
export async function bodyBytes(body: ArtifactBody): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of bodyStream(body, 0, bodySize(body) - 1)) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** The MIME type MLflow's `_guess_mime_type` gives a file name (its table for MLmodel/MLproject, else Python's). */
export function mimeType(path: string): string {
  const name = path.slice(path.lastIndexOf('/') + 1);
  if (name === 'MLmodel' || name === 'MLproject') return 'text/plain';
  const extension = name.includes('.') ? name.slice(name.lastIndexOf('.') + 1).toLowerCase() : '';
  const types: Record<string, string> = {
    png: 'image/png',
    jpg: 'image/jpeg',
    jpeg: 'image/jpeg',
    gif: 'image/gif',
    svg: 'image/svg+xml',
    html: 'text/html',
    json: 'application/json',
    csv: 'text/csv',
    txt: 'text/plain',
    yaml: 'application/yaml',
    yml: 'application/yaml',
    md: 'text/markdown',
  };
  return types[extension] ?? 'application/octet-stream';
}

/** Adds a file of `size` pattern bytes (and its parent directories) to a run: the large artifacts of the benchmarks. */
export function addSyntheticArtifact(run: RunRecord, path: string, size: number): void {
  if (!Number.isSafeInteger(size) || size < 0) throw new TypeError(`expected a byte size, got ${String(size)}`);
  const parts = path.split('/');
  for (let depth = 1; depth < parts.length; depth += 1) {
    const directory = parts.slice(0, depth).join('/');
    if (!run.artifacts.some((record) => record.path === directory))
      run.artifacts.push({ path: directory, isDir: true });
  }
  run.artifacts.push({ path, isDir: false, fileSize: size });
}
