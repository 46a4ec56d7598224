// shapeResponse replaces @apollo/gateway's computeResponse, so it must answer exactly as that function does: the
// same data (key order included, as the answer's text shows), the same errors with the same paths, the same null
// bubbling, and the same thrown error where the gateway's assertions fail. Each case runs both on one input; a
// seeded mutator then damages the inputs (nulls, wrong scalar types, bad enum values, unknown or foreign
// __typename, missing keys, non-lists) so the error paths are compared too.
import { createRequire } from 'node:module';
import { composeServices } from '@apollo/composition';
import {
  buildSchema,
  isValidLeafValue,
  operationFromDocument,
  Supergraph,
  type Selection,
} from '@apollo/federation-internals';
import { parse } from 'graphql';
import {
  leafValidity,
  shapeResponse,
  type ComputeResponse,
  type ComputeResponseArgs,
} from '../../../src/gateway/shapeResponse.js';

const gatewayComputeResponse = (
  createRequire(import.meta.url)('@apollo/gateway/dist/resultShaping.js') as { computeResponse: ComputeResponse }
).computeResponse;

const subgraph = `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
  scalar JSON
  enum Stage { NONE STAGING PRODUCTION }
  interface Node { id: ID! }
  type Run implements Node @key(fields: "id") {
    id: ID!
    name: String
    count: Int
    score: Float
    ok: Boolean
    stage: Stage
    meta: JSON
    tags: [Tag!]!
    parents: [[Run]]
    owner: Owner
    constructor: String
    required: String!
  }
  type Model implements Node @key(fields: "id") { id: ID! name: String! versions: [Int!] }
  type Tag { key: String! value: String }
  type User { name: String! }
  type Team { size: Int }
  union Owner = User | Team
  type Query { runs: [Run!]! run: Run node: Node nodes: [Node] mustRun: Run! owner: Owner }
`;
const composed = composeServices([{ name: 'a', typeDefs: parse(subgraph), url: 'http://127.0.0.1:1/graphql' }]);
if (composed.errors) throw new Error(composed.errors.map((e) => e.message).join('\n'));
const apiSchema = Supergraph.build(composed.supergraphSdl).apiSchema();

const run = (id: string, extra: Record<string, unknown> = {}) => ({
  id,
  name: `run ${id}`,
  count: 3,
  score: 0.5,
  ok: true,
  stage: 'STAGING',
  meta: { any: ['thing'] },
  tags: [
    { key: 'k', value: 'v' },
    { key: 'x', value: null },
  ],
  owner: Number(id) % 2 ? { __typename: 'User', name: 'ann' } : { __typename: 'Team', size: 4 },
  constructor: 'c',
  required: 'r',
  ...extra,
});

interface Case {
  name: string;
  query: string;
  variables?: Record<string, unknown>;
  input: Record<string, unknown>;
}

const cases: Case[] = [
  {
    name: 'scalars, enums, custom scalars, unions by __typename',
    query: `{ runs { id name count score ok stage meta tags { key value }
               owner { __typename ... on User { name } ... on Team { size } } } }`,
    input: { runs: [run('1'), run('2'), run('3')] },
  },
  {
    name: 'aliases, names Object.prototype has, __typename aliased',
    query: `{ runs { a: name b: id constructor toString: name valueOf: count __typename t: __typename } }`,
    input: {
      runs: [
        { a: 'x', b: '1', constructor: 'c', toString: 'y', valueOf: 2, __typename: 'Run', t: 'Run' },
        { a: null, b: '2', constructor: null, toString: null, valueOf: null },
      ],
    },
  },
  {
    name: 'a field selected twice merges (fragments, nested lists)',
    query: `{ runs { ...F tags { key } parents { id } } run { id ...F } }
            fragment F on Run { id tags { value } parents { name id } }`,
    input: {
      runs: [
        {
          id: '1',
          tags: [{ key: 'k', value: 'v' }],
          parents: [[{ id: '2', name: 'two' }, null], null, []],
        },
      ],
      run: { id: '3', tags: [], parents: null },
    },
  },
  {
    name: 'interfaces and type conditions',
    query: `{ node { id ... on Run { name } ... on Model { name versions } }
              nodes { __typename id ... on Model { versions } ... on Node { id } } }`,
    input: {
      node: { __typename: 'Model', id: 'm', name: 'model', versions: [1, 2] },
      nodes: [
        { __typename: 'Run', id: 'r' },
        { __typename: 'Model', id: 'm', versions: null },
        null,
        { id: 'no typename' },
      ],
    },
  },
  ...[{ s: true, i: false }, { s: false }, { s: false, i: true }].map((variables) => ({
    name: `@skip/@include with ${JSON.stringify(variables)}`,
    query: `query($s: Boolean!, $i: Boolean = true) {
              runs { id name @skip(if: $s) count @include(if: $i) tags @include(if: $s) { key }
                     ... on Run @skip(if: $s) { score } } }`,
    variables,
    input: { runs: [run('1'), run('2')] },
  })),
  {
    name: 'nulls bubble to the nearest nullable field',
    query: `{ mustRun { id required } runs { id required } run { required tags { key } } }`,
    input: {
      mustRun: { id: '1', required: 'r' },
      runs: [
        { id: '1', required: 'r' },
        { id: '2', required: null },
      ],
      run: { required: 'r', tags: [{ key: null }] },
    },
  },
  {
    name: 'introspection beside data',
    query: `{ __typename run { id __typename } __schema { queryType { name } } t: __type(name: "Run") { name } }`,
    input: { run: { id: '1' } },
  },
  {
    name: 'a nullable @skip variable left out (the gateway asserts)',
    query: `query($s: Boolean) { runs { id @skip(if: $s) } }`,
    variables: {},
    input: { runs: [run('1')] },
  },
  {
    name: '__proto__ as a response name',
    query: `{ run { __proto__: name id } }`,
    input: { run: { __proto__: 'x', id: '1' } },
  },
];

/** A small seeded generator (mulberry32), so a failing mutation is found again on the next run. */
function random(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const damages: ((value: unknown) => unknown)[] = [
  () => null,
  () => 1.5,
  () => 7,
  () => 'BOGUS',
  () => true,
  () => ({ __typename: 'Nope' }),
  () => ({ __typename: 'Tag', key: 'k' }),
  () => ({ __typename: 'Model', id: 'm', name: 'n' }),
  () => [],
  () => undefined,
  (value) => (Array.isArray(value) ? value.slice(1) : value),
];

function damage(value: unknown, next: () => number, rate: number): unknown {
  if (next() < rate) return damages[Math.floor(next() * damages.length)]!(value);
  if (Array.isArray(value)) return value.map((item) => damage(item, next, rate));
  if (value && typeof value === 'object') {
    const copy: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      const damaged = damage(item, next, rate);
      if (damaged !== undefined) copy[key] = damaged;
    }
    return copy;
  }
  return value;
}

type Outcome = { data: string; errors: unknown[] } | { thrown: string };

function outcome(shape: ComputeResponse, args: ComputeResponseArgs): Outcome {
  try {
    const { data, errors } = shape(args);
    return {
      data: JSON.stringify(data),
      errors: errors.map((e) => ({ message: e.message, path: e.path, extensions: e.extensions })),
    };
  } catch (error) {
    return { thrown: (error as Error).message };
  }
}

let gatewayFallbacks = 0;
const countingGateway: ComputeResponse = (args) => {
  gatewayFallbacks++;
  return gatewayComputeResponse(args);
};
const planned: ComputeResponse = (args) => shapeResponse(args, countingGateway);

function argsFor(testCase: Case, input: Record<string, unknown>): ComputeResponseArgs {
  return {
    operation: operationFromDocument(apiSchema, parse(testCase.query), { validate: true }),
    variables: testCase.variables ?? {},
    input,
    introspectionHandling: (selection: Selection) => ({ introspected: selection.toString() }),
  };
}

describe('shapeResponse answers as @apollo/gateway computeResponse does', () => {
  beforeEach(() => {
    gatewayFallbacks = 0;
  });

  it.each(cases)('$name', (testCase) => {
    const args = argsFor(testCase, testCase.input);
    expect(outcome(planned, args)).toEqual(outcome(gatewayComputeResponse, args));
  });

  it.each(cases)('$name, on 200 damaged inputs each', (testCase) => {
    const next = random(testCase.name.length * 7919);
    for (let round = 0; round < 200; round++) {
      const input = damage(testCase.input, next, 0.08) as Record<string, unknown>;
      const args = argsFor(testCase, input);
      expect({ round, input, ...outcome(planned, args) }).toEqual({
        round,
        input,
        ...outcome(gatewayComputeResponse, args),
      });
    }
  });

  it('plans the answer itself: the gateway shapes only what it would fail an assertion on', () => {
    for (const testCase of cases.slice(0, -2)) outcome(planned, argsFor(testCase, testCase.input));
    expect(gatewayFallbacks).toBe(0);
    const [skipLeftOut, proto] = cases.slice(-2);
    outcome(planned, argsFor(skipLeftOut!, skipLeftOut!.input));
    outcome(planned, argsFor(proto!, proto!.input));
    expect(gatewayFallbacks).toBe(2);
  });

  it('writes plain objects, whose answer serialises fast, with the same keys in the same order', () => {
    const testCase = cases[0]!;
    const { data } = planned(argsFor(testCase, testCase.input));
    const runs = (data as { runs: object[] }).runs;
    expect(Object.getPrototypeOf(data)).toBe(Object.prototype);
    expect(Object.getPrototypeOf(runs[0])).toBe(Object.prototype);
    expect(Object.keys(runs[0]!)).toEqual(['id', 'name', 'count', 'score', 'ok', 'stage', 'meta', 'tags', 'owner']);
  });

  it('answers undefined or null input as the gateway does', () => {
    const args = argsFor(cases[0]!, cases[0]!.input);
    expect(planned({ ...args, input: null })).toEqual({ data: null, errors: [] });
    expect(planned({ ...args, input: undefined })).toEqual({ data: undefined, errors: [] });
  });
});

describe('installResponseShaping', () => {
  it("puts planned shaping in @apollo/gateway's place once, and a gateway can keep the gateway's own", async () => {
    const { installResponseShaping, useGatewayShaping } =
      await import('../../../src/gateway/installResponseShaping.js');
    const module = createRequire(import.meta.url)('@apollo/gateway/dist/resultShaping.js') as {
      computeResponse: ComputeResponse;
    };
    expect(installResponseShaping()).toBe(true);
    const installed = module.computeResponse;
    expect(installed).not.toBe(gatewayComputeResponse);
    expect(installResponseShaping()).toBe(true);
    expect(module.computeResponse).toBe(installed);

    const testCase = cases[0]!;
    const shapedBy = (schema = apiSchema) => {
      const { data } = installed({
        ...argsFor(testCase, testCase.input),
        operation: operationFromDocument(schema, parse(testCase.query)),
      });
      return Object.getPrototypeOf(data) === null ? 'gateway' : 'planned';
    };
    expect(shapedBy()).toBe('planned');
    const other = Supergraph.build(composed.supergraphSdl).apiSchema();
    useGatewayShaping(other);
    expect(shapedBy(other)).toBe('gateway');
    expect(shapedBy()).toBe('planned');
    module.computeResponse = gatewayComputeResponse;
  });
});

describe('leafValidity', () => {
  // Decided per type once, it must answer exactly as the gateway's per-value isValidLeafValue does.
  const schema = buildSchema(`
    scalar Stamp
    enum Color { RED GREEN }
    type Query { s: String i: Int f: Float b: Boolean id: ID c: Color t: Stamp }
  `);
  const values: unknown[] = [
    'RED',
    'BLUE',
    '',
    '12',
    'true',
    0,
    -0,
    12,
    -7,
    1.5,
    2 ** 31,
    1e21,
    1e300,
    Number.NaN,
    Number.POSITIVE_INFINITY,
    true,
    false,
    null,
    undefined,
    {},
    [],
    10n,
  ];
  it.each(['String', 'Int', 'Float', 'Boolean', 'ID', 'Color', 'Stamp'])(
    'answers as isValidLeafValue for %s',
    (name) => {
      const type = schema.type(name) as Parameters<typeof isValidLeafValue>[2];
      const valid = leafValidity(schema, type);
      for (const value of values) expect([value, valid(value)]).toEqual([value, isValidLeafValue(schema, value, type)]);
    },
  );
});
