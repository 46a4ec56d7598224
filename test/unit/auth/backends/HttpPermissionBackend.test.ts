import { actionFor, decide, fullLevel, learn } from '../../../../src/auth/backends/http/PermissionKnowledge.js';
import { PERMISSION_LEVELS, type PermissionLevel } from '../../../../src/auth/PermissionLevel.js';
import { parseAnswer } from '../../../../src/upstream/permission-service/PermissionServiceClient.js';

const blank = () => ({ level: undefined as PermissionLevel | undefined, answers: {}, failures: {} });

describe('custom permission service: from answers to levels', () => {
  it('asks the action a level needs: CAN_READ → read, CAN_USE/CAN_EDIT → write, above → manage', () => {
    expect(PERMISSION_LEVELS.map((level) => [level, actionFor(level)])).toEqual([
      ['NO_PERMISSIONS', 'read'],
      ['CAN_READ', 'read'],
      ['CAN_USE', 'write'],
      ['CAN_EDIT', 'write'],
      ['CAN_MANAGE_STAGING_VERSIONS', 'manage'],
      ['CAN_MANAGE_PRODUCTION_VERSIONS', 'manage'],
      ['CAN_MANAGE', 'manage'],
    ]);
  });

  it('uses a given level for every later check on the object', () => {
    const known = blank();
    learn(known, 'read', { allowed: true, level: 'CAN_EDIT' });
    expect(decide(known, 'CAN_READ')).toBe(true);
    expect(decide(known, 'CAN_EDIT')).toBe(true);
    expect(decide(known, 'CAN_MANAGE')).toBe(false);
    expect(fullLevel(known)).toBe('CAN_EDIT');
  });

  it('reads `allowed` alone as the highest level of its action, and no more', () => {
    const known = blank();
    learn(known, 'write', { allowed: true });
    expect(decide(known, 'CAN_READ')).toBe(true); // write allowed implies read
    expect(decide(known, 'CAN_EDIT')).toBe(true);
    expect(decide(known, 'CAN_MANAGE_STAGING_VERSIONS')).toBeUndefined(); // not known: must be asked
    expect(fullLevel(known)).toEqual(['manage']);
    learn(known, 'read', { allowed: true });
    learn(known, 'manage', { allowed: false });
    expect(fullLevel(known)).toBe('CAN_EDIT');
  });

  it('asks read first, then everything above it in one round', () => {
    const known = blank();
    expect(fullLevel(known)).toEqual(['read']);
    learn(known, 'read', { allowed: true });
    expect(fullLevel(known)).toEqual(['write', 'manage']);
    learn(known, 'write', { allowed: true });
    learn(known, 'manage', { allowed: true });
    expect(fullLevel(known)).toBe('CAN_MANAGE');
    const denied = blank();
    learn(denied, 'read', { allowed: false });
    expect(fullLevel(denied)).toBe('NO_PERMISSIONS');
    expect(decide(denied, 'CAN_MANAGE')).toBe(false); // a denial below denies everything above
  });

  it('resolves contradictions to the lower reading', () => {
    // allowed:false with a level that would allow it: capped below the action.
    const capped = blank();
    learn(capped, 'write', { allowed: false, level: 'CAN_MANAGE' });
    expect(capped.level).toBe('CAN_READ');
    expect(decide(capped, 'CAN_EDIT')).toBe(false);
    // allowed:true with a level too low for the action: the level stands.
    const low = blank();
    learn(low, 'read', { allowed: true, level: 'NO_PERMISSIONS' });
    expect(decide(low, 'CAN_READ')).toBe(false);
    // A lower denial beats a higher grant from a confused service.
    const confused = blank();
    learn(confused, 'read', { allowed: false });
    learn(confused, 'manage', { allowed: true });
    expect(decide(confused, 'CAN_READ')).toBe(false);
    expect(decide(confused, 'CAN_MANAGE')).toBe(false);
    expect(fullLevel(confused)).toBe('NO_PERMISSIONS');
    // Two levels for one object: the lower one.
    const two = blank();
    learn(two, 'read', { allowed: true, level: 'CAN_MANAGE' });
    learn(two, 'write', { allowed: true, level: 'CAN_EDIT' });
    expect(two.level).toBe('CAN_EDIT');
  });
});

describe('custom permission service: answers validated at the boundary', () => {
  it('accepts {"allowed": bool} with an optional known level (null = absent)', () => {
    expect(parseAnswer({ allowed: true })).toEqual({ allowed: true });
    expect(parseAnswer({ allowed: false, level: 'CAN_READ' })).toEqual({ allowed: false, level: 'CAN_READ' });
    expect(parseAnswer({ allowed: true, level: null, extra: 1 })).toEqual({ allowed: true });
  });

  it.each([
    [null, 'got null'],
    [[], 'got an array'],
    ['yes', 'got a string'],
    [{}, 'got no "allowed"'],
    [{ allowed: 'true' }, 'got a string'],
    [{ allowed: 1 }, 'got a number'],
    [{ allowed: true, level: 'SUPERUSER' }, 'got "SUPERUSER"'],
    [{ allowed: true, level: 'can_read' }, 'got "can_read"'],
    [{ allowed: true, level: 3 }, 'got a number'],
  ])('refuses %j (fails closed, says what was expected)', (value, got) => {
    expect(() => parseAnswer(value)).toThrow(
      expect.objectContaining({ name: 'UpstreamError', failure: 'malformed', message: expect.stringContaining(got) }),
    );
  });
});
