import { SupergraphError } from './SupergraphError.js';
import { toGraphQLError } from './toGraphQLError.js';

/** How far a write made of several upstream calls got before one failed. */
export interface WriteProgress {
  /** What the calls write, for the message (e.g. "logBatch of run 3f2…"). */
  readonly what: string;
  /** Calls that succeeded, in order, before the one that failed. */
  readonly landed: number;
  /** Calls the write takes in all. */
  readonly total: number;
  /** What the landed calls carried, in words (e.g. "1000 metrics, 100 params"). */
  readonly landedDetail?: string;
}

/**
 * The error of a write split over several calls when one fails: the failure's own code and message (mapped as
 * toGraphQLError maps it), plus which calls landed. Writes are never retried and nothing after the failed call is
 * sent, so the client knows exactly what MLflow holds: calls 1..landed did, the rest did not.
 */
export function partialWriteError(cause: unknown, progress: WriteProgress): SupergraphError {
  const mapped = toGraphQLError(cause);
  const { code, ...extensions } = mapped.extensions as { code: SupergraphError['code'] } & Record<string, unknown>;
  const landed =
    progress.landed === 0
      ? 'none of its calls had landed'
      : `calls 1 to ${progress.landed} of ${progress.total} had landed${progress.landedDetail ? ` (${progress.landedDetail})` : ''}`;
  return new SupergraphError(
    code,
    `${mapped.message} (${progress.what}: call ${progress.landed + 1} of ${progress.total} failed; ${landed}; nothing after it was sent)`,
    { ...extensions, landedCalls: progress.landed, totalCalls: progress.total },
    cause,
  );
}
