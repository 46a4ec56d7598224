// The authorization matrix for MLflow 3 traces, spans and assessments, against the emulator in 3.11.1 mode behind
// basic-auth. MLflow 3.11.1's basic-auth checks no permission on any trace endpoint (corpus seqs 314-318, 335-336): a
// user with NO_PERMISSIONS on an experiment reads, searches, tags and assesses its traces. The graph governs every
// trace path by the trace's experiment instead: carol has NO_PERMISSIONS on the GenAI demo experiment, bob READ,
// alice EDIT, the admin everything. Carol reads none of its traces (root, nested, search, _entities, cursors) and her
// writes reach nothing upstream — although the emulator, like MLflow, would accept them, which the last test shows
// by calling it directly as carol.
//
// Twice, as the prompts matrix: callers with their own credentials, and callers a trusted proxy vouches for while the
// graph calls MLflow as the admin (there the graph's checks are all that stand between a caller and a trace, exactly
// as they are for traces in the first mode too, since MLflow checks nothing).
import { graphql } from 'graphql';
import { CAROL, GENAI_DEMO_EXPERIMENT, MLFLOW3_VERSION } from '@mlflow-supergraph/mlflow-emulator';
import { createRequestContext } from '../../../src/context/createRequestContext.js';
import { createServices } from '../../../src/context/createServices.js';
import { createTrackingSchema } from '../../../src/subgraphs/tracking/schema.js';
import { basicAuth } from '../../helpers/auth.js';
import { CALLER_MODES, PEOPLE, type Person } from '../../helpers/basicAuthPersonas.js';
import { startStack, type Stack } from '../../helpers/startStack.js';
import { writeCalls } from '../../helpers/upstreamCalls.js';

const READERS: Person[] = ['admin', 'alice', 'bob'];
/** Text only the GenAI experiment's traces hold: any answer with it leaked a trace. */
const SECRET = 'reset my password';

let checks = 0;
afterAll(() => {
  console.log(`authorization matrix (traces, MLflow 3.11.1 basic-auth): ${checks} checks, 0 leaks`);
});

describe.each(CALLER_MODES)('traces behind MLflow 3.11.1 basic-auth: $mode', ({ mode, env, headers }) => {
  let stack: Stack;
  let experimentId: string;
  let traceIds: string[];
  let assessmentId: string;
  const HEADERS = Object.fromEntries(PEOPLE.map((p) => [p, headers(p)])) as Record<Person, Record<string, string>>;

  /** Whether an answer holds anything of the GenAI experiment's traces. */
  const leaks = (body: unknown): boolean => {
    const text = JSON.stringify(body);
    return text.includes(SECRET) || traceIds.some((id) => text.includes(id)) || text.includes(assessmentId);
  };

  beforeAll(async () => {
    stack = await startStack({ emulator: { seed: 'demo', auth: true, mlflowVersion: MLFLOW3_VERSION }, env });
    const found = await stack.query(
      `{ experimentByName(name: "${GENAI_DEMO_EXPERIMENT}") { id traces(first: 50) { nodes { id requestPreview assessments { id } } } } }`,
      {},
      HEADERS.admin,
    );
    expect(found.errors).toBeUndefined();
    experimentId = found.data.experimentByName.id;
    const nodes = found.data.experimentByName.traces.nodes as any[];
    traceIds = nodes.map((n) => n.id);
    assessmentId = nodes.flatMap((n) => n.assessments.map((a: any) => a.id))[0];
    expect(nodes.some((n) => n.requestPreview.includes(SECRET))).toBe(true);
    const grants = await stack.query(
      `mutation($e: ID!) {
        carol: setExperimentPermission(experimentId: $e, grantee: { name: "carol" }, level: NO_PERMISSIONS) { objectId }
        bob: setExperimentPermission(experimentId: $e, grantee: { name: "bob" }, level: CAN_READ) { objectId }
        alice: setExperimentPermission(experimentId: $e, grantee: { name: "alice" }, level: CAN_EDIT) { objectId }
      }`,
      { e: experimentId },
      HEADERS.admin,
    );
    expect(grants.errors).toBeUndefined();
  });
  afterAll(() => stack?.close());

  /** Read paths to the experiment's traces; `single`: a denial is a FORBIDDEN error, else an omission. */
  const reads = (): { name: string; query: string; single: boolean; whole: (d: any) => boolean }[] => [
    {
      name: 'Query.trace → spans, assessments',
      query: `{ trace(id: "${traceIds.at(-1)}") { id requestPreview spans { name inputs } assessments { id value } } }`,
      single: true,
      whole: (d) =>
        d.trace.requestPreview.includes(SECRET) && d.trace.spans.length === 3 && d.trace.assessments.length === 3,
    },
    {
      name: 'Query.traces (search)',
      query: `{ traces(experimentIds: ["${experimentId}"], first: 50) { nodes { id requestPreview } } }`,
      single: false,
      whole: (d) => d.traces.nodes.length === 4,
    },
    {
      name: 'Query.traces (filtered search)',
      query: `{ traces(experimentIds: ["${experimentId}"], filter: "tags.environment = 'production'") { nodes { id } } }`,
      single: false,
      whole: (d) => d.traces.nodes.length === 3,
    },
    {
      name: 'Experiment.traces (nested) → spans',
      query: `{ experiment(id: "${experimentId}") { traces { nodes { id requestPreview spans { id } } } } }`,
      single: true,
      whole: (d) => d.experiment.traces.nodes.length === 4,
    },
  ];

  describe.each(PEOPLE)('reads as %s', (person) => {
    it('every read path', async () => {
      for (const path of reads()) {
        stack.emulator.resetCalls();
        const result = await stack.query(path.query, {}, HEADERS[person]);
        checks += 1;
        if (READERS.includes(person)) {
          expect([path.name, result.errors]).toEqual([path.name, undefined]);
          expect([path.name, path.whole(result.data)]).toEqual([path.name, true]);
          continue;
        }
        expect([path.name, leaks(result)]).toEqual([path.name, false]);
        if (path.single) expect((result.errors ?? []).map((e) => e.extensions?.code)).toContain('FORBIDDEN');
        else expect(JSON.stringify(result.data)).not.toContain('tr-');
        // A search over a hidden experiment is never sent (MLflow would answer it).
        if (path.name.startsWith('Query.traces'))
          expect(stack.emulator.callCount('POST /api/3.0/mlflow/traces/search')).toBe(0);
      }
    });

    it('_entities sent directly to the tracking subgraph', async () => {
      const services = createServices(stack.config, stack.emulator.url);
      const context = createRequestContext(services, HEADERS[person]);
      const result = await graphql({
        schema: createTrackingSchema(),
        source: `query($r: [_Any!]!) { _entities(representations: $r) { ... on Trace { id requestPreview assessments { id } } } }`,
        variableValues: { r: traceIds.map((id) => ({ __typename: 'Trace', id })) },
        contextValue: context,
      });
      await services.close();
      checks += 1;
      const data = (result.data?._entities ?? []) as any[];
      if (READERS.includes(person)) {
        expect(result.errors).toBeUndefined();
        expect(data.map((t) => t.id)).toEqual(traceIds);
      } else {
        expect(data.every((t) => t === null)).toBe(true);
        expect(result.errors?.map((e) => e.extensions?.code)).toContain('FORBIDDEN');
        expect(leaks({ data: result.data, errors: result.errors?.map((e) => e.message) })).toBe(false);
      }
    });
  });

  it('a cursor issued to bob is refused for carol, before any upstream call', async () => {
    const bob = await stack.query(
      `{ traces(experimentIds: ["${experimentId}"], first: 1) { pageInfo { endCursor } } }`,
      {},
      HEADERS.bob,
    );
    const cursor = bob.data.traces.pageInfo.endCursor;
    expect(typeof cursor).toBe('string');
    stack.emulator.resetCalls();
    const carol = await stack.query(
      `query($a: String) { traces(experimentIds: ["${experimentId}"], first: 5, after: $a) { nodes { id } } }`,
      { a: cursor },
      HEADERS.carol,
    );
    checks += 1;
    expect(carol.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(stack.emulator.callCount('POST /api/3.0/mlflow/traces/search')).toBe(0);
  });

  it('an answer kept for the admin is never served to carol (the response cache is per caller)', async () => {
    const query = `{ trace(id: "${traceIds[0]}") { id requestPreview tags { key value } } }`;
    const admin1 = await stack.query(query, {}, HEADERS.admin);
    const admin2 = await stack.query(query, {}, HEADERS.admin);
    expect(admin2).toEqual(admin1);
    const carol = await stack.query(query, {}, HEADERS.carol);
    checks += 1;
    expect(carol.data?.trace ?? null).toBeNull();
    expect(leaks(carol)).toBe(false);
  });

  /** Trace writes, each with the MLflow route it would reach. */
  const writes = (): { name: string; query: string; route: string }[] => {
    const [trace] = traceIds;
    return [
      {
        name: 'setTraceTag',
        query: `mutation { setTraceTag(traceId: "${trace}", tag: { key: "hijacked", value: "yes" }) { id } }`,
        route: 'PATCH /api/3.0/mlflow/traces/',
      },
      {
        name: 'deleteTraceTag',
        query: `mutation { deleteTraceTag(traceId: "${trace}", key: "environment") { id } }`,
        route: 'DELETE /api/3.0/mlflow/traces/',
      },
      {
        name: 'createAssessment',
        query: `mutation { createAssessment(input: { traceId: "${trace}", name: "forged", kind: FEEDBACK, value: false, source: { type: HUMAN, id: "x" } }) { id } }`,
        route: 'POST /api/3.0/mlflow/traces/',
      },
      {
        name: 'updateAssessment',
        query: `mutation { updateAssessment(traceId: "${traceIds.find((id) => id)}", assessmentId: "${assessmentId}", input: { rationale: "forged" }) { id } }`,
        route: 'PATCH /api/3.0/mlflow/traces/',
      },
      {
        name: 'deleteAssessment',
        query: `mutation { deleteAssessment(traceId: "${trace}", assessmentId: "${assessmentId}") { existed } }`,
        route: 'DELETE /api/3.0/mlflow/traces/',
      },
      {
        name: 'deleteTraces',
        query: `mutation { deleteTraces(experimentId: "${experimentId}", traceIds: ["${trace}"]) { deletedCount } }`,
        route: 'POST /api/3.0/mlflow/traces/delete-traces',
      },
    ];
  };

  describe.each(['bob', 'carol'] as Person[])('writes as %s', (person) => {
    it('every trace and assessment write is refused with 0 upstream writes', async () => {
      for (const write of writes()) {
        stack.emulator.resetCalls();
        const result = await stack.query(write.query, {}, HEADERS[person]);
        checks += 1;
        expect([write.name, result.errors?.[0]?.extensions?.code]).toEqual([write.name, 'FORBIDDEN']);
        // Only reads: the trace's info (to learn its experiment) and the caller's own permissions.
        expect([write.name, writeCalls(stack.emulator.calls())]).toEqual([write.name, []]);
        if (person === 'carol') expect([write.name, leaks(result)]).toEqual([write.name, false]);
      }
    });
  });

  it('alice (EDIT) may tag and assess but not delete traces (MANAGE, as deleting runs)', async () => {
    const [trace] = traceIds;
    const tag = await stack.query(
      `mutation { setTraceTag(traceId: "${trace}", tag: { key: "reviewed-by", value: "alice" }) { tag(key: "reviewed-by") } }`,
      {},
      HEADERS.alice,
    );
    expect(tag.errors).toBeUndefined();
    expect(tag.data.setTraceTag.tag).toBe('alice');
    const created = await stack.query(
      `mutation { createAssessment(input: { traceId: "${trace}", name: "ok", kind: FEEDBACK, value: true, source: { type: HUMAN, id: "alice" } }) { id value } }`,
      {},
      HEADERS.alice,
    );
    expect(created.errors).toBeUndefined();
    const removed = await stack.query(
      `mutation { deleteAssessment(traceId: "${trace}", assessmentId: "${created.data.createAssessment.id}") { existed } }`,
      {},
      HEADERS.alice,
    );
    expect(removed.data.deleteAssessment.existed).toBe(true);
    stack.emulator.resetCalls();
    const del = await stack.query(writes().at(-1)!.query, {}, HEADERS.alice);
    checks += 1;
    expect(del.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(writeCalls(stack.emulator.calls())).toEqual([]);
  });

  if (mode === 'own credentials') {
    it('MLflow itself (the emulator, as 3.11.1) lets carol read, tag and assess the traces the graph refused her', async () => {
      const [trace] = traceIds;
      const auth = { authorization: basicAuth(CAROL.username, CAROL.password), 'content-type': 'application/json' };
      const read = await fetch(`${stack.emulator.url}/api/3.0/mlflow/traces/${trace}`, { headers: auth });
      expect(read.status).toBe(200);
      expect(JSON.stringify(await read.json())).toContain(trace);
      const search = await fetch(`${stack.emulator.url}/api/3.0/mlflow/traces/search`, {
        method: 'POST',
        headers: auth,
        body: JSON.stringify({
          locations: [{ type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: experimentId } }],
        }),
      });
      expect(search.status).toBe(200);
      const tag = await fetch(`${stack.emulator.url}/api/3.0/mlflow/traces/${trace}/tags`, {
        method: 'PATCH',
        headers: auth,
        body: JSON.stringify({ key: 'carol-was-here', value: 'yes' }),
      });
      expect(tag.status).toBe(200);
      const assess = await fetch(`${stack.emulator.url}/api/3.0/mlflow/traces/${trace}/assessments`, {
        method: 'POST',
        headers: auth,
        body: JSON.stringify({
          assessment: {
            assessment_name: 'x',
            trace_id: trace,
            source: { source_type: 'HUMAN', source_id: 'carol' },
            feedback: { value: 1 },
          },
        }),
      });
      expect(assess.status).toBe(200);
    });
  }
});
