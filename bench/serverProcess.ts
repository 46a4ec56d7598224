// The real server as a child process, for the scripts that measure it from outside (soak, the artifact RSS
// benchmark): started as `npm start` starts it (`node --import tsx src/main.ts`), so its memory is its own.
import { spawn, type ChildProcess } from 'node:child_process';

/** The server's resident memory, from its own /metrics (process_resident_memory_bytes). */
export async function serverMemory(
  graphqlUrl: string,
): Promise<{ rssMb: number; heapMb: number; externalMb: number } | undefined> {
  try {
    const text = await (await fetch(new URL('/metrics', graphqlUrl), { signal: AbortSignal.timeout(5_000) })).text();
    const value = (name: string) =>
      Number(
        /^(\S+) (\S+)$/m.exec(
          text
            .split('\n')
            .filter((line) => line.startsWith(`${name} `))
            .join('\n'),
        )?.[2],
      );
    const rss = value('process_resident_memory_bytes');
    const heap = value('nodejs_heap_size_used_bytes');
    // Buffers (socket reads, stream chunks) live outside the V8 heap, here.
    const external = value('nodejs_external_memory_bytes');
    return Number.isFinite(rss)
      ? { rssMb: rss / 2 ** 20, heapMb: heap / 2 ** 20, externalMb: external / 2 ** 20 }
      : undefined;
  } catch {
    return undefined;
  }
}

export async function startServer(
  trackingUri: string,
  options: { heapMb?: number | undefined; env?: Record<string, string> } = {},
): Promise<{ child: ChildProcess; url: string }> {
  const { heapMb } = options;
  const child = spawn(
    process.execPath,
    [...(heapMb ? [`--max-old-space-size=${heapMb}`] : []), '--import', 'tsx', 'src/main.ts'],
    {
      env: {
        ...process.env,
        NODE_ENV: 'development',
        MLFLOW_TRACKING_URI: trackingUri,
        PORT: '0',
        HOST: '127.0.0.1',
        LOG_LEVEL: 'info',
        APOLLO_TELEMETRY_DISABLED: 'true',
        ...options.env,
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  return new Promise((resolve, reject) => {
    let buffer = '';
    const timer = setTimeout(() => reject(new Error('the server did not start within 60 s')), 60_000);
    child.once('exit', (code) => reject(new Error(`the server exited with code ${code} before it was ready`)));
    // Keep reading stdout (one log line per request) so the child never blocks on a full pipe.
    child.stdout?.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      const match = /"component":"gateway","url":"([^"]+)"/.exec(buffer);
      if (match?.[1]) {
        clearTimeout(timer);
        buffer = '';
        child.stdout?.removeAllListeners('data');
        child.stdout?.resume();
        resolve({ child, url: match[1] });
      }
    });
  });
}
