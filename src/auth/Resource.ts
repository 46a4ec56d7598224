/** An object permissions are granted on. Runs inherit their experiment's, versions their model's. */
export type Resource = { kind: 'experiment'; id: string } | { kind: 'registeredModel'; name: string };

/** A stable string key for a resource (memo and cache keys). */
export function resourceKey(resource: Resource): string {
  return resource.kind === 'experiment' ? `experiment:${resource.id}` : `registeredModel:${resource.name}`;
}
