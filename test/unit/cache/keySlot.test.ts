import { keySlot } from '../../../src/cache/keySlot.js';
import { cacheKey } from '../../../src/cache/cacheKey.js';

describe('keySlot', () => {
  it('matches the slots Redis Cluster computes', () => {
    // Values from CLUSTER KEYSLOT on a real server (also checked against one in test/integration/cache).
    expect(keySlot('123456789')).toBe(0x31c3 % 16384);
    expect(keySlot('foo')).toBe(12182);
    expect(keySlot('somekey')).toBe(11058);
  });

  it('hashes only the first non-empty {tag}', () => {
    expect(keySlot('{user1000}.following')).toBe(keySlot('user1000'));
    expect(keySlot('{user1000}.followers')).toBe(keySlot('{user1000}.following'));
    // An empty first tag means no tag at all: the whole key is hashed (value from CLUSTER KEYSLOT).
    expect(keySlot('foo{}{bar}')).toBe(8363);
    expect(keySlot('foo{{bar}}zap')).toBe(keySlot('{bar'));
  });

  it('puts every key of one namespace in one slot, whatever scope and id', () => {
    const slot = keySlot(cacheKey({ namespace: 'run', id: 'a' }));
    for (const id of ['b', 'c{d}', 'x:y:z', '0123456789abcdef']) {
      expect(keySlot(`staging:${cacheKey({ namespace: 'run', id, scope: 'pabc' })}`)).toBe(slot);
    }
  });
});
