// An internal service using the typed client: point a model's `champion` alias at the version whose run scored best.
//
//   MLFLOW_SUPERGRAPH_URL=http://127.0.0.1:4000/graphql MLFLOW_SUPERGRAPH_TOKEN=<token> \
//     npx tsx examples/promote-champion.ts --model fraud-detector --metric accuracy --goal max
//
// One GraphQL request reads every version of the model together with its run's metrics (registry + tracking
// subgraphs), one checks the caller may edit the model, one moves the alias. Prints a JSON summary.
import { parseArgs } from 'node:util';
import {
  createClient,
  metricNumber,
  ModelVersionsWithRunMetricsDocument,
  MyModelPermissionDocument,
  permits,
  PromoteModelVersionDocument,
  SupergraphClientError,
  SupergraphRequestError,
  type ModelVersionsWithRunMetricsQuery,
  type SupergraphClient,
} from '@mlflow-supergraph/client';

type Version = NonNullable<
  NonNullable<ModelVersionsWithRunMetricsQuery['registeredModel']>['versions']
>['nodes'][number];

/** What the script did, printed as JSON. */
export interface PromotionResult {
  model: string;
  alias: string;
  metric: string;
  /** The version the alias points to now. */
  version: string;
  /** Where the alias pointed before (null when it did not exist). */
  previousVersion: string | null;
  /** The best run's metric value. */
  value: number;
  runId: string;
  changed: boolean;
}

/** Every version of `model` with its run's latest metrics, following pages. */
async function loadVersions(
  client: SupergraphClient,
  model: string,
): Promise<{ versions: Version[]; aliases: Map<string, string> }> {
  const versions: Version[] = [];
  let aliases: Map<string, string>;
  let after: string | undefined;
  do {
    const { registeredModel } = await client.request(ModelVersionsWithRunMetricsDocument, {
      name: model,
      first: 100,
      ...(after ? { after } : {}),
    });
    if (!registeredModel) throw new Error(`Registered model "${model}" does not exist (or you may not read it)`);
    aliases = new Map(registeredModel.aliases.map((a) => [a.alias, a.version]));
    // Nullable in the schema (a failed listing must not null the model); request() has thrown by then.
    const page = registeredModel.versions;
    if (!page) throw new Error(`The versions of "${model}" could not be listed`);
    versions.push(...page.nodes);
    after = page.pageInfo.hasNextPage ? (page.pageInfo.endCursor ?? undefined) : undefined;
  } while (after);
  return { versions, aliases };
}

/** Moves `alias` of `model` to the READY version whose run has the best `metric`. */
export async function promoteBest(
  client: SupergraphClient,
  options: { model: string; metric: string; goal: 'max' | 'min'; alias: string },
): Promise<PromotionResult> {
  const { model, metric, goal, alias } = options;
  const { versions, aliases } = await loadVersions(client, model);
  let best: { version: Version; value: number; runId: string } | undefined;
  for (const version of versions) {
    if (version.status !== 'READY' || !version.run) continue;
    const latest = version.run.metrics.find((m) => m.key === metric);
    if (!latest) continue;
    const value = metricNumber(latest.value);
    if (Number.isNaN(value)) continue;
    if (!best || (goal === 'max' ? value > best.value : value < best.value))
      best = { version, value, runId: version.run.id };
  }
  if (!best) throw new Error(`No READY version of "${model}" has a run with metric "${metric}"`);

  const previousVersion = aliases.get(alias) ?? null;
  const result = {
    model,
    alias,
    metric,
    version: best.version.version,
    previousVersion,
    value: best.value,
    runId: best.runId,
  };
  if (previousVersion === best.version.version) return { ...result, changed: false };

  const { registeredModel } = await client.request(MyModelPermissionDocument, { name: model });
  if (!registeredModel || !permits(registeredModel.viewerPermission, 'CAN_EDIT')) {
    throw new Error(
      `Moving an alias needs CAN_EDIT on "${model}"; you have ${registeredModel?.viewerPermission ?? 'no access'}`,
    );
  }
  const promoted = await client.request(PromoteModelVersionDocument, {
    name: model,
    alias,
    version: best.version.version,
  });
  if (!promoted.setRegisteredModelAlias.aliases.includes(alias))
    throw new Error(`The gateway did not confirm alias "${alias}" on version ${best.version.version}`);
  return { ...result, changed: true };
}

/** What `--help` prints, and what a call without `--model` is refused with. */
export const usage = `Usage: promote-champion --model <name> [--metric accuracy] [--goal max|min] [--alias champion]

Points <alias> of registered model <name> at the READY version whose run has the best <metric> (a write).
  --model   the registered model (required: the script never picks one for you)
  --metric  the run metric to rank by (default: accuracy)
  --goal    max or min (default: max)
  --alias   the alias to move (default: champion)
  --help    this text
Environment: MLFLOW_SUPERGRAPH_URL (default http://127.0.0.1:4000/graphql), MLFLOW_SUPERGRAPH_TOKEN.
Prints a JSON summary; exit 0 done (or nothing to change), 1 failed, 2 bad usage.`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      model: { type: 'string' },
      metric: { type: 'string', default: 'accuracy' },
      goal: { type: 'string', default: 'max' },
      alias: { type: 'string', default: 'champion' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(usage);
    return;
  }
  // It moves an alias in a shared registry: with no model named, refuse rather than act on a default.
  if (!values.model) {
    console.error(`promote-champion: --model is required; nothing was changed.\n\n${usage}`);
    process.exitCode = 2;
    return;
  }
  if (values.goal !== 'max' && values.goal !== 'min')
    throw new Error(`--goal must be max or min, got "${values.goal}"`);
  const url = process.env.MLFLOW_SUPERGRAPH_URL ?? 'http://127.0.0.1:4000/graphql';
  const token = process.env.MLFLOW_SUPERGRAPH_TOKEN;
  const client = createClient({ url, ...(token ? { token } : {}) });
  const result = await promoteBest(client, {
    model: values.model,
    metric: values.metric,
    goal: values.goal,
    alias: values.alias,
  });
  console.log(JSON.stringify(result));
}

main().catch((error: unknown) => {
  // Typed errors: the code says what to do (UNAUTHENTICATED: fix the token; FORBIDDEN: ask for access; ...).
  if (error instanceof SupergraphRequestError) console.error(`${error.code}: ${error.message}`);
  else if (error instanceof SupergraphClientError) console.error(`gateway unreachable: ${error.message}`);
  else console.error((error as Error).message);
  process.exitCode = 1;
});
