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
