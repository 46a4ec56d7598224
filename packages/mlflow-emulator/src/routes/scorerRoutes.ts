// Registered scorers (`/api/3.0/mlflow/scorers/...`) as MLflow 3.11.1's handlers read and answer them (corpus seq
// 221-232): `register` answers the new version with the experiment id as a string, the list/get answers carry it
// as a number (`scorer_*` field names), and online configs are an empty list (no online scoring here). 3.x mode only;
// their permissions behind basic auth are in routes/basicAuth.ts.
import { isMlflow3 } from '../mlflowVersion.js';
import { readRequest, type MessageSpec } from '../protoJson.js';
import { MLFLOW3_PREFIXES, type RegisterRoutes, type Route } from '../router.js';
import type { ScorerVersionRecord } from '../ScorerStore.js';
import type { Json } from '../wireJson.js';

const S = { kind: 'string' } as const;
const SCORER: MessageSpec = {
  experiment_id: S,
  name: S,
  serialized_scorer: S,
  version: { kind: 'int32' },
};
const ONLINE_CONFIGS: MessageSpec = { scorer_ids: { kind: 'string', repeated: true } };

/** A scorer version as `scorers/list`, `versions` and `get` answer it. */
export function scorerJson(scorer: ScorerVersionRecord): Json {
  return {
    experiment_id: Number(scorer.experimentId),
    scorer_name: scorer.name,
    scorer_version: scorer.version,
    serialized_scorer: scorer.serializedScorer,
    creation_time: scorer.creationTime,
    scorer_id: scorer.scorerId,
  };
}

const routes: readonly Route[] = [
  {
    operation: 'RegisterScorer',
    path: '/scorers/register',
    methods: ['POST'],
    handler: (request, { store }) => {
      const message = readRequest(request, SCORER, [
        ['experiment_id', ['required', 'string']],
        ['name', ['required', 'string']],
        ['serialized_scorer', ['required', 'string']],
      ]);
      const scorer = store.scorers.register(
        message.str('experiment_id'),
        message.str('name'),
        message.str('serialized_scorer'),
      );
      return {
        version: scorer.version,
        scorer_id: scorer.scorerId,
        experiment_id: scorer.experimentId,
        name: scorer.name,
        serialized_scorer: scorer.serializedScorer,
        creation_time: scorer.creationTime,
      };
    },
  },
  {
    operation: 'ListScorers',
    path: '/scorers/list',
    methods: ['GET'],
    handler: (request, { store }) => {
      const message = readRequest(request, SCORER, [['experiment_id', ['required']]]);
      const scorers = store.scorers.list(message.str('experiment_id'));
      return scorers.length > 0 ? { scorers: scorers.map(scorerJson) } : {};
    },
  },
  {
    operation: 'ListScorerVersions',
    path: '/scorers/versions',
    methods: ['GET'],
    handler: (request, { store }) => {
      const message = readRequest(request, SCORER, [
        ['experiment_id', ['required']],
        ['name', ['required']],
      ]);
      return { scorers: store.scorers.versions(message.str('experiment_id'), message.str('name')).map(scorerJson) };
    },
  },
  {
    operation: 'GetScorer',
    path: '/scorers/get',
    methods: ['GET'],
    handler: (request, { store }) => {
      const message = readRequest(request, SCORER, [
        ['experiment_id', ['required']],
        ['name', ['required']],
      ]);
      const version = message.has('version') ? message.num('version') : undefined;
      return { scorer: scorerJson(store.scorers.get(message.str('experiment_id'), message.str('name'), version)) };
    },
  },
  {
    operation: 'GetOnlineScoringConfigs',
    path: '/scorers/online-configs',
    methods: ['GET'],
    handler: (request) => {
      readRequest(request, ONLINE_CONFIGS, [['scorer_ids', ['required']]]);
      // jsonify, not a proto: the empty list stays in the answer.
      return { configs: [] };
    },
  },
  {
    operation: 'DeleteScorer',
    path: '/scorers/delete',
    methods: ['DELETE'],
    handler: (request, { store }) => {
      const message = readRequest(request, SCORER, [
        ['experiment_id', ['required']],
        ['name', ['required']],
      ]);
      const version = message.has('version') ? message.num('version') : undefined;
      store.scorers.delete(message.str('experiment_id'), message.str('name'), version);
      return {};
    },
  },
];

/** Adds the scorer routes in 3.x mode. */
export const registerScorerRoutes: RegisterRoutes = (router, settings) => {
  if (!isMlflow3(settings)) return;
  router.addAll(routes, MLFLOW3_PREFIXES);
};
