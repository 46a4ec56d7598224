// Reading the emulator's per-endpoint call counters ("METHOD /path" → count): what a test asserts the graph cost
// MLflow, and how it knows a request has reached MLflow without sleeping.

/** Anything with the emulator's counters (an Emulator, a Stack's emulator). */
export interface CallCounters {
  calls(): Record<string, number>;
}

/** POSTs that only read: MLflow's searches take their filters in a body. */
const READ_ONLY_POSTS = new Set([
  '/api/2.0/mlflow/runs/search',
  '/api/2.0/mlflow/experiments/search',
  '/api/2.0/mlflow/registered-models/get-latest-versions',
  '/api/2.0/mlflow/logged-models/search',
  '/api/3.0/mlflow/datasets/search',
  '/api/3.0/mlflow/traces/search',
  '/api/3.0/mlflow/traces/batchGetInfos',
]);

/** The endpoints in a counter snapshot that change something: every call but GETs and the read-only POSTs. */
export function writeCalls(calls: Record<string, number>): string[] {
  return Object.keys(calls).filter((endpoint) => {
    const [method, path] = endpoint.split(' ');
    return method !== 'GET' && !(method === 'POST' && READ_ONLY_POSTS.has(path ?? ''));
  });
}

/** How many calls changed something upstream (see {@link writeCalls}). */
export function writeCallCount(emulator: CallCounters): number {
  const calls = emulator.calls();
  return writeCalls(calls).reduce((sum, endpoint) => sum + (calls[endpoint] ?? 0), 0);
}

/** Calls to every endpoint whose "METHOD /path" contains `fragment` (e.g. 'experiments/search'), summed. */
export function callsMatching(emulator: CallCounters, fragment: string): number {
  return Object.entries(emulator.calls())
    .filter(([endpoint]) => endpoint.includes(fragment))
    .reduce((sum, [, count]) => sum + count, 0);
}

/**
 * Resolves once more than `before` calls matching `fragment` have reached the emulator: the request under test is
 * in flight upstream, however long a loaded machine took to get it there.
 */
export async function upstreamCalled(emulator: CallCounters, fragment: string, before = 0): Promise<void> {
  while (callsMatching(emulator, fragment) <= before) await new Promise((resolve) => setTimeout(resolve, 10));
}
