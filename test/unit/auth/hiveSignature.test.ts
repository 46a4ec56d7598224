import { createHmac } from 'node:crypto';
import { defaultParamsSerializer } from '@graphql-mesh/hmac-upstream-signature';
import { hiveSignature, HIVE_SIGNATURE_EXTENSION, verifyHiveSignature } from '../../../src/auth/hiveSignature.js';
import { SignatureError } from '../../../src/auth/subgraphSigning.js';

const SECRET = 's'.repeat(40);
const query = 'query ($r: [_Any!]!) { _entities(representations: $r) { ... on Run { id } } }';

describe('Hive Gateway request signatures', () => {
  it.each([
    ['no variables', undefined],
    ['empty variables', {}],
    [
      'nested, unsorted keys, unicode and numbers',
      { z: 1, a: [{ y: 'é\u2028"', b: null, x: [2.5, true] }], m: { k: 'v' } },
    ],
  ])('sign the same text as Hive’s own verifier (%s)', (_case, variables) => {
    // What useHmacSignatureValidation recomputes on its side, with the same key.
    const theirs = createHmac('sha256', SECRET)
      .update(defaultParamsSerializer({ query, variables }) as string)
      .digest('base64');
    expect(hiveSignature(SECRET, query, variables)).toBe(theirs);
    expect(() =>
      verifyHiveSignature(SECRET, { query, variables, extensions: { [HIVE_SIGNATURE_EXTENSION]: theirs } }),
    ).not.toThrow();
  });

  it('refuses a missing signature, another secret, and another query or variables', () => {
    const signed = hiveSignature(SECRET, query, { r: [1] });
    const body = (overrides: Record<string, unknown>) => ({
      query,
      variables: { r: [1] },
      extensions: { [HIVE_SIGNATURE_EXTENSION]: signed },
      ...overrides,
    });
    expect(() => verifyHiveSignature(SECRET, body({ extensions: {} }))).toThrow(SignatureError);
    expect(() => verifyHiveSignature('t'.repeat(40), body({}))).toThrow('signature does not match');
    expect(() => verifyHiveSignature(SECRET, body({ query: `${query} ` }))).toThrow('signature does not match');
    expect(() => verifyHiveSignature(SECRET, body({ variables: { r: [2] } }))).toThrow('signature does not match');
    expect(() => verifyHiveSignature(SECRET, 'not an object')).toThrow('not signed');
  });
});
