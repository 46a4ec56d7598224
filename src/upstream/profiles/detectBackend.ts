// What the configured backend turns out to be: its version and server features, learned from the endpoints
// that report them. Nothing is guessed: what could not be read stays unknown and the reason is recorded.
import type { Got } from 'got';
import type { BackendProfile } from './BackendProfile.js';
import { gitlabLocation } from '../gitlab/GitLabClient.js';

/** The result of probing a backend. */
export interface BackendDetection {
  /** The server's version (MLflow's `/version`, GitLab's `/api/v4/version`); undefined when unreadable. */
  readonly version: string | undefined;
  /** MLflow 3.x's `/api/3.0/mlflow/server-info` (store type, workspaces, ...); undefined where absent. */
  readonly serverInfo: Readonly<Record<string, unknown>> | undefined;
  /** Whether the server sits behind MLflow's basic-auth app (401 with its realm); undefined when not probed. */
  readonly basicAuth: boolean | undefined;
  /** Whether the answers were read with credentials (some servers report nothing to anonymous callers). */
  readonly authenticated: boolean;
  /** Each probe and what it answered, in order, for `Query.backend` and the start-up log. */
  readonly probes: readonly string[];
}

const PROBE_TIMEOUT_MS = 5_000;
const VERSION_TEXT = /^v?\d+\.\d+[\w.+-]*$/;

interface Answer {
  status: number | undefined;
  body: string;
  headers: Record<string, string | string[] | undefined>;
  failure?: string;
}

async function probe(http: Got, url: string, authorization: string | undefined, absolute = false): Promise<Answer> {
  try {
    const response = await http(url, {
      ...(absolute ? { prefixUrl: '' } : {}),
      headers: authorization ? { authorization } : {},
      timeout: { request: PROBE_TIMEOUT_MS },
      retry: { limit: 0 },
      throwHttpErrors: false,
    });
    return { status: response.statusCode, body: String(response.body ?? ''), headers: response.headers };
  } catch (error) {
    return { status: undefined, body: '', headers: {}, failure: (error as { code?: string }).code ?? 'network error' };
  }
}

function describe(route: string, answer: Answer, meaning: string): string {
  return `${route} → ${answer.status ?? answer.failure}: ${meaning}`;
}

function json(body: string): Record<string, unknown> | undefined {
  try {
    const parsed = JSON.parse(body) as unknown;
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

async function detectMlflow(http: Got, authorization: string | undefined): Promise<BackendDetection> {
  const probes: string[] = [];
  const versionAnswer = await probe(http, 'version', authorization);
  let version: string | undefined;
  let basicAuth: boolean | undefined;
  const realm = String(versionAnswer.headers['www-authenticate'] ?? '');
  if (versionAnswer.status === 200 && VERSION_TEXT.test(versionAnswer.body.trim())) {
    version = versionAnswer.body.trim();
    probes.push(describe('GET /version', versionAnswer, `MLflow ${version}`));
  } else if (versionAnswer.status === 401 && /basic\s+realm="?mlflow"?/i.test(realm)) {
    basicAuth = true;
    probes.push(describe('GET /version', versionAnswer, "MLflow's basic-auth app (the version needs credentials)"));
  } else {
    probes.push(describe('GET /version', versionAnswer, 'no version reported'));
  }
  if (version !== undefined && authorization === undefined) basicAuth = false;

  // MLflow >= 3 reports server features; older servers answer 404 (or, behind basic-auth, 401 first).
  const infoAnswer = await probe(http, 'api/3.0/mlflow/server-info', authorization);
  const info = infoAnswer.status === 200 ? json(infoAnswer.body) : undefined;
  probes.push(
    describe(
      'GET /api/3.0/mlflow/server-info',
      infoAnswer,
      info ? `features ${JSON.stringify(info)}` : infoAnswer.status === 404 ? 'absent (MLflow < 3)' : 'not readable',
    ),
  );
  return { version, serverInfo: info, basicAuth, authenticated: authorization !== undefined, probes };
}

async function detectGitLab(
  http: Got,
  trackingUri: string,
  authorization: string | undefined,
): Promise<BackendDetection> {
  const location = gitlabLocation(trackingUri);
  if (!location)
    return {
      version: undefined,
      serverInfo: undefined,
      basicAuth: false,
      authenticated: false,
      probes: ['the tracking URI names no GitLab project'],
    };
  const answer = await probe(http, `${location.apiRoot}/version`, authorization, true);
  const body = answer.status === 200 ? json(answer.body) : undefined;
  const version = typeof body?.version === 'string' ? body.version : undefined;
  const meaning = version
    ? `GitLab ${version}`
    : answer.status === 401
      ? 'GitLab reports its version to authenticated callers only'
      : 'no version reported';
  return {
    version,
    serverInfo: undefined,
    basicAuth: false,
    authenticated: authorization !== undefined,
    probes: [describe('GET /api/v4/version', answer, meaning)],
  };
}

/**
 * Probes the backend once per credential kind: MLflow's `/version` and `/api/3.0/mlflow/server-info`, GitLab's
 * `/api/v4/version`. Databricks workspaces report no MLflow version; their profile is declared, not probed.
 */
export async function detectBackend(
  http: Got,
  profile: BackendProfile,
  trackingUri: string,
  authorization?: string,
): Promise<BackendDetection> {
  switch (profile.kind) {
    case 'mlflow':
      return detectMlflow(http, authorization);
    case 'gitlab':
      return detectGitLab(http, trackingUri, authorization);
    case 'databricks':
      return {
        version: undefined,
        serverInfo: undefined,
        basicAuth: false,
        authenticated: authorization !== undefined,
        probes: ['Databricks: capabilities declared by the profile (workspaces report no MLflow version)'],
      };
  }
}

/** Process-wide detection, single flight: anonymous at start-up, again once with a caller's credentials if that told more. */
export class BackendDetector {
  private anonymous: Promise<BackendDetection> | undefined;
  private authenticated: Promise<BackendDetection> | undefined;

  constructor(
    private readonly http: Got,
    private readonly profile: BackendProfile,
    private readonly trackingUri: string,
    private readonly onDetected: (detection: BackendDetection) => void,
  ) {}

  /** What is known; probes (once) with `authorization` when the anonymous probe could not read the version. */
  async detect(authorization?: string): Promise<BackendDetection> {
    this.anonymous ??= this.run(undefined);
    const first = await this.anonymous;
    if (first.version !== undefined || !authorization || this.profile.kind === 'databricks') return first;
    // The version is the server's, not the caller's: one authenticated probe serves every caller.
    this.authenticated ??= this.run(authorization);
    const second = await this.authenticated;
    // Those credentials told nothing more (refused, say): the next caller's may.
    if (second.version === undefined) this.authenticated = undefined;
    return { ...second, basicAuth: second.basicAuth ?? first.basicAuth, probes: [...first.probes, ...second.probes] };
  }

  private run(authorization: string | undefined): Promise<BackendDetection> {
    const running = detectBackend(this.http, this.profile, this.trackingUri, authorization).then((detection) => {
      this.onDetected(detection);
      return detection;
    });
    // A server that could not be reached is probed again next time.
    void running.then((detection) => {
      if (!authorization && detection.probes.some((p) => / → (E[A-Z]+|network error):/.test(p)))
        this.anonymous = undefined;
    });
    return running;
  }
}
