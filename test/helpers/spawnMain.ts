// Runs the real entry point (`node --import tsx src/main.ts`, as `npm start` runs it) for e2e tests: its JSON log
// lines collected as they come, and the gateway's /graphql URL once it listens.
import { collectJsonLines } from './jsonLines.js';
import { spawn, type ChildProcess } from 'node:child_process';

/** A running `src/main.ts`. */
export interface MainProcess {
  readonly child: ChildProcess;
  /** Every stdout line so far, parsed as JSON (`{ text }` when it is not). */
  readonly lines: Record<string, any>[];
  /** Every stderr line so far. */
  readonly stderr: string[];
  /** The gateway's /graphql URL (or the subgraph's), as its start-up log line gives it. */
  readonly graphqlUrl: string;
  /** Settles when the process exits (listened for from the start, so an early exit is never missed). */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** How to start it. */
export interface SpawnMainOptions {
  /** `node` (default): `node --import tsx src/main.ts`; `npm`: `npm start -- <args>`, the way a developer runs it. */
  via?: 'node' | 'npm';
  /** Whose start-up line means ready: `gateway` (default) or `subgraph:<name>`. */
  component?: string;
}

/** Environment of a spawned main: the test's, made deterministic, then `env` (`undefined` removes a variable). */
function mainEnv(env: Record<string, string | undefined>): Record<string, string> {
  const merged: Record<string, string | undefined> = {
    ...process.env,
    NODE_OPTIONS: '',
    NODE_ENV: 'development',
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'info',
    ...env,
  };
  for (const [name, value] of Object.entries(merged)) if (value === undefined) delete merged[name];
  return merged as Record<string, string>;
}

/** Starts the process and collects its output; does not wait for anything. */
function launch(
  args: readonly string[],
  env: Record<string, string | undefined>,
  via: 'node' | 'npm',
): Omit<MainProcess, 'graphqlUrl'> {
  const [command, argv] =
    via === 'npm'
      ? ['npm', ['start', '--silent', '--', ...args]]
      : [process.execPath, ['--import', 'tsx', 'src/main.ts', ...args]];
  const child = spawn(command, argv, { cwd: process.cwd(), env: mainEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const lines = collectJsonLines(child.stdout);
  const stderr: string[] = [];
  let errBuffer = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    errBuffer += chunk.toString();
    const parts = errBuffer.split('\n');
    errBuffer = parts.pop() ?? '';
    stderr.push(...parts);
  });
  child.stderr?.on('end', () => {
    if (errBuffer) stderr.push(errBuffer);
  });
  return { child, lines, stderr, exited };
}

/** Spawns `src/main.ts` with `args` and the environment given (`undefined` removes a variable); resolves once the gateway listens. */
export async function spawnMain(
  args: readonly string[],
  env: Record<string, string | undefined>,
  options: SpawnMainOptions = {},
): Promise<MainProcess> {
  const started = launch(args, env, options.via ?? 'node');
  const { child, lines } = started;
  const component = options.component ?? 'gateway';
  // Only a guard (readiness is the log line): generous, since several agents may share two cores.
  const deadline = Date.now() + 60_000;
  for (;;) {
    const ready = lines.find((line) => line.component === component && typeof line.url === 'string');
    if (ready) return { ...started, graphqlUrl: ready.url as string };
    if (Date.now() > deadline || child.exitCode !== null) {
      child.kill('SIGKILL');
      throw new Error(
        `src/main.ts ${args.join(' ')} did not start: ${JSON.stringify(lines)} ${started.stderr.join('\n')}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Runs `src/main.ts` expecting it to stop by itself (a start-up failure): its exit code and output. */
export async function runMainToExit(
  args: readonly string[],
  env: Record<string, string | undefined>,
): Promise<{ code: number | null; lines: Record<string, any>[]; stderr: string[] }> {
  const { lines, stderr, exited, child } = launch(args, env, 'node');
  const { code } = await exited;
  // 'exit' may come before the pipes are drained.
  await new Promise((resolve) =>
    child.stderr?.readableEnded ? resolve(undefined) : child.stderr?.once('end', resolve),
  );
  return { code, lines, stderr };
}
