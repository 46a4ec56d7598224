// Attack class: automatic persisted queries as a cross-caller channel. APQ registrations follow the cache's
// sharing rule: where entries are per caller, one caller's registered text is neither served to another nor an
// oracle ("has anyone run this operation?") for them. Where sharing is earned (basic-auth), they stay shared.
import { createHash } from 'node:crypto';
import { ALICE, BOB } from '@mlflow-supergraph/mlflow-emulator';
import { startStack, type Stack } from '../helpers/startStack.js';
import { asBearer, asUser } from '../helpers/auth.js';
import { postJson } from '../helpers/graphql.js';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

async function apq(stack: Stack, query: string, headers: Record<string, string>, withText: boolean) {
  const body = {
    ...(withText ? { query } : {}),
    extensions: { persistedQuery: { version: 1, sha256Hash: sha256(query) } },
  };
  const answer = await postJson<{ data?: unknown; errors?: { extensions?: { code?: string } }[] }>(
    stack.gateway.graphqlUrl,
    body,
    headers,
  );
  return answer.body;
}

describe('APQ registrations, per caller (MLflow without a permission service)', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(() => stack?.close());

  it("does not serve, or reveal, one caller's registered operation to another caller or to anonymous", async () => {
    const query = `query SecretProject { experimentByName(name: "secret-project-${Date.now()}") { id } }`;
    const writer = asBearer('writer');
    // Registration (hash + text), then the writer's own hash-only request hits.
    expect((await apq(stack, query, writer, true)).errors).toBeUndefined();
    expect((await apq(stack, query, writer, false)).errors).toBeUndefined();
    // Another caller and an anonymous one learn nothing: the hash is unknown to them.
    const other = await apq(stack, query, asBearer('someone-else'), false);
    expect(other.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_FOUND');
    const anonymous = await apq(stack, query, {}, false);
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_FOUND');
  });
});

describe('APQ registrations, shared (MLflow basic-auth decides per object)', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ emulator: { auth: true } });
  });
  afterAll(() => stack?.close());

  it('serves a registered operation to every caller (sharing is earned here)', async () => {
    const query = `query Shared { experiments(first: 1) { nodes { id } } }`;
    expect((await apq(stack, query, asUser(ALICE), true)).errors).toBeUndefined();
    const bob = await apq(stack, query, asUser(BOB), false);
    expect(bob.errors).toBeUndefined();
  });
});
