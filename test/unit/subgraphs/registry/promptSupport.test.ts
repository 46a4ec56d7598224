import { readFileSync } from 'node:fs';
import { getNamedType, isObjectType } from 'graphql';
import { buildASTSchema, parse } from 'graphql';
import { sdlPath } from '../../../../src/subgraphs/loadSchema.js';
import { promptGates } from '../../../../src/subgraphs/registry/promptSupport.js';

// Every root field that reads or writes prompts is gated (refused before any check or call where prompts are absent):
// a new prompt field without a gate would reach MLflow < 3, Databricks or GitLab with the graph's prompt calls.
const federationStubs = `
  directive @link(url: String!, import: [String]) repeatable on SCHEMA
  directive @key(fields: String!) repeatable on OBJECT
  directive @shareable on OBJECT | FIELD_DEFINITION
  directive @inaccessible on ENUM | OBJECT | FIELD_DEFINITION
`;

describe('promptGates', () => {
  it('covers exactly the root fields whose answer is a prompt type', () => {
    const schema = buildASTSchema(parse(federationStubs + readFileSync(sdlPath('registry'), 'utf8')), {
      assumeValidSDL: true,
    });
    const promptFields: string[] = [];
    for (const root of ['Query', 'Mutation']) {
      const type = schema.getType(root);
      if (!isObjectType(type)) continue;
      for (const field of Object.values(type.getFields()))
        if (/Prompt/.test(getNamedType(field.type).name)) promptFields.push(`${root}.${field.name}`);
    }
    expect(Object.keys(promptGates).sort()).toEqual(promptFields.sort());
  });
});
