// MLflow 3 traces through the gateway on the emulator in 3.11.1 mode (the 3.x demo's GenAI experiment): the trace
// browser's cost whatever the page size, spans isolated when MLflow fails a batch for one trace, links to runs and
// logged models, MLflow's filter grammar and its 400, cursors, writes that read back; and on MLflow 2.12.2 every trace
// field refused before any call.
import { DEMO_LOGGED_MODELS, GENAI_DEMO_EXPERIMENT, MLFLOW3_VERSION } from '@mlflow-supergraph/mlflow-emulator';
import { startStack, type Stack } from '../../helpers/startStack.js';
import { callsMatching, writeCalls } from '../../helpers/upstreamCalls.js';

/** The trace browser: an experiment's traces, each with its spans and assessments (as a UI's list and detail). */
const BROWSER = `query Browser($name: String!, $first: Int) {
  experimentByName(name: $name) {
    id name
    traces(first: $first) {
      pageInfo { hasNextPage endCursor }
      nodes {
        id name state requestTime executionDurationMs requestPreview responsePreview sessionId userId
        tokenUsage { inputTokens outputTokens totalTokens }
        tags { key value }
        spans { id parentId name type status startTime endTime durationMs inputs outputs events { name } assessments { name } }
        assessments { id name kind value error { code message } source { type id } rationale spanId }
        assessmentSummary { name kind count errorCount numericCount mean booleanCount passRate }
      }
    }
  }
}`;

describe('traces on MLflow 3.11.1', () => {
  let stack: Stack;
  let experimentId: string;
  let traceIds: string[];
  beforeAll(async () => {
    stack = await startStack({ emulator: { seed: 'demo', mlflowVersion: MLFLOW3_VERSION } });
    const found = await stack.query(
      `{ experimentByName(name: "${GENAI_DEMO_EXPERIMENT}") { id traces(first: 100) { nodes { id } } } }`,
    );
    expect(found.errors).toBeUndefined();
    experimentId = found.data.experimentByName.id;
    traceIds = found.data.experimentByName.traces.nodes.map((t: { id: string }) => t.id);
    expect(traceIds.length).toBe(4);
  });
  afterAll(() => stack.close());

  /** Runs the browser cold and returns its answer and what it cost upstream. */
  async function browse(first: number) {
    stack.coldStart();
    const result = await stack.query(BROWSER, { name: GENAI_DEMO_EXPERIMENT, first });
    return { result, calls: stack.emulator.calls(), total: stack.emulator.totalCalls() };
  }

  it('costs the same 3 upstream calls for a page of 2 traces and for all of them, spans and assessments included', async () => {
    const two = await browse(2);
    const all = await browse(100);
    expect(two.result.errors).toBeUndefined();
    expect(all.result.errors).toBeUndefined();
    expect(two.result.data.experimentByName.traces.nodes).toHaveLength(2);
    expect(all.result.data.experimentByName.traces.nodes).toHaveLength(4);
    const expected = {
      'GET /api/2.0/mlflow/experiments/get-by-name': 1,
      'POST /api/3.0/mlflow/traces/search': 1,
      'GET /api/3.0/mlflow/traces/batchGet': 1,
    };
    expect(two.calls).toEqual(expected);
    expect(all.calls).toEqual(expected);
    expect(two.total).toBe(3);
    expect(all.total).toBe(3);
  });

  it('answers spans with hex ids, types, inputs, statuses and events, and assessments with their summary', async () => {
    const { result } = await browse(100);
    const traces = result.data.experimentByName.traces.nodes as any[];
    // Newest first: the triage trace (2 h after the epoch), then the failed one.
    expect(traces.map((t) => t.name)).toEqual([
      'triage_ticket',
      'answer_question',
      'answer_question',
      'answer_question',
    ]);
    const [triage, failed, second, first] = traces;
    expect(triage.state).toBe('OK');
    expect(triage.spans.map((s: any) => s.type)).toEqual(['AGENT', 'LLM', 'TOOL', 'LLM']);
    expect(triage.spans[0].parentId).toBeNull();
    expect(triage.spans[1].parentId).toBe(triage.spans[0].id);
    expect(triage.spans[0].id).toMatch(/^[0-9a-f]{16}$/);
    expect(triage.spans[0].inputs).toEqual({ ticket: 'The app crashes when I upload a photo larger than 10 MB.' });
    expect(triage.tokenUsage).toEqual({ inputTokens: 548, outputTokens: 9, totalTokens: 557 });
    expect(triage.sessionId).toBe('session-003');
    expect(failed.state).toBe('ERROR');
    expect(failed.executionDurationMs).toBe(30050);
    expect(failed.spans[0].status).toBe('ERROR');
    expect(failed.spans[1].events).toEqual([{ name: 'exception' }]);
    expect(failed.assessments[0]).toMatchObject({
      kind: 'FEEDBACK',
      value: null,
      error: { code: 'TIMEOUT', message: 'The judge timed out' },
      source: { type: 'LLM_JUDGE', id: 'relevance-judge-v2' },
    });
    expect(failed.assessmentSummary).toEqual([
      {
        name: 'relevance',
        kind: 'FEEDBACK',
        count: 1,
        errorCount: 1,
        numericCount: 0,
        mean: null,
        booleanCount: 0,
        passRate: null,
      },
    ]);
    expect(second.assessmentSummary.find((s: any) => s.name === 'relevance')).toMatchObject({
      numericCount: 1,
      mean: 0.81,
    });
    const summary = Object.fromEntries(first.assessmentSummary.map((s: any) => [s.name, s]));
    expect(summary.correctness).toMatchObject({ count: 1, booleanCount: 1, passRate: 1 });
    expect(summary.relevance).toMatchObject({ mean: 0.92 });
    expect(summary.expected_answer).toMatchObject({ kind: 'EXPECTATION', count: 1 });
    expect(first.assessments.find((a: any) => a.kind === 'EXPECTATION').value).toBe(
      'Settings → Security → Reset password; the link arrives by email.',
    );
  });

  it('passes MLflow’s filter grammar and order, maps its 400 to BAD_USER_INPUT, and pages with sealed cursors', async () => {
    const failed = await stack.query(
      `query($e: ID!) { traces(experimentIds: [$e], filter: "trace.status = 'ERROR'") { nodes { state } } }`,
      { e: experimentId },
    );
    expect(failed.errors).toBeUndefined();
    expect(failed.data.traces.nodes).toEqual([{ state: 'ERROR' }]);
    const bySpan = await stack.query(
      `query($e: ID!) { experiment(id: $e) { traces(filter: "span.name = 'lookup_order'") { nodes { requestPreview } } } }`,
      { e: experimentId },
    );
    expect(bySpan.data.experiment.traces.nodes).toHaveLength(1);
    const oldest = await stack.query(
      `query($e: ID!) { experiment(id: $e) { traces(orderBy: ["timestamp_ms ASC"], first: 1) { nodes { sessionId } } } }`,
      { e: experimentId },
    );
    expect(oldest.data.experiment.traces.nodes).toEqual([{ sessionId: 'session-001' }]);
    stack.emulator.resetCalls();
    const bad = await stack.query(
      `query($e: ID!) { experiment(id: $e) { id traces(filter: "nonsense ===") { nodes { id } } } }`,
      { e: experimentId },
    );
    expect(bad.data.experiment.id).toBe(experimentId);
    expect(bad.data.experiment.traces).toBeNull();
    expect(bad.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(bad.errors?.[0]?.extensions?.mlflowErrorCode).toBe('INVALID_PARAMETER_VALUE');
    // A write is never retried and a bad filter is no write: exactly one search.
    expect(stack.emulator.callCount('POST /api/3.0/mlflow/traces/search')).toBe(1);

    const page = `query($e: ID!, $after: String) { experiment(id: $e) { traces(first: 3, after: $after) { nodes { id } pageInfo { hasNextPage endCursor } } } }`;
    const one = await stack.query(page, { e: experimentId });
    const next = await stack.query(page, { e: experimentId, after: one.data.experiment.traces.pageInfo.endCursor });
    expect(one.data.experiment.traces.pageInfo.hasNextPage).toBe(true);
    expect(
      [...one.data.experiment.traces.nodes, ...next.data.experiment.traces.nodes].map((n: any) => n.id).sort(),
    ).toEqual([...traceIds].sort());
    // The cursor is bound to the field and its arguments: another filter refuses it with no call.
    stack.emulator.resetCalls();
    const replay = await stack.query(
      `query($e: ID!, $after: String) { experiment(id: $e) { traces(filter: "trace.status = 'OK'", after: $after) { nodes { id } } } }`,
      { e: experimentId, after: one.data.experiment.traces.pageInfo.endCursor },
    );
    expect(replay.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(stack.emulator.callCount('POST /api/3.0/mlflow/traces/search')).toBe(0);
  });

  it('links traces to the run and the logged model that made them, both ways', async () => {
    const demo = DEMO_LOGGED_MODELS[0] as (typeof DEMO_LOGGED_MODELS)[number];
    const model = await stack.query(`{ loggedModel(id: "${demo.modelId}") { id experimentId sourceRunId } }`);
    const { experimentId: modelExperiment, sourceRunId } = model.data.loggedModel;
    const traceId = 'tr-0123456789abcdef0123456789abcdef';
    stack.emulator.store.traces.startTrace({
      traceId,
      experimentId: modelExperiment,
      requestTimeMs: Date.UTC(2025, 0, 7),
      executionDurationMs: 120,
      state: 'OK',
      metadata: [
        ['mlflow.sourceRun', sourceRunId],
        ['mlflow.modelId', demo.modelId],
      ],
      tags: [],
    });
    const result = await stack.query(`{
      run(id: "${sourceRunId}") { traces { nodes { id sourceRun { id } loggedModel { id name } } } }
      loggedModel(id: "${demo.modelId}") { traces { nodes { id sourceRunId loggedModelId experiment { id } } } }
      trace(id: "${traceId}") { id experimentId }
    }`);
    expect(result.errors).toBeUndefined();
    expect(result.data.run.traces.nodes).toEqual([
      { id: traceId, sourceRun: { id: sourceRunId }, loggedModel: { id: demo.modelId, name: demo.name } },
    ]);
    expect(result.data.loggedModel.traces.nodes).toEqual([
      { id: traceId, sourceRunId, loggedModelId: demo.modelId, experiment: { id: modelExperiment } },
    ]);
    expect(result.data.trace).toEqual({ id: traceId, experimentId: modelExperiment });
    expect((await stack.query(`{ trace(id: "tr-00000000000000000000000000000000") { id } }`)).data.trace).toBeNull();
  });

  it('sets and deletes trace tags, reading the write back', async () => {
    const [id] = traceIds;
    const reviewed = `query($e: ID!) { traces(experimentIds: [$e], filter: "tags.reviewed = 'yes'") { nodes { id } } }`;
    // Searched (and kept) before the write: the write must make the kept page stale.
    expect((await stack.query(reviewed, { e: experimentId })).data.traces.nodes).toEqual([]);
    const set = await stack.query(
      `mutation($t: ID!) { setTraceTag(traceId: $t, tag: { key: "reviewed", value: "yes" }) { id tag(key: "reviewed") } }`,
      { t: id },
    );
    expect(set.errors).toBeUndefined();
    expect(set.data.setTraceTag.tag).toBe('yes');
    // The next search sees it at once (the traces search generation was replaced).
    const search = await stack.query(
      `query($e: ID!) { traces(experimentIds: [$e], filter: "tags.reviewed = 'yes'") { nodes { id } } }`,
      { e: experimentId },
    );
    expect(search.data.traces.nodes).toEqual([{ id }]);
    const removed = await stack.query(
      `mutation($t: ID!) { deleteTraceTag(traceId: $t, key: "reviewed") { tag(key: "reviewed") } }`,
      { t: id },
    );
    expect(removed.data.deleteTraceTag.tag).toBeNull();
  });

  it('creates, updates (with an update mask) and deletes assessments; delete says whether it existed', async () => {
    const [id] = traceIds;
    const created = await stack.query(
      `mutation($t: ID!) { createAssessment(input: { traceId: $t, name: "helpfulness", kind: FEEDBACK, value: 0.5,
        source: { type: HUMAN, id: "qa@example.com" }, rationale: "ok", metadata: [{ key: "round", value: "2" }] }) {
        id name kind value rationale source { type id } metadata { key value } } }`,
      { t: id },
    );
    expect(created.errors).toBeUndefined();
    const assessment = created.data.createAssessment;
    expect(assessment).toMatchObject({ name: 'helpfulness', kind: 'FEEDBACK', value: 0.5, rationale: 'ok' });
    stack.emulator.resetCalls();
    const updated = await stack.query(
      `mutation($t: ID!, $a: ID!) { updateAssessment(traceId: $t, assessmentId: $a, input: { value: 0.9, rationale: "better" }) { value rationale } }`,
      { t: id, a: assessment.id },
    );
    expect(updated.errors).toBeUndefined();
    expect(updated.data.updateAssessment).toEqual({ value: 0.9, rationale: 'better' });
    expect(callsMatching(stack.emulator, 'PATCH /api/3.0/mlflow/traces/')).toBe(1);
    const read = await stack.query(
      `query($t: ID!) { trace(id: $t) { assessments(name: "helpfulness") { value } assessmentSummary { name mean } } }`,
      { t: id },
    );
    expect(read.data.trace.assessments).toEqual([{ value: 0.9 }]);
    const nothing = await stack.query(
      `mutation($t: ID!, $a: ID!) { updateAssessment(traceId: $t, assessmentId: $a, input: {}) { id } }`,
      { t: id, a: assessment.id },
    );
    expect(nothing.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const bad = await stack.query(
      `mutation($t: ID!) { createAssessment(input: { traceId: $t, name: "x", kind: EXPECTATION, source: { type: HUMAN } }) { id } }`,
      { t: id },
    );
    expect(bad.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const del = `mutation($t: ID!, $a: ID!) { deleteAssessment(traceId: $t, assessmentId: $a) { existed } }`;
    stack.emulator.resetCalls();
    const first = await stack.query(del, { t: id, a: assessment.id });
    const again = await stack.query(del, { t: id, a: assessment.id });
    expect(first.data.deleteAssessment.existed).toBe(true);
    expect(again.data.deleteAssessment.existed).toBe(false);
    // MLflow would answer 200 twice; the graph sends the one delete that removes something, once, never retried: the
    // repeat finds nothing on the trace (one read) and writes nothing.
    expect(callsMatching(stack.emulator, 'DELETE /api/3.0/mlflow/traces/')).toBe(1);
  });

  it('isolates a trace without stored spans: its spans are null with one error, the rest of the page answers', async () => {
    const spanless = 'tr-97ca0d15d6b5456d8579a7d65920718c';
    stack.emulator.store.traces.startTrace({
      traceId: spanless,
      experimentId,
      requestTimeMs: Date.UTC(2025, 1, 1),
      executionDurationMs: 250,
      state: 'ERROR',
      requestPreview: 'bad input',
      metadata: [],
      tags: [],
    });
    stack.coldStart();
    const result = await stack.query(
      `query($e: ID!) { experiment(id: $e) { traces(first: 10) { nodes { id requestPreview spans { name } assessments { name } } } } }`,
      { e: experimentId },
    );
    const nodes = result.data.experiment.traces.nodes as any[];
    expect(nodes).toHaveLength(5);
    expect(nodes[0]).toEqual({ id: spanless, requestPreview: 'bad input', spans: null, assessments: [] });
    for (const node of nodes.slice(1)) expect(node.spans.length).toBeGreaterThan(0);
    expect(result.errors).toHaveLength(1);
    expect(result.errors?.[0]).toMatchObject({
      path: ['experiment', 'traces', 'nodes', 0, 'spans'],
      extensions: { code: 'NOT_FOUND', reason: 'SPANS_NOT_STORED' },
    });
    // One batch that MLflow failed, then each of its traces alone (GETs: safe to ask again).
    expect(stack.emulator.callCount('GET /api/3.0/mlflow/traces/batchGet')).toBe(1);
    expect(stack.emulator.callCount('GET /api/3.0/mlflow/traces/get')).toBe(5);
  });

  it('deletes traces of the experiment only: an id of another experiment refuses the whole delete before any write', async () => {
    const other = 'tr-0123456789abcdef0123456789abcdef';
    stack.emulator.resetCalls();
    const refused = await stack.query(
      `mutation($e: ID!, $ids: [ID!]!) { deleteTraces(experimentId: $e, traceIds: $ids) { deletedCount } }`,
      { e: experimentId, ids: ['tr-97ca0d15d6b5456d8579a7d65920718c', other] },
    );
    expect(refused.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(refused.errors?.[0]?.message).not.toContain(other);
    expect(writeCalls(stack.emulator.calls())).toEqual([]);
    const deleted = await stack.query(
      `mutation($e: ID!, $ids: [ID!]!) { deleteTraces(experimentId: $e, traceIds: $ids) { deletedCount } }`,
      { e: experimentId, ids: ['tr-97ca0d15d6b5456d8579a7d65920718c'] },
    );
    expect(deleted.data.deleteTraces.deletedCount).toBe(1);
    const after = await stack.query(`{ trace(id: "tr-97ca0d15d6b5456d8579a7d65920718c") { id } }`);
    expect(after.data.trace).toBeNull();
  });
});

describe('traces on MLflow 2.12.2', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ emulator: { seed: 'demo' } });
    // The version is learned once per process (a probe at start-up or the first gated call): learn it first.
    const backend = await stack.query(`{ backend { version capabilities { traces } } }`);
    expect(backend.data.backend.capabilities.traces).toBe(false);
  });
  afterAll(() => stack.close());

  it.each([
    ['Query.trace', `{ trace(id: "tr-1") { id spans { id } } }`, 'trace'],
    ['Query.traces', `{ traces(experimentIds: ["1"]) { nodes { id } } }`, 'traces'],
    [
      'Mutation.setTraceTag',
      `mutation { setTraceTag(traceId: "tr-1", tag: { key: "k", value: "v" }) { id } }`,
      'setTraceTag',
    ],
    [
      'Mutation.createAssessment',
      `mutation { createAssessment(input: { traceId: "tr-1", name: "n", kind: FEEDBACK, value: true, source: { type: HUMAN } }) { id } }`,
      'createAssessment',
    ],
    [
      'Mutation.deleteAssessment',
      `mutation { deleteAssessment(traceId: "tr-1", assessmentId: "a-1") { existed } }`,
      'deleteAssessment',
    ],
    [
      'Mutation.deleteTraces',
      `mutation { deleteTraces(experimentId: "1", traceIds: ["tr-1"]) { deletedCount } }`,
      'deleteTraces',
    ],
  ])('%s answers UNSUPPORTED_BY_BACKEND with 0 upstream calls', async (_, query, path) => {
    stack.emulator.resetCalls();
    const result = await stack.query(query);
    expect(result.errors?.find((e) => (e.path ?? []).join('.') === path)?.extensions?.code).toBe(
      'UNSUPPORTED_BY_BACKEND',
    );
    expect(stack.emulator.totalCalls()).toBe(0);
  });

  it('refuses Experiment.traces with no trace call (the experiment itself still answers)', async () => {
    stack.emulator.resetCalls();
    const result = await stack.query(`{ experiment(id: "1") { id traces { nodes { id } } } }`);
    expect(result.data.experiment.id).toBe('1');
    expect(result.data.experiment.traces).toBeNull();
    expect(result.errors?.[0]?.extensions?.code).toBe('UNSUPPORTED_BY_BACKEND');
    expect(Object.keys(stack.emulator.calls()).filter((route) => route.includes('traces'))).toEqual([]);
  });
});
