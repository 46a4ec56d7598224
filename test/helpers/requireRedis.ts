// Tests that need Redis call these first: without it they fail at once with one line saying what to start,
// instead of timing out, crashing a worker, or passing because the cache quietly fell back to memory.
import { spawn } from 'node:child_process';
import { connect } from 'node:net';

/** The shared Redis the integration tests use. */
export const sharedRedisUrl = 'redis://127.0.0.1:6379';

/** An error whose whole report is its one-line message (a stack adds nothing to "start Redis"). */
function oneLine(message: string): Error {
  const error = new Error(message);
  error.stack = message;
  return error;
}

/** Resolves when a Redis answers PING at `url` (any reply counts, even NOAUTH); rejects with one line otherwise. */
export async function requireRedis(url: string = sharedRedisUrl, timeoutMs = 3000): Promise<void> {
  const { hostname, port } = new URL(url);
  const host = hostname || '127.0.0.1';
  const reachable = await new Promise<boolean>((resolve) => {
    const socket = connect({ host, port: Number(port || 6379) });
    const done = (ok: boolean) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(ok);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (chunk: Buffer) => done(/^[+-]/.test(chunk.toString())));
    socket.once('error', () => done(false));
  });
  if (!reachable) {
    throw oneLine(
      `This test needs Redis at ${host}:${port || 6379} and none answers: start it (e.g. \`redis-server --port ${port || 6379} --save '' --daemonize yes\`) and run the test again.`,
    );
  }
}

/** Resolves when `redis-server` can be run (tests that start their own throwaway servers); one line otherwise. */
export async function requireRedisServerBinary(): Promise<void> {
  const runs = await new Promise<boolean>((resolve) => {
    const child = spawn('redis-server', ['--version'], { stdio: 'ignore' });
    child.once('error', () => resolve(false));
    child.once('exit', (code) => resolve(code === 0));
  });
  if (!runs)
    throw oneLine(
      'This test starts its own redis-server and none is installed: install Redis (e.g. `apt-get install redis-server`) so `redis-server` is on PATH, and run the test again.',
    );
}
