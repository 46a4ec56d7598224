// Which MLflow the emulator answers as. The default is the recorded 2.12.2; `3.x` (the recorded 3.11.1)
// switches on MLflow 3's behaviour: its extra endpoints (logged models, server-info, ...) and the places
// where 3.x answers the 2.x surface differently (run inputs/outputs, metric history, user list, ...).

/** The version answered when none is configured (the recorded MLflow 2.12.2). */
export const DEFAULT_MLFLOW_VERSION = '2.12.2';
/** The MLflow 3 release the 3.x corpus was recorded from (what `--mlflow-version 3` stands for). */
export const MLFLOW3_VERSION = '3.11.1';

/** `major.minor[.patch]` with an optional pre-release or dev suffix (`3.0.0rc1`, `3.1.0.dev0`). */
const VERSION = /^(\d+)\.(\d+)(?:\.\d+)?(?:\.?(?:rc|a|b|dev|post)\d+)?$/;

/** Validates a version string (`2.12.2`, `3.11.1`, `3.0.0rc1`); throws saying what was expected. */
export function parseMlflowVersion(version: string): { readonly major: number; readonly minor: number } {
  const match = VERSION.exec(version);
  if (!match) throw new TypeError(`expected an MLflow version like 2.12.2 or 3.11.1, got ${JSON.stringify(version)}`);
  const major = Number(match[1]);
  if (major !== 2 && major !== 3) throw new TypeError(`expected MLflow 2.x or 3.x, got ${version}`);
  return { major, minor: Number(match[2]) };
}

/** True when the emulator answers as MLflow 3 (any 3.x version). */
export function isMlflow3(settings: { readonly mlflowVersion: string }): boolean {
  return parseMlflowVersion(settings.mlflowVersion).major >= 3;
}
