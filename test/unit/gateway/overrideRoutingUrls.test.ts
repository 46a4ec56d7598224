import { readFileSync } from 'node:fs';
import { overrideRoutingUrls } from '../../../src/gateway/overrideRoutingUrls.js';
import { supergraphSdlPath } from '../../../src/gateway/supergraphConfig.js';

describe('overrideRoutingUrls', () => {
  const sdl = readFileSync(supergraphSdlPath, 'utf8');

  it("replaces only the named subgraphs' URLs", () => {
    const out = overrideRoutingUrls(sdl, { tracking: 'http://tracking.ns:4001/graphql', registry: undefined });
    expect(out).toContain('@join__graph(name: "tracking", url: "http://tracking.ns:4001/graphql")');
    expect(out).toContain('@join__graph(name: "registry", url: "http://127.0.0.1:4002/graphql")');
    expect(out.length - sdl.length).toBe(
      'http://tracking.ns:4001/graphql'.length - 'http://127.0.0.1:4001/graphql'.length,
    );
  });

  it('refuses a subgraph the supergraph does not have', () => {
    expect(() => overrideRoutingUrls(sdl, { trackin: 'http://x/graphql' })).toThrow(
      'expected subgraph "trackin" in the supergraph',
    );
  });
});
