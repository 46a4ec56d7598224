// The request line a GET is measured by is the one got sends (checked against a real server), and lists of ids are
// split into the fewest GETs whose line fits, each as long as the limit allows.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { callRest } from '../../../../src/upstream/http/callRest.js';
import { createHttpInstance } from '../../../../src/upstream/http/createHttpInstance.js';
import { endpoint } from '../../../../src/upstream/http/endpoint.js';
import {
  chunkByRequestLine,
  MAX_REQUEST_LINE_BYTES,
  requestLineLength,
  requestPath,
} from '../../../../src/upstream/http/requestLine.js';

const BULK = endpoint('GET /api/2.0/mlflow/metrics/get-history-bulk-interval');
const hexId = (n: number) => n.toString(16).padStart(32, '0').replace(/^0/, 'a');
const bulkParams = (ids: readonly string[]) => ({ run_ids: [...ids], metric_key: 'loss', max_results: 99 });

describe('requestLineLength', () => {
  let server: http.Server;
  let baseUrl: string;
  const lines: string[] = [];

  beforeAll(async () => {
    server = http.createServer((request, response) => {
      lines.push(`${request.method} ${request.url} HTTP/${request.httpVersion}`);
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('is the length of the line got sends, with the tracking URI prefix, repeated keys and encoded values', async () => {
    const got = createHttpInstance({
      baseUrl: `${baseUrl}/api/v4/projects/12/ml/mlflow`,
      connectTimeoutMs: 500,
      responseTimeoutMs: 500,
      maxSockets: 1,
    });
    const params = { run_ids: ['a b', "it's", 'ü/&='], metric_key: 'loss (val)', start_step: 0, end_step: 10 };
    await callRest(got, 'MLflow', BULK, params);
    expect(lines).toHaveLength(1);
    expect(requestLineLength(requestPath(got, BULK), params)).toBe((lines[0] as string).length);
  });
});

describe('chunkByRequestLine', () => {
  const path = '/api/2.0/mlflow/metrics/get-history-bulk-interval';
  const line = (ids: readonly string[]) => requestLineLength(path, bulkParams(ids));

  it('splits exactly at the byte limit: every chunk fits, and none could take the next id', () => {
    const ids = Array.from({ length: 500 }, (_, i) => hexId(i));
    const chunks = chunkByRequestLine(path, ids, bulkParams);
    expect(chunks.flat()).toEqual(ids);
    expect(chunks.length).toBeGreaterThan(1);
    chunks.forEach((chunk, index) => {
      expect(line(chunk)).toBeLessThanOrEqual(MAX_REQUEST_LINE_BYTES);
      const next = chunks[index + 1]?.[0];
      if (next) expect(line([...chunk, next])).toBeGreaterThan(MAX_REQUEST_LINE_BYTES);
    });
  });

  it.each([3, 4, 6])('fills a chunk to the last byte when %i ids happen to fit exactly', (size) => {
    const ids = Array.from({ length: 2 * size + 1 }, (_, i) => hexId(i));
    const limit = line(ids.slice(0, size));
    const sizes = (limit: number) => chunkByRequestLine(path, ids, bulkParams, { limit }).map((chunk) => chunk.length);
    expect(sizes(limit)).toEqual([size, size, 1]);
    // The last ids of a list, too.
    expect(chunkByRequestLine(path, ids.slice(0, size), bulkParams, { limit })).toEqual([ids.slice(0, size)]);
    expect(sizes(limit - 1).every((length) => length === size - 1 || length < size - 1)).toBe(true);
    expect(sizes(limit - 1)[0]).toBe(size - 1);
  });

  it('holds at most maxPerChunk ids however short they are', () => {
    const ids = Array.from({ length: 250 }, (_, i) => String(i));
    expect(chunkByRequestLine(path, ids, bulkParams, { maxPerChunk: 100 }).map((chunk) => chunk.length)).toEqual([
      100, 100, 50,
    ]);
  });

  it('measures a chunk as long as the one before it in two lines (that length fits, one more does not)', () => {
    const ids = Array.from({ length: 500 }, (_, i) => hexId(i));
    let measured = 0;
    const chunks = chunkByRequestLine(path, ids, (chunk) => {
      measured += 1;
      return bulkParams(chunk);
    });
    // The first chunk gallops and bisects (14 lines); each later one of equal length takes 2, the shorter last 1
    // (a gallop for every chunk measured 74).
    expect(chunks.map((chunk) => chunk.length)).toEqual([97, 97, 97, 97, 97, 15]);
    expect(measured).toBeLessThanOrEqual(14 + 2 * 4 + 1);
  });

  it('still splits exactly when later ids are longer or shorter than the ones before', () => {
    const ids = Array.from({ length: 400 }, (_, i) => (i < 150 || i >= 300 ? hexId(i) : `${hexId(i)}${hexId(i)}`));
    const chunks = chunkByRequestLine(path, ids, bulkParams);
    expect(chunks.flat()).toEqual(ids);
    chunks.forEach((chunk, index) => {
      expect(line(chunk)).toBeLessThanOrEqual(MAX_REQUEST_LINE_BYTES);
      const next = chunks[index + 1]?.[0];
      if (next) expect(line([...chunk, next])).toBeGreaterThan(MAX_REQUEST_LINE_BYTES);
    });
  });

  it('returns no chunk for no ids', () => {
    expect(chunkByRequestLine(path, [], bulkParams)).toEqual([]);
  });

  it('says how long the line of an id too long for any request line would be', () => {
    const long = 'x'.repeat(MAX_REQUEST_LINE_BYTES);
    expect(() => chunkByRequestLine(path, [hexId(1), long], bulkParams)).toThrow(
      new RangeError(
        `chunkByRequestLine: one item needs a ${line([long])}-byte request line, over the ${MAX_REQUEST_LINE_BYTES}-byte limit`,
      ),
    );
    const tooLong = new Error('too long');
    expect(() => chunkByRequestLine(path, [long], bulkParams, { tooLong: () => tooLong })).toThrow(tooLong);
  });
});
