/**
 * Replaces subgraph routing URLs in a composed supergraph SDL (`@join__graph(name: "tracking", url: "...")`),
 * so one committed supergraph serves every environment: in Kubernetes the subgraphs live at service names, not
 * at supergraph.yaml's loopback URLs. Throws when a name is not a subgraph of the supergraph (a typo in
 * SUBGRAPH_URL_* must not be ignored silently).
 */
export function overrideRoutingUrls(supergraphSdl: string, urls: Readonly<Record<string, string | undefined>>): string {
  let sdl = supergraphSdl;
  for (const [name, url] of Object.entries(urls)) {
    if (url === undefined) continue;
    const pattern = new RegExp(
      `(@join__graph\\(name:\\s*"${name.replace(/[^A-Za-z0-9_-]/g, '')}",\\s*url:\\s*)"[^"]*"`,
    );
    if (!pattern.test(sdl))
      throw new TypeError(
        `overrideRoutingUrls: expected subgraph "${name}" in the supergraph, found no @join__graph for it`,
      );
    sdl = sdl.replace(pattern, `$1${JSON.stringify(url)}`);
  }
  return sdl;
}
