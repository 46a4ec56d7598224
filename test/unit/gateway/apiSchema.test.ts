// The composed API schema is what analysts read in Sandbox's Documentation panel and what client codegen sees:
// every type, field, argument, input field and enum value says what it is, and every deprecation says what to
// use instead.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isIntrospectionType,
  isObjectType,
  isSpecifiedScalarType,
  type GraphQLNamedType,
} from 'graphql';
import { apiSchemaFromSupergraph, printApiSchema } from '../../../src/gateway/apiSchema.js';
import { projectRoot, supergraphSdlPath } from '../../../src/gateway/supergraphConfig.js';

const supergraphSdl = readFileSync(supergraphSdlPath, 'utf8');
const schema = apiSchemaFromSupergraph(supergraphSdl);
const ownTypes = Object.values(schema.getTypeMap()).filter(
  (type) => !isIntrospectionType(type) && !isSpecifiedScalarType(type),
);

/** Every schema element that can carry a description, as `Type`, `Type.field`, `Type.field(arg)`, `Enum.VALUE`. */
function elements(
  type: GraphQLNamedType,
): { path: string; description: string | null | undefined; deprecationReason?: string | null | undefined }[] {
  const out: { path: string; description: string | null | undefined; deprecationReason?: string | null | undefined }[] =
    [{ path: type.name, description: type.description }];
  if (isObjectType(type) || isInterfaceType(type)) {
    for (const field of Object.values(type.getFields())) {
      out.push({
        path: `${type.name}.${field.name}`,
        description: field.description,
        deprecationReason: field.deprecationReason,
      });
      for (const arg of field.args)
        out.push({
          path: `${type.name}.${field.name}(${arg.name})`,
          description: arg.description,
          deprecationReason: arg.deprecationReason,
        });
    }
  }
  if (isInputObjectType(type)) {
    for (const field of Object.values(type.getFields()))
      out.push({
        path: `${type.name}.${field.name}`,
        description: field.description,
        deprecationReason: field.deprecationReason,
      });
  }
  if (isEnumType(type)) {
    for (const value of type.getValues())
      out.push({
        path: `${type.name}.${value.name}`,
        description: value.description,
        deprecationReason: value.deprecationReason,
      });
  }
  return out;
}

const all = ownTypes.flatMap(elements);

describe('the composed API schema (schema/supergraph.graphql as clients see it)', () => {
  it('covers the three subgraphs', () => {
    expect(schema.getQueryType()?.getFields()).toEqual(
      expect.objectContaining({
        run: expect.anything(),
        registeredModel: expect.anything(),
        viewer: expect.anything(),
      }),
    );
    expect(all.length).toBeGreaterThan(400);
  });

  it('documents every type, field, argument, input field and enum value', () => {
    const undocumented = all.filter((element) => !element.description?.trim()).map((element) => element.path);
    expect(undocumented).toEqual([]);
  });

  it('starts each description with a capital letter or a code span, and keeps federation internals out', () => {
    expect(
      all
        .filter((element) => element.description && !/^[A-Z`"0-9(]/.test(element.description.trim()))
        .map((e) => e.path),
    ).toEqual([]);
    expect(
      ownTypes.map((type) => type.name).filter((name) => /^(join__|link__|_Service|_Entity|_Any)/.test(name)),
    ).toEqual([]);
  });

  it('says what to use instead in every deprecation', () => {
    const deprecated = all.filter((element) => element.deprecationReason);
    expect(deprecated.length).toBeGreaterThan(0);
    const vague = deprecated.filter(
      (element) =>
        !/\buse\b/i.test(element.deprecationReason ?? '') || element.deprecationReason === 'No longer supported',
    );
    expect(vague.map((element) => `${element.path}: ${element.deprecationReason}`)).toEqual([]);
  });

  it('is what schema/api.graphql holds (client codegen reads that file; `npm run compose` writes it)', () => {
    expect(readFileSync(resolve(projectRoot, 'schema/api.graphql'), 'utf8')).toBe(printApiSchema(supergraphSdl));
  });
});
