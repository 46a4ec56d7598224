// `npm start -- --demo <backend>` with no MLFLOW_TRACKING_URI: the demo emulator plays that backend, and the graph
// detects it as it would a real one (the real process, as `npm start` runs it).
import { spawn, type ChildProcess } from 'node:child_process';
import { GITLAB_MAINTAINER } from '../../src/emulator/index.js';
import { postGraphQL } from '../helpers/startStack.js';

async function startDemo(demo: string): Promise<{ child: ChildProcess; url: string; lines: Record<string, any>[] }> {
  const env: Record<string, string | undefined> = { ...process.env, NODE_OPTIONS: '', NODE_ENV: 'development', PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info' };
  delete env.MLFLOW_TRACKING_URI;
  delete env.DATABRICKS_HOST;
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', '--demo', demo], { cwd: process.cwd(), env, stdio: ['ignore', 'pipe', 'pipe'] });
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
    if (started) return { child, url: started.url as string, lines }; // the gateway logs its /graphql URL
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`demo ${demo} did not start: ${JSON.stringify(lines)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('npm start -- --demo', () => {
  it('plays GitLab: detected from the project URI, its version probed, its roles deciding', async () => {
    const { child, url, lines } = await startDemo('gitlab');
    try {
      const result = await postGraphQL(url, `{ backend { kind version permissionService } viewer { scopes } }`, {}, { authorization: `Bearer ${GITLAB_MAINTAINER.token}` });
      expect(result.errors).toBeUndefined();
      expect(result.data).toEqual({ backend: { kind: 'GITLAB', version: expect.stringMatching(/^\d+\.\d+/), permissionService: 'gitlab' }, viewer: { scopes: ['read', 'write'] } });
      expect(lines.some((line) => line.component === 'backend' && line.backend === 'gitlab')).toBe(true);
    } finally {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
  }, 40_000);

  it('refuses a demo it does not have, naming the choices', async () => {
    const env: Record<string, string | undefined> = { ...process.env, NODE_OPTIONS: '', NODE_ENV: 'development', PORT: '0' };
    delete env.MLFLOW_TRACKING_URI;
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', '--demo', 'sagemaker'], { cwd: process.cwd(), env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code).not.toBe(0);
    expect(output).toMatch(/--demo must be one of mlflow, basic-auth, databricks, gitlab/);
  }, 40_000);
});
