import { endpoint } from '../http/endpoint.js';

/** MLflow's basic-auth app (`mlflow server --app-name basic-auth`) REST surface, as data. */
export const mlflowAuthEndpoints = {
  getUser: endpoint('GET /api/2.0/mlflow/users/get'),
  /** MLflow >= 3: every user's id and name, for administrators only (403 otherwise, 404 on older servers). */
  listUsers: endpoint('GET /api/2.0/mlflow/users/list'),
  createUser: endpoint('POST /api/2.0/mlflow/users/create'),
  getExperimentPermission: endpoint('GET /api/2.0/mlflow/experiments/permissions/get'),
  createExperimentPermission: endpoint('POST /api/2.0/mlflow/experiments/permissions/create'),
  updateExperimentPermission: endpoint('PATCH /api/2.0/mlflow/experiments/permissions/update'),
  deleteExperimentPermission: endpoint('DELETE /api/2.0/mlflow/experiments/permissions/delete'),
  getRegisteredModelPermission: endpoint('GET /api/2.0/mlflow/registered-models/permissions/get'),
  createRegisteredModelPermission: endpoint('POST /api/2.0/mlflow/registered-models/permissions/create'),
  updateRegisteredModelPermission: endpoint('PATCH /api/2.0/mlflow/registered-models/permissions/update'),
  deleteRegisteredModelPermission: endpoint('DELETE /api/2.0/mlflow/registered-models/permissions/delete'),
} as const;

/** basic-auth's permission names. */
export type WireMlflowPermission = 'READ' | 'EDIT' | 'MANAGE' | 'NO_PERMISSIONS';

/** users/get → user */
export interface WireAuthUser {
  id: number;
  username: string;
  is_admin: boolean;
  experiment_permissions?: { experiment_id: string; permission: WireMlflowPermission; user_id?: number }[];
  registered_model_permissions?: { name: string; permission: WireMlflowPermission; user_id?: number }[];
}

/** users/list → users[]: names only (each user's grants come from users/get). */
export interface WireListedUser {
  id?: number;
  username: string;
}

type Empty = Record<string, never>;

/** A user's grant on one object, as the permission endpoints send it; `Key` names the object (experiment_id, name). */
type Grant<Key extends string> = Record<Key, string> & { permission: WireMlflowPermission };

/**
 * The get/create/update/delete permission endpoints of one kind of object: the two kinds differ only in the field
 * that names the object (`Key`) and the one the answer is wrapped in (`Member`).
 */
interface PermissionEndpoints<Key extends string, Member extends string> {
  get: {
    params: Record<Key, string> & { username: string };
    response: Record<Member, Grant<Key> & { user_id?: number }>;
  };
  create: { params: Grant<Key> & { username: string }; response: Record<Member, Grant<Key>> };
  update: { params: Grant<Key> & { username: string }; response: Empty };
  delete: { params: Record<Key, string> & { username: string }; response: Empty };
}

type ExperimentPermissions = PermissionEndpoints<'experiment_id', 'experiment_permission'>;
type RegisteredModelPermissions = PermissionEndpoints<'name', 'registered_model_permission'>;

/** Params and responses of the basic-auth endpoints. */
export interface MlflowAuthApi {
  getUser: { params: { username: string }; response: { user: WireAuthUser } };
  listUsers: { params: Empty; response: { users?: WireListedUser[] } };
  createUser: { params: { username: string; password: string }; response: { user: WireAuthUser } };
  getExperimentPermission: ExperimentPermissions['get'];
  createExperimentPermission: ExperimentPermissions['create'];
  updateExperimentPermission: ExperimentPermissions['update'];
  deleteExperimentPermission: ExperimentPermissions['delete'];
  getRegisteredModelPermission: RegisteredModelPermissions['get'];
  createRegisteredModelPermission: RegisteredModelPermissions['create'];
  updateRegisteredModelPermission: RegisteredModelPermissions['update'];
  deleteRegisteredModelPermission: RegisteredModelPermissions['delete'];
}
