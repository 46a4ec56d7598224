// A small Dockerfile reader for the tests that check the image without a Docker engine
// (test/unit/deploy/dockerfile.test.ts, test/e2e/dockerImage.test.ts).

/** One instruction: its keyword (upper case), its arguments (whitespace collapsed), the index of its stage. */
export interface Instruction {
  keyword: string;
  args: string;
  stage: number;
}

/** Dockerfile → instructions (continuation lines joined, comments dropped), each with its stage index. */
export function parseDockerfile(text: string): { instructions: Instruction[]; args: Record<string, string> } {
  const logical = text
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'));
  const instructions: Instruction[] = [];
  const args: Record<string, string> = {};
  let stage = -1;
  for (const line of logical) {
    const [, keyword = '', rest = ''] = /^(\w+)\s+(.*)$/.exec(line) ?? [];
    const upper = keyword.toUpperCase();
    if (upper === 'FROM') stage += 1;
    if (upper === 'ARG' && stage === -1) {
      const [name = '', value = ''] = rest.split('=');
      args[name] = value;
    }
    instructions.push({ keyword: upper, args: rest.replace(/\s+/g, ' '), stage });
  }
  return { instructions, args };
}
