// GraphQL over HTTP for tests: one way to POST an operation (or a deliberately odd body) and read the answer.

/** A GraphQL response body. */
export interface GraphQLResponse<T> {
  data?: T | null;
  errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, any> }[];
}

/** POSTs one GraphQL operation as JSON; returns the parsed body, or throws with the status when it is not JSON. */
export async function postGraphQL<T = any>(
  url: string,
  query: string,
  variables?: Record<string, unknown>,
  headers: Record<string, string> = {},
): Promise<GraphQLResponse<T>> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  const text = await response.text();
  try {
    return JSON.parse(text) as GraphQLResponse<T>;
  } catch {
    throw new Error(`gateway answered HTTP ${response.status} with non-JSON: ${text.slice(0, 200)}`);
  }
}

/**
 * POSTs `body` as JSON (a GraphQL request, an APQ hash, a malformed request) and returns the HTTP status with the
 * parsed answer: for tests that assert on the status as well as the body.
 */
export async function postJson<T = any>(
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: T }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as T };
}
