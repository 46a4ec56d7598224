// Where evaluation datasets exist (the backend profile's `evaluationDatasets` feature: MLflow >= 3.4 by the detected
// version; not Databricks nor GitLab), and what a dataset mutation's arguments must be before anything is sent. Both
// run as field gates, in front of the permission checks: a backend without datasets, or a client's malformed input,
// costs no upstream call at all (not even the permission check's).
import { BadUserInputError } from '../../errors/SupergraphError.js';
import { isJsonObject } from '../../graphql/jsonScalar.js';
import type { RecordToUpsert } from '../../upstream/mlflow/datasetJson.js';
import { featureGates, type ArgumentChecks } from '../featureGates.js';

/** Records one upsert may carry: one call, one JSON-encoded body (MLflow sets no limit; the graph bounds the body). */
export const MAX_RECORDS_PER_UPSERT = 1000;
/** Record ids one delete may name. */
export const MAX_RECORD_IDS_PER_DELETE = 1000;

type TagArgument = { key: string; value: string };
type RecordArgument = {
  inputs: unknown;
  expectations?: unknown;
  outputs?: unknown;
  tags?: readonly TagArgument[] | null;
};

function requireIds(ids: unknown, what: string, max = 100): void {
  if (!Array.isArray(ids) || ids.length === 0) throw new BadUserInputError(`${what} must name at least one id`);
  if (ids.length > max) throw new BadUserInputError(`${what} takes at most ${max} ids, got ${ids.length}`);
  if (ids.some((id) => typeof id !== 'string' || id.trim() === ''))
    throw new BadUserInputError(`${what}: expected non-empty ids`);
}

function requireTags(tags: unknown, what: string): void {
  if (!Array.isArray(tags)) return;
  const keys = new Set<string>();
  for (const tag of tags as TagArgument[]) {
    if (tag.key.trim() === '') throw new BadUserInputError(`${what}: expected a non-empty tag key`);
    if (keys.has(tag.key)) throw new BadUserInputError(`${what}: tag "${tag.key}" is given twice`);
    keys.add(tag.key);
  }
}

/**
 * The records as MLflow's upsert reads them, or BAD_USER_INPUT naming the first bad one. MLflow 3.11.1 answers a
 * `records` that is not a JSON array of objects with `inputs` with an HTML 500 (corpus seq 207): never sent.
 */
export function recordsToUpsert(records: readonly RecordArgument[]): RecordToUpsert[] {
  if (records.length === 0) throw new BadUserInputError('records must hold at least one record');
  if (records.length > MAX_RECORDS_PER_UPSERT)
    throw new BadUserInputError(`records: at most ${MAX_RECORDS_PER_UPSERT} a call, got ${records.length}`);
  return records.map((record, index) => {
    const at = `records[${index}]`;
    if (!isJsonObject(record.inputs) || Object.keys(record.inputs).length === 0)
      throw new BadUserInputError(
        `${at}.inputs: expected a non-empty JSON object, got ${JSON.stringify(record.inputs)}`,
      );
    for (const field of ['expectations', 'outputs'] as const) {
      const value = record[field];
      if (value !== undefined && value !== null && !isJsonObject(value))
        throw new BadUserInputError(`${at}.${field}: expected a JSON object, got ${JSON.stringify(value)}`);
    }
    requireTags(record.tags, `${at}.tags`);
    return {
      inputs: record.inputs,
      ...(isJsonObject(record.expectations) ? { expectations: record.expectations } : {}),
      ...(isJsonObject(record.outputs) ? { outputs: record.outputs } : {}),
      ...(record.tags?.length ? { tags: Object.fromEntries(record.tags.map((t) => [t.key, t.value])) } : {}),
    };
  });
}

/** Argument checks of each dataset mutation (the resolvers use what these accepted). */
const INPUT_CHECKS: ArgumentChecks = {
  'Mutation.createEvaluationDataset': (args) => {
    const input = args['input'] as { name: string; experimentIds: unknown; tags?: unknown };
    if (input.name.trim() === '') throw new BadUserInputError('input.name must not be empty');
    requireIds(input.experimentIds, 'input.experimentIds');
    requireTags(input.tags, 'input.tags');
  },
  'Mutation.upsertEvaluationDatasetRecords': (args) => {
    recordsToUpsert(args['records'] as RecordArgument[]);
  },
  'Mutation.deleteEvaluationDatasetRecords': (args) =>
    requireIds(args['recordIds'], 'recordIds', MAX_RECORD_IDS_PER_DELETE),
  'Mutation.setEvaluationDatasetTags': (args) => {
    if (!Array.isArray(args['tags']) || args['tags'].length === 0)
      throw new BadUserInputError('tags must hold at least one tag');
    requireTags(args['tags'], 'tags');
  },
  'Mutation.deleteEvaluationDatasetTag': (args) => {
    if (String(args['key']).trim() === '') throw new BadUserInputError('key must not be empty');
  },
  'Mutation.addEvaluationDatasetExperiments': (args) => requireIds(args['experimentIds'], 'experimentIds'),
  'Mutation.removeEvaluationDatasetExperiments': (args) => requireIds(args['experimentIds'], 'experimentIds'),
  'Query.evaluationDatasets': (args) => requireIds(args['experimentIds'], 'experimentIds'),
};

/**
 * The gates of every evaluation-dataset field: the feature first (a 2.x server answers UNSUPPORTED_BY_BACKEND whatever
 * the input), then the field's own argument checks.
 */
export const evaluationDatasetGates = featureGates('evaluationDatasets', INPUT_CHECKS);
