// The client package carries a generated copy of the permission scale's order (scripts/clientConstants.ts writes it
// from src/auth/PermissionLevel.ts; the composed schema lists enum values alphabetically): this checks the copy the
// package really exports, and `permits` built on it, against the server's scale.
import { permissionLevels, permits } from '@mlflow-supergraph/client';
import { atLeast, PERMISSION_LEVELS } from '../../../src/auth/PermissionLevel.js';

describe('the client package permission levels', () => {
  it("are the server's scale, lowest first", () => {
    expect([...permissionLevels]).toEqual([...PERMISSION_LEVELS]);
  });

  it('order `permits` as the server orders its checks', () => {
    for (const held of PERMISSION_LEVELS)
      for (const needed of PERMISSION_LEVELS) expect(permits(held, needed)).toBe(atLeast(held, needed));
  });
});
