// Protocol hygiene: a client's protocol mistake is HTTP 400 with a stable code (never a 500 or
// INTERNAL_SERVER_ERROR), and with introspection off no error message suggests schema names ("Did you mean …?").
import { createHash } from 'node:crypto';
import { subscriptionsNotSupportedMessage } from '../../src/gateway/useProtocolErrors.js';
import { startStack, type Stack } from '../helpers/startStack.js';
import { postJson } from '../helpers/graphql.js';

interface Answer {
  status: number;
  errors: { message: string; extensions?: { code?: string; reason?: string } }[];
  data?: unknown;
}

async function post(stack: Stack, body: Record<string, unknown>): Promise<Answer> {
  const { status, body: json } = await postJson<{ errors?: Answer['errors']; data?: unknown }>(
    stack.gateway.graphqlUrl,
    body,
  );
  return { status, errors: json.errors ?? [], data: json.data };
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const codes = (answer: Answer) => answer.errors.map((error) => error.extensions?.code);
const apq = (hash: string, version = 1) => ({ persistedQuery: { version, sha256Hash: hash } });

// A field, an argument and an enum value misspelled: each draws a suggestion from graphql-js.
const misspelled = [
  { query: '{ experimnt(id: "1") { id } }' },
  { query: '{ experiments(viewTyp: ACTIVE_ONLY) { nodes { id } } }' },
  { query: 'query($v: ViewType) { experiments(viewType: $v) { nodes { id } } }', variables: { v: 'ACTIVE_ONL' } },
];

describe('protocol mistakes (introspection off)', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ env: { GRAPHQL_INTROSPECTION: 'false' } });
  });
  afterAll(async () => stack?.close());

  it('several operations and no operationName: 400 OPERATION_RESOLUTION_FAILURE', async () => {
    const answer = await post(stack, { query: 'query A { __typename } query B { __typename }' });
    expect(answer.status).toBe(400);
    expect(codes(answer)).toEqual(['OPERATION_RESOLUTION_FAILURE']);
    expect(answer.errors[0]?.message).toMatch(/operationName/);
  });

  it('an unknown operationName: 400 OPERATION_RESOLUTION_FAILURE', async () => {
    const answer = await post(stack, { query: 'query A { __typename }', operationName: 'Z' });
    expect(answer.status).toBe(400);
    expect(codes(answer)).toEqual(['OPERATION_RESOLUTION_FAILURE']);
    expect(answer.errors[0]?.message).toContain('"Z"');
  });

  it('the named operation of several still runs', async () => {
    const answer = await post(stack, { query: 'query A { __typename } query B { __typename }', operationName: 'B' });
    expect(answer).toMatchObject({ status: 200, errors: [], data: { __typename: 'Query' } });
  });

  it('a subscription: 400 BAD_USER_INPUT, reason SUBSCRIPTIONS_NOT_SUPPORTED, saying so', async () => {
    for (const query of ['subscription S { __typename }', 'subscription { experiments { nodes { id } } }']) {
      const answer = await post(stack, { query });
      expect(answer.status).toBe(400);
      expect(answer.errors).toHaveLength(1);
      expect(answer.errors[0]?.extensions).toEqual({ code: 'BAD_USER_INPUT', reason: 'SUBSCRIPTIONS_NOT_SUPPORTED' });
      expect(answer.errors[0]?.message).toBe(subscriptionsNotSupportedMessage);
    }
  });

  it('a persisted-query hash that does not match the text: 400 PERSISTED_QUERY_HASH_MISMATCH, nothing registered', async () => {
    const query = '{ __typename }';
    const wrong = sha256('{ experiments { nodes { id } } }');
    const answer = await post(stack, { query, extensions: apq(wrong) });
    expect(answer.status).toBe(400);
    expect(codes(answer)).toEqual(['PERSISTED_QUERY_HASH_MISMATCH']);
    // The hash was not registered for that text.
    expect(codes(await post(stack, { extensions: apq(wrong) }))).toEqual(['PERSISTED_QUERY_NOT_FOUND']);
  });

  it('an unsupported persisted-query version: 400 BAD_USER_INPUT', async () => {
    const query = '{ __typename }';
    const answer = await post(stack, { query, extensions: apq(sha256(query), 2) });
    expect(answer.status).toBe(400);
    expect(answer.errors[0]?.extensions).toEqual({
      code: 'BAD_USER_INPUT',
      reason: 'PERSISTED_QUERY_VERSION_UNSUPPORTED',
    });
  });

  it('keeps the APQ protocol: NOT_FOUND (HTTP 200), then registration with the right hash, then a hit', async () => {
    const query = '{ __typename apq: __typename }';
    const hash = sha256(query);
    const miss = await post(stack, { extensions: apq(hash) });
    expect(miss.status).toBe(200);
    expect(codes(miss)).toEqual(['PERSISTED_QUERY_NOT_FOUND']);
    expect(await post(stack, { query, extensions: apq(hash) })).toMatchObject({
      status: 200,
      errors: [],
      data: { apq: 'Query' },
    });
    expect(await post(stack, { extensions: apq(hash) })).toMatchObject({
      status: 200,
      errors: [],
      data: { apq: 'Query' },
    });
  });

  it('validation and variable errors carry no "Did you mean" suggestion', async () => {
    for (const body of misspelled) {
      const answer = await post(stack, body);
      expect(answer.status).toBe(400);
      expect(answer.errors.length).toBeGreaterThan(0);
      expect(codes(answer).every((code) => code === 'BAD_USER_INPUT')).toBe(true);
      for (const error of answer.errors) expect(error.message).not.toMatch(/Did you mean/);
    }
  });
});

describe('protocol mistakes (introspection on, APQ off)', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ env: { GRAPHQL_INTROSPECTION: 'true', GRAPHQL_APQ: 'false' } });
  });
  afterAll(async () => stack?.close());

  it('keeps "Did you mean" suggestions where introspection shows the schema anyway', async () => {
    for (const body of misspelled) {
      const answer = await post(stack, body);
      expect(answer.status).toBe(400);
      expect(answer.errors.some((error) => /Did you mean/.test(error.message))).toBe(true);
    }
  });

  it('answers PERSISTED_QUERY_NOT_SUPPORTED (APQ protocol), also for a mismatched hash', async () => {
    const query = '{ __typename }';
    for (const body of [{ extensions: apq(sha256(query)) }, { query, extensions: apq(sha256('other')) }]) {
      const answer = await post(stack, body);
      expect(codes(answer)).toEqual(['PERSISTED_QUERY_NOT_SUPPORTED']);
      expect(answer.status).toBeLessThan(500);
    }
  });

  it('multiple operations without operationName is still 400 OPERATION_RESOLUTION_FAILURE', async () => {
    const answer = await post(stack, { query: 'query A { __typename } query B { __typename }' });
    expect(answer.status).toBe(400);
    expect(codes(answer)).toEqual(['OPERATION_RESOLUTION_FAILURE']);
  });
});
