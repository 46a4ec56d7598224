// Detection against the emulator: what /version and /api/3.0/mlflow/server-info say, with and without
// credentials, probed once per process (single flight) and never guessed.
import { ADMIN, startEmulator, type Emulator } from '@mlflow-supergraph/mlflow-emulator';
import { createHttpInstance, defaultHttpInstanceOptions } from '../../../src/upstream/http/createHttpInstance.js';
import { backendProfile } from '../../../src/upstream/profiles/BackendProfile.js';
import { BackendDetector, detectBackend, type BackendDetection } from '../../../src/upstream/profiles/detectBackend.js';
import { startStack } from '../../helpers/startStack.js';
import { asUser, basicAuth } from '../../helpers/auth.js';

const http = (url: string) => createHttpInstance({ ...defaultHttpInstanceOptions, baseUrl: url });

describe('backend detection', () => {
  let plain: Emulator;
  let secured: Emulator;
  beforeAll(async () => {
    [plain, secured] = await Promise.all([startEmulator(), startEmulator({ auth: true })]);
  });
  afterAll(() => Promise.all([plain.close(), secured.close()]));

  it('reads an open MLflow’s version and notes the missing server-info endpoint', async () => {
    const detection = await detectBackend(http(plain.url), backendProfile('mlflow'), plain.url);
    expect(detection).toMatchObject({
      version: '2.12.2',
      serverInfo: undefined,
      basicAuth: false,
      authenticated: false,
    });
    expect(detection.probes).toEqual([
      'GET /version → 200: MLflow 2.12.2',
      'GET /api/3.0/mlflow/server-info → 404: absent (MLflow < 3)',
    ]);
  });

  it('recognises basic-auth without credentials, and reads the version with them', async () => {
    const anonymous = await detectBackend(http(secured.url), backendProfile('mlflow'), secured.url);
    expect(anonymous).toMatchObject({ version: undefined, basicAuth: true });
    expect(anonymous.probes[0]).toMatch(/401: MLflow's basic-auth app/);
    const admin = await detectBackend(
      http(secured.url),
      backendProfile('mlflow'),
      secured.url,
      basicAuth(ADMIN.username, ADMIN.password),
    );
    expect(admin).toMatchObject({ version: '2.12.2', authenticated: true });
  });

  it('probes once per process, and once more with credentials when anonymous probing told too little', async () => {
    const seen: BackendDetection[] = [];
    const detector = new BackendDetector(http(secured.url), backendProfile('mlflow'), secured.url, (d) => seen.push(d));
    secured.resetCalls();
    const [a, b] = await Promise.all([detector.detect(), detector.detect()]);
    expect(a).toBe(b);
    expect(secured.callCount('GET /version')).toBe(1);
    const withCredentials = await detector.detect(basicAuth(ADMIN.username, ADMIN.password));
    expect(withCredentials).toMatchObject({ version: '2.12.2', basicAuth: true });
    await detector.detect(basicAuth(ADMIN.username, ADMIN.password));
    expect(secured.callCount('GET /version')).toBe(2);
    expect(seen).toHaveLength(2); // each probe logged once
  });

  it('keeps asking when the credentials it was given told nothing', async () => {
    const detector = new BackendDetector(http(secured.url), backendProfile('mlflow'), secured.url, () => undefined);
    const refused = await detector.detect(basicAuth('nobody', 'wrong'));
    expect(refused.version).toBeUndefined();
    const admin = await detector.detect(basicAuth(ADMIN.username, ADMIN.password));
    expect(admin.version).toBe('2.12.2');
  });
});

describe('MLflow 3 behind basic-auth, through Query.backend', () => {
  it('reports the version, the server features and the RBAC permission API it does not serve', async () => {
    const stack = await startStack({ emulator: { auth: true, mlflowVersion: '3.14.0' } });
    try {
      const result = await stack.query(
        `{ backend { kind version serverInfo permissionService probes } }`,
        {},
        asUser(ADMIN),
      );
      expect(result.errors).toBeUndefined();
      expect(result.data.backend).toMatchObject({
        kind: 'MLFLOW',
        version: '3.14.0',
        permissionService: 'mlflow-rbac',
      });
      expect(JSON.parse(result.data.backend.serverInfo)).toEqual({ store_type: 'SqlStore', workspaces_enabled: false });
      expect(result.data.backend.probes.some((p: string) => /server-info → 200/.test(p))).toBe(true);
    } finally {
      await stack.close();
    }
  });

  it('says mlflow-rbac once users/get turned out to be gone, whatever the version', async () => {
    const stack = await startStack({ emulator: { auth: true } });
    try {
      stack.emulator.setFaults([
        {
          endpoint: 'GET /api/2.0/mlflow/users/get',
          status: 404,
          errorCode: 'ENDPOINT_NOT_FOUND',
          message: 'Not found',
        },
      ]);
      const admin = asUser(ADMIN);
      const refused = await stack.query(`{ experimentByName(name: "Default") { name } }`, {}, admin);
      expect(refused.errors?.[0]?.extensions?.code).toBe('UNSUPPORTED_BY_BACKEND');
      const result = await stack.query(`{ backend { permissionService } }`, {}, admin);
      expect(result.data.backend.permissionService).toBe('mlflow-rbac');
    } finally {
      await stack.close();
    }
  });
});
