// The registry through the gateway against the emulator: every write, the graph staying consistent after
// rename and delete, and the error cases recorded from a real MLflow 2.12 (test/conformance/corpus).
import { startStack, type Stack } from '../../helpers/startStack.js';
import { mlflowRest } from './seedRegistry.js';

let stack: Stack;
let runId: string;

beforeAll(async () => {
  stack = await startStack({ emulator: { seed: 'empty' }, env: { MLFLOW_SUPERGRAPH_PERMISSIONS: 'none' } });
  const { experiment_id } = await mlflowRest(stack.emulator.url, 'POST', '/api/2.0/mlflow/experiments/create', {
    name: 'flow-exp',
  });
  const { run } = await mlflowRest(stack.emulator.url, 'POST', '/api/2.0/mlflow/runs/create', {
    experiment_id,
    start_time: 1_700_000_000_000,
  });
  runId = run.info.run_id;
});

afterAll(async () => {
  await stack?.close();
});

/** Runs an operation and returns data, failing the test on any error. */
async function ok(query: string, variables?: Record<string, unknown>): Promise<any> {
  const response = await stack.query(query, variables);
  expect(response.errors).toBeUndefined();
  return response.data;
}

/** Runs an operation expected to fail; returns the first error's extensions and the data. */
async function failing(query: string, variables?: Record<string, unknown>) {
  const response = await stack.query(query, variables);
  expect(response.errors?.length).toBeGreaterThan(0);
  return { extensions: response.errors?.[0]?.extensions ?? {}, data: response.data, errors: response.errors ?? [] };
}

const VERSION_FIELDS = 'name version stage status aliases description runId tags { key value }';

describe('writes', () => {
  it('creates, tags, aliases, transitions, renames and deletes, each answer showing its write', async () => {
    const created = await ok(
      `mutation { createRegisteredModel(input: { name: "flow-a", description: "first", tags: [{ key: "team", value: "ml" }] }) {
          name description tags { key value } versions(first: 5) { nodes { version } } } }`,
    );
    expect(created.createRegisteredModel).toEqual({
      name: 'flow-a',
      description: 'first',
      tags: [{ key: 'team', value: 'ml' }],
      versions: { nodes: [] },
    });

    const v1 = await ok(
      `mutation($source: String!, $runId: ID!) { createModelVersion(input: { name: "flow-a", source: $source, runId: $runId, description: "v1", tags: [{ key: "qa", value: "pending" }] }) { ${VERSION_FIELDS} run { id } } }`,
      { source: `runs:/${runId}/model`, runId },
    );
    expect(v1.createModelVersion).toMatchObject({
      name: 'flow-a',
      version: '1',
      stage: 'NONE',
      status: 'READY',
      aliases: [],
      runId,
      run: { id: runId },
    });
    const v2 = await ok(
      `mutation { createModelVersion(input: { name: "flow-a", source: "s3://bucket/flow-a/2" }) { ${VERSION_FIELDS} run { id } } }`,
    );
    expect(v2.createModelVersion).toMatchObject({ version: '2', runId: null, run: null });

    // Two writes in one operation run in order; the second answer sees the first.
    const tagged = await ok(
      `mutation {
        a: setModelVersionTag(name: "flow-a", version: "1", tag: { key: "qa", value: "passed" }) { tags { key value } }
        b: updateModelVersion(name: "flow-a", version: "1", description: "v1 final") { description tags { key value } }
        c: setRegisteredModelTag(name: "flow-a", tag: { key: "k", value: "v" }) { tags { key value } }
        d: deleteRegisteredModelTag(name: "flow-a", key: "k") { tags { key value } }
        e: updateRegisteredModel(name: "flow-a", description: "second") { description }
      }`,
    );
    expect(tagged.a.tags).toEqual([{ key: 'qa', value: 'passed' }]);
    expect(tagged.b).toEqual({ description: 'v1 final', tags: [{ key: 'qa', value: 'passed' }] });
    expect(tagged.c.tags).toEqual(expect.arrayContaining([{ key: 'k', value: 'v' }]));
    expect(tagged.d.tags).toEqual([{ key: 'team', value: 'ml' }]);
    expect(tagged.e.description).toBe('second');

    const aliased = await ok(
      `mutation {
        a: setRegisteredModelAlias(name: "flow-a", alias: "champion", version: "1") { version aliases registeredModel { aliases { alias version } } }
        b: setRegisteredModelAlias(name: "flow-a", alias: "champion", version: "2") { version aliases }
      }`,
    );
    expect(aliased.a).toEqual({
      version: '1',
      aliases: ['champion'],
      registeredModel: { aliases: [{ alias: 'champion', version: '1' }] },
    });
    // Moving the alias is seen at once: version 2 now carries it.
    expect(aliased.b).toEqual({ version: '2', aliases: ['champion'] });
    const byAlias = await ok(
      `{ modelVersionByAlias(name: "flow-a", alias: "champion") { version aliases } v1: modelVersion(name: "flow-a", version: "1") { aliases } }`,
    );
    expect(byAlias).toEqual({ modelVersionByAlias: { version: '2', aliases: ['champion'] }, v1: { aliases: [] } });

    const staged = await ok(
      `mutation {
        a: transitionModelVersionStage(name: "flow-a", version: "1", stage: PRODUCTION) { stage }
        b: transitionModelVersionStage(name: "flow-a", version: "2", stage: PRODUCTION, archiveExistingVersions: true) {
          stage registeredModel { latestVersions(stages: [PRODUCTION, ARCHIVED]) { version stage } } }
      }`,
    );
    expect(staged.a.stage).toBe('PRODUCTION');
    expect(staged.b.stage).toBe('PRODUCTION');
    expect(staged.b.registeredModel.latestVersions).toEqual(
      expect.arrayContaining([
        { version: '1', stage: 'ARCHIVED' },
        { version: '2', stage: 'PRODUCTION' },
      ]),
    );

    const unaliased = await ok(
      `mutation { deleteRegisteredModelAlias(name: "flow-a", alias: "champion") { aliases { alias } } }`,
    );
    expect(unaliased.deleteRegisteredModelAlias.aliases).toEqual([]);

    const uri = await ok(`{ modelVersion(name: "flow-a", version: "2") { downloadUri } }`);
    expect(uri.modelVersion.downloadUri).toBe('s3://bucket/flow-a/2');
  });

  it('serves a renamed model by its new name in the next request, and nothing under the old one', async () => {
    await ok(`mutation { createRegisteredModel(input: { name: "flow-b" }) { name } }`);
    await ok(`mutation { createModelVersion(input: { name: "flow-b", source: "s3://bucket/flow-b/1" }) { version } }`);
    await ok(`mutation { setRegisteredModelAlias(name: "flow-b", alias: "prod", version: "1") { version } }`);
    // Warm everything the rename touches in one request, then rename in the next.
    await ok(
      `{ registeredModel(name: "flow-b") { versions { nodes { name version } } } modelVersionByAlias(name: "flow-b", alias: "prod") { name } }`,
    );

    const renamed = await ok(
      `mutation { renameRegisteredModel(name: "flow-b", newName: "flow-b2") { name versions { nodes { name version } } aliases { alias modelVersion { name } } } }`,
    );
    expect(renamed.renameRegisteredModel).toEqual({
      name: 'flow-b2',
      versions: { nodes: [{ name: 'flow-b2', version: '1' }] },
      aliases: [{ alias: 'prod', modelVersion: { name: 'flow-b2' } }],
    });

    const after = await ok(
      `{ old: registeredModel(name: "flow-b") { name } oldVersion: modelVersion(name: "flow-b", version: "1") { name }
         oldAlias: modelVersionByAlias(name: "flow-b", alias: "prod") { name }
         renamed: registeredModel(name: "flow-b2") { name versions { nodes { name version } } }
         alias: modelVersionByAlias(name: "flow-b2", alias: "prod") { name version } }`,
    );
    expect(after).toEqual({
      old: null,
      oldVersion: null,
      oldAlias: null,
      renamed: { name: 'flow-b2', versions: { nodes: [{ name: 'flow-b2', version: '1' }] } },
      alias: { name: 'flow-b2', version: '1' },
    });
  });

  it('forgets a deleted version and a deleted model at once', async () => {
    await ok(`mutation { createRegisteredModel(input: { name: "flow-c" }) { name } }`);
    await ok(
      `mutation { a: createModelVersion(input: { name: "flow-c", source: "s3://c/1" }) { version } b: createModelVersion(input: { name: "flow-c", source: "s3://c/2" }) { version } }`,
    );
    const deleted = await ok(
      `mutation { deleteModelVersion(name: "flow-c", version: "2") { name version registeredModel { versions { nodes { version } } } } }`,
    );
    expect(deleted.deleteModelVersion).toEqual({
      name: 'flow-c',
      version: '2',
      registeredModel: { versions: { nodes: [{ version: '1' }] } },
    });
    expect(await ok(`{ modelVersion(name: "flow-c", version: "2") { version } }`)).toEqual({ modelVersion: null });

    expect(await ok(`mutation { deleteRegisteredModel(name: "flow-c") { name } }`)).toEqual({
      deleteRegisteredModel: { name: 'flow-c' },
    });
    expect(
      await ok(`{ registeredModel(name: "flow-c") { name } modelVersion(name: "flow-c", version: "1") { version } }`),
    ).toEqual({
      registeredModel: null,
      modelVersion: null,
    });
  });
});

describe('reads', () => {
  it('pages registered models and model versions with cursors', async () => {
    for (const name of ['page-1', 'page-2', 'page-3'])
      await ok(`mutation { createRegisteredModel(input: { name: "${name}" }) { name } }`);
    const first = await ok(
      `{ registeredModels(filter: "name LIKE 'page-%'", first: 2) { nodes { name } pageInfo { hasNextPage endCursor } } }`,
    );
    expect(first.registeredModels.nodes).toEqual([{ name: 'page-1' }, { name: 'page-2' }]);
    expect(first.registeredModels.pageInfo.hasNextPage).toBe(true);
    const second = await ok(
      `query($after: String) { registeredModels(filter: "name LIKE 'page-%'", first: 2, after: $after) { nodes { name } pageInfo { hasNextPage } } }`,
      {
        after: first.registeredModels.pageInfo.endCursor,
      },
    );
    expect(second.registeredModels).toEqual({ nodes: [{ name: 'page-3' }], pageInfo: { hasNextPage: false } });

    await ok(
      `mutation { a: createModelVersion(input: { name: "page-1", source: "s3://p/1" }) { version } b: createModelVersion(input: { name: "page-1", source: "s3://p/2" }) { version } c: createModelVersion(input: { name: "page-1", source: "s3://p/3" }) { version } }`,
    );
    const v = await ok(
      `{ registeredModel(name: "page-1") { versions(first: 2) { nodes { version } pageInfo { hasNextPage endCursor } } } }`,
    );
    expect(v.registeredModel.versions.nodes).toEqual([{ version: '3' }, { version: '2' }]);
    const rest = await ok(
      `query($after: String) { registeredModel(name: "page-1") { versions(first: 2, after: $after) { nodes { version } pageInfo { hasNextPage } } } }`,
      {
        after: v.registeredModel.versions.pageInfo.endCursor,
      },
    );
    expect(rest.registeredModel.versions).toEqual({ nodes: [{ version: '1' }], pageInfo: { hasNextPage: false } });

    const search = await ok(
      `{ modelVersions(filter: "name = 'page-1'", orderBy: ["version_number ASC"], first: 10) { nodes { version } } }`,
    );
    expect(search.modelVersions.nodes).toEqual([{ version: '1' }, { version: '2' }, { version: '3' }]);
  });
});

describe('errors recorded from MLflow 2.12', () => {
  beforeAll(async () => {
    await ok(`mutation { createRegisteredModel(input: { name: "err-model" }) { name } }`);
    await ok(`mutation { createModelVersion(input: { name: "err-model", source: "s3://e/1" }) { version } }`);
  });

  it('unknown alias: MLflow answers 400 INVALID_PARAMETER_VALUE "alias nope not found", the graph answers null', async () => {
    stack.emulator.resetCalls();
    const response = await stack.query(`{ modelVersionByAlias(name: "err-model", alias: "nope") { version } }`);
    expect(response).toEqual({ data: { modelVersionByAlias: null } });
    expect(stack.emulator.callCount('GET /api/2.0/mlflow/registered-models/alias')).toBe(1);
  });

  it('missing version, model, or a version of a missing model: null, not an error', async () => {
    const response = await stack.query(
      `{ a: modelVersion(name: "err-model", version: "99") { version } b: registeredModel(name: "no-such") { name }
         c: modelVersion(name: "no-such", version: "1") { version } d: modelVersionByAlias(name: "no-such", alias: "x") { version } }`,
    );
    expect(response).toEqual({ data: { a: null, b: null, c: null, d: null } });
  });

  it('duplicate model: RESOURCE_ALREADY_EXISTS becomes CONFLICT', async () => {
    const { extensions } = await failing(`mutation { createRegisteredModel(input: { name: "err-model" }) { name } }`);
    expect(extensions).toMatchObject({ code: 'CONFLICT', mlflowErrorCode: 'RESOURCE_ALREADY_EXISTS' });
  });

  it('non-numeric version and reserved alias names: BAD_USER_INPUT', async () => {
    const version = await failing(`{ modelVersion(name: "err-model", version: "abc") { version } }`);
    expect(version.extensions).toMatchObject({ code: 'BAD_USER_INPUT', mlflowErrorCode: 'INVALID_PARAMETER_VALUE' });
    for (const alias of ['latest', 'v1']) {
      const reserved = await failing(
        `mutation { setRegisteredModelAlias(name: "err-model", alias: "${alias}", version: "1") { version } }`,
      );
      expect(reserved.extensions).toMatchObject({ code: 'BAD_USER_INPUT', mlflowErrorCode: 'INVALID_PARAMETER_VALUE' });
    }
  });

  it('writes to what does not exist: NOT_FOUND', async () => {
    const missingModel = await failing(
      `mutation { createModelVersion(input: { name: "no-such", source: "s3://x" }) { version } }`,
    );
    expect(missingModel.extensions).toMatchObject({ code: 'NOT_FOUND', mlflowErrorCode: 'RESOURCE_DOES_NOT_EXIST' });
    const aliasToMissing = await failing(
      `mutation { setRegisteredModelAlias(name: "err-model", alias: "ghost", version: "99") { version } }`,
    );
    expect(aliasToMissing.extensions).toMatchObject({ code: 'NOT_FOUND' });
    const deleteMissing = await failing(`mutation { deleteRegisteredModel(name: "no-such") { name } }`);
    expect(deleteMissing.extensions).toMatchObject({ code: 'NOT_FOUND' });
  });

  it("a bad search filter: BAD_USER_INPUT with MLflow's message", async () => {
    const { extensions, errors } = await failing(`{ modelVersions(filter: "name === 'x'") { nodes { version } } }`);
    expect(extensions).toMatchObject({ code: 'BAD_USER_INPUT', mlflowErrorCode: 'INVALID_PARAMETER_VALUE' });
    expect(errors[0]?.message).toMatch(/comparator/i);
  });

  it('Databricks-only operations on an MLflow backend: UNSUPPORTED_BY_BACKEND, nothing sent upstream', async () => {
    stack.emulator.resetCalls();
    const mutation = await failing(
      `mutation { createTransitionRequest(name: "err-model", version: "1", stage: STAGING) { toStage } }`,
    );
    expect(mutation.extensions).toMatchObject({ code: 'UNSUPPORTED_BY_BACKEND', backend: 'mlflow' });
    const comment = await failing(
      `mutation { createModelVersionComment(name: "err-model", version: "1", comment: "hi") { id } }`,
    );
    expect(comment.extensions).toMatchObject({ code: 'UNSUPPORTED_BY_BACKEND' });
    expect(stack.emulator.totalCalls()).toBe(0);

    // On a field, only that field is null: the version itself still answers.
    const field = await stack.query(
      `{ modelVersion(name: "err-model", version: "1") { version transitionRequests { toStage } } }`,
    );
    expect(field.data).toEqual({ modelVersion: { version: '1', transitionRequests: null } });
    expect(field.errors?.[0]).toMatchObject({
      path: ['modelVersion', 'transitionRequests'],
      extensions: { code: 'UNSUPPORTED_BY_BACKEND' },
    });
  });
});
