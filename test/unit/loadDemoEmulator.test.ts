// The demo loads the emulator package by a name tsc does not follow; this checks the package still provides what
// main uses (at compile time, below) and that an install without it fails with a ConfigError saying what to do.
import { spawnSync } from 'node:child_process';
import * as emulatorPackage from '@mlflow-supergraph/mlflow-emulator';
import { ConfigError } from '../../src/config.js';
import { EMULATOR_PACKAGE, loadDemoEmulator, type DemoEmulatorModule } from '../../src/loadDemoEmulator.js';

// `npm run typecheck` fails here if the package's startEmulator no longer fits what main calls.
const provided: DemoEmulatorModule = emulatorPackage;

const ABSENT = '@mlflow-supergraph/not-installed';
const ADVICE =
  /MLFLOW_TRACKING_URI is not set and the demo emulator \(@mlflow-supergraph\/not-installed\) is not installed: set MLFLOW_TRACKING_URI .*install the development dependencies/;

describe('loadDemoEmulator', () => {
  it('loads the workspace package, where development installs it', async () => {
    expect(EMULATOR_PACKAGE).toBe('@mlflow-supergraph/mlflow-emulator');
    const loaded = await loadDemoEmulator();
    expect(loaded.startEmulator).toBe(provided.startEmulator);
  });

  it('without the package: a ConfigError naming both ways out', async () => {
    const failure = loadDemoEmulator(ABSENT);
    await expect(failure).rejects.toBeInstanceOf(ConfigError);
    await expect(failure).rejects.toThrow(ADVICE);
  });

  it('without the package, under Node itself (its loader words the error differently from Jest)', () => {
    const script = `import { loadDemoEmulator } from './src/loadDemoEmulator.ts';
      await loadDemoEmulator('${ABSENT}').then(() => console.log('loaded'), (e) => console.log(e.name + ': ' + e.message));`;
    const run = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: process.cwd(),
      env: { ...process.env, NODE_OPTIONS: '' },
      encoding: 'utf8',
    });
    expect(run.stderr).toBe('');
    expect(run.stdout).toMatch(new RegExp(`^ConfigError: ${ADVICE.source}`));
  });
});
