// The primitives config is parsed with: each reads one environment variable (trimmed; blank counts as unset) and
// refuses a bad value with a ConfigError that names the variable, says what was expected and what came.

import { ConfigError } from './ConfigError.js';

/** The environment as config reads it (process.env, or a test's object). */
export type Env = Record<string, string | undefined>;

/** A variable's trimmed value; undefined when unset or blank (an empty `FOO=` means "use the default"). */
export function read(env: Env, name: string): string | undefined {
  const value = env[name];
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

/** A whole number in [min, max], or `fallback` when unset. */
export function int(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = read(env, name);
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    throw new ConfigError(`${name} must be an integer from ${min} to ${max}, got "${raw}"`);
  }
  return Number(raw);
}

/** A flag in any of the spellings operators use (1/true/yes/on, 0/false/no/off), or `fallback` when unset. */
export function bool(env: Env, name: string, fallback: boolean): boolean {
  const raw = read(env, name)?.toLowerCase();
  if (raw === undefined) return fallback;
  if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
  if (['0', 'false', 'no', 'off'].includes(raw)) return false;
  throw new ConfigError(`${name} must be true or false, got "${raw}"`);
}

/** An http(s) URL without credentials (they have variables of their own), trailing slashes dropped. */
export function url(env: Env, name: string): string | undefined {
  const raw = read(env, name);
  if (raw === undefined) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new ConfigError(`${name} must be an http(s) URL such as http://127.0.0.1:5000, got "${redact(raw)}"`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new ConfigError(`${name} must be an http(s) URL such as http://127.0.0.1:5000, got "${redact(raw)}"`);
  }
  if (parsed.username || parsed.password) {
    throw new ConfigError(
      `${name} must not contain credentials; use MLFLOW_TRACKING_USERNAME/MLFLOW_TRACKING_PASSWORD`,
    );
  }
  return raw.replace(/\/+$/, '');
}

/** `value` when it is one of `allowed`; else a ConfigError listing them ("must be a, b or c"). */
export function oneOf<T extends string>(name: string, value: string, allowed: readonly T[]): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  const listed = `${allowed.slice(0, -1).join(', ')} or ${allowed.at(-1) ?? ''}`;
  throw new ConfigError(`${name} must be ${listed}, got "${value}"`);
}

/** A comma-separated list, entries trimmed, empty ones dropped (an unset variable is an empty list). */
export function list(env: Env, name: string): string[] {
  return (read(env, name) ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
}

/** A URL with its userinfo replaced, so an error message never repeats a password. */
export function redact(value: string): string {
  return value.replace(/\/\/[^@/]*@/, '//[REDACTED]@');
}
