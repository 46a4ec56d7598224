import {
  DATABRICKS_ADMIN,
  DATABRICKS_ALICE,
  DATABRICKS_BOB,
  DATABRICKS_CAROL,
} from '@mlflow-supergraph/mlflow-emulator';
import { describeAuthorizationMatrix } from './authorizationMatrix.js';

describeAuthorizationMatrix({
  name: 'Databricks permissions',
  emulator: { databricks: true },
  env: { MLFLOW_SUPERGRAPH_BACKEND: 'databricks' },
  credentials: {
    admin: `Bearer ${DATABRICKS_ADMIN.token}`,
    alice: `Bearer ${DATABRICKS_ALICE.token}`,
    bob: `Bearer ${DATABRICKS_BOB.token}`,
    carol: `Bearer ${DATABRICKS_CAROL.token}`,
  },
  // Private objects have no group grant on Databricks: only the admin and bob (explicit CAN_READ) read them.
  readers: ['admin', 'bob'],
  levels: { admin: 'CAN_MANAGE', bob: 'CAN_READ' },
  grantRoute: 'PATCH /api/2.0/permissions/experiments',
});
