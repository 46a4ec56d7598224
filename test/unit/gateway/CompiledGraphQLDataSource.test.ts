// The compiled data source must answer exactly as graphql-js does (LocalGraphQLDataSource, which it replaces in
// process): the same data, the same errors with the same paths and codes, the same null bubbling; and whatever it
// does not compile (mutations, introspection, other directives, invalid or unparseable text) runs through
// graphql-js itself.
import { LocalGraphQLDataSource } from '@apollo/gateway';
import { jest } from '@jest/globals';
import { buildSchema, GraphQLError, type GraphQLFieldResolver, type GraphQLObjectType } from 'graphql';
import { CompiledGraphQLDataSource } from '../../../src/gateway/CompiledGraphQLDataSource.js';

const schema = buildSchema(`
  type Query {
    runs(first: Int = 2): [Run!]!
    run(id: ID!): Run
    denied: Run
    failing: String
  }
  type Mutation { rename(id: ID!, name: String!): Run }
  type Run {
    id: ID!
    name: String
    tags: [Tag!]!
    secret: String!
    value: Float
  }
  type Tag { key: String! value: String }
`);

const runs = [
  { id: '1', name: 'a', tags: [{ key: 'k', value: 'v' }], value: 0.5 },
  { id: '2', name: null, tags: [], value: 3 },
  { id: '3', name: 'c', tags: [{ key: 'x', value: null }], value: -1 },
];
const forbidden = () => new GraphQLError('Not allowed', { extensions: { code: 'FORBIDDEN' } });
const resolvers: Record<string, Record<string, GraphQLFieldResolver<any, any>>> = {
  Query: {
    runs: (_, { first }) => Promise.resolve(runs.slice(0, first as number)),
    run: (_, { id }) => runs.find((run) => run.id === id) ?? null,
    denied: () => Promise.reject(forbidden()),
    failing: () => {
      throw new GraphQLError('Upstream down', { extensions: { code: 'UPSTREAM_UNAVAILABLE' } });
    },
  },
  Mutation: { rename: (_, { id, name }) => ({ ...runs.find((run) => run.id === id), name }) },
  // A non-null field that fails: the error nulls the nearest nullable parent, as the spec says.
  Run: { secret: (run) => (run.id === '2' ? Promise.reject(forbidden()) : `s${run.id}`) },
};
for (const [typeName, fields] of Object.entries(resolvers)) {
  const type = schema.getType(typeName) as GraphQLObjectType;
  for (const [name, resolve] of Object.entries(fields))
    (type.getFields()[name] as { resolve?: unknown }).resolve = resolve;
}

const compiled = new CompiledGraphQLDataSource(schema);
const interpreted = new LocalGraphQLDataSource(schema);

async function both(query: string, variables?: Record<string, unknown>, operationName?: string) {
  const request = { query, ...(variables ? { variables } : {}), ...(operationName ? { operationName } : {}) };
  const options = { request, context: {} } as unknown as Parameters<LocalGraphQLDataSource['process']>[0];
  const [fromCompiled, fromGraphqlJs] = await Promise.all([compiled.process(options), interpreted.process(options)]);
  return { compiled: JSON.parse(JSON.stringify(fromCompiled)), graphqlJs: JSON.parse(JSON.stringify(fromGraphqlJs)) };
}

describe('CompiledGraphQLDataSource', () => {
  it.each([
    [
      'lists, aliases, variables and defaults',
      'query Q($n: Int) { runs(first: $n) { id n: name tags { key value } value } }',
      { n: 3 },
    ],
    ['argument defaults', '{ runs { id } }', undefined],
    [
      '@skip and @include',
      'query Q($s: Boolean!) { runs(first: 3) { id name @skip(if: $s) tags @include(if: $s) { key } } }',
      { s: true },
    ],
    ['a refused field: null and FORBIDDEN at its path', '{ denied { id } run(id: "1") { id } }', undefined],
    ['a thrown error keeps its code', '{ failing run(id: "3") { name } }', undefined],
    ['a failing non-null field nulls its list item parent chain', '{ runs(first: 3) { id secret } }', undefined],
    ['a missing object is null', '{ run(id: "9") { id } }', undefined],
    ['__typename', '{ __typename run(id: "1") { __typename id } }', undefined],
    [
      'fragments',
      '{ run(id: "1") { ...F } } fragment F on Run { id tags { ...T } } fragment T on Tag { key }',
      undefined,
    ],
    ['a variable of the wrong type', 'query Q($n: Int) { runs(first: $n) { id } }', { n: 'many' }],
  ])('answers as graphql-js does: %s', async (_, query, variables) => {
    const { compiled: answer, graphqlJs } = await both(query, variables);
    expect(answer).toEqual(graphqlJs);
  });

  it.each([
    ['a mutation', 'mutation { rename(id: "1", name: "z") { id name } }'],
    ['introspection', '{ __schema { queryType { name } } }'],
    ['an invalid query', '{ runs { nope } }'],
    ['unparseable text', '{ runs { id '],
    ['an unknown operation name', 'query A { failing } query B { run(id: "1") { id } }'],
  ])('leaves %s to graphql-js, with its answer', async (_, query) => {
    const fallback = jest.spyOn(LocalGraphQLDataSource.prototype, 'process');
    try {
      const { compiled: answer, graphqlJs } = await both(query, undefined, query.includes('query A') ? 'C' : undefined);
      expect(answer).toEqual(graphqlJs);
      // Once from `compiled` (its fallback), once from `interpreted`.
      expect(fallback).toHaveBeenCalledTimes(2);
    } finally {
      fallback.mockRestore();
    }
  });

  it('runs a plain query compiled, not through graphql-js', async () => {
    const fallback = jest.spyOn(LocalGraphQLDataSource.prototype, 'process');
    try {
      const answer = await compiled.process({
        request: { query: '{ run(id: "1") { id name } }' },
        context: {},
      } as unknown as Parameters<LocalGraphQLDataSource['process']>[0]);
      expect(answer).toEqual({ data: { run: { id: '1', name: 'a' } } });
      expect(fallback).not.toHaveBeenCalled();
    } finally {
      fallback.mockRestore();
    }
  });
});

// Compiled queries skip serializing built-in scalars and enums (graphql-jit's per-leaf bookkeeping is most of what a
// large answer allocates) and check afterwards that nothing there needed it; a leaf in another form makes the
// operation run again with serialization, so the answer is still graphql-js's own, coercions and errors included.
describe('CompiledGraphQLDataSource: leaves a resolver answers in another form', () => {
  const leafSchema = buildSchema(`
    type Query { items: [Item!]! item(id: ID!): Item things: [Thing!]! custom: Stamp }
    scalar Stamp
    enum Color { RED GREEN }
    type Item { id: ID! name: String count: Int ratio: Float ok: Boolean color: Color tags: [String!] }
    type Box { size: Int }
    type Bag { size: String }
    union Thing = Box | Bag
  `);
  const items: Record<string, unknown>[] = [
    { id: '1', name: 'a', count: 2, ratio: 0.5, ok: true, color: 'RED', tags: ['x'] },
    { id: '2', name: null, count: null, ratio: 3, ok: false, color: 'GREEN', tags: [] },
  ];
  const odd: Record<string, Record<string, unknown>> = {
    'a number for a String': { id: '3', name: 5 },
    'a number for an ID': { id: 7 },
    'a numeric string for a Float': { id: '4', ratio: '0.25' },
    'a non-finite Float': { id: '4', ratio: Number.NaN },
    'a fraction for an Int': { id: '5', count: 2.5 },
    'an Int out of range': { id: '5', count: 2 ** 40 },
    'a number for a Boolean': { id: '6', ok: 1 },
    'an unknown enum value': { id: '8', color: 'BLUE' },
    'a number inside a list of String': { id: '9', tags: ['a', 2] },
  };
  const setResolvers = (map: Record<string, Record<string, GraphQLFieldResolver<any, any>>>) => {
    for (const [typeName, fields] of Object.entries(map)) {
      const type = leafSchema.getType(typeName) as GraphQLObjectType;
      for (const [name, resolve] of Object.entries(fields))
        (type.getFields()[name] as { resolve?: unknown }).resolve = resolve;
    }
  };
  let current: Record<string, unknown> = {};
  setResolvers({
    Query: {
      items: () => Promise.resolve(items),
      item: () => current,
      things: () => [
        { __typename: 'Box', size: 3 },
        { __typename: 'Bag', size: 'L' },
      ],
      custom: () => 1234,
    },
  });
  (leafSchema.getType('Thing') as unknown as { resolveType: (v: { __typename: string }) => string }).resolveType = (
    value,
  ) => value.__typename;
  (leafSchema.getType('Stamp') as unknown as { serialize: (v: unknown) => unknown }).serialize = (v) => `t${String(v)}`;
  const leafCompiled = new CompiledGraphQLDataSource(leafSchema);
  const leafInterpreted = new LocalGraphQLDataSource(leafSchema);
  const run = async (query: string) => {
    const options = { request: { query }, context: {} } as unknown as Parameters<LocalGraphQLDataSource['process']>[0];
    const [a, b] = await Promise.all([leafCompiled.process(options), leafInterpreted.process(options)]);
    return { compiled: JSON.parse(JSON.stringify(a)), graphqlJs: JSON.parse(JSON.stringify(b)) };
  };
  const ITEM = '{ item(id: "1") { id name count ratio ok color tags } }';

  it('answers well-formed leaves without running the operation again', async () => {
    const before = leafCompiled.reserialized;
    const { compiled: answer, graphqlJs } = await run(
      '{ items { id name count ratio ok color tags __typename } custom }',
    );
    expect(answer).toEqual(graphqlJs);
    expect(answer.data.items[0]).toEqual({
      id: '1',
      name: 'a',
      count: 2,
      ratio: 0.5,
      ok: true,
      color: 'RED',
      tags: ['x'],
      __typename: 'Item',
    });
    expect(answer.data.custom).toBe('t1234');
    expect(leafCompiled.reserialized).toBe(before);
  });

  it.each(Object.entries(odd))('answers as graphql-js does for %s', async (_, item) => {
    current = item;
    const before = leafCompiled.reserialized;
    const { compiled: answer, graphqlJs } = await run(ITEM);
    expect(answer).toEqual(graphqlJs);
    expect(leafCompiled.reserialized).toBe(before + 1);
  });

  it("checks each union member's fragment by its own types", async () => {
    const before = leafCompiled.reserialized;
    const { compiled: answer, graphqlJs } = await run(
      '{ things { __typename ... on Box { size } ... on Bag { bag: size } } }',
    );
    expect(answer).toEqual(graphqlJs);
    expect(answer.data.things).toEqual([
      { __typename: 'Box', size: 3 },
      { __typename: 'Bag', bag: 'L' },
    ]);
    expect(leafCompiled.reserialized).toBe(before);
  });
});
