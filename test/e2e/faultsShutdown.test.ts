// SIGTERM to the real process (`node --import tsx src/main.ts`, as `npm start` runs it): the request in flight
// is answered, the process logs a clean drain and exits 0 within the bound. Pod deletion does exactly this.
import type { ChildProcess } from 'node:child_process';
import { startEmulator, type Emulator } from '@mlflow-supergraph/mlflow-emulator';
import { spawnMain, type MainProcess } from '../helpers/spawnMain.js';
import { postGraphQL } from '../helpers/graphql.js';
import { callsMatching, upstreamCalled } from '../helpers/upstreamCalls.js';

describe('SIGTERM', () => {
  let emulator: Emulator;
  let child: ChildProcess;
  let main: MainProcess;
  let lines: Record<string, any>[] = [];

  beforeAll(async () => {
    emulator = await startEmulator({ seed: 'demo' });
    main = await spawnMain([], { MLFLOW_TRACKING_URI: emulator.url, SHUTDOWN_TIMEOUT_MS: '5000' });
    child = main.child;
    lines = main.lines;
  }, 40_000);
  afterAll(async () => {
    if (child.exitCode === null) child.kill('SIGKILL');
    await emulator.close();
  });

  it('drains the request in flight, closes the cache and exits 0', async () => {
    const { graphqlUrl } = main;
    emulator.setLatency(800);
    const searches = () => callsMatching(emulator, 'experiments/search');
    const before = searches();
    const inFlight = postGraphQL(graphqlUrl, `query InFlight { experiments(first: 2) { nodes { id name } } }`);
    // In flight for sure (its upstream call has begun), however long a loaded machine took to get it there.
    await upstreamCalled(emulator, 'experiments/search', before);
    const stdoutEnded = new Promise((resolve) => child.stdout?.once('end', resolve));
    const signalled = performance.now();
    let exitedMs = Number.NaN;
    const exited = main.exited.then(({ code }) => {
      exitedMs = performance.now() - signalled; // taken at the exit event, whatever the test awaits first
      return code;
    });
    child.kill('SIGTERM');
    const result = await inFlight;
    expect(result.errors).toBeUndefined();
    expect(result.data.experiments.nodes).toHaveLength(2);
    expect(await exited).toBe(0);
    // The bound (exit within 5 s of SIGTERM) is the property itself, so it stays.
    expect(exitedMs).toBeLessThan(5_000);
    // The exit event may come before the last log lines are read.
    await stdoutEnded;
    const messages = lines.map((line) => line.msg);
    expect(messages).toContain('SIGTERM: draining in-flight requests, then shutting down');
    expect(lines.find((line) => line.msg?.startsWith('drained'))).toMatchObject({ completed: true, abandoned: 0 });
    // Nothing is logged after the clean shutdown. By the lines' own times: pino's asynchronous stdout writer may
    // emit a line taken a millisecond earlier after a later one, so stream order alone is not the order of events.
    const shutdown = lines.find((line) => line.msg === 'shut down cleanly');
    expect(shutdown).toBeDefined();
    const last = Math.max(
      ...lines.filter((line) => typeof line.time === 'string').map((line) => Date.parse(line.time)),
    );
    expect(last).toBe(Date.parse(shutdown?.time));
    // The drained request was logged like any other.
    expect(lines.find((line) => line.msg === 'graphql request')).toMatchObject({
      operationName: 'InFlight',
      outcome: 'success',
    });
  }, 20_000);
});
