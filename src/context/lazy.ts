/**
 * A value built on first use and kept: per-request members most requests never touch (the authorizer, a
 * Databricks client) cost nothing until one resolver asks. A throwing `create` is asked again next time.
 */
export function lazy<T>(create: () => T): () => T {
  let built = false;
  let value: T;
  return () => {
    if (!built) {
      value = create();
      built = true;
    }
    return value;
  };
}
