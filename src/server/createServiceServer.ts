import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ApolloServerPlugin } from '@apollo/server';
import type { RequestContext } from '../context/RequestContext.js';
import type { Services } from '../context/Services.js';
import { ListenError } from './ListenError.js';
import { Readiness } from './Readiness.js';
import { RequestTelemetry } from '../observability/RequestTelemetry.js';
import { ServerDrain, type DrainResult } from './ServerDrain.js';

/** Options of {@link createServiceServer}. */
export interface ServiceServerOptions {
  services: Services;
  /** `gateway` or `subgraph:<name>`: on every log line and span. */
  component: string;
  /** Paths answered by `graphql` (the rest, bar the operational endpoints, are 404). */
  graphqlPaths: readonly string[];
  /** Serves one GraphQL request (Apollo's handler). */
  graphql: (request: IncomingMessage, response: ServerResponse) => Promise<void>;
  /** Whether the schema is loaded and operations are accepted (for /readyz). */
  schemaLoaded: () => boolean;
  /** Other routes (static assets); returns true when it answered the request. */
  otherRoutes?: (path: string, request: IncomingMessage, response: ServerResponse) => boolean;
  /** Browser CORS for the GraphQL paths (the gateway's CorsPolicy): `apply` returns true when it answered a preflight. */
  cors?: { apply(request: IncomingMessage, response: ServerResponse): boolean };
}

/** An HTTP server with GraphQL plus the operational endpoints. */
export interface ServiceServer {
  readonly server: http.Server;
  readonly readiness: Readiness;
  /** Give to ApolloServer's plugins: reports operation name and errors to the request's log line and metrics. */
  readonly plugin: ApolloServerPlugin<RequestContext>;
  /** Call from the GraphQL context factory with the context built for `request`. */
  bind(request: IncomingMessage, context: RequestContext): RequestContext;
  /** Graceful stop: /readyz turns 503, no new connections, in-flight requests get up to `timeoutMs`. */
  drain(timeoutMs: number): Promise<DrainResult>;
  /** Listens on `host:port`; rejects with a {@link ListenError} (one readable line) when that is impossible. */
  listen(port: number, host: string): Promise<AddressInfo>;
  /** Probes MLflow once at start-up and logs a warning naming it when it does not answer (start-up goes on). */
  warnIfUpstreamUnreachable(): Promise<void>;
}

/** The URL of MLflow with any credentials in it removed, for log lines. */
function redactedUrl(raw: unknown): string {
  try {
    const url = new URL(String(raw));
    url.username = '';
    url.password = '';
    return url.toString().replace(/\/$/, '');
  } catch {
    return 'the configured MLflow';
  }
}

const JSON_TYPE = { 'content-type': 'application/json' };
const INTERNAL_ERROR = '{"errors":[{"message":"Internal server error","extensions":{"code":"INTERNAL_SERVER_ERROR"}}]}';

/**
 * The HTTP server of the gateway and of each subgraph server: GraphQL at `graphqlPaths`, observed (request id,
 * span, metrics, one log line), plus
 * - `GET /healthz`: 200 while the process is alive (liveness; never depends on MLflow or Redis),
 * - `GET /readyz`: 200 `ready`/`degraded` or 503 `not_ready` (see {@link Readiness}),
 * - `GET /metrics`: Prometheus exposition.
 */
export function createServiceServer(options: ServiceServerOptions): ServiceServer {
  const { services, component } = options;
  const telemetry = new RequestTelemetry(services.telemetry, component);
  const readiness = new Readiness({ services, schemaLoaded: options.schemaLoaded });
  const metrics = services.telemetry.metrics;
  const logger = services.telemetry.logger;

  const server = http.createServer((request, response) => {
    drain.track(request, response);
    const path = (request.url ?? '/').split('?')[0];
    const method = request.method ?? 'GET';
    if (path === '/healthz' || path === '/readyz' || path === '/metrics') {
      if (method !== 'GET' && method !== 'HEAD') {
        response.writeHead(405, { ...JSON_TYPE, allow: 'GET, HEAD' }).end('{"error":"method not allowed"}');
        return;
      }
      serveOperational(path, response).catch((error: unknown) => {
        logger.error(
          { component, path, err: { name: (error as Error).name, message: (error as Error).message } },
          'operational endpoint failed',
        );
        if (!response.headersSent) response.writeHead(500, JSON_TYPE);
        response.end('{"error":"internal error"}');
      });
      return;
    }
    if (options.otherRoutes?.(path ?? '/', request, response)) return;
    if (!options.graphqlPaths.includes(path ?? '')) {
      response.writeHead(404, JSON_TYPE).end('{"error":"not found: GraphQL is served at /graphql"}');
      return;
    }
    if (options.cors?.apply(request, response)) return;
    const handled = telemetry
      .handle(request, response, () => options.graphql(request, response))
      .catch((error: unknown) => {
        // Apollo answers GraphQL errors itself; reaching here is a bug or a broken connection. Never a stack.
        logger.error(
          { component, requestId: request.headers['x-request-id'], err: { name: (error as Error).name } },
          'request handler failed',
        );
        if (!response.headersSent) response.writeHead(500, JSON_TYPE);
        response.end(INTERNAL_ERROR);
      });
    drain.hold(handled);
  });
  server.keepAliveTimeout = 65_000; // longer than common load balancers' idle timeout (60 s)
  const drain = new ServerDrain(server);

  async function serveOperational(path: string, response: ServerResponse): Promise<void> {
    if (path === '/healthz') {
      response.writeHead(200, JSON_TYPE).end('{"status":"ok"}');
      return;
    }
    if (path === '/readyz') {
      const report = await readiness.check();
      response
        .writeHead(report.status === 'not_ready' ? 503 : 200, { ...JSON_TYPE, 'cache-control': 'no-store' })
        .end(JSON.stringify(report));
      return;
    }
    const body = await metrics.render();
    response.writeHead(200, { 'content-type': metrics.contentType, 'cache-control': 'no-store' }).end(body);
  }

  return {
    server,
    readiness,
    plugin: telemetry.plugin(),
    bind: (request, context) => telemetry.bind(request, context),
    async drain(timeoutMs) {
      readiness.stopAccepting();
      const result = await drain.drain(timeoutMs);
      logger.info(
        { component, ...result },
        result.completed
          ? 'drained: every in-flight request finished'
          : 'drain bound reached: closed the remaining connections',
      );
      return result;
    },
    listen(port, host) {
      return new Promise<AddressInfo>((resolve, reject) => {
        // Without this listener a failed listen is an unhandled 'error' event: a stack trace instead of a reason.
        const failed = (error: NodeJS.ErrnoException) => reject(ListenError.from(error, host, port));
        server.once('error', failed);
        server.listen(port, host, () => {
          server.off('error', failed);
          resolve(server.address() as AddressInfo);
        });
      });
    },
    async warnIfUpstreamUnreachable() {
      const { upstream } = (await readiness.check()).checks;
      if (upstream.ok) return;
      const mlflow = redactedUrl(services.mlflowHttp.defaults.options.prefixUrl);
      const reason = upstream.error ?? `HTTP ${upstream.status}`;
      logger.warn(
        { component, mlflow, error: reason },
        `MLflow at ${mlflow} did not answer at start-up (${reason}): serving anyway, /readyz answers 503 until it does`,
      );
    },
  };
}
