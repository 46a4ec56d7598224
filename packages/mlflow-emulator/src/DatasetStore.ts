// MLflow 3's evaluation datasets (`/api/3.0/mlflow/datasets/...`, the tracking SqlAlchemyStore's dataset methods):
// datasets with JSON-encoded tags, linked experiments, and records upserted by their `inputs`. What the recording
// shows (corpus seq 201-220): tags, schema, profile and the records list travel as JSON-encoded strings; the digest is
// the first 8 hex digits of sha256("{name}:{time}") with the creation time, re-taken at each records upsert (the
// recorded digests verify with the recorded times); schema and profile appear once records exist.
import { createHash } from 'node:crypto';
import { MlflowError } from './MlflowError.js';
import type { Prng } from './prng.js';
import type { Page } from './TrackingStore.js';

/** A JSON object as the records carry them (`inputs`, `expectations`, `outputs`, `tags`). */
export type JsonObject = Record<string, unknown>;

/** One record of a dataset. */
export interface DatasetRecordEntry {
  readonly datasetRecordId: string;
  readonly inputs: JsonObject;
  expectations: JsonObject;
  outputs: JsonObject;
  tags: Record<string, string>;
  readonly createdTime: number;
  lastUpdateTime: number;
}

/** An evaluation dataset. */
export interface EvaluationDatasetRecord {
  readonly datasetId: string;
  readonly name: string;
  tags: Record<string, string>;
  digest: string;
  readonly createdTime: number;
  lastUpdateTime: number;
  readonly experimentIds: string[];
  readonly records: DatasetRecordEntry[];
}

/** Options for a dataset store. */
export interface DatasetStoreOptions {
  readonly now: () => number;
  readonly random: Prng;
}

/** `{"name"}:{time}` hashed as MLflow digests a dataset. */
export function datasetDigest(name: string, time: number): string {
  return createHash('sha256').update(`${name}:${time}`, 'utf8').digest('hex').slice(0, 8);
}

/** The type name a record value gets in the dataset's schema. */
function schemaType(value: unknown): string {
  if (typeof value === 'string') return 'string';
  if (typeof value === 'boolean') return 'boolean';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'float';
  if (Array.isArray(value)) return 'array';
  if (value !== null && typeof value === 'object') return 'object';
  return 'null';
}

function isObject(value: unknown): value is JsonObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** The same JSON value (key order ignored), as records are matched by their inputs. */
function sameJson(a: unknown, b: unknown): boolean {
  if (isObject(a) && isObject(b)) {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((key) => key in b && sameJson(a[key], b[key]));
  }
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((item, i) => sameJson(item, b[i]));
  return a === b;
}

/** Records in MLflow's order: creation time, then id (what the `created_time:id` page token walks). */
function compareRecords(a: DatasetRecordEntry, b: DatasetRecordEntry): number {
  if (a.createdTime !== b.createdTime) return a.createdTime - b.createdTime;
  return a.datasetRecordId < b.datasetRecordId ? -1 : a.datasetRecordId > b.datasetRecordId ? 1 : 0;
}

/** Evaluation datasets. */
export class DatasetStore {
  readonly datasets = new Map<string, EvaluationDatasetRecord>();
  private readonly options: DatasetStoreOptions;

  constructor(options: DatasetStoreOptions) {
    this.options = options;
  }

  /** `datasets/create`. */
  create(name: string, experimentIds: readonly string[], tags: Record<string, string>): EvaluationDatasetRecord {
    const now = this.options.now();
    let datasetId = `d-${this.options.random.hex(32)}`;
    while (this.datasets.has(datasetId)) datasetId = `d-${this.options.random.hex(32)}`;
    const dataset: EvaluationDatasetRecord = {
      datasetId,
      name,
      tags: { ...tags },
      digest: datasetDigest(name, now),
      createdTime: now,
      lastUpdateTime: now,
      experimentIds: [...new Set(experimentIds)],
      records: [],
    };
    this.datasets.set(datasetId, dataset);
    return dataset;
  }

  /** The dataset, or MLflow's 404. */
  get(datasetId: string): EvaluationDatasetRecord {
    const dataset = this.datasets.get(datasetId);
    if (!dataset) throw MlflowError.notFound(`Evaluation dataset with id '${datasetId}' not found`);
    return dataset;
  }

  /** `DELETE datasets/{id}`. */
  delete(datasetId: string): void {
    this.get(datasetId);
    this.datasets.delete(datasetId);
  }

  /** `datasets/search`: datasets linked to any of the experiments (all when none), newest first. */
  search(request: {
    experimentIds: readonly string[];
    name?: { readonly op: '=' | 'LIKE'; readonly value: string };
    maxResults: number;
    offset: number;
  }): { items: EvaluationDatasetRecord[]; nextOffset?: number } {
    const like = (pattern: string): RegExp =>
      new RegExp(
        `^${pattern
          .replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
          .replace(/%/g, '.*')
          .replace(/_/g, '.')}$`,
      );
    const matches = [...this.datasets.values()]
      .filter(
        (dataset) =>
          request.experimentIds.length === 0 || dataset.experimentIds.some((id) => request.experimentIds.includes(id)),
      )
      .filter((dataset) => {
        if (!request.name) return true;
        return request.name.op === '='
          ? dataset.name === request.name.value
          : like(request.name.value).test(dataset.name);
      })
      .sort((a, b) => b.createdTime - a.createdTime);
    const items = matches.slice(request.offset, request.offset + request.maxResults);
    const next = request.offset + request.maxResults;
    return next < matches.length ? { items, nextOffset: next } : { items };
  }

  /** `PATCH datasets/{id}/tags`: merged into the dataset's tags. */
  setTags(datasetId: string, tags: Record<string, string>): void {
    const dataset = this.get(datasetId);
    dataset.tags = { ...dataset.tags, ...tags };
    dataset.lastUpdateTime = this.options.now();
  }

  /** `DELETE datasets/{id}/tags/{key}`. */
  deleteTag(datasetId: string, key: string): void {
    const dataset = this.get(datasetId);
    const { [key]: _removed, ...rest } = dataset.tags;
    dataset.tags = rest;
    dataset.lastUpdateTime = this.options.now();
  }

  /** `datasets/{id}/add-experiments` and `remove-experiments`. */
  linkExperiments(datasetId: string, experimentIds: readonly string[], link: boolean): EvaluationDatasetRecord {
    const dataset = this.get(datasetId);
    for (const experimentId of experimentIds) {
      const index = dataset.experimentIds.indexOf(experimentId);
      if (link && index < 0) dataset.experimentIds.push(experimentId);
      if (!link && index >= 0) dataset.experimentIds.splice(index, 1);
    }
    dataset.lastUpdateTime = this.options.now();
    return dataset;
  }

  /**
   * `POST datasets/{id}/records`: a record whose `inputs` equal an existing one's updates it (expectations, outputs
   * and tags merged), any other is inserted; the digest is re-taken.
   */
  upsertRecords(
    datasetId: string,
    records: ReadonlyArray<{ inputs: JsonObject; expectations?: JsonObject; outputs?: JsonObject; tags?: JsonObject }>,
  ): { inserted: number; updated: number } {
    const dataset = this.get(datasetId);
    const now = this.options.now();
    let inserted = 0;
    let updated = 0;
    for (const record of records) {
      const existing = dataset.records.find((entry) => sameJson(entry.inputs, record.inputs));
      const tags = Object.fromEntries(Object.entries(record.tags ?? {}).map(([key, value]) => [key, String(value)]));
      if (existing) {
        existing.expectations = { ...existing.expectations, ...record.expectations };
        existing.outputs = { ...existing.outputs, ...record.outputs };
        existing.tags = { ...existing.tags, ...tags };
        existing.lastUpdateTime = now;
        updated += 1;
      } else {
        dataset.records.push({
          datasetRecordId: `dr-${this.options.random.hex(32)}`,
          inputs: record.inputs,
          expectations: { ...record.expectations },
          outputs: { ...record.outputs },
          tags,
          createdTime: now,
          lastUpdateTime: now,
        });
        inserted += 1;
      }
    }
    dataset.records.sort(compareRecords);
    dataset.digest = datasetDigest(dataset.name, now);
    dataset.lastUpdateTime = now;
    return { inserted, updated };
  }

  /** `GET datasets/{id}/records`: a page after the `created_time:id` of the last record seen. */
  records(
    datasetId: string,
    maxResults: number,
    after?: { createdTime: number; id: string },
  ): Page<DatasetRecordEntry> {
    const dataset = this.get(datasetId);
    const remaining = after
      ? dataset.records.filter(
          (entry) =>
            entry.createdTime > after.createdTime ||
            (entry.createdTime === after.createdTime && entry.datasetRecordId > after.id),
        )
      : dataset.records;
    const items = remaining.slice(0, maxResults);
    const last = items[items.length - 1];
    if (remaining.length > maxResults && last) {
      const token = Buffer.from(`${last.createdTime}:${last.datasetRecordId}`, 'utf8').toString('base64');
      return { items, nextPageToken: token };
    }
    return { items };
  }

  /** `DELETE datasets/{id}/records`. */
  deleteRecords(datasetId: string, recordIds: readonly string[]): number {
    const dataset = this.get(datasetId);
    const before = dataset.records.length;
    const keep = dataset.records.filter((entry) => !recordIds.includes(entry.datasetRecordId));
    dataset.records.splice(0, dataset.records.length, ...keep);
    if (keep.length !== before) dataset.lastUpdateTime = this.options.now();
    return before - keep.length;
  }

  /** The dataset's schema (field → type of each part of the records), once it has records. */
  schema(dataset: EvaluationDatasetRecord): Record<string, unknown> | undefined {
    if (dataset.records.length === 0) return undefined;
    const part = (pick: (entry: DatasetRecordEntry) => JsonObject): Record<string, string> => {
      const types: Record<string, string> = {};
      for (const entry of dataset.records) {
        for (const [key, value] of Object.entries(pick(entry))) types[key] ??= schemaType(value);
      }
      return types;
    };
    return {
      inputs: part((entry) => entry.inputs),
      outputs: part((entry) => entry.outputs),
      expectations: part((entry) => entry.expectations),
      version: '1.0',
    };
  }
}
