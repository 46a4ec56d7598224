// The rest of MLflow 3's GenAI surface as MLflow 3.11.1 answers it: issues (corpus seq 251-256), prompt-optimization
// and background-job searches (nothing runs here, so empty; the jobs API is FastAPI's, `{"detail": ...}` errors,
// seq 257-259), the Databricks-only `unified-traces` / `get-online-trace-details` (an empty 404, seq 260-261),
// and workspaces (off, so every workspace endpoint is a 503 naming its route, seq 263, 381, 383). The UI's
// `experiments/search-datasets` (seq 103) is in tracking3Routes.ts; its basic-auth check in basicAuth.ts.
import { RawResponse, TEXT_HTML } from '../MlflowError.js';
import { isMlflow3 } from '../mlflowVersion.js';
import { readRequest, requestJson, type MessageSpec } from '../protoJson.js';
import { MLFLOW3_PREFIXES, MLFLOW_PREFIXES, type RegisterRoutes, type Route } from '../router.js';
import type { IssueRecord } from '../IssueStore.js';
import type { Json } from '../wireJson.js';

const S = { kind: 'string' } as const;
const LIST_S = { kind: 'string', repeated: true } as const;
const ISSUE: MessageSpec = {
  issue_id: S,
  experiment_id: S,
  name: S,
  description: S,
  status: S,
  severity: S,
  root_causes: LIST_S,
  source_run_id: S,
  created_by: S,
  categories: LIST_S,
};

/** An issue as MLflow answers it. */
export function issueJson(issue: IssueRecord): Json {
  return {
    issue_id: issue.issueId,
    experiment_id: issue.experimentId,
    name: issue.name,
    description: issue.description,
    status: issue.status,
    ...(issue.severity ? { severity: issue.severity } : {}),
    ...(issue.rootCauses.length > 0 ? { root_causes: [...issue.rootCauses] } : {}),
    ...(issue.sourceRunId ? { source_run_id: issue.sourceRunId } : {}),
    created_timestamp: issue.createdTimestamp,
    last_updated_timestamp: issue.lastUpdatedTimestamp,
    ...(issue.createdBy ? { created_by: issue.createdBy } : {}),
    ...(issue.categories.length > 0 ? { categories: [...issue.categories] } : {}),
  };
}

/** The 503 MLflow answers on a workspace endpoint when the server runs without `--enable-workspaces`. */
export function workspacesDisabled(route: string): RawResponse {
  return new RawResponse(
    503,
    `Endpoint: ${route} disabled because the server is running without workspaces support. To enable workspace, run \`mlflow server\` with \`--enable-workspaces\``,
    TEXT_HTML,
  );
}

function jobNotFound(jobId: string): RawResponse {
  return new RawResponse(404, JSON.stringify({ detail: `Job with ID ${jobId} not found` }), 'application/json');
}

const issueRoutes: readonly Route[] = [
  {
    operation: 'CreateIssue',
    path: '/issues',
    methods: ['POST'],
    handler: (request, { store }) => {
      const message = readRequest(request, ISSUE, [
        ['experiment_id', ['required', 'string']],
        ['name', ['required', 'string']],
        ['description', ['required', 'string']],
      ]);
      const issue = store.issues.create({
        experimentId: message.str('experiment_id'),
        name: message.str('name'),
        description: message.str('description'),
        severity: message.str('severity') || null,
        rootCauses: message.list('root_causes'),
        sourceRunId: message.str('source_run_id') || null,
        createdBy: message.str('created_by') || null,
        categories: message.list('categories'),
      });
      return { issue: issueJson(issue) };
    },
  },
  {
    operation: 'SearchIssues',
    path: '/issues/search',
    methods: ['POST'],
    handler: (request, { store }) => {
      const message = readRequest(request, ISSUE);
      const issues = store.issues.search(message.str('experiment_id'));
      // The recorded answer keeps an empty next_page_token (seq 256).
      return { ...(issues.length > 0 ? { issues: issues.map(issueJson) } : {}), next_page_token: '' };
    },
  },
  {
    operation: 'GetIssue',
    path: '/issues/{issue_id}',
    methods: ['GET'],
    handler: (request, { store }) => ({ issue: issueJson(store.issues.get(request.params?.['issue_id'] ?? '')) }),
  },
  {
    operation: 'UpdateIssue',
    path: '/issues/{issue_id}',
    methods: ['PATCH'],
    handler: (request, { store }) => {
      const json = requestJson(request, ISSUE);
      const text = (key: string): string | undefined => (typeof json[key] === 'string' ? json[key] : undefined);
      const texts = (key: string): string[] | undefined =>
        Array.isArray(json[key]) ? (json[key] as unknown[]).map(String) : undefined;
      const changes = {
        name: text('name'),
        description: text('description'),
        status: text('status'),
        severity: text('severity'),
        rootCauses: texts('root_causes'),
        categories: texts('categories'),
      };
      const defined = Object.fromEntries(Object.entries(changes).filter(([, value]) => value !== undefined));
      return { issue: issueJson(store.issues.update(request.params?.['issue_id'] ?? '', defined)) };
    },
  },
];

/** `/api/3.0/mlflow/workspaces...` routes: all answer the disabled 503 naming their Flask route. */
const workspaceRoutes: readonly Route[] = [
  { path: '/workspaces', methods: ['GET', 'POST'], route: '/api/3.0/mlflow/workspaces', operation: 'Workspaces' },
  {
    path: '/workspaces/{workspace_name}',
    methods: ['GET', 'PATCH', 'DELETE'],
    route: '/api/3.0/mlflow/workspaces/<workspace_name>',
    operation: 'Workspace',
  },
].map(({ path, methods, route, operation }) => ({
  operation,
  path,
  methods,
  handler: () => workspacesDisabled(route),
}));

/** The basic-auth app's workspace-permission routes (absolute paths; off like the workspaces themselves). */
export const workspacePermissionRoutes: readonly Route[] = [
  {
    operation: 'ListUserWorkspacePermissions',
    path: '/api/3.0/mlflow/workspace-permissions',
    methods: ['GET'],
    handler: () => workspacesDisabled('/api/3.0/mlflow/workspace-permissions'),
  },
  {
    operation: 'WorkspacePermissions',
    path: '/api/3.0/mlflow/workspaces/{workspace_name}/permissions',
    methods: ['GET', 'POST', 'DELETE'],
    handler: () => workspacesDisabled('/api/3.0/mlflow/workspaces/<workspace_name>/permissions'),
  },
];

/** Adds issues, job searches, the Databricks-only 404s and the workspace 503s in 3.x mode. */
export const registerGenaiMiscRoutes: RegisterRoutes = (router, settings) => {
  if (!isMlflow3(settings)) return;
  router.addAll(issueRoutes, MLFLOW3_PREFIXES);
  router.addAll(workspaceRoutes, MLFLOW3_PREFIXES);
  router.add(
    {
      operation: 'SearchPromptOptimizationJobs',
      path: '/prompt-optimization/jobs/search',
      methods: ['POST'],
      handler: () => ({}),
    },
    MLFLOW3_PREFIXES,
  );
  router.add({
    operation: 'SearchJobs',
    path: '/ajax-api/3.0/jobs/search',
    methods: ['POST'],
    handler: () => ({ jobs: [] }),
  });
  router.add({
    operation: 'GetJob',
    path: '/ajax-api/3.0/jobs/{job_id}',
    methods: ['GET'],
    handler: (request) => jobNotFound(request.params?.['job_id'] ?? ''),
  });
  const emptyNotFound = (): RawResponse => new RawResponse(404, '', TEXT_HTML);
  router.addAll(
    [
      { operation: 'GetUnifiedTraces', path: '/unified-traces', methods: ['GET'], handler: emptyNotFound },
      {
        operation: 'GetOnlineTraceDetails',
        path: '/get-online-trace-details',
        methods: ['GET'],
        handler: emptyNotFound,
      },
    ],
    MLFLOW_PREFIXES,
  );
  if (settings.auth && !settings.databricks) router.addAll(workspacePermissionRoutes);
};
