// `curl http://host:4000/` (no Accept: text/html): a short JSON note on where GraphQL is and how to POST to it,
// not Apollo's CSRF refusal. Browsers still get the explorer; real GET operations still face CSRF prevention.
import { startStack, type Stack } from '../helpers/startStack.js';

describe('API help for non-browser GETs', () => {
  let stack: Stack;
  let noExplorer: Stack;
  let base: string;

  beforeAll(async () => {
    stack = await startStack();
    noExplorer = await startStack({ sharedEmulator: stack.emulator, env: { GRAPHQL_SANDBOX: 'false' } });
    base = stack.gateway.url;
  }, 60_000);
  afterAll(async () => {
    await noExplorer?.close();
    await stack?.close();
  });

  it('GET / as curl sends it (Accept: */*) answers 200 with the GraphQL URL and a working example', async () => {
    const response = await fetch(`${base}/`, { headers: { accept: '*/*' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    const text = await response.text();
    expect(text).not.toMatch(/Cross-Site Request Forgery/);
    const help = JSON.parse(text);
    expect(help.graphql).toBe(`${base}/graphql`);
    expect(help.message).toMatch(/POST a JSON body/);
    expect(help.explorer).toContain(`${base}/`);
    // The example is a real request: the JSON body in it answers.
    const example = /-d '(.*)'$/.exec(help.example)?.[1];
    expect(example).toBeDefined();
    const answer = await stack.query(JSON.parse(example ?? '{}').query);
    expect(answer.errors).toBeUndefined();
    expect(answer.data).toMatchObject({ experiments: { nodes: expect.any(Array) } });
  });

  it('GET /graphql with no operation is a client mistake: 400 BAD_USER_INPUT with the same help', async () => {
    const response = await fetch(`${base}/graphql`);
    expect(response.status).toBe(400);
    const body = await response.json();
    expect(body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    expect(body.help.graphql).toBe(`${base}/graphql`);
  });

  it('a browser asking for a page still gets the explorer', async () => {
    const response = await fetch(`${base}/`, { headers: { accept: 'text/html,application/xhtml+xml' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
  });

  it('with the explorer off, a browser gets the help too (no explorer line)', async () => {
    const response = await fetch(`${noExplorer.gateway.url}/`, { headers: { accept: 'text/html' } });
    expect(response.status).toBe(200);
    const help = await response.json();
    expect(help.graphql).toBe(`${noExplorer.gateway.url}/graphql`);
    expect(help).not.toHaveProperty('explorer');
  });

  it('a GET carrying an operation but no preflight header is still refused by CSRF prevention', async () => {
    const response = await fetch(`${base}/graphql?query=${encodeURIComponent('{ __typename }')}`);
    expect(response.status).toBe(400);
    expect(await response.text()).toMatch(/Cross-Site Request Forgery/);
  });
});
