// Hive Gateway (The Guild's federation gateway, from npm) serving our committed supergraph in a process of its own,
// for the peer variant of the benchmark and the e2e test of Hive's request signing. Started by bench/peer.ts with
// its options as JSON in argv[2]; prints one JSON line `{ "url": … }` once it listens on loopback.
//
// It runs the supergraph unchanged: the routing URLs are this run's subgraph processes (as SUBGRAPH_URL_* does for
// our gateway), the caller's Authorization is propagated, every subgraph request is signed with Hive's standard
// `hmacSignature` plugin (which our subgraphs verify: src/auth/hiveSignature.ts), and nothing is reported anywhere
// (no `reporting`, no landing page or GraphiQL, logging at warn).
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import { createGatewayRuntime } from '@graphql-hive/gateway';
import { unifiedGraphHandler } from '@graphql-hive/router-runtime';
import { overrideRoutingUrls } from '../src/gateway/overrideRoutingUrls.js';
import { supergraphSdlPath } from '../src/gateway/supergraphConfig.js';

/** What bench/peer.ts passes in argv[2]. */
export interface HiveGatewayOptions {
  /** Subgraph name → its /graphql URL. */
  urls: Record<string, string>;
  /** Shared with the subgraphs (MLFLOW_SUPERGRAPH_HIVE_HMAC_SECRET); omitted: requests go unsigned. */
  hmacSecret?: string;
  /** `rust`: Hive Router's query planner (@graphql-hive/router-runtime); `js`: the default JS planner. */
  planner: 'rust' | 'js';
}

const options = JSON.parse(process.argv[2] ?? '{}') as HiveGatewayOptions;
const gateway = createGatewayRuntime({
  supergraph: overrideRoutingUrls(readFileSync(supergraphSdlPath, 'utf8'), options.urls),
  ...(options.planner === 'rust' ? { unifiedGraphHandler } : {}),
  ...(options.hmacSecret ? { hmacSignature: { secret: options.hmacSecret } } : {}),
  propagateHeaders: {
    fromClientToSubgraphs: ({ request }) => ({ authorization: request.headers.get('authorization') }),
  },
  landingPage: false,
  graphiql: false,
  logging: 'warn',
});
const server = createServer(gateway);
server.keepAliveTimeout = 65_000;
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('no address');
  console.log(JSON.stringify({ url: `http://127.0.0.1:${address.port}/graphql` }));
});
const stop = () => {
  server.close();
  server.closeAllConnections();
  void Promise.resolve(gateway.dispose()).finally(() => process.exit(0));
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
