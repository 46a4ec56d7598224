// `npm start -- --demo <backend>` with no MLFLOW_TRACKING_URI: the demo emulator plays that backend, and the graph
// detects it as it would a real one (the real process, as `npm start` runs it).
import { spawn } from 'node:child_process';
import { GITLAB_MAINTAINER, MLFLOW3_VERSION } from '@mlflow-supergraph/mlflow-emulator';
import { spawnMain } from '../helpers/spawnMain.js';
import { asBearer } from '../helpers/auth.js';
import { postGraphQL } from '../helpers/graphql.js';

/** The demo with no backend configured at all. */
const NO_BACKEND = { MLFLOW_TRACKING_URI: undefined, DATABRICKS_HOST: undefined };

describe('npm start -- --demo', () => {
  it('plays GitLab: detected from the project URI, its version probed, its roles deciding', async () => {
    const { child, graphqlUrl: url, lines } = await spawnMain(['--demo', 'gitlab'], NO_BACKEND);
    try {
      const result = await postGraphQL(
        url,
        `{ backend { kind version permissionService } viewer { scopes } }`,
        {},
        asBearer(GITLAB_MAINTAINER.token),
      );
      expect(result.errors).toBeUndefined();
      expect(result.data).toEqual({
        backend: { kind: 'GITLAB', version: expect.stringMatching(/^\d+\.\d+/), permissionService: 'gitlab' },
        viewer: { scopes: ['read', 'write'] },
      });
      expect(lines.some((line) => line.component === 'backend' && line.backend === 'gitlab')).toBe(true);
    } finally {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
  }, 120_000);

  it('plays MLflow 3: its version and server features detected', async () => {
    const { child, graphqlUrl: url } = await spawnMain(['--demo', 'mlflow3'], NO_BACKEND);
    try {
      const result = await postGraphQL(url, `{ backend { kind version serverInfo } }`, {});
      expect(result.errors).toBeUndefined();
      expect(result.data.backend).toMatchObject({ kind: 'MLFLOW', version: MLFLOW3_VERSION });
      expect(JSON.parse(result.data.backend.serverInfo)).toEqual({ store_type: 'SqlStore', workspaces_enabled: false });
    } finally {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
  }, 120_000);

  it('refuses a demo it does not have, naming the choices', async () => {
    const env: Record<string, string | undefined> = {
      ...process.env,
      NODE_OPTIONS: '',
      NODE_ENV: 'development',
      PORT: '0',
    };
    delete env.MLFLOW_TRACKING_URI;
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', '--demo', 'sagemaker'], {
      cwd: process.cwd(),
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code).not.toBe(0);
    expect(output).toMatch(/--demo must be one of mlflow, basic-auth, databricks, gitlab, mlflow3/);
  }, 120_000);
});
