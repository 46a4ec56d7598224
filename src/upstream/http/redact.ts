const SECRET_HEADER =
  /^(authorization|proxy-authorization|cookie|set-cookie|x-databricks-.*token.*|x-supergraph-signature)$/i;

/** Replaces credential-bearing header values with `[REDACTED]`, for logs and error causes. */
export function redactHeaders(headers: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(headers)) out[name] = SECRET_HEADER.test(name) ? '[REDACTED]' : value;
  return out;
}

/** Removes `user:password@` from a URL and any token-like query parameter, so a URL can be logged. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.username || parsed.password) {
      parsed.username = '';
      parsed.password = '';
    }
    for (const key of [...parsed.searchParams.keys()]) {
      if (/token|password|secret/i.test(key)) parsed.searchParams.set(key, '[REDACTED]');
    }
    return parsed.toString();
  } catch {
    return '[unparseable url]';
  }
}

/** Strips anything that looks like a credential from a free-text message (upstream bodies may echo them). */
export function redactText(text: string): string {
  return text
    .replace(/(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi, '$1 [REDACTED]')
    .replace(/\bdapi[a-z0-9-]{6,}/gi, '[REDACTED]');
}
