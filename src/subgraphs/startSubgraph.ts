import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import type { GraphQLSchema } from 'graphql';
import { createRequestContext } from '../context/createRequestContext.js';
import type { RequestContext } from '../context/RequestContext.js';
import type { Services } from '../context/Services.js';
import { createApolloHttpHandler } from '../gateway/httpHandler.js';
import type { SubgraphName } from './loadSchema.js';

/** A subgraph served on its own port (distributed mode). */
export interface RunningSubgraph {
  readonly name: SubgraphName;
  readonly url: string;
  close(): Promise<void>;
}

/**
 * Serves one subgraph schema over HTTP at /graphql, for the gateway (or Apollo Router) to call. The
 * context is rebuilt from the forwarded headers.
 */
export async function startSubgraph(name: SubgraphName, schema: GraphQLSchema, services: Services, port: number, host = '127.0.0.1'): Promise<RunningSubgraph> {
  const apollo = new ApolloServer<RequestContext>({
    schema,
    csrfPrevention: true,
    introspection: services.config.introspection,
    includeStacktraceInErrorResponses: false,
    plugins: [ApolloServerPluginLandingPageDisabled()],
  });
  await apollo.start();
  const handle = createApolloHttpHandler(apollo, async (request) => createRequestContext(services, request.headers));
  const server = http.createServer((request, response) => {
    handle(request, response).catch(() => {
      if (!response.headersSent) response.writeHead(500, { 'content-type': 'application/json' });
      response.end('{"errors":[{"message":"Internal server error","extensions":{"code":"INTERNAL_SERVER_ERROR"}}]}');
    });
  });
  await new Promise<void>((resolve) => server.listen(port, host, resolve));
  const address = server.address() as AddressInfo;
  return {
    name,
    url: `http://${host}:${address.port}/graphql`,
    async close() {
      await apollo.stop();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
