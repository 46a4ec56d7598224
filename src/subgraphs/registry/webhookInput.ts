// The checks a webhook's arguments pass before anything else happens (webhookSupport's gates): what MLflow would
// refuse with a 400 (a bad name, corpus seq 14; no events, seq 12; a bad pair, seq 10), what it would answer with an
// HTML 500, and what the graph refuses of its own accord (a URL carrying credentials, an id that is no path segment).
// Each is BAD_USER_INPUT with no permission check and no upstream call. Messages never echo a URL: it may hold a
// password.
import { BadUserInputError } from '../../errors/SupergraphError.js';

/** MLflow's webhook name rule: starts and ends with a letter or digit, under 64 characters, `._-` inside. */
const WEBHOOK_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9._-]{0,61}[A-Za-z0-9])?$/;

/**
 * A webhook id becomes a path segment (`/webhooks/{id}`, `/webhooks/{id}/test`): MLflow's ids are UUIDs. `.` and `..`
 * would survive URL encoding and move the call to another route, so an id starts with a letter or digit.
 */
const WEBHOOK_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** Throws BAD_USER_INPUT unless `name` follows MLflow's webhook name rule. */
export function assertWebhookName(name: string, argument: string): void {
  if (!WEBHOOK_NAME.test(name)) {
    throw new BadUserInputError(
      `${argument}: expected a name of letters, digits, '.', '_' and '-' that starts and ends with a letter or digit and is under 64 characters, got ${JSON.stringify(name.slice(0, 80))}`,
    );
  }
}

/** Throws BAD_USER_INPUT unless `url` is an absolute http(s) URL with a host and no credentials in it. */
export function assertWebhookUrl(url: string, argument: string): void {
  let parsed: URL | undefined;
  try {
    parsed = url.trim() === url ? new URL(url) : undefined;
  } catch {
    parsed = undefined;
  }
  if (!parsed || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') || parsed.hostname === '') {
    throw new BadUserInputError(`${argument}: expected an absolute http:// or https:// URL with a host`);
  }
  // MLflow would store them and send them with every delivery, in the clear, to whoever reads its webhook list.
  if (parsed.username !== '' || parsed.password !== '') {
    throw new BadUserInputError(
      `${argument}: the URL must not carry credentials (user:password@); authenticate deliveries with the webhook's secret`,
    );
  }
}

/** Throws BAD_USER_INPUT unless `id` can be an MLflow webhook id. */
export function assertWebhookId(id: string, argument: string): void {
  if (!WEBHOOK_ID.test(id)) {
    throw new BadUserInputError(
      `${argument}: expected an MLflow webhook id (letters, digits, '-'), got an id that is none`,
    );
  }
}
