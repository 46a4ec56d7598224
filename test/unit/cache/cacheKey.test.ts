import { CACHE_FORMAT_VERSION, cacheKey, principalScope as keyedScope } from '../../../src/cache/cacheKey.js';
import { basicAuth } from '../../helpers/auth.js';

const KEY = 'k'.repeat(32);
/** Every scope is keyed now; the tests below use one fixed server key unless they compare keys. */
const principalScope = (principal: string, key: string = KEY) => keyedScope(principal, key);

describe('cacheKey', () => {
  it('builds versioned keys with the namespace as hash tag and a shared scope by default', () => {
    expect(CACHE_FORMAT_VERSION).toBeGreaterThanOrEqual(1);
    expect(cacheKey({ namespace: 'run', id: 'abc123' })).toBe(`msg:v${CACHE_FORMAT_VERSION}:{run}:shared:abc123`);
  });

  it('embeds the format version, so bumping it changes every key', () => {
    const key = cacheKey({ namespace: 'experiment', id: '7' });
    expect(key.startsWith(`msg:v${CACHE_FORMAT_VERSION}:`)).toBe(true);
    expect(key.replace(`:v${CACHE_FORMAT_VERSION}:`, `:v${CACHE_FORMAT_VERSION + 1}:`)).not.toBe(key);
  });

  it('keeps ids verbatim as the last segment, colons and braces included', () => {
    expect(cacheKey({ namespace: 'modelVersion', id: 'my:model{x}/3' })).toBe(
      `msg:v${CACHE_FORMAT_VERSION}:{modelVersion}:shared:my:model{x}/3`,
    );
  });

  it('puts a scope between namespace and id', () => {
    const scope = principalScope('alice');
    expect(cacheKey({ namespace: 'permission', id: '42', scope })).toBe(
      `msg:v${CACHE_FORMAT_VERSION}:{permission}:${scope}:42`,
    );
  });

  it('rejects malformed parts, saying what was expected', () => {
    expect(() => cacheKey({ namespace: 'ru n', id: '1' })).toThrow(/expected namespace to match .*got "ru n"/);
    expect(() => cacheKey({ namespace: '{run}', id: '1' })).toThrow(/expected namespace/);
    expect(() => cacheKey({ namespace: 'run', id: '' })).toThrow('expected id to be a non-empty string, got ""');
  });

  it('refuses a raw credential as scope without echoing it', () => {
    const credential = 'Bearer eyJhbGciOi.secret-payload.sig';
    let message = '';
    try {
      cacheKey({ namespace: 'run', id: '1', scope: credential });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/expected scope to be an opaque id from principalScope\(\)/);
    expect(message).not.toContain('secret-payload');
  });
});

describe('principalScope', () => {
  it('is a short opaque id that contains no part of the credential', () => {
    const credential = basicAuth('alice', 'hunter2');
    const scope = principalScope(credential);
    expect(scope).toMatch(/^p[A-Za-z0-9_-]{22}$/);
    const key = cacheKey({ namespace: 'run', id: 'r1', scope });
    for (const fragment of [credential, 'hunter2', 'alice', Buffer.from('alice:hunter2').toString('base64')]) {
      expect(key).not.toContain(fragment);
    }
  });

  it('is stable per principal and distinct between principals', () => {
    expect(principalScope('alice')).toBe(principalScope('alice'));
    expect(principalScope('alice')).not.toBe(principalScope('bob'));
    expect(principalScope('alice')).not.toBe(principalScope('Alice'));
  });

  it('is a keyed hash: another server key gives another scope', () => {
    const k1 = '1'.repeat(32);
    const k2 = '2'.repeat(32);
    expect(principalScope('alice', k1)).not.toBe(principalScope('alice'));
    expect(principalScope('alice', k1)).not.toBe(principalScope('alice', k2));
    expect(principalScope('alice', k1)).toBe(principalScope('alice', k1));
  });

  it('is never a bare hash: without a server key it refuses', () => {
    expect(() => keyedScope('alice', undefined as unknown as string)).toThrow('expected a server key');
    expect(() => keyedScope('alice', 'short')).toThrow('expected a server key');
  });

  it('refuses an empty principal (it would silently share one scope between anonymous callers)', () => {
    expect(() => principalScope('')).toThrow('expected a non-empty principal string');
  });
});
