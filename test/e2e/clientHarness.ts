// Helpers of the typed-client e2e tests: run the project's CLIs (codegen, tsc, tsx) as child processes, and
// record what the client sends over HTTP.
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { projectRoot } from '../../src/gateway/supergraphConfig.js';

/** How a child process ended. */
export interface ProcessResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `node_modules/.bin/<bin>` from the repository root, asynchronously (the gateway under test runs in this
 * process, so a synchronous spawn would starve it).
 */
export function runBin(
  bin: string,
  args: readonly string[],
  env: Record<string, string> = {},
  timeoutMs = 120_000,
): Promise<ProcessResult> {
  return runCommand(join(projectRoot, 'node_modules/.bin', bin), args, { env, timeoutMs });
}

/**
 * Runs `command` (a path, or a name looked up on PATH with this Node first on it) in `cwd` (default: the
 * repository root), asynchronously; kills it after `timeoutMs`.
 */
export function runCommand(
  command: string,
  args: readonly string[],
  options: { cwd?: string; env?: Record<string, string>; timeoutMs?: number } = {},
): Promise<ProcessResult> {
  const { cwd = projectRoot, env = {}, timeoutMs = 120_000 } = options;
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd,
      env: {
        ...process.env,
        PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ''}`,
        NODE_OPTIONS: '',
        APOLLO_TELEMETRY_DISABLED: 'true',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** One POST the client made, and the status it got back. */
export interface RecordedRequest {
  operationName: string | undefined;
  hasQuery: boolean;
  sha256Hash: string | undefined;
  status: number;
}

/** A fetch that records every GraphQL POST (for asserting the APQ exchange) and passes it on. */
export function recordingFetch(): { fetch: typeof globalThis.fetch; requests: RecordedRequest[] } {
  const requests: RecordedRequest[] = [];
  const recording: typeof globalThis.fetch = async (input, init) => {
    const body = JSON.parse(String(init?.body ?? '{}')) as {
      operationName?: string;
      query?: string;
      extensions?: { persistedQuery?: { sha256Hash?: string } };
    };
    const response = await globalThis.fetch(input, init);
    requests.push({
      operationName: body.operationName,
      hasQuery: typeof body.query === 'string',
      sha256Hash: body.extensions?.persistedQuery?.sha256Hash,
      status: response.status,
    });
    return response;
  };
  return { fetch: recording, requests };
}
