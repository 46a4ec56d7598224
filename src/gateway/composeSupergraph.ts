import { readFileSync } from 'node:fs';
import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';
import { readSupergraphConfig } from './supergraphConfig.js';

/** Composes the subgraph SDLs named in supergraph.yaml into a supergraph SDL, or throws with every composition error. */
export function composeSupergraph(configPath?: string): string {
  const { subgraphs } = readSupergraphConfig(configPath);
  const result = composeServices(
    subgraphs.map((s) => ({ name: s.name, url: s.routingUrl, typeDefs: parse(readFileSync(s.schemaFile, 'utf8')) })),
  );
  if (result.errors) throw new Error(`Composition failed:\n${result.errors.map((e) => `- ${e.message}`).join('\n')}`);
  return result.supergraphSdl;
}
