// _entities for every type the registry subgraph resolves (RegisteredModel, ModelVersion, and its fields of
// Run), executed directly against the registry subgraph schema with a real request context, against the
// emulator. This is how the gateway reaches the registry from another subgraph.
import { execute, parse, type ExecutionResult } from 'graphql';
import { loadConfig } from '../../../src/config.js';
import { createRequestContext } from '../../../src/context/createRequestContext.js';
import { createServices } from '../../../src/context/createServices.js';
import type { Services } from '../../../src/context/Services.js';
import { startEmulator, type Emulator } from '@mlflow-supergraph/mlflow-emulator';
import { createRegistrySchema } from '../../../src/subgraphs/registry/schema.js';
import { seedRegistry, type SeededRegistry } from './seedRegistry.js';

let emulator: Emulator;
let services: Services;
let seeded: SeededRegistry;
const schema = createRegistrySchema();

beforeAll(async () => {
  emulator = await startEmulator({ seed: 'empty' });
  const config = loadConfig({
    NODE_ENV: 'test',
    MLFLOW_TRACKING_URI: emulator.url,
    MLFLOW_SUPERGRAPH_PERMISSIONS: 'none',
  });
  services = createServices(config, emulator.url);
  seeded = await seedRegistry(emulator.url, {
    prefix: 'entities',
    models: 2,
    versionsPerModel: 2,
    experiments: 1,
    extraRuns: 1,
  });
});

afterAll(async () => {
  await emulator?.close();
});

/** Runs `_entities` for `representations`, selecting `selection` on each, in a fresh request context. */
async function entities(
  representations: Record<string, unknown>[],
  selection: string,
): Promise<ExecutionResult<{ _entities: any[] }>> {
  emulator.resetCalls();
  const document = parse(`query($r: [_Any!]!) { _entities(representations: $r) { __typename ${selection} } }`);
  return (await execute({
    schema,
    document,
    variableValues: { r: representations },
    contextValue: createRequestContext(services, {}),
  })) as ExecutionResult<{
    _entities: any[];
  }>;
}

describe('_entities: RegisteredModel @key(fields: "name")', () => {
  it('resolves models by name, and an unknown name to null', async () => {
    const [a, b] = seeded.models;
    const result = await entities(
      [
        { __typename: 'RegisteredModel', name: a?.name },
        { __typename: 'RegisteredModel', name: 'entities-no-such-model' },
        { __typename: 'RegisteredModel', name: b?.name },
        { __typename: 'RegisteredModel', name: a?.name },
      ],
      '... on RegisteredModel { name description aliases { alias version modelVersion { version } } tag(key: "none") }',
    );
    expect(result.errors).toBeUndefined();
    expect(result.data?._entities).toEqual([
      {
        __typename: 'RegisteredModel',
        name: a?.name,
        description: 'model 0',
        aliases: expect.arrayContaining([
          { alias: 'champion', version: '1', modelVersion: { version: '1' } },
          { alias: 'challenger', version: '2', modelVersion: { version: '2' } },
        ]),
        tag: null,
      },
      null,
      expect.objectContaining({ name: b?.name }),
      expect.objectContaining({ name: a?.name }),
    ]);
    // Deduplicated: one registered-models/get per distinct name (the repeated one is memoized).
    expect(emulator.callCount('GET /api/2.0/mlflow/registered-models/get')).toBe(3);
  });
});

describe('_entities: ModelVersion @key(fields: "name version")', () => {
  it('resolves versions by name and number, and a missing version to null', async () => {
    const [a] = seeded.models;
    const result = await entities(
      [
        { __typename: 'ModelVersion', name: a?.name, version: '1' },
        { __typename: 'ModelVersion', name: a?.name, version: '99' },
        { __typename: 'ModelVersion', name: a?.name, version: '2' },
      ],
      '... on ModelVersion { name version status stage aliases runId run { id } registeredModel { name } }',
    );
    expect(result.errors).toBeUndefined();
    expect(result.data?._entities).toEqual([
      {
        __typename: 'ModelVersion',
        name: a?.name,
        version: '1',
        status: 'READY',
        stage: 'NONE',
        aliases: ['champion'],
        runId: a?.versions[0]?.runId,
        run: { id: a?.versions[0]?.runId },
        registeredModel: { name: a?.name },
      },
      null,
      expect.objectContaining({ version: '2', aliases: ['challenger'], run: { id: a?.versions[1]?.runId } }),
    ]);
    expect(emulator.callCount('GET /api/2.0/mlflow/model-versions/get')).toBe(3);
    expect(emulator.callCount('GET /api/2.0/mlflow/registered-models/get')).toBe(1);
  });

  it('answers BAD_USER_INPUT for a version MLflow cannot parse', async () => {
    const [a] = seeded.models;
    const result = await entities(
      [{ __typename: 'ModelVersion', name: a?.name, version: 'abc' }],
      '... on ModelVersion { version }',
    );
    expect(result.data?._entities).toEqual([null]);
    expect(result.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      mlflowErrorCode: 'INVALID_PARAMETER_VALUE',
    });
  });
});

describe('_entities: Run (the registry owns Run.modelVersions)', () => {
  it('answers every run with the versions it produced, in one model-versions/search', async () => {
    const [a, b] = seeded.models;
    const extraRun = seeded.runIds.at(-1) as string;
    const result = await entities(
      [
        { __typename: 'Run', id: a?.versions[0]?.runId },
        { __typename: 'Run', id: b?.versions[1]?.runId },
        { __typename: 'Run', id: extraRun },
        { __typename: 'Run', id: 'ffffffffffffffffffffffffffffffff' },
      ],
      '... on Run { id modelVersions { name version } }',
    );
    expect(result.errors).toBeUndefined();
    expect(result.data?._entities).toEqual([
      { __typename: 'Run', id: a?.versions[0]?.runId, modelVersions: [{ name: a?.name, version: '1' }] },
      { __typename: 'Run', id: b?.versions[1]?.runId, modelVersions: [{ name: b?.name, version: '2' }] },
      { __typename: 'Run', id: extraRun, modelVersions: [] },
      { __typename: 'Run', id: 'ffffffffffffffffffffffffffffffff', modelVersions: [] },
    ]);
    expect(emulator.callCount('GET /api/2.0/mlflow/model-versions/search')).toBe(1);
    expect(emulator.totalCalls()).toBe(1);
  });
});
