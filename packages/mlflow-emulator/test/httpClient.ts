// Minimal HTTP helpers for the emulator's unit tests (fetch against 127.0.0.1).

/** A decoded response. */
export interface TestResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  /** The body as JSON (throws when it is not JSON). */
  json<T = Record<string, unknown>>(): T;
}

/** Options of {@link call}. */
export interface CallOptions {
  readonly method?: string;
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
  readonly basic?: { readonly username: string; readonly password: string };
  readonly bearer?: string;
  readonly signal?: AbortSignal;
}

/** Calls the emulator; JSON bodies are serialised with an application/json content type. */
export async function call(baseUrl: string, path: string, options: CallOptions = {}): Promise<TestResponse> {
  const headers: Record<string, string> = { ...options.headers };
  let body: string | undefined;
  if (options.body !== undefined) {
    body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
    headers['content-type'] ??= 'application/json';
  }
  if (options.basic) {
    headers['authorization'] =
      `Basic ${Buffer.from(`${options.basic.username}:${options.basic.password}`).toString('base64')}`;
  }
  if (options.bearer) headers['authorization'] = `Bearer ${options.bearer}`;
  const response = await fetch(`${baseUrl}${path}`, {
    method: options.method ?? (body === undefined ? 'GET' : 'POST'),
    headers,
    ...(body !== undefined ? { body } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    text,
    json: <T>() => JSON.parse(text) as T,
  };
}

/** A query string from pairs (repeated keys allowed). */
export function qs(pairs: ReadonlyArray<readonly [string, string | number]>): string {
  const params = new URLSearchParams();
  for (const [key, value] of pairs) params.append(key, String(value));
  return `?${params.toString()}`;
}
