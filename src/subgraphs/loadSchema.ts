import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildSubgraphSchema, type GraphQLResolverMap } from '@apollo/subgraph';
import type { GraphQLSchema } from 'graphql';
import { parse } from 'graphql';

/** Names of the subgraphs, as in supergraph.yaml. */
export type SubgraphName = 'tracking' | 'registry' | 'permissions';

/** Path of a subgraph's SDL file (schema/<name>.graphql). */
export function sdlPath(name: SubgraphName): string {
  return fileURLToPath(new URL(`../../schema/${name}.graphql`, import.meta.url));
}

/** Reads a subgraph's SDL. */
export function readSdl(name: SubgraphName): string {
  return readFileSync(sdlPath(name), 'utf8');
}

/** Builds an executable federated subgraph schema from its SDL file and resolvers. */
export function buildSchemaFromSdl(name: SubgraphName, resolvers: unknown): GraphQLSchema {
  return buildSubgraphSchema([{ typeDefs: parse(readSdl(name)), resolvers: resolvers as GraphQLResolverMap<unknown> }]);
}
