import type { ApolloServerPlugin } from '@apollo/server';
import {
  GraphQLError,
  Kind,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';

/** Bounds on one operation. */
export interface LimitsOptions {
  maxDepth: number;
  maxAliases: number;
  /** Estimated objects fetched: each field costs 1 × the product of the page sizes (`first`) above it. */
  maxCost: number;
}

/** Page size assumed for a list field without `first` (the schema's default). */
const DEFAULT_PAGE = 20;

function firstArgument(field: FieldNode, variables: Record<string, unknown> | undefined): number | undefined {
  const arg = field.arguments?.find((a) => a.name.value === 'first' || a.name.value === 'maxPoints');
  if (!arg) return undefined;
  if (arg.value.kind === Kind.INT) return Number(arg.value.value);
  if (arg.value.kind === Kind.VARIABLE) {
    const value = variables?.[arg.value.name.value];
    return typeof value === 'number' ? value : undefined;
  }
  return undefined;
}

const LIST_FIELDS = new Set(['runs', 'experiments', 'versions', 'registeredModels', 'modelVersions', 'metricHistory']);

/** Depth, aliases and estimated cost of the operation in `document` named `operationName`. */
export function measureOperation(document: DocumentNode, operationName: string | undefined, variables?: Record<string, unknown>): { depth: number; aliases: number; cost: number } {
  const fragments = new Map<string, FragmentDefinitionNode>();
  let operation: OperationDefinitionNode | undefined;
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
    if (definition.kind === Kind.OPERATION_DEFINITION && (!operationName || definition.name?.value === operationName)) operation ??= definition;
  }
  const measure = (set: SelectionSetNode, depth: number, multiplier: number, seen: Set<string>): { depth: number; aliases: number; cost: number } => {
    let result = { depth, aliases: 0, cost: 0 };
    const add = (inner: { depth: number; aliases: number; cost: number }, aliases = 0, cost = 0) => {
      result = { depth: Math.max(result.depth, inner.depth), aliases: result.aliases + aliases + inner.aliases, cost: result.cost + cost + inner.cost };
    };
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        if (selection.name.value.startsWith('__')) continue;
        const factor = LIST_FIELDS.has(selection.name.value) ? (firstArgument(selection, variables) ?? DEFAULT_PAGE) : 1;
        const inner = selection.selectionSet ? measure(selection.selectionSet, depth + 1, multiplier * factor, seen) : { depth, aliases: 0, cost: 0 };
        add(inner, selection.alias ? 1 : 0, multiplier);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        add(measure(selection.selectionSet, depth, multiplier, seen));
      } else {
        const name = selection.name.value;
        const fragment = fragments.get(name);
        // Cycles are reported by graphql's own NoFragmentCycles rule; just don't loop.
        if (fragment && !seen.has(name)) add(measure(fragment.selectionSet, depth, multiplier, new Set([...seen, name])));
      }
    }
    return result;
  };
  return operation ? measure(operation.selectionSet, 1, 1, new Set()) : { depth: 0, aliases: 0, cost: 0 };
}

/**
 * Refuses an operation that is too deep, uses too many aliases, or would fetch too much, before any
 * upstream call. A plugin (not a validation rule) so page sizes passed as variables are counted.
 */
export function useOperationLimits(options: LimitsOptions): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, operationName, request }) {
          const { depth, aliases, cost } = measureOperation(document, operationName ?? undefined, request.variables);
          const code = { extensions: { code: 'BAD_USER_INPUT' } };
          if (depth > options.maxDepth) throw new GraphQLError(`Query depth ${depth} exceeds the limit of ${options.maxDepth}`, code);
          if (aliases > options.maxAliases) throw new GraphQLError(`Query uses ${aliases} aliases; the limit is ${options.maxAliases}`, code);
          if (cost > options.maxCost) throw new GraphQLError(`Query cost ${cost} exceeds the limit of ${options.maxCost}; ask for smaller pages (first)`, code);
        },
      };
    },
  };
}
