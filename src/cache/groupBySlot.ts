import { keySlot } from './keySlot.js';

/** Keys that one multi-key command may carry, with their positions in the caller's list. */
export interface SlotGroup {
  indexes: number[];
  keys: string[];
}

/**
 * Single node: one group. Cluster: one group per hash slot, since a multi-key command (MGET, DEL, a pipeline) must
 * not cross slots. `indexes` lets the caller put each answer back at its key's place.
 */
export function groupBySlot(keys: readonly string[], clustered: boolean): SlotGroup[] {
  if (!clustered) return [{ indexes: keys.map((_, index) => index), keys: [...keys] }];
  const groups = new Map<number, SlotGroup>();
  keys.forEach((key, index) => {
    const slot = keySlot(key);
    let group = groups.get(slot);
    if (!group) {
      group = { indexes: [], keys: [] };
      groups.set(slot, group);
    }
    group.indexes.push(index);
    group.keys.push(key);
  });
  return [...groups.values()];
}
