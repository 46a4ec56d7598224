// GitLab's keyset pagination (Gitlab::Pagination::Keyset::Paginator) as the MLflow API uses it: the
// page token is the URL-safe base64 of a JSON object holding the last row's order values (as
// strings) and `"_kd": "n"`; the next page starts strictly after that row. There is no offset, so a
// token stays valid while rows are added, and a token that does not decode is an unhandled 500.
import { gitlabErrors } from './gitlabErrors.js';

/** One order column: its cursor name, how to read it, and its direction. */
export interface KeysetColumn<T> {
  readonly name: string;
  readonly value: (item: T) => string | number;
  readonly descending: boolean;
}

/** A page and the token of the next one (null on the last page, as GitLab's `cursor_for_next_page`). */
export interface KeysetPage<T> {
  readonly items: T[];
  readonly nextPageToken: string | null;
}

/** The Paginator's page size when the caller asks for none or a non-positive one. */
export const KEYSET_DEFAULT_PER_PAGE = 20;

function compareValues(a: string | number, b: string | number): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const left = String(a);
  const right = String(b);
  return left < right ? -1 : left > right ? 1 : 0;
}

function compareTuples<T>(
  columns: readonly KeysetColumn<T>[],
  a: readonly (string | number)[],
  b: readonly (string | number)[],
): number {
  for (let i = 0; i < columns.length; i += 1) {
    const column = columns[i];
    const left = a[i];
    const right = b[i];
    if (!column || left === undefined || right === undefined) continue;
    const result = compareValues(left, right);
    if (result !== 0) return column.descending ? -result : result;
  }
  return 0;
}

function encodeCursor(values: Readonly<Record<string, string>>): string {
  const base64 = Buffer.from(JSON.stringify({ ...values, _kd: 'n' }), 'utf8').toString('base64');
  return base64.replace(/\+/g, '-').replace(/\//g, '_');
}

function decodeCursor<T>(
  token: string,
  columns: readonly KeysetColumn<T>[],
  sample: (string | number)[],
): (string | number)[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token.replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('utf8'));
  } catch {
    throw gitlabErrors.internal();
  }
  if (parsed === null || typeof parsed !== 'object') throw gitlabErrors.internal();
  const record = parsed as Record<string, unknown>;
  return columns.map((column, index) => {
    const raw = record[column.name];
    if (typeof raw !== 'string' && typeof raw !== 'number') throw gitlabErrors.internal();
    return typeof sample[index] === 'number' ? Number(raw) : String(raw);
  });
}

/** Orders `items` by `columns` and returns the page after `token` (the first page without one). */
export function keysetPaginate<T>(
  items: readonly T[],
  columns: readonly KeysetColumn<T>[],
  token: string | null | undefined,
  perPage: number,
): KeysetPage<T> {
  const size = Number.isInteger(perPage) && perPage > 0 ? perPage : KEYSET_DEFAULT_PER_PAGE;
  const keyed = items.map((item) => ({ item, key: columns.map((column) => column.value(item)) }));
  keyed.sort((a, b) => compareTuples(columns, a.key, b.key));
  let start = 0;
  if (token) {
    const sample = keyed[0]?.key ?? columns.map(() => '');
    const cursor = decodeCursor(token, columns, sample);
    start = keyed.findIndex((entry) => compareTuples(columns, entry.key, cursor) > 0);
    if (start < 0) start = keyed.length;
  }
  const page = keyed.slice(start, start + size);
  const last = page[page.length - 1];
  const more = start + size < keyed.length;
  const nextPageToken =
    more && last
      ? encodeCursor(Object.fromEntries(columns.map((column, index) => [column.name, String(last.key[index])])))
      : null;
  return { items: page.map((entry) => entry.item), nextPageToken };
}
