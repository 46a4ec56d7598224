// A fake custom permission service (the contract of MLFLOW_SUPERGRAPH_PERMISSIONS=http, README "Custom
// permission service"): a real HTTP server on 127.0.0.1, port 0, with a rules table keyed by e-mail, per-call
// counters, and switches that make it fail the ways real services do (503, hang, broken JSON, wrong shape).
// It deliberately imports nothing from src/: it is the user's service, written against the documented contract.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { listenOnLoopback } from './listen.js';

/** The graph's level names, lowest first (the contract's `level` values). */
const LEVELS = [
  'NO_PERMISSIONS',
  'CAN_READ',
  'CAN_USE',
  'CAN_EDIT',
  'CAN_MANAGE_STAGING_VERSIONS',
  'CAN_MANAGE_PRODUCTION_VERSIONS',
  'CAN_MANAGE',
] as const;
export type FakeLevel = (typeof LEVELS)[number];

/** One principal's (or group's) rules. */
export interface FakeRule {
  /** Level on objects the rule does not name (default NO_PERMISSIONS). */
  default?: FakeLevel;
  /** Experiment id → level. */
  experiments?: Record<string, FakeLevel>;
  /** Registered model name → level. */
  models?: Record<string, FakeLevel>;
  /** Answer to `{"action": "admin"}`. */
  admin?: boolean;
}

/** How the service breaks, until `fail('none')`. */
export type FailureMode =
  | 'none'
  | '503' // HTTP 503 with an HTML body
  | '401' // refuses the gateway's token
  | 'hang' // accepts the request and never answers
  | 'malformed-json' // 200 with a body that is not JSON
  | 'missing-allowed' // 200 JSON without "allowed" (or batch items without it)
  | 'unknown-level' // 200 {"allowed": true, "level": "SUPERUSER"}
  | 'wrong-length'; // batch: fewer results than checks

/** Options of {@link startPermissionService}. */
export interface PermissionServiceOptions {
  /** E-mail (or `group:<name>`, or `user:<username>` for callers without e-mail) → rules. */
  rules: Record<string, FakeRule>;
  /** Accept `{"checks": [...]}` (else such a body is a 400, as a service without lists would answer). */
  batch?: boolean;
  /** `level`: answer `{"allowed", "level"}`; `allowed`: only `{"allowed"}` (a yes/no service). */
  answers?: 'level' | 'allowed';
  /** Bearer token the service demands (401 otherwise). */
  token?: string;
}

/** A check as received. */
export interface ReceivedCheck {
  principal: { id?: string; username?: string | null; email?: string | null; groups?: string[] };
  action: string;
  objectType?: string;
  objectId?: string;
}

/** A running fake service. */
export interface FakePermissionService {
  /** POST here (the contract's MLFLOW_SUPERGRAPH_PERMISSION_SERVICE_URL), `http://127.0.0.1:PORT/v1/check`. */
  readonly url: string;
  /** The rules, replaceable while running. */
  rules: Record<string, FakeRule>;
  /** POSTs received (one per single check or per batch). */
  calls(): number;
  /** Checks received in all POSTs. */
  checks(): number;
  /** Checks per POST, in arrival order. */
  batchSizes(): number[];
  /** Every check received, in order. */
  received(): ReceivedCheck[];
  /** The Authorization header of every POST. */
  authorizations(): (string | undefined)[];
  /** Zeroes the counters and logs. */
  resetCalls(): void;
  fail(mode: FailureMode): void;
  close(): Promise<void>;
}

function levelOf(rules: Record<string, FakeRule>, check: ReceivedCheck): FakeLevel {
  const keys = [
    check.principal.email ?? `user:${check.principal.username ?? ''}`,
    ...(check.principal.groups ?? []).map((g) => `group:${g}`),
  ];
  let best = 0;
  for (const key of keys) {
    const rule = rules[key];
    if (!rule) continue;
    const named =
      check.objectType === 'experiment'
        ? rule.experiments?.[check.objectId ?? '']
        : rule.models?.[check.objectId ?? ''];
    best = Math.max(best, LEVELS.indexOf(named ?? rule.default ?? 'NO_PERMISSIONS'));
  }
  return LEVELS[best] as FakeLevel;
}

/** What this (imaginary) service means by each action. */
const ACTION_NEEDS: Record<string, number> = {
  read: LEVELS.indexOf('CAN_READ'),
  write: LEVELS.indexOf('CAN_EDIT'),
  manage: LEVELS.indexOf('CAN_MANAGE'),
};

function answer(
  options: PermissionServiceOptions,
  rules: Record<string, FakeRule>,
  check: ReceivedCheck,
): Record<string, unknown> {
  if (check.action === 'admin') {
    const keys = [
      check.principal.email ?? `user:${check.principal.username ?? ''}`,
      ...(check.principal.groups ?? []).map((g) => `group:${g}`),
    ];
    return { allowed: keys.some((key) => rules[key]?.admin === true) };
  }
  const level = levelOf(rules, check);
  const needs = ACTION_NEEDS[check.action];
  const allowed = needs !== undefined && LEVELS.indexOf(level) >= needs;
  return options.answers === 'allowed' ? { allowed } : { allowed, level };
}

/** Starts the fake service on 127.0.0.1, port 0. */
export async function startPermissionService(options: PermissionServiceOptions): Promise<FakePermissionService> {
  let mode: FailureMode = 'none';
  let calls = 0;
  let sizes: number[] = [];
  let received: ReceivedCheck[] = [];
  let authorizations: (string | undefined)[] = [];
  const state = { rules: options.rules };

  const handle = (request: IncomingMessage, response: ServerResponse, body: string) => {
    const send = (status: number, payload: string, type = 'application/json') => {
      response.writeHead(status, { 'content-type': type });
      response.end(payload);
    };
    if (request.method !== 'POST' || request.url !== '/v1/check')
      return send(404, JSON.stringify({ error: 'not found' }));
    calls += 1;
    authorizations.push(request.headers.authorization);
    let parsed: { checks?: ReceivedCheck[] } & Partial<ReceivedCheck>;
    try {
      parsed = JSON.parse(body) as typeof parsed;
    } catch {
      return send(400, JSON.stringify({ error: 'body is not JSON' }));
    }
    const isBatch = Array.isArray(parsed.checks);
    const checks = isBatch ? (parsed.checks as ReceivedCheck[]) : [parsed as ReceivedCheck];
    sizes.push(checks.length);
    received.push(...checks);
    if (options.token && request.headers.authorization !== `Bearer ${options.token}`)
      return send(401, JSON.stringify({ error: 'bad token' }));
    switch (mode) {
      case 'hang':
        return; // never answered; the socket is destroyed on close()
      case '503':
        return send(503, '<html><body>Service Unavailable</body></html>', 'text/html');
      case '401':
        return send(401, JSON.stringify({ error: 'invalid token' }));
      case 'malformed-json':
        return send(200, '{"allowed": tru');
      default:
        break;
    }
    if (isBatch && !options.batch) return send(400, JSON.stringify({ error: 'expected one check' }));
    const answers = checks.map((check) => {
      if (mode === 'missing-allowed') return { level: 'CAN_MANAGE' };
      if (mode === 'unknown-level') return { allowed: true, level: 'SUPERUSER' };
      return answer(options, state.rules, check);
    });
    if (isBatch) return send(200, JSON.stringify({ results: mode === 'wrong-length' ? answers.slice(1) : answers }));
    return send(200, JSON.stringify(answers[0]));
  };

  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => handle(request, response, Buffer.concat(chunks).toString('utf8')));
  });
  const { url } = await listenOnLoopback(server);
  return {
    url: `${url}/v1/check`,
    get rules() {
      return state.rules;
    },
    set rules(rules) {
      state.rules = rules;
    },
    calls: () => calls,
    checks: () => sizes.reduce((sum, n) => sum + n, 0),
    batchSizes: () => [...sizes],
    received: () => [...received],
    authorizations: () => [...authorizations],
    resetCalls() {
      calls = 0;
      sizes = [];
      received = [];
      authorizations = [];
    },
    fail(next) {
      mode = next;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
