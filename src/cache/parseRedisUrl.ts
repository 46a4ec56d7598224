/** One seed node of a Redis Cluster. */
export interface RedisNodeAddress {
  host: string;
  port: number;
}

/** Where and how to connect, parsed from a `REDIS_URL`-style string. */
export type RedisTarget =
  | {
      mode: 'single';
      /** The URL as given (ioredis parses credentials, db and `rediss:` TLS from it). */
      url: string;
      /** The URL with credentials removed, safe for logs and error messages. */
      display: string;
    }
  | {
      mode: 'cluster';
      nodes: RedisNodeAddress[];
      username?: string;
      password?: string;
      tls: boolean;
      display: string;
    };

const defaultPort = 6379;

/**
 * Parses `redis://`, `rediss://` (single node) and `redis+cluster://` / `rediss+cluster://host:port,host:port`
 * (Cluster seed nodes). `cluster: true` turns a plain URL into a one-seed Cluster connection, for providers that
 * hand out a single configuration endpoint. Errors name what was expected and never echo credentials.
 */
export function parseRedisUrl(url: string, options: { cluster?: boolean } = {}): RedisTarget {
  const display = redactRedisUrl(url);
  const clusterMatch = /^(rediss?)\+cluster:\/\/(.*)$/i.exec(url);
  if (clusterMatch) {
    const [, scheme = 'redis', rest = ''] = clusterMatch;
    return parseClusterUrl(scheme.toLowerCase() === 'rediss', rest, display);
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new TypeError(`Redis URL: expected redis://, rediss:// or redis+cluster://host:port,…, got "${display}"`);
  }
  const protocol = parsed.protocol.toLowerCase();
  if (protocol !== 'redis:' && protocol !== 'rediss:') {
    throw new TypeError(
      `Redis URL: expected scheme redis:, rediss:, redis+cluster: or rediss+cluster:, got "${parsed.protocol}"`,
    );
  }
  if (!parsed.hostname) throw new TypeError(`Redis URL: expected a host, got "${display}"`);
  if (!options.cluster) return { mode: 'single', url, display };
  return {
    mode: 'cluster',
    nodes: [{ host: parsed.hostname.replace(/^\[|\]$/g, ''), port: parsePort(parsed.port, display) }],
    ...credentials(parsed.username, parsed.password),
    tls: protocol === 'rediss:',
    display,
  };
}

/** The URL with its user/password and query string replaced by `***`, for logs. */
export function redactRedisUrl(url: string): string {
  const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(url)?.[0] ?? '';
  const rest = url.slice(scheme.length);
  const authorityEnd = rest.search(/[/?#]/);
  const authority = authorityEnd === -1 ? rest : rest.slice(0, authorityEnd);
  // The last '@' ends the userinfo: an unencoded '@' inside a password must not leave its tail visible.
  const at = authority.lastIndexOf('@');
  const redacted = at === -1 ? url : `${scheme}***${rest.slice(at)}`;
  // ioredis also reads options (password among them) from the query string: hide it wholesale.
  return redacted.replace(/\?.*$/s, '?***');
}

function parseClusterUrl(tls: boolean, rest: string, display: string): RedisTarget {
  // The authority ends at the first '/', '?' or '#'; a database path means nothing to a Cluster (db 0 only).
  const authority = rest.split(/[/?#]/, 1)[0] ?? '';
  const at = authority.lastIndexOf('@');
  const userinfo = at === -1 ? '' : authority.slice(0, at);
  const hostList = at === -1 ? authority : authority.slice(at + 1);
  const nodes = hostList.split(',').map((entry) => parseHostPort(entry.trim(), display));
  if (nodes.length === 0 || hostList.trim() === '') {
    throw new TypeError(`Redis URL: expected at least one host:port after redis+cluster://, got "${display}"`);
  }
  const colon = userinfo.indexOf(':');
  const username = colon === -1 ? userinfo : userinfo.slice(0, colon);
  const password = colon === -1 ? '' : userinfo.slice(colon + 1);
  return { mode: 'cluster', nodes, ...credentials(username, password), tls, display };
}

function parseHostPort(entry: string, display: string): RedisNodeAddress {
  const match = /^(\[[0-9a-f:.]+\]|[^:[\]]+)(?::(\d*))?$/i.exec(entry);
  if (!match) {
    throw new TypeError(`Redis URL: expected host:port in a Cluster node list, got "${entry}" in "${display}"`);
  }
  const [, host = '', port = ''] = match;
  return { host: host.replace(/^\[|\]$/g, ''), port: parsePort(port, display) };
}

function parsePort(port: string, display: string): number {
  if (port === '') return defaultPort;
  const value = Number(port);
  if (!Number.isInteger(value) || value < 1 || value > 65535) {
    throw new TypeError(`Redis URL: expected a port between 1 and 65535, got "${port}" in "${display}"`);
  }
  return value;
}

function credentials(username: string, password: string): { username?: string; password?: string } {
  return {
    ...(username ? { username: decodeURIComponent(username) } : {}),
    ...(password ? { password: decodeURIComponent(password) } : {}),
  };
}
