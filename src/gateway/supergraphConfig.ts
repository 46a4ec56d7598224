import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import type { SubgraphName } from '../subgraphs/loadSchema.js';

/** One subgraph entry of supergraph.yaml. */
export interface SubgraphEntry {
  name: SubgraphName;
  routingUrl: string;
  schemaFile: string;
}

/** The repository root (where supergraph.yaml lives). */
export const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** Path of the committed composed supergraph. */
export const supergraphSdlPath = resolve(projectRoot, 'schema/supergraph.graphql');

const KNOWN: readonly SubgraphName[] = ['tracking', 'registry', 'permissions'];

/** Reads and validates supergraph.yaml (Rover's format: federation_version, subgraphs.<name>.routing_url, schema.file). */
export function readSupergraphConfig(path = resolve(projectRoot, 'supergraph.yaml')): {
  federationVersion: string;
  subgraphs: SubgraphEntry[];
} {
  const raw = parseYaml(readFileSync(path, 'utf8')) as {
    federation_version?: unknown;
    subgraphs?: Record<string, { routing_url?: unknown; schema?: { file?: unknown } }>;
  };
  if (!raw || typeof raw !== 'object' || !raw.subgraphs || typeof raw.subgraphs !== 'object') {
    throw new Error(`${path}: expected a "subgraphs" map`);
  }
  const subgraphs = Object.entries(raw.subgraphs).map(([name, entry]) => {
    if (!KNOWN.includes(name as SubgraphName))
      throw new Error(`${path}: unknown subgraph "${name}", expected one of ${KNOWN.join(', ')}`);
    if (typeof entry?.routing_url !== 'string')
      throw new Error(`${path}: subgraphs.${name}.routing_url must be a URL string`);
    if (typeof entry.schema?.file !== 'string')
      throw new Error(`${path}: subgraphs.${name}.schema.file must be a path`);
    return {
      name: name as SubgraphName,
      routingUrl: entry.routing_url,
      schemaFile: resolve(dirname(path), entry.schema.file),
    };
  });
  return { federationVersion: String(raw.federation_version ?? '=2.5.0'), subgraphs };
}
