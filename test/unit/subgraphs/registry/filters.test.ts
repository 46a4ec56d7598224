import { equalsFilter, runIdInFilter, survivesRunIdInList } from '../../../../src/subgraphs/registry/filters.js';
import { MAX_REQUEST_LINE_BYTES, requestLineLength } from '../../../../src/upstream/http/requestLine.js';
import { MlflowClient } from '../../../../src/upstream/mlflow/MlflowClient.js';

const PATH = '/api/2.0/mlflow/model-versions/search';

/**
 * The registry's chunking of `run_id IN (...)` searches (versionsByRunId.ts): the MLflow client splits the ids
 * over GETs to `path` (the tracking URI's prefix before MLflow's path) carrying the filter and `rest`.
 */
function chunkRunIdsByRequestLine(ids: readonly string[], path: string, rest = ''): string[][] {
  const prefixUrl = `http://mlflow.test${path.slice(0, -PATH.length)}`;
  const mlflow = new MlflowClient({ http: { defaults: { options: { prefixUrl } } } } as any);
  return mlflow.chunksThatFit('searchModelVersions', ids, (chunk) => ({
    filter: runIdInFilter(chunk),
    ...Object.fromEntries(new URLSearchParams(rest)),
  }));
}

/** What one parameter's value adds to a request line once form-urlencoded, as the client measures it. */
function encodedLength(value: string): number {
  return requestLineLength('/', { x: value }) - requestLineLength('/', { x: '' });
}
const hexId = (n: number) => n.toString(16).padStart(32, '0').replace(/^0/, 'a');

/** The request line got sends for a model-versions/search with this filter. */
function requestLine(path: string, filter: string): string {
  return `GET ${path}?${new URLSearchParams({ filter }).toString()} HTTP/1.1`;
}

describe('equalsFilter', () => {
  it('quotes plain values with single quotes', () => {
    expect(equalsFilter('name', 'fraud-detector')).toEqual({ filter: "name = 'fraud-detector'", superset: false });
  });

  it.each([["it's"], ['say "hi"'], ['back\\slash']])(
    'uses a LIKE superset for %j, which MLflow cannot quote',
    (value) => {
      const result = equalsFilter('name', value);
      expect(result.superset).toBe(true);
      expect(result.filter).toMatch(/^name LIKE '[^'"\\]*'$/);
    },
  );
});

describe('survivesRunIdInList (MLflow keeps only str.islower() ids in an IN list)', () => {
  it('keeps lower-case hex run ids', () => {
    expect(survivesRunIdInList('e9f950909f6a4bfeac435fcc1f7ca7bc')).toBe(true);
  });
  it.each([['ABCdef0123'], ['1234567890'], ["a'b"]])('sends %j one by one', (id) => {
    expect(survivesRunIdInList(id)).toBe(false);
  });
});

describe('chunkRunIdsByRequestLine', () => {
  it('reproduces the measured gunicorn boundary: 80 ids fit one request line, 100 do not', () => {
    const eighty = Array.from({ length: 80 }, (_, i) => hexId(i));
    const hundred = Array.from({ length: 100 }, (_, i) => hexId(i));
    expect(requestLine(PATH, runIdInFilter(eighty)).length).toBeLessThanOrEqual(MAX_REQUEST_LINE_BYTES);
    expect(requestLine(PATH, runIdInFilter(hundred)).length).toBeGreaterThan(MAX_REQUEST_LINE_BYTES);
    expect(chunkRunIdsByRequestLine(eighty, PATH)).toHaveLength(1);
    expect(chunkRunIdsByRequestLine(hundred, PATH)).toHaveLength(2);
  });

  it('keeps every chunk within the limit, in order, without losing ids', () => {
    const ids = Array.from({ length: 500 }, (_, i) => hexId(i));
    const chunks = chunkRunIdsByRequestLine(ids, PATH);
    expect(chunks.flat()).toEqual(ids);
    for (const chunk of chunks)
      expect(requestLine(PATH, runIdInFilter(chunk)).length).toBeLessThanOrEqual(MAX_REQUEST_LINE_BYTES);
    // Full chunks are as large as the limit allows (one more id would overflow).
    const first = chunks[0] as string[];
    expect(requestLine(PATH, runIdInFilter([...first, hexId(999)])).length).toBeGreaterThan(MAX_REQUEST_LINE_BYTES);
  });

  it('counts the tracking-URI prefix and reserved parameters (GitLab serves MLflow under a long path)', () => {
    const ids = Array.from({ length: 94 }, (_, i) => hexId(i));
    const prefixed = `/api/v4/projects/12345/ml/mlflow${PATH}`;
    const chunks = chunkRunIdsByRequestLine(ids, prefixed, 'page_token=' + 'x'.repeat(96));
    for (const chunk of chunks) {
      const line = `GET ${prefixed}?${new URLSearchParams({ filter: runIdInFilter(chunk) })}&page_token=${'x'.repeat(96)} HTTP/1.1`;
      expect(line.length).toBeLessThanOrEqual(MAX_REQUEST_LINE_BYTES);
    }
    // 94 ids fit a bare path in one request line, but not behind the prefix and the page-token allowance.
    expect(chunkRunIdsByRequestLine(ids, PATH)).toHaveLength(1);
    expect(chunks.length).toBeGreaterThan(1);
  });

  it('returns no chunk for no ids', () => {
    expect(chunkRunIdsByRequestLine([], PATH)).toEqual([]);
  });

  it('measures form encoding per character', () => {
    expect(encodedLength("'a', 'b'")).toBe(new URLSearchParams({ x: "'a', 'b'" }).toString().length - 2);
  });
});
