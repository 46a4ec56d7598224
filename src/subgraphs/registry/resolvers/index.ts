import { TimestampScalar } from '../../../graphql/scalars.js';
import type { Resolvers } from '../resolvers.generated.js';
import {
  DeleteModelVersionPayload,
  ModelVersionActivity,
  ModelVersionActivityPayload,
  ModelVersionComment,
  TransitionRequest,
} from './leaves.js';
import { LoggedModel } from './LoggedModel.js';
import { ModelVersion } from './ModelVersion.js';
import { Mutation } from './Mutation.js';
import { DeletePromptVersionPayload, Prompt, PromptAlias, PromptVersion } from './Prompt.js';
import { promptMutations } from './promptMutations.js';
import { Query } from './Query.js';
import { ModelAlias, RegisteredModel } from './RegisteredModel.js';
import { Run } from './Run.js';
import { Webhook, webhookMutations, webhookQueries, WebhookTestResult } from './webhooks.js';

/** All resolvers of the registry subgraph (their errors are mapped once, by the schema: see withErrorMapping). */
export const resolvers: Resolvers = {
  Timestamp: TimestampScalar,
  Query: { ...Query, ...webhookQueries },
  Mutation: { ...Mutation, ...promptMutations, ...webhookMutations },
  RegisteredModel,
  ModelAlias,
  ModelVersion,
  Run,
  LoggedModel,
  TransitionRequest,
  ModelVersionActivity,
  ModelVersionComment,
  ModelVersionActivityPayload,
  DeleteModelVersionPayload,
  Prompt,
  PromptVersion,
  PromptAlias,
  DeletePromptVersionPayload,
  Webhook,
  WebhookTestResult,
};
