// CORS in a real browser (headless Chromium driven by playwright-core): a page served from another origin calls the
// gateway the way the README's Apollo Client snippet does — a JSON POST with an `authorization` header, so the
// browser sends a preflight first. Plain fetch stands in for @apollo/client (its HttpLink sends exactly this request;
// bundling it would add nothing here). An allowed origin gets the data; any other origin is blocked by the browser
// before the POST is sent; and a "simple" cross-site GET (no preflight) is still refused by CSRF prevention.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { startStack, type Stack } from '../helpers/startStack.js';
import { closeServer, listenOnLoopback } from '../helpers/listen.js';
import { callsMatching } from '../helpers/upstreamCalls.js';

const CHROMIUM = '/usr/bin/chromium';
const QUERY = 'query CorsExperiments { experiments(first: 2) { nodes { id name } } }';

/** What the page saw: the answer (status, body, a CORS-exposed header) or the error fetch rejected with. */
type Outcome = { status: number; body: any; requestId: string | null } | { error: string };

describe('CORS in a browser (Chromium)', () => {
  let stack: Stack;
  let pages: http.Server;
  let pagePort: number;
  let context: BrowserContext;
  let profile: string;
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    // Never skipped: a missing browser is a failed test with the fix in its message.
    if (!existsSync(CHROMIUM))
      throw new Error(`Chromium not found at ${CHROMIUM}: install it (apt-get install -y chromium)`);
    // The frontend's origin: a static page on its own port (http://127.0.0.1:<port> allowed, http://localhost:<port> not).
    pages = http.createServer((request, response) => {
      if (request.url === '/')
        response
          .writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
          .end('<!doctype html><title>frontend</title><p>frontend</p>');
      else response.writeHead(404).end();
    });
    pagePort = (await listenOnLoopback(pages)).port;
    stack = await startStack({ env: { CORS_ORIGINS: `http://127.0.0.1:${pagePort}` } });
    profile = mkdtempSync(join(tmpdir(), 'lifecycle-chromium-'));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  }, 60_000);
  afterAll(async () => {
    await context?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
    await stack?.close();
    if (pages) await closeServer(pages);
  });

  /** Opens the frontend page at `origin`, collecting the browser's console errors (where CORS failures are reported). */
  async function openFrontend(origin: string): Promise<Page> {
    const page = await context.newPage();
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
    await page.goto(`${origin}/`);
    return page;
  }

  /** Runs fetch inside the page. */
  async function fetchInPage(
    page: Page,
    url: string,
    init: { method: string; headers?: Record<string, string>; body?: string },
  ): Promise<Outcome> {
    return page.evaluate(
      async ({ url, init }) => {
        try {
          const response = await fetch(url, { ...init, credentials: 'include' });
          const text = await response.text();
          let body: unknown = text;
          try {
            body = JSON.parse(text);
          } catch {
            // not JSON: keep the text
          }
          return { status: response.status, body, requestId: response.headers.get('x-request-id') };
        } catch (error) {
          return { error: String(error) };
        }
      },
      { url, init },
    );
  }

  /** The README snippet's request: JSON POST with a bearer token (non-simple: preflighted). */
  const apolloClientRequest = {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: 'Bearer frontend-token' },
    body: JSON.stringify({ query: QUERY }),
  };

  const searches = () => callsMatching(stack.emulator, 'experiments/search');

  it('an allowed origin gets the data (preflight answered, response readable, x-request-id exposed)', async () => {
    const page = await openFrontend(`http://127.0.0.1:${pagePort}`);
    const outcome = await fetchInPage(page, stack.gateway.graphqlUrl, apolloClientRequest);
    expect(outcome).toMatchObject({ status: 200, body: { data: { experiments: { nodes: expect.any(Array) } } } });
    expect(outcome).not.toHaveProperty('body.errors');
    if (!('status' in outcome)) throw new Error(outcome.error);
    expect(outcome.body.data.experiments.nodes).toHaveLength(2);
    expect(outcome.requestId).toMatch(/\S/);
    await page.close();
  }, 30_000);

  it('another origin is blocked by the browser: fetch fails, the console names CORS, and the POST never reaches MLflow', async () => {
    const page = await openFrontend(`http://localhost:${pagePort}`);
    const before = searches();
    const errorsBefore = consoleErrors.length;
    const outcome = await fetchInPage(page, stack.gateway.graphqlUrl, apolloClientRequest);
    expect(outcome).toEqual({ error: 'TypeError: Failed to fetch' });
    expect(consoleErrors.slice(errorsBefore).join('\n')).toMatch(/blocked by CORS policy/);
    expect(searches()).toBe(before);
    await page.close();
  }, 30_000);

  it('a "simple" cross-site GET (no preflight header) is still refused by CSRF prevention, even from an allowed origin', async () => {
    const page = await openFrontend(`http://127.0.0.1:${pagePort}`);
    const before = searches();
    const outcome = await fetchInPage(page, `${stack.gateway.graphqlUrl}?query=${encodeURIComponent(QUERY)}`, {
      method: 'GET',
    });
    expect(outcome).toMatchObject({ status: 400 });
    if (!('status' in outcome)) throw new Error(outcome.error);
    expect(JSON.stringify(outcome.body)).toMatch(/Cross-Site Request Forgery/);
    expect(searches()).toBe(before);
    // The same GET with Apollo's preflight header is an ordinary (preflighted) query and is answered.
    const preflighted = await fetchInPage(page, `${stack.gateway.graphqlUrl}?query=${encodeURIComponent(QUERY)}`, {
      method: 'GET',
      headers: { 'apollo-require-preflight': 'true' },
    });
    expect(preflighted).toMatchObject({ status: 200, body: { data: { experiments: { nodes: expect.any(Array) } } } });
    await page.close();
  }, 30_000);
});
