import { ConfigError } from './ConfigError.js';
import { read, type Env } from './env.js';

/**
 * CORS_ORIGINS, validated and lower-cased: exact origins, `scheme://host:*` or `*` (refused in production, where
 * any origin with credentials would let every web page read what its visitor may read here). Unset: localhost and
 * 127.0.0.1 on any port in development, none in production.
 */
export function corsOrigins(env: Env, production: boolean): string[] {
  const raw = read(env, 'CORS_ORIGINS');
  if (raw === undefined) return production ? [] : ['http://localhost:*', 'http://127.0.0.1:*'];
  const entries = raw
    .split(',')
    .map((entry) => entry.trim().replace(/\/+$/, ''))
    .filter(Boolean);
  for (const entry of entries) {
    if (entry === '*') {
      // Any origin with credentials lets every web page read what its visitor may read here.
      if (production)
        throw new ConfigError(
          "CORS_ORIGINS=* (any origin) is refused when NODE_ENV=production: list the frontends' origins",
        );
      continue;
    }
    const anyPort = entry.endsWith(':*');
    let parsed: URL | undefined;
    try {
      parsed = new URL(anyPort ? entry.slice(0, -2) : entry);
    } catch {
      parsed = undefined;
    }
    const bare = parsed && (anyPort ? `${parsed.protocol}//${parsed.hostname}` : parsed.origin);
    if (
      !parsed ||
      (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') ||
      bare !== (anyPort ? entry.slice(0, -2) : entry).toLowerCase()
    ) {
      throw new ConfigError(
        `CORS_ORIGINS entries must be origins such as https://app.example.com or http://localhost:* (no path), got "${entry}"`,
      );
    }
  }
  return entries.map((entry) => entry.toLowerCase());
}
