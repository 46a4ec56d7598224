import { createHash } from 'node:crypto';
import { MLFLOW3_VERSION, seedDatasetsDemo, startEmulator, type Emulator } from '../src/index.js';
import { call } from './httpClient.js';

const API = '/api/3.0/mlflow/datasets';

describe('evaluation datasets (MLflow 3 mode)', () => {
  let emulator: Emulator;

  beforeAll(async () => {
    emulator = await startEmulator({ mlflowVersion: MLFLOW3_VERSION });
  });
  afterAll(() => emulator.close());
  beforeEach(() => emulator.reset());

  async function createDataset(name: string): Promise<Record<string, unknown>> {
    const created = await call(emulator.url, `${API}/create`, {
      body: { name, experiment_ids: ['0'], tags: '{"purpose": "test"}' },
    });
    expect(created.status).toBe(200);
    return created.json<{ dataset: Record<string, unknown> }>().dataset;
  }

  it('creates a dataset with JSON-encoded tags and a digest of its name and creation time', async () => {
    const dataset = await createDataset('qa');
    expect(dataset).toMatchObject({ name: 'qa', tags: '{"purpose": "test"}', experiment_ids: ['0'] });
    expect(dataset['dataset_id']).toMatch(/^d-[0-9a-f]{32}$/);
    const expected = createHash('sha256')
      .update(`qa:${String(dataset['created_time'])}`)
      .digest('hex')
      .slice(0, 8);
    expect(dataset['digest']).toBe(expected);
    // get leaves experiment_ids out, as MLflow does.
    const got = await call(emulator.url, `${API}/${String(dataset['dataset_id'])}`);
    expect(got.json<{ dataset: Record<string, unknown> }>().dataset).not.toHaveProperty('experiment_ids');
    const missing = await call(emulator.url, `${API}/create`, { body: { experiment_ids: ['0'] } });
    expect(missing.json()).toEqual({
      error_code: 'INVALID_PARAMETER_VALUE',
      message:
        "Missing value for required parameter 'name'. See the API docs for more information about request parameters.",
    });
  });

  it('upserts records by their inputs, pages them by created_time:id, and derives schema and profile', async () => {
    const id = String((await createDataset('qa'))['dataset_id']);
    const upsert = (records: unknown) =>
      call(emulator.url, `${API}/${id}/records`, { body: { dataset_id: id, records: JSON.stringify(records) } });
    expect(
      (
        await upsert([
          { inputs: { q: 'a' }, expectations: { answer: 'x' }, tags: { level: 'easy' } },
          { inputs: { q: 'b' }, expectations: { answer: 'y' } },
        ])
      ).json(),
    ).toEqual({ inserted_count: 2, updated_count: 0 });
    expect((await upsert([{ inputs: { q: 'a' }, expectations: { answer: 'z' } }])).json()).toEqual({
      inserted_count: 0,
      updated_count: 1,
    });
    const invalid = await call(emulator.url, `${API}/${id}/records`, { body: { dataset_id: id, records: 'not json' } });
    expect([invalid.status, invalid.headers.get('content-type')]).toEqual([500, 'text/html; charset=utf-8']);

    const first = (await call(emulator.url, `${API}/${id}/records?max_results=1`)).json<{
      records: string;
      next_page_token: string;
    }>();
    const [record] = JSON.parse(first.records) as Array<{ dataset_record_id: string; created_time: number }>;
    expect(Buffer.from(first.next_page_token, 'base64').toString()).toBe(
      `${record?.created_time}:${record?.dataset_record_id}`,
    );
    const rest = (
      await call(
        emulator.url,
        `${API}/${id}/records?max_results=5&page_token=${encodeURIComponent(first.next_page_token)}`,
      )
    ).json<{ records: string }>();
    const all = [record, ...(JSON.parse(rest.records) as unknown[])] as Array<{
      inputs: unknown;
      expectations: unknown;
      tags: unknown;
    }>;
    expect(all.map((entry) => [entry.inputs, entry.expectations, entry.tags])).toEqual(
      expect.arrayContaining([
        [{ q: 'a' }, { answer: 'z' }, { level: 'easy' }],
        [{ q: 'b' }, { answer: 'y' }, {}],
      ]),
    );

    const dataset = (await call(emulator.url, `${API}/${id}`)).json<{ dataset: Record<string, unknown> }>().dataset;
    expect(dataset['schema']).toBe(
      '{"inputs": {"q": "string"}, "outputs": {}, "expectations": {"answer": "string"}, "version": "1.0"}',
    );
    expect(dataset['profile']).toBe('{"num_records": 2}');

    const deleted = await call(emulator.url, `${API}/${id}/records`, {
      method: 'DELETE',
      body: { dataset_id: id, dataset_record_ids: [record?.dataset_record_id] },
    });
    expect(deleted.json()).toEqual({ deleted_count: 1 });
  });

  it('sets and deletes tags, links experiments, searches by name and deletes', async () => {
    const id = String((await createDataset('qa-set'))['dataset_id']);
    await call(emulator.url, `${API}/${id}/tags`, { method: 'PATCH', body: { tags: '{"v": "2"}' } });
    await call(emulator.url, `${API}/${id}/tags/purpose`, { method: 'DELETE' });
    await call(emulator.url, `${API}/${id}/add-experiments`, { body: { experiment_ids: ['7'] } });
    expect((await call(emulator.url, `${API}/${id}/experiment-ids`)).json()).toEqual({ experiment_ids: ['0', '7'] });
    const removed = await call(emulator.url, `${API}/${id}/remove-experiments`, { body: { experiment_ids: ['0'] } });
    expect(removed.json()).toMatchObject({ dataset: { tags: '{"v": "2"}' } });

    const byExperiment = await call(emulator.url, `${API}/search`, { body: { experiment_ids: ['7'] } });
    expect(byExperiment.json<{ datasets: unknown[] }>().datasets).toHaveLength(1);
    expect((await call(emulator.url, `${API}/search`, { body: { experiment_ids: ['0'] } })).json()).toEqual({});
    const byName = await call(emulator.url, `${API}/search?filter_string=${encodeURIComponent("name LIKE 'qa-%'")}`);
    expect(byName.json<{ datasets: Array<{ name: string }> }>().datasets.map((d) => d.name)).toEqual(['qa-set']);

    await call(emulator.url, `${API}/${id}`, { method: 'DELETE' });
    const gone = await call(emulator.url, `${API}/${id}`);
    expect(gone.json()).toEqual({
      error_code: 'RESOURCE_DOES_NOT_EXIST',
      message: `Evaluation dataset with id '${id}' not found`,
    });
  });

  it('seeds the demo dataset with its records', () => {
    const dataset = seedDatasetsDemo(emulator.store, '1');
    expect(dataset.experimentIds).toEqual(['1']);
    expect(dataset.records).toHaveLength(3);
    expect(emulator.store.datasets.get(dataset.datasetId).name).toBe('support-bot-eval');
  });
});
