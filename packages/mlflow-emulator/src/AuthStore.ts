// Users and permissions of MLflow 2.12's basic-auth app (mlflow/server/auth/sqlalchemy_store.py and
// permissions.py): READ, EDIT, MANAGE, NO_PERMISSIONS per experiment and per registered model name. MLflow 3
// adds USE (the gateway's permission, which reads) and reports scorer permissions on users.
import { MlflowError } from './MlflowError.js';

/** A basic-auth permission name. */
export type PermissionName = 'READ' | 'USE' | 'EDIT' | 'MANAGE' | 'NO_PERMISSIONS';

/** What a permission allows, as in mlflow/server/auth/permissions.py (2.12). */
export interface Permission {
  readonly name: PermissionName;
  readonly canRead: boolean;
  readonly canUpdate: boolean;
  readonly canDelete: boolean;
  readonly canManage: boolean;
}

/** The permissions, in the order MLflow lists them (USE exists from MLflow 3 on). */
export const PERMISSIONS: Readonly<Record<PermissionName, Permission>> = {
  READ: { name: 'READ', canRead: true, canUpdate: false, canDelete: false, canManage: false },
  USE: { name: 'USE', canRead: true, canUpdate: false, canDelete: false, canManage: false },
  EDIT: { name: 'EDIT', canRead: true, canUpdate: true, canDelete: false, canManage: false },
  MANAGE: { name: 'MANAGE', canRead: true, canUpdate: true, canDelete: true, canManage: true },
  NO_PERMISSIONS: { name: 'NO_PERMISSIONS', canRead: false, canUpdate: false, canDelete: false, canManage: false },
};

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
      // MLflow 3 lists scorer grants too; scorers (and so their grants) are not emulated yet.
      ...(this.mlflow3 ? { scorer_permissions: [] } : {}),
      username: user.username,
    };
  }
}
