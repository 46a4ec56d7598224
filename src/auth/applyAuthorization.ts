import {
  defaultFieldResolver,
  getNamedType,
  getNullableType,
  isListType,
  isObjectType,
  valueFromASTUntyped,
  type ConstDirectiveNode,
  type GraphQLField,
  type GraphQLFieldResolver,
  type GraphQLObjectType,
  type GraphQLSchema,
} from 'graphql';
import type { AuthorizedContext } from './authorizer.js';
import type { PermissionLevel } from './PermissionLevel.js';
import { resourceKey, type Resource } from './Resource.js';

/**
 * What an object is governed by: one resource, or several that must all allow (an evaluation dataset: every
 * experiment it is linked to; none at all: an administrator's object, see Authorizer.allowsEvery).
 */
export type Governing = Resource | readonly Resource[];

/** How a subgraph finds the resource behind its objects and arguments (`TContext`: its GraphQL context). */
export interface AuthorizationOptions<TContext extends AuthorizedContext = AuthorizedContext> {
  /** Protected type name → the resource(s) an object of that type is governed by. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- each type's callback takes its own object type
  objectResource: Record<string, (object: any, context: TContext) => Governing | Promise<Governing>>;
  /** Argument kinds used by field-level `@hasPermission(experiment:|run:|model:|loggedModel:|dataset:|trace:)` → resource. */
  argumentResource: {
    experiment?: (id: string, context: TContext) => Resource | Promise<Resource>;
    run?: (id: string, context: TContext) => Resource | Promise<Resource>;
    model?: (name: string, context: TContext) => Resource | Promise<Resource>;
    /** A logged model id (MLflow 3): governed by its experiment. */
    loggedModel?: (id: string, context: TContext) => Resource | Promise<Resource>;
    /** An evaluation dataset id (MLflow 3): governed by every experiment it is linked to. */
    dataset?: (id: string, context: TContext) => Governing | Promise<Governing>;
    /** A trace id (MLflow 3): governed by its experiment. */
    trace?: (id: string, context: TContext) => Resource | Promise<Resource>;
  };
}

/** The kinds of object a field-level `@hasPermission` argument path may name. */
const ARGUMENT_KINDS = ['experiment', 'run', 'model', 'loggedModel', 'dataset', 'trace'] as const;

/** Whether the caller holds `level` on what governs an object (all of it, when several). */
function allowsGoverning(auth: AuthorizedContext['authorizer'], governing: Governing, level: PermissionLevel) {
  return isResourceList(governing) ? auth.allowsEvery(governing, level) : auth.allows(governing, level);
}

/** Throws FORBIDDEN unless {@link allowsGoverning}. */
function requireGoverning(auth: AuthorizedContext['authorizer'], governing: Governing, level: PermissionLevel) {
  return isResourceList(governing) ? auth.requireEvery(governing, level) : auth.require(governing, level);
}

function isResourceList(governing: Governing): governing is readonly Resource[] {
  return Array.isArray(governing);
}
type ArgumentKind = (typeof ARGUMENT_KINDS)[number];

/** The authorization rules read from one field or type's directives. */
interface Rules {
  public: boolean;
  requiresAuth: boolean;
  /** `@requiresAdmin`: the caller must be an administrator of the backend. */
  requiresAdmin: boolean;
  scope: string | undefined;
  level: PermissionLevel | undefined;
  argument: { kind: ArgumentKind; path: string } | undefined;
}

function directiveArgs(node: ConstDirectiveNode): Record<string, unknown> {
  return Object.fromEntries((node.arguments ?? []).map((a) => [a.name.value, valueFromASTUntyped(a.value)]));
}

function readRules(directives: readonly ConstDirectiveNode[] | undefined): Rules {
  const rules: Rules = {
    public: false,
    requiresAuth: false,
    requiresAdmin: false,
    scope: undefined,
    level: undefined,
    argument: undefined,
  };
  for (const directive of directives ?? []) {
    const args = directiveArgs(directive);
    switch (directive.name.value) {
      case 'public':
        rules.public = true;
        break;
      case 'requiresAuth':
        rules.requiresAuth = true;
        break;
      case 'requiresAdmin':
        rules.requiresAdmin = true;
        break;
      case 'requiresScope':
        rules.scope = String(args.scope).toLowerCase();
        break;
      case 'hasPermission': {
        rules.level = args.level as PermissionLevel;
        for (const kind of ARGUMENT_KINDS) {
          if (typeof args[kind] === 'string') rules.argument = { kind, path: args[kind] as string };
        }
        break;
      }
    }
  }
  return rules;
}

/** Reads `input.experimentId`-style paths from resolver arguments. */
function argumentAt(args: Record<string, unknown>, path: string): string | undefined {
  let value: unknown = args;
  for (const part of path.split('.'))
    value = value && typeof value === 'object' ? (value as Record<string, unknown>)[part] : undefined;
  return value === undefined || value === null ? undefined : String(value);
}

/** Type-level rules of every object type: which types are protected, at which level. */
function typeRules(schema: GraphQLSchema): Map<string, Rules> {
  const out = new Map<string, Rules>();
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    const directives = [
      ...(type.astNode?.directives ?? []),
      ...(type.extensionASTNodes ?? []).flatMap((n) => n.directives ?? []),
    ];
    out.set(type.name, readRules(directives));
  }
  return out;
}

/**
 * Enforces the authorization directives of a subgraph schema, in place, on every path to an object:
 * - `@requiresAuth`, `@requiresScope(scope:)`, `@requiresAdmin` and field-level
 *   `@hasPermission(level:, experiment:|run:|model:)` are checked before the field resolves (so a refused write never
 *   reaches upstream); `@requiresAdmin` on a type is checked on each of its fields, wherever the object came from;
 * - a type with `@hasPermission(level:)` is checked wherever an object of it is produced: a field returning
 *   it (null + FORBIDDEN), a list of it or of edges pointing to it (denied items omitted), and `_entities`
 *   (its `__resolveReference`);
 * - a field-level `@hasPermission(level:)` without an argument checks the parent object's resource.
 * Fields with none of these on a protected path are still covered by the producing-side check.
 */
export function applyAuthorization<TContext extends AuthorizedContext>(
  schema: GraphQLSchema,
  options: AuthorizationOptions<TContext>,
): GraphQLSchema {
  const types = typeRules(schema);
  const protectedLevel = (typeName: string) => types.get(typeName)?.level;

  /** How a protected type's objects name what governs them. */
  const finderOf = (typeName: string) => {
    const find = options.objectResource[typeName];
    if (!find) throw new Error(`applyAuthorization: no objectResource for protected type ${typeName}`);
    return find;
  };
  const resourceOf = async (typeName: string, object: unknown, context: TContext): Promise<Governing> =>
    finderOf(typeName)(object, context);
  const permitted = async (typeName: string, object: unknown, context: TContext): Promise<boolean> => {
    const level = protectedLevel(typeName);
    if (!level || object === null || object === undefined || object instanceof Error) return true;
    return allowsGoverning(context.authorizer, await resourceOf(typeName, object, context), level);
  };
  /**
   * The items of a list whose object (`objectOf`: the item, or an edge's node) the caller may see, in order: each
   * item is checked as {@link permitted} checks one, with one question per distinct resource (a page of 50 runs of
   * one experiment asks about that experiment once, not 50 times: the same answer, without a chain of promises per
   * item). An item without an object (null, an Error) is kept, as {@link permitted} keeps it.
   */
  const permittedItems = async <T>(
    typeName: string,
    items: readonly T[],
    context: TContext,
    objectOf: (item: T) => unknown,
  ): Promise<T[]> => {
    const level = protectedLevel(typeName);
    if (!level || items.length === 0) return [...items];
    const find = finderOf(typeName);
    const governing: unknown[] = new Array(items.length);
    const withoutObject: boolean[] = new Array(items.length).fill(false);
    const finding: Promise<void>[] = [];
    items.forEach((item, index) => {
      const object = objectOf(item);
      if (object === null || object === undefined || object instanceof Error) {
        withoutObject[index] = true;
        return;
      }
      const found: unknown = find(object, context);
      if (typeof (found as PromiseLike<unknown> | null)?.then === 'function')
        finding.push(
          Promise.resolve(found).then((value) => {
            governing[index] = value;
          }),
        );
      else governing[index] = found;
    });
    if (finding.length > 0) await Promise.all(finding);
    const asked = new Map<string, Promise<boolean>>();
    const kept = Promise.resolve(true);
    const verdicts = await Promise.all(
      items.map((_, index): Promise<boolean> => {
        if (withoutObject[index]) return kept;
        const resource = governing[index] as Governing;
        // Several resources (a dataset's experiments), or a lookup that found none: checked as one item would be.
        if (!resource || isResourceList(resource)) return allowsGoverning(context.authorizer, resource, level);
        const key = resourceKey(resource);
        let verdict = asked.get(key);
        if (!verdict) asked.set(key, (verdict = context.authorizer.allows(resource, level)));
        return verdict;
      }),
    );
    return items.filter((_, index) => verdicts[index]);
  };

  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__') || type.name.startsWith('_')) continue;
    const typeLevelRules = types.get(type.name) as Rules;
    for (const field of Object.values(type.getFields())) {
      // _entities is guarded through each type's __resolveReference; _service only describes the schema.
      if (field.name.startsWith('_')) continue;
      wrapField(type, field, typeLevelRules);
    }
    wrapReference(type);
  }
  return schema;

  function wrapReference(type: GraphQLObjectType) {
    const level = protectedLevel(type.name);
    // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type -- Apollo's own resolver, called as Apollo would
    const subgraph = (type.extensions as { apollo?: { subgraph?: { resolveReference?: Function } } }).apollo?.subgraph;
    const original = subgraph?.resolveReference;
    if (!level || !original || !subgraph) return;
    subgraph.resolveReference = async (reference: unknown, context: TContext, info: unknown) => {
      await context.authorizer.requireKnownCaller();
      const object = await original(reference, context, info);
      if (object && !(await permitted(type.name, object, context))) {
        const resource = await resourceOf(type.name, object, context);
        await requireGoverning(context.authorizer, resource, level);
      }
      return object;
    };
  }

  function wrapField(parentType: GraphQLObjectType, field: GraphQLField<unknown, TContext>, parentRules: Rules) {
    const rules = readRules(field.astNode?.directives);
    const original: GraphQLFieldResolver<unknown, TContext> = field.resolve ?? defaultFieldResolver;
    const returnType = getNamedType(field.type);
    const nullable = getNullableType(field.type);
    const isList = isListType(nullable);
    const returnsProtected = isObjectType(returnType) && protectedLevel(returnType.name) !== undefined;
    // A list of edges whose `node` is protected (Relay connections).
    const edgeNodeType =
      isList && isObjectType(returnType) ? getNamedType(returnType.getFields().node?.type ?? returnType) : undefined;
    const edgesOfProtected = Boolean(
      edgeNodeType && isObjectType(edgeNodeType) && edgeNodeType !== returnType && protectedLevel(edgeNodeType.name),
    );
    const isRoot = parentType.name === 'Query' || parentType.name === 'Mutation';
    const requiresAdmin = rules.requiresAdmin || parentRules.requiresAdmin;
    const needsPrecheck =
      rules.requiresAuth ||
      parentRules.requiresAuth ||
      requiresAdmin ||
      rules.scope ||
      parentRules.scope ||
      rules.level;
    if (!needsPrecheck && !returnsProtected && !edgesOfProtected && !(isRoot && !rules.public)) return;

    /**
     * What the field answers once resolved: only the objects the caller may see (see {@link permittedItems}). A
     * value with nothing to check (an empty list, or a field that returns no protected object) is answered as it
     * is, not as a promise: a run's empty list of model versions then costs no extra turns of the microtask queue.
     */
    const answer = (result: unknown, context: TContext): unknown => {
      if (returnsProtected) {
        if (isList && Array.isArray(result))
          return result.length === 0 ? result : permittedItems(returnType.name, result, context, (item) => item);
        if (!isList && result) return answerOne(result, context);
      } else if (edgesOfProtected && Array.isArray(result) && result.length > 0) {
        const nodeType = (edgeNodeType as GraphQLObjectType).name;
        return permittedItems(nodeType, result, context, (edge: { node?: unknown } | null) => edge?.node);
      }
      return result;
    };
    const answerOne = async (result: unknown, context: TContext): Promise<unknown> => {
      if (!(await permitted(returnType.name, result, context))) {
        await requireGoverning(
          context.authorizer,
          await resourceOf(returnType.name, result, context),
          protectedLevel(returnType.name) as PermissionLevel,
        );
      }
      return result;
    };
    if (rules.public || (!needsPrecheck && !isRoot)) {
      // Nothing to check before the field resolves (a nested list of protected objects: a run's model versions):
      // its answer is filtered as it comes, without an async frame of its own per parent object.
      field.resolve = (parent, args, context: TContext, info) => {
        const result = original(parent, args, context, info);
        return isThenable(result)
          ? Promise.resolve(result).then((value) => answer(value, context))
          : answer(result, context);
      };
      return;
    }
    // Errors of the checks themselves (an unreachable permission service) are mapped with the resolver's, once,
    // by the error mapping the subgraph applies around this (graphql/withErrorMapping.ts).
    field.resolve = async (
      parent: unknown,
      args: Record<string, unknown>,
      context: TContext,
      info: Parameters<GraphQLFieldResolver<unknown, TContext>>[3],
    ) => {
      const auth = context.authorizer;
      // Every non-public root field needs a known caller when a permission service is in charge.
      if (isRoot || rules.requiresAuth || parentRules.requiresAuth || requiresAdmin) await auth.requireKnownCaller();
      const scope = rules.scope ?? parentRules.scope;
      if (scope) await auth.requireScope(scope);
      if (requiresAdmin) await auth.requireAdmin();
      if (rules.level) {
        if (rules.argument) {
          const value = argumentAt(args, rules.argument.path);
          const find = options.argumentResource[rules.argument.kind];
          if (value === undefined || !find)
            throw new Error(`applyAuthorization: ${parentType.name}.${field.name} has no ${rules.argument.path}`);
          await requireGoverning(auth, await find(value, context), rules.level);
        } else if (options.objectResource[parentType.name]) {
          await requireGoverning(auth, await resourceOf(parentType.name, parent, context), rules.level);
        } else {
          throw new Error(`applyAuthorization: ${parentType.name}.${field.name} has @hasPermission without a resource`);
        }
      }
      return answer(await original(parent, args, context, info), context);
    };
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as PromiseLike<unknown> | null)?.then === 'function';
}
