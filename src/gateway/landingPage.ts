import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import type { ApolloServerPlugin } from '@apollo/server';

/** The operation the explorer opens with: who am I, experiments with their best runs and models, across all three subgraphs. */
export const initialSandboxOperation = `# Welcome to mlflow-supergraph: MLflow's experiments, runs, metrics, models and permissions in one graph.
# Press Run (▶) to see experiments with their best runs, and the registered models with their aliases.
# Credentials go in the Headers tab: "Authorization: Bearer YOUR_TOKEN" (Databricks, GitLab or MLflow tokens)
# or "Authorization: Basic BASE64(user:password)" (MLflow basic-auth). The demo needs none.
# Every type and field is described in the Documentation panel; deprecated fields say what to use instead.
query Dashboard($experiments: Int = 5, $runsPerExperiment: Int = 3) {
  viewer {
    username
    authKind
    scopes
  }
  experiments(first: $experiments) {
    nodes {
      id
      name
      viewerPermission
      runs(first: $runsPerExperiment, orderBy: ["metrics.accuracy DESC"]) {
        nodes {
          id
          name
          status
          startTime
          params {
            key
            value
          }
          metrics {
            key
            value
            step
          }
          modelVersions {
            name
            version
            aliases
          }
        }
      }
    }
  }
  registeredModels(first: 5) {
    nodes {
      name
      description
      aliases {
        alias
        version
      }
    }
  }
}
`;

/** Variables of {@link initialSandboxOperation}. */
export const initialSandboxVariables = { experiments: 5, runsPerExperiment: 3 };

/**
 * Headers the explorer starts with. `Authorization` is left empty for the user to fill in: the gateway passes it
 * through to MLflow (an empty value counts as no credentials).
 */
export const initialExplorerHeaders: Readonly<Record<string, string>> = { Authorization: '' };

/** Which explorer the landing page serves. */
export type ExplorerKind = 'sandbox' | 'graphiql';

/** Where GraphiQL's assets are served (relative to the page, so the gateway may sit under a path prefix). */
export const explorerAssetsPath = '/explorer/';

/**
 * The landing page: Apollo Sandbox (loads from Apollo's CDN) or GraphiQL served from this process with no
 * internet access at all (`GRAPHQL_EXPLORER=graphiql`, for air-gapped sites); nothing when disabled.
 */
export function landingPagePlugin(enabled: boolean, explorer: ExplorerKind = 'sandbox'): ApolloServerPlugin {
  if (!enabled) return ApolloServerPluginLandingPageDisabled();
  if (explorer === 'graphiql') {
    const html = graphiqlHtml();
    return {
      async serverWillStart() {
        return {
          async renderLandingPage() {
            return { html };
          },
        };
      },
    };
  }
  return ApolloServerPluginLandingPageLocalDefault({
    // Sandbox's own usage telemetry stays off: nothing about the graph leaves the browser for Apollo.
    embed: { endpointIsEditable: false, runTelemetry: false, initialState: { pollForSchemaUpdates: false } },
    document: initialSandboxOperation,
    variables: initialSandboxVariables,
    headers: { ...initialExplorerHeaders },
    includeCookies: false,
  });
}

/** JSON safe to embed in a <script> element (no `</script>` or `<!--` can close it). */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026');
}

/** The GraphiQL page: React, ReactDOM and GraphiQL's UMD builds, all served by {@link serveExplorerAsset}. */
export function graphiqlHtml(): string {
  const settings = {
    query: initialSandboxOperation,
    variables: JSON.stringify(initialSandboxVariables, null, 2),
    headers: JSON.stringify(initialExplorerHeaders, null, 2),
  };
  const asset = (name: string) => `.${explorerAssetsPath}${name}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>mlflow-supergraph · GraphiQL</title>
<link rel="stylesheet" href="${asset('graphiql.min.css')}">
<style>html, body, #graphiql { height: 100%; margin: 0; }</style>
</head>
<body>
<div id="graphiql">Loading GraphiQL…</div>
<script id="explorer-settings" type="application/json">${scriptJson(settings)}</script>
<script src="${asset('react.production.min.js')}"></script>
<script src="${asset('react-dom.production.min.js')}"></script>
<script src="${asset('graphiql.min.js')}"></script>
<script>
  (function () {
    var settings = JSON.parse(document.getElementById('explorer-settings').textContent);
    // The GraphQL endpoint beside this page: /graphql whether the page was opened at / or at /graphql.
    var url = new URL('graphql', window.location.href).toString();
    var fetcher = GraphiQL.createFetcher({ url: url });
    ReactDOM.createRoot(document.getElementById('graphiql')).render(
      React.createElement(GraphiQL, {
        fetcher: fetcher,
        defaultQuery: settings.query,
        defaultVariables: settings.variables,
        defaultHeaders: settings.headers,
        defaultEditorToolsVisibility: 'headers',
        shouldPersistHeaders: false,
      }),
    );
  })();
</script>
</body>
</html>
`;
}

interface Asset {
  file: string;
  contentType: string;
  body?: Buffer;
}

const require = createRequire(import.meta.url);

/** The files GraphiQL's page loads, from the npm packages (no CDN): name → file on disk. */
function explorerAssets(): Map<string, Asset> {
  const root = (name: string) => dirname(require.resolve(`${name}/package.json`));
  return new Map<string, Asset>([
    [
      'graphiql.min.js',
      { file: join(root('graphiql'), 'graphiql.min.js'), contentType: 'text/javascript; charset=utf-8' },
    ],
    ['graphiql.min.css', { file: join(root('graphiql'), 'graphiql.min.css'), contentType: 'text/css; charset=utf-8' }],
    [
      'react.production.min.js',
      { file: join(root('react'), 'umd/react.production.min.js'), contentType: 'text/javascript; charset=utf-8' },
    ],
    [
      'react-dom.production.min.js',
      {
        file: join(root('react-dom'), 'umd/react-dom.production.min.js'),
        contentType: 'text/javascript; charset=utf-8',
      },
    ],
  ]);
}

let assets: Map<string, Asset> | undefined;

/** The file behind an explorer asset name, or undefined for an unknown name. */
export function explorerAssetFile(name: string): string | undefined {
  assets ??= explorerAssets();
  return assets.get(name)?.file;
}

/**
 * Serves GraphiQL's assets at /explorer/<name> when `explorer` is graphiql; answers false (not handled) for any
 * other path, or when GraphiQL is not the explorer, so the caller's routing goes on.
 */
export function serveExplorerAsset(
  path: string,
  response: ServerResponse,
  options: { enabled: boolean; explorer: ExplorerKind },
): boolean {
  if (!options.enabled || options.explorer !== 'graphiql' || !path.startsWith(explorerAssetsPath)) return false;
  assets ??= explorerAssets();
  const asset = assets.get(path.slice(explorerAssetsPath.length));
  if (!asset) {
    response.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"no such explorer asset"}');
    return true;
  }
  // Read once, kept in memory: ~1.5 MB in all, served to every analyst who opens the page.
  asset.body ??= readFileSync(asset.file);
  response
    .writeHead(200, {
      'content-type': asset.contentType,
      'content-length': asset.body.length,
      'cache-control': 'public, max-age=3600',
      'x-content-type-options': 'nosniff',
    })
    .end(asset.body);
  return true;
}

/**
 * A `GET /` or `GET /graphql` with no operation from something that is not a browser asking for the explorer
 * (curl, a probe, a mistyped client): a short JSON note on where GraphQL is and how to call it, instead of
 * Apollo's CSRF refusal (which such a request would otherwise get, no `content-type` being set). `/` answers 200;
 * `/graphql` answers 400 with a BAD_USER_INPUT error, the request being a client mistake. False: not such a request.
 */
export function serveApiHelp(
  path: string,
  request: IncomingMessage,
  response: ServerResponse,
  options: { explorer: boolean },
): boolean {
  const method = request.method ?? 'GET';
  if ((method !== 'GET' && method !== 'HEAD') || (path !== '/' && path !== '/graphql')) return false;
  const search = new URL(request.url ?? '/', 'http://localhost').searchParams;
  if (search.has('query') || search.has('extensions')) return false;
  // Browsers asking for a page get the explorer (when it is on).
  if (options.explorer && (request.headers.accept ?? '').includes('text/html')) return false;
  const base = `http://${request.headers.host ?? '127.0.0.1:4000'}`;
  const help = {
    message:
      'mlflow-supergraph: GraphQL over HTTP. POST a JSON body {"query": "...", "variables": {...}} to /graphql with content-type: application/json.',
    graphql: `${base}/graphql`,
    example: `curl -s ${base}/graphql -H 'content-type: application/json' -H 'authorization: Bearer $TOKEN' -d '{"query":"{ viewer { username } experiments(first: 3) { nodes { id name } } }"}'`,
    get: `GET ${base}/graphql?query=... also works for queries, with the header apollo-require-preflight: true (CSRF prevention).`,
    ...(options.explorer ? { explorer: `Open ${base}/ in a browser for the GraphQL explorer.` } : {}),
  };
  const body =
    path === '/'
      ? help
      : {
          errors: [
            {
              message: 'GET /graphql needs a query: POST a JSON body {"query": "..."} (see "help")',
              extensions: { code: 'BAD_USER_INPUT' },
            },
          ],
          help,
        };
  response.writeHead(path === '/' ? 200 : 400, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
  });
  response.end(method === 'HEAD' ? undefined : `${JSON.stringify(body, null, 2)}\n`);
  return true;
}
