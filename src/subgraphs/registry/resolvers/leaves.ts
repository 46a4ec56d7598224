import { registryLoaders } from '../loaders/createRegistryLoaders.js';
import type {
  DeleteModelVersionPayloadResolvers,
  ModelVersionActivityPayloadResolvers,
  ModelVersionActivityResolvers,
  ModelVersionCommentResolvers,
  TransitionRequestResolvers,
} from '../resolvers.generated.js';
import { activityActions, activityType, nonEmpty, stageOrNull } from '../toModels.js';

/** TransitionRequest fields, from a listed request (an activity) or a created one. */
export const TransitionRequest: TransitionRequestResolvers = {
  id: (request) => nonEmpty(request.id),
  toStage: (request) => stageOrNull(request.to_stage) ?? 'NONE',
  comment: (request) => nonEmpty(request.comment),
  creationTime: (request) => request.creation_timestamp ?? null,
  userId: (request) => nonEmpty(request.user_id),
  availableActions: (request) => activityActions(request.available_actions),
};

/** ModelVersionActivity fields; stages are only set on transition activities. */
export const ModelVersionActivity: ModelVersionActivityResolvers = {
  id: (activity) => nonEmpty(activity.id),
  activityType: (activity) => activityType(activity.activity_type),
  fromStage: (activity) => (activity.from_stage === undefined ? null : stageOrNull(activity.from_stage)),
  toStage: (activity) => (activity.to_stage === undefined ? null : stageOrNull(activity.to_stage)),
  comment: (activity) => nonEmpty(activity.comment),
  systemComment: (activity) => nonEmpty(activity.system_comment),
  userId: (activity) => nonEmpty(activity.user_id),
  creationTime: (activity) => activity.creation_timestamp ?? null,
  lastUpdateTime: (activity) => activity.last_updated_timestamp ?? null,
};

/** ModelVersionComment fields. */
export const ModelVersionComment: ModelVersionCommentResolvers = {
  id: (comment) => comment.id ?? '',
  comment: (comment) => comment.comment ?? '',
  userId: (comment) => nonEmpty(comment.user_id),
  creationTime: (comment) => comment.creation_timestamp ?? null,
  lastUpdateTime: (comment) => comment.last_updated_timestamp ?? null,
  availableActions: (comment) => activityActions(comment.available_actions),
};

/** The activity a transition action produced, and the version read back after it. */
export const ModelVersionActivityPayload: ModelVersionActivityPayloadResolvers = {
  activity: (payload) => payload.activity,
  modelVersion: (payload, _, context) =>
    context.loaders.get(registryLoaders).modelVersion.load({ name: payload.name, version: payload.version }),
};

/** What is left after deleting a version: its key and its model. */
export const DeleteModelVersionPayload: DeleteModelVersionPayloadResolvers = {
  name: (payload) => payload.name,
  version: (payload) => payload.version,
  registeredModel: (payload, _, context) =>
    context.loaders.get(registryLoaders).registeredModelByName.load(payload.name),
};
