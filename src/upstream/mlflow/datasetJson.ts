// MLflow 3's evaluation datasets carry JSON inside JSON: a dataset's `tags`, `schema` and `profile`, and the `records`
// of records/upsert and records/get, are JSON-encoded strings (corpus 3.11.1 seq 201-217). Decoding and encoding them
// happens here, once; a string that does not parse is the upstream's fault and reads as absent, never as a crash.
import { tagPairs } from './tagPairs.js';
import type { WireDatasetRecord } from './wire.js';

/** A JSON-encoded string field, decoded; undefined when absent or not JSON. */
export function decodeJsonText(text: string | undefined): unknown {
  if (text === undefined || text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** A dataset's JSON-encoded tags as MLflow's key/value pairs (values as strings, as MLflow stores them). */
export function decodeTagText(text: string | undefined): { key: string; value: string }[] {
  return tagPairs(decodeJsonText(text));
}

/** Tags as the JSON-encoded object datasets/create and tags PATCH take. */
export function encodeTags(tags: readonly { key: string; value: string }[]): string {
  return JSON.stringify(Object.fromEntries(tags.map((tag) => [tag.key, tag.value])));
}

/** The records of a GET datasets/{id}/records answer; entries without an id are dropped. */
export function decodeRecords(text: string | undefined): WireDatasetRecord[] {
  const records = decodeJsonText(text);
  if (!Array.isArray(records)) return [];
  return records.filter(
    (record): record is WireDatasetRecord =>
      record !== null &&
      typeof record === 'object' &&
      typeof (record as WireDatasetRecord).dataset_record_id === 'string',
  );
}

/** One record to upsert, as MLflow's handler reads it from the decoded `records` array. */
export interface RecordToUpsert {
  inputs: Record<string, unknown>;
  expectations?: Record<string, unknown>;
  outputs?: Record<string, unknown>;
  tags?: Record<string, string>;
}

/** The `records` string of records/upsert. */
export function encodeRecords(records: readonly RecordToUpsert[]): string {
  return JSON.stringify(records);
}
