// One webhook delivery the way MLflow 3 makes it (mlflow/webhooks/delivery.py): a POST of
// `{"entity", "action", "timestamp", "data"}` serialised by Python's json.dumps, with the headers
// X-MLflow-Delivery-Id (a UUID), X-MLflow-Timestamp (Unix seconds) and, when the webhook has a secret,
// X-MLflow-Signature = "v1," + base64(HMAC-SHA256(secret, "{delivery id}.{timestamp}.{body}")) — the recording's
// deliveries verify with exactly that (corpus seq 386-396). Unlike MLflow, the emulator only ever sends to a
// loopback address: it is a test double, and a webhook URL pointing elsewhere is answered as a failed delivery
// without any packet leaving the machine.
import { createHmac, randomUUID } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import { pyJsonDumps } from './pyJson.js';
import { eventName, type WebhookEvent, type WebhookPayload } from './webhookEvents.js';

/** MLFLOW_WEBHOOK_REQUEST_TIMEOUT's default (seconds), in milliseconds. */
export const DELIVERY_TIMEOUT_MS = 30_000;

/** Where and how to deliver: a webhook's URL and optional secret. */
export interface DeliveryTarget {
  readonly url: string;
  readonly secret: string | null;
}

/** What came of one delivery: the receiver's answer, or why there was none. */
export interface DeliveryOutcome {
  readonly responseStatus?: number;
  readonly responseBody?: string;
  readonly error?: string;
}

/** One delivery as it went out (kept by the webhook store for tests to inspect). */
export interface DeliveryRecord extends DeliveryOutcome {
  readonly url: string;
  readonly event: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly requestBody: string;
}

/** `datetime.now(timezone.utc).isoformat()` for a millisecond instant (microseconds, `+00:00`). */
export function pythonUtcIsoformat(ms: number): string {
  const iso = new Date(ms).toISOString(); // 2026-12-05T15:14:07.141Z
  const millis = ms % 1000;
  // isoformat() leaves the fraction out when it is zero.
  return millis === 0 ? `${iso.slice(0, 19)}+00:00` : `${iso.slice(0, 23)}000+00:00`;
}

/** `_generate_hmac_signature`: "v1," + base64 HMAC-SHA256 of `{delivery id}.{timestamp}.{payload}`. */
export function signDelivery(secret: string, deliveryId: string, timestamp: string, payload: string): string {
  const digest = createHmac('sha256', secret).update(`${deliveryId}.${timestamp}.${payload}`, 'utf8').digest('base64');
  return `v1,${digest}`;
}

/** True when the URL's host is a loopback address (the only place the emulator delivers to). */
export function isLoopbackUrl(url: string): boolean {
  let host: string;
  try {
    host = new URL(url).hostname;
  } catch {
    return false;
  }
  return host === 'localhost' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

function post(url: URL, headers: Record<string, string>, body: string): Promise<DeliveryOutcome> {
  const transport = url.protocol === 'https:' ? https : http;
  return new Promise((resolve) => {
    const req = transport.request(url, { method: 'POST', headers, timeout: DELIVERY_TIMEOUT_MS }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({ responseStatus: res.statusCode ?? 0, responseBody: Buffer.concat(chunks).toString('utf8') }),
      );
      res.on('error', (error) => resolve({ error: error.message }));
    });
    req.on('timeout', () => req.destroy(new Error(`timed out after ${DELIVERY_TIMEOUT_MS} ms`)));
    req.on('error', (error) => resolve({ error: error.message }));
    req.end(body);
  });
}

/** Sends one event to one webhook (`_send_webhook_request`); never throws. */
export async function deliver(
  target: DeliveryTarget,
  event: WebhookEvent,
  payload: WebhookPayload,
  nowMs: number,
): Promise<DeliveryRecord> {
  const [entity, action] = eventName(event).split('.');
  const body = pyJsonDumps({ entity, action, timestamp: pythonUtcIsoformat(nowMs), data: payload });
  const deliveryId = randomUUID();
  const timestamp = String(Math.floor(nowMs / 1000));
  const headers: Record<string, string> = {
    'Content-Type': 'application/json',
    'X-MLflow-Delivery-Id': deliveryId,
    'X-MLflow-Timestamp': timestamp,
  };
  if (target.secret) headers['X-MLflow-Signature'] = signDelivery(target.secret, deliveryId, timestamp, body);
  headers['Content-Length'] = String(Buffer.byteLength(body));
  const sent = { url: target.url, event: eventName(event), headers, requestBody: body };
  if (!isLoopbackUrl(target.url)) {
    return { ...sent, error: `not sent: the emulator delivers webhooks to loopback addresses only (${target.url})` };
  }
  return { ...sent, ...(await post(new URL(target.url), headers, body)) };
}
