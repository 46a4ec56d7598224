// MLflow 3's logged models (`/api/2.0/mlflow/logged-models...`): create, get, finalize, tags, params, search,
// delete, artifact listing. Filled in by the logged-model step; 3.x mode only.
import type { RegisterRoutes } from '../router.js';

/** Adds the logged-model routes (none yet). */
export const registerLoggedModelRoutes: RegisterRoutes = () => {};
