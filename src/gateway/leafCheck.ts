import {
  getNamedType,
  getOperationAST,
  GraphQLBoolean,
  GraphQLFloat,
  GraphQLID,
  GraphQLInt,
  GraphQLString,
  isCompositeType,
  isEnumType,
  isSpecifiedScalarType,
  Kind,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLLeafType,
  type GraphQLSchema,
  type SelectionSetNode,
} from 'graphql';

/** Whether one leaf value is already what its type's `serialize` would answer (so serializing it changes nothing). */
type LeafTest = (value: unknown) => boolean;

/** What to check under each response key of an object: a leaf's test, or the selection beneath. */
interface Shape {
  readonly fields: Map<string, Field>;
}
type Field =
  | { readonly kind: 'leaf'; readonly type: GraphQLLeafType; readonly test: LeafTest }
  /** A custom scalar: serialized by the compiled query itself, nothing to check. */
  | { readonly kind: 'serialized'; readonly type: GraphQLLeafType }
  | { readonly kind: 'object'; readonly shape: Shape };

const MAX_INT = 2147483647;
const MIN_INT = -2147483648;

/**
 * The test of a built-in scalar or an enum: true exactly when `type.serialize(value) === value`. graphql-js's own
 * five scalars are tested inline (their `serialize` answers a value unchanged only for these); any other
 * implementation under a built-in name, and enums, are asked.
 */
function leafTest(type: GraphQLLeafType): LeafTest {
  if (type === GraphQLString || type === GraphQLID) return (value) => typeof value === 'string';
  if (type === GraphQLBoolean) return (value) => typeof value === 'boolean';
  if (type === GraphQLFloat) return (value) => typeof value === 'number' && Number.isFinite(value);
  if (type === GraphQLInt)
    return (value) => typeof value === 'number' && Number.isInteger(value) && value <= MAX_INT && value >= MIN_INT;
  return (value) => {
    try {
      return type.serialize(value) === value;
    } catch {
      return false;
    }
  };
}

/** Thrown while building a shape: one response key means two different things (the operation is not checked). */
class Conflict extends Error {}

function merge(into: Shape, key: string, field: Field): void {
  const existing = into.fields.get(key);
  if (!existing) {
    into.fields.set(key, field);
    return;
  }
  if (existing.kind === 'object' && field.kind === 'object') {
    for (const [childKey, child] of field.shape.fields) merge(existing.shape, childKey, child);
    return;
  }
  if (existing.kind !== field.kind || existing.kind === 'object' || field.kind === 'object') throw new Conflict();
  if (existing.type !== field.type) throw new Conflict();
}

function shapeOf(
  schema: GraphQLSchema,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
  selectionSet: SelectionSetNode,
  parentType: GraphQLCompositeType,
  into: Shape = { fields: new Map() },
  spread: ReadonlySet<string> = new Set(),
): Shape {
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.INLINE_FRAGMENT) {
      const condition = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : parentType;
      if (!condition || !isCompositeType(condition)) throw new Conflict();
      shapeOf(schema, fragments, selection.selectionSet, condition, into, spread);
      continue;
    }
    if (selection.kind === Kind.FRAGMENT_SPREAD) {
      const name = selection.name.value;
      const fragment = fragments.get(name);
      const condition = fragment && schema.getType(fragment.typeCondition.name.value);
      // A cycle is invalid GraphQL (validation refuses it first); guarded anyway.
      if (!fragment || !condition || !isCompositeType(condition) || spread.has(name)) throw new Conflict();
      shapeOf(schema, fragments, fragment.selectionSet, condition, into, new Set([...spread, name]));
      continue;
    }
    const key = selection.alias?.value ?? selection.name.value;
    if (selection.name.value === '__typename') {
      merge(into, key, { kind: 'leaf', type: GraphQLString, test: leafTest(GraphQLString) });
      continue;
    }
    if (!('getFields' in parentType)) throw new Conflict();
    const definition = parentType.getFields()[selection.name.value];
    if (!definition) throw new Conflict();
    const type = getNamedType(definition.type);
    if (isCompositeType(type)) {
      if (!selection.selectionSet) throw new Conflict();
      merge(into, key, { kind: 'object', shape: shapeOf(schema, fragments, selection.selectionSet, type) });
    } else if (isEnumType(type) || isSpecifiedScalarType(type)) {
      merge(into, key, { kind: 'leaf', type, test: leafTest(type) });
    } else {
      merge(into, key, { kind: 'serialized', type });
    }
  }
  return into;
}

/** A shape as the check walks it: parallel arrays, so walking ~10 000 leaves allocates nothing. */
interface Walk {
  readonly keys: readonly string[];
  readonly fields: readonly WalkField[];
}
type WalkField =
  | { readonly kind: 'leaf'; readonly test: LeafTest }
  | { readonly kind: 'serialized' }
  | { readonly kind: 'object'; readonly walk: Walk };

function walkOf(shape: Shape): Walk {
  const keys: string[] = [];
  const fields: WalkField[] = [];
  for (const [key, field] of shape.fields) {
    keys.push(key);
    fields.push(field.kind === 'object' ? { kind: 'object', walk: walkOf(field.shape) } : field);
  }
  return { keys, fields };
}

function valueOk(value: unknown, field: WalkField): boolean {
  if (value === null || value === undefined || field.kind === 'serialized') return true;
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index += 1) if (!valueOk(value[index], field)) return false;
    return true;
  }
  if (field.kind === 'leaf') return field.test(value);
  return typeof value === 'object' && objectOk(value as Record<string, unknown>, field.walk);
}

function objectOk(object: Record<string, unknown>, walk: Walk): boolean {
  const { keys, fields } = walk;
  for (let index = 0; index < keys.length; index += 1)
    if (!valueOk(object[keys[index] as string], fields[index] as WalkField)) return false;
  return true;
}

/**
 * A check of one query's answer: whether every built-in scalar and enum value in it is already in the form its
 * type's `serialize` gives (a string for String and ID, a finite number for Float, ...). graphql-jit can skip
 * serializing those leaves (`disableLeafSerialization`), which spares it the bookkeeping it allocates for each leaf;
 * an answer that passes this check is then exactly the answer it would have built with serialization (nothing
 * serialize would have changed or refused is in it). Undefined when the operation cannot be checked this way (a
 * response key that means a leaf of one type in one fragment and something else in another): compile it with
 * serialization instead. Absent keys (`@skip`) and nulls are fine: serialization never sees them either.
 */
export function compileLeafCheck(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | undefined,
): ((data: Record<string, unknown>) => boolean) | undefined {
  const operation = getOperationAST(document, operationName);
  const root = operation?.operation === 'query' ? schema.getQueryType() : undefined;
  if (!operation || !root) return undefined;
  const fragments = new Map(
    document.definitions.flatMap((d) => (d.kind === Kind.FRAGMENT_DEFINITION ? [[d.name.value, d] as const] : [])),
  );
  try {
    const walk = walkOf(shapeOf(schema, fragments, operation.selectionSet, root));
    return (data) => objectOk(data, walk);
  } catch (error) {
    if (error instanceof Conflict) return undefined;
    throw error;
  }
}
