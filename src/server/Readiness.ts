import type { Services } from '../context/Services.js';

/** The body of /readyz. */
export interface ReadinessReport {
  /** `ready`: serve traffic. `degraded`: serve traffic, uncached (Redis down). `not_ready`: take out of rotation. */
  status: 'ready' | 'degraded' | 'not_ready';
  checks: {
    /** The supergraph (or, for a subgraph server, its schema) is loaded and the server accepts operations. */
    schema: { ok: boolean };
    /** MLflow answered a cheap unauthenticated call (GET /health) with a status below 500. */
    upstream: { ok: boolean; status?: number; latencyMs?: number; error?: string; circuit: string };
    /** The shared cache; its failure degrades readiness but never removes the instance from rotation. */
    cache: { ok: boolean; backend: 'redis' | 'memory' };
    /** False once SIGTERM arrived: the load balancer should stop sending new requests. */
    accepting: { ok: boolean };
  };
}

/** Options of {@link Readiness}. */
export interface ReadinessOptions {
  services: Services;
  /** Whether the schema is loaded and operations are accepted. */
  schemaLoaded: () => boolean;
  /** How long an upstream probe result is reused (default 2000 ms): probes must not load MLflow. */
  probeTtlMs?: number;
  /** Upper bound of one upstream probe (default 800 ms: the answer must beat Kubernetes' 1 s probe timeout). */
  probeTimeoutMs?: number;
}

/** Defaults of {@link ReadinessOptions}. */
export const defaultReadinessOptions = { probeTtlMs: 2_000, probeTimeoutMs: 800 } as const;

type Probe = ReadinessReport['checks']['upstream'];

/**
 * Decides /readyz. Ready = schema loaded + MLflow reachable + not shutting down; Redis down only degrades
 * (the cache layer serves uncached). The MLflow probe is `GET <tracking URI>/health` with no credentials (MLflow's
 * basic-auth app answers /health without them); any answer below 500 proves the server is there, which also
 * covers backends without /health (Databricks, GitLab answer 404/401). Results are cached for `probeTtlMs` and
 * concurrent probes share one call.
 */
export class Readiness {
  readonly #services: Services;
  readonly #schemaLoaded: () => boolean;
  readonly #ttlMs: number;
  readonly #timeoutMs: number;
  #accepting = true;
  #last: { at: number; probe: Probe } | undefined;
  #pending: Promise<Probe> | undefined;

  constructor(options: ReadinessOptions) {
    this.#services = options.services;
    this.#schemaLoaded = options.schemaLoaded;
    this.#ttlMs = options.probeTtlMs ?? defaultReadinessOptions.probeTtlMs;
    this.#timeoutMs = options.probeTimeoutMs ?? defaultReadinessOptions.probeTimeoutMs;
  }

  /** From now on /readyz answers 503 (shutdown has begun). */
  stopAccepting(): void {
    this.#accepting = false;
  }

  /** Runs the checks (the upstream probe at most once per TTL). */
  async check(): Promise<ReadinessReport> {
    const schema = { ok: this.#schemaLoaded() };
    const accepting = { ok: this.#accepting };
    const kv = this.#services.cache.kv;
    const cache = { ok: kv.isHealthy(), backend: kv.kind };
    const probed = await this.#probe();
    const circuit = this.#services.mlflowBreaker.state;
    // An open circuit fails every call fast, whatever a probe cached a moment ago (e.g. the start-up check) said.
    const upstream = circuit === 'open' ? { ...probed, ok: false, error: probed.error ?? 'circuit_open' } : probed;
    const ready = schema.ok && accepting.ok && upstream.ok;
    return {
      status: !ready ? 'not_ready' : cache.ok ? 'ready' : 'degraded',
      checks: { schema, upstream: { ...upstream, circuit }, cache, accepting },
    };
  }

  async #probe(): Promise<Probe> {
    const now = Date.now();
    if (this.#last && now - this.#last.at < this.#ttlMs) return this.#last.probe;
    this.#pending ??= this.#callUpstream().then((probe) => {
      this.#last = { at: Date.now(), probe };
      this.#pending = undefined;
      return probe;
    });
    return this.#pending;
  }

  async #callUpstream(): Promise<Probe> {
    const started = performance.now();
    const circuit = this.#services.mlflowBreaker.state;
    try {
      const response = await this.#services.mlflowHttp.get('health', {
        timeout: { request: this.#timeoutMs },
        headers: { accept: 'text/plain' },
      });
      const latencyMs = Math.round(performance.now() - started);
      return { ok: response.statusCode < 500, status: response.statusCode, latencyMs, circuit };
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      return {
        ok: false,
        error: typeof code === 'string' ? code : 'unreachable',
        latencyMs: Math.round(performance.now() - started),
        circuit,
      };
    }
  }
}
