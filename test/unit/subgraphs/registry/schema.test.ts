import { readFileSync } from 'node:fs';
import { buildASTSchema, isEnumType, isInputObjectType, isObjectType, parse } from 'graphql';
import { sdlPath } from '../../../../src/subgraphs/loadSchema.js';
import { createRegistrySchema } from '../../../../src/subgraphs/registry/schema.js';

// The registry SDL is the public contract: every type, field, argument and enum value says what it is.

const federationStubs = `
  directive @link(url: String!, import: [String]) repeatable on SCHEMA
  directive @key(fields: String!) repeatable on OBJECT
  directive @shareable on OBJECT | FIELD_DEFINITION
  directive @inaccessible on ENUM | OBJECT | FIELD_DEFINITION
`;

describe('schema/registry.graphql', () => {
  const schema = buildASTSchema(parse(federationStubs + readFileSync(sdlPath('registry'), 'utf8')), {
    assumeValidSDL: true,
  });

  it('documents every type, field, argument and enum value', () => {
    const undocumented: string[] = [];
    for (const type of Object.values(schema.getTypeMap())) {
      if (type.name.startsWith('__') || ['String', 'Boolean', 'Int', 'Float', 'ID'].includes(type.name)) continue;
      if (!type.description && !['Query', 'Mutation'].includes(type.name)) undocumented.push(type.name);
      if (isObjectType(type) || isInputObjectType(type)) {
        for (const field of Object.values(type.getFields())) {
          if (!field.description) undocumented.push(`${type.name}.${field.name}`);
          for (const arg of 'args' in field ? field.args : [])
            if (!arg.description) undocumented.push(`${type.name}.${field.name}(${arg.name})`);
        }
      }
      if (isEnumType(type))
        for (const value of type.getValues()) if (!value.description) undocumented.push(`${type.name}.${value.name}`);
    }
    expect(undocumented).toEqual([]);
  });

  it('marks stage-based fields deprecated in favour of aliases', () => {
    const deprecated = (typeName: string, field: string) => {
      const type = schema.getType(typeName);
      return isObjectType(type) ? type.getFields()[field]?.deprecationReason : undefined;
    };
    for (const [type, field] of [
      ['ModelVersion', 'stage'],
      ['RegisteredModel', 'latestVersions'],
      ['Mutation', 'transitionModelVersionStage'],
    ] as const) {
      expect(deprecated(type, field)).toMatch(/aliases/);
    }
  });

  it('builds as an executable federated subgraph', () => {
    const executable = createRegistrySchema();
    expect(executable.getQueryType()?.getFields()._entities).toBeDefined();
    expect(executable.getType('Run')).toBeDefined();
  });
});
