/**
 * The JSON text a value was parsed from, kept for the cache write that follows: an upstream's search page (tens of KB)
 * is stored as the text MLflow sent instead of being stringified again. Keyed by the parsed object (weakly: an entry
 * goes with its value), and taken once: whoever writes it next stringifies what the value has become.
 */
const texts = new WeakMap<object, string>();

/** Remembers that `value` was parsed from `text` (objects and arrays; a primitive is cheap to stringify). */
export function rememberJson(value: unknown, text: string): void {
  if (value !== null && typeof value === 'object') texts.set(value, text);
}

/** The text `value` was parsed from, if remembered and not taken yet; forgets it. */
export function takeJson(value: unknown): string | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const text = texts.get(value);
  if (text !== undefined) texts.delete(value);
  return text;
}
