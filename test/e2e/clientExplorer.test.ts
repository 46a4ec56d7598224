// The explorers analysts use. GRAPHQL_EXPLORER=graphiql serves GraphiQL entirely from this process (air-gapped
// sites): the page is loaded in jsdom from the gateway, every resource it asks for is recorded, and anything
// not served by the gateway itself fails the test. The default Sandbox page is checked as HTML only (it loads
// from Apollo's CDN, which tests never contact).
import { JSDOM, requestInterceptor, VirtualConsole } from 'jsdom';
import { explorerAssetsPath, initialSandboxOperation } from '../../src/gateway/landingPage.js';
import { startStack, type Stack } from '../helpers/startStack.js';

describe('GRAPHQL_EXPLORER=graphiql: GraphiQL with no internet', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ env: { GRAPHQL_EXPLORER: 'graphiql' } });
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('serves the page and its assets from the gateway alone, renders GraphiQL, and loads the schema through /graphql', async () => {
    const origin = stack.gateway.url;
    const loaded: string[] = [];
    const refused: string[] = [];
    // Every request the page makes (scripts, stylesheets) passes here: the gateway's own, or refused.
    const gatewayOnly = requestInterceptor((request) => {
      if (!request.url.startsWith(`${origin}/`)) {
        refused.push(request.url);
        return Promise.resolve(new Response('refused by the test: not served by the gateway', { status: 599 }));
      }
      loaded.push(request.url);
      return undefined;
    });
    const posted: { url: string; status: number; body: string }[] = [];
    const errors: string[] = [];
    const virtualConsole = new VirtualConsole();
    virtualConsole.on('jsdomError', (error) => errors.push(error.message));

    const response = await fetch(`${origin}/`, { headers: { accept: 'text/html' } });
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain('GraphiQL');

    const dom = new JSDOM(html, {
      url: `${origin}/`,
      runScripts: 'dangerously',
      resources: { interceptors: [gatewayOnly] },
      pretendToBeVisual: true,
      virtualConsole,
      beforeParse(window) {
        // jsdom has no layout and no fetch: give CodeMirror empty rectangles, and GraphiQL a fetch that records.
        const rect = () => ({ x: 0, y: 0, top: 0, left: 0, bottom: 0, right: 0, width: 0, height: 0, toJSON() {} });
        Object.assign(window.Range.prototype, {
          getBoundingClientRect: rect,
          getClientRects: () => ({ length: 0, item: () => null, [Symbol.iterator]: [][Symbol.iterator] }),
        });
        window.Element.prototype.scrollIntoView = () => {};
        Object.assign(window, {
          fetch: async (input: string, init?: RequestInit) => {
            const url = new URL(input, window.location.href).toString();
            if (!url.startsWith(`${origin}/`)) {
              refused.push(url);
              throw new TypeError(`refused ${url}`);
            }
            const answer = await fetch(url, init);
            const body = await answer.text();
            posted.push({ url, status: answer.status, body });
            return new Response(body, { status: answer.status, headers: answer.headers });
          },
        });
      },
    });
    try {
      await new Promise<void>((resolve) => dom.window.addEventListener('load', () => resolve()));
      // GraphiQL renders, then fetches the schema (introspection) through the gateway.
      const deadline = Date.now() + 10_000;
      while (Date.now() < deadline && !posted.some((p) => p.body.includes('__schema')))
        await new Promise((resolve) => setTimeout(resolve, 50));

      expect(refused).toEqual([]);
      expect(loaded.map((url) => new URL(url).pathname).sort()).toEqual(
        ['graphiql.min.css', 'graphiql.min.js', 'react-dom.production.min.js', 'react.production.min.js'].map(
          (name) => `${explorerAssetsPath}${name}`,
        ),
      );
      const document = dom.window.document;
      expect(document.querySelector('.graphiql-container')).not.toBeNull();
      expect(document.body.textContent).toContain('query Dashboard');
      const introspection = posted.find((p) => p.body.includes('__schema'));
      expect(introspection).toMatchObject({ url: `${origin}/graphql`, status: 200 });
      expect(JSON.parse(introspection!.body).data.__schema.queryType.name).toBe('Query');
      expect(errors).toEqual([]);
    } finally {
      dom.window.close();
    }
  });

  it('serves the assets with content types and cache headers, and 404 for anything else under /explorer/', async () => {
    const script = await fetch(`${stack.gateway.url}${explorerAssetsPath}graphiql.min.js`);
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(script.headers.get('x-content-type-options')).toBe('nosniff');
    expect(script.headers.get('cache-control')).toMatch(/max-age=\d+/);
    expect((await script.text()).length).toBeGreaterThan(500_000);
    const css = await fetch(`${stack.gateway.url}${explorerAssetsPath}graphiql.min.css`);
    expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8');
    expect(await css.text()).not.toMatch(/@import|url\(\s*["']?https?:/);

    expect((await fetch(`${stack.gateway.url}${explorerAssetsPath}../package.json`)).status).toBe(404);
    expect((await fetch(`${stack.gateway.url}${explorerAssetsPath}react.development.js`)).status).toBe(404);
  });
});

describe('GRAPHQL_EXPLORER=sandbox (default): Apollo Sandbox', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('embeds Sandbox with the initial operation, its variables and an Authorization header to fill in, telemetry off', async () => {
    const response = await fetch(`${stack.gateway.url}/`, { headers: { accept: 'text/html' } });
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain('embeddable-sandbox');
    // Sandbox's options are embedded as JSON in the page.
    const options = JSON.parse(html.match(/var embeddedSandboxConfig = (\{.*\});/)?.[1] ?? 'null') as Record<
      string,
      any
    > | null;
    expect(options).not.toBeNull();
    expect(options).toMatchObject({
      initialState: {
        document: initialSandboxOperation,
        headers: { Authorization: '' },
        variables: { experiments: 5, runsPerExperiment: 3 },
        includeCookies: false,
        pollForSchemaUpdates: false,
      },
      endpointIsEditable: false,
      runTelemetry: false,
    });
  });

  it('does not serve GraphiQL assets', async () => {
    expect((await fetch(`${stack.gateway.url}${explorerAssetsPath}graphiql.min.js`)).status).toBe(404);
  });
});
