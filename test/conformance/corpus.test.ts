// Replays every recorded MLflow 2.12.2 exchange (test/conformance/corpus/*.jsonl; see its README) in order against
// fresh emulators and requires the same answers (see corpusReplay.ts for the comparison rules).
//
// Two emulators, as the recording had two servers: `tracking` exchanges go to one started with seed
// `empty` (a fresh MLflow holds only experiment "0"); `auth` exchanges go to one started with
// `auth: true`, seed `empty` and the admin password the recording used.
//
// Skipped: MLflow's own `/graphql` endpoint (seq 159-165 and 239-241). The emulator serves the REST
// API the federation layer calls; MLflow's experimental GraphQL schema is not part of it.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startEmulator, type Emulator } from '@mlflow-supergraph/mlflow-emulator';
import { ALLOW_LIST } from './allowList.js';
import { IdMap, readCorpusFile, replayExchange, type Exchange } from './corpusReplay.js';

// The copy committed beside this test (no checkout-relative paths outside the repository): the 2.12.2 files at the
// top level; v3/ holds the MLflow 3 recording, which corpusV3.test.ts replays.
const corpusDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), 'corpus');

function loadCorpus(): Exchange[] {
  const files = readdirSync(corpusDir)
    .filter((file) => file.endsWith('.jsonl'))
    .sort();
  return files.flatMap((file) => readCorpusFile(path.join(corpusDir, file)));
}

function isSkipped(exchange: Exchange): boolean {
  return exchange.path === '/graphql';
}

describe('MLflow 2.12.2 corpus conformance', () => {
  const corpus = loadCorpus();
  const emulators = new Map<string, Emulator>();

  afterAll(async () => {
    await Promise.all([...emulators.values()].map((emulator) => emulator.close()));
  });

  it('loads the whole corpus', () => {
    expect(corpus.length).toBe(245);
    expect(corpus.filter(isSkipped).map((exchange) => exchange.seq)).toEqual([
      159, 160, 161, 162, 163, 164, 165, 239, 240, 241,
    ]);
  });

  it('answers every recorded exchange as MLflow did', async () => {
    const adminPassword = corpus.find(
      (exchange) => exchange.server === 'auth' && exchange.auth_user === 'admin' && exchange.status === 200,
    )?.auth_password;
    expect(adminPassword).toBeDefined();
    emulators.set('tracking', await startEmulator({ seed: 'empty' }));
    emulators.set('auth', await startEmulator({ seed: 'empty', auth: true, adminPassword: adminPassword ?? '' }));
    const idMaps = new Map<string, IdMap>([
      ['tracking', new IdMap()],
      ['auth', new IdMap()],
    ]);

    const replayed = corpus.filter((exchange) => !isSkipped(exchange)).sort((a, b) => a.seq - b.seq);
    const failures: string[] = [];
    const tolerated: string[] = [];
    let matched = 0;
    for (const exchange of replayed) {
      const emulator = emulators.get(exchange.server);
      const ids = idMaps.get(exchange.server);
      if (!emulator || !ids)
        throw new Error(`expected server tracking or auth, got ${exchange.server} (seq ${exchange.seq})`);
      const problems = await replayExchange(emulator.url, exchange, ids);
      if (problems.length === 0) {
        matched += 1;
        continue;
      }
      const report = `seq ${exchange.seq} ${exchange.name} (${exchange.method} ${exchange.path}):\n    ${problems.join('\n    ')}`;
      if (ALLOW_LIST[exchange.seq] !== undefined) tolerated.push(`${report}\n    allowed: ${ALLOW_LIST[exchange.seq]}`);
      else failures.push(report);
    }

    const skipped = corpus.length - replayed.length;
    process.stdout.write(
      `conformance: ${matched}/${replayed.length} exchanges match (${skipped} /graphql exchanges skipped, ${tolerated.length} allow-listed)\n`,
    );
    if (tolerated.length > 0) process.stdout.write(`allow-listed differences:\n${tolerated.join('\n')}\n`);
    expect(failures).toEqual([]);
    expect(matched + tolerated.length).toBe(replayed.length);
  });
});
