/** Parallel upstream calls one loader batch may issue (the process-wide limiter bounds the total too). */
export const FAN_OUT = 8;

/**
 * Maps keys through `fetch` with bounded concurrency, for upstream endpoints that have no batch form. Values
 * come back in key order and a failed key gets its own Error, as DataLoader's batch contract wants (left
 * as thrown: the resolver that loads the key maps it, once).
 */
export async function fanOut<K, V>(
  keys: readonly K[],
  fetch: (key: K) => Promise<V>,
  concurrency = FAN_OUT,
): Promise<(V | Error)[]> {
  const results: (V | Error)[] = new Array(keys.length);
  let next = 0;
  const worker = async () => {
    while (next < keys.length) {
      const index = next++;
      try {
        results[index] = await fetch(keys[index] as K);
      } catch (error) {
        results[index] = asError(error);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, keys.length) }, worker));
  return results;
}

/**
 * What a batch answers for a key whose fetch threw: DataLoader takes anything but an Error in a batch's answer
 * as the key's value, so a thrown non-Error must become one. Left unmapped: the resolver maps it, once.
 */
export function asError(thrown: unknown): Error {
  return thrown instanceof Error ? thrown : new Error(String(thrown));
}

/** Splits items into groups of at most `size`, in order. */
export function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
