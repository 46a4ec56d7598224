// The authorization matrix for webhooks (MLflow 3.3+): every permission backend × every persona × every webhook field.
// Managing and reading webhooks needs an administrator of the backend, as MLflow's basic-auth requires (corpus seq 376,
// 380): a user with MANAGE on every object is still refused, and so is one with nothing. A refused call reaches no
// webhook endpoint and writes nothing (the only upstream call allowed is the caller's own permission profile). Where the
// permission service cannot tell an administrator (no service, GitLab) the rule fails closed; where the backend has no
// webhooks (MLflow 2.12.2, Databricks, GitLab) every field answers UNSUPPORTED_BY_BACKEND with no call at all.
//
// Basic-auth runs twice: callers with their own credentials (MLflow would refuse them too), and callers a trusted proxy
// vouches for while the graph calls MLflow as the admin — there the graph's check is all that stands in the way.
import {
  ADMIN,
  ALICE,
  BOB,
  CAROL,
  DATABRICKS_ADMIN,
  GITLAB_OWNER,
  type EmulatorOptions,
} from '@mlflow-supergraph/mlflow-emulator';
import { asBearer, asUser } from '../../helpers/auth.js';
import { startPermissionService, type FakePermissionService } from '../../helpers/startPermissionService.js';
import { startStack, type Stack } from '../../helpers/startStack.js';
import { callsMatching, writeCalls } from '../../helpers/upstreamCalls.js';

type Headers = Record<string, string>;
const MLFLOW_3 = '3.11.1';
const HOOK_URL = 'https://hooks.example.com/ci';

let checks = 0;
afterAll(() => {
  console.log(`authorization matrix (webhooks): ${checks} checks, 0 refused calls reached a webhook endpoint`);
});

/** Every webhook field, as a query and the path its error is reported at; `id` is a real webhook's. */
const FIELDS: { name: string; path: string; query: (id: string) => string }[] = [
  { name: 'Query.webhooks', path: 'webhooks', query: () => `{ webhooks(first: 10) { nodes { id name url } } }` },
  { name: 'Query.webhook', path: 'webhook', query: (id) => `{ webhook(id: "${id}") { id name url } }` },
  {
    name: 'Mutation.createWebhook',
    path: 'createWebhook',
    query: () =>
      `mutation($secret: String) { createWebhook(input: { name: "intruder", url: "${HOOK_URL}", secret: $secret, events: [{ entity: MODEL_VERSION, action: CREATED }] }) { id } }`,
  },
  {
    name: 'Mutation.updateWebhook',
    path: 'updateWebhook',
    query: (id) => `mutation { updateWebhook(id: "${id}", input: { url: "https://attacker.example.com/x" }) { id } }`,
  },
  {
    name: 'Mutation.testWebhook',
    path: 'testWebhook',
    query: (id) => `mutation { testWebhook(id: "${id}") { success } }`,
  },
  {
    name: 'Mutation.deleteWebhook',
    path: 'deleteWebhook',
    query: (id) => `mutation { deleteWebhook(id: "${id}") { id } }`,
  },
];

/** A backend where webhooks exist, with who may manage them and who may not. */
interface AdminCase {
  name: string;
  emulator: EmulatorOptions;
  env?: Record<string, string>;
  /** Started beside the emulator: the custom permission service, with its rules. */
  permissionService?: boolean;
  /** The administrator, when the backend can have one. */
  admin?: Headers;
  /** Everyone else, by what they hold. */
  refused: Record<string, Headers>;
}

const proxied = (user: string): Headers => ({ 'x-forwarded-user': user });
const byEmail = (email: string): Headers => ({ 'x-forwarded-email': email });
const ADMIN_ENV = { MLFLOW_TRACKING_USERNAME: ADMIN.username, MLFLOW_TRACKING_PASSWORD: ADMIN.password };
const WEBHOOK_URLS = { allowedSchemes: ['https'], allowPrivateIps: false };

const ADMIN_CASES: AdminCase[] = [
  {
    name: 'basic-auth, own credentials, default MANAGE',
    emulator: {
      seed: 'demo',
      auth: true,
      mlflowVersion: MLFLOW_3,
      defaultPermission: 'MANAGE',
      webhooks: WEBHOOK_URLS,
    },
    admin: asUser(ADMIN),
    refused: { 'alice (MANAGE on everything, no admin)': asUser(ALICE), 'bob (MANAGE on everything)': asUser(BOB) },
  },
  {
    name: 'basic-auth, own credentials, default NO_PERMISSIONS',
    emulator: {
      seed: 'demo',
      auth: true,
      mlflowVersion: MLFLOW_3,
      defaultPermission: 'NO_PERMISSIONS',
      webhooks: WEBHOOK_URLS,
    },
    admin: asUser(ADMIN),
    refused: { 'carol (NO_PERMISSIONS)': asUser(CAROL), 'bob (a few READ grants)': asUser(BOB) },
  },
  {
    name: 'basic-auth behind a trusted proxy (the graph calls MLflow as the admin), default MANAGE',
    emulator: {
      seed: 'demo',
      auth: true,
      mlflowVersion: MLFLOW_3,
      defaultPermission: 'MANAGE',
      webhooks: WEBHOOK_URLS,
    },
    env: { ...ADMIN_ENV, MLFLOW_SUPERGRAPH_TRUSTED_PROXY: 'true' },
    admin: proxied(ADMIN.username),
    refused: { 'alice (MANAGE on everything)': proxied(ALICE.username), carol: proxied(CAROL.username) },
  },
  {
    name: 'custom permission service (its `admin` answer decides)',
    emulator: { seed: 'demo', mlflowVersion: MLFLOW_3, webhooks: WEBHOOK_URLS },
    env: { MLFLOW_SUPERGRAPH_TRUSTED_PROXY: 'true' },
    permissionService: true,
    admin: byEmail('root@example.com'),
    refused: { 'a CAN_MANAGE-everywhere user': byEmail('alice@example.com'), 'an unknown user': byEmail('x@y.z') },
  },
  {
    name: 'no permission service (it cannot tell an administrator: fails closed)',
    emulator: { seed: 'demo', mlflowVersion: MLFLOW_3, webhooks: WEBHOOK_URLS },
    refused: { anonymous: {}, 'a bearer token': asBearer('some-token') },
  },
];

describe.each(ADMIN_CASES.map((c) => [c.name, c]))('webhooks: %s', (_name, testCase) => {
  let stack: Stack;
  let service: FakePermissionService | undefined;
  let id = 'no-webhook-yet';

  beforeAll(async () => {
    let env = { ...testCase.env };
    if (testCase.permissionService) {
      service = await startPermissionService({
        rules: {
          'root@example.com': { default: 'CAN_MANAGE', admin: true },
          'alice@example.com': { default: 'CAN_MANAGE', admin: false },
        },
        batch: true,
      });
      env = {
        ...env,
        MLFLOW_SUPERGRAPH_PERMISSIONS: 'http',
        MLFLOW_SUPERGRAPH_PERMISSION_SERVICE_URL: service.url,
        MLFLOW_SUPERGRAPH_PERMISSION_SERVICE_BATCH: 'true',
      };
    }
    stack = await startStack({ emulator: testCase.emulator, env });
    // A webhook to aim the refused calls at, made in MLflow directly (the graph may refuse everyone here).
    id = stack.emulator.store.webhooks.create({
      name: 'existing-hook',
      url: HOOK_URL,
      events: [{ entity: 'REGISTERED_MODEL', action: 'CREATED' }],
      description: null,
      secret: 'existing-secret',
      status: 'ACTIVE',
    }).webhookId;
    // The server's version is read with a caller's credentials once (basic-auth hides it from anonymous probes).
    await stack.query('{ backend { version } }', {}, testCase.admin ?? Object.values(testCase.refused)[0]);
  });

  afterAll(async () => {
    await stack?.close();
    await service?.close();
  });

  describe.each(Object.entries(testCase.refused))('%s', (_who, headers) => {
    it.each(FIELDS.map((f) => [f.name, f]))('%s is FORBIDDEN, and no webhook endpoint is called', async (_f, field) => {
      stack.emulator.resetCalls();
      const result = await stack.query(field.query(id), {}, headers);
      checks += 1;
      const error = result.errors?.find((e) => (e.path ?? []).join('.') === field.path);
      expect([field.name, error?.extensions?.code]).toEqual([field.name, 'FORBIDDEN']);
      expect(callsMatching(stack.emulator, '/webhooks')).toBe(0);
      expect(writeCalls(stack.emulator.calls())).toEqual([]);
      expect(JSON.stringify(result)).not.toContain('existing-hook');
      expect(stack.emulator.store.webhooks.webhooks.get(id)?.url).toBe(HOOK_URL);
    });
  });

  if (testCase.admin) {
    const admin = testCase.admin;
    it('lets the administrator list, read, update, test and delete (the refusals are about rights, not breakage)', async () => {
      const list = await stack.query(`{ webhooks { nodes { id name } } webhook(id: "${id}") { url } }`, {}, admin);
      expect(list.errors).toBeUndefined();
      expect(list.data.webhooks.nodes).toEqual([{ id, name: 'existing-hook' }]);
      expect(list.data.webhook.url).toBe(HOOK_URL);
      // MLflow's default policy refuses a private address: its own 400, passed on as BAD_USER_INPUT.
      const refusedUrl = await stack.query(
        `mutation { createWebhook(input: { name: "local", url: "https://127.0.0.1/x", events: [{ entity: PROMPT, action: CREATED }] }) { id } }`,
        {},
        admin,
      );
      expect(refusedUrl.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      const updated = await stack.query(
        `mutation { updateWebhook(id: "${id}", input: { status: DISABLED }) { status } }`,
        {},
        admin,
      );
      expect(updated.data?.updateWebhook.status).toBe('DISABLED');
      const tested = await stack.query(`mutation { testWebhook(id: "${id}") { success errorMessage } }`, {}, admin);
      expect(tested.errors).toBeUndefined();
      // The emulator delivers to loopback only: MLflow's answer for a delivery that went nowhere.
      expect(tested.data.testWebhook.success).toBe(false);
      const deleted = await stack.query(`mutation { deleteWebhook(id: "${id}") { id } }`, {}, admin);
      expect(deleted.data?.deleteWebhook.id).toBe(id);
      checks += 5;
    });
  }
});

/** Backends without MLflow's webhooks: every field refused before anything, whoever asks and whatever they send. */
const UNSUPPORTED: {
  name: string;
  emulator: EmulatorOptions;
  env?: Record<string, string>;
  headers: Headers;
  /** The server's version decides, and is read with a caller's credentials first (not on GitLab or Databricks). */
  readsVersion?: boolean;
}[] = [
  {
    name: 'MLflow 2.12.2 behind basic-auth, as its admin',
    emulator: { seed: 'demo', auth: true },
    headers: asUser(ADMIN),
    readsVersion: true,
  },
  {
    name: 'MLflow 3.2 (webhooks came in 3.3)',
    emulator: { seed: 'demo', mlflowVersion: '3.2.0' },
    headers: {},
    readsVersion: true,
  },
  {
    name: 'Databricks, as a workspace admin',
    emulator: { seed: 'demo', databricks: true },
    env: { MLFLOW_SUPERGRAPH_BACKEND: 'databricks' },
    headers: asBearer(DATABRICKS_ADMIN.token),
  },
  {
    name: 'GitLab, as the project owner',
    emulator: { seed: 'demo', gitlab: true },
    headers: asBearer(GITLAB_OWNER.token),
  },
];

describe.each(UNSUPPORTED.map((u) => [u.name, u]))('webhooks on %s', (_name, backend) => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ emulator: backend.emulator, ...(backend.env ? { env: backend.env } : {}) });
    // Not on GitLab: its backend query also looks the project up, possibly after the counters are reset.
    if (backend.readsVersion) await stack.query('{ backend { version } }', {}, backend.headers);
  });
  afterAll(async () => {
    await stack?.close();
  });

  it.each(FIELDS.map((f) => [f.name, f]))(
    '%s answers UNSUPPORTED_BY_BACKEND with 0 upstream calls',
    async (_f, field) => {
      stack.emulator.resetCalls();
      const result = await stack.query(field.query('abc'), {}, backend.headers);
      checks += 1;
      const error = result.errors?.find((e) => (e.path ?? []).join('.') === field.path);
      expect([field.name, error?.extensions?.code]).toEqual([field.name, 'UNSUPPORTED_BY_BACKEND']);
      expect([field.name, stack.emulator.calls()]).toEqual([field.name, {}]);
    },
  );

  it('refuses even a bad argument as unsupported first (the backend’s answer comes before the input’s)', async () => {
    stack.emulator.resetCalls();
    const result = await stack.query(`mutation { deleteWebhook(id: "..") { id } }`, {}, backend.headers);
    expect(result.errors?.[0]?.extensions?.code).toBe('UNSUPPORTED_BY_BACKEND');
    expect(stack.emulator.totalCalls()).toBe(0);
  });
});
