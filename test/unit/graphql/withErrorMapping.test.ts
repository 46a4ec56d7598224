import { buildSubgraphSchema } from '@apollo/subgraph';
import { graphql, parse } from 'graphql';
import { withErrorMapping } from '../../../src/graphql/withErrorMapping.js';
import { UpstreamError } from '../../../src/upstream/http/UpstreamError.js';

// The one conversion on the way back: whatever a resolver or a type's __resolveReference throws (an
// UpstreamError from a client, a bug's plain Error) leaves with a code from the closed set, mapped by the
// wrapper the subgraph applies to its executable schema, not by the loaders or clients underneath.
const notFound = () =>
  new UpstreamError({
    upstream: 'MLflow',
    endpoint: 'GET /api/2.0/mlflow/runs/get',
    failure: 'http',
    status: 404,
    errorCode: 'RESOURCE_DOES_NOT_EXIST',
    message: 'Run nope not found',
  });

const schema = withErrorMapping(
  buildSubgraphSchema([
    {
      typeDefs: parse(`
      extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
      type Query { run(id: ID!): Run  broken: String }
      type Run @key(fields: "id") { id: ID! name: String }
    `),
      resolvers: {
        Query: {
          run: async () => Promise.reject(notFound()),
          broken: () => {
            throw new Error('password=hunter2 at /srv/x.ts:12');
          },
        },
        Run: { __resolveReference: async () => Promise.reject(notFound()) },
      } as never,
    },
  ]),
);

const run = (source: string) => graphql({ schema, source, contextValue: {} });

describe('withErrorMapping', () => {
  it("maps what a field resolver throws: MLflow's not-found is NOT_FOUND, a bug is masked", async () => {
    const result = await run('{ run(id: "nope") { id } broken }');
    const byPath = Object.fromEntries((result.errors ?? []).map((error) => [error.path?.join('.'), error]));
    expect(byPath.run?.extensions).toEqual({
      code: 'NOT_FOUND',
      mlflowErrorCode: 'RESOURCE_DOES_NOT_EXIST',
      upstreamStatus: 404,
    });
    expect(byPath.broken?.extensions).toEqual({ code: 'INTERNAL_SERVER_ERROR' });
    expect(byPath.broken?.message).toBe('Internal server error');
  });

  it('maps what __resolveReference throws, behind _entities', async () => {
    const result = await run(
      '{ _entities(representations: [{ __typename: "Run", id: "nope" }]) { ... on Run { id } } }',
    );
    expect(result.errors?.[0]?.path).toEqual(['_entities', 0]);
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND' });
  });

  it("leaves federation's own _entities alone: its errors are federation's, not ours to mask", async () => {
    const result = await run('{ _entities(representations: [{ __typename: "Nope" }]) { __typename } }');
    expect(result.errors?.[0]?.message).toMatch(/no object or interface type of that name/);
    expect(result.errors?.[0]?.extensions).toEqual({});
  });
});
