// What one operation will cost before it runs: its depth, its aliases, the objects it can fetch and the
// upstream calls it can make. Ours rather than `graphql-query-complexity`: that library's estimators see a
// field's child complexity but not how many parent objects sit above it, and our calls figure needs exactly
// that (a batched field costs ceil(parents / batch) calls, a per-item field one call per parent); it also
// yields one number per walk, and we need two. The argument values are graphql-js's own coercion
// (`getVariableValues`, `getArgumentValues`), so variables, their declared defaults and the schema's argument
// defaults (`first: Int = 20`, `maxPoints: Int = 2500`) are priced as execution will see them.
import {
  getArgumentValues,
  getNamedType,
  getNullableType,
  getVariableValues,
  isCompositeType,
  isListType,
  isObjectType,
  isInterfaceType,
  Kind,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import { runIdsPerSearch } from '../subgraphs/registry/loaders/versionsByRunId.js';

/** What the backend batches, which changes how many calls a per-run field costs. */
export interface CallPricing {
  /** Metric histories come 100 runs a call (MLflow's bulk-interval endpoint); otherwise one call per run. */
  bulkMetricHistory: boolean;
  /** Calls one artifact's bytes take: 1 (MLflow's get-artifact), 2 (Databricks: a presigned URL, then the bytes). */
  artifactCallsPerFile?: number;
}

/** Default pricing: as open-source MLflow ≥ 2.11 (bulk-interval present, one call per artifact). */
export const defaultCallPricing: CallPricing = { bulkMetricHistory: true, artifactCallsPerFile: 1 };

/** Listing pages `Run.files` may read per run (subgraphs/tracking/artifactFiles.ts WALK_MAX_PAGES). */
const ARTIFACT_WALK_PAGES = 25;

/** Whether a glob reaches below its fixed prefix's directory (a pattern directory segment, or `**`). */
function deepGlob(glob: unknown): boolean {
  if (typeof glob !== 'string') return true;
  const segments = glob.split('/');
  return segments.includes('**') || segments.slice(0, -1).some((segment) => /[*?[{]/.test(segment));
}

/** The measures of one operation. */
export interface OperationMeasure {
  depth: number;
  aliases: number;
  /**
   * Estimated objects fetched: every composite value and list item the answer can hold (metric points included),
   * a run counting for the payload it arrives with (see WEIGHT).
   */
  cost: number;
  /** Estimated upstream calls (the per-field table below, with the batching the loaders really do). */
  upstreamCalls: number;
}

/** Run ids a model-versions search can hold at most (a GET: gunicorn's request line; measured: 80 pass, 100 fail). */
const VERSIONS_BY_RUN_LINE = 80;
/**
 * Distinct experiments assumed among the runs of one list (Run.experiment is deduplicated per request and cached):
 * runs usually share a few. An operation that really reaches more is stopped by the runtime call budget.
 */
const DISTINCT_EXPERIMENTS = 50;
/** Runs per bulk-interval call / per `run_id IN (...)` search (MLflow's limit; tracking/loaders/metricHistory.ts, runs.ts). */
const RUN_BATCH = 100;
/** Traces per traces/batchGet (tracking/loaders/traces.ts). */
const TRACE_SPANS_BATCH = 50;

/**
 * Logged models by id (tracking/loaders/loggedModels.ts): one logged-models/search of at most 3 pages per group of
 * 10 experiments (their experiments are the runs'), a lone model one get. What a search misses is fetched by id, which
 * the runtime call budget counts.
 */
const loggedModelsOf = (parents: number): number =>
  parents <= 1 ? parents : 3 * Math.ceil(Math.min(parents, DISTINCT_EXPERIMENTS) / 10);

type Args = Record<string, unknown>;
/** Upstream calls a field makes for `parents` parent objects, given its coerced arguments. */
type CallRule = (parents: number, args: Args, pricing: CallPricing) => number;

const perParent: CallRule = (parents) => parents;
/** A list field's page size as asked (its default when not): one permission read per listed dataset. */
const pageArgument = (args: Args): number => (typeof args.first === 'number' ? args.first : 20);
const once: CallRule = (parents) => (parents > 0 ? 1 : 0);
/** `run_id IN (...)` version searches, sized as the loader sizes them (registry/loaders/versionsByRunId.ts). */
const versionSearches: CallRule = (parents) =>
  parents > 0 ? Math.ceil(parents / Math.min(runIdsPerSearch(parents), VERSIONS_BY_RUN_LINE)) : 0;
const batched =
  (size: number): CallRule =>
  (parents) =>
    Math.ceil(parents / size);

/**
 * Upstream calls per field, as the resolvers and loaders make them (cold cache, worst case of each batch).
 * A field not listed makes no call of its own (it reads its parent's payload, or a per-request prefetch such
 * as the caller's permission profile, which the runtime budget still counts).
 */
const CALLS: Record<string, CallRule> = {
  'Query.experiments': once,
  'Query.experiment': once,
  'Query.experimentByName': once,
  'Query.run': once,
  'Query.registeredModels': once,
  'Query.registeredModel': once,
  'Query.modelVersions': once,
  'Query.modelVersion': once,
  'Query.modelVersionByAlias': once,
  'Query.viewer': once,
  'Query.prompts': once,
  'Query.prompt': once,
  'Query.loggedModel': once,
  // As Query.runs: one search, plus a permission check per listed experiment.
  'Query.loggedModels': (parents, args) =>
    parents * (1 + (Array.isArray(args.experimentIds) ? args.experimentIds.length : 1)),
  // One search, plus a permission check per listed experiment (per object on Databricks / custom services).
  'Query.runs': (parents, args) => parents * (1 + (Array.isArray(args.experimentIds) ? args.experimentIds.length : 1)),
  // First pages are combined across experiments, but an experiment starved by the others gets its own call.
  'Experiment.runs': perParent,
  // basic-auth on MLflow 3 reads every user's grants once per request (basicAuthGrants.ts: 1 + users calls, at most
  // ACL_MAX_USERS), whatever the objects; the runtime budget counts those as they are made.
  'Experiment.permissions': perParent,
  'RegisteredModel.versions': perParent,
  'RegisteredModel.version': perParent,
  'RegisteredModel.permissions': perParent,
  'Prompt.permissions': perParent,
  // First pages are combined across prompts when the registry's prompt versions fit one search.
  'Prompt.versions': perParent,
  'Prompt.version': perParent,
  'Prompt.versionByAlias': perParent,
  'PromptAlias.promptVersion': perParent,
  'ModelAlias.modelVersion': perParent,
  'ModelVersion.downloadUri': perParent,
  'ModelVersion.transitionRequests': perParent,
  'ModelVersion.activities': perParent,
  'ModelVersion.comments': perParent,
  // ModelVersion.aliases and .registeredModel read the model by name, primed by the search that found it.
  // Runs by id: one visible-experiments search, then `run_id IN (...)` searches of 100.
  'ModelVersion.run': (parents) => (parents > 0 ? 1 + Math.ceil(parents / RUN_BATCH) : 0),
  // A listing page a run; a file's text is its bytes (a presigned URL first on Databricks); a URL is only signed.
  'Run.artifacts': perParent,
  'Run.files': (parents, args) => parents * (deepGlob(args.glob) ? ARTIFACT_WALK_PAGES : 1),
  'Artifact.text': (parents, _args, pricing) => parents * (pricing.artifactCallsPerFile ?? 1),
  'Run.experiment': (parents) => Math.min(parents, DISTINCT_EXPERIMENTS),
  'Run.modelVersions': versionSearches,
  'Run.loggedModels': loggedModelsOf,
  // A runs/get per run (MLflow's run search leaves model inputs out), then the models.
  'Run.inputModels': (parents) => parents + loggedModelsOf(parents),
  'LoggedModel.experiment': (parents) => Math.min(parents, DISTINCT_EXPERIMENTS),
  'LoggedModel.sourceRun': batched(RUN_BATCH),
  // The versions of the models' source runs: `run_id IN (...)` searches, as Run.modelVersions.
  'LoggedModel.registeredVersions': versionSearches,
  // The versions' runs (for the models' experiments, as ModelVersion.run), then the models by id.
  'ModelVersion.loggedModel': (parents) =>
    (parents > 0 ? 1 + Math.ceil(parents / RUN_BATCH) : 0) + loggedModelsOf(parents),
  // Evaluation datasets: a dataset's links (experiment-ids) are read once per dataset to decide its permission.
  'Query.evaluationDataset': (parents) => 2 * parents,
  'Query.evaluationDatasets': (parents, args) =>
    parents * (1 + (Array.isArray(args.experimentIds) ? args.experimentIds.length : 1) + pageArgument(args)),
  'Experiment.evaluationDatasets': (parents, args) => parents * (1 + pageArgument(args)),
  'EvaluationDataset.records': perParent,
  'EvaluationDataset.experiments': (parents) => Math.min(parents, DISTINCT_EXPERIMENTS),
  'Run.metricHistory': (parents, _args, pricing) =>
    pricing.bulkMetricHistory ? Math.ceil(parents / RUN_BATCH) : parents,
  // MLflow 3 traces: infos by id in one batchGetInfos; a search per listing parent; a page's spans in one batchGet
  // per 50 traces (a batch MLflow fails because one trace's spans are stored elsewhere is retried trace by trace:
  // the runtime call budget counts those); assessments come with the infos.
  'Query.trace': once,
  'Query.traces': (parents, args) =>
    parents * (1 + (Array.isArray(args.experimentIds) ? args.experimentIds.length : 1)),
  'Experiment.traces': perParent,
  'Run.traces': perParent,
  'LoggedModel.traces': perParent,
  'Trace.spans': batched(TRACE_SPANS_BATCH),
  'Trace.experiment': (parents) => Math.min(parents, DISTINCT_EXPERIMENTS),
  'Trace.sourceRun': (parents) => (parents > 0 ? 1 + Math.ceil(parents / RUN_BATCH) : 0),
  'Trace.loggedModel': loggedModelsOf,
};

/**
 * Objects a value of a type stands for, where it is more than one. MLflow's runs/search has no field projection:
 * every run arrives with all its params, latest metrics and tags whatever the query selects (measured: a gateway
 * with the production heap died on 30 × 1000 runs of 20 params each, priced 90 000 when a run counted 1).
 */
const WEIGHT: Record<string, number> = { Run: 100 };

/** A write: the call itself and, at most, one read of what it changed. */
const MUTATION_CALLS = 2;

/** Arguments that set how many items a list field returns. */
const PAGE_ARGUMENTS = ['first', 'maxPoints'] as const;

interface Totals {
  depth: number;
  aliases: number;
  cost: number;
  upstreamCalls: number;
}

/**
 * Measures the operation `operationName` of `document` against `schema`, with `variables` as sent (their
 * declared defaults applied). Unknown fields and types count depth and aliases only: validation refuses them.
 */
export function measureOperation(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | undefined,
  variables: Record<string, unknown> | undefined,
  pricing: CallPricing = defaultCallPricing,
): OperationMeasure {
  const fragments = new Map<string, FragmentDefinitionNode>();
  let operation: OperationDefinitionNode | undefined;
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
    if (definition.kind === Kind.OPERATION_DEFINITION && (!operationName || definition.name?.value === operationName))
      operation ??= definition;
  }
  if (!operation) return { depth: 0, aliases: 0, cost: 0, upstreamCalls: 0 };
  // Coerced exactly as execution will: declared defaults fill what the request leaves out.
  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], variables ?? {});
  const variableValues = 'coerced' in coerced && coerced.coerced ? coerced.coerced : { ...(variables ?? {}) };

  const argumentsOf = (field: GraphQLField<unknown, unknown>, node: FieldNode): Args => {
    try {
      return getArgumentValues(field, node, variableValues);
    } catch {
      return {}; // an invalid argument is refused by execution; price it as absent
    }
  };

  /**
   * `count`: objects of `type` this selection is evaluated on; `items`: what a list field under it multiplies
   * by (a connection's page size applies to its `edges` and `nodes`, not to its `pageInfo`).
   */
  const walk = (
    type: GraphQLCompositeType | undefined,
    set: SelectionSetNode,
    depth: number,
    count: number,
    items: number,
    seen: ReadonlySet<string>,
  ): Totals => {
    const totals: Totals = { depth, aliases: 0, cost: 0, upstreamCalls: 0 };
    const add = (inner: Totals) => {
      totals.depth = Math.max(totals.depth, inner.depth);
      totals.aliases += inner.aliases;
      totals.cost += inner.cost;
      totals.upstreamCalls += inner.upstreamCalls;
    };
    for (const selection of set.selections) {
      if (selection.kind === Kind.INLINE_FRAGMENT) {
        const condition = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : type;
        add(
          walk(
            condition && isCompositeType(condition) ? condition : type,
            selection.selectionSet,
            depth,
            count,
            items,
            seen,
          ),
        );
        continue;
      }
      if (selection.kind === Kind.FRAGMENT_SPREAD) {
        const name = selection.name.value;
        const fragment = fragments.get(name);
        // Cycles are reported by graphql's own NoFragmentCycles rule; just don't loop.
        if (!fragment || seen.has(name)) continue;
        const condition = schema.getType(fragment.typeCondition.name.value);
        add(
          walk(
            condition && isCompositeType(condition) ? condition : type,
            fragment.selectionSet,
            depth,
            count,
            items,
            new Set([...seen, name]),
          ),
        );
        continue;
      }
      if (selection.name.value.startsWith('__')) continue;
      if (selection.alias) totals.aliases += 1;
      const field =
        type && (isObjectType(type) || isInterfaceType(type)) ? type.getFields()[selection.name.value] : undefined;
      if (!field) {
        if (selection.selectionSet) add(walk(undefined, selection.selectionSet, depth + 1, count, items, seen));
        continue;
      }
      const args = argumentsOf(field, selection);
      const pageArgument = PAGE_ARGUMENTS.find((name) => field.args.some((arg) => arg.name === name));
      const page =
        pageArgument !== undefined && typeof args[pageArgument] === 'number'
          ? Math.max(0, args[pageArgument])
          : undefined;
      const returnsList = isListType(getNullableType(field.type));
      // A list field holds `items` × its page (or × 1: params, tags); a single object, one per parent.
      const values = returnsList ? items * (page ?? 1) : count;
      const rule = type?.name === 'Mutation' ? () => MUTATION_CALLS : CALLS[`${type?.name}.${field.name}`];
      totals.upstreamCalls += rule ? rule(count, args, pricing) : 0;
      const named = getNamedType(field.type);
      if (!isCompositeType(named)) continue;
      totals.cost += values * (WEIGHT[named.name] ?? 1);
      if (!selection.selectionSet) continue;
      // A paged field returning a connection object: its lists hold `page` items per connection.
      const innerItems = !returnsList && page !== undefined ? values * page : values;
      add(walk(named, selection.selectionSet, depth + 1, values, innerItems, seen));
    }
    return totals;
  };

  const root =
    operation.operation === 'mutation'
      ? schema.getMutationType()
      : operation.operation === 'subscription'
        ? schema.getSubscriptionType()
        : schema.getQueryType();
  return walk(root ?? undefined, operation.selectionSet, 1, 1, 1, new Set());
}
