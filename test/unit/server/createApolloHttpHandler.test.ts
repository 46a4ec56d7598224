// The answer-size bound counts the UTF-8 bytes sent, not characters, so multi-byte characters cannot slip past it,
// and an answer within it arrives byte for byte.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HeaderMap, type ApolloServer, type BaseContext } from '@apollo/server';
import { createApolloHttpHandler } from '../../../src/server/createApolloHttpHandler.js';

const MAX = 1024;

/** A server whose Apollo answers `text` as it is, behind the handler with a 1024-byte bound. */
async function serving(text: string): Promise<{ server: Server; url: string }> {
  const apollo = {
    executeHTTPGraphQLRequest: async () => ({
      status: 200,
      headers: new HeaderMap([['content-type', 'application/json; charset=utf-8']]),
      body: { kind: 'complete' as const, string: text },
    }),
  } as unknown as ApolloServer<BaseContext>;
  const handler = createApolloHttpHandler(apollo, async () => ({}), { maxResponseBytes: MAX });
  const server = createServer((request, response) => void handler(request, response));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql` };
}

async function answer(text: string): Promise<{ status: number; body: string }> {
  const { server, url } = await serving(text);
  try {
    const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    return { status: response.status, body: await response.text() };
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
}

describe('createApolloHttpHandler: the answer-size bound', () => {
  it('sends an answer of up to the limit, multi-byte characters included', async () => {
    const text = JSON.stringify({ data: { name: `${'€'.repeat(334)}ab` } }); // 1024 bytes, 356 characters
    expect(Buffer.byteLength(text)).toBe(MAX);
    expect(await answer(text)).toEqual({ status: 200, body: text });
  });

  it('refuses an answer whose characters fit the limit but whose UTF-8 bytes do not', async () => {
    const text = JSON.stringify({ data: { name: '€'.repeat(335) } }); // 1025 bytes, 355 characters
    const { status, body } = await answer(text);
    expect(status).toBe(400);
    expect(JSON.parse(body).errors[0].extensions).toEqual({
      code: 'QUERY_TOO_COMPLEX',
      limit: 'responseBytes',
      max: MAX,
      actual: Buffer.byteLength(text),
    });
  });

  it('counts a surrogate pair as the 4 bytes it takes', async () => {
    const text = JSON.stringify({ data: { name: '😀'.repeat(251) } }); // 1024 bytes, 522 characters
    expect(Buffer.byteLength(text)).toBe(MAX);
    expect((await answer(text)).status).toBe(200);
    const over = JSON.stringify({ data: { name: `${'😀'.repeat(251)}a` } }); // 1025 bytes
    const { status, body } = await answer(over);
    expect(status).toBe(400);
    expect(JSON.parse(body).errors[0].extensions.actual).toBe(1025);
  });
});
