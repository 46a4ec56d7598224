// `npm run emulator -- --port 5000 [--auth | --databricks | --gitlab [--gitlab-project-id 7]] [--seed demo|empty]
//   [--mlflow-version 2.12.2|3.11.1] [--latency-ms N]`
import { parseArgs } from 'node:util';
import { ADMIN, DATABRICKS_PERSONAS, GITLAB_PERSONAS, MLFLOW_VERSION, SEED_USERS, startEmulator } from './index.js';
import { parseMlflowVersion } from './mlflowVersion.js';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '5000' },
    host: { type: 'string', default: '127.0.0.1' },
    seed: { type: 'string', default: 'demo' },
    auth: { type: 'boolean', default: false },
    databricks: { type: 'boolean', default: false },
    gitlab: { type: 'boolean', default: false },
    'gitlab-project-id': { type: 'string', default: '7' },
    'latency-ms': { type: 'string', default: '0' },
    'jitter-ms': { type: 'string', default: '0' },
    'default-permission': { type: 'string', default: 'READ' },
    'admin-password': { type: 'string' },
    'mlflow-version': { type: 'string', default: MLFLOW_VERSION },
  },
  strict: true,
});

const port = Number.parseInt(values.port, 10);
const latencyMs = Number.parseInt(values['latency-ms'], 10);
const jitterMs = Number.parseInt(values['jitter-ms'], 10);
if (!Number.isInteger(port) || port < 0 || port > 65535)
  throw new TypeError(`expected --port 0..65535, got ${values.port}`);
if (values.seed !== 'demo' && values.seed !== 'empty')
  throw new TypeError(`expected --seed demo|empty, got ${values.seed}`);
const gitlabProjectId = Number.parseInt(values['gitlab-project-id'], 10);
if (!Number.isInteger(gitlabProjectId) || gitlabProjectId < 1) {
  throw new TypeError(`expected --gitlab-project-id to be a positive integer, got ${values['gitlab-project-id']}`);
}
const mlflowVersion = values['mlflow-version'];
parseMlflowVersion(mlflowVersion);
const permission = values['default-permission'];
if (permission !== 'READ' && permission !== 'EDIT' && permission !== 'MANAGE' && permission !== 'NO_PERMISSIONS') {
  throw new TypeError(`expected --default-permission READ|EDIT|MANAGE|NO_PERMISSIONS, got ${permission}`);
}

const emulator = await startEmulator({
  port,
  host: values.host,
  seed: values.seed,
  auth: values.auth,
  databricks: values.databricks,
  gitlab: values.gitlab,
  gitlabProjectId,
  latencyMs,
  jitterMs,
  defaultPermission: permission,
  mlflowVersion,
  ...(values['admin-password'] === undefined ? {} : { adminPassword: values['admin-password'] }),
});
const mode = values.gitlab ? 'gitlab' : values.databricks ? 'databricks' : values.auth ? 'basic-auth' : 'open';
process.stdout.write(`MLflow ${mlflowVersion} emulator (${mode}, seed ${values.seed}) listening on ${emulator.url}\n`);
if (values.gitlab) {
  process.stdout.write(`MLFLOW_TRACKING_URI=${emulator.trackingUri}\n`);
  process.stdout.write(
    `tokens (PRIVATE-TOKEN or Bearer): ${GITLAB_PERSONAS.map((p) => `${p.token} (${p.username}, ${p.scopes.join('+')}, ${p.accessLevel ?? 'no'} access)`).join(', ')}\n`,
  );
} else if (values.databricks) {
  process.stdout.write(`bearer tokens: ${DATABRICKS_PERSONAS.map((p) => `${p.token} (${p.userName})`).join(', ')}\n`);
} else if (values.auth) {
  const users = values.seed === 'demo' ? [ADMIN, ...SEED_USERS] : [ADMIN];
  const admin = values['admin-password'];
  process.stdout.write(
    `basic-auth users: ${users.map((u) => `${u.username}/${u === ADMIN && admin !== undefined ? admin : u.password}`).join(', ')}\n`,
  );
}

const stop = (): void => {
  emulator.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
