// Entry point. `npm start`: the gateway with all subgraphs in one process. With no MLFLOW_TRACKING_URI it
// starts the demo MLflow emulator in-process first. `npm run subgraph -- <name> --port <n>`: one subgraph on
// its own port; `npm start -- --distributed`: the gateway calling subgraphs at supergraph.yaml's routing_urls
// (or SUBGRAPH_URL_<NAME>). SIGTERM/SIGINT drain in-flight requests (SHUTDOWN_TIMEOUT_MS), then close Redis.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { applyTelemetryDefault, ConfigError, loadConfig } from './config.js';
import { loadDemoEmulator } from './loadDemoEmulator.js';

/** Time for closing Redis (its command timeout), the demo emulator and the trace exporter after the drain. */
const CLOSE_BUDGET_MS = 4_000;

/** Upper bound on flushing buffered spans at shutdown. */
const TRACING_FLUSH_MS = 2_000;

/** True when `work` settles within `ms`; false (and `work` left to itself) when it does not. */
async function settlesWithin(work: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const settled = work.then(
    () => true,
    () => true,
  );
  const late = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([settled, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** The backends `npm start -- --demo <name>` can play (`mlflow3`: MLflow 3 with logged models and prompts). */
const DEMO_BACKENDS = ['mlflow', 'basic-auth', 'databricks', 'gitlab', 'mlflow3'];

/** A signal that arrived before start-up finished; {@link main} shuts down as soon as there is something to drain. */
let earlySignal: string | undefined;
let onSignal = (signal: string) => {
  earlySignal ??= signal;
};
// Installed first thing: a pod deleted while starting gets a clean shutdown too, not node's default (killed, no log).
// `on`, not `once`: a second signal while draining must not fall through to node's default and cut the drain short.
process.on('SIGTERM', () => onSignal('SIGTERM'));
process.on('SIGINT', () => onSignal('SIGINT'));

async function main(): Promise<void> {
  let config = loadConfig();
  // Before any Apollo gateway code runs: no telemetry leaves the machine unless the operator opts in.
  applyTelemetryDefault(config);
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      port: { type: 'string' },
      distributed: { type: 'boolean', default: false },
      demo: { type: 'string', default: 'mlflow' },
    },
  });
  const port = values.port === undefined ? config.port : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new ConfigError(`--port must be an integer from 0 to 65535, got "${values.port}"`);
  if (!config.trackingUri && config.nodeEnv === 'production') {
    // A misspelt variable must not turn a production deployment into the demo, serving made-up data.
    throw new ConfigError(
      'MLFLOW_TRACKING_URI is required when NODE_ENV=production (without it the demo emulator would be served)',
    );
  }

  // Tracing first, so the provider is registered before @apollo/gateway asks for its tracer.
  const { startTracing } = await import('./observability/tracing.js');
  const tracing = await startTracing(config);
  const { createServices } = await import('./context/createServices.js');
  let trackingUri = config.trackingUri;
  let stopEmulator: (() => Promise<void>) | undefined;
  let demoUrl: string | undefined;
  if (!trackingUri) {
    // `--demo` picks the backend the demo emulator plays, to try each profile: mlflow, basic-auth, databricks, gitlab,
    // mlflow3.
    const demo = values.demo ?? 'mlflow';
    if (!DEMO_BACKENDS.includes(demo))
      throw new ConfigError(`--demo must be one of ${DEMO_BACKENDS.join(', ')}, got "${demo}"`);
    const { startEmulator, MLFLOW3_VERSION } = await loadDemoEmulator();
    const emulator = await startEmulator({
      seed: 'demo',
      auth: demo === 'basic-auth',
      databricks: demo === 'databricks',
      gitlab: demo === 'gitlab',
      ...(demo === 'mlflow3' ? { mlflowVersion: MLFLOW3_VERSION } : {}),
    });
    trackingUri = emulator.trackingUri;
    demoUrl = emulator.trackingUri;
    stopEmulator = () => emulator.close();
    // The backend follows from the URI (GitLab's project path) or is named (Databricks), as for a real one.
    if (demo === 'gitlab' || demo === 'databricks')
      config = loadConfig({
        ...process.env,
        MLFLOW_TRACKING_URI: trackingUri,
        ...(demo === 'databricks' ? { MLFLOW_SUPERGRAPH_BACKEND: 'databricks' } : {}),
      });
  }
  const services = createServices(config, trackingUri);
  const { logger } = services.telemetry;
  if (demoUrl)
    logger.info(
      { mlflow: demoUrl },
      `No MLFLOW_TRACKING_URI set: serving the demo MLflow emulator (seeded with demo data) at ${demoUrl}`,
    );
  if (tracing) logger.info({ endpoint: config.tracing.endpoint }, 'OpenTelemetry traces are exported over OTLP/HTTP');
  for (const warning of config.warnings) logger.warn({ component: 'config' }, warning);

  let close: (timeoutMs: number) => Promise<void>;
  if (positionals[0] === 'subgraph') {
    const name = positionals[1];
    const { subgraphSchemaFactories } = await import('./gateway/subgraphSchemas.js');
    const factory = subgraphSchemaFactories[name as keyof typeof subgraphSchemaFactories];
    if (!factory)
      throw new ConfigError(
        `unknown subgraph "${name ?? ''}", expected one of ${Object.keys(subgraphSchemaFactories).join(', ')}`,
      );
    const { startSubgraph } = await import('./subgraphs/startSubgraph.js');
    const subgraph = await startSubgraph(name as 'tracking', factory(), services, port, config.host);
    logger.info({ component: `subgraph:${name}`, url: subgraph.url }, `subgraph ${name} serving ${subgraph.url}`);
    if (services.keys.generated) {
      // Subgraph servers are run as replicas: a cursor one issued must open at the next.
      logger.warn(
        { component: `subgraph:${name}` },
        'MLFLOW_SUPERGRAPH_SECRET is not set: this subgraph server made its own key, so its cursors open only on this process (set the same secret on every replica)',
      );
    }
    close = (timeoutMs) => subgraph.close({ timeoutMs });
  } else {
    const { startGateway } = await import('./gateway/startGateway.js');
    const distributed = values.distributed;
    let supergraphSdl: string | undefined;
    if (distributed && Object.keys(config.subgraphUrls).length > 0) {
      const [{ supergraphSdlPath }, { overrideRoutingUrls }] = await Promise.all([
        import('./gateway/supergraphConfig.js'),
        import('./gateway/overrideRoutingUrls.js'),
      ]);
      supergraphSdl = overrideRoutingUrls(readFileSync(supergraphSdlPath, 'utf8'), config.subgraphUrls);
    }
    const gateway = await startGateway({
      config,
      services,
      port,
      mode: distributed ? 'distributed' : 'in-process',
      ...(supergraphSdl ? { supergraphSdl } : {}),
    });
    logger.info(
      { component: 'gateway', url: gateway.graphqlUrl, mode: distributed ? 'distributed' : 'in-process' },
      `mlflow-supergraph ready: GraphQL at ${gateway.graphqlUrl}${config.sandbox ? `, ${config.explorer === 'graphiql' ? 'GraphiQL' : 'Apollo Sandbox'} at ${gateway.url}/` : ''}${config.persistedQueries.persistedOnly ? ', persisted operations only' : ''} (MLflow: ${trackingUri})`,
    );
    close = (timeoutMs) => gateway.close({ timeoutMs });
  }

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info(
      { signal, timeoutMs: config.shutdownTimeoutMs },
      `${signal}: draining in-flight requests, then shutting down`,
    );
    // A last resort: whatever hangs past the drain bound plus the closing budget, exit anyway. Kept inside
    // Kubernetes' grace period (deploy/k8s: preStop 5 s + SHUTDOWN_TIMEOUT_MS 20 s + this < 30 s).
    setTimeout(() => {
      logger.error({ signal }, 'shutdown did not finish in time; exiting');
      logger.flush();
      process.exit(1);
    }, config.shutdownTimeoutMs + CLOSE_BUDGET_MS).unref();
    try {
      await close(config.shutdownTimeoutMs);
      await services.close();
      await stopEmulator?.();
      // A collector that is gone must not hold the exit: spans still unsent after the bound are dropped.
      if (tracing && !(await settlesWithin(tracing.shutdown(), TRACING_FLUSH_MS))) {
        logger.warn(
          { signal, endpoint: config.tracing.endpoint, boundMs: TRACING_FLUSH_MS },
          'trace exporter did not flush in time; remaining spans dropped',
        );
      }
    } catch (error) {
      logger.error(
        { signal, err: { name: (error as Error).name, message: (error as Error).message } },
        'shutdown failed',
      );
      logger.flush(() => process.exit(1));
      return;
    }
    logger.info({ signal }, 'shut down cleanly');
    logger.flush(() => process.exit(0));
  };
  onSignal = (signal) => void shutdown(signal);
  if (earlySignal) onSignal(earlySignal);
}

main().catch((error: unknown) => {
  // Configuration errors are the operator's to fix: one clear line. Anything else: the message, no secrets.
  // A port in use or a bad HOST arrives as a ListenError whose message says which and what to change.
  console.error(
    error instanceof ConfigError
      ? `Configuration error: ${error.message}`
      : `Failed to start: ${(error as Error).message}`,
  );
  process.exit(1);
});
