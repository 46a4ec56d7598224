import type { ApolloServerPlugin } from '@apollo/server';
import {
  getNamedType,
  getOperationAST,
  isCompositeType,
  Kind,
  visit,
  BREAK,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLSchema,
  type SelectionSetNode,
} from 'graphql';
import type { PrefetchToken } from '../context/prefetch.js';
import type { RequestContext } from '../context/RequestContext.js';

type Token = PrefetchToken<RequestContext>;

/**
 * The follow-ups an operation asks for: those whose target field it selects beneath every selection of their
 * source field (a token whose source appears once without its target is left out, or its prefetch would fetch
 * what nobody reads, past the operation's estimated cost). Queries only: a mutation's reads may follow its writes.
 * An operation with `@skip`/`@include` arms nothing, since what it selects is decided by its variables.
 */
export function prefetchesSelected(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | undefined,
  tokens: readonly Token[],
): Token[] {
  const operation = getOperationAST(document, operationName);
  if (!operation || operation.operation !== 'query' || tokens.length === 0) return [];
  if (hasConditionalSelections(document)) return [];
  const root = schema.getQueryType();
  if (!root) return [];
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions)
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  const sources = new Set(tokens.map((token) => token.source));
  /** Per source field: for each of its selections, the fields (`Type.field`) selected beneath it. */
  const beneath = new Map<string, Set<string>[]>();

  /** The fields (`Type.field`) selected in `selectionSet` on `type`, at any depth. */
  const walk = (
    selectionSet: SelectionSetNode,
    type: GraphQLCompositeType,
    spread: ReadonlySet<string>,
  ): Set<string> => {
    const found = new Set<string>();
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        const name = selection.name.value;
        const coordinate = `${type.name}.${name}`;
        found.add(coordinate);
        if (!selection.selectionSet || !('getFields' in type)) continue;
        const field = type.getFields()[name];
        const fieldType = field && getNamedType(field.type);
        if (!fieldType || !isCompositeType(fieldType)) continue;
        const below = walk(selection.selectionSet, fieldType, spread);
        for (const coordinateBelow of below) found.add(coordinateBelow);
        if (sources.has(coordinate)) {
          const list = beneath.get(coordinate) ?? [];
          list.push(below);
          beneath.set(coordinate, list);
        }
        continue;
      }
      let selected: SelectionSetNode | undefined;
      let condition: string | undefined;
      let next = spread;
      if (selection.kind === Kind.INLINE_FRAGMENT) {
        selected = selection.selectionSet;
        condition = selection.typeCondition?.name.value;
      } else {
        const fragment = fragments.get(selection.name.value);
        // A fragment spread inside itself is invalid (validation refuses it); never walked twice on one path.
        if (!fragment || spread.has(fragment.name.value)) continue;
        selected = fragment.selectionSet;
        condition = fragment.typeCondition.name.value;
        next = new Set([...spread, fragment.name.value]);
      }
      const conditionType = condition === undefined ? type : schema.getType(condition);
      if (!conditionType || !isCompositeType(conditionType)) continue;
      for (const coordinate of walk(selected, conditionType, next)) found.add(coordinate);
    }
    return found;
  };
  walk(operation.selectionSet, root, new Set());

  return tokens.filter((token) => {
    const selections = beneath.get(token.source);
    return selections !== undefined && selections.every((below) => below.has(token.target));
  });
}

function hasConditionalSelections(document: DocumentNode): boolean {
  let conditional = false;
  visit(document, {
    Directive(node) {
      if (node.name.value === 'skip' || node.name.value === 'include') {
        conditional = true;
        return BREAK;
      }
      return undefined;
    },
  });
  return conditional;
}

/**
 * Arms the request's follow-ups (context/prefetch.ts) for what each operation selects. In-process gateways only:
 * there the subgraphs share the request's context, so the one that finds objects can start another's fetch early.
 * The choice is kept per parsed document (Apollo reuses the document of a repeated operation).
 */
export function usePrefetch(tokens: readonly Token[]): ApolloServerPlugin<RequestContext> {
  const chosen = new WeakMap<DocumentNode, Map<string, Token[]>>();
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, operationName, schema, contextValue }) {
          const byName = chosen.get(document) ?? new Map<string, Token[]>();
          chosen.set(document, byName);
          const key = operationName ?? '';
          let armed = byName.get(key);
          if (armed === undefined) {
            armed = prefetchesSelected(schema, document, operationName ?? undefined, tokens);
            byName.set(key, armed);
          }
          if (armed.length > 0) contextValue.prefetch.arm(armed);
        },
      };
    },
  };
}
