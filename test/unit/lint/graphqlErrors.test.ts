// DESIGN §9: only src/errors/ makes GraphQL errors. eslint.config.js enforces it with a no-restricted-syntax rule;
// this test lints snippets as if they lived at a path in the repository and asserts the rule fires outside
// src/errors/ and stays quiet inside it, so a rule dropped from the config (or scoped wrongly) turns this red.
import { ruleMessages } from '../../helpers/lintSnippet.js';

/** The no-restricted-syntax messages ESLint reports for `code` placed at `filePath` (relative to the root). */
function restrictedSyntax(filePath: string, code: string): Promise<string[]> {
  return ruleMessages(filePath, code, 'no-restricted-syntax');
}

const construct = "import { GraphQLError } from 'graphql';\nexport const error = new GraphQLError('refused');\n";
const constructFromNamespace =
  "import * as graphql from 'graphql';\nexport const error = new graphql.GraphQLError('x');\n";
const subclass = "import { GraphQLError } from 'graphql';\nexport class RefusedError extends GraphQLError {}\n";

describe('the GraphQL-errors-only-in-src/errors lint rule', () => {
  it('refuses constructing or subclassing GraphQLError anywhere else in src/', async () => {
    for (const from of [
      'src/gateway/probe.ts',
      'src/server/probe.ts',
      'src/subgraphs/probe.ts',
      'src/subgraphs/tracking/resolvers/probe.ts',
      'src/auth/probe.ts',
      'src/graphql/probe.ts',
      'src/probe.ts',
    ]) {
      for (const code of [construct, constructFromNamespace, subclass]) {
        expect(await restrictedSyntax(from, code)).toEqual([expect.stringContaining('[errors-only]')]);
      }
    }
  });

  it('names the way out in its message', async () => {
    const [message] = await restrictedSyntax('src/gateway/probe.ts', construct);
    expect(message).toContain('src/errors/');
    expect(message).toContain('protocolError');
  });

  it('lets src/errors/ make them, and leaves tests alone', async () => {
    for (const from of ['src/errors/probe.ts', 'test/unit/errors/probe.test.ts']) {
      for (const code of [construct, constructFromNamespace, subclass]) {
        expect(await restrictedSyntax(from, code)).toEqual([]);
      }
    }
  });

  it('passes the factories src/errors/ offers', async () => {
    const code =
      "import { protocolError } from '../errors/protocolError.js';\nexport const error = protocolError('FORBIDDEN', 'no', { status: 400 });\n";
    expect(await restrictedSyntax('src/gateway/probe.ts', code)).toEqual([]);
  });
});
