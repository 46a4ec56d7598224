import { getNamedType, isObjectType } from 'graphql';
import { promptGates } from '../../../../src/subgraphs/registry/promptSupport.js';
import { createRegistrySchema } from '../../../../src/subgraphs/registry/schema.js';

// Every root field that reads or writes prompts is gated (refused before any check or call where prompts are absent):
// a new prompt field without a gate would reach MLflow < 3, Databricks or GitLab with the graph's prompt calls.
describe('promptGates', () => {
  it('covers exactly the root fields whose answer is a prompt type', () => {
    const schema = createRegistrySchema();
    const promptFields: string[] = [];
    for (const root of [schema.getQueryType(), schema.getMutationType()]) {
      if (!isObjectType(root)) continue;
      for (const field of Object.values(root.getFields()))
        if (/Prompt/.test(getNamedType(field.type).name)) promptFields.push(`${root.name}.${field.name}`);
    }
    expect(Object.keys(promptGates).sort()).toEqual(promptFields.sort());
  });
});
