import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer } from '@apollo/server';
import type { Config } from '../config.js';
import { createRequestContext } from '../context/createRequestContext.js';
import type { RequestContext } from '../context/RequestContext.js';
import type { Services } from '../context/Services.js';
import { createGateway, type GatewayMode } from './createGateway.js';
import { formatError } from './formatError.js';
import { createApolloHttpHandler } from './httpHandler.js';
import { landingPagePlugin } from './landingPage.js';
import { useOperationLimits } from './useOperationLimits.js';

/** What startGateway needs. */
export interface GatewayServerOptions {
  config: Config;
  services: Services;
  mode?: GatewayMode;
  /** Overrides config.port (tests pass 0). */
  port?: number;
  supergraphSdl?: string;
}

/** A running gateway. */
export interface RunningGateway {
  readonly url: string;
  readonly graphqlUrl: string;
  readonly apollo: ApolloServer<RequestContext>;
  close(): Promise<void>;
}

/**
 * Starts the gateway's HTTP server: GraphQL at /graphql (and /), the Sandbox landing page at / for
 * browsers, /healthz. CSRF prevention is on; introspection and Sandbox follow the config.
 */
export async function startGateway(options: GatewayServerOptions): Promise<RunningGateway> {
  const { config, services } = options;
  const gateway = createGateway(options.mode ?? 'in-process', options.supergraphSdl, config.subgraphSecret);
  const apollo = new ApolloServer<RequestContext>({
    gateway,
    csrfPrevention: true,
    introspection: config.introspection,
    includeStacktraceInErrorResponses: false,
    formatError,
    plugins: [landingPagePlugin(config.sandbox), useOperationLimits(config.limits)],
  });
  await apollo.start();
  await warmUp(services);
  const handle = createApolloHttpHandler(apollo, async (request) => createRequestContext(services, request.headers));
  const server = http.createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    if (path === '/healthz') {
      response.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
      return;
    }
    if (path !== '/' && path !== '/graphql') {
      response.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found: GraphQL is served at /graphql"}');
      return;
    }
    handle(request, response).catch(() => {
      if (!response.headersSent) response.writeHead(500, { 'content-type': 'application/json' });
      response.end('{"errors":[{"message":"Internal server error","extensions":{"code":"INTERNAL_SERVER_ERROR"}}]}');
    });
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve) => server.listen(options.port ?? config.port, config.host, resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${port}`;
  return {
    url,
    graphqlUrl: `${url}/graphql`,
    apollo,
    async close() {
      await apollo.stop();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * Before taking traffic: give Redis a moment to connect (so the first requests are cached too) and learn
 * which permission service the backend runs (one probe). Neither may stop start-up: an unreachable Redis
 * means uncached, and an unanswered probe is retried on the first request, which fails closed meanwhile.
 */
async function warmUp(services: Services): Promise<void> {
  await Promise.all([
    services.cache.kv.whenReady?.(2_000),
    services.permissions.resolve().catch(() => undefined),
  ]);
}
