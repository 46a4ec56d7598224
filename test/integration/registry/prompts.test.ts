// Prompts (MLflow 3's prompt registry) through the gateway against the emulator in 3.x mode: written as MLflow's
// client writes them (corpus seq 135-147), kept out of registeredModels / modelVersions, and counted upstream.
import { DEMO_PROMPTS } from '@mlflow-supergraph/mlflow-emulator';
import { startStack, type Stack } from '../../helpers/startStack.js';
import { mlflowRest } from './seedRegistry.js';

let stack: Stack;

beforeAll(async () => {
  stack = await startStack({
    emulator: { seed: 'demo', mlflowVersion: '3.11.1' },
    env: { MLFLOW_SUPERGRAPH_PERMISSIONS: 'none' },
  });
});

afterAll(async () => {
  await stack?.close();
});

async function ok(query: string, variables?: Record<string, unknown>): Promise<any> {
  const response = await stack.query(query, variables);
  expect(response.errors).toBeUndefined();
  return response.data;
}

async function failing(query: string, variables?: Record<string, unknown>) {
  const response = await stack.query(query, variables);
  expect(response.errors?.length).toBeGreaterThan(0);
  return {
    codes: (response.errors ?? []).map((e) => e.extensions?.code),
    errors: response.errors ?? [],
    data: response.data,
  };
}

const VERSION = 'name version template templateType variables commitMessage aliases tags { key value }';

describe('prompt writes and reads', () => {
  it('registers a prompt with its first version, adds a version, points an alias and reads them back', async () => {
    const created = await ok(
      `mutation { createPrompt(input: { name: "qa-answer", description: "answers", tags: [{ key: "lang", value: "en" }],
          template: "Answer: {{question}}", commitMessage: "first version" }) {
          name description tags { key value } latestVersion { ${VERSION} } } }`,
    );
    expect(created.createPrompt).toEqual({
      name: 'qa-answer',
      description: 'answers',
      tags: [{ key: 'lang', value: 'en' }],
      latestVersion: {
        name: 'qa-answer',
        version: 1,
        template: 'Answer: {{question}}',
        templateType: 'TEXT',
        variables: ['question'],
        commitMessage: 'first version',
        aliases: [],
        tags: [],
      },
    });
    const v2 = await ok(
      `mutation { createPromptVersion(input: { name: "qa-answer", template: "Answer briefly: {{ question }} ({{lang}})", commitMessage: "shorter" }) { ${VERSION} } }`,
    );
    expect(v2.createPromptVersion).toMatchObject({
      version: 2,
      variables: ['question', 'lang'],
      commitMessage: 'shorter',
    });
    const aliased = await ok(
      `mutation { setPromptAlias(name: "qa-answer", alias: "production", version: 2) { version aliases } }`,
    );
    expect(aliased.setPromptAlias).toEqual({ version: 2, aliases: ['production'] });

    const read = await ok(
      `{ prompt(name: "qa-answer") { name aliases { alias version promptVersion { version template } }
          versions(first: 5) { nodes { version commitMessage aliases } }
          versionByAlias(alias: "production") { version template } version(version: 1) { template } } }`,
    );
    expect(read.prompt).toEqual({
      name: 'qa-answer',
      aliases: [
        {
          alias: 'production',
          version: 2,
          promptVersion: { version: 2, template: 'Answer briefly: {{ question }} ({{lang}})' },
        },
      ],
      versions: {
        nodes: [
          { version: 2, commitMessage: 'shorter', aliases: ['production'] },
          { version: 1, commitMessage: 'first version', aliases: [] },
        ],
      },
      versionByAlias: { version: 2, template: 'Answer briefly: {{ question }} ({{lang}})' },
      version: { template: 'Answer: {{question}}' },
    });
  });

  it('keeps prompts out of registeredModels and modelVersions, and lists only prompts in prompts', async () => {
    const data = await ok(
      `{ registeredModels(first: 100) { nodes { name } } modelVersions(filter: "name = 'qa-answer'", first: 10) { nodes { name } }
         prompts(first: 10) { nodes { name } } }`,
    );
    expect(data.registeredModels.nodes.map((m: any) => m.name)).not.toContain('qa-answer');
    expect(data.registeredModels.nodes.length).toBeGreaterThan(0);
    expect(data.modelVersions.nodes).toEqual([]);
    const prompts = [...DEMO_PROMPTS.map((p) => p.name), 'qa-answer'].sort();
    expect(data.prompts.nodes.map((p: any) => p.name).sort()).toEqual(prompts);
    for (const name of prompts) expect(data.registeredModels.nodes.map((m: any) => m.name)).not.toContain(name);
  });

  it('reads the demo’s prompts as MLflow stores them: alias, template, variables, commit message, tags', async () => {
    const demo = DEMO_PROMPTS[0] as (typeof DEMO_PROMPTS)[number];
    const production = demo.aliases.production as number;
    const data = await ok(
      `query($n: String!) { prompt(name: $n) { description tags { key value }
          versionByAlias(alias: "production") { version template variables commitMessage aliases } } }`,
      { n: demo.name },
    );
    expect(data.prompt.description).toBe(demo.description);
    expect(data.prompt.tags).toEqual(
      expect.arrayContaining(Object.entries(demo.tags).map(([key, value]) => ({ key, value }))),
    );
    expect(data.prompt.versionByAlias).toMatchObject({
      version: production,
      template: demo.versions[production - 1]?.template,
      commitMessage: demo.versions[production - 1]?.message,
      aliases: ['production'],
    });
    expect(data.prompt.versionByAlias.variables.length).toBeGreaterThan(0);
  });

  it('refuses a registeredModels filter naming the prompt tag, before any upstream call', async () => {
    stack.emulator.resetCalls();
    const { codes } = await failing(
      '{ registeredModels(filter: "tags.`mlflow.prompt.is_prompt` = \'true\'") { nodes { name } } }',
    );
    expect(codes).toContain('BAD_USER_INPUT');
    expect(stack.emulator.callCount('GET /api/2.0/mlflow/registered-models/search')).toBe(0);
  });

  it('answers null for a registered model asked for as a prompt, and refuses prompt writes on it', async () => {
    const data = await ok(`{ registeredModels(first: 1) { nodes { name } } }`);
    const model = data.registeredModels.nodes[0].name;
    expect((await ok(`query($n: String!) { prompt(name: $n) { name } }`, { n: model })).prompt).toBeNull();
    stack.emulator.resetCalls();
    const { codes } = await failing(
      `mutation($n: String!) { createPromptVersion(input: { name: $n, template: "x" }) { version } }`,
      { n: model },
    );
    expect(codes).toContain('BAD_USER_INPUT');
    expect(stack.emulator.callCount('POST /api/2.0/mlflow/model-versions/create')).toBe(0);
  });
});

describe('on MLflow 3.11.1', () => {
  it('reports prompts (and logged models) as served, and no prompt coordinate as unsupported', async () => {
    const data = await ok(`{ backend { version capabilities { prompts loggedModels } unsupported } }`);
    expect(data.backend.version).toBe('3.11.1');
    expect(data.backend.capabilities).toEqual({ prompts: true, loggedModels: true });
    expect(data.backend.unsupported.filter((c: string) => /Prompt|prompt/.test(c))).toEqual([]);
  });

  it('lists prompts with their versions in two calls, however many prompts there are', async () => {
    for (const name of ['cost-a', 'cost-b', 'cost-c']) {
      await ok(`mutation($n: String!) { createPrompt(input: { name: $n, template: "Hi {{name}}" }) { name } }`, {
        n: name,
      });
      await ok(
        `mutation($n: String!) { createPromptVersion(input: { name: $n, template: "Hello {{name}}" }) { version } }`,
        {
          n: name,
        },
      );
    }
    stack.coldStart();
    const data = await ok(
      `{ prompts(filter: "name LIKE 'cost-%'", first: 10) { nodes { name latestVersion { version } versions(first: 5) { nodes { version template } } } } }`,
    );
    expect(data.prompts.nodes.map((p: any) => [p.name, p.latestVersion.version, p.versions.nodes.length])).toEqual([
      ['cost-a', 2, 2],
      ['cost-b', 2, 2],
      ['cost-c', 2, 2],
    ]);
    // One prompt search, and one search for every prompt's first page of versions (split by prompt).
    expect(stack.emulator.callCount('GET /api/2.0/mlflow/registered-models/search')).toBe(1);
    expect(stack.emulator.callCount('GET /api/2.0/mlflow/model-versions/search')).toBe(1);
    expect(stack.emulator.totalCalls()).toBe(2);
  });
});

describe('on an MLflow older than 3.0', () => {
  let old: Stack;
  beforeAll(async () => {
    old = await startStack({ emulator: { seed: 'demo' }, env: { MLFLOW_SUPERGRAPH_PERMISSIONS: 'none' } });
    // A model tagged as a prompt by a newer client (a 2.x server lists it with everything else: it hides nothing).
    await mlflowRest(old.emulator.url, 'POST', '/api/2.0/mlflow/registered-models/create', {
      name: 'legacy-prompt',
      tags: [{ key: 'mlflow.prompt.is_prompt', value: 'true' }],
    });
    await mlflowRest(old.emulator.url, 'POST', '/api/2.0/mlflow/model-versions/create', {
      name: 'legacy-prompt',
      source: 's3://prompts/legacy',
      tags: [
        { key: 'mlflow.prompt.is_prompt', value: 'true' },
        { key: 'mlflow.prompt.text', value: 'Hi {{name}}' },
      ],
    });
  });
  afterAll(async () => {
    await old?.close();
  });

  it('still keeps what the server lists as a prompt out of registeredModels and modelVersions', async () => {
    const listed = await mlflowRest(
      old.emulator.url,
      'GET',
      '/api/2.0/mlflow/registered-models/search?max_results=100',
    );
    expect(listed.registered_models.map((m: any) => m.name)).toContain('legacy-prompt');
    const response = await old.query(
      `{ registeredModels(first: 100) { nodes { name } } modelVersions(filter: "name = 'legacy-prompt'") { nodes { name } } }`,
    );
    expect(response.errors).toBeUndefined();
    expect(response.data.registeredModels.nodes.map((m: any) => m.name)).not.toContain('legacy-prompt');
    expect(response.data.registeredModels.nodes.length).toBeGreaterThan(0);
    expect(response.data.modelVersions.nodes).toEqual([]);
  });

  it('answers UNSUPPORTED_BY_BACKEND on prompts, with no upstream call', async () => {
    // The server's version is known once its probe answered (the backend field waits for it).
    expect((await old.query(`{ backend { version capabilities { prompts } } }`)).data.backend).toEqual({
      version: '2.12.2',
      capabilities: { prompts: false },
    });
    old.emulator.resetCalls();
    const response = await old.query(`{ prompts { nodes { name } } }`);
    expect(response.errors?.[0]?.extensions?.code).toBe('UNSUPPORTED_BY_BACKEND');
    expect(response.errors?.[0]?.message).toMatch(/older than MLflow 3\.0/);
    expect(old.emulator.totalCalls()).toBe(0);
  });
});
