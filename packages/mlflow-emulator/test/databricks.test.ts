import {
  DATABRICKS_ADMIN,
  DATABRICKS_ALICE,
  DATABRICKS_BOB,
  DATABRICKS_CAROL,
  startEmulator,
  type Emulator,
} from '../src/index.js';
import { call, qs } from './httpClient.js';

interface AclEntry {
  user_name?: string;
  group_name?: string;
  all_permissions: Array<{ permission_level: string; inherited: boolean; inherited_from_object?: string[] }>;
}

describe('Databricks mode', () => {
  let emulator: Emulator;
  let privateExperimentId: string;
  let fraudExperimentId: string;
  beforeAll(async () => {
    emulator = await startEmulator({ seed: 'demo', databricks: true });
  });
  afterAll(() => emulator.close());
  beforeEach(() => {
    emulator.reset();
    privateExperimentId = emulator.store.tracking.getExperimentByName('demand-forecasting')?.experimentId ?? '';
    fraudExperimentId = emulator.store.tracking.getExperimentByName('fraud-detection')?.experimentId ?? '';
  });

  it('maps bearer tokens to users and rejects missing or unknown tokens', async () => {
    const none = await call(emulator.url, `/api/2.0/mlflow/experiments/get?experiment_id=${fraudExperimentId}`);
    expect(none.status).toBe(401);
    expect(none.json()).toEqual({
      error_code: 'UNAUTHENTICATED',
      message: 'Credential was not sent or was of an unsupported type for this API.',
    });
    const bad = await call(emulator.url, `/api/2.0/mlflow/experiments/get?experiment_id=${fraudExperimentId}`, {
      bearer: 'dapi-nope',
    });
    expect(bad.status).toBe(401);
    expect(bad.json<{ message: string }>().message).toBe('Invalid access token.');
    const ok = await call(emulator.url, `/api/2.0/mlflow/experiments/get?experiment_id=${fraudExperimentId}`, {
      bearer: DATABRICKS_BOB.token,
    });
    expect(ok.status).toBe(200);
  });

  it('enforces CAN_READ with a PERMISSION_DENIED JSON 403; admins bypass', async () => {
    const path = `/api/2.0/mlflow/experiments/get?experiment_id=${privateExperimentId}`;
    const carol = await call(emulator.url, path, { bearer: DATABRICKS_CAROL.token });
    expect(carol.status).toBe(403);
    expect(carol.json()).toEqual({
      error_code: 'PERMISSION_DENIED',
      message: `User ${DATABRICKS_CAROL.userName} does not have Read permissions on experiment ${privateExperimentId}.`,
    });
    expect((await call(emulator.url, path, { bearer: DATABRICKS_BOB.token })).status).toBe(200);
    expect((await call(emulator.url, path, { bearer: DATABRICKS_ADMIN.token })).status).toBe(200);
  });

  it('needs CAN_EDIT to write and filters experiments/search by CAN_READ', async () => {
    const create = await call(emulator.url, '/api/2.0/mlflow/runs/create', {
      bearer: DATABRICKS_BOB.token,
      body: { experiment_id: fraudExperimentId, start_time: 1 },
    });
    expect(create.status).toBe(403);
    const byAlice = await call(emulator.url, '/api/2.0/mlflow/runs/create', {
      bearer: DATABRICKS_ALICE.token,
      body: { experiment_id: fraudExperimentId, start_time: 1 },
    });
    expect(byAlice.status).toBe(200);
    const search = async (token: string): Promise<string[]> =>
      (
        (
          await call(emulator.url, '/api/2.0/mlflow/experiments/search', { bearer: token, body: { max_results: 100 } })
        ).json<{
          experiments: Array<{ name: string }>;
        }>().experiments ?? []
      ).map((experiment) => experiment.name);
    expect(await search(DATABRICKS_CAROL.token)).not.toContain('demand-forecasting');
    expect(await search(DATABRICKS_BOB.token)).toContain('demand-forecasting');
    expect(await search(DATABRICKS_ADMIN.token)).toContain('demand-forecasting');
  });

  it('serves experiment ACLs shaped like the SDK, with inherited admins', async () => {
    const response = await call(emulator.url, `/api/2.0/permissions/experiments/${fraudExperimentId}`, {
      bearer: DATABRICKS_ALICE.token,
    });
    expect(response.status).toBe(200);
    const body = response.json<{ object_id: string; object_type: string; access_control_list: AclEntry[] }>();
    expect(body.object_id).toBe(`/experiments/${fraudExperimentId}`);
    expect(body.object_type).toBe('mlflow-experiment');
    expect(body.access_control_list).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          user_name: DATABRICKS_ALICE.userName,
          all_permissions: [{ permission_level: 'CAN_MANAGE', inherited: false }],
        }),
        expect.objectContaining({
          group_name: 'users',
          all_permissions: [{ permission_level: 'CAN_READ', inherited: false }],
        }),
        expect.objectContaining({
          group_name: 'admins',
          all_permissions: [
            { permission_level: 'CAN_MANAGE', inherited: true, inherited_from_object: ['/experiments/'] },
          ],
        }),
      ]),
    );
    const levels = await call(emulator.url, `/api/2.0/permissions/experiments/${fraudExperimentId}/permissionLevels`, {
      bearer: DATABRICKS_BOB.token,
    });
    expect(
      levels
        .json<{ permission_levels: Array<{ permission_level: string }> }>()
        .permission_levels.map((l) => l.permission_level),
    ).toEqual(['CAN_READ', 'CAN_EDIT', 'CAN_MANAGE']);
  });

  it('changes ACLs with PATCH (merge) and PUT (replace), CAN_MANAGE only', async () => {
    const path = `/api/2.0/permissions/experiments/${fraudExperimentId}`;
    const denied = await call(emulator.url, path, {
      method: 'PATCH',
      bearer: DATABRICKS_BOB.token,
      body: { access_control_list: [{ user_name: DATABRICKS_BOB.userName, permission_level: 'CAN_MANAGE' }] },
    });
    expect(denied.status).toBe(403);
    const patched = await call(emulator.url, path, {
      method: 'PATCH',
      bearer: DATABRICKS_ALICE.token,
      body: { access_control_list: [{ user_name: DATABRICKS_CAROL.userName, permission_level: 'CAN_EDIT' }] },
    });
    expect(patched.status).toBe(200);
    const names = (entries: AclEntry[]): string[] => entries.map((e) => e.user_name ?? e.group_name ?? '').sort();
    expect(names(patched.json<{ access_control_list: AclEntry[] }>().access_control_list)).toEqual(
      ['admins', DATABRICKS_ALICE.userName, DATABRICKS_CAROL.userName, 'users'].sort(),
    );
    const carolCreates = await call(emulator.url, '/api/2.0/mlflow/runs/create', {
      bearer: DATABRICKS_CAROL.token,
      body: { experiment_id: fraudExperimentId },
    });
    expect(carolCreates.status).toBe(200);
    const put = await call(emulator.url, path, {
      method: 'PUT',
      bearer: DATABRICKS_ALICE.token,
      body: { access_control_list: [{ user_name: DATABRICKS_ALICE.userName, permission_level: 'CAN_MANAGE' }] },
    });
    expect(names(put.json<{ access_control_list: AclEntry[] }>().access_control_list)).toEqual(
      ['admins', DATABRICKS_ALICE.userName].sort(),
    );
    const invalid = await call(emulator.url, path, {
      method: 'PATCH',
      bearer: DATABRICKS_ALICE.token,
      body: { access_control_list: [{ user_name: 'nobody@example.com', permission_level: 'CAN_READ' }] },
    });
    expect(invalid.status).toBe(400);
    expect(invalid.json()).toEqual({
      error_code: 'INVALID_PARAMETER_VALUE',
      message: 'Principal: UserName(nobody@example.com) does not exist',
    });
    const badLevel = await call(emulator.url, path, {
      method: 'PATCH',
      bearer: DATABRICKS_ALICE.token,
      body: { access_control_list: [{ group_name: 'users', permission_level: 'CAN_MANAGE_PRODUCTION_VERSIONS' }] },
    });
    expect(badLevel.status).toBe(400);
  });

  it('exposes registered-model ids and permission levels through the databricks get', async () => {
    const got = await call(
      emulator.url,
      `/api/2.0/mlflow/databricks/registered-models/get${qs([['name', 'fraud-detector']])}`,
      {
        bearer: DATABRICKS_BOB.token,
      },
    );
    expect(got.status).toBe(200);
    const model = got.json<{
      registered_model_databricks: {
        id: string;
        name: string;
        user_id: string;
        permission_level: string;
        aliases: unknown[];
      };
    }>().registered_model_databricks;
    expect(model.name).toBe('fraud-detector');
    expect(model.user_id).toBe(DATABRICKS_ALICE.userName);
    expect(model.id).toMatch(/^[0-9a-f]{16}$/);
    expect(model.permission_level).toBe('CAN_EDIT');
    expect(model.aliases).toEqual([
      { alias: 'challenger', version: '5' },
      { alias: 'champion', version: '4' },
    ]);
    const acl = await call(emulator.url, `/api/2.0/permissions/registered-models/${model.id}`, {
      bearer: DATABRICKS_BOB.token,
    });
    expect(acl.json<{ object_type: string; object_id: string }>()).toMatchObject({
      object_type: 'registered-model',
      object_id: `/registered-models/${model.id}`,
    });
    const levels = await call(emulator.url, `/api/2.0/permissions/registered-models/${model.id}/permissionLevels`, {
      bearer: DATABRICKS_BOB.token,
    });
    expect(
      levels
        .json<{ permission_levels: Array<{ permission_level: string }> }>()
        .permission_levels.map((l) => l.permission_level),
    ).toEqual(['CAN_READ', 'CAN_EDIT', 'CAN_MANAGE_STAGING_VERSIONS', 'CAN_MANAGE_PRODUCTION_VERSIONS', 'CAN_MANAGE']);
    const missing = await call(emulator.url, '/api/2.0/permissions/registered-models/0000', {
      bearer: DATABRICKS_ADMIN.token,
    });
    expect(missing.status).toBe(404);
  });

  it('runs the transition-request workflow with stage-specific permissions', async () => {
    const list = await call(
      emulator.url,
      `/api/2.0/mlflow/transition-requests/list${qs([
        ['name', 'fraud-detector'],
        ['version', '5'],
      ])}`,
      {
        bearer: DATABRICKS_BOB.token,
      },
    );
    expect(
      list.json<{ requests: Array<{ to_stage: string; user_id: string; activity_type: string }> }>().requests,
    ).toEqual([
      expect.objectContaining({
        to_stage: 'Production',
        user_id: DATABRICKS_BOB.userName,
        activity_type: 'REQUESTED_TRANSITION',
      }),
    ]);
    const bobApproves = await call(emulator.url, '/api/2.0/mlflow/transition-requests/approve', {
      bearer: DATABRICKS_BOB.token,
      body: { name: 'fraud-detector', version: '5', stage: 'Production', archive_existing_versions: true },
    });
    expect(bobApproves.status).toBe(403);
    const aliceApproves = await call(emulator.url, '/api/2.0/mlflow/transition-requests/approve', {
      bearer: DATABRICKS_ALICE.token,
      body: {
        name: 'fraud-detector',
        version: '5',
        stage: 'Production',
        archive_existing_versions: true,
        comment: 'ship it',
      },
    });
    expect(aliceApproves.status).toBe(200);
    expect(aliceApproves.json<{ activity: Record<string, unknown> }>().activity).toMatchObject({
      activity_type: 'APPROVED_REQUEST',
      from_stage: 'Staging',
      to_stage: 'Production',
      user_id: DATABRICKS_ALICE.userName,
      comment: 'ship it',
    });
    const versions = emulator.store.registry.models.get('fraud-detector')?.versions;
    expect(versions?.get(5)?.currentStage).toBe('Production');
    expect(versions?.get(4)?.currentStage).toBe('Archived');
    const created = await call(emulator.url, '/api/2.0/mlflow/transition-requests/create', {
      bearer: DATABRICKS_BOB.token,
      body: { name: 'fraud-detector', version: '4', stage: 'Staging', comment: 'retry' },
    });
    expect(created.json<{ request: Record<string, unknown> }>().request).toMatchObject({
      to_stage: 'Staging',
      user_id: DATABRICKS_BOB.userName,
      available_actions: ['CANCEL_TRANSITION_REQUEST'],
    });
    const removed = await call(
      emulator.url,
      `/api/2.0/mlflow/transition-requests/delete${qs([
        ['name', 'fraud-detector'],
        ['version', '4'],
        ['stage', 'Staging'],
        ['creator', DATABRICKS_BOB.userName],
      ])}`,
      { method: 'DELETE', bearer: DATABRICKS_BOB.token },
    );
    expect(removed.status).toBe(200);
    expect(emulator.store.databricks.requestsOf('fraud-detector', '4')).toEqual([]);
  });

  it('creates, edits and deletes comments (author only)', async () => {
    const created = await call(emulator.url, '/api/2.0/mlflow/comments/create', {
      bearer: DATABRICKS_BOB.token,
      body: { name: 'fraud-detector', version: '4', comment: 'looks good' },
    });
    const comment = created.json<{
      comment: { id: string; comment: string; user_id: string; available_actions: string[] };
    }>().comment;
    expect(comment).toMatchObject({
      comment: 'looks good',
      user_id: DATABRICKS_BOB.userName,
      available_actions: ['EDIT_COMMENT', 'DELETE_COMMENT'],
    });
    const foreign = await call(emulator.url, '/api/2.0/mlflow/comments/update', {
      method: 'PATCH',
      bearer: DATABRICKS_CAROL.token,
      body: { id: comment.id, comment: 'hijacked' },
    });
    expect(foreign.status).toBe(403);
    const edited = await call(emulator.url, '/api/2.0/mlflow/comments/update', {
      method: 'PATCH',
      bearer: DATABRICKS_BOB.token,
      body: { id: comment.id, comment: 'looks great' },
    });
    expect(edited.json<{ comment: { comment: string } }>().comment.comment).toBe('looks great');
    const deleted = await call(emulator.url, `/api/2.0/mlflow/comments/delete${qs([['id', comment.id]])}`, {
      method: 'DELETE',
      bearer: DATABRICKS_BOB.token,
    });
    expect(deleted.status).toBe(200);
    expect(emulator.store.databricks.comments.has(comment.id)).toBe(false);
  });

  it('deletes and restores runs in bulk', async () => {
    const experiment = emulator.store.tracking.getExperimentByName('churn-prediction');
    const id = experiment?.experimentId ?? '';
    const deleted = await call(emulator.url, '/api/2.0/mlflow/databricks/runs/delete-runs', {
      bearer: DATABRICKS_ALICE.token,
      body: { experiment_id: id, max_timestamp_millis: 9_999_999_999_999, max_runs: 10 },
    });
    expect(deleted.json()).toEqual({ runs_deleted: 10 });
    const restored = await call(emulator.url, '/api/2.0/mlflow/databricks/runs/restore-runs', {
      bearer: DATABRICKS_ALICE.token,
      body: { experiment_id: id, min_timestamp_millis: 0 },
    });
    expect(restored.json()).toEqual({ runs_restored: 10 });
    const byCarol = await call(emulator.url, '/api/2.0/mlflow/databricks/runs/delete-runs', {
      bearer: DATABRICKS_CAROL.token,
      body: { experiment_id: id, max_timestamp_millis: 1 },
    });
    expect(byCarol.status).toBe(403);
  });
});
