import DataLoader from 'dataloader';
import { cachePolicy, ttlSeconds } from '../../../cache/cachePolicy.js';
import { fanOut } from '../../../graphql/fanOut.js';
import { tracedBatch } from '../../../observability/traceBatch.js';
import { orNull, UpstreamError } from '../../../upstream/http/UpstreamError.js';
import type { WireSpan, WireTraceInfo } from '../../../upstream/mlflow/wire.js';
import type { LoaderInputs } from '../../loaderInputs.js';

/**
 * Trace ids one traces/batchGetInfos carries. It is a POST (no request line to fit) and MLflow 3.11.1 sets no
 * maximum; bounded so one batch never asks the store for an unbounded IN list.
 */
export const TRACE_INFO_BATCH = 100;

/**
 * Trace ids one traces/batchGet carries at most. It is a GET: ids travel in the query string, so chunks are also cut
 * to gunicorn's request line (a `tr-` id is 35 characters; ~85 fit in 4094 bytes).
 */
export const TRACE_SPANS_BATCH = 50;

/** The spans of one trace, or the reason they cannot be read (only that trace's `spans` fails). */
export type TraceSpans = WireSpan[];

/** Traces by id and their spans, for one request. */
export interface TraceLoaders {
  /** Trace infos (with their assessments) by trace id; null for an unknown trace. */
  traceById: DataLoader<string, WireTraceInfo | null>;
  /** Stored spans by trace id, read on demand: one traces/batchGet for every trace of a page. */
  traceSpans: DataLoader<string, TraceSpans>;
  /** Puts traces from a search or a write into the memo so nested fields and checks don't fetch them again. */
  primeTraces(traces: readonly WireTraceInfo[]): void;
}

/** Whether a failed batchGet may be MLflow refusing one of its traces (spans not in the tracking store: a 500). */
function mayBeOneTrace(error: unknown): boolean {
  return error instanceof UpstreamError && error.failure === 'http' && (error.status ?? 0) >= 500;
}

/**
 * Trace infos come from traces/batchGetInfos (one POST for a batch; unknown ids are simply absent). Spans come from
 * traces/batchGet, one GET per chunk. MLflow answers a whole batch 500 ("Trace data not stored in tracking store")
 * when one trace's spans live elsewhere (corpus 3.11.1 seq 162), so a failed batch of several traces is isolated:
 * each of its traces is read alone with traces/get (a GET, idempotent: asking again is safe), and only the trace
 * MLflow refuses gets an error, which its `spans` field answers; the other traces of the page keep theirs.
 */
export function createTraceLoaders(inputs: LoaderInputs): TraceLoaders {
  const { mlflow, cache, telemetry, options } = inputs;
  const ttl = () => ttlSeconds(cachePolicy.trace, cache.ttls);

  async function fetchInfos(ids: readonly string[]): Promise<(WireTraceInfo | null)[]> {
    const chunks: string[][] = [];
    for (let start = 0; start < ids.length; start += TRACE_INFO_BATCH)
      chunks.push(ids.slice(start, start + TRACE_INFO_BATCH));
    // The chunks at once, as the spans' batches: one wave, not one per hundred traces.
    const answers = await Promise.all(chunks.map((some) => mlflow.call('batchGetTraceInfos', { trace_ids: some })));
    const found = new Map(answers.flatMap((answer) => answer.trace_infos ?? []).map((info) => [info.trace_id, info]));
    return ids.map((id) => found.get(id) ?? null);
  }

  /** One trace alone: its spans, or the error MLflow gave for it. */
  async function spansOfOne(id: string): Promise<TraceSpans | null> {
    return orNull(async () => (await mlflow.call('getTrace', { trace_id: id })).trace.spans ?? []);
  }

  async function fetchSpans(ids: readonly string[]): Promise<(TraceSpans | null | Error)[]> {
    const chunks = mlflow.chunksThatFit('batchGetTraces', ids, (some) => ({ trace_ids: [...some] }), TRACE_SPANS_BATCH);
    const byId = new Map<string, TraceSpans | null | Error>();
    await Promise.all(
      chunks.map(async (some) => {
        try {
          const response = await mlflow.call('batchGetTraces', { trace_ids: some });
          for (const trace of response.traces ?? []) byId.set(trace.trace_info.trace_id, trace.spans ?? []);
          // An id the batch did not return does not exist (MLflow leaves unknown ids out).
          for (const id of some) if (!byId.has(id)) byId.set(id, null);
        } catch (error) {
          if (some.length < 2 || !mayBeOneTrace(error)) {
            for (const id of some) byId.set(id, error as Error);
            return;
          }
          const alone = await fanOut(some, spansOfOne);
          some.forEach((id, index) => byId.set(id, alone[index] ?? null));
        }
      }),
    );
    return ids.map((id) => byId.get(id) ?? null);
  }

  const traceById: TraceLoaders['traceById'] = new DataLoader(
    tracedBatch(telemetry, 'traceById', (ids: readonly string[]) =>
      cache.load<WireTraceInfo>(cachePolicy.trace.namespace, ids, fetchInfos, ttl),
    ),
    options,
  );

  const traceSpans: TraceLoaders['traceSpans'] = new DataLoader(
    tracedBatch(telemetry, 'traceSpans', async (ids: readonly string[]) => {
      const values = await cache.load<TraceSpans>(cachePolicy.traceSpans.namespace, ids, fetchSpans, () =>
        ttlSeconds(cachePolicy.traceSpans, cache.ttls),
      );
      // A trace that vanished has no spans to show: an empty list, as its info would be null anyway.
      return values.map((value) => value ?? []);
    }),
    options,
  );

  function primeTraces(traces: readonly WireTraceInfo[]): void {
    for (const trace of traces) traceById.clear(trace.trace_id).prime(trace.trace_id, trace);
  }

  return { traceById, traceSpans, primeTraces };
}
