import type { Authorizer } from '../auth/authorizer.js';
import type { Resource } from '../auth/Resource.js';

/**
 * Creates an object with the caller's credentials, as every subgraph's create mutation does: refused before the
 * call where the permission service decides who may create that kind (a refused create never reaches MLflow), and
 * afterwards the caller manages the new object at once (the authorizer records the grant and forgets the levels it
 * cached), so their next write does not wait out a cached level.
 */
export async function createAsCaller<T>(
  authorizer: Authorizer,
  kind: Resource['kind'],
  create: () => Promise<T>,
  /** The object `create` made, from what it returned. */
  resourceOf: (created: T) => Resource,
): Promise<T> {
  await authorizer.requireCreate(kind);
  const created = await create();
  await authorizer.created(resourceOf(created));
  return created;
}
