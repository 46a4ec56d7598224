// MLflow 3's registered scorers (`/api/3.0/mlflow/scorers/...`, the tracking store's scorer methods): per experiment
// and name a list of versions holding the serialized scorer; one scorer id per (experiment, name) for all versions,
// as the recording shows (corpus seq 221-232).
import { randomUUID } from 'node:crypto';
import { MlflowError } from './MlflowError.js';

/** One version of a scorer. */
export interface ScorerVersionRecord {
  readonly experimentId: string;
  readonly name: string;
  readonly version: number;
  readonly scorerId: string;
  readonly serializedScorer: string;
  readonly creationTime: number;
}

interface ScorerEntry {
  readonly scorerId: string;
  readonly versions: ScorerVersionRecord[];
  maxVersion: number;
}

/** Registered scorers. */
export class ScorerStore {
  private readonly scorers = new Map<string, ScorerEntry>();
  private readonly now: () => number;

  constructor(options: { readonly now: () => number }) {
    this.now = options.now;
  }

  private static key(experimentId: string, name: string): string {
    return `${experimentId}\u0000${name}`;
  }

  private entry(experimentId: string, name: string): ScorerEntry {
    const entry = this.scorers.get(ScorerStore.key(experimentId, name));
    if (!entry || entry.versions.length === 0) {
      throw MlflowError.notFound(`Scorer with name '${name}' not found for experiment ${experimentId}.`);
    }
    return entry;
  }

  /** `scorers/register`: the next version of the named scorer. */
  register(experimentId: string, name: string, serializedScorer: string): ScorerVersionRecord {
    const key = ScorerStore.key(experimentId, name);
    let entry = this.scorers.get(key);
    if (!entry) {
      entry = { scorerId: randomUUID(), versions: [], maxVersion: 0 };
      this.scorers.set(key, entry);
    }
    entry.maxVersion += 1;
    const version: ScorerVersionRecord = {
      experimentId,
      name,
      version: entry.maxVersion,
      scorerId: entry.scorerId,
      serializedScorer,
      creationTime: this.now(),
    };
    entry.versions.push(version);
    return version;
  }

  /** `scorers/list`: the latest version of each scorer of the experiment, by name. */
  list(experimentId: string): ScorerVersionRecord[] {
    return [...this.scorers.values()]
      .map((entry) => entry.versions[entry.versions.length - 1])
      .filter((version): version is ScorerVersionRecord => version?.experimentId === experimentId)
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /** `scorers/versions`: every version, oldest first. */
  versions(experimentId: string, name: string): ScorerVersionRecord[] {
    return [...this.entry(experimentId, name).versions];
  }

  /** `scorers/get`: one version, the latest when none is named. */
  get(experimentId: string, name: string, version?: number): ScorerVersionRecord {
    const versions = this.entry(experimentId, name).versions;
    if (version === undefined) return versions[versions.length - 1] as ScorerVersionRecord;
    const found = versions.find((candidate) => candidate.version === version);
    if (!found) {
      throw MlflowError.notFound(
        `Scorer with name '${name}' and version ${version} not found for experiment ${experimentId}.`,
      );
    }
    return found;
  }

  /** `scorers/delete`: one version, or all of them. */
  delete(experimentId: string, name: string, version?: number): void {
    const entry = this.entry(experimentId, name);
    if (version === undefined) {
      entry.versions.splice(0);
      return;
    }
    this.get(experimentId, name, version);
    entry.versions.splice(
      entry.versions.findIndex((candidate) => candidate.version === version),
      1,
    );
  }

  /** The scorers with these ids, for `scorers/online-configs`. */
  byIds(scorerIds: readonly string[]): ScorerVersionRecord[] {
    return [...this.scorers.values()]
      .filter((entry) => scorerIds.includes(entry.scorerId))
      .flatMap((entry) => entry.versions.slice(-1));
  }
}
