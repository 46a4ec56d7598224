import { EmulatorStore } from '../src/EmulatorStore.js';
import { MLFLOW3_VERSION, seedGenAiDemo, startEmulator, type Emulator } from '../src/index.js';
import { encodeExportTraceRequest, otlpValueOf, type OtlpSpan } from '../src/otlpTraces.js';
import { seedEmpty } from '../src/seeds/emptySeed.js';
import { ADMIN, BOB } from '../src/seeds/users.js';
import { call, qs } from './httpClient.js';

const T0 = 1735689600000n * 1_000_000n; // 2025-01-01T00:00:00Z in nanoseconds

function span(
  traceHex: string,
  spanHex: string,
  parentHex: string,
  name: string,
  attributes: Record<string, unknown>,
  startMs: number,
  endMs: number,
  code: 0 | 1 | 2 = 1,
): OtlpSpan {
  return {
    traceId: Buffer.from(traceHex, 'hex'),
    spanId: Buffer.from(spanHex, 'hex'),
    parentSpanId: Buffer.from(parentHex, 'hex'),
    name,
    startTimeUnixNano: T0 + BigInt(startMs) * 1_000_000n,
    endTimeUnixNano: T0 + BigInt(endMs) * 1_000_000n,
    attributes: Object.entries(attributes).map(([key, value]) => ({ key, value: otlpValueOf(value) })),
    events: [],
    status: { code, message: '' },
  };
}

const TRACE_A = 'aa'.repeat(16);
const TRACE_B = 'bb'.repeat(16);

/** A chain (root) calling an LLM, as the corpus's OTLP export. */
function exportBody(traceHex = TRACE_A, rootName = 'predict', llmName = 'llm'): Buffer {
  return encodeExportTraceRequest([
    span(
      traceHex,
      '01'.repeat(8),
      '',
      rootName,
      {
        'mlflow.spanType': 'CHAIN',
        'mlflow.spanInputs': { question: 'What is MLflow?' },
        'mlflow.spanOutputs': 'An ML platform.',
        'session.id': 'sess-1',
      },
      0,
      1500,
    ),
    span(
      traceHex,
      '02'.repeat(8),
      '01'.repeat(8),
      llmName,
      {
        'mlflow.spanType': 'LLM',
        'mlflow.chat.tokenUsage': { input_tokens: 10, output_tokens: 5, total_tokens: 15 },
      },
      100,
      1400,
    ),
  ]);
}

async function otlp(emulator: Emulator, body: Buffer | string, headers: Record<string, string>) {
  const response = await fetch(`${emulator.url}/v1/traces`, {
    method: 'POST',
    headers,
    body: typeof body === 'string' ? body : new Uint8Array(body),
  });
  return { status: response.status, contentType: response.headers.get('content-type'), text: await response.text() };
}

async function startTrace(emulator: Emulator, info: Record<string, unknown>) {
  return call(emulator.url, '/api/3.0/mlflow/traces', {
    body: {
      trace: {
        trace_info: {
          trace_location: { type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: '0' } },
          request_time: '2025-01-01T00:00:00Z',
          state: 'OK',
          ...info,
        },
      },
    },
  });
}

async function search(emulator: Emulator, body: Record<string, unknown>) {
  return call(emulator.url, '/api/3.0/mlflow/traces/search', {
    body: { locations: [{ type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: '0' } }], ...body },
  });
}

function ids(json: Record<string, unknown>): string[] {
  return ((json['traces'] as Array<{ trace_id: string }> | undefined) ?? []).map((trace) => trace.trace_id);
}

describe('traces (MLflow 3.x mode)', () => {
  let emulator: Emulator;

  beforeAll(async () => {
    emulator = await startEmulator({ seed: 'empty', mlflowVersion: MLFLOW3_VERSION });
  });
  afterAll(async () => {
    await emulator.close();
  });
  beforeEach(() => emulator.reset());

  describe('OTLP export', () => {
    it('stores the spans and derives the trace info from the root span', async () => {
      const answer = await otlp(emulator, exportBody(), {
        'content-type': 'application/x-protobuf',
        'x-mlflow-experiment-id': '0',
      });
      expect(answer).toEqual({ status: 200, contentType: 'application/x-protobuf', text: '' });
      const info = await call(emulator.url, `/api/3.0/mlflow/traces/tr-${TRACE_A}`);
      expect(info.json()).toEqual({
        trace: {
          trace_info: {
            trace_id: `tr-${TRACE_A}`,
            trace_location: { type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: '0' } },
            request_preview: '{"question": "What is MLflow?"}',
            response_preview: '"An ML platform."',
            request_time: '2025-01-01T00:00:00Z',
            execution_duration: '1.500s',
            state: 'OK',
            trace_metadata: {
              'mlflow.trace.tokenUsage': '{"input_tokens": 10, "output_tokens": 5, "total_tokens": 15}',
              'mlflow.trace.session': 'sess-1',
              'mlflow.trace_schema.version': '3',
            },
            tags: {
              'mlflow.artifactLocation': `mlflow-artifacts:/0/traces/tr-${TRACE_A}/artifacts`,
              'mlflow.trace.spansLocation': 'TRACKING_STORE',
              'mlflow.traceName': 'predict',
            },
          },
        },
      });
    });

    it('answers spans in OTLP JSON: base64 ids, the trace id attribute first, exact int64 nanoseconds', async () => {
      await otlp(emulator, exportBody(), { 'content-type': 'application/x-protobuf', 'x-mlflow-experiment-id': '0' });
      const answer = await call(emulator.url, `/api/3.0/mlflow/traces/get${qs([['trace_id', `tr-${TRACE_A}`]])}`);
      expect(answer.status).toBe(200);
      const spans = answer.json<{ trace: { spans: Array<Record<string, unknown>> } }>().trace.spans;
      expect(spans[1]).toEqual({
        trace_id: Buffer.from(TRACE_A, 'hex').toString('base64'),
        span_id: Buffer.from('02'.repeat(8), 'hex').toString('base64'),
        parent_span_id: Buffer.from('01'.repeat(8), 'hex').toString('base64'),
        name: 'llm',
        start_time_unix_nano: Number(T0 + 100_000_000n),
        end_time_unix_nano: Number(T0 + 1_400_000_000n),
        attributes: [
          { key: 'mlflow.traceRequestId', value: { string_value: `tr-${TRACE_A}` } },
          { key: 'mlflow.spanType', value: { string_value: 'LLM' } },
          {
            key: 'mlflow.chat.tokenUsage',
            value: {
              kvlist_value: {
                values: [
                  { key: 'input_tokens', value: { int_value: 10 } },
                  { key: 'output_tokens', value: { int_value: 5 } },
                  { key: 'total_tokens', value: { int_value: 15 } },
                ],
              },
            },
          },
        ],
        status: { code: 'STATUS_CODE_OK' },
      });
      // Nanosecond timestamps are past 2^53: the text carries every digit, as MLflow prints them.
      expect(answer.text).toContain(`"start_time_unix_nano":${(T0 + 100_000_000n).toString()}`);
    });

    it('answers FastAPI errors: missing header 422 (before the body), OTLP/JSON 400, undecodable bytes 400', async () => {
      expect(await otlp(emulator, '{}', { 'content-type': 'application/json' })).toEqual({
        status: 422,
        contentType: 'application/json',
        text: JSON.stringify({
          detail: [{ type: 'missing', loc: ['header', 'x-mlflow-experiment-id'], msg: 'Field required', input: null }],
        }),
      });
      const json = await otlp(emulator, '{"resourceSpans": []}', {
        'content-type': 'application/json',
        'x-mlflow-experiment-id': '0',
      });
      expect([json.status, JSON.parse(json.text)]).toEqual([
        400,
        { detail: 'Invalid Content-Type: application/json. Expected: application/x-protobuf' },
      ]);
      for (const body of [Buffer.from('//4AZ2FyYmFnZQ==', 'base64'), exportBody().subarray(0, 40)]) {
        const garbage = await otlp(emulator, body, {
          'content-type': 'application/x-protobuf',
          'x-mlflow-experiment-id': '0',
        });
        expect([garbage.status, JSON.parse(garbage.text)]).toEqual([
          400,
          { detail: 'Invalid OpenTelemetry protobuf format' },
        ]);
      }
      expect(emulator.store.traces.traces.size).toBe(0);
    });

    it('merges a StartTraceV3 over the trace its spans created (v2 lists rows in their stored order)', async () => {
      await otlp(emulator, exportBody(), { 'content-type': 'application/x-protobuf', 'x-mlflow-experiment-id': '0' });
      const started = await startTrace(emulator, {
        trace_id: `tr-${TRACE_A}`,
        client_request_id: 'client-req-1',
        trace_metadata: {
          'mlflow.trace_schema.version': '3',
          'mlflow.sourceRun': 'run-1',
          'mlflow.trace.session': 'sess-1',
          'mlflow.modelId': 'm-1',
        },
        tags: { 'mlflow.traceName': 'predict', env: 'corpus' },
      });
      expect(started.status).toBe(200);
      const v2 = await call(emulator.url, `/api/2.0/mlflow/traces/tr-${TRACE_A}/info`);
      const info = v2.json<{
        trace_info: { request_metadata: Array<{ key: string }>; tags: Array<{ key: string }> };
      }>();
      expect(info.trace_info.request_metadata.map((item) => item.key)).toEqual([
        'mlflow.trace.tokenUsage',
        'mlflow.trace.session',
        'mlflow.sourceRun',
        'mlflow.modelId',
        'mlflow.trace_schema.version',
      ]);
      expect(info.trace_info.tags.map((item) => item.key)).toEqual([
        'mlflow.artifactLocation',
        'mlflow.trace.spansLocation',
        'mlflow.traceName',
        'env',
      ]);
    });
  });

  describe('spans batch', () => {
    it('fails the whole batch (and /traces/get) when one trace has no spans in the tracking store', async () => {
      await otlp(emulator, exportBody(), { 'content-type': 'application/x-protobuf', 'x-mlflow-experiment-id': '0' });
      await startTrace(emulator, { trace_id: `tr-${TRACE_B}`, state: 'ERROR' });
      const one = await call(emulator.url, `/api/3.0/mlflow/traces/batchGet${qs([['trace_ids', `tr-${TRACE_A}`]])}`);
      expect(one.status).toBe(200);
      expect(one.json<{ traces: unknown[] }>().traces).toHaveLength(1);
      const both = await call(
        emulator.url,
        `/api/3.0/mlflow/traces/batchGet${qs([
          ['trace_ids', `tr-${TRACE_A}`],
          ['trace_ids', `tr-${TRACE_B}`],
        ])}`,
      );
      expect([both.status, both.json()]).toEqual([
        500,
        { error_code: 'INTERNAL_ERROR', message: 'Trace data not stored in tracking store' },
      ]);
      const partial = await call(
        emulator.url,
        `/api/3.0/mlflow/traces/get${qs([
          ['trace_id', `tr-${TRACE_B}`],
          ['allow_partial', 'true'],
        ])}`,
      );
      expect(partial.status).toBe(500);
      // Infos alone are fine for both.
      const infos = await call(emulator.url, '/api/3.0/mlflow/traces/batchGetInfos', {
        body: { trace_ids: [`tr-${TRACE_A}`, `tr-${TRACE_B}`] },
      });
      expect(infos.json<{ trace_infos: Array<{ trace_id: string }> }>().trace_infos.map((t) => t.trace_id)).toEqual([
        `tr-${TRACE_A}`,
        `tr-${TRACE_B}`,
      ]);
    });
  });

  describe('search grammar', () => {
    beforeEach(async () => {
      await otlp(emulator, exportBody(TRACE_A, 'predict', 'llm'), {
        'content-type': 'application/x-protobuf',
        'x-mlflow-experiment-id': '0',
      });
      await startTrace(emulator, {
        trace_id: `tr-${TRACE_B}`,
        request_time: '2025-01-01T00:01:00Z',
        execution_duration: '0.250s',
        state: 'ERROR',
        trace_metadata: { 'mlflow.user': 'alice' },
        tags: { 'mlflow.traceName': 'failing', reviewed: 'yes' },
      });
    });

    it.each([
      ['', [`tr-${TRACE_B}`, `tr-${TRACE_A}`]],
      ["trace.status = 'OK'", [`tr-${TRACE_A}`]],
      ["attributes.status != 'OK'", [`tr-${TRACE_B}`]],
      ["tags.reviewed = 'yes'", [`tr-${TRACE_B}`]],
      ["tags.`mlflow.traceName` LIKE 'pred%'", [`tr-${TRACE_A}`]],
      ["name ILIKE 'FAIL%'", [`tr-${TRACE_B}`]],
      ["metadata.`mlflow.user` = 'alice'", [`tr-${TRACE_B}`]],
      ["span.name = 'llm'", [`tr-${TRACE_A}`]],
      ["span.type = 'LLM'", [`tr-${TRACE_A}`]],
      ['timestamp_ms > 1735689600000', [`tr-${TRACE_B}`]],
      ['execution_time_ms >= 1000', [`tr-${TRACE_A}`]],
      [`request_id IN ('tr-${TRACE_A}')`, [`tr-${TRACE_A}`]],
      ["trace.status = 'OK' AND span.name = 'llm'", [`tr-${TRACE_A}`]],
      ["trace.status = 'OK' AND tags.reviewed = 'yes'", []],
    ])('filter %p', async (filter, expected) => {
      const answer = await search(emulator, { filter });
      expect(answer.status).toBe(200);
      expect(ids(answer.json())).toEqual(expected);
    });

    it.each([
      ['nonsense ===', "Invalid clause(s) in filter string: 'nonsense', '==='"],
      [
        "bogus.key = 'x'",
        "Invalid entity type 'bogus'. Valid values are ['attribute', 'tag', 'metadata', 'span', 'feedback', 'expectation']",
      ],
      ["tags.env > 'a'", "Invalid comparator '>' not one of '{'=', '!=', 'LIKE', 'ILIKE'}'"],
      ["timestamp_ms > 'x'", "Expected numeric value type for numeric attribute: timestamp_ms. Found 'x'"],
    ])('rejects %p', async (filter, message) => {
      const answer = await search(emulator, { filter });
      expect([answer.status, answer.json()]).toEqual([400, { error_code: 'INVALID_PARAMETER_VALUE', message }]);
    });

    it('orders by time descending then id by default, follows order_by, and pages with offset tokens', async () => {
      expect(ids((await search(emulator, { order_by: ['timestamp_ms ASC'] })).json())).toEqual([
        `tr-${TRACE_A}`,
        `tr-${TRACE_B}`,
      ]);
      expect(ids((await search(emulator, { order_by: ['execution_time_ms DESC'] })).json())).toEqual([
        `tr-${TRACE_A}`,
        `tr-${TRACE_B}`,
      ]);
      const first = (await search(emulator, { max_results: 1 })).json<{ next_page_token: string }>();
      expect(ids(first)).toEqual([`tr-${TRACE_B}`]);
      expect(first.next_page_token).toBe('eyJvZmZzZXQiOiAxfQ==');
      const second = (await search(emulator, { max_results: 1, page_token: first.next_page_token })).json();
      expect([ids(second), second['next_page_token']]).toEqual([[`tr-${TRACE_A}`], undefined]);
    });
  });

  describe('assessments', () => {
    const path = `/api/3.0/mlflow/traces/tr-${TRACE_A}/assessments`;

    beforeEach(async () => {
      await otlp(emulator, exportBody(), { 'content-type': 'application/x-protobuf', 'x-mlflow-experiment-id': '0' });
    });

    it('creates feedback, expectation, judge errors and nameless ones, reads them with the trace', async () => {
      const human = await call(emulator.url, path, {
        body: {
          assessment: {
            assessment_name: 'correctness',
            span_id: '0101010101010101',
            source: { source_type: 'HUMAN', source_id: 'reviewer@example.com' },
            feedback: { value: true },
            rationale: 'matches the docs',
            metadata: { round: '1' },
          },
        },
      });
      expect(human.status).toBe(200);
      const created = human.json<{ assessment: Record<string, unknown> }>().assessment;
      expect(created).toMatchObject({
        assessment_name: 'correctness',
        trace_id: `tr-${TRACE_A}`,
        span_id: '0101010101010101',
        feedback: { value: true },
        rationale: 'matches the docs',
        metadata: { round: '1' },
        valid: true,
      });
      expect(created['assessment_id']).toMatch(/^a-[0-9a-f]{32}$/);
      expect(created['create_time']).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{3})?Z$/);
      const judgeError = await call(emulator.url, path, {
        body: {
          assessment: {
            assessment_name: 'safety',
            source: { source_type: 'CODE', source_id: 'checker' },
            feedback: { error: { error_code: 'TIMEOUT', error_message: 'judge timed out' } },
          },
        },
      });
      expect(judgeError.json<{ assessment: unknown }>().assessment).toMatchObject({
        feedback: { value: null, error: { error_code: 'TIMEOUT', error_message: 'judge timed out' } },
      });
      const nameless = await call(emulator.url, path, {
        body: { assessment: { source: { source_type: 'HUMAN', source_id: 'x' }, expectation: { value: 'An answer' } } },
      });
      expect(nameless.json<{ assessment: unknown }>().assessment).toMatchObject({
        assessment_name: '',
        expectation: { value: 'An answer' },
      });
      const info = await call(emulator.url, `/api/3.0/mlflow/traces/tr-${TRACE_A}`);
      const assessments = info.json<{ trace: { trace_info: { assessments: Array<{ assessment_name: string }> } } }>()
        .trace.trace_info.assessments;
      expect(assessments.map((item) => item.assessment_name)).toEqual(['correctness', 'safety', '']);
    });

    it("answers an unknown trace with SQLite's foreign-key failure quoting the row it tried to insert", async () => {
      const answer = await call(emulator.url, `/api/3.0/mlflow/traces/tr-${'0'.repeat(32)}/assessments`, {
        body: {
          assessment: {
            assessment_name: 'x',
            source: { source_type: 'HUMAN', source_id: 'x' },
            feedback: { value: 1 },
          },
        },
      });
      expect(answer.status).toBe(400);
      const { error_code: code, message } = answer.json<{ error_code: string; message: string }>();
      expect(code).toBe('BAD_REQUEST');
      // The recorded message (corpus seq 190) with its generated id and clock abstracted.
      expect(message.replace(/'a-[0-9a-f]{32}'/, "'a-ID'").replace(/\b\d{13}\b/g, 'NOW')).toBe(
        '(sqlite3.IntegrityError) FOREIGN KEY constraint failed\n' +
          '[SQL: INSERT INTO assessments (assessment_id, trace_id, name, assessment_type, value, error, created_timestamp, last_updated_timestamp, source_type, source_id, run_id, span_id, rationale, overrides, valid, assessment_metadata) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)]\n' +
          `[parameters: ('a-ID', 'tr-${'0'.repeat(32)}', 'x', 'feedback', '1.0', None, NOW, NOW, 'HUMAN', 'x', None, None, None, None, 1, None)]\n` +
          '(Background on this error at: https://sqlalche.me/e/20/gkpj)',
      );
    });

    it('updates the masked fields only, requires update_mask, deletes idempotently, overrides invalidate', async () => {
      const created = await call(emulator.url, path, {
        body: {
          assessment: {
            assessment_name: 'correctness',
            source: { source_type: 'HUMAN', source_id: 'r' },
            feedback: { value: true },
            rationale: 'first look',
          },
        },
      });
      const { assessment_id: id } = created.json<{ assessment: { assessment_id: string } }>().assessment;
      const updated = await call(emulator.url, `${path}/${id}`, {
        method: 'PATCH',
        body: {
          assessment: { feedback: { value: false }, rationale: 'second look', assessment_name: 'ignored' },
          update_mask: 'feedback,rationale',
        },
      });
      expect(updated.json<{ assessment: unknown }>().assessment).toMatchObject({
        assessment_name: 'correctness',
        feedback: { value: false },
        rationale: 'second look',
      });
      const noMask = await call(emulator.url, `${path}/${id}`, {
        method: 'PATCH',
        body: { assessment: { rationale: 'x' } },
      });
      expect([noMask.status, noMask.json()]).toEqual([
        400,
        {
          error_code: 'INVALID_PARAMETER_VALUE',
          message:
            "Missing value for required parameter 'update_mask'. See the API docs for more information about request parameters.",
        },
      ]);
      const override = await call(emulator.url, path, {
        body: {
          assessment: {
            assessment_name: 'correctness',
            source: { source_type: 'HUMAN', source_id: 'lead' },
            feedback: { value: true },
            overrides: id,
          },
        },
      });
      expect(override.json<{ assessment: unknown }>().assessment).toMatchObject({ overrides: id, valid: true });
      expect((await call(emulator.url, `${path}/${id}`)).json<{ assessment: unknown }>().assessment).toMatchObject({
        valid: false,
      });
      for (let i = 0; i < 2; i += 1) {
        const deleted = await call(emulator.url, `${path}/${id}`, { method: 'DELETE' });
        expect([deleted.status, deleted.json()]).toEqual([200, {}]);
      }
      expect((await call(emulator.url, `${path}/${id}`)).status).toBe(404);
    });
  });

  it('counts traces in a time window (traces/metrics) and deletes by ids within an experiment', async () => {
    await otlp(emulator, exportBody(), { 'content-type': 'application/x-protobuf', 'x-mlflow-experiment-id': '0' });
    await startTrace(emulator, { trace_id: `tr-${TRACE_B}` });
    const metrics = await call(emulator.url, '/api/3.0/mlflow/traces/metrics', {
      body: {
        experiment_ids: ['0'],
        view_type: 'TRACES',
        metric_name: 'trace_count',
        aggregations: [{ aggregation_type: 'COUNT' }],
        start_time_ms: 1735603200000,
        end_time_ms: 1735776000000,
      },
    });
    expect(metrics.json()).toEqual({ data_points: [{ metric_name: 'trace_count', values: { COUNT: 2 } }] });
    const deleted = await call(emulator.url, '/api/3.0/mlflow/traces/delete-traces', {
      body: { experiment_id: '0', request_ids: [`tr-${TRACE_B}`, 'tr-unknown'] },
    });
    expect(deleted.json()).toEqual({ traces_deleted: 1 });
    expect([...emulator.store.traces.traces.keys()]).toEqual([`tr-${TRACE_A}`]);
  });

  it('keeps the v2 endpoints: start/end with request ids and millisecond fields', async () => {
    const started = await call(emulator.url, '/api/2.0/mlflow/traces', {
      body: { experiment_id: '0', timestamp_ms: 1735689600000, tags: [{ key: 'legacy', value: 'true' }] },
    });
    const info = started.json<{ trace_info: { request_id: string } }>().trace_info;
    expect(info).toMatchObject({ execution_time_ms: 0, status: 'IN_PROGRESS' });
    expect(info.request_id).toMatch(/^[0-9a-f]{32}$/);
    const ended = await call(emulator.url, `/api/2.0/mlflow/traces/${info.request_id}`, {
      method: 'PATCH',
      body: { timestamp_ms: 1735689600500, status: 'OK' },
    });
    expect(ended.json<{ trace_info: unknown }>().trace_info).toMatchObject({ execution_time_ms: 500, status: 'OK' });
  });
});

describe('traces behind basic auth (3.11.1 does not permission-check them)', () => {
  let emulator: Emulator;

  beforeAll(async () => {
    emulator = await startEmulator({
      seed: 'empty',
      auth: true,
      mlflowVersion: MLFLOW3_VERSION,
      defaultPermission: 'NO_PERMISSIONS',
    });
    emulator.store.auth.createUser(BOB.username, BOB.password, false);
  });
  afterAll(async () => {
    await emulator.close();
  });

  it('lets a NO_PERMISSIONS user write, read and search traces and add assessments', async () => {
    const admin = { username: ADMIN.username, password: ADMIN.password };
    const bob = { username: BOB.username, password: BOB.password };
    const experiment = await call(emulator.url, '/api/2.0/mlflow/experiments/create', {
      body: { name: 'private' },
      basic: admin,
    });
    const experimentId = experiment.json<{ experiment_id: string }>().experiment_id;
    const denied = await call(emulator.url, `/api/2.0/mlflow/experiments/get${qs([['experiment_id', experimentId]])}`, {
      basic: bob,
    });
    expect(denied.status).toBe(403);
    const location = { type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: experimentId } };
    const started = await call(emulator.url, '/api/3.0/mlflow/traces', {
      body: {
        trace: {
          trace_info: { trace_id: 'tr-1', trace_location: location, request_time: '2025-01-01T00:00:00Z', state: 'OK' },
        },
      },
      basic: bob,
    });
    expect(started.status).toBe(200);
    expect((await call(emulator.url, '/api/3.0/mlflow/traces/tr-1', { basic: bob })).status).toBe(200);
    const found = await call(emulator.url, '/api/3.0/mlflow/traces/search', {
      body: { locations: [location] },
      basic: bob,
    });
    expect(ids(found.json())).toEqual(['tr-1']);
    const assessed = await call(emulator.url, '/api/3.0/mlflow/traces/tr-1/assessments', {
      body: {
        assessment: {
          assessment_name: 'x',
          source: { source_type: 'HUMAN', source_id: 'bob' },
          feedback: { value: 1 },
        },
      },
      basic: bob,
    });
    expect(assessed.status).toBe(200);
  });

  it("answers an anonymous OTLP export with the FastAPI app's text/plain 401", async () => {
    const answer = await otlp(emulator, Buffer.alloc(0), {
      'content-type': 'application/x-protobuf',
      'x-mlflow-experiment-id': '0',
    });
    expect([answer.status, answer.contentType]).toEqual([401, 'text/plain; charset=utf-8']);
    const flask = await call(emulator.url, '/api/3.0/mlflow/traces/tr-1');
    expect([flask.status, flask.headers.get('content-type')]).toEqual([401, 'text/html; charset=utf-8']);
  });
});

describe('seedGenAiDemo', () => {
  it('adds an experiment of typed, token-counted traces with human and judge assessments, deterministically', () => {
    const a = new EmulatorStore();
    const b = new EmulatorStore();
    seedEmpty(a);
    seedEmpty(b);
    const demo = seedGenAiDemo(a);
    expect(seedGenAiDemo(b).traceIds).toEqual(demo.traceIds);
    const traces = demo.traceIds.map((id) => a.traces.getTrace(id));
    expect(traces.map((trace) => [trace.tags.get('mlflow.traceName'), trace.state])).toEqual([
      ['answer_question', 'OK'],
      ['answer_question', 'OK'],
      ['answer_question', 'ERROR'],
      ['triage_ticket', 'OK'],
    ]);
    expect(traces[0]?.metadata.get('mlflow.trace.tokenUsage')).toBe(
      '{"input_tokens": 412, "output_tokens": 58, "total_tokens": 470}',
    );
    const spanTypes = new Set(
      traces.flatMap((trace) =>
        trace.spans.map((s) => s.attributes.find((attribute) => attribute.key === 'mlflow.spanType')?.value),
      ),
    );
    expect([...spanTypes].map((value) => (value?.kind === 'string' ? value.value : ''))).toEqual(
      expect.arrayContaining(['CHAIN', 'RETRIEVER', 'LLM', 'TOOL', 'AGENT']),
    );
    const sources = traces.flatMap((trace) =>
      trace.assessments.map((item) => `${item.kind}:${item.source?.sourceType}`),
    );
    expect(sources).toEqual(
      expect.arrayContaining(['feedback:HUMAN', 'feedback:LLM_JUDGE', 'expectation:HUMAN', 'feedback:CODE']),
    );
    expect(traces.every((trace) => trace.requestPreview !== null)).toBe(true);
  });
});
