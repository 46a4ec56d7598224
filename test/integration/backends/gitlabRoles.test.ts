// GitLab's project roles as the graph shows them: a non-member of a private project sees empty lists (GitLab
// answers 404 "Project Not Found" everywhere), and a Reporter — who may read, but whose POSTs GitLab counts as
// writes — reads runs by id and is told why an experiment's runs cannot be listed for them.
import { GITLAB_OUTSIDER, GITLAB_REPORTER } from '@mlflow-supergraph/mlflow-emulator';
import { startStack, type Stack } from '../../helpers/startStack.js';
import { asBearer } from '../../helpers/auth.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ emulator: { seed: 'demo', gitlab: true } });
});
afterAll(() => stack.close());

describe('GitLab roles', () => {
  it('a non-member sees empty lists and null objects, without errors', async () => {
    const result = await stack.query(
      `{ experiments(first: 5) { nodes { name } } registeredModels(first: 5) { nodes { name } } experimentByName(name: "fraud-detection") { id } registeredModel(name: "fraud-detector") { name } }`,
      {},
      asBearer(GITLAB_OUTSIDER.token),
    );
    expect(result.errors).toBeUndefined();
    expect(result.data).toEqual({
      experiments: { nodes: [] },
      registeredModels: { nodes: [] },
      experimentByName: null,
      registeredModel: null,
    });
  });

  it('a Reporter reads experiments, models and runs by id, and is told why runs cannot be listed', async () => {
    const reporter = asBearer(GITLAB_REPORTER.token);
    const result = await stack.query(
      `{ experimentByName(name: "fraud-detection") { id runs(first: 2) { nodes { id } } } registeredModel(name: "fraud-detector") { versions(first: 1) { nodes { version run { id status } } } } }`,
      {},
      reporter,
    );
    expect(result.data.experimentByName.id).toMatch(/^\d+$/);
    expect(result.data.experimentByName.runs).toBeNull();
    expect(result.errors).toHaveLength(1);
    expect(result.errors?.[0]).toMatchObject({ path: ['experimentByName', 'runs'], extensions: { code: 'FORBIDDEN' } });
    expect(result.errors?.[0]?.message).toMatch(/Developer/);
    // The version's run came from runs/get: a GET, which reporters may make.
    expect(result.data.registeredModel.versions.nodes[0].run.id).toMatch(/^[\w-]+$/);
    const viewer = await stack.query(
      `{ experimentByName(name: "fraud-detection") { viewerPermission } }`,
      {},
      reporter,
    );
    expect(viewer.data.experimentByName.viewerPermission).toBe('CAN_READ');
  });
});
