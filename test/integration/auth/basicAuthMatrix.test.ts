import { ADMIN, ALICE, BOB, CAROL } from '@mlflow-supergraph/mlflow-emulator';
import { describeAuthorizationMatrix } from './authorizationMatrix.js';
import { basicAuth } from '../../helpers/auth.js';

describeAuthorizationMatrix({
  name: 'MLflow basic-auth',
  emulator: { auth: true },
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
});
