// MLflow 3.3's registry webhooks: the root fields, the writes and the types. Before any of these resolvers runs, the
// field's gates (webhookSupport.ts) refused a backend without webhooks and arguments MLflow would refuse, and its
// `@requiresAdmin` rule refused anyone but an administrator. Nothing here is cached: webhooks are few, read by
// administrators only, and hold where MLflow sends registry events; every read goes to MLflow, and an answer holding
// one is never kept by the response cache. The secret is only ever sent (create, update): no type can return it.
import { NotFoundError } from '../../../errors/SupergraphError.js';
import { buildConnection, pageSize } from '../../../graphql/connection.js';
import { connectionCursors } from '../../../graphql/cursorCodec.js';
import type { RequestContext } from '../../../context/RequestContext.js';
import { orNull } from '../../../upstream/http/UpstreamError.js';
import type { MlflowApi } from '../../../upstream/mlflow/MlflowApi.js';
import type { WireWebhookEvent } from '../../../upstream/mlflow/webhookWire.js';
import type {
  MutationResolvers,
  QueryResolvers,
  WebhookEventInput,
  WebhookResolvers,
  WebhookTestResultResolvers,
} from '../resolvers.generated.js';
import { nonEmpty } from '../toModels.js';
import { MAX_WEBHOOKS_PAGE } from '../webhookSupport.js';

/** Keeps a webhook answer out of the response cache: it is for administrators, and for now. */
function neverKept(context: RequestContext): void {
  context.cache.lifetime.refuse('webhooks are never kept');
}

/** Events as MLflow reads them: the GraphQL enum names are MLflow's upper-case ones. */
function wireEvents(events: readonly WebhookEventInput[]): WireWebhookEvent[] {
  return events.map(({ entity, action }) => ({ entity, action }));
}

/** Webhook reads. */
export const webhookQueries: Pick<QueryResolvers<RequestContext>, 'webhooks' | 'webhook'> = {
  async webhooks(_, { first, after }, context) {
    neverKept(context);
    const size = pageSize(first, MAX_WEBHOOKS_PAGE);
    const cursors = connectionCursors(context.services.keys, context.principal, { field: 'Query.webhooks', args: {} });
    const position = cursors.decode(after);
    // MLflow pages by offset tokens: a cursor inside a page re-reads that page and skips what was shown.
    const response = await context.clients.mlflow.call('listWebhooks', {
      max_results: position.o + size,
      ...(position.t ? { page_token: position.t } : {}),
    });
    const items = (response.webhooks ?? []).slice(position.o);
    return buildConnection(items, size, position, response.next_page_token || undefined, cursors);
  },
  async webhook(_, { id }, context) {
    neverKept(context);
    return orNull(async () => (await context.clients.mlflow.call('getWebhook', { webhook_id: id })).webhook);
  },
};

/** Webhook writes: each sent once (MLflow's POST, PATCH and DELETE are never retried), and only what was given. */
export const webhookMutations: Pick<
  MutationResolvers<RequestContext>,
  'createWebhook' | 'updateWebhook' | 'deleteWebhook' | 'testWebhook'
> = {
  async createWebhook(_, { input }, context) {
    const params: MlflowApi['createWebhook']['params'] = {
      name: input.name,
      url: input.url,
      events: wireEvents(input.events),
      ...(input.description != null ? { description: input.description } : {}),
      ...(input.secret != null ? { secret: input.secret } : {}),
      ...(input.status != null ? { status: input.status } : {}),
    };
    return (await context.clients.mlflow.call('createWebhook', params)).webhook;
  },
  async updateWebhook(_, { id, input }, context) {
    const params: MlflowApi['updateWebhook']['params'] = {
      webhook_id: id,
      ...(input.name != null ? { name: input.name } : {}),
      ...(input.description != null ? { description: input.description } : {}),
      ...(input.url != null ? { url: input.url } : {}),
      ...(input.events != null ? { events: wireEvents(input.events) } : {}),
      ...(input.secret != null ? { secret: input.secret } : {}),
      ...(input.status != null ? { status: input.status } : {}),
    };
    return (await context.clients.mlflow.call('updateWebhook', params)).webhook;
  },
  async deleteWebhook(_, { id }, context) {
    await context.clients.mlflow.call('deleteWebhook', { webhook_id: id });
    return { id };
  },
  async testWebhook(_, { id, event }, context) {
    const response = await context.clients.mlflow.call('testWebhook', {
      webhook_id: id,
      ...(event ? { event: { entity: event.entity, action: event.action } } : {}),
    });
    if (!response.result) throw new NotFoundError(`MLflow answered no test result for webhook ${id}`);
    return response.result;
  },
};

/** `Webhook` from MLflow's webhook (which never carries the secret; the type has no field for one either). */
export const Webhook: WebhookResolvers<RequestContext> = {
  id: (webhook) => webhook.webhook_id,
  name: (webhook) => webhook.name,
  description: (webhook) => nonEmpty(webhook.description),
  url: (webhook) => webhook.url,
  events: (webhook) => (webhook.events ?? []).map(({ entity, action }) => ({ entity, action })),
  // MLflow's proto default is ACTIVE, and its JSON leaves a default out.
  status: (webhook) => webhook.status ?? 'ACTIVE',
  createdAt: (webhook) => webhook.creation_timestamp ?? null,
  updatedAt: (webhook) => webhook.last_updated_timestamp ?? null,
};

/** `WebhookTestResult` as MLflow reports it (proto defaults left out of its JSON read as absent). */
export const WebhookTestResult: WebhookTestResultResolvers<RequestContext> = {
  success: (result) => result.success === true,
  responseStatus: (result) => result.response_status ?? null,
  responseBody: (result) => result.response_body ?? null,
  errorMessage: (result) => nonEmpty(result.error_message),
};
