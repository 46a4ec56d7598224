import DataLoader from 'dataloader';
import { asError, chunk } from '../../../graphql/fanOut.js';
import { tracedBatch } from '../../../observability/traceBatch.js';
import { runsSearchParams } from '../../../upstream/mlflow/runsSearchParams.js';
import type { WireRun, WireViewType } from '../../../upstream/mlflow/wire.js';
import type { BackendCapabilities } from '../../../upstream/profiles/BackendProfile.js';
import type { LoaderInputs } from '../../loaderInputs.js';
import { experimentsPerSearch } from './runs.js';

/**
 * Rows one combined first-page search may return. MLflow's cost grows with the rows it returns (~1.4 ms a run
 * on a 2.12 SQLite store, DESIGN §1), so 500 runs in one call take far longer than ten 50-run calls made in
 * parallel: first pages are combined only while the combined page stays this small.
 */
export const SEARCH_MAX_COMBINED_ROWS = 100;

/** Arguments of a page of runs for one experiment (Experiment.runs). */
export interface RunsPageArgs {
  filter?: string | null | undefined;
  orderBy?: readonly string[] | null | undefined;
  viewType: WireViewType;
  size: number;
}

/** A first page of runs of one experiment, with `hasMore` when the experiment has more runs. */
export interface RunsPage {
  runs: WireRun[];
  hasMore: boolean;
}

/** Key of the first-page loader: one experiment, one page shape. */
export interface FirstRunsPageKey {
  experimentId: string;
  args: RunsPageArgs;
}

/** Experiment → the first page of its runs, batched into one runs/search across experiments. */
export type FirstRunsPageLoader = DataLoader<FirstRunsPageKey, RunsPage, string>;

/** What the first-page loader is built from besides the request's members. */
export interface FirstRunsPageInputs extends LoaderInputs {
  readonly capabilities: Pick<BackendCapabilities, 'maxExperimentIdsPerRunSearch'>;
  /** Where the runs of each page go (the run loader's memo), so nested fields don't fetch them again. */
  readonly primeRuns: (runs: readonly WireRun[]) => void;
  /**
   * Tells the request's follow-ups (context/prefetch.ts) which runs the pages hold, before the pages are answered:
   * another subgraph may start on them now. Settles once it has; never rejects.
   */
  readonly offerRuns?: (runIds: readonly string[]) => Promise<void>;
}

const pageKey = ({ experimentId, args }: FirstRunsPageKey) => `${experimentId}\u0000${JSON.stringify(args)}`;

/**
 * First pages of runs of many experiments together. Experiments asking for the same page shape are grouped; one
 * runs/search per group (chunked so the combined page stays small) returns `size + 1` runs per experiment, split
 * per experiment (the extra run says whether it has a next page). An experiment that got fewer than it asked for
 * while the combined result was cut short is fetched on its own (correct, at one extra call).
 */
export function createFirstRunsPageLoader(inputs: FirstRunsPageInputs): FirstRunsPageLoader {
  const { mlflow, cache, telemetry, options, capabilities, primeRuns, offerRuns } = inputs;
  const perSearch = experimentsPerSearch(capabilities);

  const searchFor = (experimentIds: string[], args: RunsPageArgs, maxResults: number) => {
    const params = runsSearchParams({ ...args, experimentIds, maxResults });
    return cache.page('runs', params, () => mlflow.call('searchRuns', params));
  };

  /** The pages of one group's chunk of experiments, into `pages`. */
  async function combinedPages(ids: string[], args: RunsPageArgs, pages: Map<string, RunsPage | Error>) {
    const want = args.size + 1;
    const response = await searchFor(ids, args, Math.min(50_000, want * ids.length));
    const truncated = Boolean(response.next_page_token);
    const byExperiment = new Map<string, WireRun[]>(ids.map((id) => [id, []]));
    for (const run of response.runs ?? []) byExperiment.get(run.info.experiment_id)?.push(run);
    const starved: string[] = [];
    for (const id of ids) {
      const runs = byExperiment.get(id) ?? [];
      if (runs.length >= want || !truncated)
        pages.set(pageKey({ experimentId: id, args }), {
          runs: runs.slice(0, args.size),
          hasMore: runs.length > args.size,
        });
      else starved.push(id);
    }
    await Promise.all(
      starved.map(async (id) => {
        try {
          const own = await searchFor([id], args, want);
          const runs = own.runs ?? [];
          pages.set(pageKey({ experimentId: id, args }), {
            runs: runs.slice(0, args.size),
            hasMore: runs.length > args.size || Boolean(own.next_page_token),
          });
        } catch (error) {
          pages.set(pageKey({ experimentId: id, args }), asError(error));
        }
      }),
    );
  }

  return new DataLoader(
    tracedBatch(telemetry, 'firstRunsPage', async (keys: readonly FirstRunsPageKey[]) => {
      const groups = new Map<string, { args: RunsPageArgs; experimentIds: string[] }>();
      for (const { experimentId, args } of keys) {
        const signature = JSON.stringify(args);
        const group = groups.get(signature) ?? { args, experimentIds: [] };
        if (!group.experimentIds.includes(experimentId)) group.experimentIds.push(experimentId);
        groups.set(signature, group);
      }
      const pages = new Map<string, RunsPage | Error>();
      await Promise.all(
        [...groups.values()].flatMap(({ args, experimentIds }) =>
          chunk(
            experimentIds,
            Math.max(1, Math.min(perSearch, Math.floor(SEARCH_MAX_COMBINED_ROWS / (args.size + 1)))),
          ).map((ids) =>
            combinedPages(ids, args, pages).catch((error: unknown) => {
              for (const id of ids) pages.set(pageKey({ experimentId: id, args }), asError(error));
            }),
          ),
        ),
      );
      if (offerRuns) {
        const runIds: string[] = [];
        for (const page of pages.values())
          if (!(page instanceof Error)) for (const run of page.runs) runIds.push(run.info.run_id);
        await offerRuns(runIds);
      }
      return keys.map((key) => {
        const page = pages.get(pageKey(key));
        if (page && !(page instanceof Error)) primeRuns(page.runs);
        return page ?? new Error(`no page for experiment ${key.experimentId}`);
      });
    }),
    { ...options, cacheKeyFn: pageKey },
  );
}
