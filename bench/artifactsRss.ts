// npm run bench:artifacts — the gateway's memory while clients download a large artifact through it at once.
//
//   npm run bench:artifacts                          # 8 clients × one 200 MiB artifact
//   npm run bench:artifacts -- --clients 16 --mib 500
//
// The emulator runs here with a synthetic artifact of --mib MiB on a demo run (generated as it is read: it never
// exists whole, here or anywhere); the server runs as `npm start` runs it, in a child process, so the resident
// memory sampled (from /proc/<pid>/status, every 50 ms, else its /metrics) is the gateway's alone. The clients ask
// the graph for the file's downloadUrl and stream it concurrently, counting bytes and hashing each copy against the
// emulator's own stream of it. Reported: RSS before (after a warm-up download), the peak while downloading, and
// after, with the V8 heap and the Buffers outside it. Streaming with backpressure keeps the growth independent of
// the file's size (measured: ~100 MiB for 8 clients whether the file is 50, 200 or 400 MiB — the chunks are garbage
// V8 collects once its external-memory soft limit, 64 MiB, is reached); buffering would add the file's size per
// client (1600 MiB here). Exits 1 when a copy differs or the peak grows more than --max-growth MiB (default 160,
// under one copy of the default file) over the baseline.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import {
  addSyntheticArtifact,
  artifactBody,
  bodySize,
  bodyStream,
  startEmulator,
  type RunRecord,
} from '@mlflow-supergraph/mlflow-emulator';
import { serverMemory, startServer } from './serverProcess.js';

const MIB = 2 ** 20;

function options() {
  const { values } = parseArgs({
    options: {
      clients: { type: 'string', default: '8' },
      mib: { type: 'string', default: '200' },
      'max-growth': { type: 'string', default: '160' },
    },
  });
  const clients = Number(values.clients);
  const mib = Number(values.mib);
  const maxGrowth = Number(values['max-growth']);
  if (![clients, mib, maxGrowth].every((n) => Number.isInteger(n) && n > 0))
    throw new Error('expected positive integers: --clients n --mib n --max-growth n');
  return { clients, mib, maxGrowth };
}

/** The child's resident memory in MiB: /proc (cheap, exact), else its own /metrics. */
async function rssMib(pid: number, url: string): Promise<number | undefined> {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const kb = Number(/^VmRSS:\s+(\d+) kB$/m.exec(status)?.[1]);
    if (Number.isFinite(kb)) return kb / 1024;
  } catch {
    // not Linux: ask the server
  }
  return (await serverMemory(url))?.rssMb;
}

/** CPU seconds the child has used (user + system), from /proc/<pid>/stat; undefined off Linux. */
async function cpuSeconds(pid: number): Promise<number | undefined> {
  try {
    const fields = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1]?.split(' ') ?? [];
    // Fields 14 and 15 of stat (utime, stime), counted after the command name: indexes 11 and 12 here.
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}

async function graphql(url: string, query: string, variables: Record<string, unknown>): Promise<any> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: any; errors?: { message: string }[] };
  if (body.errors) throw new Error(body.errors.map((e) => e.message).join('; '));
  return body.data;
}

/** Streams one copy, returning its length and sha256. */
async function downloadOnce(url: string): Promise<{ bytes: number; sha256: string; status: number }> {
  const response = await fetch(url);
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
    hash.update(chunk);
    bytes += chunk.length;
  }
  return { bytes, sha256: hash.digest('hex'), status: response.status };
}

async function expectedSha(run: RunRecord, path: string): Promise<string> {
  const record = run.artifacts.find((r) => r.path === path);
  if (!record) throw new Error(`no ${path}`);
  const body = artifactBody(run, record);
  const hash = createHash('sha256');
  for await (const chunk of bodyStream(body, 0, bodySize(body) - 1)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

async function main(): Promise<void> {
  const { clients, mib, maxGrowth } = options();
  const emulator = await startEmulator({ seed: 'demo' });
  const run = [...emulator.store.tracking.runs.values()].find((r) => r.status === 'FINISHED');
  if (!run) throw new Error('no finished run in the demo seed');
  const path = `big/synthetic-${mib}mib.bin`;
  addSyntheticArtifact(run, path, mib * MIB);
  // Every client from this one address: room for all of them at once.
  const { child, url } = await startServer(emulator.url, {
    env: { ARTIFACT_DOWNLOADS_PER_CALLER: String(clients) },
  });
  const pid = child.pid as number;
  try {
    const data = await graphql(
      url,
      `
        query ($id: ID!, $glob: String!) {
          run(id: $id) {
            big: files(glob: $glob, first: 1) {
              path
              fileSize
              downloadUrl
            }
            small: files(glob: "model/MLmodel", first: 1) {
              downloadUrl
            }
          }
        }
      `,
      { id: run.runId, glob: path },
    );
    const big = data.run.big[0];
    if (!big || big.fileSize !== mib * MIB) throw new Error(`the graph did not list ${path} with its size`);
    const fileUrl = new URL(big.downloadUrl, url).toString();
    // Warm-up: code paths loaded, pools open, one small download done.
    await downloadOnce(new URL(data.run.small[0].downloadUrl, url).toString());
    const sha = await expectedSha(run, path);
    const baseline = (await rssMib(pid, url)) ?? Number.NaN;

    const before = await serverMemory(url);
    let peak = baseline;
    let peakHeap = before?.heapMb ?? Number.NaN;
    let peakExternal = before?.externalMb ?? Number.NaN;
    let sampling = true;
    const sampler = (async () => {
      for (let tick = 0; sampling; tick += 1) {
        const now = await rssMib(pid, url);
        if (now !== undefined) peak = Math.max(peak, now);
        // The heap and Buffers (outside the heap) from /metrics, less often: it is a request to the gateway too.
        if (tick % 10 === 0) {
          const memory = await serverMemory(url);
          if (memory) {
            peakHeap = Math.max(peakHeap, memory.heapMb);
            peakExternal = Math.max(peakExternal, memory.externalMb);
          }
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    })();
    const cpuBefore = await cpuSeconds(pid);
    const started = performance.now();
    const copies = await Promise.all(Array.from({ length: clients }, () => downloadOnce(fileUrl)));
    const seconds = (performance.now() - started) / 1000;
    sampling = false;
    await sampler;
    const after = (await rssMib(pid, url)) ?? Number.NaN;
    const cpu = ((await cpuSeconds(pid)) ?? Number.NaN) - (cpuBefore ?? Number.NaN);

    const bad = copies.filter((copy) => copy.status !== 200 || copy.bytes !== mib * MIB || copy.sha256 !== sha);
    const total = copies.reduce((sum, copy) => sum + copy.bytes, 0);
    const growth = peak - baseline;
    console.log(`## Artifact downloads: gateway RSS while ${clients} clients download one ${mib} MiB artifact\n`);
    console.log('| measure | value |');
    console.log('| --- | --- |');
    console.log(`| gateway RSS before (after a warm-up download) | ${baseline.toFixed(1)} MiB |`);
    console.log(`| gateway RSS peak while downloading | ${peak.toFixed(1)} MiB |`);
    console.log(`| peak − before | ${growth.toFixed(1)} MiB (${((growth / mib) * 100).toFixed(1)}% of one file) |`);
    console.log(`| gateway RSS after | ${after.toFixed(1)} MiB |`);
    console.log(
      `| V8 heap used / Buffers outside it: before → peak | ${before?.heapMb.toFixed(1)} / ${before?.externalMb.toFixed(1)} → ${peakHeap.toFixed(1)} / ${peakExternal.toFixed(1)} MiB |`,
    );
    console.log(
      `| bytes streamed | ${(total / MIB).toFixed(0)} MiB in ${seconds.toFixed(1)} s (${(total / MIB / seconds).toFixed(0)} MiB/s) |`,
    );
    console.log(`| gateway CPU while downloading | ${cpu.toFixed(1)} s (${(cpu / seconds).toFixed(2)} cores) |`);
    console.log(`| copies byte-for-byte identical | ${clients - bad.length} of ${clients} |`);
    console.log(`| upstream get-artifact calls | ${emulator.callCount('GET /get-artifact')} |`);
    if (bad.length > 0 || !(growth <= maxGrowth)) {
      console.error(
        bad.length > 0
          ? `FAIL: ${bad.length} copies differ from the artifact`
          : `FAIL: RSS grew ${growth.toFixed(1)} MiB, over --max-growth ${maxGrowth} MiB`,
      );
      process.exitCode = 1;
    }
  } finally {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 30_000))]);
    if (child.exitCode === null) child.kill('SIGKILL');
    await emulator.close();
  }
}

main().catch((error: unknown) => {
  console.error(`bench:artifacts failed: ${(error as Error).message}`);
  process.exitCode = 1;
});
