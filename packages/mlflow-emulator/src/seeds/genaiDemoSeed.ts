// The GenAI part of a 3.x demo: one experiment of an assistant's traces, logged the way an MLflow 3 client logs
// them (OTLP spans; the server derives each trace's info), with typed spans (CHAIN, RETRIEVER, TOOL, LLM, AGENT),
// token usage, sessions and users, tags, and assessments (human and LLM-judge feedback, an expectation, a judge
// error). Deterministic: ids come from a seeded PRNG and span times from a fixed epoch.
import type { EmulatorStore } from '../EmulatorStore.js';
import { otlpValueOf, type OtlpKeyValue, type OtlpSpan, type OtlpStatusCode } from '../otlpTraces.js';
import { createPrng, type Prng } from '../prng.js';
import type { AssessmentInput } from '../TraceStore.js';

/** The demo's GenAI experiment. */
export const GENAI_DEMO_EXPERIMENT = 'genai-support-assistant';
/** 2025-01-06T09:00:00Z: when the demo's first trace starts. */
export const GENAI_DEMO_EPOCH = 1736154000000;

interface SpanPlan {
  readonly name: string;
  readonly type: string;
  readonly startMs: number;
  readonly durationMs: number;
  readonly inputs: unknown;
  readonly outputs?: unknown;
  readonly tokens?: { readonly input: number; readonly output: number };
  readonly error?: string;
  readonly children?: readonly SpanPlan[];
}

interface TracePlan {
  readonly session: string;
  readonly user: string;
  readonly tags: Readonly<Record<string, string>>;
  readonly root: SpanPlan;
}

const TRACES: readonly TracePlan[] = [
  {
    session: 'session-001',
    user: 'alice@example.com',
    tags: { environment: 'production', app_version: '1.4.0' },
    root: {
      name: 'answer_question',
      type: 'CHAIN',
      startMs: 0,
      durationMs: 1840,
      inputs: { question: 'How do I reset my password?' },
      outputs: 'Open Settings → Security and choose "Reset password"; a link is emailed to you.',
      children: [
        {
          name: 'retrieve_docs',
          type: 'RETRIEVER',
          startMs: 20,
          durationMs: 310,
          inputs: { query: 'reset password' },
          outputs: [{ doc_uri: 'kb/security/reset-password.md', score: 0.92 }],
        },
        {
          name: 'chat_completion',
          type: 'LLM',
          startMs: 350,
          durationMs: 1450,
          inputs: { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'How do I reset my password?' }] },
          outputs: { content: 'Open Settings → Security and choose "Reset password".' },
          tokens: { input: 412, output: 58 },
        },
      ],
    },
  },
  {
    session: 'session-001',
    user: 'alice@example.com',
    tags: { environment: 'production', app_version: '1.4.0' },
    root: {
      name: 'answer_question',
      type: 'CHAIN',
      startMs: 60_000,
      durationMs: 2620,
      inputs: { question: 'Is my order #4521 shipped?' },
      outputs: 'Yes, order #4521 shipped yesterday and should arrive on Thursday.',
      children: [
        {
          name: 'plan',
          type: 'LLM',
          startMs: 60_010,
          durationMs: 700,
          inputs: { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Is my order #4521 shipped?' }] },
          outputs: { tool_calls: [{ name: 'lookup_order', arguments: { order_id: '4521' } }] },
          tokens: { input: 388, output: 24 },
        },
        {
          name: 'lookup_order',
          type: 'TOOL',
          startMs: 60_720,
          durationMs: 240,
          inputs: { order_id: '4521' },
          outputs: { status: 'shipped', eta: 'Thursday' },
        },
        {
          name: 'respond',
          type: 'LLM',
          startMs: 60_970,
          durationMs: 1630,
          inputs: { model: 'gpt-4o-mini', messages: [{ role: 'tool', content: '{"status": "shipped"}' }] },
          outputs: { content: 'Yes, order #4521 shipped yesterday.' },
          tokens: { input: 455, output: 31 },
        },
      ],
    },
  },
  {
    session: 'session-002',
    user: 'bob@example.com',
    tags: { environment: 'staging', app_version: '1.5.0-rc1' },
    root: {
      name: 'answer_question',
      type: 'CHAIN',
      startMs: 3_600_000,
      durationMs: 30_050,
      inputs: { question: 'Summarise my last ten tickets.' },
      error: 'Upstream model timed out after 30s',
      children: [
        {
          name: 'chat_completion',
          type: 'LLM',
          startMs: 3_600_030,
          durationMs: 30_000,
          inputs: { model: 'gpt-4o', messages: [{ role: 'user', content: 'Summarise my last ten tickets.' }] },
          error: 'Request timed out',
        },
      ],
    },
  },
  {
    session: 'session-003',
    user: 'carol@example.com',
    tags: { environment: 'production', app_version: '1.4.0' },
    root: {
      name: 'triage_ticket',
      type: 'AGENT',
      startMs: 7_200_000,
      durationMs: 3900,
      inputs: { ticket: 'The app crashes when I upload a photo larger than 10 MB.' },
      outputs: { queue: 'mobile-bugs', priority: 'high' },
      children: [
        {
          name: 'classify',
          type: 'LLM',
          startMs: 7_200_050,
          durationMs: 1200,
          inputs: { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Classify this ticket.' }] },
          outputs: { content: 'bug/mobile' },
          tokens: { input: 230, output: 6 },
        },
        {
          name: 'search_similar',
          type: 'TOOL',
          startMs: 7_201_300,
          durationMs: 800,
          inputs: { text: 'crash upload photo' },
          outputs: { similar: ['TCK-1180', 'TCK-1207'] },
        },
        {
          name: 'decide_priority',
          type: 'LLM',
          startMs: 7_202_150,
          durationMs: 1700,
          inputs: { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Pick a priority.' }] },
          outputs: { content: 'high' },
          tokens: { input: 318, output: 3 },
        },
      ],
    },
  },
];

function nanos(ms: number): bigint {
  return BigInt(GENAI_DEMO_EPOCH + ms) * 1_000_000n;
}

function spansOf(plan: SpanPlan, trace: TracePlan, traceId: Buffer, parent: Buffer, random: Prng): OtlpSpan[] {
  const spanId = Buffer.from(random.hex(16), 'hex');
  const attributes: OtlpKeyValue[] = [
    { key: 'mlflow.spanType', value: otlpValueOf(plan.type) },
    { key: 'mlflow.spanInputs', value: otlpValueOf(plan.inputs) },
  ];
  if (plan.outputs !== undefined) attributes.push({ key: 'mlflow.spanOutputs', value: otlpValueOf(plan.outputs) });
  if (plan.tokens) {
    const { input, output } = plan.tokens;
    attributes.push({
      key: 'mlflow.chat.tokenUsage',
      value: otlpValueOf({ input_tokens: input, output_tokens: output, total_tokens: input + output }),
    });
  }
  if (parent.length === 0) {
    attributes.push({ key: 'session.id', value: otlpValueOf(trace.session) });
    attributes.push({ key: 'user.id', value: otlpValueOf(trace.user) });
  }
  const code: OtlpStatusCode = plan.error === undefined ? 1 : 2;
  const span: OtlpSpan = {
    traceId,
    spanId,
    parentSpanId: parent,
    name: plan.name,
    startTimeUnixNano: nanos(plan.startMs),
    endTimeUnixNano: nanos(plan.startMs + plan.durationMs),
    attributes,
    events:
      plan.error === undefined
        ? []
        : [
            {
              timeUnixNano: nanos(plan.startMs + plan.durationMs),
              name: 'exception',
              attributes: [{ key: 'exception.message', value: otlpValueOf(plan.error) }],
            },
          ],
    status: { code, message: plan.error ?? '' },
  };
  return [span, ...(plan.children ?? []).flatMap((child) => spansOf(child, trace, traceId, spanId, random))];
}

function feedback(
  name: string,
  value: unknown,
  source: AssessmentInput['source'],
  rest: Partial<AssessmentInput> = {},
): AssessmentInput {
  return {
    name,
    spanId: null,
    source,
    kind: 'feedback',
    value,
    serializedValue: null,
    error: null,
    rationale: null,
    metadata: null,
    overrides: null,
    runId: null,
    valid: true,
    ...rest,
  };
}

const REVIEWER = { sourceType: 'HUMAN', sourceId: 'reviewer@example.com' };
const JUDGE = { sourceType: 'LLM_JUDGE', sourceId: 'relevance-judge-v2' };

/** What {@link seedGenAiDemo} created. */
export interface GenAiDemo {
  readonly experimentId: string;
  readonly traceIds: readonly string[];
}

/**
 * Adds the GenAI demo experiment ({@link GENAI_DEMO_EXPERIMENT}, reused when it exists) with four traces and
 * their assessments to a store. Spans go through the store's OTLP path, so the traces look as an MLflow 3
 * server would derive them.
 */
export function seedGenAiDemo(store: EmulatorStore): GenAiDemo {
  const experiment =
    store.tracking.getExperimentByName(GENAI_DEMO_EXPERIMENT) ??
    store.tracking.createExperiment(
      GENAI_DEMO_EXPERIMENT,
      '',
      [{ key: 'mlflow.note.content', value: 'Traces of the support assistant (LLM, tools, retrieval) with feedback.' }],
      GENAI_DEMO_EPOCH,
    );
  const random = createPrng(0x6e1a1);
  const traceIds: string[] = [];
  for (const plan of TRACES) {
    const traceId = Buffer.from(random.hex(32), 'hex');
    const [trace] = store.traces.logSpans(
      experiment.experimentId,
      spansOf(plan.root, plan, traceId, Buffer.alloc(0), random),
    );
    if (!trace) continue;
    for (const [key, value] of Object.entries(plan.tags)) store.traces.setTag(trace.traceId, key, value);
    traceIds.push(trace.traceId);
  }
  const [first, second, failed, triage] = traceIds;
  if (first) {
    store.traces.createAssessment(
      first,
      feedback('correctness', true, REVIEWER, { rationale: 'Matches the help-centre article.' }),
    );
    store.traces.createAssessment(
      first,
      feedback('relevance', 0.92, JUDGE, { rationale: 'Answers the question asked.' }),
    );
    store.traces.createAssessment(first, {
      ...feedback('expected_answer', null, REVIEWER),
      kind: 'expectation',
      value: 'Settings → Security → Reset password; the link arrives by email.',
    });
  }
  if (second) {
    store.traces.createAssessment(second, feedback('relevance', 0.81, JUDGE));
    store.traces.createAssessment(
      second,
      feedback('tool_use_correct', 'yes', { sourceType: 'CODE', sourceId: 'tool-checker' }),
    );
  }
  if (failed) {
    store.traces.createAssessment(
      failed,
      feedback('relevance', null, JUDGE, {
        error: { errorCode: 'TIMEOUT', errorMessage: 'The judge timed out', stackTrace: null },
      }),
    );
  }
  if (triage) {
    store.traces.createAssessment(
      triage,
      feedback('correctness', false, REVIEWER, {
        rationale: 'Should have gone to the uploads queue.',
        metadata: [['round', '1']],
      }),
    );
  }
  return { experimentId: experiment.experimentId, traceIds };
}
