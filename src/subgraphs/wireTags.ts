import type { WireTag } from '../upstream/mlflow/wire.js';

/**
 * A create mutation's tags as MLflow's `tags` field, or no field at all when none were given (every subgraph's
 * creates send them the same way: MLflow reads an absent list and an empty one alike, and the request stays short).
 */
export function wireTags(list: readonly { key: string; value: string }[] | null | undefined): { tags?: WireTag[] } {
  return list?.length ? { tags: list.map((t) => ({ key: t.key, value: t.value })) } : {};
}
