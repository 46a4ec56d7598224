// Runs the real entry point (`node --import tsx src/main.ts`, as `npm start` runs it) for e2e tests: its JSON log
// lines collected as they come, and the gateway's /graphql URL once it listens.
import { spawn, type ChildProcess } from 'node:child_process';

/** A running `src/main.ts`. */
export interface MainProcess {
  readonly child: ChildProcess;
  /** Every stdout line so far, parsed as JSON (`{ text }` when it is not). */
  readonly lines: Record<string, any>[];
  /** The gateway's /graphql URL, as its start-up log line gives it. */
  readonly graphqlUrl: string;
}

/** Spawns `src/main.ts` with `args` and the environment given (`undefined` removes a variable); resolves once the gateway listens. */
export async function spawnMain(args: readonly string[], env: Record<string, string | undefined>): Promise<MainProcess> {
  const merged: Record<string, string | undefined> = { ...process.env, NODE_OPTIONS: '', NODE_ENV: 'development', PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', ...env };
  for (const [name, value] of Object.entries(merged)) if (value === undefined) delete merged[name];
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', ...args], { cwd: process.cwd(), env: merged, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: Record<string, any>[] = [];
  let buffer = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    buffer += chunk.toString();
    let newline;
    while ((newline = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, newline);
      buffer = buffer.slice(newline + 1);
      try {
        lines.push(JSON.parse(line));
      } catch {
        lines.push({ text: line });
      }
    }
  });
  const deadline = Date.now() + 30_000;
  for (;;) {
    const started = lines.find((line) => line.component === 'gateway' && typeof line.url === 'string');
    if (started) return { child, lines, graphqlUrl: started.url as string };
    if (Date.now() > deadline || child.exitCode !== null) {
      child.kill('SIGKILL');
      throw new Error(`src/main.ts ${args.join(' ')} did not start: ${JSON.stringify(lines)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
