import { parseRedisUrl, redactRedisUrl } from '../../../src/cache/parseRedisUrl.js';

describe('parseRedisUrl', () => {
  it('passes single-node URLs through to ioredis, with a redacted display form', () => {
    expect(parseRedisUrl('redis://:s3cret@cache:6380/2')).toEqual({
      mode: 'single',
      url: 'redis://:s3cret@cache:6380/2',
      display: 'redis://***@cache:6380/2',
    });
    expect(parseRedisUrl('rediss://cache').mode).toBe('single');
  });

  it('reads Cluster seed nodes, credentials and TLS from redis+cluster:// URLs', () => {
    expect(parseRedisUrl('rediss+cluster://app:p%40ss@10.0.0.1:7000,10.0.0.2,[::1]:7002')).toEqual({
      mode: 'cluster',
      nodes: [
        { host: '10.0.0.1', port: 7000 },
        { host: '10.0.0.2', port: 6379 },
        { host: '::1', port: 7002 },
      ],
      username: 'app',
      password: 'p@ss',
      tls: true,
      display: 'rediss+cluster://***@10.0.0.1:7000,10.0.0.2,[::1]:7002',
    });
  });

  it('turns a plain URL into one Cluster seed when asked', () => {
    expect(parseRedisUrl('redis://cfg.example:6379', { cluster: true })).toMatchObject({
      mode: 'cluster',
      nodes: [{ host: 'cfg.example', port: 6379 }],
      tls: false,
    });
  });

  it('rejects other schemes and bad ports without echoing credentials', () => {
    expect(() => parseRedisUrl('http://u:topsecret@cache')).toThrow('expected scheme redis:');
    expect(() => parseRedisUrl('redis+cluster://u:topsecret@a:99999')).toThrow(
      'expected a port between 1 and 65535, got "99999" in "redis+cluster://***@a:99999"',
    );
    expect(() => parseRedisUrl('not a url :topsecret')).toThrow(/expected redis:\/\//);
    for (const url of ['http://u:topsecret@cache', 'redis+cluster://u:topsecret@a:99999', 'u:topsecret@']) {
      try {
        parseRedisUrl(url);
      } catch (error) {
        expect((error as Error).message).not.toContain('topsecret');
      }
    }
  });
});

describe('redactRedisUrl', () => {
  it('hides user info up to the last @ and any query string', () => {
    expect(redactRedisUrl('redis://user:pa@ss@host:1/0')).toBe('redis://***@host:1/0');
    expect(redactRedisUrl('redis://host:1?password=x')).toBe('redis://host:1?***');
    expect(redactRedisUrl('redis://host:1')).toBe('redis://host:1');
  });
});
