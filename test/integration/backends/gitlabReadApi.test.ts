// GitLab: a `read_api` token reads runs (and the rest GitLab serves with GETs), and every mutation of the schema
// is refused by the graph before anything is written — the graph learns the token's scopes from GitLab itself.
import { readFileSync } from 'node:fs';
import {
  buildSchema,
  getNamedType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isObjectType,
  type GraphQLArgument,
  type GraphQLInputType,
} from 'graphql';
import { GITLAB_DEVELOPER, GITLAB_READER } from '@mlflow-supergraph/mlflow-emulator';
import type { Stack } from '../../helpers/startStack.js';
import { PROFILES, type DemoIds, useProfile, writeCalls } from './profiles.js';
import { asBearer } from '../../helpers/auth.js';
import { FEATURE_FIELDS } from '../../../src/graphql/unsupportedCoordinates.js';

const gitlab = PROFILES.find((p) => p.kind === 'GITLAB');
if (!gitlab) throw new Error('no GitLab profile');
const reader = asBearer(GITLAB_READER.token);
const schema = buildSchema(readFileSync('schema/api.graphql', 'utf8'));

/** A GraphQL literal of `type` that passes validation (required fields only). */
function literal(type: GraphQLInputType, ids: DemoIds): string {
  const inner = isNonNullType(type) ? type.ofType : type;
  if (isListType(inner)) return `[${literal(inner.ofType as GraphQLInputType, ids)}]`;
  const named = getNamedType(inner);
  if (isEnumType(named)) return named.getValues()[0]?.name as string;
  if (isInputObjectType(named)) {
    const fields = Object.values(named.getFields()).filter((f) => isNonNullType(f.type));
    return `{ ${fields.map((f) => `${f.name}: ${literal(f.type, ids)}`).join(', ')} }`;
  }
  switch (named.name) {
    case 'Int':
    case 'Float':
    case 'Long':
    case 'MetricValue':
      return '1';
    case 'Boolean':
      return 'false';
    case 'Timestamp':
      return '"2024-01-01T00:00:00Z"';
    default:
      return '"x"';
  }
}

function argument(arg: GraphQLArgument, ids: DemoIds): string {
  // Point the ids at real objects, so a refusal cannot be a NOT_FOUND in disguise.
  const real: Record<string, string> = {
    id: ids.runId,
    runId: ids.runId,
    experimentId: ids.experimentId,
    name: ids.modelName,
    version: ids.version,
  };
  const value =
    real[arg.name] !== undefined && !['Boolean', 'Int'].includes(getNamedType(arg.type).name)
      ? JSON.stringify(real[arg.name])
      : literal(arg.type, ids);
  return `${arg.name}: ${value}`;
}

describe('GitLab read_api token', () => {
  let stack: Stack;
  let ids: DemoIds;
  useProfile(gitlab, (started, found) => {
    stack = started;
    ids = found;
  });

  it('reads runs by id, with params, metrics and histories, and the experiments and models around them', async () => {
    stack.emulator.resetCalls();
    const result = await stack.query(
      `{ run(id: "${ids.runId}") { id status params { key } metrics { key value } experiment { name } }
         experiments(first: 10) { nodes { name } }
         registeredModel(name: "${ids.modelName}") { name latestVersions { version } } }`,
      {},
      reader,
    );
    expect(result.errors).toBeUndefined();
    expect(result.data.run.experiment.name).toBe('fraud-detection');
    expect(result.data.run.metrics.length).toBeGreaterThan(0);
    expect(result.data.experiments.nodes.map((e: { name: string }) => e.name)).toContain('fraud-detection');
    const key = result.data.run.metrics[0].key;
    const history = await stack.query(
      `{ run(id: "${ids.runId}") { metricHistory(key: "${key}") { step value } } }`,
      {},
      reader,
    );
    expect(history.errors).toBeUndefined();
    expect(history.data.run.metricHistory.length).toBeGreaterThan(0);
    // Read-only tokens may make GETs only: experiments came from experiments/list, never the POST search.
    expect(stack.emulator.callCount('POST /api/2.0/mlflow/experiments/search')).toBe(0);
    expect(writeCalls(stack)).toBe(0);
  });

  it('is reported read-only, as GitLab knows the token', async () => {
    const result = await stack.query(`{ viewer { scopes permissionBackend } }`, {}, reader);
    expect(result.errors).toBeUndefined();
    expect(result.data.viewer).toEqual({ scopes: ['read'], permissionBackend: 'gitlab' });
  });

  it('is known by GitLab’s PRIVATE-TOKEN header too', async () => {
    const result = await stack.query(
      `{ run(id: "${ids.runId}") { id } }`,
      {},
      { 'private-token': GITLAB_READER.token },
    );
    expect(result.errors).toBeUndefined();
    expect(result.data.run.id).toBe(ids.runId);
  });

  /** Fields of MLflow 3 features (GitLab has none of them): gated ahead of the scope check. */
  const GATED = new Set(Object.values(FEATURE_FIELDS).flatMap((fields) => Object.keys(fields)));

  it('is refused every mutation of the schema, and nothing is written to GitLab', async () => {
    const mutations = Object.values(schema.getMutationType()?.getFields() ?? {});
    expect(mutations.length).toBeGreaterThan(30);
    for (const field of mutations) {
      const args = field.args.filter((a) => isNonNullType(a.type));
      const selection = isObjectType(getNamedType(field.type)) ? '{ __typename }' : '';
      const query = `mutation { ${field.name}${args.length ? `(${args.map((a) => argument(a, ids)).join(', ')})` : ''} ${selection} }`;
      stack.emulator.resetCalls();
      const result = await stack.query(query, {}, reader);
      // MLflow 3 features GitLab lacks are refused for that first, before any check asks GitLab about the token.
      if (GATED.has(`Mutation.${field.name}`)) {
        expect([field.name, result.errors?.[0]?.extensions?.code]).toEqual([field.name, 'UNSUPPORTED_BY_BACKEND']);
        expect([field.name, stack.emulator.totalCalls()]).toEqual([field.name, 0]);
        continue;
      }
      expect([field.name, result.errors?.[0]?.extensions?.code]).toEqual([field.name, 'FORBIDDEN']);
      expect([field.name, result.errors?.[0]?.message]).toEqual([field.name, expect.stringMatching(/read-only/)]);
      expect([field.name, writeCalls(stack)]).toEqual([field.name, 0]);
    }
  });

  it('the same developer’s api token writes', async () => {
    const developerApi = asBearer(GITLAB_DEVELOPER.token);
    const result = await stack.query(
      `mutation { setRunTag(runId: "${ids.runId}", tag: { key: "reviewed", value: "yes" }) { tag(key: "reviewed") } }`,
      {},
      developerApi,
    );
    expect(result.errors).toBeUndefined();
    expect(result.data.setRunTag.tag).toBe('yes');
  });

  it('cannot list an experiment’s runs: GitLab serves that search as a POST, which read_api tokens may not make', async () => {
    const result = await stack.query(
      `{ experiment(id: "${ids.experimentId}") { name runs(first: 5) { nodes { id } } } }`,
      {},
      reader,
    );
    expect(result.data.experiment.name).toBe('fraud-detection');
    expect(result.data.experiment.runs).toBeNull();
    const error = result.errors?.find((e) => e.path?.join('.') === 'experiment.runs');
    expect(error?.extensions?.code).toBe('FORBIDDEN');
    expect(error?.message).toMatch(/privileges|api scope/i);
  });
});
