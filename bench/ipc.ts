// Request/response over a forked child's IPC channel, for the benchmark's helper processes.
import { fork, type ChildProcess } from 'node:child_process';

/** A message from parent to child. */
export interface IpcRequest {
  id: number;
  type: string;
  payload?: unknown;
}

/** A child's answer to one request (or its `ready` announcement, id 0). */
export interface IpcReply {
  id: number;
  ok: boolean;
  value?: unknown;
  error?: string;
}

/** A helper process speaking {@link IpcRequest}/{@link IpcReply}. */
export interface Helper<Ready> {
  readonly child: ChildProcess;
  /** What the child announced once ready. */
  readonly ready: Ready;
  request<T>(type: string, payload?: unknown, timeoutMs?: number): Promise<T>;
  /** Asks the child to stop and waits for it (killed after `timeoutMs`). */
  close(timeoutMs?: number): Promise<void>;
}

/** Forks `script` under tsx with `argument` as JSON in argv[2]; resolves when it announces readiness. */
export async function startHelper<Ready>(
  script: string,
  argument: unknown,
  startTimeoutMs = 120_000,
): Promise<Helper<Ready>> {
  const child = fork(script, [JSON.stringify(argument)], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    serialization: 'advanced',
  });
  const pending = new Map<
    number,
    { resolve: (value: unknown) => void; reject: (error: Error) => void; timer: NodeJS.Timeout }
  >();
  let nextId = 1;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.once('exit', (code) => {
    for (const { reject, timer } of pending.values()) {
      clearTimeout(timer);
      reject(new Error(`${script} exited (code ${code})`));
    }
    pending.clear();
  });
  const ready = await new Promise<Ready>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${script} was not ready within ${startTimeoutMs} ms`)),
      startTimeoutMs,
    );
    child.once('exit', (code) => reject(new Error(`${script} exited (code ${code}) before it was ready`)));
    child.on('message', (message: IpcReply) => {
      if (message.id === 0) {
        clearTimeout(timer);
        if (message.ok) resolve(message.value as Ready);
        else reject(new Error(`${script}: ${message.error}`));
        return;
      }
      const waiter = pending.get(message.id);
      if (!waiter) return;
      pending.delete(message.id);
      clearTimeout(waiter.timer);
      if (message.ok) waiter.resolve(message.value);
      else waiter.reject(new Error(`${script}: ${message.error}`));
    });
  });
  return {
    child,
    ready,
    request<T>(type: string, payload?: unknown, timeoutMs = 300_000) {
      const id = nextId++;
      return new Promise<T>((resolve, reject) => {
        const timer = setTimeout(() => {
          pending.delete(id);
          reject(new Error(`${script}: no answer to ${type} within ${timeoutMs} ms`));
        }, timeoutMs);
        pending.set(id, { resolve: resolve as (value: unknown) => void, reject, timer });
        child.send({ id, type, payload } satisfies IpcRequest);
      });
    },
    async close(timeoutMs = 10_000) {
      if (child.exitCode !== null) return;
      child.send({ id: nextId++, type: 'close' } satisfies IpcRequest);
      const killer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      await exited;
      clearTimeout(killer);
    },
  };
}

/** Child side: announces `ready` and answers requests with `handlers` (a `close` request ends the process). */
export function serveParent(
  handlers: Record<string, (payload: any) => unknown>,
  onClose: () => Promise<void>,
): (ready: unknown) => void {
  process.on('message', async (message: IpcRequest) => {
    if (message.type === 'close') {
      await onClose().catch(() => undefined);
      process.disconnect?.();
      process.exit(0);
    }
    const handler = handlers[message.type];
    try {
      if (!handler) throw new Error(`unknown request ${message.type}`);
      process.send?.({ id: message.id, ok: true, value: await handler(message.payload) } satisfies IpcReply);
    } catch (error) {
      process.send?.({ id: message.id, ok: false, error: (error as Error).stack ?? String(error) } satisfies IpcReply);
    }
  });
  // The parent going away (killed, crashed) must not leave this process serving forever.
  process.on('disconnect', () => {
    void onClose().finally(() => process.exit(0));
  });
  return (ready) => process.send?.({ id: 0, ok: true, value: ready } satisfies IpcReply);
}

/** Child side: reports a failed start-up to the parent and exits. */
export function failStart(error: unknown): never {
  process.send?.({ id: 0, ok: false, error: (error as Error).stack ?? String(error) } satisfies IpcReply);
  process.exit(1);
}

/** Tracks this process's peak RSS (sampled every 50 ms); `reset` starts over and returns the RSS now (MiB). */
export function rssSampler(): { peakMiB(): number; reset(): number } {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 50);
  timer.unref();
  return {
    peakMiB: () => Math.round(Math.max(peak, process.memoryUsage().rss) / 2 ** 20),
    reset: () => {
      peak = process.memoryUsage().rss;
      return Math.round(peak / 2 ** 20);
    },
  };
}
