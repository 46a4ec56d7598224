// A loopback receiver for the webhook deliveries an emulator makes, standing where the recorder's sink stood when the
// 3.11.1 corpus was recorded: it keeps each POST (path, headers, raw body) and answers `{"received": true}`, the
// text the recorded `webhooks/{id}/test` answers quote back (corpus seq 22-23).
import http from 'node:http';
import { closeServer, listenOnLoopback } from './listen.js';

/** One delivery as the sink received it. */
export interface ReceivedDelivery {
  readonly path: string;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
}

/** A running sink. */
export interface WebhookSink {
  /** `http://127.0.0.1:<port>`, no trailing slash. */
  readonly url: string;
  readonly received: ReceivedDelivery[];
  close(): Promise<void>;
}

/** What the recorder's sink answered every delivery with. */
export const SINK_ANSWER = '{"received": true}';

/** Starts a sink on a free loopback port. */
export async function startWebhookSink(): Promise<WebhookSink> {
  const received: ReceivedDelivery[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({ path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(SINK_ANSWER);
    });
  });
  const { url } = await listenOnLoopback(server);
  return {
    url,
    received,
    close: async () => {
      server.closeAllConnections();
      await closeServer(server);
    },
  };
}
