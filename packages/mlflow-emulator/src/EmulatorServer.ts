// The HTTP front of the emulator (node:http, loopback): gunicorn's request-line limit, per-endpoint
// call counters, injected latency and faults, authentication, routing, and the /__emulator control
// API. Every request goes through handle(); the store does the MLflow work. In gitlab mode GitLab's
// own front (routes/gitlab.ts) replaces the MLflow router and its authentication hooks.
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { PermissionName } from './AuthStore.js';
import type { EmulatorStore } from './EmulatorStore.js';
import { FaultInjector, validateFault, type ActiveFault, type FaultSpec } from './FaultInjector.js';
import {
  MlflowError,
  RawResponse,
  TEXT_HTML,
  gunicornRequestLineTooLarge,
  internalServerErrorPage,
  methodNotAllowedPage,
  notFoundPage,
} from './MlflowError.js';
import { DEFAULT_MLFLOW_VERSION, isMlflow3, parseMlflowVersion } from './mlflowVersion.js';
import {
  MLFLOW_PREFIXES,
  Router,
  type EmulatorRequest,
  type EmulatorSettings,
  type RegisterRoutes,
  type Route,
  type RouteContext,
} from './router.js';
import { basicAuthAfter, basicAuthBefore, registerBasicAuthRoutes } from './routes/basicAuth.js';
import { databricksAfter, databricksBefore, databricksRoutes, templatePath } from './routes/databricks.js';
import { gitlabDispatch, gitlabEndpointKey } from './routes/gitlab.js';
import { registerDatasetRoutes } from './routes/datasetRoutes.js';
import { registerGatewayRoutes } from './routes/gatewayRoutes.js';
import { registerGenaiMiscRoutes } from './routes/genaiMiscRoutes.js';
import { registerLoggedModelRoutes } from './routes/loggedModelRoutes.js';
import { registryRoutes } from './routes/registryRoutes.js';
import { registerScorerRoutes } from './routes/scorerRoutes.js';
import { registerServerInfoRoutes } from './routes/serverInfoRoutes.js';
import { registerTraceRoutes } from './routes/traceRoutes.js';
import { registerTracking3Routes } from './routes/tracking3Routes.js';
import { registerWebhookRoutes } from './routes/webhookRoutes.js';
import { serveArtifactRequest } from './routes/artifactRoutes.js';
import { trackingRoutes } from './routes/trackingRoutes.js';
import type { Json } from './wireJson.js';

/** gunicorn's default `limit_request_line`. */
export const REQUEST_LINE_LIMIT = 4094;
/** The MLflow version the emulator answers to /version by default. */
export const MLFLOW_VERSION = DEFAULT_MLFLOW_VERSION;
/** Prefix of the control API (never counted, never faulted, never authenticated). */
export const CONTROL_PREFIX = '/__emulator/';

/** Latency added to calls: fixed milliseconds plus uniform jitter. */
export interface Latency {
  readonly ms: number;
  readonly jitterMs: number;
}

/** How the server is set up. */
export interface EmulatorServerConfig {
  readonly host: string;
  readonly port: number;
  readonly auth: boolean;
  readonly databricks: boolean;
  /** Serve as GitLab's MLflow-compatible API (routes/gitlab.ts) instead of MLflow. */
  readonly gitlab?: boolean;
  readonly defaultPermission: PermissionName;
  /** What /version answers (default the recorded 2.12.2); from 3.0 on, /api/3.0/mlflow/server-info is served too. */
  readonly mlflowVersion?: string;
  readonly latency: Latency;
  readonly endpointLatency?: Readonly<Record<string, Latency>>;
  /** Builds a fresh, seeded store (at start and on reset). */
  readonly createStore: () => EmulatorStore;
}

interface Reply {
  readonly status: number;
  readonly body: string;
  readonly contentType: string;
  readonly headers?: Readonly<Record<string, string>>;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function errorBody(errorCode: string, message: string): string {
  // json.dumps spacing, as MlflowException.serialize_as_json writes it.
  return `{"error_code": ${JSON.stringify(errorCode)}, "message": ${JSON.stringify(message)}}`;
}

function jsonReply(body: unknown, status = 200): Reply {
  return { status, body: JSON.stringify(body), contentType: 'application/json' };
}

function rawReply(response: RawResponse): Reply {
  return { status: response.status, body: response.body, contentType: response.contentType, headers: response.headers };
}

function textRoute(operation: string, path: string, text: string): Route {
  return {
    operation,
    path,
    methods: ['GET'],
    handler: () => new RawResponse(200, text, TEXT_HTML),
  };
}

/**
 * The route families beyond MLflow 2's tracking and registry tables, one `registerXRoutes` each (see router.ts
 * for the pattern); each adds its routes only in the versions and modes that serve them.
 */
const ROUTE_FAMILIES: readonly RegisterRoutes[] = [
  registerServerInfoRoutes,
  registerTracking3Routes,
  registerLoggedModelRoutes,
  registerTraceRoutes,
  registerWebhookRoutes,
  registerDatasetRoutes,
  registerScorerRoutes,
  registerGatewayRoutes,
  registerGenaiMiscRoutes,
];

function buildRouter(settings: EmulatorSettings): Router {
  const router = new Router();
  router.add(textRoute('Health', '/health', 'OK'));
  router.add(textRoute('Version', '/version', settings.mlflowVersion));
  router.addAll(trackingRoutes, MLFLOW_PREFIXES);
  router.addAll(registryRoutes, MLFLOW_PREFIXES);
  for (const register of ROUTE_FAMILIES) register(router, settings);
  registerBasicAuthRoutes(router, settings);
  if (settings.databricks) router.addAll(databricksRoutes);
  return router;
}

/** The running HTTP server and its knobs. */
export class EmulatorServer {
  store: EmulatorStore;
  readonly faults = new FaultInjector();
  private readonly config: EmulatorServerConfig;
  private readonly settings: EmulatorSettings;
  private readonly router: Router;
  private readonly counters = new Map<string, number>();
  private latency: Latency;
  private readonly endpointLatency = new Map<string, Latency>();
  private readonly sockets = new Set<Socket>();
  private readonly server: http.Server;
  private boundPort = 0;

  constructor(config: EmulatorServerConfig) {
    this.config = config;
    this.store = config.createStore();
    this.settings = {
      auth: config.auth,
      databricks: config.databricks,
      gitlab: config.gitlab === true,
      defaultPermission: config.defaultPermission,
      mlflowVersion: config.mlflowVersion ?? DEFAULT_MLFLOW_VERSION,
    };
    parseMlflowVersion(this.settings.mlflowVersion);
    this.router = buildRouter(this.settings);
    this.latency = config.latency;
    for (const [endpoint, latency] of Object.entries(config.endpointLatency ?? {}))
      this.endpointLatency.set(endpoint, latency);
    // A large header limit so over-long request lines reach the gunicorn check instead of Node's 431.
    this.server = http.createServer({ maxHeaderSize: 1024 * 1024, keepAliveTimeout: 5000 }, (req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        process.stderr.write(`emulator: unexpected error: ${String(error)}\n`);
        if (!res.headersSent) this.write(res, rawReply(internalServerErrorPage()));
      });
    });
    this.server.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
  }

  /** Starts listening; resolves with the bound port. */
  listen(): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.config.port, this.config.host, () => {
        this.server.off('error', reject);
        const address = this.server.address();
        this.boundPort = typeof address === 'object' && address ? address.port : this.config.port;
        resolve(this.boundPort);
      });
    });
  }

  /** The bound port. */
  get port(): number {
    return this.boundPort;
  }

  /** Stops listening and drops every open connection (hung ones included). */
  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      for (const socket of this.sockets) socket.destroy();
      this.server.closeAllConnections();
    });
  }

  /** Snapshot of the per-endpoint counters. */
  calls(): Record<string, number> {
    return Object.fromEntries(this.counters);
  }

  /** Calls made to one "METHOD /path". */
  callCount(endpoint: string): number {
    return this.counters.get(endpoint) ?? 0;
  }

  /** Calls made to every endpoint. */
  totalCalls(): number {
    let total = 0;
    for (const count of this.counters.values()) total += count;
    return total;
  }

  /** Zeroes the counters. */
  resetCalls(): void {
    this.counters.clear();
  }

  /** Back to the seed: fresh store, counters zero, faults cleared. */
  reset(): void {
    this.store = this.config.createStore();
    this.counters.clear();
    this.faults.clear();
  }

  /** Sets the default latency, or one endpoint's when `endpoint` is given. */
  setLatency(ms: number, jitterMs = 0, endpoint?: string): void {
    if (!Number.isFinite(ms) || ms < 0 || !Number.isFinite(jitterMs) || jitterMs < 0) {
      throw new TypeError(`expected non-negative latency and jitter in milliseconds, got ${ms} and ${jitterMs}`);
    }
    if (endpoint === undefined) this.latency = { ms, jitterMs };
    else this.endpointLatency.set(endpoint, { ms, jitterMs });
  }

  private context(): RouteContext {
    return { store: this.store, settings: this.settings };
  }

  private write(res: ServerResponse, reply: Reply, method = 'GET'): void {
    if (res.writableEnded || res.destroyed) return;
    const body = Buffer.from(reply.body, 'utf8');
    res.writeHead(reply.status, {
      'Content-Type': reply.contentType,
      'Content-Length': String(body.length),
      Server: this.config.gitlab ? 'nginx' : 'gunicorn',
      ...reply.headers,
    });
    res.end(method === 'HEAD' ? undefined : body);
  }

  private readBody(req: IncomingMessage): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => resolve(Buffer.concat(chunks)));
      req.on('error', reject);
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? 'GET';
    const url = req.url ?? '/';
    const queryIndex = url.indexOf('?');
    const rawPath = queryIndex < 0 ? url : url.slice(0, queryIndex);
    let path: string;
    try {
      path = decodeURIComponent(rawPath);
    } catch {
      path = rawPath;
    }
    const query = new URLSearchParams(queryIndex < 0 ? '' : url.slice(queryIndex + 1));

    if (path.startsWith(CONTROL_PREFIX)) {
      const body = await this.readBody(req);
      this.write(res, this.control(method, path, body), method);
      return;
    }

    // GitLab's MLflow calls count under the MLflow path, so tests name endpoints alike in every mode.
    const endpoint = this.config.gitlab ? gitlabEndpointKey(method, path) : `${method} ${path}`;
    this.counters.set(endpoint, (this.counters.get(endpoint) ?? 0) + 1);

    const requestLine = `${method} ${url} HTTP/${req.httpVersion}`;
    const lineLength = Buffer.byteLength(requestLine, 'latin1');
    // gunicorn's limit belongs to MLflow's front; GitLab is not behind gunicorn.
    if (!this.config.gitlab && lineLength > REQUEST_LINE_LIMIT) {
      // gunicorn answers before the app sees the request and closes the connection.
      req.resume();
      this.write(res, rawReply(gunicornRequestLineTooLarge(lineLength, REQUEST_LINE_LIMIT)), 'GET');
      res.on('finish', () => req.socket.destroy());
      return;
    }

    const body = await this.readBody(req);
    const latency = this.endpointLatency.get(endpoint) ?? this.latency;
    if (latency.ms > 0 || latency.jitterMs > 0) await sleep(latency.ms + Math.random() * latency.jitterMs);

    const fault = this.faults.pick(endpoint);
    if (fault && (await this.applyFault(fault, req, res))) return;

    const request: EmulatorRequest = {
      method,
      path,
      query,
      headers: req.headers,
      contentType: req.headers['content-type'],
      body,
      mlflow3: isMlflow3(this.settings),
    };
    // Artifact bytes stream to the socket themselves (routes/artifactRoutes.ts); everything else is routed.
    if (await serveArtifactRequest(request, res, this.context())) return;
    this.write(res, await this.dispatch(request), method);
  }

  /** Applies a fault; true when the call is fully answered (or dropped) by it. */
  private async applyFault(fault: ActiveFault, req: IncomingMessage, res: ServerResponse): Promise<boolean> {
    switch (fault.kind) {
      case 'status':
        this.write(res, {
          status: fault.status,
          body: errorBody(fault.errorCode, fault.message),
          contentType: 'application/json',
        });
        return true;
      case 'reset':
        req.socket.destroy();
        return true;
      case 'malformed':
        this.write(res, {
          status: fault.status,
          body: '{"error_code": "INTERNAL_ERROR", "message": "trunc',
          contentType: 'application/json',
        });
        return true;
      case 'hang':
        if (fault.hangMs === undefined) return true; // never answered; close() drops the socket
        await sleep(fault.hangMs);
        return res.destroyed;
    }
  }

  /** Routes a request through authentication, the handler and the after-request hooks. */
  async dispatch(request: EmulatorRequest): Promise<Reply> {
    const context = this.context();
    if (this.config.gitlab) {
      try {
        return rawReply(gitlabDispatch(request, context));
      } catch (error) {
        process.stderr.write(
          `emulator: ${request.method} ${request.path} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
        );
        return jsonReply({ message: '500 Internal Server Error' }, 500);
      }
    }
    try {
      const match = this.router.match(templatePath(request.path), request.method);
      const route = match.kind === 'route' ? match.route : undefined;
      if (match.kind === 'route') request.params = match.params;
      if (this.config.databricks) databricksBefore(request, route, context);
      else if (this.config.auth) basicAuthBefore(request, route, context);
      if (match.kind === 'not-found') throw notFoundPage();
      if (match.kind === 'method-not-allowed') throw methodNotAllowedPage(match.allowed);
      const result = await match.route.handler(request, context);
      if (result instanceof RawResponse) return rawReply(result);
      let json: Json = result;
      if (this.config.databricks) json = databricksAfter(request, match.route, json, context);
      else if (this.config.auth) json = basicAuthAfter(request, match.route, json, context);
      return jsonReply(json);
    } catch (error) {
      if (error instanceof RawResponse) return rawReply(error);
      if (error instanceof MlflowError) {
        return {
          status: error.status,
          body: errorBody(error.errorCode, error.message),
          contentType: 'application/json',
        };
      }
      process.stderr.write(
        `emulator: ${request.method} ${request.path} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
      );
      return rawReply(internalServerErrorPage());
    }
  }

  private control(method: string, path: string, body: Buffer): Reply {
    const parse = (): unknown => {
      if (body.length === 0) return {};
      return JSON.parse(body.toString('utf8')) as unknown;
    };
    try {
      if (path === '/__emulator/calls' && method === 'GET') return jsonReply(this.calls());
      if (path === '/__emulator/reset' && method === 'POST') {
        const options = parse() as { calls?: unknown };
        if (options && options.calls === true) this.resetCalls();
        else this.reset();
        return jsonReply({ ok: true });
      }
      if (path === '/__emulator/faults' && method === 'GET') return jsonReply({ faults: this.faults.list() });
      if (path === '/__emulator/faults' && method === 'POST') {
        const payload = parse() as { clear?: unknown; faults?: unknown } | FaultSpec | FaultSpec[];
        if (!Array.isArray(payload) && payload && (payload as { clear?: unknown }).clear === true) this.faults.clear();
        else {
          const list = Array.isArray(payload)
            ? payload
            : Array.isArray((payload as { faults?: unknown }).faults)
              ? (payload as { faults: FaultSpec[] }).faults
              : [payload as FaultSpec];
          for (const fault of list) validateFault(fault);
          this.faults.add(list);
        }
        return jsonReply({ faults: this.faults.list() });
      }
      if (path === '/__emulator/latency' && method === 'POST') {
        const options = parse() as { latencyMs?: number; jitterMs?: number; endpoint?: string };
        this.setLatency(options.latencyMs ?? 0, options.jitterMs ?? 0, options.endpoint);
        return jsonReply({ ok: true });
      }
      return jsonReply({ error: `unknown control endpoint ${method} ${path}` }, 404);
    } catch (error) {
      return jsonReply({ error: error instanceof Error ? error.message : String(error) }, 400);
    }
  }
}
