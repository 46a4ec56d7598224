import { BadUserInputError, UnreachableCaseError } from '../../errors/SupergraphError.js';
import type { WireModelVersion, WireTag } from '../../upstream/mlflow/wire.js';
import type {
  ModelVersionActivityAction,
  ModelVersionActivityType,
  ModelVersionStage,
  ModelVersionStatus,
} from './resolvers.generated.js';

// Mapping between MLflow's (and Databricks') wire values and the registry's GraphQL enums, in one place.

/** MLflow's stage names, as it stores and accepts them. */
export type WireStageName = 'None' | 'Staging' | 'Production' | 'Archived';

/** ModelVersionStage → MLflow's stage string: the one table both directions read (a Record, so no stage is missed). */
const WIRE_STAGES: Readonly<Record<ModelVersionStage, WireStageName>> = {
  NONE: 'None',
  STAGING: 'Staging',
  PRODUCTION: 'Production',
  ARCHIVED: 'Archived',
};

/** The reverse of {@link WIRE_STAGES}, by lower-cased MLflow name. */
const STAGES_BY_WIRE_NAME = new Map(
  (Object.keys(WIRE_STAGES) as ModelVersionStage[]).map((stage) => [WIRE_STAGES[stage].toLowerCase(), stage]),
);

/** ModelVersionStage → MLflow's stage string. */
export function wireStage(stage: ModelVersionStage): WireStageName {
  if (!Object.hasOwn(WIRE_STAGES, stage)) throw new UnreachableCaseError(stage as never);
  return WIRE_STAGES[stage];
}

/**
 * MLflow's stage string → ModelVersionStage, or null for a value this graph does not know. MLflow matches
 * stages case-insensitively on input (corpus: `staging` is accepted and stored as `Staging`), so do we.
 */
export function stageOrNull(stage: string | undefined): ModelVersionStage | null {
  return STAGES_BY_WIRE_NAME.get((stage ?? 'None').toLowerCase()) ?? null;
}

/** A version's stage; an unknown value reads as NONE (the field is non-null). */
export function modelVersionStage(version: WireModelVersion): ModelVersionStage {
  return stageOrNull(version.current_stage) ?? 'NONE';
}

/** A version's status; MLflow omits it on some backends, where the version is usable. */
export function modelVersionStatus(status: string | undefined): ModelVersionStatus {
  switch (status) {
    case 'PENDING_REGISTRATION':
    case 'FAILED_REGISTRATION':
    case 'READY':
      return status;
    default:
      return 'READY';
  }
}

const ACTIONS: readonly ModelVersionActivityAction[] = [
  'APPROVE_TRANSITION_REQUEST',
  'REJECT_TRANSITION_REQUEST',
  'CANCEL_TRANSITION_REQUEST',
  'EDIT_COMMENT',
  'DELETE_COMMENT',
];

/** Databricks' `available_actions`, keeping only the ones this graph knows (new ones are skipped, not errors). */
export function activityActions(actions: readonly string[] | undefined): ModelVersionActivityAction[] {
  return (actions ?? []).filter((a): a is ModelVersionActivityAction => (ACTIONS as readonly string[]).includes(a));
}

const ACTIVITY_TYPES: readonly ModelVersionActivityType[] = [
  'APPLIED_TRANSITION',
  'REQUESTED_TRANSITION',
  'APPROVED_REQUEST',
  'REJECTED_REQUEST',
  'CANCELLED_REQUEST',
  'NEW_COMMENT',
  'SYSTEM_TRANSITION',
];

/** Databricks' `activity_type`, or null for a kind this graph does not know yet. */
export function activityType(type: string | undefined): ModelVersionActivityType | null {
  return type !== undefined && (ACTIVITY_TYPES as readonly string[]).includes(type)
    ? (type as ModelVersionActivityType)
    : null;
}

/** Tags with MLflow's omitted empty value made explicit. */
export function tagList(tags: readonly WireTag[] | undefined): { key: string; value: string }[] {
  return (tags ?? []).map((tag) => ({ key: tag.key, value: tag.value ?? '' }));
}

/** The value of one tag, or null. */
export function tagValue(tags: readonly WireTag[] | undefined, key: string): string | null {
  const tag = tags?.find((t) => t.key === key);
  return tag ? (tag.value ?? '') : null;
}

/** MLflow sends unset strings as "" (run_id, run_link, description): those read as null. */
export function nonEmpty(value: string | undefined): string | null {
  return value === undefined || value === '' ? null : value;
}

/**
 * Rejects an empty version before it reaches the backend. Anything else is the backend's to judge: MLflow
 * answers 400 for a non-integer (corpus: "Model version must be an integer, got 'abc'"), while GitLab's
 * MLflow-compatible registry uses semantic versions such as "1.0.0".
 */
export function assertVersion(version: string): string {
  if (version.trim() === '' || version.length > 64) {
    throw new BadUserInputError(
      `version: expected a model version such as "3", got ${JSON.stringify(version.slice(0, 64))}`,
    );
  }
  return version;
}
