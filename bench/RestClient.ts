// The smallest MLflow REST client: what a frontend calling MLflow directly would write. Used to build the
// benchmark's data (as admin, straight at the emulator) and by the hand-written REST waterfalls (as the
// benchmark's user, through the recording proxy).

/** Query-string values: arrays repeat the parameter (`run_ids=a&run_ids=b`), as MLflow expects. */
export type Query = Record<string, string | number | readonly string[] | undefined>;

/** Thrown for a non-2xx answer. */
export class RestError extends Error {
  override readonly name = 'RestError';
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** A client for one MLflow base URL with one caller's credentials. */
export class RestClient {
  constructor(
    private readonly baseUrl: string,
    private readonly authorization: string,
  ) {}

  /** GET `/api/2.0/mlflow/<path>` with a query string. */
  get<T = any>(path: string, query: Query = {}): Promise<T> {
    const params = new URLSearchParams();
    for (const [name, value] of Object.entries(query)) {
      if (value === undefined) continue;
      if (Array.isArray(value)) for (const item of value) params.append(name, item);
      else params.set(name, String(value));
    }
    const search = params.toString();
    return this.send<T>('GET', `${path}${search ? `?${search}` : ''}`);
  }

  /** POST `/api/2.0/mlflow/<path>` with a JSON body. */
  post<T = any>(path: string, body: unknown): Promise<T> {
    return this.send<T>('POST', path, body);
  }

  private async send<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetch(`${this.baseUrl}/api/2.0/mlflow/${path}`, {
      method,
      headers: {
        authorization: this.authorization,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(60_000),
    });
    const text = await response.text();
    if (!response.ok)
      throw new RestError(
        response.status,
        `${method} ${path.split('?')[0]}: HTTP ${response.status} ${text.slice(0, 200)}`,
      );
    return (text ? JSON.parse(text) : {}) as T;
  }
}

/** The `Authorization` header for basic credentials. */
export function basicAuthorization(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
}

/** Runs `fn` over `items` with at most `limit` in flight; results in item order. */
export async function inParallel<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index] as T, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
