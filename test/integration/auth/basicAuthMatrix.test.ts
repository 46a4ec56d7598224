import { ADMIN, ALICE, BOB, CAROL } from '@mlflow-supergraph/mlflow-emulator';
import { basic } from '../../helpers/startStack.js';
import { describeAuthorizationMatrix } from './authorizationMatrix.js';

describeAuthorizationMatrix({
  name: 'MLflow basic-auth',
  emulator: { auth: true },
  credentials: {
    admin: basic(ADMIN.username, ADMIN.password),
    alice: basic(ALICE.username, ALICE.password),
    bob: basic(BOB.username, BOB.password),
    carol: basic(CAROL.username, CAROL.password),
  },
  // basic-auth's default permission (READ) lets alice read what nobody granted her.
  readers: ['admin', 'alice', 'bob'],
  levels: { admin: 'CAN_MANAGE', alice: 'CAN_READ', bob: 'CAN_READ' },
  grantRoute: 'POST /api/2.0/mlflow/experiments/permissions/create',
});
