// MLflow 3's model-registry webhooks (the registry SqlAlchemyStore's webhook methods and mlflow/webhooks/): CRUD with
// MLflow's validation messages, and the deliveries — each registry write (RegistryStore.onChange) goes to every
// ACTIVE webhook subscribed to its event, one at a time in the order the writes happened, and `test` sends an
// example payload and waits for the answer. `deliveries` keeps what went out, for tests.
import { randomUUID } from 'node:crypto';
import { MlflowError } from './MlflowError.js';
import { createPageToken, parsePageToken } from './pageToken.js';
import { pyStrRepr } from './pyRepr.js';
import type { RegistryChange } from './registryChanges.js';
import type { Page } from './TrackingStore.js';
import { deliver, type DeliveryRecord } from './webhookDelivery.js';
import {
  compareEvents,
  eventForChange,
  eventName,
  examplePayload,
  type WebhookEvent,
  type WebhookPayload,
} from './webhookEvents.js';

/** MLFLOW_WEBHOOK_ALLOWED_SCHEMES and MLFLOW_WEBHOOK_ALLOW_PRIVATE_IPS: which URLs a webhook may have. */
export interface WebhookUrlPolicy {
  readonly allowedSchemes: readonly string[];
  readonly allowPrivateIps: boolean;
}

/** MLflow's defaults: https only, no URL that resolves to a non-public address. */
export const DEFAULT_WEBHOOK_URL_POLICY: WebhookUrlPolicy = { allowedSchemes: ['https'], allowPrivateIps: false };

/** A webhook's status. */
export type WebhookStatus = 'ACTIVE' | 'DISABLED';

/** A webhook (the secret is kept for signing and never answered). */
export interface WebhookRecord {
  readonly webhookId: string;
  name: string;
  description: string | null;
  url: string;
  events: WebhookEvent[];
  status: WebhookStatus;
  secret: string | null;
  readonly creationTimestamp: number;
  lastUpdatedTimestamp: number;
}

/** What `webhooks/{id}/test` answers (WebhookTestResult). */
export interface WebhookTestResult {
  readonly success: boolean;
  readonly responseStatus?: number;
  readonly responseBody?: string;
  readonly errorMessage?: string;
}

/** Options for a webhook store. */
export interface WebhookStoreOptions {
  readonly now: () => number;
  readonly policy?: WebhookUrlPolicy;
}

/** The default page size of `GET /webhooks`. */
export const WEBHOOKS_DEFAULT_MAX_RESULTS = 100;

const NAME = /^[a-zA-Z0-9](?:[a-zA-Z0-9._-]{0,61}[a-zA-Z0-9])?$/;

/** `ipaddress.ip_address(host).is_global` for IPv4 dotted quads (false for anything private or reserved). */
function isGlobalIpv4(host: string): boolean {
  const octets = host.split('.').map(Number);
  const [a = 0, b = 0, c = 0] = octets;
  if (a === 0 || a === 10 || a === 127 || a >= 224) return false;
  if (a === 100 && b >= 64 && b <= 127) return false;
  if (a === 169 && b === 254) return false;
  if (a === 172 && b >= 16 && b <= 31) return false;
  if (a === 192 && ((b === 0 && (c === 0 || c === 2)) || b === 168)) return false;
  if (a === 198 && (b === 18 || b === 19 || (b === 51 && c === 100))) return false;
  if (a === 203 && b === 0 && c === 113) return false;
  return true;
}

/** What an IPv6 literal is, for the same check (loopback, unspecified, unique-local, link-local, multicast). */
function isGlobalIpv6(host: string): boolean {
  const lower = host.toLowerCase();
  if (lower === '::1' || lower === '::') return false;
  if (/^f[cd]/.test(lower) || /^fe[89ab]/.test(lower) || lower.startsWith('ff')) return false;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(lower);
  return mapped?.[1] === undefined ? true : isGlobalIpv4(mapped[1]);
}

/**
 * The address a host "resolves" to when that address is not public, else undefined. IP literals are checked as
 * they are and `localhost` is 127.0.0.1; other names are taken as public — the emulator does no DNS.
 */
function nonPublicAddress(hostname: string): string | undefined {
  const host = hostname.replace(/^\[|\]$/g, '');
  if (host === 'localhost') return '127.0.0.1';
  if (/^\d+\.\d+\.\d+\.\d+$/.test(host)) return isGlobalIpv4(host) ? undefined : host;
  if (host.includes(':')) return isGlobalIpv6(host) ? undefined : host;
  return undefined;
}

/** `_validate_webhook_name`. */
export function validateWebhookName(name: string): void {
  if (!NAME.test(name)) {
    throw MlflowError.invalidParameter(
      `Webhook name ${pyStrRepr(name)} is invalid. It must start and end with a letter or digit, be less than 63 characters long, and contain only letters, digits, dots (.), underscores (_), and hyphens (-).`,
    );
  }
}

/** `_validate_webhook_url` under a policy. */
export function validateWebhookUrl(url: string, policy: WebhookUrlPolicy): void {
  if (url.trim() === '') {
    throw MlflowError.invalidParameter(`Webhook URL cannot be empty or just whitespace: ${pyStrRepr(url)}`);
  }
  const match = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\/([^/?#]*)/.exec(url);
  const scheme = (match?.[1] ?? '').toLowerCase();
  if (!policy.allowedSchemes.includes(scheme)) {
    throw MlflowError.invalidParameter(
      `Invalid webhook URL scheme: ${pyStrRepr(scheme)}. Allowed schemes are: ${policy.allowedSchemes.join(', ')}.`,
    );
  }
  const authority = (match?.[2] ?? '').split('@').pop() ?? '';
  const hostname = (
    authority.startsWith('[') ? authority.slice(0, authority.indexOf(']') + 1) : authority.split(':')[0]
  )
    ?.toLowerCase()
    .replace(/^\[|\]$/g, '');
  if (!hostname) throw MlflowError.invalidParameter(`Webhook URL must include a hostname: ${pyStrRepr(url)}`);
  const address = policy.allowPrivateIps ? undefined : nonPublicAddress(hostname);
  if (address !== undefined) {
    throw MlflowError.invalidParameter(
      `Webhook URL must not resolve to a non-public IP address. ${pyStrRepr(hostname)} resolves to ${address}.`,
    );
  }
}

/** `_validate_webhook_events`. */
function validateEvents(events: readonly WebhookEvent[]): void {
  if (events.length === 0) {
    throw MlflowError.invalidParameter('Webhook events must be a non-empty list of WebhookEvent objects: [].');
  }
}

/** One of each event, in MLflow's order. */
function normalizeEvents(events: readonly WebhookEvent[]): WebhookEvent[] {
  const unique = new Map(events.map((event) => [eventName(event), event]));
  return [...unique.values()].sort(compareEvents);
}

/** Webhooks and their deliveries. */
export class WebhookStore {
  readonly webhooks = new Map<string, WebhookRecord>();
  /** Every delivery made, test deliveries included, in the order they went out. */
  readonly deliveries: DeliveryRecord[] = [];
  private readonly now: () => number;
  private readonly policy: WebhookUrlPolicy;
  private queue: Promise<void> = Promise.resolve();

  constructor(options: WebhookStoreOptions) {
    this.now = options.now;
    this.policy = options.policy ?? DEFAULT_WEBHOOK_URL_POLICY;
  }

  /** `POST /webhooks`. */
  create(request: {
    name: string;
    url: string;
    events: readonly WebhookEvent[];
    description: string | null;
    secret: string | null;
    status: WebhookStatus;
  }): WebhookRecord {
    validateWebhookName(request.name);
    validateWebhookUrl(request.url, this.policy);
    validateEvents(request.events);
    const created = this.now();
    const webhook: WebhookRecord = {
      webhookId: randomUUID(),
      name: request.name,
      description: request.description || null,
      url: request.url,
      events: normalizeEvents(request.events),
      status: request.status,
      secret: request.secret || null,
      creationTimestamp: created,
      lastUpdatedTimestamp: created,
    };
    this.webhooks.set(webhook.webhookId, webhook);
    return webhook;
  }

  /** The webhook, or MLflow's 404. */
  get(webhookId: string): WebhookRecord {
    const webhook = this.webhooks.get(webhookId);
    if (!webhook) throw MlflowError.notFound(`Webhook with ID ${webhookId} not found.`);
    return webhook;
  }

  /** `GET /webhooks`: newest first, offset page tokens. */
  list(maxResults: number, pageToken: string): Page<WebhookRecord> {
    const offset = parsePageToken(pageToken);
    const all = [...this.webhooks.values()].sort((a, b) => b.creationTimestamp - a.creationTimestamp);
    const items = all.slice(offset, offset + maxResults);
    const next = offset + maxResults < all.length ? createPageToken(offset + maxResults) : undefined;
    return { items, ...(next === undefined ? {} : { nextPageToken: next }) };
  }

  /** `PATCH /webhooks/{id}`: only the fields given change. */
  update(
    webhookId: string,
    changes: {
      name?: string;
      description?: string;
      url?: string;
      events?: readonly WebhookEvent[];
      secret?: string;
      status?: WebhookStatus;
    },
  ): WebhookRecord {
    const webhook = this.get(webhookId);
    if (changes.name !== undefined) validateWebhookName(changes.name);
    if (changes.url !== undefined) validateWebhookUrl(changes.url, this.policy);
    if (changes.events !== undefined) validateEvents(changes.events);
    if (changes.name !== undefined) webhook.name = changes.name;
    if (changes.description !== undefined) webhook.description = changes.description || null;
    if (changes.url !== undefined) webhook.url = changes.url;
    if (changes.events !== undefined) webhook.events = normalizeEvents(changes.events);
    if (changes.secret !== undefined) webhook.secret = changes.secret || null;
    if (changes.status !== undefined) webhook.status = changes.status;
    webhook.lastUpdatedTimestamp = this.now();
    return webhook;
  }

  /** `DELETE /webhooks/{id}`. */
  delete(webhookId: string): void {
    this.get(webhookId);
    this.webhooks.delete(webhookId);
  }

  /** A registry write: queue its event for every active webhook subscribed to it (RegistryStore.onChange). */
  notify(change: RegistryChange): void {
    const found = eventForChange(change);
    if (!found) return;
    const name = eventName(found.event);
    // The payload and the subscribers are taken now, as MLflow builds them in the request that made the change.
    const payload = JSON.parse(JSON.stringify(found.payload)) as WebhookPayload;
    for (const webhook of [...this.webhooks.values()].sort((a, b) => a.creationTimestamp - b.creationTimestamp)) {
      if (webhook.status !== 'ACTIVE' || !webhook.events.some((event) => eventName(event) === name)) continue;
      const target = { url: webhook.url, secret: webhook.secret };
      void this.enqueue(() => deliver(target, found.event, payload, this.now()));
    }
  }

  /** `POST /webhooks/{id}/test`: the event's example payload, sent now; resolves with the receiver's answer. */
  async test(webhookId: string, event?: WebhookEvent): Promise<WebhookTestResult> {
    const webhook = this.get(webhookId);
    const testEvent = event ?? webhook.events[0];
    if (!testEvent) return { success: false, errorMessage: 'Failed to test webhook: the webhook has no events' };
    const payload = examplePayload(testEvent);
    if (!payload) {
      return {
        success: false,
        errorMessage: `Failed to test webhook: ValueError('Unknown event type: ${eventName(testEvent)}')`,
      };
    }
    try {
      validateWebhookUrl(webhook.url, this.policy);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      return { success: false, errorMessage: `Failed to test webhook: MlflowException(${pyStrRepr(message)})` };
    }
    const target = { url: webhook.url, secret: webhook.secret };
    const record = await this.enqueue(() => deliver(target, testEvent, payload, this.now()));
    if (record.responseStatus === undefined) {
      return {
        success: false,
        errorMessage: `Failed to test webhook: ConnectionError(${pyStrRepr(record.error ?? 'no answer')})`,
      };
    }
    return {
      success: record.responseStatus < 400,
      responseStatus: record.responseStatus,
      responseBody: record.responseBody ?? '',
    };
  }

  /** Resolves once every delivery queued so far has been made (tests wait on this, not on time). */
  idle(): Promise<void> {
    return this.queue;
  }

  private enqueue(send: () => Promise<DeliveryRecord>): Promise<DeliveryRecord> {
    const done = this.queue.then(send).then((record) => {
      this.deliveries.push(record);
      return record;
    });
    this.queue = done.then(
      () => undefined,
      () => undefined,
    );
    return done;
  }
}
