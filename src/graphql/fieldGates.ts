import { defaultFieldResolver, isObjectType, type GraphQLFieldResolver, type GraphQLSchema } from 'graphql';

/**
 * A check a field makes before anything else: throws (UNSUPPORTED_BY_BACKEND) where the backend cannot serve it, or
 * (BAD_USER_INPUT) where its arguments could never be served, so neither costs a permission check or any call.
 */
export type FieldGate<TContext> = (context: TContext, args: Readonly<Record<string, unknown>>) => Promise<void>;

/**
 * Puts each gate in front of its field (`Type.field`), outside the authorization checks: a field the backend cannot
 * serve is refused before a permission check or anything else reaches an upstream (a permission check is itself a
 * call on Databricks and GitLab). A coordinate the schema does not have is a programming error.
 */
export function applyFieldGates<TContext>(
  schema: GraphQLSchema,
  gates: Readonly<Record<string, FieldGate<TContext>>>,
): GraphQLSchema {
  for (const [coordinate, gate] of Object.entries(gates)) {
    const [typeName = '', fieldName = ''] = coordinate.split('.');
    const type = schema.getType(typeName);
    const field = isObjectType(type) ? type.getFields()[fieldName] : undefined;
    if (!field) throw new Error(`applyFieldGates: expected a field of the schema, got ${coordinate}`);
    const original: GraphQLFieldResolver<unknown, TContext> = field.resolve ?? defaultFieldResolver;
    field.resolve = async (parent, args, context: TContext, info) => {
      await gate(context, args as Readonly<Record<string, unknown>>);
      return original(parent, args, context, info);
    };
  }
  return schema;
}
