// deploy/router/router.yaml: an Apollo Router configuration for the same composed supergraph, consistent
// with the subgraphs of supergraph.yaml, the Kubernetes Services, and the Node gateway's defaults.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { loadConfig } from '../../../src/config.js';
import { overrideRoutingUrls } from '../../../src/gateway/overrideRoutingUrls.js';
import { readSupergraphConfig, supergraphSdlPath } from '../../../src/gateway/supergraphConfig.js';

const router = parse(readFileSync(join(process.cwd(), 'deploy/router/router.yaml'), 'utf8')) as Record<string, any>;
const subgraphs = readSupergraphConfig().subgraphs.map((s) => s.name);

describe('Apollo Router configuration', () => {
  it('routes every subgraph of supergraph.yaml to its Kubernetes Service', () => {
    expect(Object.keys(router.override_subgraph_url).sort()).toEqual([...subgraphs].sort());
    const services = parseAllDocuments(readFileSync(join(process.cwd(), 'deploy/k8s/distributed.yaml'), 'utf8'))
      .map((doc) => doc.toJS() as Record<string, any>)
      .filter((doc) => doc.kind === 'Service');
    for (const [name, url] of Object.entries(router.override_subgraph_url as Record<string, string>)) {
      const service = services.find((s) => s.spec.selector['app.kubernetes.io/component'] === name);
      expect(url).toBe(`http://${service?.metadata.name}:${service?.spec.ports[0].port}/graphql`);
    }
    // The same URLs work for the Node gateway's SUBGRAPH_URL_* override of the committed supergraph.
    expect(() =>
      overrideRoutingUrls(readFileSync(supergraphSdlPath, 'utf8'), router.override_subgraph_url),
    ).not.toThrow();
  });

  it("forwards the caller's credentials and the request id, and lets subgraph error codes through", () => {
    const propagated = router.headers.all.request.map((rule: any) => rule.propagate?.named);
    expect(propagated).toEqual(expect.arrayContaining(['authorization', 'x-request-id']));
    expect(router.include_subgraph_errors.all).toBe(true);
  });

  it('signs subgraph requests through a coprocessor that sees headers and body', () => {
    expect(router.coprocessor.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+/); // a sidecar, not a remote service
    expect(router.coprocessor.subgraph.all.request).toMatchObject({ headers: true, body: true });
  });

  it("matches the Node gateway's production defaults: no introspection, no sandbox, same operation limits", () => {
    const defaults = loadConfig({ NODE_ENV: 'production', MLFLOW_TRACKING_URI: 'http://mlflow:5000' });
    expect(router.supergraph.introspection).toBe(defaults.introspection);
    expect(router.sandbox.enabled).toBe(false);
    expect(router.limits.max_depth).toBe(defaults.limits.maxDepth);
    expect(router.limits.max_aliases).toBe(defaults.limits.maxAliases);
    expect(router.supergraph.path).toBe('/graphql');
    // Nothing is exported anywhere until someone configures it.
    expect(router.telemetry.exporters.tracing.otlp).toBeUndefined();
  });
});
