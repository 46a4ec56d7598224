// The Databricks workspace registry's own workflow (transition requests and comments) through the gateway,
// against the emulator serving as Databricks (bearer tokens), with MLFLOW_SUPERGRAPH_BACKEND=databricks.
import { DATABRICKS_ADMIN } from '@mlflow-supergraph/mlflow-emulator';
import { startStack, type Stack } from '../../helpers/startStack.js';
import { mlflowRest } from './seedRegistry.js';
import { asBearer } from '../../helpers/auth.js';

let stack: Stack;
const admin = asBearer(DATABRICKS_ADMIN.token);

beforeAll(async () => {
  stack = await startStack({
    emulator: { seed: 'empty', databricks: true },
    env: { MLFLOW_SUPERGRAPH_BACKEND: 'databricks', MLFLOW_SUPERGRAPH_PERMISSIONS: 'none' },
  });
  await mlflowRest(
    stack.emulator.url,
    'POST',
    '/api/2.0/mlflow/registered-models/create',
    { name: 'dbx-model' },
    admin,
  );
  for (let i = 0; i < 3; i += 1) {
    await mlflowRest(
      stack.emulator.url,
      'POST',
      '/api/2.0/mlflow/model-versions/create',
      { name: 'dbx-model', source: `dbfs:/models/dbx/${i}` },
      admin,
    );
  }
});

afterAll(async () => {
  await stack?.close();
});

async function ok(query: string, variables?: Record<string, unknown>): Promise<any> {
  const response = await stack.query(query, variables, admin);
  expect(response.errors).toBeUndefined();
  return response.data;
}

describe('transition requests', () => {
  it('requests, lists, approves, rejects and cancels stage transitions', async () => {
    const created = await ok(
      `mutation { createTransitionRequest(name: "dbx-model", version: "1", stage: STAGING, comment: "ready for QA") { toStage comment userId creationTime availableActions } }`,
    );
    expect(created.createTransitionRequest).toMatchObject({
      toStage: 'STAGING',
      comment: 'ready for QA',
      userId: DATABRICKS_ADMIN.userName,
    });
    expect(created.createTransitionRequest.creationTime).toMatch(/^\d{4}-\d{2}-\d{2}T/);

    const listed = await ok(
      `{ modelVersion(name: "dbx-model", version: "1") { transitionRequests { id toStage comment userId } } }`,
    );
    expect(listed.modelVersion.transitionRequests).toEqual([
      { id: expect.any(String), toStage: 'STAGING', comment: 'ready for QA', userId: DATABRICKS_ADMIN.userName },
    ]);

    const approved = await ok(
      `mutation { approveTransitionRequest(name: "dbx-model", version: "1", stage: STAGING, archiveExistingVersions: false, comment: "lgtm") {
          activity { activityType fromStage toStage comment userId } modelVersion { stage transitionRequests { toStage } } } }`,
    );
    expect(approved.approveTransitionRequest).toEqual({
      activity: {
        activityType: 'APPROVED_REQUEST',
        fromStage: 'NONE',
        toStage: 'STAGING',
        comment: 'lgtm',
        userId: DATABRICKS_ADMIN.userName,
      },
      modelVersion: { stage: 'STAGING', transitionRequests: [] },
    });

    await ok(`mutation { createTransitionRequest(name: "dbx-model", version: "2", stage: PRODUCTION) { toStage } }`);
    const rejected = await ok(
      `mutation { rejectTransitionRequest(name: "dbx-model", version: "2", stage: PRODUCTION, comment: "not yet") { activity { activityType toStage comment } modelVersion { stage } } }`,
    );
    expect(rejected.rejectTransitionRequest).toEqual({
      activity: { activityType: 'REJECTED_REQUEST', toStage: 'PRODUCTION', comment: 'not yet' },
      modelVersion: { stage: 'NONE' },
    });

    await ok(`mutation { createTransitionRequest(name: "dbx-model", version: "3", stage: STAGING) { toStage } }`);
    const cancelled = await ok(
      `mutation($creator: String!) { deleteTransitionRequest(name: "dbx-model", version: "3", stage: STAGING, creator: $creator) { modelVersion { version transitionRequests { toStage } } } }`,
      { creator: DATABRICKS_ADMIN.userName },
    );
    expect(cancelled.deleteTransitionRequest.modelVersion).toEqual({ version: '3', transitionRequests: [] });
  });

  it('lists the requests of many versions with one call per version (no batch endpoint)', async () => {
    stack.emulator.resetCalls();
    const data = await ok(
      `{ registeredModel(name: "dbx-model") { versions { nodes { version transitionRequests { toStage } } } } }`,
    );
    expect(data.registeredModel.versions.nodes).toHaveLength(3);
    expect(stack.emulator.callCount('GET /api/2.0/mlflow/transition-requests/list')).toBe(3);
    expect(stack.emulator.callCount('GET /api/2.0/mlflow/model-versions/search')).toBe(1);
  });

  it('maps a missing request to NOT_FOUND', async () => {
    const response = await stack.query(
      `mutation { approveTransitionRequest(name: "dbx-model", version: "3", stage: ARCHIVED, archiveExistingVersions: false) { modelVersion { stage } } }`,
      {},
      admin,
    );
    expect(response.errors?.[0]?.extensions).toMatchObject({
      code: 'NOT_FOUND',
      mlflowErrorCode: 'RESOURCE_DOES_NOT_EXIST',
    });
  });
});

describe('comments', () => {
  it('creates, edits and deletes a comment', async () => {
    const created = await ok(
      `mutation { createModelVersionComment(name: "dbx-model", version: "1", comment: "first") { id comment userId availableActions } }`,
    );
    const { id } = created.createModelVersionComment;
    expect(created.createModelVersionComment).toMatchObject({ comment: 'first', userId: DATABRICKS_ADMIN.userName });
    expect(created.createModelVersionComment.availableActions).toEqual(
      expect.arrayContaining(['EDIT_COMMENT', 'DELETE_COMMENT']),
    );

    const updated = await ok(
      `mutation($id: ID!) { updateModelVersionComment(name: "dbx-model", id: $id, comment: "edited") { id comment lastUpdateTime } }`,
      { id },
    );
    expect(updated.updateModelVersionComment).toMatchObject({ id, comment: 'edited' });

    stack.emulator.resetCalls();
    expect(
      await ok(`mutation($id: ID!) { deleteModelVersionComment(name: "dbx-model", id: $id) { id } }`, { id }),
    ).toEqual({ deleteModelVersionComment: { id } });
    expect(stack.emulator.callCount('DELETE /api/2.0/mlflow/comments/delete')).toBe(1);

    const again = await stack.query(
      `mutation($id: ID!) { updateModelVersionComment(name: "dbx-model", id: $id, comment: "gone") { id } }`,
      { id },
      admin,
    );
    expect(again.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND' });
  });
});
