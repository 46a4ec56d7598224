import DataLoader from 'dataloader';
import { FAN_OUT, fanOut } from '../../../graphql/fanOut.js';
import { tracedBatch } from '../../../observability/traceBatch.js';
import type { WireModelVersion, WireRegisteredModel } from '../../../upstream/mlflow/wire.js';
import type { LoaderInputs } from '../../loaderInputs.js';
import { equalsFilter, runIdInFilter, survivesRunIdInList } from '../filters.js';
import { type RegistrySearchContext, SEARCH_MODELS_MAX_RESULTS, searchAllVersions, searchModels } from './search.js';

/** A page token's room in a chunk's GET, should a chunk's answer need more than one page (tokens are shorter). */
const PAGE_TOKEN_ALLOWANCE = 'x'.repeat(96);

/**
 * Run ids per `run_id IN (...)` search, as a rule (fewer when the request line is full first). MLflow answers a
 * search in time proportional to the versions it returns (a per-row cost: the benchmark's MLflow-like setting is
 * 1.4 ms a row) and runs searches side by side on its workers: short lists keep each answer short and let a page
 * of runs' searches run in parallel instead of as a few long ones. See {@link runIdsPerSearch} for the exception.
 */
export const RUN_IDS_PER_VERSION_SEARCH = 60;

/**
 * How many of `count` run ids one search asks for: at most {@link RUN_IDS_PER_VERSION_SEARCH}, unless that takes
 * more searches than a batch sends at once ({@link FAN_OUT}), where the last ones would wait for a free slot (one
 * more round trip): then as many as make {@link FAN_OUT} searches, the request line permitting. The searches are
 * made alike in size, so no one of them is the long one. Measured on the benchmark's dashboard (500 runs) at that
 * per-row cost, cold p50 against the REST waterfall: 1.42× with 6 searches of ~84 ids (as many as fit a request
 * line), 1.35× with 9 of ≤ 60 (the ninth waited for a slot: a fourth wave), 1.25–1.28× with 8 of ≤ 63.
 */
export function runIdsPerSearch(count: number): number {
  if (count <= RUN_IDS_PER_VERSION_SEARCH) return RUN_IDS_PER_VERSION_SEARCH;
  const most = Math.max(RUN_IDS_PER_VERSION_SEARCH, Math.ceil(count / FAN_OUT));
  return Math.ceil(count / Math.ceil(count / most));
}

/**
 * Run id → every version registered from it; `prefetch` starts the searches for run ids before anyone loads them
 * (the loads then read the memo), and settles once those searches are on their way.
 */
export type VersionsByRunIdLoader = DataLoader<string, WireModelVersion[]> & {
  prefetch(runIds: readonly string[]): Promise<void>;
};

/** What the loader is built from besides the request's members. */
export interface VersionsByRunIdInputs extends LoaderInputs, RegistrySearchContext {
  /** The backend's models carry all their versions (GitLab), and it has no model-version search. */
  readonly versionsInModel: boolean;
  /** Where the models listed on GitLab go (the by-name memo). */
  readonly primeModel: (model: WireRegisteredModel) => void;
  /** Where every version found goes (the by-number memo). */
  readonly primeVersions: (versions: readonly WireModelVersion[]) => void;
}

/**
 * Versions by the run they were registered from. On MLflow, one `run_id IN (...)` search per chunk of ids (see
 * {@link runIdsPerSearch}) whose GET fits a request line (ids MLflow would drop from an IN list are asked for one by
 * one with `=`); on GitLab, one registered-models search (paged) indexes the versions of the whole project by run,
 * however many runs ask.
 */
export function createVersionsByRunIdLoader(inputs: VersionsByRunIdInputs): VersionsByRunIdLoader {
  const { mlflow, telemetry, options, versionsInModel, primeModel, primeVersions } = inputs;
  /** Run ids this request's prefetches have searched (the memo holds their answers, or soon will). */
  const prefetched = new Set<string>();

  async function versionsByRunFromModels(runIds: readonly string[]): Promise<WireModelVersion[][]> {
    const byRun = new Map<string, WireModelVersion[]>();
    let pageToken: string | undefined;
    do {
      const params = { max_results: SEARCH_MODELS_MAX_RESULTS, ...(pageToken ? { page_token: pageToken } : {}) };
      const response = await searchModels(inputs, params);
      for (const model of response.registered_models ?? []) {
        primeModel(model);
        for (const version of model.gitlab_versions ?? []) {
          if (version.run_id) byRun.set(version.run_id, [...(byRun.get(version.run_id) ?? []), version]);
        }
      }
      pageToken = response.next_page_token || undefined;
    } while (pageToken);
    for (const versions of byRun.values()) primeVersions(versions);
    return runIds.map((id) => byRun.get(id) ?? []);
  }

  /**
   * The versions of each run id (distinct ids), from MLflow's searches: one `run_id IN (...)` search per chunk,
   * `=` for ids an IN list would drop. `sent` settles once the searches a batch sends at once have each been
   * answered from the cache or handed to MLflow (a later one waits for a free slot, and for nobody's `sent`).
   */
  function searchByRunIds(unique: readonly string[]) {
    const found = new Map<string, WireModelVersion[] | Error>(unique.map((id) => [id, []]));
    // The longest GET a chunk makes is a later page of its search: it carries a page token too.
    const inList = unique.filter(survivesRunIdInList);
    const listed = mlflow.chunksThatFit(
      'searchModelVersions',
      inList,
      (ids) => ({ filter: runIdInFilter(ids), page_token: PAGE_TOKEN_ALLOWANCE }),
      runIdsPerSearch(inList.length),
    );
    const searches = [
      ...listed.map((ids) => ({ ids, filter: runIdInFilter(ids), superset: false })),
      ...unique.filter((id) => !survivesRunIdInList(id)).map((id) => ({ ids: [id], ...equalsFilter('run_id', id) })),
    ];
    const sentSignals = searches.map((_, index) => (index < FAN_OUT ? signal() : undefined));
    const sent = Promise.all(sentSignals.flatMap((s) => (s ? [s.fired] : []))).then(() => undefined);
    const answers = fanOut(
      searches.map((search, index) => ({ search, sent: sentSignals[index] })),
      ({ search, sent }) => {
        const answer = searchAllVersions(inputs, search.filter, sent?.fire);
        // A hit, or a failure before the call: nothing to wait for either.
        if (sent) answer.then(sent.fire, sent.fire);
        return answer;
      },
    );
    const versions = answers.then((results) => {
      searches.forEach((search, index) => {
        const answer = results[index] as WireModelVersion[] | Error;
        if (answer instanceof Error) {
          for (const id of search.ids) found.set(id, answer);
          return;
        }
        primeVersions(answer);
        for (const version of answer) {
          const list = version.run_id === undefined ? undefined : found.get(version.run_id);
          if (Array.isArray(list) && (!search.superset || search.ids.includes(version.run_id as string)))
            list.push(version);
        }
      });
      return found;
    });
    return { versions, sent };
  }

  const loader = new DataLoader<string, WireModelVersion[]>(
    tracedBatch(telemetry, 'modelVersionsByRunId', async (runIds: readonly string[]) => {
      if (versionsInModel) return versionsByRunFromModels(runIds);
      const found = await searchByRunIds([...new Set(runIds)]).versions;
      return runIds.map((id) => found.get(id) ?? []);
    }),
    options,
  );
  return Object.assign(loader, {
    prefetch(runIds: readonly string[]): Promise<void> {
      // GitLab: one search of the project's models answers every run however many ask; nothing gains from an early
      // start. Without a memo (the benchmark's naive loaders) nothing could keep what a prefetch found.
      if (versionsInModel || options.cache === false) return Promise.resolve();
      const unique = [...new Set(runIds)].filter((id) => !prefetched.has(id));
      if (unique.length === 0) return Promise.resolve();
      for (const id of unique) prefetched.add(id);
      const { versions, sent } = searchByRunIds(unique);
      for (const id of unique) {
        const ofRun = versions.then((found) => {
          const answer = found.get(id) ?? [];
          if (answer instanceof Error) throw answer;
          return answer;
        });
        // Nobody may ever load this id (the operation failed first): its failure must not go unhandled.
        ofRun.catch(() => undefined);
        loader.prime(id, ofRun);
      }
      return sent;
    },
  });
}

/** A one-shot signal: `fire` (idempotent) settles `fired`. */
function signal(): { fire: () => void; fired: Promise<void> } {
  let fire!: () => void;
  const fired = new Promise<void>((resolve) => {
    fire = () => resolve();
  });
  return { fire, fired };
}
