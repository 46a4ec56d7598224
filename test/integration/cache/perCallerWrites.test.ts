// Per-caller mode (no permission service: MLflow without auth) keeps each caller's entries under an HMAC of their
// credential, which another caller's write cannot name. A write must still reach every caller's next read:
// each object's write generation is shared, and a per-caller entry fetched under an older one is not served.
import { randomUUID } from 'node:crypto';
import { startStack, type Stack } from '../../helpers/startStack.js';
import { asBearer } from '../../helpers/auth.js';
import { redisNamespace } from '../../helpers/redis.js';

const WRITER = asBearer('writer-token');
const READER = asBearer('reader-token');

describe.each([
  ['in memory', false],
  ['Redis, two instances', true],
] as const)('per-caller cache, %s: another caller reads a write at once', (_name, redis) => {
  const namespace = redisNamespace('percaller');
  let writerGateway: Stack;
  let readerGateway: Stack;
  beforeAll(async () => {
    const env: Record<string, string> = redis ? { ...namespace.env, MLFLOW_SUPERGRAPH_SECRET: 'p'.repeat(40) } : {};
    writerGateway = await startStack({ env });
    readerGateway = redis ? await startStack({ env, sharedEmulator: writerGateway.emulator }) : writerGateway;
  });
  afterAll(async () => {
    if (readerGateway !== writerGateway) await readerGateway?.close();
    await writerGateway?.close();
    if (redis) await namespace.deleteKeys();
  });

  it('is per caller, and serves the reader warm answers from the cache', async () => {
    const backend = await readerGateway.query(`{ backend { cacheSharing { mode } } }`, {}, READER);
    expect(backend.data.backend.cacheSharing.mode).toBe('PER_CALLER');
  });

  it('shows the reader a tag and a rename the writer made, though the reader had them cached', async () => {
    const listed = await readerGateway.query(
      `{ experiments(first: 1) { nodes { id runs(first: 1, filter: "attributes.status = 'FINISHED'") { nodes { id } } } } }`,
      {},
      READER,
    );
    const experimentId: string = listed.data.experiments.nodes[0].id;
    const runId: string = listed.data.experiments.nodes[0].runs.nodes[0].id;
    const read = `query($r: ID!, $e: ID!) { run(id: $r) { tag(key: "reviewed") } experiment(id: $e) { name } }`;
    const before = await readerGateway.query(read, { r: runId, e: experimentId }, READER);
    expect(before.data.run.tag).toBeNull();
    // Warm: the reader's second read costs nothing upstream.
    writerGateway.emulator.resetCalls();
    expect(await readerGateway.query(read, { r: runId, e: experimentId }, READER)).toEqual(before);
    expect(writerGateway.emulator.totalCalls()).toBe(0);

    const renamed = `${before.data.experiment.name}-renamed-${randomUUID().slice(0, 8)}`;
    const tagged = await writerGateway.query(
      `mutation($r: ID!) { setRunTag(runId: $r, tag: { key: "reviewed", value: "yes" }) { id } }`,
      { r: runId },
      WRITER,
    );
    expect(tagged.errors).toBeUndefined();
    const rename = await writerGateway.query(
      `mutation($e: ID!, $n: String!) { updateExperiment(id: $e, name: $n) { id } }`,
      { e: experimentId, n: renamed },
      WRITER,
    );
    expect(rename.errors).toBeUndefined();

    const after = await readerGateway.query(read, { r: runId, e: experimentId }, READER);
    expect(after.data.run.tag).toBe('yes');
    expect(after.data.experiment.name).toBe(renamed);
  });
});
