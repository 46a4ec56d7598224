import {
  ERRORS,
  isCompositeType,
  isCustomScalarType,
  isListType,
  isNonNullType,
  isObjectType,
  isEnumType,
  isSubtype,
  Variable,
  type CompositeType,
  type Directive,
  type EnumType,
  type NamedType,
  type Operation,
  type ScalarType,
  type Schema,
  type Selection,
  type SelectionSet,
  type Type,
} from '@apollo/federation-internals';
import type { GraphQLError } from 'graphql';

/** What @apollo/gateway's `computeResponse` takes and answers (resultShaping.js, 2.14). */
export interface ComputeResponseArgs {
  operation: Operation;
  variables?: Record<string, unknown> | undefined;
  input: Record<string, unknown> | null | undefined;
  introspectionHandling: (selection: Selection) => unknown;
}
export interface ComputeResponseResult {
  data: Record<string, unknown> | null | undefined;
  errors: GraphQLError[];
}
export type ComputeResponse = (args: ComputeResponseArgs) => ComputeResponseResult;

/**
 * Thrown where @apollo/gateway's own shaping would fail an assertion (a subgraph answered something its schema
 * cannot, an unusable `@skip(if:)` value, a response name this shaper does not write): the gateway's function then
 * shapes the whole answer, so such an answer and its error are exactly the gateway's.
 */
class UseGatewayShaping extends Error {}

/** A field's type, unwrapped once per request; `selections` is the field's own (the same at every level). */
type TypePlan =
  | { kind: 'nonNull'; of: TypePlan; type: Type; selections: SelectionPlan[] | undefined }
  | { kind: 'list'; of: TypePlan; type: Type; selections: SelectionPlan[] | undefined }
  | { kind: 'composite'; type: CompositeType; selections: SelectionPlan[] | undefined }
  | {
      kind: 'leaf';
      type: ScalarType | EnumType;
      valid: (value: unknown) => boolean;
      selections: SelectionPlan[] | undefined;
    };

type SelectionPlan =
  | {
      kind: 'field';
      responseName: string;
      /** A name Object.prototype also has: read as an own property only. */
      own: boolean;
      role: 'value' | 'typename' | 'introspection';
      selection: Selection;
      type: TypePlan;
    }
  | {
      kind: 'fragment';
      typeCondition: CompositeType | undefined;
      selections: SelectionPlan[];
      /** Whether the condition applies, per `__typename` (or parent type when there is none). */
      applies: Map<string, boolean>;
    };

const BUBBLE = true;
const hasOwn = Object.prototype.hasOwnProperty;
/** The gateway's test of an integer's text (values.js). */
const INTEGER_TEXT = /^-?(?:0|[1-9][0-9]*)$/;

/**
 * `isValidLeafValue(schema, value, type)` of @apollo/federation-internals, with what depends only on the type decided
 * once per field instead of per value (~10 000 leaves in a dashboard): the same answer for every value.
 */
export function leafValidity(schema: Schema, type: ScalarType | EnumType): (value: unknown) => boolean {
  if (isCustomScalarType(type)) return () => true;
  const isBoolean = type === schema.booleanType();
  const isInt = type === schema.intType();
  const integral = isInt || type === schema.idType();
  const isFloat = type === schema.floatType();
  const enumType = isEnumType(type) ? type : undefined;
  const stringValid = !isBoolean && !isInt && !isFloat;
  return (value) => {
    if (typeof value === 'boolean') return isBoolean;
    if (typeof value === 'number' && Number.isFinite(value))
      return integral ? INTEGER_TEXT.test(String(value)) : isFloat;
    if (typeof value === 'string') return enumType ? enumType.value(value) !== undefined : stringValid;
    return false;
  };
}

/** `@skip`/`@include`'s `if`, as the gateway reads it (a literal, or a variable that must hold a boolean). */
function ifValue(
  directive: Pick<Directive, 'arguments'> | undefined,
  variables: Record<string, unknown>,
): boolean | undefined {
  if (!directive) return undefined;
  const value: unknown = directive.arguments().if;
  const resolved = value instanceof Variable ? variables[value.name] : value;
  if (typeof resolved !== 'boolean') throw new UseGatewayShaping('@skip/@include without a boolean');
  return resolved;
}

/** `field Type.name` or `array element of type T at index i`, as the gateway words its value-completion errors. */
function describeLast(path: readonly (string | number)[], currentType: Type, parentType: CompositeType): string {
  const element = path[path.length - 1];
  return typeof element === 'string'
    ? `field ${parentType}.${element}`
    : `array element of type ${currentType} at index ${element}`;
}

/**
 * One request's shaping: the operation's selections are planned once for the request (skip/include decided, types
 * unwrapped, response names read once), then the subgraphs' merged data is walked against that plan. Outputs are
 * plain objects written in selection order, so V8 gives a list's objects one shape and `JSON.stringify` of the
 * answer is fast; the gateway's own walk re-derives all of it for every value and writes null-prototype objects.
 */
class Shaper {
  readonly errors: GraphQLError[] = [];
  private readonly path: (string | number)[] = [];
  private readonly planned = new Map<SelectionSet, SelectionPlan[]>();
  private readonly types = new Map<string, NamedType | undefined>();
  /** Out-parameters of the last {@link update}: whether it nulled a non-null value, whether it recorded errors. */
  private invalid = false;
  private hasErrors = false;

  constructor(
    private readonly schema: Schema,
    private readonly variables: Record<string, unknown>,
    private readonly introspectionHandling: (selection: Selection) => unknown,
  ) {}

  plan(selectionSet: SelectionSet): SelectionPlan[] {
    let plans = this.planned.get(selectionSet);
    if (plans) return plans;
    plans = [];
    const skip = this.schema.skipDirective();
    const include = this.schema.includeDirective();
    for (const selection of selectionSet.selections()) {
      const element = selection.element;
      if (
        ifValue(element.appliedDirectivesOf(skip)[0], this.variables) === true ||
        ifValue(element.appliedDirectivesOf(include)[0], this.variables) === false
      )
        continue;
      if (selection.kind === 'FieldSelection') {
        const field = selection.element;
        const responseName = field.responseName();
        if (responseName === '__proto__') throw new UseGatewayShaping('__proto__ as a response name');
        const fieldSet = selection.selectionSet ? this.plan(selection.selectionSet) : undefined;
        plans.push({
          kind: 'field',
          responseName,
          own: responseName in Object.prototype,
          role: field.definition.isSchemaIntrospectionField()
            ? 'introspection'
            : field.name === '__typename'
              ? 'typename'
              : 'value',
          selection,
          type: this.typePlan(field.definition.type as Type, fieldSet),
        });
      } else {
        plans.push({
          kind: 'fragment',
          typeCondition: selection.element.typeCondition,
          selections: this.plan(selection.selectionSet),
          applies: new Map(),
        });
      }
    }
    this.planned.set(selectionSet, plans);
    return plans;
  }

  private typePlan(type: Type, selections: SelectionPlan[] | undefined): TypePlan {
    if (isNonNullType(type)) return { kind: 'nonNull', of: this.typePlan(type.ofType, selections), type, selections };
    if (isListType(type)) return { kind: 'list', of: this.typePlan(type.ofType, selections), type, selections };
    if (isCompositeType(type)) return { kind: 'composite', type, selections };
    const leaf = type as ScalarType | EnumType;
    return { kind: 'leaf', type: leaf, valid: leafValidity(this.schema, leaf), selections };
  }

  private type(name: string): NamedType | undefined {
    if (this.types.has(name)) return this.types.get(name);
    const type = this.schema.type(name);
    this.types.set(name, type);
    return type;
  }

  private applies(plan: Extract<SelectionPlan, { kind: 'fragment' }>, typename: unknown, parentType: CompositeType) {
    const condition = plan.typeCondition;
    if (!condition) return true;
    const key = typename ? `t${typename as string}` : `p${parentType.name}`;
    let applies = plan.applies.get(key);
    if (applies === undefined) {
      if (typename) {
        const type = this.type(typename as string);
        applies = !!type && isSubtype(condition, type);
      } else applies = isSubtype(condition, parentType);
      plan.applies.set(key, applies);
    }
    return applies;
  }

  /** Writes `plans` of `input` into `output`; true when a non-null violation must null the enclosing object. */
  apply(
    input: Record<string, unknown>,
    plans: readonly SelectionPlan[],
    output: Record<string, unknown>,
    parentType: CompositeType,
  ): boolean {
    for (const plan of plans) {
      if (plan.kind === 'fragment') {
        const typename = input.__typename;
        if (typename && typeof typename !== 'string') throw new UseGatewayShaping('__typename not a string');
        if (this.applies(plan, typename, parentType)) {
          if (this.apply(input, plan.selections, output, plan.typeCondition ?? parentType) === BUBBLE) return BUBBLE;
        }
        continue;
      }
      const name = plan.responseName;
      const outputValue = plan.own ? (hasOwn.call(output, name) ? output[name] : undefined) : output[name];
      if (plan.role === 'introspection') {
        if (outputValue === undefined) output[name] = this.introspectionHandling(plan.selection);
        continue;
      }
      let inputValue = (plan.own ? (hasOwn.call(input, name) ? input[name] : undefined) : input[name]) ?? null;
      if (plan.role === 'typename') {
        if (outputValue === undefined) {
          if (inputValue === null && name !== '__typename') inputValue = input.__typename ?? null;
          const type = typeof inputValue === 'string' ? (this.type(inputValue) ?? parentType) : parentType;
          if (!isObjectType(type)) return BUBBLE;
          output[name] = type.name;
        }
        continue;
      }
      this.path.push(name);
      output[name] = this.update(outputValue, plan.type, inputValue, parentType);
      this.path.pop();
      if (this.invalid) return BUBBLE;
    }
    return false;
  }

  /** One value completed against its type; sets {@link invalid} and {@link hasErrors} for the caller. */
  private update(outputValue: unknown, plan: TypePlan, inputValue: unknown, parentType: CompositeType): unknown {
    if (inputValue === undefined) throw new UseGatewayShaping('undefined value');
    if (outputValue === null || (outputValue !== undefined && !plan.selections)) {
      this.invalid = this.hasErrors = false;
      return outputValue;
    }
    switch (plan.kind) {
      case 'nonNull': {
        const updated = this.update(outputValue, plan.of, inputValue, parentType);
        if (updated === null) {
          if (!this.hasErrors)
            this.errors.push(
              ERRORS.INVALID_GRAPHQL.err(
                `Cannot return null for non-nullable ${describeLast(this.path, plan.of.type, parentType)}.`,
                { path: Array.from(this.path) },
              ),
            );
          this.invalid = this.hasErrors = true;
          return null;
        }
        this.invalid = this.hasErrors = false;
        return updated;
      }
      case 'list': {
        if (inputValue === null) break;
        if (!Array.isArray(inputValue)) throw new UseGatewayShaping('list expected');
        if (outputValue !== undefined && (!Array.isArray(outputValue) || outputValue.length !== inputValue.length))
          throw new UseGatewayShaping('list lengths differ');
        const before = outputValue as unknown[] | undefined;
        const updated = new Array<unknown>(inputValue.length);
        let nullify = false;
        let hasErrors = false;
        for (let index = 0; index < inputValue.length; index++) {
          this.path.push(index);
          updated[index] = this.update(before?.[index], plan.of, inputValue[index], parentType);
          this.path.pop();
          nullify ||= this.invalid;
          hasErrors ||= this.hasErrors;
        }
        this.invalid = false;
        this.hasErrors = hasErrors;
        return nullify ? null : updated;
      }
      case 'composite': {
        if (inputValue === null) break;
        if (
          !plan.selections ||
          typeof inputValue !== 'object' ||
          (outputValue !== undefined && typeof outputValue !== 'object')
        )
          throw new UseGatewayShaping('object expected');
        const input = inputValue as Record<string, unknown>;
        const typename = input.__typename;
        if (typename !== undefined && typeof typename !== 'string')
          throw new UseGatewayShaping('__typename not a string');
        let objectType: CompositeType = plan.type;
        if (typename) {
          const type = this.type(typename);
          if (!type || !isCompositeType(type)) {
            this.errors.push(
              ERRORS.INVALID_GRAPHQL.err(
                `Invalid __typename found for object at ${describeLast(this.path, plan.type, parentType)}.`,
                { path: Array.from(this.path) },
              ),
            );
            this.invalid = false;
            this.hasErrors = true;
            return null;
          }
          objectType = type;
        }
        const output = (outputValue ?? {}) as Record<string, unknown>;
        const bubbled = this.apply(input, plan.selections, output, objectType);
        this.invalid = false;
        this.hasErrors = bubbled;
        return bubbled ? null : output;
      }
      case 'leaf': {
        if (inputValue === null) break;
        if (outputValue !== undefined) throw new UseGatewayShaping('leaf written twice');
        const valid = plan.valid(inputValue);
        if (!valid)
          this.errors.push(
            ERRORS.INVALID_GRAPHQL.err(`Invalid value found for ${describeLast(this.path, plan.type, parentType)}.`, {
              path: Array.from(this.path),
            }),
          );
        this.invalid = false;
        this.hasErrors = !valid;
        return valid ? inputValue : null;
      }
    }
    // A null input (not under a non-null wrapper, handled above): null, no error.
    this.invalid = this.hasErrors = false;
    return null;
  }
}

/**
 * The gateway's last step, shaping the subgraphs' merged data into the operation's answer (value completion: nulls
 * bubbling to the nearest nullable field, `__typename`, fragments by type, invalid leaves as errors), with the same
 * answer and errors as @apollo/gateway's `computeResponse`, which it replaces (see installResponseShaping). Where
 * that function would fail an assertion, or an operation uses what this one does not plan for, the gateway's own
 * function shapes the answer instead.
 */
export function shapeResponse(args: ComputeResponseArgs, gatewayShaping: ComputeResponse): ComputeResponseResult {
  const { operation, input } = args;
  if (!input) return { data: input, errors: [] };
  const schema = operation.schema();
  const variables = { __proto__: null, ...operation.collectDefaultedVariableValues(), ...args.variables } as Record<
    string,
    unknown
  >;
  try {
    const shaper = new Shaper(schema, variables, args.introspectionHandling);
    const data: Record<string, unknown> = {};
    const rootType = schema.schemaDefinition.rootType(operation.rootKind);
    if (!rootType) throw new UseGatewayShaping('no root type');
    const bubbled = shaper.apply(input, shaper.plan(operation.selectionSet), data, rootType);
    return { data: bubbled ? null : data, errors: shaper.errors };
  } catch (error) {
    if (error instanceof UseGatewayShaping) return gatewayShaping(args);
    throw error;
  }
}
