// Lints a snippet as if it lived at a path in the repository, with the project's own ESLint config: how the lint
// tests (test/unit/lint/) prove a rule fires where it should and nowhere else.
import { resolve } from 'node:path';
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';

/** The repository root (paths given to {@link ruleMessages} are relative to it). */
export const repositoryRoot = resolve(import.meta.dirname, '../..');

// The project's own config; type information is off (the snippets' paths are not in any tsconfig).
const eslint = new ESLint({ cwd: repositoryRoot, overrideConfig: [tseslint.configs.disableTypeChecked] });

/** The messages rule `ruleId` reports for `code` placed at `filePath`; throws if the snippet does not parse. */
export async function ruleMessages(filePath: string, code: string, ruleId: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: resolve(repositoryRoot, filePath) });
  const fatal = result?.messages.filter((message) => message.fatal) ?? [];
  if (fatal.length > 0) throw new Error(`expected ${filePath} to parse, got ${fatal[0]?.message}`);
  return (result?.messages ?? []).filter((message) => message.ruleId === ruleId).map((message) => message.message);
}
