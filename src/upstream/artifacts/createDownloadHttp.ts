import http from 'node:http';
import https from 'node:https';
import got, { type Got } from 'got';

/** Connection settings of the download pool. */
export interface DownloadHttpOptions {
  /** Sockets per host: the downloads the process streams at once (ARTIFACT_MAX_DOWNLOADS). */
  readonly maxSockets: number;
  readonly connectTimeoutMs: number;
  /** Until the answer's headers arrive, and then the longest silence while its body streams. */
  readonly idleTimeoutMs: number;
}

/**
 * The got instance artifact bytes are fetched with: its own agents, so downloads that stream for minutes never
 * take the sockets GraphQL's API calls need (UPSTREAM_CONCURRENCY). Absolute URLs (MLflow's, and presigned storage
 * on other hosts); bytes passed through as sent (no decompression, `identity` asked for); no redirects, so a
 * credential never follows one to another host; no total timeout, since a large file takes as long as it takes,
 * but an idle one.
 */
export function createDownloadHttp(options: DownloadHttpOptions): Got {
  const agentOptions = { keepAlive: true, maxSockets: options.maxSockets, maxFreeSockets: 8 };
  return got.extend({
    agent: { http: new http.Agent(agentOptions), https: new https.Agent(agentOptions) },
    timeout: { connect: options.connectTimeoutMs, response: options.idleTimeoutMs, socket: options.idleTimeoutMs },
    retry: { limit: 0 },
    throwHttpErrors: false,
    followRedirect: false,
    decompress: false,
    headers: { 'user-agent': 'mlflow-supergraph' },
  });
}
