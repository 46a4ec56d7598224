// The landing page: its initial operation is valid against the served schema, the GraphiQL page refers only
// to assets this process serves, and GRAPHQL_EXPLORER picks the explorer.
import { existsSync, readFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { ApolloServer, HeaderMap } from '@apollo/server';
import { parse, validate } from 'graphql';
import { ConfigError, loadConfig } from '../../../src/config.js';
import { apiSchemaFromSupergraph } from '../../../src/gateway/apiSchema.js';
import {
  explorerAssetFile,
  explorerAssetsPath,
  graphiqlHtml,
  initialExplorerHeaders,
  initialSandboxOperation,
  initialSandboxVariables,
  landingPagePlugin,
  serveExplorerAsset,
} from '../../../src/gateway/landingPage.js';
import { supergraphSdlPath } from '../../../src/gateway/supergraphConfig.js';

const assetNames = ['graphiql.min.js', 'graphiql.min.css', 'react.production.min.js', 'react-dom.production.min.js'];

/** A ServerResponse stand-in that records what was written. */
function fakeResponse(): {
  response: ServerResponse;
  written: { status?: number; headers?: Record<string, unknown>; body?: Buffer | string };
} {
  const written: { status?: number; headers?: Record<string, unknown>; body?: Buffer | string } = {};
  const response = {
    writeHead(status: number, headers: Record<string, unknown>) {
      Object.assign(written, { status, headers });
      return response;
    },
    end(body?: Buffer | string) {
      written.body = body;
      return response;
    },
  } as unknown as ServerResponse;
  return { response, written };
}

async function landingHtml(
  plugin: ReturnType<typeof landingPagePlugin>,
): Promise<{ status: number | undefined; html: string }> {
  const server = new ApolloServer({ typeDefs: 'type Query { ok: Boolean }', plugins: [plugin] });
  await server.start();
  try {
    const result = await server.executeHTTPGraphQLRequest({
      httpGraphQLRequest: {
        method: 'GET',
        headers: new HeaderMap([['accept', 'text/html']]),
        search: '',
        body: undefined,
      },
      context: async () => ({}),
    });
    return { status: result.status, html: result.body.kind === 'complete' ? result.body.string : '' };
  } finally {
    await server.stop();
  }
}

describe('the initial operation', () => {
  it('is valid against the composed API schema with its variables, and reads all three subgraphs', () => {
    const schema = apiSchemaFromSupergraph(readFileSync(supergraphSdlPath, 'utf8'));
    const document = parse(initialSandboxOperation);
    expect(validate(schema, document)).toEqual([]);
    expect(initialSandboxOperation).toMatch(/viewer \{/); // permissions
    expect(initialSandboxOperation).toMatch(/modelVersions \{/); // registry, on the tracking subgraph's Run
    expect(initialSandboxOperation).toMatch(/metrics \{/); // tracking
    expect(Object.keys(initialSandboxVariables).sort()).toEqual(['experiments', 'runsPerExperiment']);
    expect(initialExplorerHeaders).toEqual({ Authorization: '' });
    // Apollo's Sandbox page escapes only the first "<" of its embedded JSON: keep the document free of them.
    expect(initialSandboxOperation).not.toMatch(/[<>&]/);
  });
});

describe('the GraphiQL page', () => {
  const html = graphiqlHtml();

  it('loads only relative assets that this process serves', () => {
    const references = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((match) => match[1]);
    expect(references.sort()).toEqual(assetNames.map((name) => `.${explorerAssetsPath}${name}`).sort());
    expect(html).not.toMatch(/https?:\/\//);
    for (const name of assetNames) expect(existsSync(explorerAssetFile(name) ?? '')).toBe(true);
  });

  it('embeds its settings as JSON that cannot close the script element', () => {
    const settings = html.match(/<script id="explorer-settings" type="application\/json">(.*?)<\/script>/s)?.[1] ?? '';
    expect(settings).not.toMatch(/[<>]/);
    expect(JSON.parse(settings)).toEqual({
      query: initialSandboxOperation,
      variables: JSON.stringify(initialSandboxVariables, null, 2),
      headers: JSON.stringify(initialExplorerHeaders, null, 2),
    });
    expect(html.match(/<\/script>/g)).toHaveLength(5);
  });

  it('is what the landing page plugin renders for GRAPHQL_EXPLORER=graphiql', async () => {
    expect((await landingHtml(landingPagePlugin(true, 'graphiql'))).html).toBe(html);
    const sandbox = await landingHtml(landingPagePlugin(true, 'sandbox'));
    expect(sandbox.html).toContain('embeddable-sandbox');
    const disabled = await landingHtml(landingPagePlugin(false, 'graphiql'));
    expect(disabled.html).not.toContain('GraphiQL');
  });
});

describe('serveExplorerAsset', () => {
  it('serves each asset with its content type only when GraphiQL is the enabled explorer', () => {
    for (const name of assetNames) {
      const { response, written } = fakeResponse();
      expect(
        serveExplorerAsset(`${explorerAssetsPath}${name}`, response, { enabled: true, explorer: 'graphiql' }),
      ).toBe(true);
      expect(written.status).toBe(200);
      expect(written.headers?.['content-type']).toMatch(name.endsWith('.css') ? /^text\/css/ : /^text\/javascript/);
      // Buffer.equals: jest's deep equality walks a megabyte byte by byte.
      expect(
        Buffer.isBuffer(written.body) && written.body.equals(readFileSync(explorerAssetFile(name) as string)),
      ).toBe(true);
    }
    expect(
      serveExplorerAsset(`${explorerAssetsPath}graphiql.min.js`, fakeResponse().response, {
        enabled: true,
        explorer: 'sandbox',
      }),
    ).toBe(false);
    expect(
      serveExplorerAsset(`${explorerAssetsPath}graphiql.min.js`, fakeResponse().response, {
        enabled: false,
        explorer: 'graphiql',
      }),
    ).toBe(false);
    expect(serveExplorerAsset('/graphql', fakeResponse().response, { enabled: true, explorer: 'graphiql' })).toBe(
      false,
    );
  });

  it('answers 404 for a name it does not serve', () => {
    const { response, written } = fakeResponse();
    expect(
      serveExplorerAsset(`${explorerAssetsPath}graphiql.js.map`, response, { enabled: true, explorer: 'graphiql' }),
    ).toBe(true);
    expect(written.status).toBe(404);
  });
});

describe('GRAPHQL_EXPLORER', () => {
  it('defaults to sandbox, accepts graphiql in any case, and names a bad value', () => {
    expect(loadConfig({}).explorer).toBe('sandbox');
    expect(loadConfig({ GRAPHQL_EXPLORER: 'GraphiQL' }).explorer).toBe('graphiql');
    expect(() => loadConfig({ GRAPHQL_EXPLORER: 'altair' })).toThrow(ConfigError);
    expect(() => loadConfig({ GRAPHQL_EXPLORER: 'altair' })).toThrow(
      /GRAPHQL_EXPLORER must be sandbox or graphiql, got "altair"/,
    );
  });
});
