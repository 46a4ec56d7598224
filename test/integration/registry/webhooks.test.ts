// MLflow 3.3's registry webhooks through the graph, against the emulator in 3.11.1 mode behind basic-auth, as its
// administrator: a create → list → get → update → test → delete round trip; the test delivery reaching a loopback sink
// signed with the secret; registry and prompt writes made through the graph firing the webhook; arguments MLflow would
// refuse (or the graph refuses) answered BAD_USER_INPUT with no upstream call at all; the secret in no answer and no
// log line; no webhook answer kept by the response cache; and the writes and the test sent once, never retried.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Kind, parse, print, type OperationDefinitionNode } from 'graphql';
import { ADMIN, signDelivery, startEmulator, type Emulator } from '@mlflow-supergraph/mlflow-emulator';
import { projectRoot } from '../../../src/gateway/supergraphConfig.js';
import { MemoryCache } from '../../../src/cache/MemoryCache.js';
import { loadConfig } from '../../../src/config.js';
import { createServices } from '../../../src/context/createServices.js';
import type { Services } from '../../../src/context/Services.js';
import { startGateway, type RunningGateway } from '../../../src/gateway/startGateway.js';
import { createTelemetry } from '../../../src/observability/Telemetry.js';
import { asUser } from '../../helpers/auth.js';
import { postGraphQL, postJson, type GraphQLResponse } from '../../helpers/graphql.js';
import { freePort } from '../../helpers/listen.js';
import { callsMatching } from '../../helpers/upstreamCalls.js';
import { waitFor } from '../../helpers/waitFor.js';
import { startWebhookSink, SINK_ANSWER, type WebhookSink } from '../../helpers/webhookSink.js';

/** The webhook's signing secret: it must never come back, in an answer or a log line. */
const SECRET = 'whsec-4f1e9c27-never-echo';
const ROTATED = 'whsec-rotated-b83d0a11-never-echo';
const ADMIN_HEADERS = asUser(ADMIN);

const FIELDS = 'id name description url status createdAt updatedAt events { entity action }';

let emulator: Emulator;
let services: Services;
let gateway: RunningGateway;
let sink: WebhookSink;
const lines: string[] = [];
const answers: string[] = [];

async function query<T = any>(text: string, variables: Record<string, unknown> = {}): Promise<GraphQLResponse<T>> {
  const result = await postGraphQL<T>(gateway.graphqlUrl, text, variables, ADMIN_HEADERS);
  answers.push(JSON.stringify(result));
  return result;
}

const webhookCalls = () => callsMatching(emulator, '/api/2.0/mlflow/webhooks');

beforeAll(async () => {
  sink = await startWebhookSink();
  // The recorded server's settings for a loopback sink (MLflow's defaults refuse http and private addresses).
  emulator = await startEmulator({
    seed: 'demo',
    auth: true,
    mlflowVersion: '3.11.1',
    webhooks: { allowedSchemes: ['http', 'https'], allowPrivateIps: true },
  });
  // Every log line the gateway writes, at the most talkative level.
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'trace', MLFLOW_TRACKING_URI: emulator.url });
  const telemetry = createTelemetry(config, { logDestination: { write: (line: string) => void lines.push(line) } });
  services = createServices(config, emulator.url, { cache: new MemoryCache(), telemetry });
  gateway = await startGateway({ config, services, port: 0 });
  // The version is read with the first caller's credentials (basic-auth hides /version from anonymous probes).
  const backend = await query('{ backend { version capabilities { webhooks } unsupported } }');
  expect(backend.data.backend.capabilities.webhooks).toBe(true);
  expect(backend.data.backend.unsupported.filter((c: string) => /ebhook/.test(c))).toEqual([]);
});

afterAll(async () => {
  await gateway?.close();
  await services?.close();
  await emulator?.close();
  await sink?.close();
});

describe('webhooks as the administrator', () => {
  let id: string;

  it('creates a webhook with a secret: one call, and the answer holds no secret', async () => {
    emulator.resetCalls();
    const created = await query(
      `mutation($input: CreateWebhookInput!) { createWebhook(input: $input) { ${FIELDS} } }`,
      {
        input: {
          name: 'ci-hook',
          url: `${sink.url}/hook`,
          description: 'CI on new versions',
          secret: SECRET,
          events: [
            { entity: 'MODEL_VERSION', action: 'CREATED' },
            { entity: 'PROMPT_VERSION', action: 'CREATED' },
            { entity: 'REGISTERED_MODEL', action: 'CREATED' },
            { entity: 'PROMPT', action: 'CREATED' },
          ],
        },
      },
    );
    expect(created.errors).toBeUndefined();
    const hook = created.data.createWebhook;
    id = hook.id;
    expect(hook).toMatchObject({ name: 'ci-hook', description: 'CI on new versions', status: 'ACTIVE' });
    expect(hook.url).toBe(`${sink.url}/hook`);
    expect(hook.events).toContainEqual({ entity: 'PROMPT_VERSION', action: 'CREATED' });
    expect(typeof hook.createdAt).toBe('string');
    expect(emulator.callCount('POST /api/2.0/mlflow/webhooks')).toBe(1);
    // MLflow kept the secret to sign with.
    expect(emulator.store.webhooks.webhooks.get(id)?.secret).toBe(SECRET);
  });

  it('lists and reads it (never from a cache: each read is MLflow’s)', async () => {
    const list = await query(`{ webhooks(first: 10) { nodes { id name } pageInfo { hasNextPage } } }`);
    expect(list.errors).toBeUndefined();
    expect(list.data.webhooks.nodes).toEqual([{ id, name: 'ci-hook' }]);
    const one = await query(`query($id: ID!) { webhook(id: $id) { ${FIELDS} } }`, { id });
    expect(one.data.webhook.id).toBe(id);
    expect(await query(`{ webhook(id: "00000000000000000000000000000000") { id } }`)).toEqual({
      data: { webhook: null },
    });
  });

  it('never keeps an answer holding webhooks in the response cache', async () => {
    const text = `{ webhooks(first: 5) { nodes { id } } registeredModel(name: "fraud-detector") { name } }`;
    await query(text);
    emulator.resetCalls();
    const again = await query(text);
    expect(again.data.webhooks.nodes).toEqual([{ id }]);
    expect(emulator.callCount('GET /api/2.0/mlflow/webhooks')).toBe(1);
  });

  it('pages with sealed cursors over MLflow’s page tokens', async () => {
    const second = await query(
      `mutation { createWebhook(input: { name: "second-hook", url: "${sink.url}/two", events: [{ entity: MODEL_VERSION_TAG, action: SET }], status: DISABLED }) { id status } }`,
    );
    expect(second.data.createWebhook.status).toBe('DISABLED');
    const first = await query(`{ webhooks(first: 1) { nodes { id } pageInfo { hasNextPage endCursor } } }`);
    expect(first.data.webhooks.pageInfo.hasNextPage).toBe(true);
    const cursor = first.data.webhooks.pageInfo.endCursor as string;
    // An opaque cursor: MLflow's offset token is not readable in it.
    expect(cursor).not.toContain('offset');
    const next = await query(`query($after: String) { webhooks(first: 1, after: $after) { nodes { id } } }`, {
      after: cursor,
    });
    expect(next.errors).toBeUndefined();
    const seen = [...first.data.webhooks.nodes, ...next.data.webhooks.nodes].map((n: { id: string }) => n.id);
    expect(new Set(seen)).toEqual(new Set([id, second.data.createWebhook.id]));
    const forged = await query(`{ webhooks(first: 1, after: "eyJvZmZzZXQiOiAxfQ==") { nodes { id } } }`);
    expect(forged.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const removed = await query(`mutation { deleteWebhook(id: "${second.data.createWebhook.id}") { id } }`);
    expect(removed.errors).toBeUndefined();
  });

  it('updates only the fields given (the secret it keeps unless a new one is given)', async () => {
    emulator.resetCalls();
    const updated = await query(
      `mutation($id: ID!) { updateWebhook(id: $id, input: { description: "now disabled", status: DISABLED }) { ${FIELDS} } }`,
      { id },
    );
    expect(updated.errors).toBeUndefined();
    expect(updated.data.updateWebhook).toMatchObject({
      name: 'ci-hook',
      description: 'now disabled',
      status: 'DISABLED',
    });
    expect(emulator.callCount(`PATCH /api/2.0/mlflow/webhooks/${id}`)).toBe(1);
    const record = emulator.store.webhooks.webhooks.get(id);
    expect(record?.url).toBe(`${sink.url}/hook`);
    expect(record?.events).toHaveLength(4);
    expect(record?.secret).toBe(SECRET);
    const back = await query(
      `mutation($id: ID!, $input: UpdateWebhookInput!) { updateWebhook(id: $id, input: $input) { status } }`,
      { id, input: { status: 'ACTIVE', secret: ROTATED } },
    );
    expect(back.data.updateWebhook.status).toBe('ACTIVE');
    expect(emulator.store.webhooks.webhooks.get(id)?.secret).toBe(ROTATED);
  });

  it('tests it: MLflow delivers a sample payload to the sink, signed with the secret; one call, as MLflow reports it', async () => {
    emulator.resetCalls();
    const before = sink.received.length;
    const tested = await query(
      `mutation($id: ID!) { testWebhook(id: $id, event: { entity: PROMPT_VERSION, action: CREATED }) { success responseStatus responseBody errorMessage } }`,
      { id },
    );
    expect(tested.errors).toBeUndefined();
    expect(tested.data.testWebhook).toEqual({
      success: true,
      responseStatus: 200,
      responseBody: SINK_ANSWER,
      errorMessage: null,
    });
    expect(emulator.callCount(`POST /api/2.0/mlflow/webhooks/${id}/test`)).toBe(1);
    const delivery = sink.received[before];
    expect(delivery?.path).toBe('/hook');
    expect(JSON.parse(delivery?.body ?? '{}')).toMatchObject({ entity: 'prompt_version', action: 'created' });
    const headers = delivery?.headers ?? {};
    const expected = signDelivery(
      ROTATED,
      String(headers['x-mlflow-delivery-id']),
      String(headers['x-mlflow-timestamp']),
      delivery?.body ?? '',
    );
    expect(headers['x-mlflow-signature']).toBe(expected);
  });

  it('reports a failed delivery as MLflow does, and does not retry the test', async () => {
    const port = await freePort();
    const dead = await query(
      `mutation { createWebhook(input: { name: "dead-hook", url: "http://127.0.0.1:${port}/x", events: [{ entity: REGISTERED_MODEL, action: CREATED }] }) { id } }`,
    );
    const deadId = dead.data.createWebhook.id as string;
    emulator.resetCalls();
    const tested = await query(`mutation { testWebhook(id: "${deadId}") { success responseStatus errorMessage } }`);
    expect(tested.errors).toBeUndefined();
    expect(tested.data.testWebhook.success).toBe(false);
    expect(tested.data.testWebhook.responseStatus).toBeNull();
    expect(tested.data.testWebhook.errorMessage).toEqual(expect.any(String));
    expect(emulator.callCount(`POST /api/2.0/mlflow/webhooks/${deadId}/test`)).toBe(1);
    // A write MLflow answered with a failure is not sent again either.
    emulator.setFaults([{ endpoint: `POST /api/2.0/mlflow/webhooks/${deadId}/test`, status: 503 }]);
    emulator.resetCalls();
    const failed = await query(`mutation { testWebhook(id: "${deadId}") { success } }`);
    emulator.clearFaults();
    expect(failed.errors?.[0]?.extensions?.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(emulator.callCount(`POST /api/2.0/mlflow/webhooks/${deadId}/test`)).toBe(1);
    await query(`mutation { deleteWebhook(id: "${deadId}") { id } }`);
  });

  it('fires on registry and prompt writes made through the graph', async () => {
    const before = sink.received.length;
    const made = await query(
      `mutation { createRegisteredModel(input: { name: "hooked-model" }) { name } createPrompt(input: { name: "hooked-prompt", template: "Hi {{name}}" }) { name } }`,
    );
    expect(made.errors).toBeUndefined();
    await waitFor(
      () => sink.received.length >= before + 3,
      10_000,
      () => `3 deliveries after ${before}, got ${sink.received.length}`,
    );
    const events = sink.received.slice(before).map((d) => {
      const body = JSON.parse(d.body) as { entity: string; action: string; data: { name: string } };
      return `${body.entity}.${body.action}:${body.data.name}`;
    });
    expect(events).toEqual(
      expect.arrayContaining([
        'registered_model.created:hooked-model',
        'prompt.created:hooked-prompt',
        'prompt_version.created:hooked-prompt',
      ]),
    );
  });

  it('deletes it: one call; then it reads as null and a second delete is NOT_FOUND', async () => {
    emulator.resetCalls();
    const deleted = await query(`mutation($id: ID!) { deleteWebhook(id: $id) { id } }`, { id });
    expect(deleted).toEqual({ data: { deleteWebhook: { id } } });
    expect(emulator.callCount(`DELETE /api/2.0/mlflow/webhooks/${id}`)).toBe(1);
    expect((await query(`query($id: ID!) { webhook(id: $id) { id } }`, { id })).data.webhook).toBeNull();
    const again = await query(`mutation($id: ID!) { deleteWebhook(id: $id) { id } }`, { id });
    expect(again.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });
});

/** Arguments refused before anything happens: each answered BAD_USER_INPUT with no upstream call at all. */
const BAD_INPUT: [string, string, Record<string, unknown>][] = [
  [
    'an entity/action pair MLflow refuses (REGISTERED_MODEL DELETED)',
    `mutation { createWebhook(input: { name: "h", url: "https://hooks.example.com/x", events: [{ entity: REGISTERED_MODEL, action: DELETED }] }) { id } }`,
    {},
  ],
  [
    'a lower-case entity (MLflow answers those with an HTML 500)',
    `mutation($input: CreateWebhookInput!) { createWebhook(input: $input) { id } }`,
    {
      input: {
        name: 'h',
        url: 'https://hooks.example.com/x',
        events: [{ entity: 'registered_model', action: 'created' }],
      },
    },
  ],
  [
    'an unknown entity',
    `mutation { createWebhook(input: { name: "h", url: "https://hooks.example.com/x", events: [{ entity: EXPERIMENT, action: CREATED }] }) { id } }`,
    {},
  ],
  [
    'no events',
    `mutation { createWebhook(input: { name: "h", url: "https://hooks.example.com/x", events: [] }) { id } }`,
    {},
  ],
  [
    'a URL that is not http(s)',
    `mutation { createWebhook(input: { name: "h", url: "ftp://hooks.example.com/x", events: [{ entity: MODEL_VERSION, action: CREATED }] }) { id } }`,
    {},
  ],
  [
    'a relative URL',
    `mutation { createWebhook(input: { name: "h", url: "/hooks/x", events: [{ entity: MODEL_VERSION, action: CREATED }] }) { id } }`,
    {},
  ],
  [
    'a URL carrying credentials',
    `mutation { createWebhook(input: { name: "h", url: "https://ci:hunter2@hooks.example.com/x", events: [{ entity: MODEL_VERSION, action: CREATED }] }) { id } }`,
    {},
  ],
  [
    'a name MLflow refuses',
    `mutation { createWebhook(input: { name: "bad name!", url: "https://hooks.example.com/x", events: [{ entity: MODEL_VERSION, action: CREATED }] }) { id } }`,
    {},
  ],
  [
    'an update to a bad pair',
    `mutation { updateWebhook(id: "abc", input: { events: [{ entity: PROMPT, action: SET }] }) { id } }`,
    {},
  ],
  [
    'an update to a URL with credentials',
    `mutation { updateWebhook(id: "abc", input: { url: "http://u:p@127.0.0.1/x" }) { id } }`,
    {},
  ],
  ['an update that changes nothing', `mutation { updateWebhook(id: "abc", input: {}) { id } }`, {}],
  [
    'a test with a bad pair',
    `mutation { testWebhook(id: "abc", event: { entity: BUDGET_POLICY, action: CREATED }) { success } }`,
    {},
  ],
  ['an id that would move the call to another route', `mutation { deleteWebhook(id: "..") { id } }`, {}],
  ['a page larger than 100', `{ webhooks(first: 101) { nodes { id } } }`, {}],
];

describe('arguments MLflow would refuse', () => {
  it.each(BAD_INPUT)('%s: BAD_USER_INPUT, no upstream call', async (_name, text, variables) => {
    emulator.resetCalls();
    const result = await query(text, variables);
    expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(emulator.totalCalls()).toBe(0);
    expect(JSON.stringify(result)).not.toContain('hunter2');
  });
});

describe('the secret', () => {
  it('is in no answer and no log line', () => {
    expect(answers.length).toBeGreaterThan(10);
    expect(lines.length).toBeGreaterThan(10);
    for (const secret of [SECRET, ROTATED]) {
      expect(answers.filter((answer) => answer.includes(secret))).toEqual([]);
      expect(lines.filter((line) => line.includes(secret))).toEqual([]);
    }
    expect(lines.filter((line) => line.includes('hunter2'))).toEqual([]);
  });

  it('has no field that could return it', async () => {
    emulator.resetCalls();
    const result = await query(`{ webhooks { nodes { secret } } }`);
    expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(webhookCalls()).toBe(0);
  });
});

describe('a secret written into the operation text', () => {
  const INLINE = 'whsec-inline-3c9a-never-stored';
  const text = `mutation { createWebhook(input: { name: "inline", url: "${'https'}://hooks.example.com/x",
    events: [{ entity: MODEL_VERSION, action: CREATED }], secret: "${INLINE}" }) { id } }`;
  const persisted = { persistedQuery: { version: 1, sha256Hash: createHash('sha256').update(text).digest('hex') } };

  it('is refused (400, BAD_USER_INPUT) before any call, and not registered as a persisted query', async () => {
    emulator.resetCalls();
    const sent = await postJson(gateway.graphqlUrl, { query: text, extensions: persisted }, ADMIN_HEADERS);
    expect(sent.status).toBe(400);
    expect(sent.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(sent.body.errors?.[0]?.message).toMatch(/must be sent as a variable/);
    expect(JSON.stringify(sent.body)).not.toContain(INLINE);
    expect(webhookCalls()).toBe(0);
    // Its hash alone finds nothing: the text (and the secret in it) was stored nowhere.
    const byHash = await postJson(gateway.graphqlUrl, { extensions: persisted }, ADMIN_HEADERS);
    expect(byHash.body.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_FOUND');
    const update = await postJson(
      gateway.graphqlUrl,
      { query: `mutation { updateWebhook(id: "abc", input: { secret: "${INLINE}" }) { id } }` },
      ADMIN_HEADERS,
    );
    expect(update.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    // Nor as a variable's default value, which is text too (here through a fragment).
    const defaulted = await postJson(
      gateway.graphqlUrl,
      {
        query: `mutation($s: String = "${INLINE}") { ...Rotate } fragment Rotate on Mutation { updateWebhook(id: "abc", input: { secret: $s }) { id } }`,
      },
      ADMIN_HEADERS,
    );
    expect(defaulted.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(defaulted.body.errors?.[0]?.message).toMatch(/must be sent as a variable/);
    expect(webhookCalls()).toBe(0);
    expect(lines.filter((line) => line.includes(INLINE))).toEqual([]);
  });
});

describe('the README’s webhook example', () => {
  it('runs as written, as the administrator (the secret sent as a variable, not echoed)', async () => {
    const readme = readFileSync(join(projectRoot, 'README.md'), 'utf8');
    const start = readme.indexOf('### Webhooks');
    const block = /```graphql\n([\s\S]*?)```/.exec(readme.slice(start))?.[1] ?? '';
    const operations = parse(block).definitions.filter(
      (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
    );
    expect(operations.map((o) => o.name?.value ?? 'anonymous')).toEqual(['Hook', 'anonymous']);
    const created = await query(print(operations[0]!), { secret: SECRET });
    expect(created.errors).toBeUndefined();
    const id = created.data.createWebhook.id as string;
    const tested = await query(print(operations[1]!).replace('"…"', JSON.stringify(id)));
    expect(tested.errors).toBeUndefined();
    // The emulator delivers to loopback addresses only: ci.example.com is a failed delivery, reported as MLflow does.
    expect(tested.data.testWebhook.success).toBe(false);
    expect(JSON.stringify([created, tested])).not.toContain(SECRET);
    await query(`mutation { deleteWebhook(id: "${id}") { id } }`);
  });
});
