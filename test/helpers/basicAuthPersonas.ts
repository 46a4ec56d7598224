// The MLflow basic-auth personas the MLflow 3 authorization matrices (prompts, traces, evaluation datasets) call as,
// and the two ways they reach the graph: their own Basic credentials, or identity headers from a trusted proxy in
// front of a graph that calls MLflow as its administrator.
import { ADMIN, ALICE, BOB, CAROL } from '@mlflow-supergraph/mlflow-emulator';
import { asUser } from './auth.js';

export type Person = 'admin' | 'alice' | 'bob' | 'carol';
export const PEOPLE: Person[] = ['admin', 'alice', 'bob', 'carol'];
export const USERS = { admin: ADMIN, alice: ALICE, bob: BOB, carol: CAROL };

/** How the personas call: the graph's environment for the mode and each persona's request headers. */
export const CALLER_MODES = [
  {
    mode: 'own credentials',
    env: {} as Record<string, string>,
    headers: (person: Person): Record<string, string> => asUser(USERS[person]),
  },
  {
    mode: 'trusted proxy',
    env: {
      MLFLOW_SUPERGRAPH_TRUSTED_PROXY: 'true',
      MLFLOW_TRACKING_USERNAME: ADMIN.username,
      MLFLOW_TRACKING_PASSWORD: ADMIN.password,
    },
    headers: (person: Person): Record<string, string> => ({ 'x-forwarded-user': USERS[person].username }),
  },
];

/** Whether an answer's data or error messages hold `secret` (text only a protected object has): a leak. */
export function holds(secret: string, body: { data?: unknown; errors?: { message: string }[] }): boolean {
  const text = JSON.stringify({ data: body.data ?? null, errors: (body.errors ?? []).map((e) => e.message) });
  return text.includes(secret);
}
