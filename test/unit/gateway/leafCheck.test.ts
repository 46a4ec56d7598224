// compileLeafCheck: whether an answer's built-in scalars and enums are already what serializing them would give.
import { buildSchema, parse } from 'graphql';
import { compileLeafCheck } from '../../../src/gateway/leafCheck.js';

const schema = buildSchema(`
  type Query { run: Run runs: [Run] }
  type Mutation { touch: Run }
  scalar Stamp
  enum Status { RUNNING FINISHED }
  type Run { id: ID! n: Int f: Float b: Boolean s: String status: Status at: Stamp grid: [[Int]] child: Run }
`);
const check = (query: string, operationName?: string) => compileLeafCheck(schema, parse(query), operationName);

describe('compileLeafCheck', () => {
  const full = check('{ run { id n f b s status at grid child { id s } } runs { id } }')!;

  it('accepts an answer whose leaves are in serialized form, nulls and absent keys included', () => {
    expect(
      full({
        run: { id: 'r', n: 1, f: 1.5, b: false, s: '', status: 'RUNNING', at: 17, grid: [[1, null], []], child: null },
        runs: [{ id: 'a' }, null],
      }),
    ).toBe(true);
    expect(full({ run: null })).toBe(true);
  });

  it.each([
    ['an ID as a number', { run: { id: 1 } }],
    ['an Int as a string', { run: { id: 'r', n: '1' } }],
    ['a fractional Int', { run: { id: 'r', n: 1.5 } }],
    ['an Int past 32 bits', { run: { id: 'r', n: 2 ** 31 } }],
    ['an infinite Float', { run: { id: 'r', f: Number.POSITIVE_INFINITY } }],
    ['a Boolean as a number', { run: { id: 'r', b: 0 } }],
    ['a String as a number', { run: { id: 'r', s: 3 } }],
    ['an unknown enum value', { run: { id: 'r', status: 'LOST' } }],
    ['a nested list item', { run: { id: 'r', grid: [[1], [2, 'x']] } }],
    ['a nested object', { run: { id: 'r', child: { id: 'c', s: false } } }],
    ['a list item', { runs: [{ id: 'a' }, { id: 2 }] }],
  ])('refuses %s', (_, data) => {
    expect(full(data)).toBe(false);
  });

  it('leaves custom scalars to the compiled query (they are serialized there)', () => {
    expect(full({ run: { id: 'r', at: { any: 'thing' } } })).toBe(true);
  });

  it('follows fragments and aliases', () => {
    const viaFragments = check('{ run { ...F x: s } } fragment F on Run { ... on Run { n } }')!;
    expect(viaFragments({ run: { n: 1, x: 'y' } })).toBe(true);
    expect(viaFragments({ run: { n: 1, x: 2 } })).toBe(false);
    expect(viaFragments({ run: { n: 'one', x: 'y' } })).toBe(false);
  });

  it('does not check an operation where one response key means two things, nor a mutation', () => {
    expect(check('{ run { v: n v: s } }')).toBeUndefined();
    expect(check('{ run { child: child { id } child: s } }')).toBeUndefined();
    expect(check('mutation { touch { id } }')).toBeUndefined();
    expect(check('query A { run { id } }', 'B')).toBeUndefined();
  });
});
