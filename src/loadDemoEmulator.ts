// The demo (`npm start` with no MLFLOW_TRACKING_URI) runs the MLflow emulator in-process. The emulator is its own
// workspace package (packages/mlflow-emulator), installed with the development dependencies and never part of the
// production build or image: it is loaded here by a name held in a variable, which tsc does not follow, so
// `tsc -p tsconfig.build.json` neither compiles nor needs it (test/unit/deploy/buildOutput.test.ts checks).
import { ConfigError } from './config.js';

/** The emulator package's name, as development installs it (a workspace link). */
export const EMULATOR_PACKAGE: string = '@mlflow-supergraph/mlflow-emulator';

/** The part of the emulator package the demo uses; test/unit/loadDemoEmulator.test.ts checks the package has it. */
export interface DemoEmulatorModule {
  /** The MLflow 3 release the emulator's 3.x mode answers as (`--demo mlflow3`). */
  readonly MLFLOW3_VERSION: string;
  startEmulator(options: {
    seed: 'demo';
    auth: boolean;
    databricks: boolean;
    gitlab: boolean;
    mlflowVersion?: string;
  }): Promise<{
    /** What the gateway takes as MLFLOW_TRACKING_URI. */
    readonly trackingUri: string;
    close(): Promise<void>;
  }>;
}

/** True when `error` is the module loader's "not installed" for `specifier` (Node's and Jest's wording differ). */
function isNotInstalled(error: unknown, specifier: string): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  return (
    (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') &&
    typeof message === 'string' &&
    message.includes(`'${specifier}'`)
  );
}

/**
 * Loads the emulator for the demo; a ConfigError saying what to do when it is not installed (a production install
 * or image without MLFLOW_TRACKING_URI). `specifier` is a parameter so a test can name a package that is absent.
 */
export async function loadDemoEmulator(specifier: string = EMULATOR_PACKAGE): Promise<DemoEmulatorModule> {
  try {
    return (await import(specifier)) as DemoEmulatorModule;
  } catch (error) {
    if (!isNotInstalled(error, specifier)) throw error;
    throw new ConfigError(
      `MLFLOW_TRACKING_URI is not set and the demo emulator (${specifier}) is not installed: set MLFLOW_TRACKING_URI to your MLflow server, or install the development dependencies (npm ci) to run the demo`,
    );
  }
}
