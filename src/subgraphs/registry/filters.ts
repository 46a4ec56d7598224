// Filters for MLflow's model-registry search grammar, built in one place. MLflow parses filters with
// sqlparse and strips the quotes around a value without unescaping what is inside, so a value containing
// a quote or a backslash cannot be matched with `=`; and `IN (...)` is accepted only for `run_id`
// (SearchModelVersionUtils: "Only the 'run_id' attribute supports comparison with a list of quoted string
// values"), so versions of several models cannot be fetched in one search by name.

/** A filter, and whether results must be re-checked client-side (when the filter had to match a superset). */
export interface EqualsFilter {
  filter: string;
  /** True when the filter is a LIKE pattern wider than the value: keep only exact matches. */
  superset: boolean;
}

const UNQUOTABLE = /['"\\]/;

/**
 * `<attribute> = '<value>'`, or, when the value holds a character MLflow's parser cannot carry inside quotes,
 * a `LIKE` pattern with `_` (any one character) in its place: a superset the caller narrows to exact matches.
 */
export function equalsFilter(attribute: string, value: string): EqualsFilter {
  if (!UNQUOTABLE.test(value)) return { filter: `${attribute} = '${value}'`, superset: false };
  return { filter: `${attribute} LIKE '${value.replace(/['"\\]/g, '_')}'`, superset: true };
}

/**
 * Whether MLflow keeps `id` in a `run_id IN (...)` list. It silently drops ids that Python's `str.islower()`
 * rejects (meant for MySQL's case-insensitive IN): any upper-case letter, or no letter at all (an all-digit
 * id, as some MLflow-compatible backends issue). Such ids must be asked for with `=`.
 */
export function survivesRunIdInList(id: string): boolean {
  return !UNQUOTABLE.test(id) && /\p{Ll}/u.test(id) && !/[\p{Lu}\p{Lt}]/u.test(id);
}

/** `run_id IN ('a', 'b')` for ids that {@link survivesRunIdInList}. */
export function runIdInFilter(ids: readonly string[]): string {
  return `run_id IN (${ids.map((id) => `'${id}'`).join(', ')})`;
}
