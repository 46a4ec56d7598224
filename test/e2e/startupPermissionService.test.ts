// The real process: a permission service that cannot be built stops start-up with exit code 1 and one line,
// instead of serving every caller with no permission checks.
import { spawn } from 'node:child_process';

it('exits 1 with one configuration line when the GitLab permission service cannot be built', async () => {
  const env: Record<string, string | undefined> = {
    ...process.env,
    NODE_OPTIONS: '',
    NODE_ENV: 'development',
    PORT: '0',
    HOST: '127.0.0.1',
    MLFLOW_SUPERGRAPH_BACKEND: 'gitlab',
    // Not a GitLab MLflow URI: the project cannot be told from it.
    MLFLOW_TRACKING_URI: 'http://127.0.0.1:9/not-a-gitlab-project',
  };
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: process.cwd(),
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  expect(code).toBe(1);
  const lines = stderr.split('\n').filter((line) => line.trim() !== '');
  expect(lines).toEqual([
    expect.stringMatching(/^Configuration error: MLFLOW_SUPERGRAPH_BACKEND=gitlab needs MLFLOW_TRACKING_URI=/),
  ]);
  // Nothing started listening.
  expect(stdout).not.toMatch(/"component":"gateway".*"url"/);
}, 40_000);
