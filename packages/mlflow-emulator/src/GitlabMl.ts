// GitLab's model experiments and registry over the emulator's records: experiments are hard
// deleted, runs are "candidates" with a project-wide iid, every model owns a `[model]<name>`
// experiment, every model version owns a candidate in it and carries a semver, and tags, params and
// metrics follow GitLab's repositories (create! validates and raises, insert_all skips duplicates).
// Records stay in TrackingStore and RegistryStore; GitlabStore holds what GitLab adds to them.
import type { EmulatorStore } from './EmulatorStore.js';
import { gitlabErrors } from './gitlabErrors.js';
import type { GitlabCandidateMeta, GitlabModelMeta, GitlabStore, GitlabVersionMeta } from './GitlabStore.js';
import type {
  ExperimentRecord,
  MetricPoint,
  ModelVersionRecord,
  RegisteredModelRecord,
  RunRecord,
  RunStatus,
} from './records.js';

/** `Ml::Model::EXPERIMENT_NAME_PREFIX`. */
export const MODEL_EXPERIMENT_PREFIX = '[model]';
/** `Ml::INITIAL_VERSION`. */
export const INITIAL_MODEL_VERSION = '1.0.0';
/** Tags with this prefix steer GitLab (e.g. `gitlab.version` on model-versions/create). */
export const GITLAB_TAG_PREFIX = 'gitlab.';

/** `Gitlab::Regex.semver_regex`. */
const SEMVER =
  /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$/;
/** `Gitlab::Regex.package_name_regex`, which model names must match. */
const MODEL_NAME = /^@?(?:[\w\-.+]*\/)*[\w\-.]+@?(?:[\w\-.+]*\/)*[\w\-.]*$/;

const NAME_TAKEN = 'Validation failed: Name has already been taken';
const NAME_BLANK = "Validation failed: Name can't be blank";

/** A key/value pair as the MLflow clients send tags and params. */
export interface KeyValueInput {
  readonly key?: unknown;
  readonly value?: unknown;
}

/** A metric as log-metric and log-batch send it (step may be absent: GitLab stores NULL). */
export interface MetricInput {
  readonly key: string;
  readonly value: number;
  readonly timestamp: number;
  readonly step: number | null;
}

const ANIMALS = [
  'aardvark',
  'albatross',
  'alpaca',
  'badger',
  'beaver',
  'bison',
  'bobcat',
  'buffalo',
  'camel',
  'caribou',
  'cheetah',
  'chipmunk',
  'cougar',
  'coyote',
  'crane',
  'dingo',
  'dolphin',
  'eagle',
  'egret',
  'falcon',
  'ferret',
  'flamingo',
  'gazelle',
  'gecko',
  'gibbon',
  'giraffe',
  'gopher',
  'heron',
  'hyena',
  'ibis',
  'iguana',
  'jackal',
  'jaguar',
  'koala',
  'lemur',
  'leopard',
  'llama',
  'lynx',
  'manatee',
  'marmot',
  'meerkat',
  'mongoose',
  'narwhal',
  'ocelot',
  'opossum',
  'otter',
  'panther',
  'pelican',
  'puffin',
  'quokka',
  'raccoon',
  'reindeer',
  'salamander',
  'seahorse',
  'tapir',
  'toucan',
  'walrus',
  'wombat',
  'yak',
  'zebra',
];

/** `Ml::CreateCandidateService#random_candidate_name`: three animals and a number. */
export function randomCandidateName(random: () => number): string {
  const animal = (): string => ANIMALS[Math.floor(random() * ANIMALS.length)] ?? 'otter';
  return `${animal()}-${animal()}-${animal()}-${Math.floor(random() * 10000)}`;
}

/** A v4 UUID from the store's PRNG (GitLab's candidate `eid`, the MLflow `run_id`). */
export function candidateEid(hex: (length: number) => string): string {
  const h = hex(32);
  const variant = ((Number.parseInt(h[16] ?? '0', 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** The (major, minor, patch) of a semver, or null. */
export function parseSemver(version: string): [number, number, number] | null {
  const match = SEMVER.exec(version);
  if (!match) return null;
  return [Number(match[1]), Number(match[2]), Number(match[3])];
}

/** `Ml::IncrementVersionService` (major): the major goes up, minor and patch stay (2.3.1 → 3.3.1). */
export function incrementMajor(version: string | undefined): string {
  if (version === undefined) return INITIAL_MODEL_VERSION;
  const match = SEMVER.exec(version);
  if (!match) return INITIAL_MODEL_VERSION;
  return `${Number(match[1]) + 1}${version.slice((match[1] ?? '').length)}`;
}

function stringOrEmpty(value: unknown): string {
  return typeof value === 'string' ? value : value === null || value === undefined ? '' : String(value);
}

/** GitLab's view of one emulator store (cheap to build: it holds no state of its own). */
export class GitlabMl {
  private readonly store: EmulatorStore;

  constructor(store: EmulatorStore) {
    this.store = store;
  }

  private get gitlab(): GitlabStore {
    return this.store.gitlab;
  }

  // ------------------------------------------------------------------ experiments

  /** Every experiment of the project (model experiments included). */
  experiments(): ExperimentRecord[] {
    return [...this.store.tracking.experiments.values()];
  }

  /** `ExperimentRepository#by_iid_or_name`: the iid when given (even empty), else the name; 404 when none. */
  findExperiment(iid: unknown, name: unknown): ExperimentRecord {
    let experiment: ExperimentRecord | undefined;
    if (iid !== undefined && iid !== null) {
      // ActiveRecord casts the iid to an integer the way Ruby's to_i does ("12abc" is 12, "abc" is 0).
      const digits = /^\s*([+-]?\d+)/.exec(String(iid))?.[1];
      if (digits !== undefined) experiment = this.store.tracking.experiments.get(String(Number.parseInt(digits, 10)));
    } else if (typeof name === 'string') experiment = this.store.tracking.experimentsByName.get(name);
    if (!experiment) throw gitlabErrors.resourceNotFound();
    return experiment;
  }

  /** The model whose default experiment this is, if any. */
  modelOfExperiment(experiment: ExperimentRecord): string | undefined {
    return this.gitlab.modelExperiments.get(experiment.experimentId);
  }

  /** `ExperimentRepository#create!`: a taken or blank name is RESOURCE_ALREADY_EXISTS; duplicate tags are skipped. */
  createExperiment(
    name: string,
    tags: readonly KeyValueInput[] | null,
    creationTime = this.store.now(),
  ): ExperimentRecord {
    if (name.trim() === '' || this.store.tracking.experimentsByName.has(name)) throw gitlabErrors.alreadyExists();
    const experiment = this.store.tracking.createExperiment(name, '', [], creationTime);
    this.insertAll(experiment.tags, tags ?? []);
    return experiment;
  }

  /** `ExperimentRepository#add_tag!`: metadata.create! (a taken or blank key is INVALID_PARAMETER_VALUE). */
  addExperimentTag(experiment: ExperimentRecord, key: string, value: string): void {
    this.createKeyValue(experiment.tags, key, value);
  }

  /** `Ml::DestroyExperimentService`: refused for a model's experiment; otherwise gone with its candidates. */
  deleteExperiment(experiment: ExperimentRecord): void {
    if (this.modelOfExperiment(experiment) !== undefined) {
      throw gitlabErrors.apiError('Cannot delete an experiment associated to a model', 400);
    }
    this.removeExperiment(experiment);
  }

  private removeExperiment(experiment: ExperimentRecord): void {
    const { tracking } = this.store;
    for (const runId of experiment.runIds) tracking.runs.delete(runId);
    tracking.experiments.delete(experiment.experimentId);
    tracking.experimentsByName.delete(experiment.name);
    this.gitlab.modelExperiments.delete(experiment.experimentId);
  }

  // ------------------------------------------------------------------ candidates (runs)

  /** `CandidateRepository#by_eid`, or RESOURCE_DOES_NOT_EXIST. */
  findCandidate(runId: unknown): RunRecord {
    const run = typeof runId === 'string' && runId !== '' ? this.store.tracking.runs.get(runId) : undefined;
    if (!run) throw gitlabErrors.resourceNotFound();
    return run;
  }

  /** What GitLab adds to a run (every run the GitLab mode holds has it). */
  candidateMeta(run: RunRecord): GitlabCandidateMeta {
    const meta = this.gitlab.candidates.get(run);
    if (!meta) throw new TypeError(`expected a GitLab candidate, got run ${run.runId} without one`);
    return meta;
  }

  /** The candidates of an experiment. */
  candidatesOf(experiment: ExperimentRecord): RunRecord[] {
    const runs: RunRecord[] = [];
    for (const runId of experiment.runIds) {
      const run = this.store.tracking.runs.get(runId);
      if (run) runs.push(run);
    }
    return runs;
  }

  /**
   * `CandidateRepository#create!`: named after `run_name`, else the `mlflow.runName` tag, else three
   * random animals; status RUNNING; tags inserted as given (duplicates skipped, no runName tag added).
   */
  createCandidate(
    experiment: ExperimentRecord,
    options: {
      startTime: number;
      name?: string | null;
      tags?: readonly KeyValueInput[] | null;
      userId: number | null;
      modelVersion?: ModelVersionRecord;
      createdAt?: number;
      runId?: string;
    },
  ): RunRecord {
    const tags = options.tags ?? [];
    const fromTag = tags.find((tag) => tag.key === 'mlflow.runName')?.value;
    const name = options.name || (typeof fromTag === 'string' && fromTag) || randomCandidateName(this.store.random);
    const runId = options.runId ?? candidateEid(this.store.random.hex);
    const run: RunRecord = {
      runId,
      experimentId: experiment.experimentId,
      runName: name,
      userId: options.userId === null ? '' : String(options.userId),
      status: 'RUNNING',
      startTime: options.startTime,
      endTime: null,
      artifactUri: '',
      lifecycleStage: 'active',
      deletedTime: null,
      params: new Map(),
      tags: new Map(),
      latestMetrics: new Map(),
      metricHistory: new Map(),
      datasetInputs: [],
      artifacts: [],
    };
    this.insertAll(run.tags, tags);
    this.store.tracking.runs.set(runId, run);
    experiment.runIds.add(runId);
    const meta: GitlabCandidateMeta = {
      iid: this.gitlab.newCandidateIid(),
      createdAt: options.createdAt ?? this.store.now(),
      ...(options.modelVersion ? { modelVersion: options.modelVersion } : {}),
    };
    this.gitlab.candidates.set(run, meta);
    return run;
  }

  /** `CandidateRepository#update`: status (lowercased by GitLab, upper on the wire) and end time; the name never changes. */
  updateCandidate(run: RunRecord, status: RunStatus | null, endTime: number | null): void {
    if (status !== null) run.status = status;
    if (endTime !== null) run.endTime = endTime;
  }

  /** `Ml::DestroyCandidateService`: the candidate and its data are gone (a version keeps pointing at it). */
  deleteCandidate(run: RunRecord): void {
    this.store.tracking.runs.delete(run.runId);
    this.store.tracking.experiments.get(run.experimentId)?.runIds.delete(run.runId);
  }

  /** `add_metric!`: metrics.create! (name present, at most 250 characters). */
  addMetric(run: RunRecord, metric: MetricInput): void {
    if (metric.key.trim() === '') throw gitlabErrors.invalidParameter(NAME_BLANK);
    if (metric.key.length > 250)
      throw gitlabErrors.invalidParameter('Validation failed: Name is too long (maximum is 250 characters)');
    this.recordMetric(run, metric);
  }

  /** `add_metrics`: insert_all, no validation. */
  addMetrics(run: RunRecord, metrics: readonly MetricInput[]): void {
    for (const metric of metrics) this.recordMetric(run, metric);
  }

  private recordMetric(run: RunRecord, metric: MetricInput): void {
    const point: MetricPoint = {
      key: metric.key,
      value: metric.value,
      timestamp: metric.timestamp,
      step: metric.step ?? 0,
    };
    if (metric.step === null) this.gitlab.steplessMetrics.add(point);
    let history = run.metricHistory.get(point.key);
    if (!history) {
      history = [];
      run.metricHistory.set(point.key, history);
    }
    history.push(point);
    // GitLab's `latest` metric is the last one logged (highest id), whatever its step.
    run.latestMetrics.set(point.key, point);
  }

  /** Whether a stored metric value was logged without a step. */
  isStepless(point: MetricPoint): boolean {
    return this.gitlab.steplessMetrics.has(point);
  }

  /** `add_param!`: params.create! (a logged key is INVALID_PARAMETER_VALUE, even with the same value). */
  addParam(run: RunRecord, key: string, value: string): void {
    this.createKeyValue(run.params, key, value);
  }

  /** `add_params`: insert_all (keys already logged, or repeated in the batch, are skipped). */
  addParams(run: RunRecord, params: readonly KeyValueInput[]): void {
    this.insertAll(run.params, params);
  }

  /** `add_tag!`: metadata.create! (a tag cannot be overwritten: a set key is INVALID_PARAMETER_VALUE). */
  addTag(run: RunRecord, key: string, value: string): void {
    this.createKeyValue(run.tags, key, value);
  }

  /** `add_tags`: insert_all (keys already set, or repeated in the batch, are skipped). */
  addTags(run: RunRecord, tags: readonly KeyValueInput[]): void {
    this.insertAll(run.tags, tags);
  }

  /** `latest_metrics`: the last value logged per key, ordered by key. */
  latestMetrics(run: RunRecord): MetricPoint[] {
    return [...run.latestMetrics.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  private createKeyValue(target: Map<string, string>, key: string, value: string): void {
    if (key.trim() === '') throw gitlabErrors.invalidParameter(NAME_BLANK);
    if (target.has(key)) throw gitlabErrors.invalidParameter(NAME_TAKEN);
    target.set(key, value);
  }

  private insertAll(target: Map<string, string>, pairs: readonly KeyValueInput[]): void {
    for (const pair of pairs) {
      if (pair === null || typeof pair !== 'object') continue;
      const key = stringOrEmpty(pair.key);
      if (target.has(key)) continue;
      target.set(key, stringOrEmpty(pair.value));
    }
  }

  // ------------------------------------------------------------------ models

  /** Every registered model. */
  models(): RegisteredModelRecord[] {
    return [...this.store.registry.models.values()];
  }

  /** `Ml::FindModelService`, or RESOURCE_DOES_NOT_EXIST. */
  findModel(name: unknown): RegisteredModelRecord {
    const model = typeof name === 'string' ? this.store.registry.models.get(name) : undefined;
    if (!model) throw gitlabErrors.resourceNotFound();
    return model;
  }

  /** What GitLab adds to a model. */
  modelMeta(model: RegisteredModelRecord): GitlabModelMeta {
    const meta = this.gitlab.models.get(model);
    if (!meta) throw new TypeError(`expected a GitLab model, got ${model.name} without one`);
    return meta;
  }

  /**
   * `Ml::CreateModelService`, in one transaction: the `[model]<name>` experiment (taken → error), the
   * model (invalid name → error), its metadata (a repeated or blank key → error). Every error is
   * RESOURCE_ALREADY_EXISTS, as the endpoint reports any failure of the service that way.
   */
  createModel(
    name: string,
    description: string | null,
    tags: readonly KeyValueInput[] | null,
    userId: number | null,
    creationTime = this.store.now(),
  ): RegisteredModelRecord {
    const experimentName = `${MODEL_EXPERIMENT_PREFIX}${name}`;
    if (this.store.tracking.experimentsByName.has(experimentName)) throw gitlabErrors.alreadyExists();
    if (!MODEL_NAME.test(name) || name.length > 255 || this.store.registry.models.has(name))
      throw gitlabErrors.alreadyExists();
    if ((description ?? '').length > 10_000) throw gitlabErrors.alreadyExists();
    const keys = new Set<string>();
    for (const tag of tags ?? []) {
      const key = stringOrEmpty(tag?.key);
      if (key.trim() === '' || keys.has(key)) throw gitlabErrors.alreadyExists();
      keys.add(key);
    }
    const experiment = this.store.tracking.createExperiment(experimentName, '', [], creationTime);
    const model = this.store.registry.createRegisteredModel(name, [], description, { creationTimestamp: creationTime });
    for (const tag of tags ?? []) model.tags.set(stringOrEmpty(tag.key), stringOrEmpty(tag.value));
    this.gitlab.models.set(model, { id: this.gitlab.newModelId(), userId, experimentId: experiment.experimentId });
    this.gitlab.modelExperiments.set(experiment.experimentId, name);
    return model;
  }

  /** `Ml::UpdateModelService`: the description (absent → cleared). */
  updateModel(model: RegisteredModelRecord, description: string | null): void {
    model.description = description;
    model.lastUpdatedTimestamp = this.store.now();
  }

  /** `Ml::DestroyModelService`: the model, its versions, and its experiment with every candidate. */
  deleteModel(model: RegisteredModelRecord): void {
    const meta = this.gitlab.models.get(model);
    this.store.registry.deleteRegisteredModel(model.name);
    const experiment = meta ? this.store.tracking.experiments.get(meta.experimentId) : undefined;
    if (experiment) this.removeExperiment(experiment);
  }

  /** A model's versions in creation order (GitLab's `versions`, all of them, on every model payload). */
  versionsOf(model: RegisteredModelRecord): ModelVersionRecord[] {
    return [...model.versions.values()].filter((version) => !version.deleted);
  }

  /** What GitLab adds to a version. */
  versionMeta(version: ModelVersionRecord): GitlabVersionMeta {
    const meta = this.gitlab.versions.get(version);
    if (!meta)
      throw new TypeError(`expected a GitLab model version, got ${version.name}/${version.version} without one`);
    return meta;
  }

  /** `Ml::ModelVersion.by_project_id_name_and_version`: by model name and semver string. */
  findVersion(name: unknown, semver: unknown): ModelVersionRecord | undefined {
    if (typeof name !== 'string' || typeof semver !== 'string') return undefined;
    const model = this.store.registry.models.get(name);
    if (!model) return undefined;
    return this.versionsOf(model).find((version) => this.gitlab.versions.get(version)?.semver === semver);
  }

  /** `latest_version`: the highest major.minor.patch (prerelease ignored), the newest on a tie. */
  latestVersion(model: RegisteredModelRecord): ModelVersionRecord | undefined {
    let best: { version: ModelVersionRecord; key: [number, number, number]; id: number } | undefined;
    for (const version of this.versionsOf(model)) {
      const meta = this.versionMeta(version);
      const key = parseSemver(meta.semver) ?? [0, 0, 0];
      const better =
        !best ||
        key[0] > best.key[0] ||
        (key[0] === best.key[0] &&
          (key[1] > best.key[1] ||
            (key[1] === best.key[1] && (key[2] > best.key[2] || (key[2] === best.key[2] && meta.id > best.id)))));
      if (better) best = { version, key, id: meta.id };
    }
    return best?.version;
  }

  /** The candidate of a version, or undefined when it was deleted through runs/delete. */
  candidateOfVersion(version: ModelVersionRecord): RunRecord | undefined {
    return this.store.tracking.runs.get(this.versionMeta(version).candidateRunId);
  }

  /**
   * `Ml::CreateModelVersionService`: the given semver (the `gitlab.version` tag) or the latest's major
   * plus one; a fresh candidate in the model's experiment (start_time 0, RUNNING, no user); the tags
   * (all of them, `gitlab.version` included). Failures are lists of messages (INVALID_PARAMETER_VALUE).
   */
  createVersion(
    model: RegisteredModelRecord,
    options: {
      semver?: string;
      description: string | null;
      tags: readonly KeyValueInput[] | null;
      creationTime?: number;
    },
  ): ModelVersionRecord {
    const latest = this.latestVersion(model);
    const semver = options.semver ?? incrementMajor(latest ? this.versionMeta(latest).semver : undefined);
    if (!parseSemver(semver)) throw gitlabErrors.invalidParameter(['Version must be semantic version']);
    if (this.findVersion(model.name, semver)) throw gitlabErrors.invalidParameter(['Version has already been taken']);
    if ((options.description ?? '').length > 10_000) {
      throw gitlabErrors.invalidParameter(['Description is too long (maximum is 10000 characters)']);
    }
    const keys = new Set<string>();
    for (const tag of options.tags ?? []) {
      const key = stringOrEmpty(tag?.key);
      if (key.trim() === '') throw gitlabErrors.invalidParameter([NAME_BLANK]);
      if (keys.has(key)) throw gitlabErrors.invalidParameter([NAME_TAKEN]);
      keys.add(key);
    }
    const experiment = this.store.tracking.experiments.get(this.modelMeta(model).experimentId);
    if (!experiment) throw gitlabErrors.internal();
    const created = options.creationTime ?? this.store.now();
    const version = this.store.registry.createModelVersion({
      name: model.name,
      source: '',
      runId: '',
      runLink: '',
      description: options.description,
      tags: [],
      creationTimestamp: created,
    });
    for (const tag of options.tags ?? []) version.tags.set(stringOrEmpty(tag.key), stringOrEmpty(tag.value));
    const candidate = this.createCandidate(experiment, {
      startTime: 0,
      userId: null,
      modelVersion: version,
      createdAt: created,
    });
    version.runId = candidate.runId;
    this.gitlab.versions.set(version, { id: this.gitlab.newVersionId(), semver, candidateRunId: candidate.runId });
    return version;
  }

  /** `UpdateModelVersionService`: the description. */
  updateVersion(version: ModelVersionRecord, description: string): void {
    version.description = description;
    version.lastUpdatedTimestamp = this.store.now();
  }

  /** The semver tag a model-versions/create asks for (`gitlab.version`), if any. */
  static requestedVersion(tags: readonly KeyValueInput[] | null): string | undefined {
    const tag = (tags ?? []).find((candidate) => candidate?.key === `${GITLAB_TAG_PREFIX}version`);
    return tag === undefined ? undefined : stringOrEmpty(tag.value);
  }
}
