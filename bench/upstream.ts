// The benchmark's "MLflow server": the emulator (no latency of its own) behind the recording proxy, in a
// process of its own so its CPU is not the gateway's. Started by bench/run.ts; answers over IPC.
import { ADMIN, startEmulator } from '@mlflow-supergraph/mlflow-emulator';
import { buildBenchData, type BenchData, type DataSize } from './benchData.js';
import { failStart, rssSampler, serveParent } from './ipc.js';
import { startRecordingProxy } from './RecordingProxy.js';

/** What bench/run.ts passes in argv[2]. */
export interface UpstreamOptions {
  size: DataSize;
  latencyMs: number;
  itemMs: number;
}

/** What this process announces once ready. */
export interface UpstreamReady {
  proxyUrl: string;
  data: BenchData;
  setupMs: number;
}

async function main(): Promise<void> {
  const options = JSON.parse(process.argv[2] ?? '{}') as UpstreamOptions;
  const rss = rssSampler();
  const started = performance.now();
  const emulator = await startEmulator({ seed: 'empty', auth: true, latencyMs: 0 });
  const data = await buildBenchData(emulator.url, ADMIN, options.size);
  const proxy = await startRecordingProxy({
    target: emulator.url,
    latencyMs: options.latencyMs,
    itemMs: options.itemMs,
  });
  const ready = serveParent(
    {
      record: () => proxy.startRecording(),
      collect: () => proxy.stopRecording(),
      count: () => ({ total: proxy.totalCalls, inFlight: proxy.inFlight }),
      rss: () => rss.peakMiB(),
    },
    async () => {
      await proxy.close();
      await emulator.close();
    },
  );
  ready({ proxyUrl: proxy.url, data, setupMs: Math.round(performance.now() - started) } satisfies UpstreamReady);
}

main().catch(failStart);
