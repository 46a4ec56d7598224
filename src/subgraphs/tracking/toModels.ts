import type { ArtifactLocation } from '../../upstream/artifacts/ArtifactRoot.js';
import type { WireLoggedModel, WireLoggedModelStatus, WireRun, WireTag } from '../../upstream/mlflow/wire.js';
import type { LifecycleStage, LoggedModelStatus, RunStatus, ViewType } from './resolvers.generated.js';

// Mapping between MLflow's wire values and the GraphQL enums, in one place.

/** 'active' | 'deleted' → LifecycleStage. */
export function lifecycleStage(stage: string | undefined): LifecycleStage {
  return stage === 'deleted' ? 'DELETED' : 'ACTIVE';
}

/** MLflow run status → RunStatus (unknown values, which MLflow 2.12 accepts on update, read as RUNNING). */
export function runStatus(status: string | undefined): RunStatus {
  switch (status) {
    case 'SCHEDULED':
    case 'FINISHED':
    case 'FAILED':
    case 'KILLED':
    case 'RUNNING':
      return status;
    default:
      return 'RUNNING';
  }
}

/** ViewType → MLflow's view type string (same names). */
export function wireViewType(viewType: ViewType | null | undefined): ViewType {
  return viewType ?? 'ACTIVE_ONLY';
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

/** A run's name: info.run_name, else the mlflow.runName tag (older servers). */
export function runName(run: WireRun): string | null {
  return run.info.run_name || tagValue(run.data?.tags, 'mlflow.runName');
}

/** A run as an artifact root: what the listing, the signed URLs and the downloads name. */
export function artifactLocation(run: WireRun): ArtifactLocation {
  return { root: { kind: 'run', id: run.info.run_id }, experimentId: run.info.experiment_id };
}

/** A logged model's artifact root, governed by its experiment's permission. */
export function loggedModelArtifactLocation(model: WireLoggedModel): ArtifactLocation {
  return { root: { kind: 'loggedModel', id: model.info.model_id }, experimentId: model.info.experiment_id };
}

/** MLflow's logged-model status → LoggedModelStatus (anything else, which MLflow stores as UNSPECIFIED, reads as that). */
export function loggedModelStatus(status: string | undefined): LoggedModelStatus {
  switch (status) {
    case 'LOGGED_MODEL_PENDING':
      return 'PENDING';
    case 'LOGGED_MODEL_READY':
      return 'READY';
    case 'LOGGED_MODEL_UPLOAD_FAILED':
      return 'UPLOAD_FAILED';
    default:
      return 'UNSPECIFIED';
  }
}

/** LoggedModelStatus → MLflow's wire value. */
export function wireLoggedModelStatus(status: LoggedModelStatus): WireLoggedModelStatus {
  return status === 'UNSPECIFIED' ? 'LOGGED_MODEL_STATUS_UNSPECIFIED' : `LOGGED_MODEL_${status}`;
}

/** A string MLflow sends empty for "none" (`source_run_id`, `model_type`), as null. */
export function nonEmpty(value: string | undefined): string | null {
  return value === undefined || value === '' ? null : value;
}
