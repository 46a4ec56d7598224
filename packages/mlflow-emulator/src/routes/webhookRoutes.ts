// Model-registry webhooks (`/api/2.0/mlflow/webhooks...`) and their deliveries in MLflow 3.x mode. Placeholder
// registered in EmulatorServer's ROUTE_FAMILIES so the helper who emulates this family fills in this file only (see
// router.ts for the pattern); until then these paths are Werkzeug's 404 and test/conformance/corpusV3.test.ts lists
// them in NOT_YET_EMULATED.
import type { RegisterRoutes } from '../router.js';

/** Adds the webhook routes (none yet). */
export const registerWebhookRoutes: RegisterRoutes = () => {};
