import { readFileSync } from 'node:fs';
import {
  Kind,
  parse,
  type ConstDirectiveNode,
  type ObjectTypeDefinitionNode,
  type ObjectTypeExtensionNode,
} from 'graphql';
import { readSupergraphConfig } from '../../../src/gateway/supergraphConfig.js';

// The build-time check of DESIGN §6: a field that reads or writes MLflow data must carry an authorization
// rule. Root fields need @requiresAuth, @requiresAdmin, @hasPermission or an explicit, commented @public; mutations
// also need the WRITE scope; every entity that holds MLflow data is protected at type level. Root fields added in an
// `extend type Query` / `extend type Mutation` block are held to the same rules.
const RULES = new Set(['requiresAuth', 'requiresAdmin', 'hasPermission', 'public']);
const names = (directives: readonly ConstDirectiveNode[] | undefined) => (directives ?? []).map((d) => d.name.value);

describe('every subgraph field that touches MLflow data has an authorization rule', () => {
  const subgraphs = readSupergraphConfig().subgraphs;

  it.each(subgraphs.map((s) => [s.name, s.schemaFile]))('%s', (name, file) => {
    const sdl = readFileSync(file, 'utf8');
    const document = parse(sdl);
    // `extend type Query { … }` blocks too (the MLflow 3 features keep their root fields in blocks of their own).
    const types = document.definitions.filter(
      (d): d is ObjectTypeDefinitionNode | ObjectTypeExtensionNode =>
        d.kind === Kind.OBJECT_TYPE_DEFINITION || d.kind === Kind.OBJECT_TYPE_EXTENSION,
    );
    // The Mutation type's rules, wherever its definition and extensions put them.
    const mutationRules = types.filter((t) => t.name.value === 'Mutation').flatMap((t) => names(t.directives));
    const missing: string[] = [];
    for (const type of types) {
      const typeRules = names(type.directives);
      if (type.kind === Kind.OBJECT_TYPE_EXTENSION && type.name.value !== 'Query' && type.name.value !== 'Mutation')
        continue;
      if (type.name.value === 'Query' || type.name.value === 'Mutation') {
        if (type.name.value === 'Mutation' && !mutationRules.includes('requiresScope'))
          missing.push('Mutation: @requiresScope(scope: WRITE)');
        for (const field of type.fields ?? []) {
          const rules = names(field.directives);
          if (!rules.some((r) => RULES.has(r))) missing.push(`${type.name.value}.${field.name.value}`);
          if (rules.includes('public')) {
            // An explicit public marker must say why, in a comment on the same line.
            const line = sdl.split('\n').find((l) => l.includes(`${field.name.value}`) && l.includes('@public'));
            expect(line).toMatch(/@public\s*#\s*\S+/);
          }
        }
        continue;
      }
      const isEntity = typeRules.includes('key');
      if (!isEntity) continue;
      if (typeRules.includes('hasPermission')) continue;
      // An entity without a type-level rule (the permissions subgraph's references) needs a rule on every
      // field beyond its key fields.
      const keyFields = new Set(
        (type.directives ?? [])
          .filter((d) => d.name.value === 'key')
          .flatMap((d) => String((d.arguments?.[0]?.value as { value?: string }).value ?? '').split(/\s+/)),
      );
      for (const field of type.fields ?? []) {
        if (keyFields.has(field.name.value) || names(field.directives).includes('external')) continue;
        if (!names(field.directives).some((r) => RULES.has(r))) missing.push(`${type.name.value}.${field.name.value}`);
      }
    }
    expect({ subgraph: name, missing }).toEqual({ subgraph: name, missing: [] });
  });

  it('declares the same authorization directives in every subgraph', () => {
    const declarations = subgraphs.map((s) =>
      parse(readFileSync(s.schemaFile, 'utf8'))
        .definitions.filter((d) => d.kind === Kind.DIRECTIVE_DEFINITION)
        .map((d) => (d.kind === Kind.DIRECTIVE_DEFINITION ? d.name.value : ''))
        .sort(),
    );
    for (const declared of declarations)
      expect(declared).toEqual(expect.arrayContaining(['hasPermission', 'public', 'requiresAuth', 'requiresScope']));
  });
});
