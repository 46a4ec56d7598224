// The Kubernetes manifests, parsed: probes on the right endpoints, resources, a locked-down security
// context, graceful-shutdown timings that fit together, Services that select real pods, both modes wired as
// main.ts expects, and a ConfigMap that is a valid configuration. No cluster is needed (none is reachable).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { ConfigError, loadConfig } from '../../../src/config.js';
import { overrideRoutingUrls } from '../../../src/gateway/overrideRoutingUrls.js';
import { readSupergraphConfig, supergraphSdlPath } from '../../../src/gateway/supergraphConfig.js';
import { Metrics } from '../../../src/observability/Metrics.js';

type Doc = Record<string, any>;
const dir = join(process.cwd(), 'deploy/k8s');

function load(file: string): Doc[] {
  const docs = parseAllDocuments(readFileSync(join(dir, file), 'utf8'));
  for (const doc of docs) expect(doc.errors).toEqual([]);
  return docs.map((doc) => doc.toJS() as Doc).filter(Boolean);
}

const files = readdirSync(dir).filter((file) => file.endsWith('.yaml'));
const all = files.flatMap((file) => load(file).map((doc) => ({ file, doc })));
const ofKind = (kind: string, file?: string) =>
  all.filter((entry) => entry.doc.kind === kind && (!file || entry.file === file)).map((entry) => entry.doc);
const deployments = ofKind('Deployment');
const ours = deployments.filter((d) => d.metadata.labels['app.kubernetes.io/name'] === 'mlflow-supergraph');
const configMap = ofKind('ConfigMap')[0] as Doc;
const subgraphNames = readSupergraphConfig().subgraphs.map((s) => s.name);

describe('Kubernetes manifests', () => {
  it('parse, and contain both modes plus Redis, config and monitoring', () => {
    expect(files.sort()).toEqual([
      'config.yaml',
      'distributed.yaml',
      'monitoring.yaml',
      'redis.yaml',
      'secret.example.yaml',
      'single-process.yaml',
    ]);
    expect(ours.map((d) => d.metadata.name).sort()).toEqual([
      'mlflow-supergraph',
      'mlflow-supergraph-gateway',
      'mlflow-supergraph-permissions',
      'mlflow-supergraph-registry',
      'mlflow-supergraph-tracking',
    ]);
  });

  describe.each(
    all.filter((e) => e.doc.kind === 'Deployment').map((e) => [e.doc.metadata.name, e.doc, e.file] as const),
  )('%s', (_name, deployment, file) => {
    const pod = deployment.spec.template.spec;

    it('runs as non-root with a RuntimeDefault seccomp profile and no service account token', () => {
      expect(pod.securityContext.runAsNonRoot).toBe(true);
      expect(pod.securityContext.runAsUser).toBeGreaterThan(0);
      expect(pod.securityContext.seccompProfile).toEqual({ type: 'RuntimeDefault' });
      expect(pod.automountServiceAccountToken).toBe(false);
    });

    it('locks down every container and bounds its resources', () => {
      for (const container of pod.containers) {
        expect(container.securityContext).toMatchObject({
          allowPrivilegeEscalation: false,
          readOnlyRootFilesystem: true,
          privileged: false,
        });
        expect(container.securityContext.capabilities.drop).toContain('ALL');
        expect(container.resources.requests).toEqual({ cpu: expect.any(String), memory: expect.any(String) });
        expect(container.resources.limits.memory).toEqual(expect.any(String));
        expect(container.livenessProbe).toBeDefined();
        expect(container.readinessProbe).toBeDefined();
      }
    });

    it('has a Service selecting its pods, on a port the container exposes', () => {
      const services = ofKind('Service', file).filter((service) =>
        Object.entries(service.spec.selector).every(
          ([key, value]) => deployment.spec.template.metadata.labels[key] === value,
        ),
      );
      expect(services).toHaveLength(1);
      const portNames = pod.containers.flatMap((c: Doc) => c.ports.map((p: Doc) => p.name));
      for (const port of services[0]?.spec.ports ?? []) expect(portNames).toContain(port.targetPort);
      expect(deployment.spec.selector.matchLabels).toEqual(
        Object.fromEntries(
          Object.keys(deployment.spec.selector.matchLabels).map((key) => [
            key,
            deployment.spec.template.metadata.labels[key],
          ]),
        ),
      );
    });
  });

  describe.each(ours.map((d) => [d.metadata.name, d] as const))('%s (mlflow-supergraph)', (_name, deployment) => {
    const pod = deployment.spec.template.spec;
    const container = pod.containers[0];

    it('probes liveness on /healthz, readiness on /readyz, start-up on /healthz, all on the http port', () => {
      expect(container.ports.map((p: Doc) => p.name)).toContain('http');
      expect(container.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'http' });
      expect(container.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'http' });
      expect(container.startupProbe.httpGet).toEqual({ path: '/healthz', port: 'http' });
      // /readyz's upstream probe is bounded at 800 ms; the kubelet must wait longer than that.
      expect(container.readinessProbe.timeoutSeconds).toBeGreaterThanOrEqual(1);
    });

    it('fits preStop + SHUTDOWN_TIMEOUT_MS + closing Redis inside the termination grace period', () => {
      const preStop = container.lifecycle.preStop.exec.command;
      expect(preStop[0]).toBe('sleep');
      const drainSeconds = Number(configMap.data.SHUTDOWN_TIMEOUT_MS) / 1000;
      expect(Number(preStop[1]) + drainSeconds + 3).toBeLessThanOrEqual(pod.terminationGracePeriodSeconds);
    });

    it('gets its configuration from the ConfigMap and the Secret, and a writable /tmp only', () => {
      expect(container.envFrom).toEqual(
        expect.arrayContaining([
          { configMapRef: { name: configMap.metadata.name } },
          { secretRef: expect.objectContaining({ name: 'mlflow-supergraph-secrets' }) },
        ]),
      );
      expect(container.volumeMounts).toEqual([{ name: 'tmp', mountPath: '/tmp' }]);
      expect(container.image).toMatch(/mlflow-supergraph:\d+\.\d+\.\d+$/);
    });

    it("fits the V8 heap and the process's measured off-heap memory inside its memory limit", () => {
      const mebibytes = (quantity: string) => {
        const match = /^(\d+)(Mi|Gi)$/.exec(quantity);
        if (!match) throw new Error(`expected a quantity in Mi or Gi, got ${quantity}`);
        return Number(match[1]) * (match[2] === 'Gi' ? 1024 : 1);
      };
      const heap = Number(/--max-old-space-size=(\d+)/.exec(configMap.data.NODE_OPTIONS)?.[1]);
      const { requests, limits } = container.resources;
      // ~110 MiB besides the heap (code, buffers): measured idle RSS 162 MiB with a small heap (npm run bench:rss).
      expect(heap + 110).toBeLessThanOrEqual(mebibytes(limits.memory));
      // The request is the measured working set under load (~300 MiB for a gateway), never above the limit.
      expect(mebibytes(requests.memory)).toBeGreaterThanOrEqual(256);
      expect(mebibytes(requests.memory)).toBeLessThanOrEqual(mebibytes(limits.memory));
    });

    it('is scraped by Prometheus on the port it serves /metrics on', () => {
      const annotations = deployment.spec.template.metadata.annotations;
      expect(annotations['prometheus.io/path']).toBe('/metrics');
      expect(Number(annotations['prometheus.io/port'])).toBe(container.ports[0].containerPort);
    });

    it('has a PodDisruptionBudget and survives a rolling update without losing capacity', () => {
      const pdb = ofKind('PodDisruptionBudget').find(
        (p) =>
          p.spec.selector.matchLabels['app.kubernetes.io/component'] ===
          deployment.spec.selector.matchLabels['app.kubernetes.io/component'],
      );
      expect(pdb?.spec.minAvailable).toBe(1);
      expect(deployment.spec.replicas).toBeGreaterThanOrEqual(2);
      expect(deployment.spec.strategy.rollingUpdate.maxUnavailable).toBe(0);
    });
  });

  it('serves clients at the same Service name in both modes', () => {
    const gatewayService = (file: string) =>
      ofKind('Service', file).find((s) => s.spec.selector['app.kubernetes.io/component'] === 'gateway');
    expect(gatewayService('single-process.yaml')?.metadata.name).toBe('mlflow-supergraph');
    expect(gatewayService('distributed.yaml')?.metadata.name).toBe('mlflow-supergraph');
  });

  it('single-process mode runs main.ts with no arguments', () => {
    const [single] = ofKind('Deployment', 'single-process.yaml');
    expect(single?.spec.template.spec.containers[0].args).toEqual([]);
    expect(single?.spec.template.spec.containers[0].ports[0].containerPort).toBe(Number(configMap.data.PORT));
  });

  it('distributed mode: the gateway runs --distributed, each subgraph of supergraph.yaml runs on its own port', () => {
    const distributed = ofKind('Deployment', 'distributed.yaml');
    const gateway = distributed.find((d) => d.metadata.name === 'mlflow-supergraph-gateway');
    expect(gateway?.spec.template.spec.containers[0].args).toEqual(['--distributed']);
    const subgraphDeployments = distributed.filter((d) => d !== gateway);
    expect(subgraphDeployments.map((d) => d.spec.template.spec.containers[0].args[1]).sort()).toEqual(
      [...subgraphNames].sort(),
    );
    for (const deployment of distributed) {
      // The signing secret is required, not optional, in this mode.
      expect(deployment.spec.template.spec.containers[0].envFrom).toContainEqual({
        secretRef: { name: 'mlflow-supergraph-secrets', optional: false },
      });
    }
    for (const deployment of subgraphDeployments) {
      const container = deployment.spec.template.spec.containers[0];
      const [command, name, flag, port] = container.args;
      expect([command, flag]).toEqual(['subgraph', '--port']);
      expect(Number(port)).toBe(container.ports[0].containerPort);
      // The gateway reaches this subgraph at its Service.
      const env = Object.fromEntries(gateway?.spec.template.spec.containers[0].env.map((e: Doc) => [e.name, e.value]));
      const service = ofKind('Service', 'distributed.yaml').find(
        (s) => s.spec.selector['app.kubernetes.io/component'] === name,
      );
      expect(env[`SUBGRAPH_URL_${name.toUpperCase()}`]).toBe(
        `http://${service?.metadata.name}:${service?.spec.ports[0].port}/graphql`,
      );
    }
  });

  it("the gateway's SUBGRAPH_URL_* values are a valid configuration and rewrite the committed supergraph", () => {
    const gateway = ofKind('Deployment', 'distributed.yaml').find(
      (d) => d.metadata.name === 'mlflow-supergraph-gateway',
    );
    const env = Object.fromEntries(gateway?.spec.template.spec.containers[0].env.map((e: Doc) => [e.name, e.value]));
    const config = loadConfig({ ...configMap.data, ...env, MLFLOW_SUPERGRAPH_SUBGRAPH_SECRET: 'x'.repeat(64) });
    expect(Object.keys(config.subgraphUrls).sort()).toEqual([...subgraphNames].sort());
    const sdl = overrideRoutingUrls(readFileSync(supergraphSdlPath, 'utf8'), config.subgraphUrls);
    for (const [name, url] of Object.entries(config.subgraphUrls))
      expect(sdl).toContain(`@join__graph(name: "${name}", url: ${JSON.stringify(url)})`);
    expect(sdl).not.toContain('127.0.0.1:400');
  });

  it('ships a ConfigMap that loads as a production configuration, and an example Secret that refuses to start', () => {
    const config = loadConfig(configMap.data);
    // Admission control is on, and its largest operation (one at GRAPHQL_MAX_COST) can always be admitted.
    expect(config.admission).toBeDefined();
    expect(Math.ceil(config.limits.maxCost / (config.admission?.costPerSlot ?? 1))).toBeLessThanOrEqual(
      config.admission?.slots ?? 0,
    );
    expect(config.admission?.maxWaitMs).toBeLessThan(config.requestTimeoutMs);
    expect(config.nodeEnv).toBe('production');
    expect(config.host).toBe('0.0.0.0');
    expect(config.introspection).toBe(false);
    expect(config.sandbox).toBe(false);
    expect(config.trackingUri).toMatch(/^http/);
    expect(config.redisUrl).toMatch(/^redis:\/\//);
    expect(config.tracing.endpoint).toBeUndefined(); // nothing leaves the cluster until someone opts in
    expect(config.shutdownTimeoutMs).toBeGreaterThan(0);
    const [secret] = ofKind('Secret');
    expect(() => loadConfig({ ...configMap.data, ...secret?.stringData })).toThrow(ConfigError);
    // No credentials in the ConfigMap.
    expect(Object.keys(configMap.data).filter((key) => /TOKEN|PASSWORD|SECRET/.test(key))).toEqual([]);
  });

  it('lets only the gateway (and Prometheus) reach the subgraphs', () => {
    const [policy] = ofKind('NetworkPolicy');
    const components = policy?.spec.podSelector.matchExpressions.find(
      (e: Doc) => e.key === 'app.kubernetes.io/component',
    ).values;
    expect([...components].sort()).toEqual([...subgraphNames].sort());
    const from = policy?.spec.ingress[0].from;
    expect(from[0].podSelector.matchLabels['app.kubernetes.io/component']).toBe('gateway');
    expect(policy?.spec.policyTypes).toEqual(['Ingress']);
  });

  it('runs Redis as a bounded, non-persistent cache', () => {
    const [redis] = ofKind('Deployment', 'redis.yaml');
    const args: string[] = redis?.spec.template.spec.containers[0].args;
    expect(args).toEqual(expect.arrayContaining(['--maxmemory-policy', 'allkeys-lru', '--appendonly', 'no']));
    const service = ofKind('Service', 'redis.yaml')[0];
    expect(configMap.data.REDIS_URL).toBe(`redis://${service?.metadata.name}:${service?.spec.ports[0].port}`);
  });

  it('alerts only on metrics the service exports', async () => {
    const exported = await new Metrics({ processMetrics: false }).render();
    const [rule] = ofKind('PrometheusRule');
    const expressions: string[] = rule?.spec.groups.flatMap((g: Doc) => g.rules.map((r: Doc) => r.expr));
    const names = new Set(
      expressions.flatMap((expr) =>
        [...expr.matchAll(/mlflow_supergraph_[a-z_]+/g)].map((m) => m[0].replace(/_bucket$/, '')),
      ),
    );
    expect(names.size).toBeGreaterThanOrEqual(5);
    for (const name of names) expect(exported).toContain(`# HELP ${name} `);
  });
});
