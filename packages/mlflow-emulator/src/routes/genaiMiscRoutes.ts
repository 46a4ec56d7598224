// The rest of MLflow 3's GenAI surface: issues, jobs, prompt optimization, workspaces (off: 503), and the Databricks-
// only `unified-traces` / `get-online-trace-details` (404) in MLflow 3.x mode. Placeholder registered in
// EmulatorServer's ROUTE_FAMILIES so the helper who emulates this family fills in this file only (see router.ts for
// the pattern); until then these paths are Werkzeug's 404 and test/conformance/corpusV3.test.ts lists them in
// NOT_YET_EMULATED.
import type { RegisterRoutes } from '../router.js';

/** Adds the issue, job, prompt-optimization and workspace routes (none yet). */
export const registerGenaiMiscRoutes: RegisterRoutes = () => {};
