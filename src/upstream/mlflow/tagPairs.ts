/**
 * An object of tags as MLflow keeps it on MLflow 3's objects (a trace's tags and metadata, an assessment's metadata, a
 * dataset record's tags) as key/value pairs; a non-string value (a record's JSON) is written as its JSON text, and
 * anything but an object gives none.
 */
export function tagPairs(tags: unknown): { key: string; value: string }[] {
  if (tags === null || typeof tags !== 'object' || Array.isArray(tags)) return [];
  return Object.entries(tags as Record<string, unknown>).map(([key, value]) => ({
    key,
    value: typeof value === 'string' ? value : JSON.stringify(value),
  }));
}
