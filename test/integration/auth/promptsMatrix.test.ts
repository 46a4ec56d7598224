// The authorization matrix for prompts (MLflow 3's prompt registry), against the emulator in 3.11.1 mode behind
// basic-auth: every persona × every path to a private prompt (read, list, versions, alias, _entities, cursors, ACL)
// and every prompt write. A prompt is a registered model, so its grants are the model's: carol has NO_PERMISSIONS on
// "private-prompt", bob READ, alice the server's default READ, the admin everything. A denied prompt never appears —
// not its name in a list, not its template anywhere — and a refused write reaches nothing upstream. On Databricks and
// GitLab, which have no prompt registry the graph speaks, every prompt field answers UNSUPPORTED_BY_BACKEND with no
// call at all (not even a permission check).
//
// Twice: callers with their own credentials (MLflow's basic-auth also refuses them), and callers a trusted proxy vouches
// for while the graph calls MLflow as the admin, where the graph's own checks are all that stand between a caller and
// the prompt (every rule here fails this mode when removed).
import { graphql } from 'graphql';
import { DATABRICKS_ALICE, GITLAB_MAINTAINER, type EmulatorOptions } from '@mlflow-supergraph/mlflow-emulator';
import { createRequestContext } from '../../../src/context/createRequestContext.js';
import { createServices } from '../../../src/context/createServices.js';
import { createRegistrySchema } from '../../../src/subgraphs/registry/schema.js';
import { asBearer } from '../../helpers/auth.js';
import { CALLER_MODES, holds, PEOPLE, type Person } from '../../helpers/basicAuthPersonas.js';
import { startStack, type Stack } from '../../helpers/startStack.js';
import { writeCalls } from '../../helpers/upstreamCalls.js';

const PRIVATE = 'private-prompt';
/** Text that appears only in the private prompt's templates: any response holding it leaked the prompt. */
const SECRET = 'quarterly-forecast-secret';
const READERS: Person[] = ['admin', 'alice', 'bob'];

let checks = 0;

const leaks = (body: { data?: unknown; errors?: { message: string }[] }) => holds(SECRET, body);

afterAll(() => {
  console.log(`authorization matrix (prompts, MLflow 3 basic-auth): ${checks} checks, 0 leaks`);
});

/** Read paths to the private prompt: a query, and how to tell the prompt came back. */
const READS: {
  name: string;
  query: string;
  /** Whether anything of the prompt came back. */
  found: (data: any) => boolean;
  /** What a reader must get (default: found). */
  whole?: (data: any) => boolean;
  single: boolean;
}[] = [
  {
    name: 'prompt(name)',
    query: `{ prompt(name: "${PRIVATE}") { name latestVersion { template } } }`,
    found: (d) => d?.prompt?.name === PRIVATE || Boolean(d?.prompt?.latestVersion?.template?.includes(SECRET)),
    single: true,
  },
  {
    name: 'prompts list',
    query: `{ prompts(first: 50) { nodes { name } } }`,
    found: (d) => d?.prompts?.nodes?.some((p: any) => p.name === PRIVATE),
    single: false,
  },
  {
    name: 'prompts list (filtered)',
    query: `{ prompts(filter: "name LIKE 'private-%'") { nodes { name latestVersion { template } } } }`,
    found: (d) => (d?.prompts?.nodes?.length ?? 0) > 0 || JSON.stringify(d ?? null).includes(PRIVATE),
    single: false,
  },
  {
    name: 'Prompt.versions (nested)',
    query: `{ prompt(name: "${PRIVATE}") { versions(first: 5) { nodes { template } } } }`,
    found: (d) => Boolean(d?.prompt),
    whole: (d) =>
      d?.prompt?.versions?.nodes?.every((v: any) => v.template.includes(SECRET)) &&
      d.prompt.versions.nodes.length === 2,
    single: true,
  },
  {
    name: 'Prompt.versionByAlias (nested)',
    query: `{ prompt(name: "${PRIVATE}") { versionByAlias(alias: "production") { template } } }`,
    found: (d) => Boolean(d?.prompt),
    whole: (d) => d?.prompt?.versionByAlias?.template === `v1 ${SECRET} {{q}}`,
    single: true,
  },
  {
    name: 'Prompt.aliases → promptVersion (nested)',
    query: `{ prompt(name: "${PRIVATE}") { aliases { alias promptVersion { template } } } }`,
    found: (d) => Boolean(d?.prompt),
    whole: (d) => d?.prompt?.aliases?.[0]?.promptVersion?.template === `v1 ${SECRET} {{q}}`,
    single: true,
  },
  {
    name: 'Prompt.viewerPermission (permissions subgraph)',
    query: `{ prompt(name: "${PRIVATE}") { viewerPermission } }`,
    found: (d) => Boolean(d?.prompt),
    whole: (d) => typeof d?.prompt?.viewerPermission === 'string',
    single: true,
  },
  {
    name: 'registeredModels never lists a prompt',
    query: `{ registeredModels(first: 100) { nodes { name } } }`,
    found: () => false,
    single: false,
  },
];

describe.each(CALLER_MODES)('prompts behind MLflow 3 basic-auth: $mode', ({ env, headers }) => {
  let stack: Stack;
  const HEADERS = Object.fromEntries(PEOPLE.map((person) => [person, headers(person)])) as Record<
    Person,
    Record<string, string>
  >;

  beforeAll(async () => {
    stack = await startStack({ emulator: { seed: 'demo', auth: true, mlflowVersion: '3.11.1' }, env });
    const setup = await stack.query(
      `mutation {
        createPrompt(input: { name: "${PRIVATE}", template: "v1 ${SECRET} {{q}}", commitMessage: "first" }) { name }
      }`,
      {},
      HEADERS.admin,
    );
    expect(setup.errors).toBeUndefined();
    const more = await stack.query(
      `mutation {
        createPromptVersion(input: { name: "${PRIVATE}", template: "v2 ${SECRET} {{q}}" }) { version }
        setPromptAlias(name: "${PRIVATE}", alias: "production", version: 1) { version }
        carol: setRegisteredModelPermission(name: "${PRIVATE}", grantee: { name: "carol" }, level: NO_PERMISSIONS) { objectId }
        bob: setRegisteredModelPermission(name: "${PRIVATE}", grantee: { name: "bob" }, level: CAN_READ) { objectId }
      }`,
      {},
      HEADERS.admin,
    );
    expect(more.errors).toBeUndefined();
  });

  afterAll(async () => {
    await stack?.close();
  });

  describe.each(PEOPLE)('prompt reads as %s', (person) => {
    it.each(READS.map((path) => [path.name, path]))('%s', async (name, path) => {
      const result = await stack.query(path.query, {}, HEADERS[person]);
      checks += 1;
      if (name.startsWith('registeredModels')) {
        expect(result.errors).toBeUndefined();
        expect(result.data.registeredModels.nodes.map((m: any) => m.name)).not.toContain(PRIVATE);
        return;
      }
      if (READERS.includes(person)) {
        expect(result.errors).toBeUndefined();
        expect((path.whole ?? path.found)(result.data)).toBe(true);
        return;
      }
      expect(path.found(result.data)).toBeFalsy();
      expect(leaks(result)).toBe(false);
      if (path.single) expect((result.errors ?? []).map((e) => e.extensions?.code)).toContain('FORBIDDEN');
      else expect(JSON.stringify(result.data)).not.toContain(PRIVATE);
    });
  });

  describe('the prompt ACL (Prompt.permissions)', () => {
    it.each(PEOPLE)('%s: managers only; the admin sees every grant from the server’s user list', async (person) => {
      const result = await stack.query(
        `{ prompt(name: "${PRIVATE}") { permissions { complete defaultLevel entries { grantee { name } level } } } }`,
        {},
        HEADERS[person],
      );
      checks += 1;
      if (person !== 'admin') {
        expect(result.data?.prompt?.permissions ?? null).toBeNull();
        expect(leaks(result)).toBe(false);
        return;
      }
      expect(result.errors).toBeUndefined();
      const acl = result.data.prompt.permissions;
      expect(acl.complete).toBe(true);
      expect(acl.defaultLevel).toBe('CAN_READ');
      expect(acl.entries).toEqual(
        expect.arrayContaining([
          { grantee: { name: 'admin' }, level: 'CAN_MANAGE' },
          { grantee: { name: 'bob' }, level: 'CAN_READ' },
          { grantee: { name: 'carol' }, level: 'NO_PERMISSIONS' },
        ]),
      );
    });
  });

  describe('cursors', () => {
    it('a cursor issued to bob for the prompt list is refused for carol, before any upstream call', async () => {
      const bob = await stack.query(`{ prompts(first: 1) { pageInfo { endCursor } } }`, {}, HEADERS.bob);
      const cursor = bob.data.prompts.pageInfo.endCursor;
      expect(typeof cursor).toBe('string');
      stack.emulator.resetCalls();
      const carol = await stack.query(
        `query($after: String) { prompts(first: 5, after: $after) { nodes { name } } }`,
        { after: cursor },
        HEADERS.carol,
      );
      checks += 1;
      expect(carol.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(stack.emulator.callCount('GET /api/2.0/mlflow/registered-models/search')).toBe(0);
    });
  });

  describe('_entities sent directly to the registry subgraph', () => {
    it.each(PEOPLE)('Prompt and PromptVersion as %s', async (person) => {
      const services = createServices(stack.config, stack.emulator.url);
      const context = createRequestContext(services, HEADERS[person]);
      const result = await graphql({
        schema: createRegistrySchema(),
        source: `query($r: [_Any!]!) { _entities(representations: $r) { ... on Prompt { name } ... on PromptVersion { template } } }`,
        variableValues: {
          r: [
            { __typename: 'Prompt', name: PRIVATE },
            { __typename: 'PromptVersion', name: PRIVATE, version: 2 },
          ],
        },
        contextValue: context,
      });
      await services.close();
      checks += 2;
      const data = result.data?._entities as any[];
      if (READERS.includes(person)) {
        expect(result.errors).toBeUndefined();
        expect(data[0]?.name).toBe(PRIVATE);
        expect(data[1]?.template).toContain(SECRET);
      } else {
        expect(data?.[0] ?? null).toBeNull();
        expect(data?.[1] ?? null).toBeNull();
        expect(result.errors?.map((e) => e.extensions?.code)).toContain('FORBIDDEN');
        expect(JSON.stringify(result)).not.toContain(SECRET);
      }
    });
  });

  /** Prompt writes on the private prompt, each with the MLflow endpoint it would reach. */
  const WRITES: { name: string; query: string; upstream: string }[] = [
    {
      name: 'createPromptVersion',
      query: `mutation { createPromptVersion(input: { name: "${PRIVATE}", template: "hijacked" }) { version } }`,
      upstream: 'POST /api/2.0/mlflow/model-versions/create',
    },
    {
      name: 'setPromptAlias',
      query: `mutation { setPromptAlias(name: "${PRIVATE}", alias: "production", version: 2) { version } }`,
      upstream: 'POST /api/2.0/mlflow/registered-models/alias',
    },
    {
      name: 'deletePromptAlias',
      query: `mutation { deletePromptAlias(name: "${PRIVATE}", alias: "production") { name } }`,
      upstream: 'DELETE /api/2.0/mlflow/registered-models/alias',
    },
    {
      name: 'setPromptTag',
      query: `mutation { setPromptTag(name: "${PRIVATE}", tag: { key: "k", value: "v" }) { name } }`,
      upstream: 'POST /api/2.0/mlflow/registered-models/set-tag',
    },
    {
      name: 'setPromptVersionTag',
      query: `mutation { setPromptVersionTag(name: "${PRIVATE}", version: 1, tag: { key: "k", value: "v" }) { version } }`,
      upstream: 'POST /api/2.0/mlflow/model-versions/set-tag',
    },
    {
      name: 'deletePromptVersion',
      query: `mutation { deletePromptVersion(name: "${PRIVATE}", version: 1) { version } }`,
      upstream: 'DELETE /api/2.0/mlflow/model-versions/delete',
    },
    {
      name: 'deletePrompt',
      query: `mutation { deletePrompt(name: "${PRIVATE}") { name } }`,
      upstream: 'DELETE /api/2.0/mlflow/registered-models/delete',
    },
  ];

  describe.each(['alice', 'bob', 'carol'] as Person[])('prompt writes as %s', (person) => {
    it.each(WRITES.map((w) => [w.name, w]))('%s is refused before reaching MLflow', async (_, write) => {
      stack.emulator.resetCalls();
      const result = await stack.query(write.query, {}, HEADERS[person]);
      checks += 1;
      expect(result.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      expect(stack.emulator.callCount(write.upstream)).toBe(0);
      expect(writeCalls(stack.emulator.calls())).toEqual([]);
      // Nothing of the prompt was read to decide either: only the caller's own permission profile.
      expect(stack.emulator.callCount('GET /api/2.0/mlflow/registered-models/get')).toBe(0);
      expect(leaks(result)).toBe(false);
    });
  });

  it('a manager who is no administrator sees her own entry only, and the user list is never asked for', async () => {
    // Behind the proxy the graph's service credentials could list users: the caller's own admin flag decides.
    const created = await stack.query(
      `mutation { createPrompt(input: { name: "alice-prompt", template: "Hi {{name}}" }) { name } }`,
      {},
      HEADERS.alice,
    );
    expect(created.errors).toBeUndefined();
    stack.emulator.resetCalls();
    const result = await stack.query(
      `{ prompt(name: "alice-prompt") { permissions { complete entries { grantee { name } level } } } }`,
      {},
      HEADERS.alice,
    );
    checks += 1;
    expect(result.errors).toBeUndefined();
    expect(result.data.prompt.permissions).toEqual({
      complete: false,
      entries: [{ grantee: { name: 'alice' }, level: 'CAN_MANAGE' }],
    });
    expect(stack.emulator.callCount('GET /api/2.0/mlflow/users/list')).toBe(0);
  });

  it('lets the admin write (the refusals above are about permission, not breakage)', async () => {
    const result = await stack.query(
      `mutation { setPromptTag(name: "${PRIVATE}", tag: { key: "audited", value: "yes" }) { tag(key: "audited") } }`,
      {},
      HEADERS.admin,
    );
    expect(result.errors).toBeUndefined();
    expect(result.data.setPromptTag.tag).toBe('yes');
  });
});

describe.each<[string, EmulatorOptions, Record<string, string>, Record<string, string>]>([
  [
    'Databricks',
    { seed: 'demo', databricks: true },
    { MLFLOW_SUPERGRAPH_BACKEND: 'databricks' },
    asBearer(DATABRICKS_ALICE.token),
  ],
  ['GitLab', { seed: 'demo', gitlab: true }, {}, asBearer(GITLAB_MAINTAINER.token)],
])('prompts on %s', (name, emulator, env, writer) => {
  let backend: Stack;
  beforeAll(async () => {
    backend = await startStack({ emulator, env });
  });
  afterAll(async () => {
    await backend?.close();
  });

  it.each([
    ['Query.prompts', `{ prompts { nodes { name } } }`, 'prompts'],
    ['Query.prompt', `{ prompt(name: "fraud-detector") { name } }`, 'prompt'],
    [
      'Mutation.createPrompt',
      `mutation { createPrompt(input: { name: "p", template: "x" }) { name } }`,
      'createPrompt',
    ],
    [
      'Mutation.createPromptVersion',
      `mutation { createPromptVersion(input: { name: "fraud-detector", template: "x" }) { version } }`,
      'createPromptVersion',
    ],
    [
      'Mutation.setPromptAlias',
      `mutation { setPromptAlias(name: "fraud-detector", alias: "a", version: 1) { version } }`,
      'setPromptAlias',
    ],
    [
      'Mutation.deletePromptAlias',
      `mutation { deletePromptAlias(name: "fraud-detector", alias: "a") { name } }`,
      'deletePromptAlias',
    ],
  ])(`%s answers UNSUPPORTED_BY_BACKEND with no upstream call (${name})`, async (_, query, path) => {
    backend.emulator.resetCalls();
    const result = await backend.query(query, {}, writer);
    checks += 1;
    const error = result.errors?.find((e) => (e.path ?? []).join('.') === path);
    expect(error?.extensions?.code).toBe('UNSUPPORTED_BY_BACKEND');
    expect(backend.emulator.totalCalls()).toBe(0);
  });
});
