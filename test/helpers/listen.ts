// Servers that tests start (fake upstreams, proxies, permission services) listen on a port the OS picks, on
// loopback only: tests running side by side never collide on a port, and nothing is reachable from outside.
import { createServer, type AddressInfo, type Server } from 'node:net';

/** Where a server started by {@link listenOnLoopback} listens. */
export interface LoopbackAddress {
  port: number;
  /** `http://127.0.0.1:<port>`, no trailing slash. */
  url: string;
}

/** Starts `server` (node:http or node:net) on a free port of 127.0.0.1 and resolves once it is listening. */
export async function listenOnLoopback(server: Server): Promise<LoopbackAddress> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { port, url: `http://127.0.0.1:${port}` };
}

/**
 * Stops `server` and resolves once it has closed, also when it was not running (teardown after a failed start).
 * Open keep-alive connections hold it: end those first (`closeAllConnections()` on an HTTP server).
 */
export function closeServer(server: Server): Promise<void> {
  return new Promise<void>((resolve) => server.close(() => resolve()));
}

/**
 * A loopback port nothing listens on: bound once by the OS, then released. For "connection refused" cases and for
 * processes that must be told their port up front (the small race before they bind it is acceptable in tests).
 */
export async function freePort(): Promise<number> {
  const server = createServer();
  const { port } = await listenOnLoopback(server);
  await closeServer(server);
  return port;
}
