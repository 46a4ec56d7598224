// Replays every recorded MLflow 3.11.1 exchange (test/conformance/corpus/v3/mlflow-3.11.1.jsonl; see the
// corpus README) in order against fresh emulators in 3.x mode and requires the same answers (comparison rules
// in corpusReplay.ts), as corpus.test.ts does for 2.12.2.
//
// Servers, as the recording had them: `tracking` exchanges go to an emulator with seed `empty` and
// `mlflowVersion: '3.11.1'`; `auth` exchanges to one with `auth: true` too and the recording's admin password. Both
// recorded servers ran with a local default artifact root (`/srv/mlflow/artifacts`, `/srv/mlflow-auth/artifacts`,
// what their experiments' artifact_location shows), so the emulators are given the same `artifactRoot`.
// Skipped: MLflow's own `/graphql` (as for 2.12.2: the layer calls the REST API, not MLflow's GraphQL).
// Webhooks: the `webhook-sink` exchanges are the deliveries MLflow POSTed to the recorder's loopback sink, not
// requests to MLflow. The replay points the recorded webhook URLs at a sink of its own (helpers/webhookSink.ts), and the
// second test compares what that sink received with the recorded deliveries: order, events, payloads (volatile
// paths masked), header names, and the signature, verified with the recorded webhook's secret. The tracking
// emulator accepts loopback http webhooks as the recorded server did (it ran with MLFLOW_WEBHOOK_ALLOWED_SCHEMES=
// http,https and MLFLOW_WEBHOOK_ALLOW_PRIVATE_IPS=true); the auth one keeps MLflow's defaults (seq 378-379).
import { createHash } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { MLFLOW3_VERSION, signDelivery, startEmulator, type Emulator } from '@mlflow-supergraph/mlflow-emulator';
import { ALLOW_LIST_3_11_1 } from './allowList.js';
import { IdMap, maskPath, readCorpusFile, replayExchange, responsePath, type Exchange } from './corpusReplay.js';
import { startWebhookSink, type ReceivedDelivery, type WebhookSink } from '../helpers/webhookSink.js';

const corpusFile = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  'corpus',
  'v3',
  `mlflow-${MLFLOW3_VERSION}.jsonl`,
);

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

/**
 * Fields the recording leaves out of `volatile` although they are computed from values it marks volatile: a dataset's
 * digest is sha256("{name}:{time}")[:8] with its creation (or latest records upsert) time, and a records page token is
 * base64("{created_time}:{record id}"). They are compared like volatile paths (present on both sides, value ignored);
 * 'derives its unmarked fields from volatile values' below checks each derivation on the recorded values themselves.
 */
function withDerivedVolatility(exchange: Exchange): Exchange {
  const body = exchange.response_body as Record<string, unknown> | null;
  if (body === null || typeof body !== 'object') return exchange;
  const extra: string[] = [];
  if ((body['dataset'] as Record<string, unknown> | undefined)?.['digest'] !== undefined)
    extra.push('$.response_body.dataset.digest');
  const datasets = body['datasets'];
  if (Array.isArray(datasets)) datasets.forEach((_, i) => extra.push(`$.response_body.datasets[${i}].digest`));
  if (/\/datasets\/[^/]+\/records$/.test(exchange.path) && body['next_page_token'] !== undefined)
    extra.push('$.response_body.next_page_token');
  return extra.length === 0 ? exchange : { ...exchange, volatile: [...exchange.volatile, ...extra] };
}

/** The recorder's sink, as the recorded webhook URLs name it (mapped to this test's sink before replaying). */
const RECORDED_SINK = 'http://127.0.0.1:39589';

/** A recorded exchange with the recorder's sink URL replaced by this test's sink, in the request body. */
function pointAtSink(exchange: Exchange, sink: WebhookSink): Exchange {
  if (exchange.request_body === null || exchange.request_body === undefined) return exchange;
  const text = JSON.stringify(exchange.request_body);
  if (!text.includes(RECORDED_SINK)) return exchange;
  return { ...exchange, request_body: JSON.parse(text.split(RECORDED_SINK).join(sink.url)) as unknown };
}

/** Masks the recording's volatile `$.request_body...` paths of a delivery (its payload's timestamp, names, ids). */
function maskDeliveryBody(exchange: Exchange, body: unknown): unknown {
  const copy = JSON.parse(JSON.stringify(body)) as unknown;
  for (const volatilePath of exchange.volatile) {
    if (!volatilePath.startsWith('$.request_body.')) continue;
    const segments = responsePath(volatilePath.replace('$.request_body', '$.response_body'));
    if (segments) maskPath(copy, segments);
  }
  return copy;
}

/** Python's json.dumps layout (`", "` and `": "`), as MLflow serialises a delivery. */
function isPythonJsonLayout(raw: string): boolean {
  const dumps = (value: unknown): string =>
    value !== null && typeof value === 'object'
      ? Array.isArray(value)
        ? `[${value.map(dumps).join(', ')}]`
        : `{${Object.entries(value)
            .map(([k, v]) => `${JSON.stringify(k)}: ${dumps(v)}`)
            .join(', ')}}`
      : JSON.stringify(value);
  return raw === dumps(JSON.parse(raw));
}

/** The differences between one recorded delivery and one the emulator made. */
function compareDelivery(recorded: Exchange, actual: ReceivedDelivery, secret: string): string[] {
  const problems: string[] = [];
  if (actual.path !== recorded.path) problems.push(`path ${actual.path}, recorded ${recorded.path}`);
  if (actual.headers['content-type'] !== recorded.request_content_type) {
    problems.push(`content-type ${String(actual.headers['content-type'])}, recorded ${recorded.request_content_type}`);
  }
  const mlflowHeaders = (names: readonly string[]): string[] =>
    names
      .filter((name) => name.toLowerCase().startsWith('x-mlflow-'))
      .map((name) => name.toLowerCase())
      .sort();
  const recordedNames = mlflowHeaders(Object.keys(recorded.request_headers ?? {}));
  const actualNames = mlflowHeaders(Object.keys(actual.headers));
  if (actualNames.join() !== recordedNames.join()) problems.push(`headers ${actualNames}, recorded ${recordedNames}`);
  const header = (name: string): string => String(actual.headers[name] ?? '');
  const expectedSignature = signDelivery(
    secret,
    header('x-mlflow-delivery-id'),
    header('x-mlflow-timestamp'),
    actual.body,
  );
  if (header('x-mlflow-signature') !== expectedSignature) problems.push('signature does not verify with the secret');
  if (!/^\d{10}$/.test(header('x-mlflow-timestamp')))
    problems.push(`x-mlflow-timestamp ${header('x-mlflow-timestamp')}`);
  if (!isPythonJsonLayout(actual.body))
    problems.push(`body is not laid out as json.dumps: ${actual.body.slice(0, 200)}`);
  const body = JSON.parse(actual.body) as Record<string, unknown>;
  if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?\+00:00$/.test(String(body['timestamp']))) {
    problems.push(`timestamp ${String(body['timestamp'])} is not datetime.isoformat()`);
  }
  // Stringified after masking, so key order counts too (json.dumps keeps insertion order).
  const expected = JSON.stringify(maskDeliveryBody(recorded, recorded.request_body));
  const got = JSON.stringify(maskDeliveryBody(recorded, body));
  if (got !== expected) problems.push(`body ${got}\n      recorded ${expected}`);
  return problems;
}

describe(`MLflow ${MLFLOW3_VERSION} corpus conformance`, () => {
  const corpus = readCorpusFile(corpusFile);
  const emulators = new Map<string, Emulator>();
  let sink: WebhookSink | undefined;

  afterAll(async () => {
    await Promise.all([...emulators.values()].map((emulator) => emulator.close()));
    await sink?.close();
  });

  it('loads the whole corpus', () => {
    expect(corpus.length).toBe(396);
    expect(countBy(corpus, (exchange) => exchange.server)).toEqual({ tracking: 269, auth: 116, 'webhook-sink': 11 });
    expect(corpus.filter(isSkipped).map((exchange) => exchange.seq)).toEqual([264, 338, 384, 385]);
  });

  it('derives its unmarked fields from volatile values (see withDerivedVolatility)', () => {
    const digest = (name: string, time: number): string =>
      createHash('sha256').update(`${name}:${time}`).digest('hex').slice(0, 8);
    const created = corpus.filter((exchange) => exchange.name.startsWith('datasets_create') && exchange.status === 200);
    expect(created.length).toBeGreaterThan(0);
    for (const exchange of created) {
      const dataset = (exchange.response_body as { dataset: { name: string; digest: string; created_time: number } })
        .dataset;
      expect(dataset.digest).toBe(digest(dataset.name, dataset.created_time));
    }
    const paged = corpus.find((exchange) => exchange.name === 'datasets_get_records_paged');
    const page = paged?.response_body as { records: string; next_page_token: string };
    const records = JSON.parse(page.records) as Array<{ dataset_record_id: string; created_time: number }>;
    const last = records[records.length - 1];
    expect(Buffer.from(page.next_page_token, 'base64').toString()).toBe(
      `${last?.created_time}:${last?.dataset_record_id}`,
    );
  });

  it('answers every recorded exchange as MLflow did', async () => {
    const adminPassword = corpus.find(
      (exchange) => exchange.server === 'auth' && exchange.auth_user === 'admin' && exchange.status === 200,
    )?.auth_password;
    if (typeof adminPassword !== 'string')
      throw new Error('expected an admin exchange with its password in the corpus');
    const mlflowVersion = MLFLOW3_VERSION;
    sink = await startWebhookSink();
    const webhooks = { allowedSchemes: ['http', 'https'], allowPrivateIps: true };
    emulators.set(
      'tracking',
      await startEmulator({ seed: 'empty', mlflowVersion, artifactRoot: '/srv/mlflow/artifacts', webhooks }),
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
    const mismatched: Exchange[] = [];
    let matched = 0;
    for (const recorded of replayed) {
      const exchange = withDerivedVolatility(pointAtSink(recorded, sink));
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
        failures.push(report);
      }
    }

    const skipped = corpus.filter(isSkipped).length;
    const deliveries = corpus.filter(isDelivery).length;
    const mismatchesByFamily = countBy(mismatched, (exchange) => endpointFamily(exchange.path));
    process.stdout.write(
      `conformance ${MLFLOW3_VERSION}: ${matched}/${replayed.length} exchanges match (${skipped} /graphql exchanges skipped, ` +
        `${deliveries} webhook deliveries compared separately, ${tolerated.length} allow-listed)\n` +
        `mismatches by endpoint family (allow-listed ones aside): ${JSON.stringify(mismatchesByFamily)}\n`,
    );
    if (tolerated.length > 0) process.stdout.write(`allow-listed differences:\n${tolerated.join('\n')}\n`);
    expect(failures).toEqual([]);
    expect(matched + tolerated.length).toBe(replayed.length);
  });

  it('delivers webhooks as MLflow did (the recorded webhook-sink exchanges)', async () => {
    const tracking = emulators.get('tracking');
    if (!tracking || !sink) throw new Error('expected the replay test to have run first');
    await tracking.store.webhooks.idle();
    const recorded = corpus.filter(isDelivery).sort((a, b) => a.seq - b.seq);
    const created = corpus.find((exchange) => exchange.name === 'webhooks_create');
    const secret = (created?.request_body as { secret?: unknown } | undefined)?.secret;
    if (typeof secret !== 'string') throw new Error('expected the recorded webhook to have a secret');
    const problems = recorded.flatMap((exchange, index) => {
      const actual = sink?.received[index];
      if (!actual) return [`seq ${exchange.seq} ${exchange.name}: not delivered`];
      return compareDelivery(exchange, actual, secret).map(
        (problem) => `seq ${exchange.seq} ${exchange.name}: ${problem}`,
      );
    });
    process.stdout.write(
      `webhook deliveries ${MLFLOW3_VERSION}: ${sink.received.length} made, ${recorded.length} recorded\n`,
    );
    expect(problems).toEqual([]);
    expect(sink.received).toHaveLength(recorded.length);
  });
});
