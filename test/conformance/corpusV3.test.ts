// Replays every recorded MLflow 3.11.1 exchange (test/conformance/corpus/v3/mlflow-3.11.1.jsonl; see the
// corpus README) in order against fresh emulators in 3.x mode and requires the same answers (comparison rules
// in corpusReplay.ts), as corpus.test.ts does for 2.12.2.
//
// Servers, as the recording had them: `tracking` exchanges go to an emulator with seed `empty` and
// `mlflowVersion: '3.11.1'`; `auth` exchanges to one with `auth: true` too and the recording's admin password. Both
// recorded servers ran with a local default artifact root (`/srv/mlflow/artifacts`, `/srv/mlflow-auth/artifacts`,
// what their experiments' artifact_location shows), so the emulators are given the same `artifactRoot`.
// Skipped: MLflow's own `/graphql` (as for 2.12.2: the layer calls the REST API, not MLflow's GraphQL).
// Set aside: the `webhook-sink` exchanges are deliveries MLflow POSTed to a receiver, not requests to MLflow;
// they are compared with the deliveries the emulator makes by the webhook tests, not replayed here.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { MLFLOW3_VERSION, startEmulator, type Emulator } from '@mlflow-supergraph/mlflow-emulator';
import { ALLOW_LIST_3_11_1 } from './allowList.js';
import { IdMap, readCorpusFile, replayExchange, type Exchange } from './corpusReplay.js';

const corpusFile = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  'corpus',
  'v3',
  `mlflow-${MLFLOW3_VERSION}.jsonl`,
);

/**
 * TEMPORARY: endpoint families whose emulation other work items are still building. Their exchanges are replayed
 * (so the state they create exists) and counted, but a mismatch there does not fail the test yet. Must be EMPTY
 * before this lands: remove a family here in the change that emulates it.
 */
const NOT_YET_EMULATED: ReadonlySet<string> = new Set([
  // The GenAI families (other work items).
  'traces', // traces v2/v3, assessments (/traces/{id}/assessments), link-to-run, metrics
  'v1/traces', // OTLP export
  'webhooks',
  'datasets',
  'gateway',
  'scorers',
  'issues',
  'jobs',
  'prompt-optimization',
  'workspaces',
  'workspace-permissions',
  'unified-traces',
  'get-online-trace-details',
]);

/** `/api/3.0/mlflow/traces/tr-1/tags` → `traces`; `/ajax-api/3.0/jobs/x` → `jobs`; `/v1/traces` → `v1/traces`. */
function endpointFamily(requestPath: string): string {
  const rest = requestPath.replace(/^\/(?:ajax-)?api\/\d+\.\d+\/(?:mlflow\/)?/, '');
  if (rest === requestPath) return requestPath.slice(1);
  return rest.split('/')[0] ?? rest;
}

function isSkipped(exchange: Exchange): boolean {
  return exchange.path === '/graphql';
}

function isDelivery(exchange: Exchange): boolean {
  return exchange.server === 'webhook-sink';
}

function countBy<T>(items: readonly T[], key: (item: T) => string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const item of items) counts[key(item)] = (counts[key(item)] ?? 0) + 1;
  return counts;
}

describe(`MLflow ${MLFLOW3_VERSION} corpus conformance`, () => {
  const corpus = readCorpusFile(corpusFile);
  const emulators = new Map<string, Emulator>();

  afterAll(async () => {
    await Promise.all([...emulators.values()].map((emulator) => emulator.close()));
  });

  it('loads the whole corpus', () => {
    expect(corpus.length).toBe(396);
    expect(countBy(corpus, (exchange) => exchange.server)).toEqual({ tracking: 269, auth: 116, 'webhook-sink': 11 });
    expect(corpus.filter(isSkipped).map((exchange) => exchange.seq)).toEqual([264, 338, 384, 385]);
  });

  it('answers every recorded exchange as MLflow did', async () => {
    const adminPassword = corpus.find(
      (exchange) => exchange.server === 'auth' && exchange.auth_user === 'admin' && exchange.status === 200,
    )?.auth_password;
    if (typeof adminPassword !== 'string')
      throw new Error('expected an admin exchange with its password in the corpus');
    const mlflowVersion = MLFLOW3_VERSION;
    emulators.set(
      'tracking',
      await startEmulator({ seed: 'empty', mlflowVersion, artifactRoot: '/srv/mlflow/artifacts' }),
    );
    emulators.set(
      'auth',
      await startEmulator({
        seed: 'empty',
        auth: true,
        adminPassword,
        mlflowVersion,
        artifactRoot: '/srv/mlflow-auth/artifacts',
      }),
    );
    const idMaps = new Map<string, IdMap>([
      ['tracking', new IdMap()],
      ['auth', new IdMap()],
    ]);

    const replayed = corpus.filter((exchange) => !isSkipped(exchange) && !isDelivery(exchange));
    replayed.sort((a, b) => a.seq - b.seq);
    const failures: string[] = [];
    const tolerated: string[] = [];
    const pending: Exchange[] = [];
    const mismatched: Exchange[] = [];
    let matched = 0;
    for (const exchange of replayed) {
      const emulator = emulators.get(exchange.server);
      const ids = idMaps.get(exchange.server);
      if (!emulator || !ids) throw new Error(`expected server tracking or auth, got ${exchange.server}`);
      const problems = await replayExchange(emulator.url, exchange, ids);
      if (problems.length === 0) {
        matched += 1;
        continue;
      }
      const report = `seq ${exchange.seq} ${exchange.name} (${exchange.method} ${exchange.path}):\n    ${problems.join('\n    ')}`;
      const allowed = ALLOW_LIST_3_11_1[exchange.seq];
      if (allowed !== undefined) tolerated.push(`${report}\n    allowed: ${allowed}`);
      else {
        mismatched.push(exchange);
        if (NOT_YET_EMULATED.has(endpointFamily(exchange.path))) pending.push(exchange);
        else failures.push(report);
      }
    }

    const skipped = corpus.filter(isSkipped).length;
    const deliveries = corpus.filter(isDelivery).length;
    const mismatchesByFamily = countBy(mismatched, (exchange) => endpointFamily(exchange.path));
    process.stdout.write(
      `conformance ${MLFLOW3_VERSION}: ${matched}/${replayed.length} exchanges match (${skipped} /graphql exchanges skipped, ` +
        `${deliveries} webhook deliveries set aside, ${tolerated.length} allow-listed, ` +
        `${pending.length} in families not yet emulated)\n` +
        `mismatches by endpoint family (allow-listed ones aside): ${JSON.stringify(mismatchesByFamily)}\n`,
    );
    if (tolerated.length > 0) process.stdout.write(`allow-listed differences:\n${tolerated.join('\n')}\n`);
    expect(failures).toEqual([]);
    expect(matched + tolerated.length + pending.length).toBe(replayed.length);
  });
});
