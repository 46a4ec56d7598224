// An app layer in front of MLflow that decides access itself, as Darwin's MLflow platform (an auth layer with
// experiment permissions in front of MLflow 2.12.2) or ML Studio (an access-control service beside MLflow) do:
// MLflow behind it has no auth of its own, and the layer answers 401/403 in its own words. The gateway knows
// nothing of its rules: with no permission service to ask, it must never serve one caller what another fetched.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { closeServer, listenOnLoopback } from './listen.js';

/** How the app layer behaves. */
export interface AppLayerOptions {
  /** The MLflow it fronts (no auth of its own). */
  upstream: string;
  /** Bearer token → user name; any other credential (or none) is refused with 401. */
  tokens: Record<string, string>;
  /** User name → experiment ids that user may not read or touch (403, or left out of lists). */
  refused: Record<string, readonly string[]>;
  /** Answer anonymous `experiments/get?experiment_id=0` (some layers leave the default experiment public). */
  anonymousDefaultExperiment?: boolean;
}

/** A running app layer. */
export interface AppLayer {
  readonly url: string;
  /** Requests it refused (401 or 403), by status. */
  readonly refusals: { 401: number; 403: number };
  close(): Promise<void>;
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Starts the app layer on a free loopback port. */
export async function startAppLayer(options: AppLayerOptions): Promise<AppLayer> {
  const refusals = { 401: 0 as number, 403: 0 as number };
  const runExperiment = new Map<string, string>();

  /** The experiment a run belongs to, asked of MLflow directly (as the layer's own lookup would). */
  async function experimentOfRun(runId: string): Promise<string | undefined> {
    if (!runExperiment.has(runId)) {
      const response = await fetch(`${options.upstream}/api/2.0/mlflow/runs/get?run_id=${encodeURIComponent(runId)}`);
      if (!response.ok) return undefined;
      const body = (await response.json()) as { run?: { info?: { experiment_id?: string } } };
      if (body.run?.info?.experiment_id) runExperiment.set(runId, body.run.info.experiment_id);
    }
    return runExperiment.get(runId);
  }

  const server: Server = createServer((request, response) => {
    void (async () => {
      const url = new URL(request.url ?? '/', 'http://layer');
      const body = await readBody(request);
      const refuse = (status: 401 | 403, message: string) => {
        refusals[status] += 1;
        response.writeHead(status, {
          'content-type': 'application/json',
          ...(status === 401 ? { 'www-authenticate': 'Bearer realm="app-layer"' } : {}),
        });
        response.end(JSON.stringify({ error: status === 401 ? 'unauthorized' : 'forbidden', message }));
      };
      const authorization = request.headers.authorization ?? '';
      const token = authorization.startsWith('Bearer ') ? authorization.slice(7) : undefined;
      const user = token === undefined ? undefined : options.tokens[token];
      const isDefaultExperiment =
        url.pathname.endsWith('/experiments/get') && url.searchParams.get('experiment_id') === '0';
      if (!user && !(options.anonymousDefaultExperiment && isDefaultExperiment)) return refuse(401, 'sign in first');
      const hidden = new Set(user ? (options.refused[user] ?? []) : []);

      // What the request names: experiment ids, runs (looked up), from the query string or the JSON body.
      let json: Record<string, unknown> = {};
      try {
        json = body.length > 0 ? (JSON.parse(body.toString('utf8')) as Record<string, unknown>) : {};
      } catch {
        json = {};
      }
      const named = (key: string): string[] => [
        ...url.searchParams.getAll(key),
        ...[json[key]].flat().filter((v): v is string => typeof v === 'string'),
      ];
      const experiments = [...named('experiment_id'), ...named('experiment_ids')];
      for (const runId of [...named('run_id'), ...named('run_ids')]) {
        const experiment = await experimentOfRun(runId);
        if (experiment) experiments.push(experiment);
      }
      if (experiments.some((id) => hidden.has(id))) return refuse(403, 'you may not read this experiment');

      const forwarded = await fetch(`${options.upstream}${url.pathname}${url.search}`, {
        method: request.method ?? 'GET',
        headers: { 'content-type': String(request.headers['content-type'] ?? 'application/json') },
        ...(request.method === 'GET' || request.method === 'HEAD' ? {} : { body: body.toString('utf8') }),
      });
      let text = await forwarded.text();
      if (hidden.size > 0 && forwarded.ok && text.startsWith('{')) {
        // Lists lose what the user may not read; a single object of a hidden experiment is refused.
        const answer = JSON.parse(text) as Record<string, unknown>;
        const experimentOf = (value: unknown): string | undefined => {
          const v = value as { experiment_id?: string; info?: { experiment_id?: string } };
          return v?.experiment_id ?? v?.info?.experiment_id;
        };
        for (const key of ['experiment', 'run']) {
          const id = experimentOf(answer[key]);
          if (id && hidden.has(id)) return refuse(403, 'you may not read this experiment');
        }
        for (const key of ['experiments', 'runs']) {
          if (Array.isArray(answer[key]))
            answer[key] = (answer[key] as unknown[]).filter((item) => !hidden.has(experimentOf(item) ?? ''));
        }
        text = JSON.stringify(answer);
      }
      response.writeHead(forwarded.status, {
        'content-type': forwarded.headers.get('content-type') ?? 'application/json',
      });
      response.end(text);
    })().catch((error: unknown) => {
      response.writeHead(502, { 'content-type': 'text/plain' });
      response.end(`app layer failed: ${(error as Error).message}`);
    });
  });
  const { url } = await listenOnLoopback(server);
  return {
    url,
    refusals,
    close: () => closeServer(server),
  };
}
