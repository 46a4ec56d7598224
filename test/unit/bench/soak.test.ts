// `npm run soak` at a tiny size, so the script keeps working: it boots the server, serves steady load with no
// error, reports latency and RSS, stops by itself and exits 0.
import { spawnSync } from 'node:child_process';

describe('soak script', () => {
  it('runs a short soak with zero errors and reports latency and memory', () => {
    const run = spawnSync(
      process.execPath,
      ['--import', 'tsx', 'bench/soak.ts', '--duration', '3', '--rps', '20', '--interval', '1'],
      {
        cwd: process.cwd(),
        env: { ...process.env, NODE_OPTIONS: '' },
        encoding: 'utf8',
        timeout: 90_000,
      },
    );
    expect(run.stderr).not.toMatch(/soak failed/);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/requests served: (\d+) .*errors: 0;/);
    const served = Number(/requests served: (\d+)/.exec(run.stdout)?.[1]);
    // The soak is bounded by wall time (3 s): how many requests fit depends on the machine's load (19 of 60 were
    // seen on a 2-core machine at load 20), so the test asserts that it served traffic with zero errors, not a rate.
    expect(served).toBeGreaterThan(0);
    expect(run.stdout).toMatch(/latency ms: p50 [\d.]+, p95 [\d.]+, p99 [\d.]+/);
    expect(run.stdout).toMatch(/server RSS: at start [\d.]+ MiB .* at end [\d.]+ MiB/);
  }, 100_000);
});
