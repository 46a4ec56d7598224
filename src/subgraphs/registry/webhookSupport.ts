import { BadUserInputError } from '../../errors/SupergraphError.js';
import { pageSize } from '../../graphql/connection.js';
import type {
  MutationCreateWebhookArgs,
  MutationDeleteWebhookArgs,
  MutationTestWebhookArgs,
  MutationUpdateWebhookArgs,
  QueryWebhookArgs,
  QueryWebhooksArgs,
} from './resolvers.generated.js';
import { featureGates, type ArgumentChecks } from '../featureGates.js';
import { assertWebhookEvent, assertWebhookEvents } from './webhookEvents.js';
import { assertWebhookId, assertWebhookName, assertWebhookUrl } from './webhookInput.js';

// Where webhooks exist: the backend profile's `webhooks` feature (MLflow >= 3.3 by the detected version; not on
// Databricks, whose registry webhooks are another API, nor on GitLab). Each webhook root field is gated twice before
// its administrator check and its resolver: the feature (UNSUPPORTED_BY_BACKEND), then its arguments (BAD_USER_INPUT).
// Neither costs a call: not even the permission profile the administrator check reads.

/** The largest page of webhooks (MLflow's default page size). */
export const MAX_WEBHOOKS_PAGE = 100;

/** Each webhook field's argument checks (what MLflow would refuse, or the graph refuses, before any call). */
const ARGUMENT_CHECKS: ArgumentChecks = {
  'Query.webhooks': (args) => {
    pageSize((args as QueryWebhooksArgs).first, MAX_WEBHOOKS_PAGE);
  },
  'Query.webhook': (args) => assertWebhookId((args as QueryWebhookArgs).id, 'id'),
  'Mutation.createWebhook': (args) => {
    const { input } = args as MutationCreateWebhookArgs;
    assertWebhookName(input.name, 'input.name');
    assertWebhookUrl(input.url, 'input.url');
    assertWebhookEvents(input.events, 'input.events');
  },
  'Mutation.updateWebhook': (args) => {
    const { id, input } = args as MutationUpdateWebhookArgs;
    assertWebhookId(id, 'id');
    if (Object.values(input).every((value) => value === null || value === undefined))
      throw new BadUserInputError('input: expected at least one field to change, got none');
    if (input.name != null) assertWebhookName(input.name, 'input.name');
    if (input.url != null) assertWebhookUrl(input.url, 'input.url');
    if (input.events != null) assertWebhookEvents(input.events, 'input.events');
  },
  'Mutation.deleteWebhook': (args) => assertWebhookId((args as MutationDeleteWebhookArgs).id, 'id'),
  'Mutation.testWebhook': (args) => {
    const { id, event } = args as MutationTestWebhookArgs;
    assertWebhookId(id, 'id');
    if (event) assertWebhookEvent(event, 'event');
  },
};

/** The webhook root fields' gates: the backend must serve webhooks, and the arguments must be ones MLflow accepts. */
export const webhookGates = featureGates('webhooks', ARGUMENT_CHECKS);
