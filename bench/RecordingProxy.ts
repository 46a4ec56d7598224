// An HTTP proxy in front of the emulator that plays "a real MLflow over a network": every call waits a fixed
// latency, searches pay a cost per item they return, and each call's start and end are recorded so the
// benchmark can count calls and sequential waves per GraphQL request. Loopback only, port 0.
import { Agent, createServer, request as httpRequest, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { UpstreamCall } from './stats.js';

/** How the proxy delays calls. */
export interface RecordingProxyOptions {
  /** The emulator's base URL (`http://127.0.0.1:PORT`). */
  target: string;
  /** Added to every call (MLflow's per-request floor: routing, auth, a DB round trip). */
  latencyMs: number;
  /** Added per item a search answers (rows read and serialized). */
  itemMs: number;
}

/** Hop-by-hop and length headers the proxy recomputes. */
const DROPPED = new Set(['connection', 'keep-alive', 'transfer-encoding', 'content-length', 'host']);

/** Counts the items of a search answer: the length of its first top-level array (runs, experiments, ...). */
export function countSearchItems(path: string, body: Buffer): number {
  if (!path.endsWith('/search')) return 0;
  try {
    const parsed = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
    for (const value of Object.values(parsed)) if (Array.isArray(value)) return value.length;
  } catch {
    // An HTML 400 from the request-line limit, or any error page: no items.
  }
  return 0;
}

function forwardHeaders(headers: IncomingHttpHeaders): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) if (value !== undefined && !DROPPED.has(name)) out[name] = value;
  return out;
}

/** A running proxy. */
export interface RecordingProxy {
  readonly url: string;
  /** Calls since start, recording or not. */
  readonly totalCalls: number;
  /** Calls in flight right now. */
  readonly inFlight: number;
  /** Starts keeping each call's details (forgets earlier ones). */
  startRecording(): void;
  /** Stops keeping details; returns the calls recorded since `startRecording`. */
  stopRecording(): UpstreamCall[];
  close(): Promise<void>;
}

/** Starts the proxy on 127.0.0.1, port 0. */
export async function startRecordingProxy(options: RecordingProxyOptions): Promise<RecordingProxy> {
  const target = new URL(options.target);
  const agent = new Agent({ keepAlive: true, maxSockets: 512 });
  let recording: UpstreamCall[] | undefined;
  let totalCalls = 0;
  let inFlight = 0;

  const server: Server = createServer((req, res) => {
    const start = performance.now();
    totalCalls += 1;
    inFlight += 1;
    let call: UpstreamCall | undefined;
    // The answer's last byte went out: the caller may now start what depended on it.
    res.on('finish', () => {
      if (call) recording?.push({ ...call, end: performance.now() });
    });
    // 'close' fires once whatever happens (answered, failed, or the client gave up).
    res.on('close', () => {
      inFlight -= 1;
    });
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const upstream = httpRequest(
        {
          host: target.hostname,
          port: target.port,
          method: req.method,
          path: req.url,
          headers: { ...forwardHeaders(req.headers), host: target.host },
          agent,
        },
        (answer) => {
          const body: Buffer[] = [];
          answer.on('data', (chunk: Buffer) => body.push(chunk));
          answer.on('end', async () => {
            const payload = Buffer.concat(body);
            const path = (req.url ?? '/').split('?')[0] as string;
            const items = countSearchItems(path, payload);
            await sleep(options.latencyMs + items * options.itemMs);
            call = { method: req.method ?? 'GET', path, status: answer.statusCode ?? 0, start, end: Number.NaN, items };
            res.writeHead(answer.statusCode ?? 502, {
              ...forwardHeaders(answer.headers),
              'content-length': String(payload.length),
            });
            res.end(payload);
          });
        },
      );
      upstream.on('error', (error) => {
        res.writeHead(502, { 'content-type': 'text/plain' });
        res.end(`bench proxy: ${error.message}`);
      });
      upstream.end(Buffer.concat(chunks));
    });
  });
  // The gateway keeps connections alive; so does the proxy.
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    get totalCalls() {
      return totalCalls;
    },
    get inFlight() {
      return inFlight;
    },
    startRecording() {
      recording = [];
    },
    stopRecording() {
      const calls = recording ?? [];
      recording = undefined;
      return calls;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      agent.destroy();
    },
  };
}
