// The cache policy (DESIGN §5) as data, one table and so one file (~300 lines): every kind of entry this layer keeps
// in the shared cache, with its key namespace, lifetime, who may be served it and what makes it stale. Config's
// CACHE_TTL_* variables, EntityCache's default TTLs and the README's list come from here; call sites name a row
// (`cachePolicy.run.namespace`), and test/unit/cache/cachePolicy.test.ts fails on a namespace without a row.
//
// Lifetimes are a column of their own (`ttlSettings`) because several rows share one setting (experiments by id
// and by name; every permission answer): each default is declared once, and CACHE_TTL_EXPERIMENT moves both rows.

/** One lifetime an operator can set. */
export interface TtlSetting {
  /** The environment variable that overrides it, in seconds. */
  readonly variable: `CACHE_TTL_${string}`;
  readonly defaultSeconds: number;
  /** Why this long: the volatility of what it keeps. */
  readonly why: string;
}

/** The settable lifetimes (CACHE_TTL_<NAME>, seconds), one per volatility class of upstream data. */
export const ttlSettings = {
  runFinished: {
    variable: 'CACHE_TTL_RUN_FINISHED',
    defaultSeconds: 300,
    why: 'a run in a terminal state (FINISHED, FAILED, KILLED) changes only through writes, which invalidate it',
  },
  runActive: {
    variable: 'CACHE_TTL_RUN_ACTIVE',
    defaultSeconds: 5,
    why: 'a RUNNING/SCHEDULED run gains metrics, params and an end time at any moment',
  },
  metricHistoryFinished: {
    variable: 'CACHE_TTL_METRIC_HISTORY_FINISHED',
    defaultSeconds: 3600,
    why: "a finished run's metric history is immutable",
  },
  metricHistoryActive: {
    variable: 'CACHE_TTL_METRIC_HISTORY_ACTIVE',
    defaultSeconds: 5,
    why: "a running run's metric history grows continuously",
  },
  experiment: {
    variable: 'CACHE_TTL_EXPERIMENT',
    defaultSeconds: 30,
    why: "writes through this layer invalidate it; another client's rename or tag shows within this time",
  },
  loggedModel: {
    variable: 'CACHE_TTL_LOGGED_MODEL',
    defaultSeconds: 30,
    why: "writes through this layer invalidate it; another client's finalize, tag or metric shows within this time",
  },
  evaluationDataset: {
    variable: 'CACHE_TTL_EVALUATION_DATASET',
    defaultSeconds: 30,
    why: "writes through this layer invalidate it; another client's tag, record or experiment link shows within this time",
  },
  permission: {
    variable: 'CACHE_TTL_PERMISSION',
    defaultSeconds: 10,
    why: 'a revoked grant must stop working quickly, even on another instance',
  },
  artifactListing: {
    variable: 'CACHE_TTL_ARTIFACT_LISTING',
    defaultSeconds: 30,
    why: 'artifacts can be logged to a run at any time (even a finished one) and the graph writes none: a listing only ages out',
  },
  searchPage: {
    variable: 'CACHE_TTL_SEARCH_PAGE',
    defaultSeconds: 5,
    why: 'a page of search results is stale as soon as anything is created or deleted elsewhere',
  },
  trace: {
    variable: 'CACHE_TTL_TRACE',
    defaultSeconds: 10,
    why: "traces arrive constantly and an in-progress one gains spans, a state and a duration; others' assessments and tags show within this time (this layer's writes invalidate at once)",
  },
  response: {
    variable: 'CACHE_TTL_RESPONSE',
    defaultSeconds: 60,
    why: 'the most a whole answer is kept; it is never kept longer than the most volatile entry it was built from',
  },
} as const satisfies Record<string, TtlSetting>;

/** The name of a settable lifetime. */
export type TtlName = keyof typeof ttlSettings;

/** Lifetimes in seconds, one per setting (the defaults merged with CACHE_TTL_* overrides). */
export type CacheTtls = Record<TtlName, number>;

/** Every setting's name, in table order (config parses these, the bench overrides these). */
export const ttlNames = Object.keys(ttlSettings) as TtlName[];

/** The default lifetimes, in seconds. */
export const defaultTtls: Readonly<CacheTtls> = Object.freeze(
  Object.fromEntries(ttlNames.map((name) => [name, ttlSettings[name].defaultSeconds])) as CacheTtls,
);

/**
 * Who may be served an entry:
 * - `entity`: one copy for every caller where sharing is earned (this layer asks a permission service about each
 *   object, DESIGN §5), else one per caller under an HMAC of their credential (RequestCache's load/prime/invalidate);
 * - `perCaller`: always under the caller's scope (the upstream filtered or decided it for them);
 * - `shared`: one copy for everyone (bookkeeping that holds nothing a caller could read).
 */
export type EntrySharing = 'entity' | 'perCaller' | 'shared';

/** How long an entry lives. */
export type EntryTtl =
  /** CACHE_TTL_* settings; more than one when the object's state picks (a finished run vs a running one). */
  | { readonly settings: readonly TtlName[] }
  /** Not an operator's choice: bookkeeping whose lifetime follows from what it guards. */
  | { readonly fixedSeconds: number; readonly why: string }
  /** A setting of its own, parsed by config under another name. */
  | { readonly variable: string; readonly defaultSeconds: number };

/** The rows that are generations: values other entries carry, replaced by writes to make those entries stale. */
export type GenerationRowName = 'searchGeneration' | 'writeGeneration';

/** What makes an entry stop being served. */
export interface Invalidation {
  /** In words. */
  readonly how: string;
  /** GraphQL mutations whose resolvers delete the entry (the caller's copy, or the shared one). */
  readonly deletedBy?: readonly string[];
  /** Generation rows whose change makes the entry stale for every caller and instance. */
  readonly staleWith?: readonly GenerationRowName[];
}

interface RowBase {
  /** What is kept. */
  readonly holds: string;
  readonly ttl: EntryTtl;
  readonly sharing: EntrySharing;
  readonly invalidation: Invalidation;
}

/** A kind of entry stored through EntityCache: keys are `cacheKey({ namespace, id, scope })`. */
export interface NamespaceRow extends RowBase {
  /** The key namespace (the Redis Cluster hash tag); changing it orphans every stored entry. */
  readonly namespace: string;
}

/** A kind of entry stored on the KeyValueCache directly, under a fixed key prefix. */
export interface RawKeyRow extends RowBase {
  readonly keyPrefix: string;
}

/** One row of the policy. */
export type CachePolicyRow = NamespaceRow | RawKeyRow;

/** Tracking writes that end in `freshExperiment` (invalidate the experiment, by id and by name). */
const experimentWrites = [
  'createExperiment',
  'updateExperiment',
  'deleteExperiment',
  'restoreExperiment',
  'setExperimentTag',
  'deleteExperimentTag',
] as const;

/** Evaluation-dataset writes: each drops the dataset (and its experiment links) and bumps `evaluationDatasets`. */
const datasetWrites = [
  'upsertEvaluationDatasetRecords',
  'deleteEvaluationDatasetRecords',
  'setEvaluationDatasetTags',
  'deleteEvaluationDatasetTag',
  'addEvaluationDatasetExperiments',
  'removeEvaluationDatasetExperiments',
  'deleteEvaluationDataset',
] as const;

/** Every permission answer is about its caller (so kept per caller) and lives CACHE_TTL_PERMISSION. */
const permissionAnswer = { ttl: { settings: ['permission'] }, sharing: 'perCaller' } as const;

/** Writes after which the creator's permission answers are deleted: they may use what they made at once. */
const creations = ['createExperiment', 'createRegisteredModel'] as const;

/** Lifetime of the search and write generations (requestCache reads it from their rows). */
const GENERATION_TTL_SECONDS = 7 * 24 * 3600;
const generationWhy = 'outlives every entry it guards (the longest TTL setting is far shorter)';

/** The cache policy: one row per kind of cached entry. */
export const cachePolicy = {
  experiment: {
    holds: 'experiments/get payloads by experiment id (also primed from experiment searches)',
    namespace: 'experiment',
    ttl: { settings: ['experiment'] },
    sharing: 'entity',
    invalidation: {
      how: "deleted by this layer's writes to the experiment; other callers' copies go stale with its write generation",
      deletedBy: experimentWrites,
      staleWith: ['writeGeneration'],
    },
  },
  experimentByName: {
    holds: 'experiments/get-by-name payloads by name',
    namespace: 'experimentByName',
    ttl: { settings: ['experiment'] },
    sharing: 'entity',
    invalidation: {
      how: 'deleted for the old and the new name by writes to the experiment (a rename, delete or restore moves names)',
      deletedBy: experimentWrites,
      staleWith: ['writeGeneration'],
    },
  },
  run: {
    holds: 'runs by run id (runs/get or runs/search with attributes.run_id IN)',
    namespace: 'run',
    ttl: { settings: ['runFinished', 'runActive'] },
    sharing: 'entity',
    invalidation: {
      how: "deleted by this layer's writes to the run; other callers' copies go stale with its write generation",
      deletedBy: [
        'createLoggedModel',
        'updateRun',
        'deleteRun',
        'restoreRun',
        'setRunTag',
        'deleteRunTag',
        'logMetric',
        'logParam',
        'logBatch',
      ],
      staleWith: ['writeGeneration'],
    },
  },
  loggedModel: {
    holds: 'MLflow 3 logged models by model id (logged-models/get, or found by a logged-models/search)',
    namespace: 'loggedModel',
    ttl: { settings: ['loggedModel'] },
    // Served to another caller only after the type-level rule decided their level on the model's experiment.
    sharing: 'entity',
    invalidation: {
      how: "deleted by this layer's writes to the model (and by metrics logged with its id); other callers' copies go stale with its write generation",
      deletedBy: [
        'finalizeLoggedModel',
        'setLoggedModelTags',
        'deleteLoggedModelTag',
        'logLoggedModelParams',
        'deleteLoggedModel',
        'logMetric',
        'logBatch',
      ],
      staleWith: ['writeGeneration'],
    },
  },
  evaluationDataset: {
    holds: 'MLflow 3 evaluation datasets by dataset id (datasets/get, or found by a datasets/search)',
    namespace: 'evaluationDataset',
    ttl: { settings: ['evaluationDataset'] },
    // Served to another caller only after the type-level rule decided their level on every linked experiment.
    sharing: 'entity',
    invalidation: {
      how: "deleted by this layer's writes to the dataset; other callers' copies go stale with its write generation",
      deletedBy: datasetWrites,
      staleWith: ['writeGeneration'],
    },
  },
  evaluationDatasetExperiments: {
    holds:
      'the experiment ids an evaluation dataset is linked to (datasets/{id}/experiment-ids): what its permission is decided by',
    namespace: 'evaluationDatasetExperiments',
    ttl: { settings: ['evaluationDataset'] },
    // Read only to decide a caller's own level on the dataset; it shows nothing by itself.
    sharing: 'entity',
    invalidation: {
      how: "deleted by this layer's writes to the dataset (links added or removed, the dataset deleted); other callers' copies go stale with its write generation",
      deletedBy: datasetWrites,
      staleWith: ['writeGeneration'],
    },
  },
  metricHistory: {
    holds: "one run's history of one metric (per sampling arguments)",
    namespace: 'metricHistory',
    ttl: { settings: ['metricHistoryFinished', 'metricHistoryActive'] },
    sharing: 'entity',
    invalidation: {
      how: "never deleted: the id carries the run's latest value of the metric, so logging a point changes the key",
    },
  },
  artifactListing: {
    holds: "one page of one directory of a run's artifacts (artifacts/list by run, path and page token)",
    namespace: 'artifactListing',
    ttl: { settings: ['artifactListing'] },
    // Read only inside Run.artifacts / Run.files, on a run the caller's permission was checked on.
    sharing: 'entity',
    invalidation: {
      how: 'never deleted: the graph writes no artifacts, so a listing ages out (files logged meanwhile show within its TTL)',
    },
  },
  searchPage: {
    holds:
      'one page of a search (experiments, runs, logged models, registered models, model versions, evaluation datasets and their records, traces) by its parameters',
    namespace: 'searchPage',
    ttl: { settings: ['searchPage'] },
    sharing: 'perCaller',
    invalidation: {
      how: "the id carries its kind's search generation, which every write of that kind replaces, and the permissions generation, which every grant or revoke through this layer replaces (MLflow filters searches by permission)",
      staleWith: ['searchGeneration'],
    },
  },
  searchGeneration: {
    holds:
      'the current generation (a random value) of each search kind, of permissions (grants and revokes) and of answers (any mutation)',
    namespace: 'gen',
    ttl: { fixedSeconds: GENERATION_TTL_SECONDS, why: generationWhy },
    sharing: 'shared',
    invalidation: {
      how: 'it is the invalidation: every write sets a new value for the search kinds it changes, a grant or revoke for permissions, and the gateway for answers after every mutation',
    },
  },
  writeGeneration: {
    holds: "each written object's generation (`<namespace>:<id>`), stamped into per-caller copies of it",
    namespace: 'wgen',
    ttl: { fixedSeconds: GENERATION_TTL_SECONDS, why: generationWhy },
    sharing: 'shared',
    invalidation: {
      how: 'it is the invalidation: a write in per-caller mode sets a new value for each object it invalidates',
    },
  },
  trace: {
    holds:
      'MLflow 3 trace infos by trace id, with their assessments (traces/batchGetInfos, or primed from a traces/search)',
    namespace: 'trace',
    ttl: { settings: ['trace'] },
    // Served to another caller only after Trace's type-level rule decided their level on the trace's experiment
    // (MLflow 3.11.1's basic-auth checks nothing on traces: this layer's check is the only one).
    sharing: 'entity',
    invalidation: {
      how: "deleted by this layer's writes to the trace (tags, assessments, deletes); other callers' copies go stale with its write generation",
      deletedBy: [
        'setTraceTag',
        'deleteTraceTag',
        'deleteTraces',
        'createAssessment',
        'updateAssessment',
        'deleteAssessment',
      ],
      staleWith: ['writeGeneration'],
    },
  },
  traceSpans: {
    holds: "one trace's stored spans (traces/batchGet, or traces/get for a trace isolated from a failed batch)",
    namespace: 'traceSpans',
    ttl: { settings: ['trace'] },
    // Read only inside Trace.spans, on a trace whose experiment permission was checked.
    sharing: 'entity',
    invalidation: {
      how: "deleted by deleteTraces; the graph writes no spans (they arrive over OTLP), so an in-progress trace's spans age out",
      deletedBy: ['deleteTraces'],
      staleWith: ['writeGeneration'],
    },
  },
  permission: {
    holds:
      "a caller's basic-auth profile (all their grants), the user list an administrator read (or its refusal, kept for that caller only), or their Databricks level on one object",
    namespace: 'permission',
    ...permissionAnswer,
    invalidation: {
      how: "the creator's entry is deleted when they create an object; a grant or revoke through this layer makes every caller's stale (the permissions generation); changes made elsewhere age out",
      deletedBy: creations,
      staleWith: ['searchGeneration'],
    },
  },
  gitlabCaller: {
    holds: "a GitLab token's owner and its level and scopes on the project",
    namespace: 'gitlabCaller',
    ...permissionAnswer,
    invalidation: {
      how: 'stale after a grant or revoke through this layer (the permissions generation); else ages out (a revoked token or role stops working within the TTL)',
      staleWith: ['searchGeneration'],
    },
  },
  permissionCheck: {
    holds: "the HTTP permission service's answer for one (action, object), and whether the caller is admin",
    namespace: 'permissionCheck',
    ...permissionAnswer,
    invalidation: {
      how: "the creator's answers on a new object are deleted; other changes age out",
      deletedBy: creations,
    },
  },
  response: {
    holds:
      "a whole GraphQL answer (the gateway's response cache) by operation text, operation name and variables, as its text",
    namespace: 'answer',
    ttl: { settings: ['response'] },
    sharing: 'perCaller',
    invalidation: {
      how: 'stamped with every generation (search kinds, permissions, answers) when its execution began: any write, grant, revoke or mutation through this layer makes it stale for every caller and instance; it lives no longer than the most volatile entry it was built from (at most CACHE_TTL_RESPONSE)',
      staleWith: ['searchGeneration'],
    },
  },
  persistedQuery: {
    holds: 'automatic persisted query registrations: operation text by sha256',
    keyPrefix: 'msg:v1:gateway:',
    ttl: { variable: 'GRAPHQL_APQ_TTL_SECONDS', defaultSeconds: 24 * 3600 },
    sharing: 'entity',
    invalidation: { how: 'never: the key is the hash of the text it holds' },
  },
  subgraphNonce: {
    holds: 'a claimed subgraph request signature (replay protection in distributed mode)',
    keyPrefix: 'msg:v1:subgraph-nonce:',
    ttl: {
      fixedSeconds: 90,
      why: 'a signature is acceptable 30 s either side of its timestamp, plus 30 s of clock skew',
    },
    sharing: 'shared',
    invalidation: { how: 'never: a claim must hold as long as the signature could be accepted' },
  },
} as const satisfies Record<string, CachePolicyRow>;

/** The name of a row. */
export type CachePolicyName = keyof typeof cachePolicy;

type Rows = typeof cachePolicy;

/** Every namespace EntityCache keys are built with, as a type, so a call site typed with it cannot name another. */
export type CacheNamespace = {
  [Name in CachePolicyName]: Rows[Name] extends { readonly namespace: infer N extends string } ? N : never;
}[CachePolicyName];

/** The rows, by name (iteration order: the table's). */
export const cachePolicyRows = Object.entries(cachePolicy) as [CachePolicyName, CachePolicyRow][];

/** The row whose namespace this is, if any. */
export function rowOfNamespace(namespace: string): NamespaceRow | undefined {
  for (const [, row] of cachePolicyRows) if ('namespace' in row && row.namespace === namespace) return row;
  return undefined;
}

/**
 * A row's lifetime in seconds under `ttls`. A row whose lifetime depends on the object's state names the setting
 * (`ttlSeconds(cachePolicy.run, ttls, 'runActive')`); asking such a row without one is a programming error.
 */
export function ttlSeconds(row: CachePolicyRow, ttls: Readonly<CacheTtls>, setting?: TtlName): number {
  const ttl: EntryTtl = row.ttl;
  if ('fixedSeconds' in ttl) return ttl.fixedSeconds;
  if ('variable' in ttl) {
    throw new TypeError(`ttlSeconds: ${ttl.variable} is parsed by config on its own; read it from there`);
  }
  const name = setting ?? (ttl.settings.length === 1 ? ttl.settings[0] : undefined);
  if (name === undefined || !ttl.settings.includes(name)) {
    throw new TypeError(
      `ttlSeconds: expected one of ${ttl.settings.join(', ')} for this row, got ${setting ?? 'no setting'}`,
    );
  }
  return ttls[name];
}
