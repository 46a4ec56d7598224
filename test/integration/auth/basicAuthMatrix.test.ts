import { ADMIN, ALICE, BOB, CAROL } from '@mlflow-supergraph/mlflow-emulator';
import { describeAuthorizationMatrix, type MatrixOptions } from './authorizationMatrix.js';
import { basicAuth } from '../../helpers/auth.js';

const basicAuthMatrix: Omit<MatrixOptions, 'name' | 'emulator'> = {
  credentials: {
    admin: basicAuth(ADMIN.username, ADMIN.password),
    alice: basicAuth(ALICE.username, ALICE.password),
    bob: basicAuth(BOB.username, BOB.password),
    carol: basicAuth(CAROL.username, CAROL.password),
  },
  // basic-auth's default permission (READ) lets alice read what nobody granted her.
  readers: ['admin', 'alice', 'bob'],
  levels: { admin: 'CAN_MANAGE', alice: 'CAN_READ', bob: 'CAN_READ' },
  grantRoute: 'POST /api/2.0/mlflow/experiments/permissions/create',
};

describeAuthorizationMatrix({ ...basicAuthMatrix, name: 'MLflow basic-auth', emulator: { auth: true } });

// MLflow 3.11.1's basic-auth app, with MLflow 3's logged models among the paths and writes.
describeAuthorizationMatrix({
  ...basicAuthMatrix,
  name: 'MLflow 3.11.1 basic-auth',
  emulator: { auth: true, mlflowVersion: '3.11.1' },
  mlflow3: true,
});
