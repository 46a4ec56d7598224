// GRAPHQL_PERSISTED_ONLY=true: the gateway runs only the operations of the manifest generated from the client's
// operations (packages/client/src/generated/persisted-documents.json), by hash or by full text, and rejects anything else
// with FORBIDDEN before it reaches a subgraph or MLflow.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  createClient,
  GetModelVersionByAliasDocument,
  persistedDocument,
  PromoteModelVersionDocument,
  ViewerDocument,
} from '@mlflow-supergraph/client';
import { notRegisteredMessage } from '../../src/gateway/persistedQueries.js';
import { projectRoot } from '../../src/gateway/supergraphConfig.js';
import { startStack, type Stack } from '../helpers/startStack.js';
import { postJson } from '../helpers/graphql.js';

const manifest = JSON.parse(
  readFileSync(join(projectRoot, 'packages/client/src/generated/persisted-documents.json'), 'utf8'),
) as Record<string, string>;
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

let stack: Stack;

beforeAll(async () => {
  stack = await startStack({ env: { GRAPHQL_PERSISTED_ONLY: 'true' } });
});

afterAll(async () => {
  await stack?.close();
});

/** POSTs a raw GraphQL-over-HTTP body; returns status and parsed body. */
const post = (body: Record<string, unknown>) => postJson(stack.gateway.graphqlUrl, body);

const rejected = {
  status: 400,
  body: { errors: [{ message: notRegisteredMessage, extensions: { code: 'FORBIDDEN' } }] },
};

describe('persisted-only mode rejects unknown operations', () => {
  it('rejects an unknown operation sent as text, with FORBIDDEN and a message saying only registered operations are allowed', async () => {
    const answer = await post({ query: '{ experiments(first: 1) { nodes { id name } } }' });
    expect(answer).toEqual(rejected);
    expect(answer.body.errors[0].message).toMatch(/^Only registered operations are allowed/);
  });

  it('rejects an unknown hash with the same error (not PERSISTED_QUERY_NOT_FOUND, which would invite a retry)', async () => {
    expect(
      await post({
        extensions: { persistedQuery: { version: 1, sha256Hash: sha256('query Unknown { viewer { id } }') } },
      }),
    ).toEqual(rejected);
  });

  it('does not let a client register a new operation through APQ', async () => {
    const query = 'query Sneaky { registeredModels(first: 100) { nodes { name description } } }';
    const hash = sha256(query);
    expect(await post({ query, extensions: { persistedQuery: { version: 1, sha256Hash: hash } } })).toEqual(rejected);
    expect(await post({ extensions: { persistedQuery: { version: 1, sha256Hash: hash } } })).toEqual(rejected);
  });

  it("rejects a registered operation's text once it is changed, even by a single field", async () => {
    const text = persistedDocument(ViewerDocument).text.replace('isAdmin ', '');
    expect(await post({ query: text })).toEqual(rejected);
  });

  it('gives the same answer for text that does not parse, and for introspection', async () => {
    expect(await post({ query: '{ viewer { id ' })).toEqual(rejected);
    expect(await post({ query: '{ __schema { types { name } } }' })).toEqual(rejected);
  });

  it('never calls MLflow for a rejected mutation', async () => {
    stack.coldStart();
    const answer = await post({
      query:
        'mutation { setRegisteredModelAlias(name: "fraud-detector", alias: "champion", version: "1") { version } }',
    });
    expect(answer).toEqual(rejected);
    expect(stack.emulator.calls()).toEqual({});
  });
});

describe('persisted-only mode accepts manifest operations', () => {
  const viewerText = persistedDocument(ViewerDocument).text;
  const viewerHash = persistedDocument(ViewerDocument).sha256Hash;
  const expectedViewer = {
    viewer: {
      authKind: 'ANONYMOUS',
      id: null,
      isAdmin: false,
      permissionBackend: 'none',
      scopes: ['read', 'write'],
      username: null,
    },
  };

  it('serves the manifest the client codegen wrote', () => {
    expect(manifest[`sha256:${viewerHash}`]).toBe(viewerText);
    expect(Object.keys(manifest).length).toBeGreaterThanOrEqual(9);
  });

  it('accepts a manifest operation by hash alone', async () => {
    expect(await post({ extensions: { persistedQuery: { version: 1, sha256Hash: viewerHash } } })).toEqual({
      status: 200,
      body: { data: expectedViewer },
    });
  });

  it('accepts a manifest operation by full text (its hash is in the manifest), with or without the hash', async () => {
    expect(await post({ query: viewerText })).toEqual({ status: 200, body: { data: expectedViewer } });
    expect(
      await post({ query: viewerText, extensions: { persistedQuery: { version: 1, sha256Hash: viewerHash } } }),
    ).toEqual({ status: 200, body: { data: expectedViewer } });
  });

  it('accepts every manifest entry by hash (each one validates against the served schema)', async () => {
    for (const [key, text] of Object.entries(manifest)) {
      const answer = await post({
        extensions: { persistedQuery: { version: 1, sha256Hash: key.replace(/^sha256:/, '') } },
        variables: {},
      });
      // Entries with required variables answer a variable error (BAD_USER_INPUT), but none is rejected as unregistered.
      const codes: string[] = (answer.body.errors ?? []).map(
        (e: { extensions: { code: string } }) => e.extensions.code,
      );
      expect({ text, codes }).toEqual({ text, codes: codes.filter((code) => code === 'BAD_USER_INPUT') });
      if (!/\(\$\w+: \w+!/.test(text) && !/, \$\w+: \w+!/.test(text))
        expect({ text, data: answer.body.data }).toEqual({ text, data: expect.any(Object) });
    }
  });

  it('runs queries and mutations for the typed client, in APQ and text mode', async () => {
    for (const persistedQueries of ['apq', 'text'] as const) {
      const client = createClient({ url: stack.gateway.graphqlUrl, persistedQueries });
      expect(await client.request(ViewerDocument)).toEqual(expectedViewer);
      const promoted = await client.request(PromoteModelVersionDocument, {
        name: 'churn-model',
        alias: `candidate-${persistedQueries}`,
        version: '1',
      });
      expect(promoted.setRegisteredModelAlias.aliases).toContain(`candidate-${persistedQueries}`);
      const byAlias = await client.request(GetModelVersionByAliasDocument, {
        name: 'churn-model',
        alias: `candidate-${persistedQueries}`,
      });
      expect(byAlias.modelVersionByAlias?.version).toBe('1');
    }
  });
});
