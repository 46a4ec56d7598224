import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { MLFLOW3_VERSION, signDelivery, startEmulator, type Emulator } from '../src/index.js';
import { pyJsonDumps } from '../src/pyJson.js';
import { pythonUtcIsoformat } from '../src/webhookDelivery.js';
import { call } from './httpClient.js';

interface Received {
  readonly path: string;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
}

/** A loopback receiver that keeps what it gets and answers `{"ok": 1}` (or the status it is told to). */
async function startSink(status = 200): Promise<{ url: string; received: Received[]; close: () => Promise<void> }> {
  const received: Received[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({ path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(status, { 'Content-Type': 'application/json' });
      res.end('{"ok": 1}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const LOOPBACK_WEBHOOKS = { allowedSchemes: ['http', 'https'], allowPrivateIps: true };
const ALL_REGISTRY_EVENTS = [
  { entity: 'REGISTERED_MODEL', action: 'CREATED' },
  { entity: 'MODEL_VERSION', action: 'CREATED' },
  { entity: 'MODEL_VERSION_TAG', action: 'SET' },
  { entity: 'MODEL_VERSION_ALIAS', action: 'CREATED' },
  { entity: 'PROMPT', action: 'CREATED' },
  { entity: 'PROMPT_VERSION', action: 'CREATED' },
  { entity: 'PROMPT_ALIAS', action: 'CREATED' },
];

describe('webhooks (MLflow 3 mode)', () => {
  let emulator: Emulator;
  let sink: Awaited<ReturnType<typeof startSink>>;

  beforeAll(async () => {
    emulator = await startEmulator({ mlflowVersion: MLFLOW3_VERSION, webhooks: LOOPBACK_WEBHOOKS });
    sink = await startSink();
  });
  afterAll(async () => {
    await emulator.close();
    await sink.close();
  });
  beforeEach(() => {
    emulator.reset();
    sink.received.length = 0;
  });

  const create = (body: Record<string, unknown>) =>
    call(emulator.url, '/api/2.0/mlflow/webhooks', { method: 'POST', body });

  it('creates, lists newest first with offset page tokens, updates and deletes', async () => {
    const first = await create({ name: 'hook-1', url: `${sink.url}/a`, events: ALL_REGISTRY_EVENTS, secret: 's' });
    expect(first.status).toBe(200);
    const webhook = first.json<{ webhook: Record<string, unknown> }>().webhook;
    expect(webhook).toMatchObject({ name: 'hook-1', status: 'ACTIVE', url: `${sink.url}/a` });
    expect(webhook).not.toHaveProperty('secret');
    // Events come back in the table's order (entity, then action), not the request's.
    expect((webhook['events'] as Array<{ entity: string }>).map((event) => event.entity)).toEqual([
      'MODEL_VERSION',
      'MODEL_VERSION_ALIAS',
      'MODEL_VERSION_TAG',
      'PROMPT',
      'PROMPT_ALIAS',
      'PROMPT_VERSION',
      'REGISTERED_MODEL',
    ]);
    const second = await create({ name: 'hook-2', url: `${sink.url}/b`, events: ALL_REGISTRY_EVENTS.slice(0, 1) });
    const secondId = second.json<{ webhook: { webhook_id: string } }>().webhook.webhook_id;

    const page = await call(emulator.url, '/api/2.0/mlflow/webhooks?max_results=1');
    expect(page.json()).toEqual({
      webhooks: [expect.objectContaining({ name: 'hook-2' })],
      next_page_token: Buffer.from('{"offset": 1}').toString('base64'),
    });

    const updated = await call(emulator.url, `/api/2.0/mlflow/webhooks/${secondId}`, {
      method: 'PATCH',
      body: { description: 'changed', status: 'DISABLED' },
    });
    expect(updated.json()).toMatchObject({ webhook: { description: 'changed', status: 'DISABLED' } });

    expect((await call(emulator.url, `/api/2.0/mlflow/webhooks/${secondId}`, { method: 'DELETE' })).json()).toEqual({});
    const again = await call(emulator.url, `/api/2.0/mlflow/webhooks/${secondId}`, { method: 'DELETE' });
    expect(again.status).toBe(404);
    expect(again.json()).toEqual({
      error_code: 'RESOURCE_DOES_NOT_EXIST',
      message: `Webhook with ID ${secondId} not found.`,
    });
  });

  it('answers invalid events as MLflow does: a 400 for a bad pair, the HTML 500 for names outside the enum', async () => {
    const badPair = await create({ name: 'x', url: sink.url, events: [{ entity: 'REGISTERED_MODEL', action: 'SET' }] });
    expect(badPair.json()).toEqual({
      error_code: 'INVALID_PARAMETER_VALUE',
      message: "Invalid action 'set' for entity 'registered_model'. Valid actions are: ['created']",
    });
    const lower = await create({ name: 'x', url: sink.url, events: [{ entity: 'prompt', action: 'created' }] });
    expect(lower.status).toBe(500);
    expect(lower.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const tagPair = await create({ name: 'x', url: sink.url, events: [{ entity: 'PROMPT_TAG', action: 'CREATED' }] });
    expect(tagPair.json<{ message: string }>().message).toBe(
      "Invalid action 'created' for entity 'prompt_tag'. Valid actions are: ['deleted', 'set']",
    );
  });

  it('delivers registry writes to active subscribers, signed, in order, with prompt payloads told apart', async () => {
    await create({ name: 'all', url: `${sink.url}/hook`, events: ALL_REGISTRY_EVENTS, secret: 'shh' });
    await create({ name: 'off', url: `${sink.url}/off`, events: ALL_REGISTRY_EVENTS, status: 'DISABLED' });
    const registry = emulator.store.registry;
    registry.createRegisteredModel('m', [{ key: 'team', value: 'qa' }], 'a model');
    registry.createModelVersion({
      name: 'm',
      source: 'models:/m-1',
      runId: '',
      runLink: '',
      description: null,
      tags: [],
    });
    registry.setModelVersionTag('m', '1', 'validated', 'yes');
    registry.setRegisteredModelAlias('m', 'champion', '1');
    registry.setRegisteredModelTag('m', 'not-an-event', 'x');
    registry.createRegisteredModel(
      'p',
      [
        { key: 'mlflow.prompt.is_prompt', value: 'true' },
        { key: '_mlflow_prompt_type', value: 'text' },
        { key: 'lang', value: 'en' },
      ],
      'a prompt',
    );
    registry.createModelVersion({
      name: 'p',
      source: 'dummy-source',
      runId: '',
      runLink: '',
      description: 'v1',
      tags: [
        { key: 'mlflow.prompt.is_prompt', value: 'true' },
        { key: 'mlflow.prompt.text', value: 'Hi {{name}}' },
      ],
    });
    await emulator.store.webhooks.idle();

    expect(sink.received.map((delivery) => delivery.path)).toEqual(Array(6).fill('/hook'));
    const bodies = sink.received.map((delivery) => JSON.parse(delivery.body) as Record<string, unknown>);
    expect(bodies.map((body) => `${String(body['entity'])}.${String(body['action'])}`)).toEqual([
      'registered_model.created',
      'model_version.created',
      'model_version_tag.set',
      'model_version_alias.created',
      'prompt.created',
      'prompt_version.created',
    ]);
    expect(bodies.map((body) => body['data'])).toEqual([
      { name: 'm', tags: { team: 'qa' }, description: 'a model' },
      { name: 'm', version: '1', source: 'models:/m-1', run_id: null, tags: {}, description: null },
      { name: 'm', version: '1', key: 'validated', value: 'yes' },
      { name: 'm', alias: 'champion', version: '1' },
      { name: 'p', tags: { lang: 'en' }, description: 'a prompt' },
      { name: 'p', version: '1', template: 'Hi {{name}}', tags: {}, description: 'v1' },
    ]);
    for (const delivery of sink.received) {
      const id = String(delivery.headers['x-mlflow-delivery-id']);
      const timestamp = String(delivery.headers['x-mlflow-timestamp']);
      expect(delivery.headers['x-mlflow-signature']).toBe(signDelivery('shh', id, timestamp, delivery.body));
      expect(delivery.body).toBe(pyJsonDumps(JSON.parse(delivery.body)));
    }
  });

  it('tests a webhook synchronously with the example payload and reports the receiver, or the failure', async () => {
    const created = await create({ name: 't', url: `${sink.url}/t`, events: ALL_REGISTRY_EVENTS.slice(0, 2) });
    const id = created.json<{ webhook: { webhook_id: string } }>().webhook.webhook_id;
    const tested = await call(emulator.url, `/api/2.0/mlflow/webhooks/${id}/test`, { method: 'POST', body: {} });
    expect(tested.json()).toEqual({ result: { success: true, response_status: 200, response_body: '{"ok": 1}' } });
    // Without an event the first one (in MLflow's order) is used: model_version.created.
    expect(JSON.parse(sink.received[0]?.body ?? '{}')).toMatchObject({
      entity: 'model_version',
      action: 'created',
      data: { name: 'example_model', source: 'models:/123', run_id: 'abcd1234abcd5678' },
    });
    expect(sink.received[0]?.headers).not.toHaveProperty('x-mlflow-signature');

    const down = await startSink();
    await down.close();
    await call(emulator.url, `/api/2.0/mlflow/webhooks/${id}`, { method: 'PATCH', body: { url: `${down.url}/gone` } });
    const failed = await call(emulator.url, `/api/2.0/mlflow/webhooks/${id}/test`, {
      method: 'POST',
      body: { event: { entity: 'PROMPT_ALIAS', action: 'CREATED' } },
    });
    expect(failed.json()).toEqual({
      result: { success: false, error_message: expect.stringMatching(/^Failed to test webhook: ConnectionError\(/) },
    });
  });

  it('never sends to a non-loopback address, even when the URL policy accepts it', async () => {
    // 203.0.113.0/24 is reserved for documentation: nothing answers there even if a packet did leave.
    const open = await startEmulator({
      mlflowVersion: MLFLOW3_VERSION,
      webhooks: { allowedSchemes: ['https'], allowPrivateIps: true },
    });
    try {
      const created = await call(open.url, '/api/2.0/mlflow/webhooks', {
        method: 'POST',
        body: { name: 'far', url: 'https://203.0.113.7/hook', events: ALL_REGISTRY_EVENTS.slice(0, 1) },
      });
      const id = created.json<{ webhook: { webhook_id: string } }>().webhook.webhook_id;
      const tested = await call(open.url, `/api/2.0/mlflow/webhooks/${id}/test`, { method: 'POST', body: {} });
      expect(tested.json<{ result: { success: boolean; error_message: string } }>().result).toEqual({
        success: false,
        error_message: expect.stringContaining('loopback addresses only'),
      });
      expect(open.store.webhooks.deliveries).toEqual([
        expect.objectContaining({ error: expect.stringContaining('loopback') }),
      ]);
    } finally {
      await open.close();
    }
  });

  it("keeps MLflow's URL defaults: https only, no private addresses", async () => {
    const strict = await startEmulator({ mlflowVersion: MLFLOW3_VERSION });
    try {
      const post = (url: string) =>
        call(strict.url, '/api/2.0/mlflow/webhooks', {
          method: 'POST',
          body: { name: 'h', url, events: ALL_REGISTRY_EVENTS.slice(0, 1) },
        });
      expect((await post('http://127.0.0.1:9/hook')).json<{ message: string }>().message).toBe(
        "Invalid webhook URL scheme: 'http'. Allowed schemes are: https.",
      );
      expect((await post('https://localhost/hook')).json<{ message: string }>().message).toBe(
        "Webhook URL must not resolve to a non-public IP address. 'localhost' resolves to 127.0.0.1.",
      );
      expect((await post('https://10.1.2.3/hook')).status).toBe(400);
      expect((await post('https://93.184.216.34/hook')).status).toBe(200);
    } finally {
      await strict.close();
    }
  });

  it('is absent in 2.x mode', async () => {
    const old = await startEmulator();
    try {
      expect((await call(old.url, '/api/2.0/mlflow/webhooks')).status).toBe(404);
    } finally {
      await old.close();
    }
  });
});

describe('webhook wire formats', () => {
  it("serialises like Python's json.dumps and datetime.isoformat", () => {
    expect(pyJsonDumps({ a: 'é', b: [1, null], c: { d: true } })).toBe(
      '{"a": "\\u00e9", "b": [1, null], "c": {"d": true}}',
    );
    expect(pythonUtcIsoformat(Date.UTC(2026, 11, 5, 15, 14, 7, 141))).toBe('2026-12-05T15:14:07.141000+00:00');
    expect(pythonUtcIsoformat(Date.UTC(2026, 11, 5, 15, 14, 7, 0))).toBe('2026-12-05T15:14:07+00:00');
  });

  it('signs as the recorded deliveries verify (corpus seq 386)', () => {
    const body =
      '{"entity": "model_version", "action": "created", "timestamp": "2026-12-05T15:14:07.141271+00:00", "data": {"name": "example_model", "version": "1", "source": "models:/123", "run_id": "abcd1234abcd5678", "tags": {"example_key": "example_value"}, "description": "An example model version"}}';
    expect(signDelivery('corpus-webhook-secret', '53553bda-5d45-49a6-8345-b254d7ba11ce', '1796483647', body)).toBe(
      'v1,dzcKrcnyjLgNrcn9uJasbeSJe2slyBB4I03PFIK6Fcs=',
    );
  });
});

describe('webhooks behind basic auth', () => {
  it('are admin-only', async () => {
    const emulator = await startEmulator({
      mlflowVersion: MLFLOW3_VERSION,
      auth: true,
      adminPassword: 'admin-password-1',
    });
    try {
      await call(emulator.url, '/api/2.0/mlflow/users/create', {
        body: { username: 'bob', password: 'bob-password-123' },
        basic: { username: 'admin', password: 'admin-password-1' },
      });
      const asBob = await call(emulator.url, '/api/2.0/mlflow/webhooks', {
        basic: { username: 'bob', password: 'bob-password-123' },
      });
      expect([asBob.status, asBob.text]).toEqual([403, 'Permission denied']);
      const asAdmin = await call(emulator.url, '/api/2.0/mlflow/webhooks', {
        basic: { username: 'admin', password: 'admin-password-1' },
      });
      expect([asAdmin.status, asAdmin.json()]).toEqual([200, {}]);
    } finally {
      await emulator.close();
    }
  });
});
