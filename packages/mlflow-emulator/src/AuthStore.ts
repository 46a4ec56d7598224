// Users and permissions of MLflow 2.12's basic-auth app (mlflow/server/auth/sqlalchemy_store.py and
// permissions.py): READ, EDIT, MANAGE, NO_PERMISSIONS per experiment and per registered model name. MLflow 3
// adds USE (the gateway's permission, which reads) and reports scorer permissions on users.
import { MlflowError } from './MlflowError.js';

/** A basic-auth permission name (USE is MLflow 3's, for gateway resources). */
export type PermissionName = 'READ' | 'USE' | 'EDIT' | 'MANAGE' | 'NO_PERMISSIONS';

/** What a permission allows, as in mlflow/server/auth/permissions.py (2.12). */
export interface Permission {
  readonly name: PermissionName;
  readonly canRead: boolean;
  /** MLflow 3: may use a gateway secret, model definition or endpoint (USE and above). */
  readonly canUse: boolean;
  readonly canUpdate: boolean;
  readonly canDelete: boolean;
  readonly canManage: boolean;
}

/** The permissions, in the order MLflow 3 lists them. */
export const PERMISSIONS: Readonly<Record<PermissionName, Permission>> = {
  READ: { name: 'READ', canRead: true, canUse: false, canUpdate: false, canDelete: false, canManage: false },
  USE: { name: 'USE', canRead: true, canUse: true, canUpdate: false, canDelete: false, canManage: false },
  EDIT: { name: 'EDIT', canRead: true, canUse: true, canUpdate: true, canDelete: false, canManage: false },
  MANAGE: { name: 'MANAGE', canRead: true, canUse: true, canUpdate: true, canDelete: true, canManage: true },
  NO_PERMISSIONS: {
    name: 'NO_PERMISSIONS',
    canRead: false,
    canUse: false,
    canUpdate: false,
    canDelete: false,
    canManage: false,
  },
};

/** MLflow 3's per-resource permission tables beside experiments and registered models. */
export type ResourceKind = 'scorer' | 'gateway_secret' | 'gateway_endpoint' | 'gateway_model_definition';

/** A basic-auth user. */
export interface AuthUser {
  readonly id: number;
  readonly username: string;
  password: string;
  isAdmin: boolean;
  /** experiment id → permission. */
  readonly experimentPermissions: Map<string, PermissionName>;
  /** registered model name → permission. */
  readonly registeredModelPermissions: Map<string, PermissionName>;
  /** MLflow 3: `{kind}\u0000{resource id}` (a scorer's id is `{experiment id}\u0000{name}`) → permission. */
  readonly resourcePermissions: Map<string, PermissionName>;
}

/** The permission names a version accepts, in the order its error message lists them. */
function permissionNames(mlflow3: boolean): readonly PermissionName[] {
  return mlflow3 ? ['READ', 'USE', 'EDIT', 'MANAGE', 'NO_PERMISSIONS'] : ['READ', 'EDIT', 'MANAGE', 'NO_PERMISSIONS'];
}

/** `_validate_permission`. */
export function validatePermission(permission: unknown, mlflow3 = false): asserts permission is PermissionName {
  const names = permissionNames(mlflow3);
  if (typeof permission !== 'string' || !names.includes(permission as PermissionName)) {
    throw MlflowError.invalidParameter(
      `Invalid permission '${String(permission)}'. Valid permissions are: (${names.map((name) => `'${name}'`).join(', ')})`,
    );
  }
}

/** The key of a resource permission in `AuthUser.resourcePermissions`. */
function resourceKey(kind: ResourceKind, resourceId: string): string {
  return `${kind}\u0000${resourceId}`;
}

/** How MLflow 3's messages name a resource permission (`Scorer permission with experiment_id=1, scorer_name=s1`). */
function describeResource(kind: ResourceKind, resourceId: string): string {
  switch (kind) {
    case 'scorer': {
      const [experimentId, name] = resourceId.split('\u0000');
      return `Scorer permission with experiment_id=${experimentId}, scorer_name=${name},`;
    }
    case 'gateway_secret':
      return `Gateway secret permission with secret_id=${resourceId}`;
    case 'gateway_endpoint':
      return `Gateway endpoint permission with endpoint_id=${resourceId}`;
    case 'gateway_model_definition':
      return `Gateway model definition permission with model_definition_id=${resourceId}`;
  }
}

/** A scorer's resource id: its experiment and name. */
export function scorerResourceId(experimentId: string, name: string): string {
  return `${experimentId}\u0000${name}`;
}

/** Options for an auth store. */
export interface AuthStoreOptions {
  /** Answer as MLflow 3's basic-auth app (USE, scorer permissions on users, workspace-scoped model grants). */
  readonly mlflow3?: boolean;
}

/** Users and their permission records. */
export class AuthStore {
  readonly users = new Map<string, AuthUser>();
  private nextUserId = 1;
  private readonly mlflow3: boolean;

  constructor(options: AuthStoreOptions = {}) {
    this.mlflow3 = options.mlflow3 ?? false;
  }

  /** users/list (MLflow 3): every user's id and name, in id order. */
  listUsers(): Array<{ id: number; username: string }> {
    return [...this.users.values()]
      .sort((a, b) => a.id - b.id)
      .map((user) => ({ id: user.id, username: user.username }));
  }

  /** users/create. */
  createUser(username: string, password: string, isAdmin = false): AuthUser {
    if (!username) throw MlflowError.invalidParameter('Username cannot be empty.');
    if (!password) throw MlflowError.invalidParameter('Password cannot be empty.');
    if (this.users.has(username)) {
      throw MlflowError.alreadyExists(
        `User (username=${username}) already exists. Error: (sqlite3.IntegrityError) UNIQUE constraint failed: users.username`,
      );
    }
    const user: AuthUser = {
      id: this.nextUserId,
      username,
      password,
      isAdmin,
      experimentPermissions: new Map(),
      registeredModelPermissions: new Map(),
      resourcePermissions: new Map(),
    };
    this.nextUserId += 1;
    this.users.set(username, user);
    return user;
  }

  /** The user, or MLflow's 404. */
  getUser(username: string): AuthUser {
    const user = this.users.get(username);
    if (!user) throw MlflowError.notFound(`User with username=${username} not found`);
    return user;
  }

  /** Basic-auth check: the user when the password matches. */
  authenticate(username: string, password: string): AuthUser | undefined {
    const user = this.users.get(username);
    return user && user.password === password ? user : undefined;
  }

  /** users/update-password and users/update-admin. */
  updateUser(username: string, changes: { password?: string; isAdmin?: boolean }): void {
    const user = this.getUser(username);
    if (changes.password !== undefined) user.password = changes.password;
    if (changes.isAdmin !== undefined) user.isAdmin = changes.isAdmin;
  }

  /** users/delete (the user's permission records go with it). */
  deleteUser(username: string): void {
    this.getUser(username);
    this.users.delete(username);
  }

  /** experiments/permissions/create. */
  createExperimentPermission(
    experimentId: string,
    username: string,
    permission: unknown,
  ): { user: AuthUser; permission: PermissionName } {
    validatePermission(permission, this.mlflow3);
    const user = this.getUser(username);
    if (user.experimentPermissions.has(experimentId)) {
      throw MlflowError.alreadyExists(
        `Experiment permission (experiment_id=${experimentId}, username=${username}) already exists. Error: (sqlite3.IntegrityError) UNIQUE constraint failed: experiment_permissions.experiment_id, experiment_permissions.user_id`,
      );
    }
    user.experimentPermissions.set(experimentId, permission);
    return { user, permission };
  }

  /** experiments/permissions/get. */
  getExperimentPermission(experimentId: string, username: string): { user: AuthUser; permission: PermissionName } {
    const user = this.getUser(username);
    const permission = user.experimentPermissions.get(experimentId);
    if (!permission) {
      throw MlflowError.notFound(
        `Experiment permission with experiment_id=${experimentId} and username=${username} not found`,
      );
    }
    return { user, permission };
  }

  /** experiments/permissions/update. */
  updateExperimentPermission(experimentId: string, username: string, permission: unknown): void {
    validatePermission(permission, this.mlflow3);
    const { user } = this.getExperimentPermission(experimentId, username);
    user.experimentPermissions.set(experimentId, permission);
  }

  /** experiments/permissions/delete. */
  deleteExperimentPermission(experimentId: string, username: string): void {
    const { user } = this.getExperimentPermission(experimentId, username);
    user.experimentPermissions.delete(experimentId);
  }

  /** registered-models/permissions/create. */
  createRegisteredModelPermission(
    name: string,
    username: string,
    permission: unknown,
  ): { user: AuthUser; permission: PermissionName } {
    validatePermission(permission, this.mlflow3);
    const user = this.getUser(username);
    if (user.registeredModelPermissions.has(name)) {
      throw MlflowError.alreadyExists(
        `Registered model permission (name=${name}, username=${username}) already exists. Error: (sqlite3.IntegrityError) UNIQUE constraint failed: registered_model_permissions.name, registered_model_permissions.user_id`,
      );
    }
    user.registeredModelPermissions.set(name, permission);
    return { user, permission };
  }

  /** registered-models/permissions/get. */
  getRegisteredModelPermission(name: string, username: string): { user: AuthUser; permission: PermissionName } {
    const user = this.getUser(username);
    const permission = user.registeredModelPermissions.get(name);
    if (!permission) {
      throw MlflowError.notFound(
        this.mlflow3
          ? `Registered model permission with workspace=default, name=${name} and username=${username} not found`
          : `Registered model permission with name=${name} and username=${username} not found`,
      );
    }
    return { user, permission };
  }

  /** registered-models/permissions/update. */
  updateRegisteredModelPermission(name: string, username: string, permission: unknown): void {
    validatePermission(permission, this.mlflow3);
    const { user } = this.getRegisteredModelPermission(name, username);
    user.registeredModelPermissions.set(name, permission);
  }

  /** registered-models/permissions/delete. */
  deleteRegisteredModelPermission(name: string, username: string): void {
    const { user } = this.getRegisteredModelPermission(name, username);
    user.registeredModelPermissions.delete(name);
  }

  /** MLflow 3's `{scorers,gateway/...}/permissions/create` (a scorer's id from {@link scorerResourceId}). */
  createResourcePermission(
    kind: ResourceKind,
    resourceId: string,
    username: string,
    permission: unknown,
  ): { user: AuthUser; permission: PermissionName } {
    validatePermission(permission, true);
    const user = this.getUser(username);
    const key = resourceKey(kind, resourceId);
    if (user.resourcePermissions.has(key)) {
      throw MlflowError.alreadyExists(`${describeResource(kind, resourceId)} and username=${username} already exists`);
    }
    user.resourcePermissions.set(key, permission);
    return { user, permission };
  }

  /** MLflow 3's `.../permissions/get`, or its 404. */
  getResourcePermission(
    kind: ResourceKind,
    resourceId: string,
    username: string,
  ): { user: AuthUser; permission: PermissionName } {
    const user = this.getUser(username);
    const permission = user.resourcePermissions.get(resourceKey(kind, resourceId));
    if (!permission) {
      throw MlflowError.notFound(`${describeResource(kind, resourceId)} and username=${username} not found`);
    }
    return { user, permission };
  }

  /** MLflow 3's `.../permissions/update`. */
  updateResourcePermission(kind: ResourceKind, resourceId: string, username: string, permission: unknown): void {
    validatePermission(permission, true);
    const { user } = this.getResourcePermission(kind, resourceId, username);
    user.resourcePermissions.set(resourceKey(kind, resourceId), permission);
  }

  /** MLflow 3's `.../permissions/delete`. */
  deleteResourcePermission(kind: ResourceKind, resourceId: string, username: string): void {
    const { user } = this.getResourcePermission(kind, resourceId, username);
    user.resourcePermissions.delete(resourceKey(kind, resourceId));
  }

  /** Every user's permission on a resource that is gone (MLflow's delete cascades). */
  deleteResourcePermissions(kind: ResourceKind, resourceId: string): void {
    for (const user of this.users.values()) user.resourcePermissions.delete(resourceKey(kind, resourceId));
  }

  /** A user's own permission on a resource, if they have one. */
  resourcePermission(user: AuthUser, kind: ResourceKind, resourceId: string): PermissionName | undefined {
    return user.resourcePermissions.get(resourceKey(kind, resourceId));
  }

  /** Whether registered-model grants carry MLflow 3's `workspace` field. */
  get workspaceScoped(): boolean {
    return this.mlflow3;
  }

  /** `User.to_json()`. */
  userJson(user: AuthUser): Record<string, unknown> {
    return {
      experiment_permissions: [...user.experimentPermissions].map(([experimentId, permission]) => ({
        experiment_id: experimentId,
        permission,
        user_id: user.id,
      })),
      id: user.id,
      is_admin: user.isAdmin,
      registered_model_permissions: [...user.registeredModelPermissions].map(([name, permission]) => ({
        name,
        permission,
        user_id: user.id,
        ...(this.mlflow3 ? { workspace: 'default' } : {}),
      })),
      // MLflow 3 lists the user's scorer grants too.
      ...(this.mlflow3
        ? {
            scorer_permissions: [...user.resourcePermissions]
              .filter(([key]) => key.startsWith('scorer\u0000'))
              .map(([key, permission]) => {
                const [, experimentId, name] = key.split('\u0000');
                return { experiment_id: experimentId, permission, scorer_name: name, user_id: user.id };
              }),
          }
        : {}),
      username: user.username,
    };
  }
}
