// Entry point. `npm start`: the gateway with all subgraphs in one process. With no MLFLOW_TRACKING_URI it
// starts the demo MLflow emulator in-process first. `npm run subgraph -- <name> --port <n>`: one subgraph on
// its own port; `npm start -- --distributed`: the gateway calling subgraphs at supergraph.yaml's routing_urls.
import { parseArgs } from 'node:util';
import { applyTelemetryDefault, ConfigError, loadConfig } from './config.js';

async function main(): Promise<void> {
  const config = loadConfig();
  // Before any Apollo gateway code runs: no telemetry leaves the machine unless the operator opts in.
  applyTelemetryDefault(config);
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { port: { type: 'string' }, distributed: { type: 'boolean', default: false } },
  });
  const port = values.port === undefined ? config.port : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new ConfigError(`--port must be an integer from 0 to 65535, got "${values.port}"`);

  const { createServices } = await import('./context/createServices.js');
  let trackingUri = config.trackingUri;
  let stopEmulator: (() => Promise<void>) | undefined;
  if (!trackingUri) {
    const { startEmulator } = await import('./emulator/index.js');
    const emulator = await startEmulator({ seed: 'demo' });
    trackingUri = emulator.url;
    stopEmulator = () => emulator.close();
    console.log(`No MLFLOW_TRACKING_URI set: serving the demo MLflow emulator (seeded with demo data) at ${emulator.url}`);
  }
  const services = createServices(config, trackingUri);

  let close: () => Promise<void>;
  if (positionals[0] === 'subgraph') {
    const name = positionals[1];
    const { subgraphSchemaFactories } = await import('./gateway/subgraphSchemas.js');
    const factory = subgraphSchemaFactories[name as keyof typeof subgraphSchemaFactories];
    if (!factory) throw new ConfigError(`unknown subgraph "${name ?? ''}", expected one of ${Object.keys(subgraphSchemaFactories).join(', ')}`);
    const { startSubgraph } = await import('./subgraphs/startSubgraph.js');
    const subgraph = await startSubgraph(name as 'tracking', factory(), services, port, config.host);
    console.log(`subgraph ${name} serving ${subgraph.url}`);
    close = () => subgraph.close();
  } else {
    const { startGateway } = await import('./gateway/startGateway.js');
    const gateway = await startGateway({ config, services, port, mode: values.distributed ? 'distributed' : 'in-process' });
    console.log(`mlflow-supergraph ready: GraphQL at ${gateway.graphqlUrl}${config.sandbox ? `, Apollo Sandbox at ${gateway.url}/` : ''} (MLflow: ${trackingUri})`);
    close = () => gateway.close();
  }

  const shutdown = async (signal: string) => {
    console.log(`${signal}: shutting down`);
    await close();
    await stopEmulator?.();
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((error: unknown) => {
  // Configuration errors are the operator's to fix: one clear line. Anything else: the message, no secrets.
  console.error(error instanceof ConfigError ? `Configuration error: ${error.message}` : `Failed to start: ${(error as Error).message}`);
  process.exit(1);
});
