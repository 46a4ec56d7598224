// MLflow 3's `server-info` (mlflow/server/handlers.py: the store type and whether workspaces are on), which the
// graph's backend detection reads. Only under the 3.0 prefixes: `/api/2.0/mlflow/server-info` is a 404 in 3.x
// (corpus seq 5), and 2.x has neither.
import { isMlflow3 } from '../mlflowVersion.js';
import { MLFLOW3_PREFIXES, type RegisterRoutes } from '../router.js';

/** Adds `GET /api/3.0/mlflow/server-info` (and its ajax twin) in 3.x mode. */
export const registerServerInfoRoutes: RegisterRoutes = (router, settings) => {
  if (!isMlflow3(settings)) return;
  router.add(
    {
      operation: 'GetServerInfo',
      path: '/server-info',
      methods: ['GET'],
      handler: () => ({ store_type: 'SqlStore', workspaces_enabled: false }),
    },
    MLFLOW3_PREFIXES,
  );
};
