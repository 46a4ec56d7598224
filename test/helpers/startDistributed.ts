// Distributed mode for e2e tests: each subgraph on its own port, and a gateway composed with this run's ports as
// routing URLs, calling them over HTTP (signed with the config's subgraph secret).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Config } from '../../src/config.js';
import { createServices } from '../../src/context/createServices.js';
import type { Services } from '../../src/context/Services.js';
import { composeSupergraph } from '../../src/gateway/composeSupergraph.js';
import { startGateway, type RunningGateway } from '../../src/gateway/startGateway.js';
import { subgraphSchemaFactories } from '../../src/gateway/subgraphSchemas.js';
import type { SubgraphName } from '../../src/subgraphs/loadSchema.js';
import { startSubgraph, type RunningSubgraph } from '../../src/subgraphs/startSubgraph.js';

/** Three subgraph servers and a gateway in distributed mode. */
export interface DistributedStack {
  readonly gateway: RunningGateway;
  readonly subgraphs: ReadonlyMap<SubgraphName, RunningSubgraph>;
  close(): Promise<void>;
}

/** Starts every subgraph (services of its own each, as separate processes would have) and the gateway. */
export async function startDistributed(config: Config, trackingUri: string): Promise<DistributedStack> {
  const subgraphs = new Map<SubgraphName, RunningSubgraph>();
  const services: Services[] = [];
  for (const name of ['tracking', 'registry', 'permissions'] as const) {
    const subgraphServices = createServices(config, trackingUri);
    services.push(subgraphServices);
    const factory = subgraphSchemaFactories[name];
    if (!factory) throw new Error(`no schema for ${name}`);
    subgraphs.set(name, await startSubgraph(name, factory(), subgraphServices, 0));
  }
  const dir = mkdtempSync(join(tmpdir(), 'supergraph-'));
  const yaml = ['federation_version: =2.5.0', 'subgraphs:']
    .concat(
      [...subgraphs].flatMap(([name, s]) => [
        `  ${name}:`,
        `    routing_url: ${s.url}`,
        '    schema:',
        `      file: ${process.cwd()}/schema/${name}.graphql`,
      ]),
    )
    .join('\n');
  writeFileSync(join(dir, 'supergraph.yaml'), yaml);
  const gatewayServices = createServices(config, trackingUri);
  services.push(gatewayServices);
  const gateway = await startGateway({
    config,
    services: gatewayServices,
    port: 0,
    mode: 'distributed',
    supergraphSdl: composeSupergraph(join(dir, 'supergraph.yaml')),
  });
  return {
    gateway,
    subgraphs,
    async close() {
      await gateway.close();
      for (const s of subgraphs.values()) await s.close();
      for (const s of services) await s.close();
    },
  };
}
