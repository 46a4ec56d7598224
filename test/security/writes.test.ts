// Every write is checked before it is sent. Databricks' comment edits and deletes name the model they belong to,
// and need CAN_MANAGE on it (Databricks offers no way to read a comment, so the graph cannot see its author; behind
// a trusted proxy Databricks sees the service as every author): a reader or an outsider is refused FORBIDDEN with
// no write reaching the backend.
import {
  DATABRICKS_ADMIN,
  DATABRICKS_ALICE,
  DATABRICKS_BOB,
  DATABRICKS_CAROL,
} from '@mlflow-supergraph/mlflow-emulator';
import { startStack, type Stack } from '../helpers/startStack.js';
import { mlflowRest } from '../integration/registry/seedRegistry.js';
import { asBearer } from '../helpers/auth.js';

const MODEL = 'guarded-model';
const UPDATE = 'PATCH /api/2.0/mlflow/comments/update';
const DELETE = 'DELETE /api/2.0/mlflow/comments/delete';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({
    emulator: { seed: 'empty', databricks: true },
    env: { MLFLOW_SUPERGRAPH_BACKEND: 'databricks' },
  });
  const admin = asBearer(DATABRICKS_ADMIN.token);
  await mlflowRest(stack.emulator.url, 'POST', '/api/2.0/mlflow/registered-models/create', { name: MODEL }, admin);
  await mlflowRest(
    stack.emulator.url,
    'POST',
    '/api/2.0/mlflow/model-versions/create',
    { name: MODEL, source: 'dbfs:/models/guarded/1' },
    admin,
  );
  const id = stack.emulator.store.registry.models.get(MODEL)?.id as string;
  stack.emulator.store.databricks.grant(
    'registered-models',
    id,
    { kind: 'user', name: DATABRICKS_ALICE.userName },
    'CAN_MANAGE',
  );
  stack.emulator.store.databricks.grant(
    'registered-models',
    id,
    { kind: 'user', name: DATABRICKS_BOB.userName },
    'CAN_READ',
  );
});
afterAll(() => stack?.close());

async function comment(token: string, text: string): Promise<string> {
  const created = await stack.query(
    `mutation($text: String!) { createModelVersionComment(name: "${MODEL}", version: "1", comment: $text) { id } }`,
    { text },
    asBearer(token),
  );
  expect(created.errors).toBeUndefined();
  return created.data.createModelVersionComment.id;
}

const update = (token: string, id: string) =>
  stack.query(
    `mutation($id: ID!) { updateModelVersionComment(name: "${MODEL}", id: $id, comment: "rewritten") { id comment } }`,
    { id },
    asBearer(token),
  );
const remove = (token: string, id: string) =>
  stack.query(
    `mutation($id: ID!) { deleteModelVersionComment(name: "${MODEL}", id: $id) { id } }`,
    { id },
    asBearer(token),
  );

describe('Databricks comment edits and deletes', () => {
  it.each([
    ['CAN_READ', DATABRICKS_BOB],
    ['NO_PERMISSIONS', DATABRICKS_CAROL],
  ])('a caller with %s on the model is refused FORBIDDEN, and no write is sent', async (_level, persona) => {
    const id = await comment(DATABRICKS_ADMIN.token, 'by the admin');
    stack.emulator.resetCalls();
    for (const result of [await update(persona.token, id), await remove(persona.token, id)]) {
      expect(result.data).toBeNull();
      expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', requiredLevel: 'CAN_MANAGE' });
    }
    expect(stack.emulator.callCount(UPDATE)).toBe(0);
    expect(stack.emulator.callCount(DELETE)).toBe(0);
    // The comment is untouched.
    expect(stack.emulator.store.databricks.comments.get(id)?.comment).toBe('by the admin');
  });

  it("a reader's own comment is refused too: the graph cannot see authors, so it asks for CAN_MANAGE", async () => {
    const id = await comment(DATABRICKS_BOB.token, 'by bob');
    stack.emulator.resetCalls();
    const result = await update(DATABRICKS_BOB.token, id);
    expect(result.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(stack.emulator.callCount(UPDATE)).toBe(0);
  });

  it('a manager of the model deletes any comment on it, and its author edits their own', async () => {
    const id = await comment(DATABRICKS_ALICE.token, 'by alice');
    stack.emulator.resetCalls();
    const edited = await update(DATABRICKS_ALICE.token, id);
    expect(edited.errors).toBeUndefined();
    expect(edited.data.updateModelVersionComment).toEqual({ id, comment: 'rewritten' });
    const other = await comment(DATABRICKS_ADMIN.token, 'by the admin, moderated');
    const deleted = await remove(DATABRICKS_ALICE.token, other);
    expect(deleted.errors).toBeUndefined();
    expect(stack.emulator.callCount(UPDATE)).toBe(1);
    expect(stack.emulator.callCount(DELETE)).toBe(1);
    expect(stack.emulator.store.databricks.comments.has(other)).toBe(false);
  });
});
