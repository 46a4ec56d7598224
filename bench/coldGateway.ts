// One cold gateway in a process of its own, for bench/coldProfile.ts --processes: a variant measured alone, as a
// deployment runs it (gateways in one process share V8's feedback for the code they compile alike, which slows
// the later ones), and with the client's work in another process. Announces its URL; answers `cpu` with this
// process's CPU time so far (ms), so the parent can charge each request its own gateway's CPU.
import { createCache } from '../src/cache/createCache.js';
import { createServices } from '../src/context/createServices.js';
import { startGateway, type GatewayServerOptions } from '../src/gateway/startGateway.js';
import { benchGatewayConfig } from './benchGatewayConfig.js';
import { ColdCache } from './ColdCache.js';
import { failStart, serveParent } from './ipc.js';

/** What the parent passes (argv[2], JSON). */
export interface ColdGatewayArgument {
  proxyUrl: string;
  redisUrl: string;
  prefix: string;
  options: Partial<Pick<GatewayServerOptions, 'subgraphExecution' | 'responseShaping' | 'prefetch'>>;
}

/** What this process announces once ready. */
export interface ColdGatewayReady {
  url: string;
  pid: number;
}

process.env.APOLLO_TELEMETRY_DISABLED = 'true';
const argument = JSON.parse(process.argv[2] ?? '{}') as ColdGatewayArgument;
try {
  const config = benchGatewayConfig(argument.proxyUrl, argument.redisUrl, argument.prefix, { LOG_LEVEL: 'error' });
  const services = createServices(config, argument.proxyUrl, {
    cache: new ColdCache(createCache({ redisUrl: argument.redisUrl, keyPrefix: argument.prefix })),
  });
  const gateway = await startGateway({ config, services, port: 0, ...argument.options });
  const ready = serveParent(
    {
      cpu: () => {
        const { user, system } = process.cpuUsage();
        return (user + system) / 1000;
      },
    },
    async () => {
      await gateway.close({ timeoutMs: 2_000 });
      await services.close();
    },
  );
  ready({ url: gateway.graphqlUrl, pid: process.pid } satisfies ColdGatewayReady);
} catch (error) {
  failStart(error);
}
