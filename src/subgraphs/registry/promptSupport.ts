import type { RequestContext } from '../../context/RequestContext.js';
import { UnsupportedByBackendError } from '../../errors/SupergraphError.js';

/**
 * Refuses a prompt field or mutation, before any upstream call, where the backend has no prompt registry.
 * TODO(prompts): decided by the backend profile's MLflow 3 capability (detected version) once it lands.
 */
export async function requirePrompts(context: Pick<RequestContext, 'services'>, operation: string): Promise<void> {
  const { kind } = context.services.profile;
  if (kind !== 'mlflow') throw new UnsupportedByBackendError(operation, kind);
}
