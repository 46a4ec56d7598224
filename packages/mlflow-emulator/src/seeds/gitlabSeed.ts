// The GitLab mode's seed step, run after `demo` or `empty`: the GitLab personas (users, tokens,
// project roles), and the seeded MLflow data reshaped the way GitLab would hold it in one project.
// GitLab has no Default experiment "0" and no soft deletes (deleted experiments and runs go), runs
// are candidates with UUID ids and a project-wide iid, the server adds no `mlflow.runName` tag,
// every model owns a `[model]<name>` experiment, and every version owns a candidate there (its
// `run_id`) and a semver (1.0.0, 2.0.0, ... as GitLab's auto-increment gives them). MLflow aliases
// and stages have no GitLab counterpart and are dropped.
import type { EmulatorStore } from '../EmulatorStore.js';
import { GitlabMl, candidateEid, randomCandidateName } from '../GitlabMl.js';
import type { MetricPoint, RunRecord } from '../records.js';
import { DEMO_MODELS } from './demoSeed.js';
import { GITLAB_PERSONAS } from './users.js';

/** When the seeded users and tokens were created. */
const SEEDED_AT = Date.UTC(2024, 0, 15, 9, 0, 0);
/** Seeded tokens expire far enough away not to matter. */
const TOKEN_EXPIRY = '2030-12-31';

/** Adds every GitLab persona: its user (once), its token, and the user's role in the project. */
export function seedGitlabPersonas(store: EmulatorStore): void {
  const { gitlab } = store;
  for (const persona of GITLAB_PERSONAS) {
    gitlab.addUser({
      id: persona.userId,
      username: persona.username,
      name: persona.name,
      email: persona.email,
      createdAt: SEEDED_AT,
    });
    gitlab.addToken({
      id: persona.tokenId,
      name: persona.tokenName,
      token: persona.token,
      userId: persona.userId,
      scopes: persona.scopes,
      createdAt: SEEDED_AT,
      expiresAt: TOKEN_EXPIRY,
      revoked: false,
    });
    if (persona.accessLevel !== null) gitlab.members.set(persona.userId, persona.accessLevel);
  }
}

/** The last value logged per key (GitLab's `latest_metrics`), from a history kept in logging order. */
function lastLogged(run: RunRecord): void {
  run.latestMetrics.clear();
  for (const [key, history] of run.metricHistory) {
    const last: MetricPoint | undefined = history[history.length - 1];
    if (last) run.latestMetrics.set(key, last);
  }
}

/** Reshapes the seeded MLflow data into one GitLab project and adds the personas. */
export function seedGitlab(store: EmulatorStore): void {
  seedGitlabPersonas(store);
  const { tracking, registry, gitlab } = store;
  const ml = new GitlabMl(store);

  // No Default experiment, no soft-deleted experiments or runs.
  for (const experiment of [...tracking.experiments.values()]) {
    if (experiment.experimentId !== '0' && experiment.lifecycleStage === 'active') continue;
    for (const runId of experiment.runIds) tracking.runs.delete(runId);
    tracking.experiments.delete(experiment.experimentId);
    tracking.experimentsByName.delete(experiment.name);
  }

  // Runs become candidates: UUID ids, GitLab user ids, iids in creation order.
  const renamed = new Map<string, RunRecord>();
  const live = [...tracking.runs.values()].sort((a, b) => a.startTime - b.startTime);
  tracking.runs.clear();
  for (const experiment of tracking.experiments.values()) experiment.runIds.clear();
  for (const run of live) {
    const experiment = tracking.experiments.get(run.experimentId);
    if (!experiment || run.lifecycleStage !== 'active') continue;
    const userId = gitlab.userIdOf(run.userId);
    const tags = new Map([...run.tags].filter(([key]) => key !== 'mlflow.runName'));
    const candidate: RunRecord = {
      ...run,
      runId: candidateEid(store.random.hex),
      userId: userId === undefined ? '' : String(userId),
      artifactUri: '',
      tags,
      datasetInputs: [],
      artifacts: [],
    };
    lastLogged(candidate);
    tracking.runs.set(candidate.runId, candidate);
    experiment.runIds.add(candidate.runId);
    gitlab.candidates.set(candidate, { iid: gitlab.newCandidateIid(), createdAt: run.startTime });
    renamed.set(run.runId, candidate);
  }

  // Models: their experiment, semver versions, one candidate per version.
  for (const model of registry.models.values()) {
    const owner = DEMO_MODELS.find((plan) => plan.name === model.name)?.owner;
    const userId = owner === undefined ? null : (gitlab.userIdOf(owner) ?? null);
    const experiment = tracking.createExperiment(`[model]${model.name}`, '', [], model.creationTimestamp);
    gitlab.models.set(model, { id: gitlab.newModelId(), userId, experimentId: experiment.experimentId });
    gitlab.modelExperiments.set(experiment.experimentId, model.name);
    model.aliases.clear();
    let major = 0;
    for (const version of [...model.versions.values()].sort((a, b) => a.version - b.version)) {
      if (version.deleted) continue;
      major += 1;
      const source = renamed.get(version.runId);
      const candidate = ml.createCandidate(experiment, {
        startTime: version.creationTimestamp,
        name: randomCandidateName(store.random),
        userId,
        modelVersion: version,
        createdAt: version.creationTimestamp,
      });
      // What a training job would have logged to the version: the source run's params and final metrics.
      if (source) {
        for (const [key, value] of source.params) candidate.params.set(key, value);
        ml.addMetrics(
          candidate,
          [...source.latestMetrics.values()].map((point) => ({ ...point, timestamp: version.creationTimestamp })),
        );
      }
      candidate.status = 'FINISHED';
      candidate.endTime = version.creationTimestamp + 10 * 60_000;
      version.runId = candidate.runId;
      version.source = '';
      gitlab.versions.set(version, {
        id: gitlab.newVersionId(),
        semver: `${major}.0.0`,
        candidateRunId: candidate.runId,
      });
    }
  }
}
