// Whose artifacts a listing or a download reads. Every artifact code path (the listing loader, the signed download
// URLs, the gateway's download route, the upstream client) takes a root rather than a run id, so MLflow 3's logged
// models become one more member here and one more case in each exhaustive switch (the compiler lists them).

/** The owner of an artifact tree: a run, or an MLflow 3 logged model (`m-…`). */
export type ArtifactRoot = { readonly kind: 'run' | 'loggedModel'; readonly id: string };

/** A root's kind, as it appears in a download URL (`/artifacts/v1/<kind>/<id>/<path>`). */
export type ArtifactRootKind = ArtifactRoot['kind'];

/** The kinds a download URL may name (anything else is refused before any upstream call). */
export const artifactRootKinds: readonly ArtifactRootKind[] = ['run', 'loggedModel'];

/** A root and the experiment it belongs to: whose permission governs its artifacts. */
export interface ArtifactLocation {
  readonly root: ArtifactRoot;
  readonly experimentId: string;
}

/** A stable string for memo and cache keys. */
export function rootKey(root: ArtifactRoot): string {
  return `${root.kind}:${root.id}`;
}
