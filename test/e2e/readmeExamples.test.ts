// The README's examples are true: every query of "Example queries a frontend sends" runs against the demo with
// the variables its `# Variables:` comment gives, and every `--demo` row of the persona table authenticates the
// persona it names when its header is pasted.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Kind, parse, print } from 'graphql';
import { projectRoot } from '../../src/gateway/supergraphConfig.js';
import { startStack, type Stack } from '../helpers/startStack.js';
import { MLFLOW3_VERSION } from '@mlflow-supergraph/mlflow-emulator';

const readme = readFileSync(join(projectRoot, 'README.md'), 'utf8');

/** The text of README section `## <title>` (up to the next `## `). */
function section(title: string): string {
  const start = readme.indexOf(`\n## ${title}\n`);
  expect(start).toBeGreaterThanOrEqual(0);
  const end = readme.indexOf('\n## ', start + 1);
  return readme.slice(start, end < 0 ? undefined : end);
}

describe('README: Example queries a frontend sends', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(async () => {
    await stack?.close();
  });

  const block = /```graphql\n([\s\S]*?)```/.exec(section('Example queries a frontend sends'))?.[1] ?? '';
  const operations = parse(block).definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION);
  // Each operation's variables: the `# Variables: {...}` comment line in the lines just above it.
  const variables = new Map<string, Record<string, unknown>>();
  for (const match of block.matchAll(/# Variables: (\{.*?\})(?: \(.*\))?\n(?:#.*\n)*query (\w+)/g))
    variables.set(match[2]!, JSON.parse(match[1]!) as Record<string, unknown>);

  it('has the four example operations, with variables for each that needs them', () => {
    expect(operations.map((o) => o.name?.value)).toEqual(['Dashboard', 'Model', 'Compare', 'Plots']);
    expect([...variables.keys()].sort()).toEqual(['Compare', 'Model', 'Plots']);
  });

  it.each(['Dashboard', 'Model', 'Compare', 'Plots'])('%s answers with demo data and no error', async (name) => {
    const operation = operations.find((o) => o.name?.value === name)!;
    stack.coldStart();
    const result = await stack.query<any>(print(operation), variables.get(name) ?? {});
    expect(result.errors).toBeUndefined();
    if (name === 'Dashboard')
      expect(
        result.data.experiments.nodes.some((e: any) => e.runs.nodes.some((r: any) => r.metricHistory.length > 0)),
      ).toBe(true);
    if (name === 'Model') {
      const champion = result.data.registeredModel.aliases.find((a: any) => a.alias === 'champion');
      expect(champion).toBeDefined();
      expect(result.data.champion).toMatchObject({ version: champion.version, status: 'READY' });
      expect(result.data.champion.version).toBe('4'); // as the README's comment says
      expect(result.data.champion.run.metrics.length).toBeGreaterThan(0);
    }
    if (name === 'Compare') expect(result.data.runs.edges.length).toBeGreaterThan(1);
    if (name === 'Plots') {
      const run = result.data.runs.nodes[0];
      expect(run.plots.map((p: any) => p.name)).toEqual(['confusion_matrix.png', 'loss_curve.png']);
      expect(run.model[0].text).toContain('flavors:');
      expect(run.artifacts.nodes.some((a: any) => a.path === 'plots' && a.isDir)).toBe(true);
      // As the README's comment says: a runs search, three listings (plots, model, the root) and the MLmodel.
      expect(stack.emulator.totalCalls()).toBe(5);
      // What <img src={downloadUrl}> loads: the PNG itself, with no credentials (the demo MLflow has no auth).
      const image = await fetch(new URL(run.plots[1].downloadUrl, stack.gateway.url));
      expect([image.status, image.headers.get('content-type')]).toEqual([200, 'image/png']);
      expect(
        Buffer.from(await image.arrayBuffer())
          .subarray(1, 4)
          .toString('latin1'),
      ).toBe('PNG');
      expect(Number(image.headers.get('content-length'))).toBe(run.plots[1].fileSize);
    }
  });
});

describe('README: MLflow 3', () => {
  let stack: Stack;
  beforeAll(async () => {
    // What `npm start -- --demo mlflow3` runs: the demo seed on the emulator in MLflow 3.11.1 mode.
    stack = await startStack({ emulator: { seed: 'demo', mlflowVersion: '3.11.1' } });
  });
  afterAll(async () => {
    await stack?.close();
  });

  const block = /```graphql\n([\s\S]*?)```/.exec(section('MLflow 3'))?.[1] ?? '';
  const variables = JSON.parse(/# Variables: (\{.*?\})\n/.exec(block)?.[1] ?? '{}') as Record<string, unknown>;

  it('traces the demo from training runs to registered versions and back, at the cost the README states', async () => {
    const [operation] = parse(block).definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION);
    expect(operation && 'name' in operation ? operation.name?.value : undefined).toBe('Lineage');
    stack.coldStart();
    const result = await stack.query<any>(print(operation!), variables);
    expect(result.errors).toBeUndefined();
    const models = result.data.experimentByName.runs.nodes.flatMap((r: any) =>
      r.loggedModels.map((m: any) => ({ run: r.id, model: m })),
    );
    expect(models.length).toBeGreaterThan(1);
    const registered = models.filter(({ model }: any) => model.registeredVersions.length > 0);
    expect(registered.length).toBeGreaterThan(1);
    for (const { run, model } of registered) {
      expect(model.metrics.some((m: any) => m.datasetName)).toBe(true);
      for (const version of model.registeredVersions) expect(version.run.id).toBe(run);
    }
    const stated = Number(/# (\d+) upstream calls however many/.exec(block)?.[1]);
    expect(stack.emulator.totalCalls()).toBe(stated);
  });

  it('lists the demo’s evaluation dataset with its records, at the cost the README states', async () => {
    const text = /### Evaluation datasets[\s\S]*?```graphql\n([\s\S]*?)```/.exec(section('MLflow 3'))?.[1] ?? '';
    const [operation] = parse(text).definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION);
    expect(operation && 'name' in operation ? operation.name?.value : undefined).toBe('EvaluationSet');
    const vars = JSON.parse(/# Variables: (\{.*?\})\n/.exec(text)?.[1] ?? '{}') as Record<string, unknown>;
    stack.coldStart();
    const result = await stack.query<any>(print(operation!), vars);
    expect(result.errors).toBeUndefined();
    const [dataset] = result.data.experimentByName.evaluationDatasets.nodes;
    expect(dataset.name).toBe('support-bot-eval');
    expect(dataset.records.nodes.length).toBe(3);
    expect(dataset.records.nodes.every((r: any) => typeof r.inputs.question === 'string')).toBe(true);
    const stated = Number(/: (\d+) upstream calls \(/.exec(text)?.[1]);
    expect(stack.emulator.totalCalls()).toBe(stated);
  });
});

describe('README: MLflow 3, GenAI traces', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ emulator: { seed: 'demo', mlflowVersion: MLFLOW3_VERSION } });
  });
  afterAll(async () => {
    await stack?.close();
  });

  const text = section('MLflow 3');
  const block = /```graphql\n([\s\S]*?)```/.exec(text.slice(text.indexOf('\n### GenAI traces\n')))?.[1] ?? '';
  const variables = JSON.parse(/# Variables: (\{.*?\})\n/.exec(block)?.[1] ?? '{}') as Record<string, unknown>;

  it('browses the demo assistant’s traces with spans and assessments, at the cost the README states', async () => {
    const [operation] = parse(block).definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION);
    expect(operation && 'name' in operation ? operation.name?.value : undefined).toBe('TraceBrowser');
    stack.coldStart();
    const result = await stack.query<any>(print(operation!), variables);
    expect(result.errors).toBeUndefined();
    const traces = result.data.experimentByName.traces.nodes;
    expect(traces.length).toBeGreaterThan(1);
    expect(traces.every((t: any) => t.spans.length > 0)).toBe(true);
    expect(traces.some((t: any) => t.assessments.some((a: any) => a.kind === 'EXPECTATION'))).toBe(true);
    expect(traces.some((t: any) => t.assessmentSummary.some((s: any) => s.passRate !== null))).toBe(true);
    const stated = Number(/# (\d+) upstream calls whatever the page size/.exec(block)?.[1]);
    expect(stack.emulator.totalCalls()).toBe(stated);
  });
});

describe('README: the --demo persona table', () => {
  const rows = [
    ...section('Two commands').matchAll(/^\| `([\w-]+)`(?: \(default\))? \| (?:`([^`]+)`|nothing)[^|]*\| ([^|]+)\|$/gm),
  ].map((m) => ({ demo: m[1]!, header: m[2], who: m[3]!.trim() }));

  it('lists every backend --demo offers', () => {
    expect(rows.map((r) => r.demo)).toEqual(['mlflow', 'basic-auth', 'databricks', 'gitlab', 'mlflow3']);
  });

  it("lets each row's persona in with the header as pasted (a rejected header is an error, not data)", async () => {
    // The stack `npm start -- --demo <name>` builds (src/main.ts), in-process: the demo emulator playing that
    // backend, the gateway pointed at it (Databricks named, the rest detected). test/e2e/demoBackends.test.ts runs
    // the real process.
    const emulatorFor: Record<string, Parameters<typeof startStack>[0]> = {
      mlflow: {},
      'basic-auth': { emulator: { auth: true } },
      databricks: { emulator: { databricks: true }, env: { MLFLOW_SUPERGRAPH_BACKEND: 'databricks' } },
      gitlab: { emulator: { gitlab: true } },
      mlflow3: { emulator: { mlflowVersion: MLFLOW3_VERSION } },
    };
    const seen: Record<string, unknown> = {};
    for (const { demo, header } of rows) {
      const stack = await startStack(emulatorFor[demo]);
      try {
        const result = await stack.query<any>(
          '{ viewer { username authKind } experiments(first: 3) { nodes { name } } }',
          {},
          header ? { authorization: header } : {},
        );
        expect(result.errors).toBeUndefined();
        expect(result.data.experiments.nodes.length).toBeGreaterThan(0);
        seen[demo] = result.data.viewer;
      } finally {
        await stack.close();
      }
    }
    // Bearer tokens carry no user name the gateway reads; the upstream accepted them (no UNAUTHENTICATED).
    expect(seen).toEqual({
      mlflow: { username: null, authKind: 'ANONYMOUS' },
      'basic-auth': { username: 'alice', authKind: 'BASIC' },
      // Verified by the backend: Databricks' SCIM Me (the user's e-mail), GitLab's /user.
      databricks: { username: 'alice@example.com', authKind: 'BEARER' },
      gitlab: { username: 'alice', authKind: 'BEARER' },
      mlflow3: { username: null, authKind: 'ANONYMOUS' },
    });
  }, 120_000);
});
