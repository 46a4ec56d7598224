// The MLflow emulator's public API: start an in-memory MLflow 2.12 or 3.x (optionally behind basic auth or
// Databricks tokens, or as GitLab's MLflow-compatible API) on a loopback port, inspect and steer it
// from tests.
import { EmulatorServer, type Latency } from './EmulatorServer.js';
import { EmulatorStore } from './EmulatorStore.js';
import { parseMlflowVersion } from './mlflowVersion.js';
import type { FaultSpec } from './FaultInjector.js';
import { defaultGitlabProject, type GitlabVisibility } from './GitlabStore.js';
import { gitlabTrackingPath } from './routes/gitlab.js';
import { seedDemo } from './seeds/demoSeed.js';
import { seedDemoMlflow3 } from './seeds/demoSeed3.js';
import { seedDatasetsDemo } from './seeds/datasetsDemoSeed.js';
import { seedGenAiDemo } from './seeds/genaiDemoSeed.js';
import { seedEmpty } from './seeds/emptySeed.js';
import { seedGitlab } from './seeds/gitlabSeed.js';
import { DEFAULT_WEBHOOK_URL_POLICY } from './WebhookStore.js';

export type { FaultSpec } from './FaultInjector.js';
export { EmulatorStore } from './EmulatorStore.js';
export type { TrackingStore } from './TrackingStore.js';
export type { RegistryStore } from './RegistryStore.js';
export type { WebhookStore, WebhookRecord, WebhookUrlPolicy } from './WebhookStore.js';
export type { DeliveryRecord } from './webhookDelivery.js';
export { signDelivery } from './webhookDelivery.js';
export type { TraceStore } from './TraceStore.js';
export type * from './traceRecords.js';
export type { AuthStore, PermissionName } from './AuthStore.js';
export type { DatabricksStore, PermissionLevel } from './DatabricksStore.js';
export type { GitlabStore, GitlabVisibility, GitlabProjectRecord } from './GitlabStore.js';
export { GITLAB_VERSION } from './gitlabJson.js';
export { gitlabMlflowEndpoints } from './routes/gitlab.js';
export type * from './records.js';
export * from './seeds/users.js';
export { DEMO_EXPERIMENTS, DEMO_MODELS, DEMO_EPOCH } from './seeds/demoSeed.js';
export { DEMO_LOGGED_MODELS, DEMO_PROMPTS, type DemoLoggedModel, type DemoPrompt } from './seeds/demoSeed3.js';
export { seedDatasetsDemo, DEMO_DATASET_NAME, DEMO_DATASET_RECORDS } from './seeds/datasetsDemoSeed.js';
export type { DatasetStore, EvaluationDatasetRecord } from './DatasetStore.js';
/** Adds a GenAI experiment with traces and assessments to a (3.x) store; see seeds/genaiDemoSeed.ts. */
export { seedGenAiDemo, GENAI_DEMO_EXPERIMENT, type GenAiDemo } from './seeds/genaiDemoSeed.js';
export { REQUEST_LINE_LIMIT, MLFLOW_VERSION } from './EmulatorServer.js';
export { MLFLOW3_VERSION, isMlflow3 } from './mlflowVersion.js';
/** Artifact bytes (made from each run) and listing settings, for tests that compare downloads or force paging. */
export {
  artifactBody,
  bodyBytes,
  bodySize,
  bodyStream,
  addSyntheticArtifact,
  type ArtifactBody,
} from './artifacts/artifactContent.js';
export { artifactSettings, type ArtifactSettings } from './routes/artifactRoutes.js';
/** MLflow's page-token format, for tests that forge or inspect the upstream's tokens. */
export { createPageToken } from './pageToken.js';

/** How to start an emulator. */
export interface EmulatorOptions {
  /** Port to listen on; 0 (the default) picks a free one. */
  port?: number;
  /** Interface to bind; loopback only (default 127.0.0.1). */
  host?: string;
  /**
   * `demo` (realistic data; in 3.x mode also logged models, versions made from them and prompts) or `empty` (a fresh
   * MLflow: experiment 0 only). Default `empty`.
   */
  seed?: 'demo' | 'empty';
  /** Serve as `mlflow server --app-name basic-auth`. */
  auth?: boolean;
  /** Serve as Databricks: bearer tokens, ACLs, permission and registry-workflow endpoints. */
  databricks?: boolean;
  /**
   * Serve as GitLab's MLflow-compatible API (`/api/v4/projects/:id/ml/mlflow/...`, PRIVATE-TOKEN or
   * Bearer tokens, project roles) plus `/api/v4/{user,personal_access_tokens/self,projects/:id,version}`.
   */
  gitlab?: boolean;
  /**
   * The MLflow version emulated (default 2.12.2, the recorded server): `/version` answers it, and any 3.x
   * (the recorded 3.11.1, `MLFLOW3_VERSION`) switches on MLflow 3's endpoints and behaviour (see mlflowVersion.ts).
   */
  mlflowVersion?: string;
  /**
   * The default artifact root, as `mlflow server --default-artifact-root` (default `mlflow-artifacts:`, a server
   * that proxies artifacts); experiments get `<root>/<id>`, logged models `<root>/<id>/models/<model_id>/artifacts`.
   */
  artifactRoot?: string;
  /** The GitLab project id the MLflow API lives under (gitlab mode; default 7). */
  gitlabProjectId?: number;
  /** The GitLab project's visibility (gitlab mode; default `private`). */
  gitlabProjectVisibility?: GitlabVisibility;
  /** Latency added to every call (default 0). */
  latencyMs?: number;
  /** Uniform random extra latency on top of latencyMs (default 0). */
  jitterMs?: number;
  /** Basic-auth default permission for users without a grant (default READ, as MLflow). */
  defaultPermission?: 'READ' | 'EDIT' | 'MANAGE' | 'NO_PERMISSIONS';
  /** Basic-auth admin password (default ADMIN.password; MLflow's own default is "password"). */
  adminPassword?: string;
  /** Per-endpoint latency, keyed by "METHOD /path". */
  endpointLatency?: Record<string, { latencyMs: number; jitterMs?: number }>;
  /**
   * Which webhook URLs MLflow 3 mode accepts, as MLFLOW_WEBHOOK_ALLOWED_SCHEMES / MLFLOW_WEBHOOK_ALLOW_PRIVATE_IPS set
   * them (default: MLflow's `https` only and no private addresses). Deliveries only ever go to loopback addresses, so
   * a test that wants them sets `{ allowedSchemes: ['http', 'https'], allowPrivateIps: true }`.
   */
  webhooks?: { allowedSchemes?: string[]; allowPrivateIps?: boolean };
}

/** A running emulator. */
export interface Emulator {
  /** Base URL, `http://127.0.0.1:PORT` (where `/__emulator/*` lives). */
  readonly url: string;
  /**
   * What an MLflow client uses as MLFLOW_TRACKING_URI: `url` itself, or in gitlab mode
   * `http://127.0.0.1:PORT/api/v4/projects/7/ml/mlflow`.
   */
  readonly trackingUri: string;
  readonly port: number;
  /** Snapshot of the per-endpoint call counters ("METHOD /path" → count). */
  calls(): Record<string, number>;
  /** Calls to one endpoint, e.g. `callCount('POST /api/2.0/mlflow/runs/search')`. */
  callCount(endpoint: string): number;
  /** Calls to all endpoints. */
  totalCalls(): number;
  /** Zeroes the counters. */
  resetCalls(): void;
  /** State back to the seed, counters zero, faults cleared. */
  reset(): void;
  /** Replaces the injected faults. */
  setFaults(faults: FaultSpec[]): void;
  /** Removes every injected fault. */
  clearFaults(): void;
  /** Sets the latency added to every call. */
  setLatency(ms: number, jitterMs?: number): void;
  /** The in-memory state, for tests to inspect (replaced on reset()). */
  readonly store: EmulatorStore;
  /** Stops the server and drops open connections. */
  close(): Promise<void>;
}

function isLoopback(host: string): boolean {
  return host === '127.0.0.1' || host === 'localhost' || host === '::1' || /^127\./.test(host);
}

/** Starts an emulator and resolves once it listens. */
export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const host = options.host ?? '127.0.0.1';
  if (!isLoopback(host)) throw new TypeError(`expected a loopback host (127.0.0.1, ::1, localhost), got ${host}`);
  const seed = options.seed ?? 'empty';
  if (seed !== 'demo' && seed !== 'empty') throw new TypeError(`expected seed 'demo' or 'empty', got ${String(seed)}`);
  const mlflow3 = options.mlflowVersion !== undefined && parseMlflowVersion(options.mlflowVersion).major >= 3;
  const defaultPermission = options.defaultPermission ?? 'READ';
  const gitlab = options.gitlab ?? false;
  if (gitlab && (options.auth || options.databricks)) {
    throw new TypeError('expected one of auth, databricks and gitlab, got gitlab with another mode');
  }
  const gitlabProjectId = options.gitlabProjectId ?? 7;
  if (!Number.isInteger(gitlabProjectId) || gitlabProjectId < 1) {
    throw new TypeError(`expected gitlabProjectId to be a positive integer, got ${String(options.gitlabProjectId)}`);
  }
  const visibility = options.gitlabProjectVisibility ?? 'private';
  if (visibility !== 'private' && visibility !== 'internal' && visibility !== 'public') {
    throw new TypeError(`expected gitlabProjectVisibility private|internal|public, got ${String(visibility)}`);
  }
  const webhookUrlPolicy = {
    allowedSchemes: options.webhooks?.allowedSchemes ?? DEFAULT_WEBHOOK_URL_POLICY.allowedSchemes,
    allowPrivateIps: options.webhooks?.allowPrivateIps ?? DEFAULT_WEBHOOK_URL_POLICY.allowPrivateIps,
  };
  const endpointLatency: Record<string, Latency> = {};
  for (const [endpoint, latency] of Object.entries(options.endpointLatency ?? {})) {
    endpointLatency[endpoint] = { ms: latency.latencyMs, jitterMs: latency.jitterMs ?? 0 };
  }
  const server = new EmulatorServer({
    host,
    port: options.port ?? 0,
    auth: options.auth ?? false,
    databricks: options.databricks ?? false,
    gitlab,
    defaultPermission,
    ...(options.mlflowVersion === undefined ? {} : { mlflowVersion: options.mlflowVersion }),
    latency: { ms: options.latencyMs ?? 0, jitterMs: options.jitterMs ?? 0 },
    endpointLatency,
    createStore: () => {
      const store = new EmulatorStore({
        webhookUrlPolicy,
        mlflow3,
        ...(options.artifactRoot === undefined ? {} : { artifactRoot: options.artifactRoot }),
        ...(gitlab ? { gitlabProject: defaultGitlabProject(gitlabProjectId, visibility) } : {}),
      });
      const seedOptions = options.adminPassword === undefined ? {} : { adminPassword: options.adminPassword };
      if (seed === 'demo') {
        seedDemo(store, seedOptions);
        if (mlflow3) {
          seedDemoMlflow3(store);
          // The GenAI side of the 3.x demo: an assistant's traces with assessments, and an evaluation dataset.
          seedDatasetsDemo(store, seedGenAiDemo(store).experimentId);
        }
      } else seedEmpty(store, seedOptions);
      if (gitlab) seedGitlab(store);
      return store;
    },
  });
  const port = await server.listen();
  const urlHost = host.includes(':') ? `[${host}]` : host;
  const url = `http://${urlHost}:${port}`;
  return {
    url,
    trackingUri: gitlab ? `${url}${gitlabTrackingPath(gitlabProjectId)}` : url,
    port,
    calls: () => server.calls(),
    callCount: (endpoint) => server.callCount(endpoint),
    totalCalls: () => server.totalCalls(),
    resetCalls: () => server.resetCalls(),
    reset: () => server.reset(),
    setFaults: (faults) => server.faults.set(faults),
    clearFaults: () => server.faults.clear(),
    setLatency: (ms, jitterMs) => server.setLatency(ms, jitterMs ?? 0),
    get store() {
      return server.store;
    },
    close: () => server.close(),
  };
}
