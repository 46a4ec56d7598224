// Detection against the emulator: what /version and /api/3.0/mlflow/server-info say, with and without
// credentials, probed once per process (single flight) and never guessed.
import { ADMIN, startEmulator, type Emulator } from '../../../src/emulator/index.js';
import { createHttpInstance, defaultHttpInstanceOptions } from '../../../src/upstream/http/createHttpInstance.js';
import { backendProfile } from '../../../src/upstream/profiles/BackendProfile.js';
import { BackendDetector, detectBackend, type BackendDetection } from '../../../src/upstream/profiles/detectBackend.js';
import { basic } from '../../helpers/startStack.js';

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
    expect(detection).toMatchObject({ version: '2.12.2', serverInfo: undefined, basicAuth: false, authenticated: false });
    expect(detection.probes).toEqual(['GET /version → 200: MLflow 2.12.2', 'GET /api/3.0/mlflow/server-info → 404: absent (MLflow < 3)']);
  });

  it('recognises basic-auth without credentials, and reads the version with them', async () => {
    const anonymous = await detectBackend(http(secured.url), backendProfile('mlflow'), secured.url);
    expect(anonymous).toMatchObject({ version: undefined, basicAuth: true });
    expect(anonymous.probes[0]).toMatch(/401: MLflow's basic-auth app/);
    const admin = await detectBackend(http(secured.url), backendProfile('mlflow'), secured.url, basic(ADMIN.username, ADMIN.password));
    expect(admin).toMatchObject({ version: '2.12.2', authenticated: true });
  });

  it('probes once per process, and once more with credentials when anonymous probing told too little', async () => {
    const seen: BackendDetection[] = [];
    const detector = new BackendDetector(http(secured.url), backendProfile('mlflow'), secured.url, (d) => seen.push(d));
    secured.resetCalls();
    const [a, b] = await Promise.all([detector.detect(), detector.detect()]);
    expect(a).toBe(b);
    expect(secured.callCount('GET /version')).toBe(1);
    const withCredentials = await detector.detect(basic(ADMIN.username, ADMIN.password));
    expect(withCredentials).toMatchObject({ version: '2.12.2', basicAuth: true });
    await detector.detect(basic(ADMIN.username, ADMIN.password));
    expect(secured.callCount('GET /version')).toBe(2);
    expect(seen).toHaveLength(2); // each probe logged once
  });

  it('keeps asking when the credentials it was given told nothing', async () => {
    const detector = new BackendDetector(http(secured.url), backendProfile('mlflow'), secured.url, () => undefined);
    const refused = await detector.detect(basic('nobody', 'wrong'));
    expect(refused.version).toBeUndefined();
    const admin = await detector.detect(basic(ADMIN.username, ADMIN.password));
    expect(admin.version).toBe('2.12.2');
  });
});
