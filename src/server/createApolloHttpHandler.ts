import type { IncomingMessage, ServerResponse } from 'node:http';
import { HeaderMap, type ApolloServer, type BaseContext, type HTTPGraphQLRequest } from '@apollo/server';

/** Largest request body accepted (a big logBatch is well under this). */
const MAX_BODY_BYTES = 2 * 1024 * 1024;

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw Object.assign(new Error('request body too large'), { status: 413 });
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Options of {@link createApolloHttpHandler}: what differs between the gateway's server and a subgraph's. */
export interface ApolloHttpHandlerOptions {
  /**
   * Largest answer sent (GRAPHQL_MAX_RESPONSE_BYTES): a larger one is replaced by QUERY_TOO_COMPLEX (`limit:
   * responseBytes`), HTTP 400. Measured on the bytes about to be sent (the text Apollo already built, encoded once),
   * so the bound costs nothing of its own (a JS walk of a 300 KB answer took 8.4 ms, a whole warm dashboard's
   * worth). The gateway sets it; subgraph servers leave it unset (their answers go to the gateway, which bounds what
   * the client gets).
   */
  maxResponseBytes?: number;
}

/** The answer that replaces one over `max` bytes. */
function tooLarge(max: number, actual: number): string {
  const message = `The answer has ${actual} bytes; the limit is ${max}: ask for smaller pages`;
  return JSON.stringify({
    errors: [{ message, extensions: { code: 'QUERY_TOO_COMPLEX', limit: 'responseBytes', max, actual } }],
  });
}

/**
 * Converts node:http's request into Apollo's, runs it, and writes Apollo's response back. One handler for the
 * gateway and every subgraph server, so both read bodies under the same size bound and answer a bad body alike;
 * plain node:http (no framework) keeps the server's routes, drain and telemetry in createServiceServer.
 */
export function createApolloHttpHandler<TContext extends BaseContext>(
  apollo: ApolloServer<TContext>,
  context: (request: IncomingMessage, body: unknown) => Promise<TContext>,
  options: ApolloHttpHandlerOptions = {},
) {
  return async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const headers = new HeaderMap();
    for (const [name, value] of Object.entries(request.headers)) {
      if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
    }
    const url = new URL(request.url ?? '/', 'http://localhost');
    let body: unknown;
    try {
      const raw = await readBody(request);
      const contentType = headers.get('content-type') ?? '';
      body = raw && contentType.includes('application/json') ? JSON.parse(raw) : raw;
    } catch (error) {
      const status = (error as { status?: number }).status ?? 400;
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(
        JSON.stringify({
          errors: [
            {
              message: status === 413 ? 'Request body too large' : 'Request body is not valid JSON',
              extensions: { code: 'BAD_USER_INPUT' },
            },
          ],
        }),
      );
      return;
    }
    const httpGraphQLRequest: HTTPGraphQLRequest = {
      method: (request.method ?? 'GET').toUpperCase(),
      headers,
      search: url.search,
      body,
    };
    const result = await apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest,
      context: () => context(request, body),
    });
    for (const [name, value] of result.headers) response.setHeader(name, value);
    response.statusCode = result.status ?? 200;
    if (result.body.kind === 'complete') {
      // Encoded once and sent as bytes: a string body would be measured for Content-Length, joined to the headers
      // (a copy) and encoded again on the socket (300 KB answer: ~1.3 ms of CPU as bytes, ~2.2 ms as a string).
      const body = Buffer.from(result.body.string, 'utf8');
      if (options.maxResponseBytes !== undefined && body.length > options.maxResponseBytes) {
        response.statusCode = 400;
        response.setHeader('content-type', 'application/json; charset=utf-8');
        response.removeHeader('content-length');
        response.end(tooLarge(options.maxResponseBytes, body.length));
        return;
      }
      response.end(body);
      return;
    }
    for await (const chunk of result.body.asyncIterator) response.write(chunk);
    response.end();
  };
}
