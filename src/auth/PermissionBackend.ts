import type { PermissionLevel } from './PermissionLevel.js';
import type { PermissionRequest } from './PermissionRequest.js';
import type { Resource } from './Resource.js';

/** Who a grant is for. */
export interface Grantee {
  kind: 'user' | 'group' | 'servicePrincipal';
  name: string;
}

/** One entry of an access control list. */
export interface AclEntry {
  grantee: Grantee;
  level: PermissionLevel;
  /** True when the level comes from a parent object (Databricks folders, workspace). */
  inherited: boolean;
  inheritedFrom: string | undefined;
}

/** An object's access control list, as much of it as the service lets the caller read. */
export interface ObjectAcl {
  entries: AclEntry[];
  /** False when `entries` is only part of the list (MLflow basic-auth without a readable user list: the caller's own). */
  complete: boolean;
  /** The level of everyone without an entry (MLflow basic-auth's default permission); undefined where there is none. */
  defaultLevel: PermissionLevel | undefined;
}

/** The caller as the permission service knows them (verified). */
export interface CallerIdentity {
  username: string | undefined;
  email: string | undefined;
}

/** Which permission service decides. */
export type PermissionBackendKind = 'mlflow-basic-auth' | 'databricks' | 'gitlab' | 'http' | 'none';

/**
 * One interface over the permission services beside MLflow. Levels are always the caller's own, computed
 * with the caller's credentials (or their verified identity); nothing here is shared between callers. What a
 * backend knows of one caller lives in its {@link PermissionSession}, one per request.
 */
export interface PermissionBackend {
  readonly kind: PermissionBackendKind;
  /** Why this backend was chosen, when that matters to an operator (a `none` backend: what the probe found). */
  readonly reason?: string;
  /** A `none` backend: false when an auth layer refused the anonymous probe (anonymous callers then never write). */
  readonly anonymousWrites?: boolean;
  /** What `Query.backend` reports when it says more than `kind` (basic-auth that turned out to be MLflow's RBAC). */
  readonly reportedKind?: string;
  /** The concrete backend (a detecting backend answers once it knows which service is there). */
  resolve(): Promise<PermissionBackend>;
  /**
   * This caller's session for one request: what it learns of them (profile, identity, answers) is kept in the
   * session and dropped with the request. The authorizer makes one per request.
   */
  session(request: PermissionRequest): PermissionSession;
}

/** A permission backend's dealings with one caller during one request (see {@link PermissionBackend.session}). */
export interface PermissionSession {
  /**
   * The caller's level on each resource, in order. `undefined` means "no permission service: the backend
   * alone enforces" (kind none). An Error for a resource the service could not answer for.
   */
  viewerLevels(resources: readonly Resource[]): Promise<(PermissionLevel | undefined | Error)[]>;
  /**
   * For services that answer "may the caller do X?" rather than "what is the caller's level?": whether the
   * caller holds at least `required` on each resource, in order (an Error where the service could not say).
   * When present, the authorizer's checks use it and viewerLevels serves only viewerPermission.
   */
  viewerAllows?(checks: readonly { resource: Resource; required: PermissionLevel }[]): Promise<(boolean | Error)[]>;
  /** Throws UNAUTHENTICATED for a known caller this backend still cannot decide for (e.g. an unverified identity). */
  requireCaller?(): void;
  /**
   * The scopes the service grants the caller's credential (`read`, `write`), where it knows them better than the
   * gateway can (GitLab's `read_api` tokens look like any other). Absent: the gateway's own reading stands.
   */
  scopes?(): Promise<readonly string[]>;
  /**
   * The caller's own grant on `resource` just changed (they created it, and the backend made them its manager):
   * forget what is cached of their levels, so their next check — even in the same request — sees the grant.
   */
  forgetCaller?(resource: Resource): Promise<void>;
  /**
   * Behind a trusted proxy: grant the proxied caller what the backend grants the creator of `resource` (MLflow
   * basic-auth and Databricks make the creator its manager, but they saw the service's credentials).
   */
  grantCreator?(resource: Resource): Promise<void>;
  /**
   * Starts fetching what this caller's checks will need (their profile, identity or role), so the first check
   * does not wait behind the request's first upstream call. Never throws: a failure surfaces at the check.
   */
  prefetch?(): void;
  /**
   * Who the service says the caller is, proving their credentials on the way: a credential it rejects throws
   * UNAUTHENTICATED. Absent: nothing here verifies credentials, and the gateway's reading of them stands.
   */
  identify?(): Promise<CallerIdentity>;
  /**
   * Throws FORBIDDEN (with the reason) unless the caller may create a `kind` object, where the service decides that
   * without an object to check (GitLab's project role). Absent: creating needs no level here.
   */
  requireCreate?(kind: Resource['kind']): Promise<void>;
  /** Whether the caller is an administrator of the backend. */
  isAdmin(): Promise<boolean>;
  /** The access control list of a resource (all of it, or as much as the caller may read: see ObjectAcl.complete). */
  acl(resource: Resource): Promise<ObjectAcl>;
  /** Grants or changes a grantee's level. */
  setPermission(resource: Resource, grantee: Grantee, level: PermissionLevel): Promise<void>;
  /** Removes a grantee's direct grant. */
  revokePermission(resource: Resource, grantee: Grantee): Promise<void>;
}
