import {
  DATABRICKS_ADMIN,
  DATABRICKS_ALICE,
  DATABRICKS_BOB,
  DATABRICKS_CAROL,
} from '@mlflow-supergraph/mlflow-emulator';
import { describeAuthorizationMatrix, type MatrixOptions } from './authorizationMatrix.js';

const databricksMatrix: Omit<MatrixOptions, 'name' | 'emulator'> = {
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
};

describeAuthorizationMatrix({ ...databricksMatrix, name: 'Databricks permissions', emulator: { databricks: true } });

// A workspace whose MLflow API has logged models (the profile declares them). The emulated workspace answers them to
// any token, so only the graph's own checks keep the private one private.
describeAuthorizationMatrix({
  ...databricksMatrix,
  name: 'Databricks permissions, logged models',
  emulator: { databricks: true, mlflowVersion: '3.11.1' },
  mlflow3: true,
});
