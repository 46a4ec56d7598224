// A small seeded PRNG so seeds, generated ids and rate-based faults are reproducible.

/** A deterministic source of floats in [0, 1) (mulberry32). */
export interface Prng {
  (): number;
  /** An integer in [min, max]. */
  int(min: number, max: number): number;
  /** `length` lowercase hex characters. */
  hex(length: number): string;
  /** One element of a non-empty list. */
  pick<T>(items: readonly T[]): T;
}

/** Creates a PRNG from a 32-bit seed. */
export function createPrng(seed: number): Prng {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const prng = next as Prng;
  prng.int = (min, max) => min + Math.floor(next() * (max - min + 1));
  prng.hex = (length) => {
    let out = '';
    while (out.length < length)
      out += Math.floor(next() * 0x100000000)
        .toString(16)
        .padStart(8, '0');
    return out.slice(0, length);
  };
  prng.pick = <T>(items: readonly T[]): T => {
    const item = items[Math.floor(next() * items.length)];
    if (item === undefined) throw new Error(`expected a non-empty list, got ${items.length} items`);
    return item;
  };
  return prng;
}
