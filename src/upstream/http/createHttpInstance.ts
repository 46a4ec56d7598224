import http from 'node:http';
import https from 'node:https';
import got, { type Got } from 'got';

/** Connection settings for one upstream. */
export interface HttpInstanceOptions {
  baseUrl: string;
  connectTimeoutMs: number;
  responseTimeoutMs: number;
  maxSockets: number;
  userAgent?: string;
}

/** Sensible defaults: MLflow answers in tens of ms; a search of thousands of runs can take seconds. */
export const defaultHttpInstanceOptions: Omit<HttpInstanceOptions, 'baseUrl'> = {
  connectTimeoutMs: 2_000,
  responseTimeoutMs: 30_000,
  maxSockets: 32,
};

/**
 * One configured `got` instance per upstream: keep-alive agents, prefix URL, timeouts. Retries and HTTP
 * errors are decided per call by callRest (only idempotent endpoints retry), so they are off here.
 */
export function createHttpInstance(options: HttpInstanceOptions): Got {
  const agentOptions = { keepAlive: true, maxSockets: options.maxSockets, maxFreeSockets: 8 };
  return got.extend({
    prefixUrl: options.baseUrl.replace(/\/+$/, ''),
    agent: { http: new http.Agent(agentOptions), https: new https.Agent(agentOptions) },
    timeout: { connect: options.connectTimeoutMs, response: options.responseTimeoutMs },
    retry: { limit: 0 },
    throwHttpErrors: false,
    followRedirect: false,
    headers: { 'user-agent': options.userAgent ?? 'mlflow-supergraph' },
  });
}
