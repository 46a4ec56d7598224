import { endpoint } from '../http/endpoint.js';

/** MLflow's basic-auth app (`mlflow server --app-name basic-auth`) REST surface, as data. */
export const mlflowAuthEndpoints = {
  getUser: endpoint('GET /api/2.0/mlflow/users/get'),
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

type Empty = Record<string, never>;

/** Params and responses of the basic-auth endpoints. */
export interface MlflowAuthApi {
  getUser: { params: { username: string }; response: { user: WireAuthUser } };
  createUser: { params: { username: string; password: string }; response: { user: WireAuthUser } };
  getExperimentPermission: {
    params: { experiment_id: string; username: string };
    response: { experiment_permission: { experiment_id: string; permission: WireMlflowPermission; user_id?: number } };
  };
  createExperimentPermission: {
    params: { experiment_id: string; username: string; permission: WireMlflowPermission };
    response: { experiment_permission: { experiment_id: string; permission: WireMlflowPermission } };
  };
  updateExperimentPermission: {
    params: { experiment_id: string; username: string; permission: WireMlflowPermission };
    response: Empty;
  };
  deleteExperimentPermission: { params: { experiment_id: string; username: string }; response: Empty };
  getRegisteredModelPermission: {
    params: { name: string; username: string };
    response: { registered_model_permission: { name: string; permission: WireMlflowPermission; user_id?: number } };
  };
  createRegisteredModelPermission: {
    params: { name: string; username: string; permission: WireMlflowPermission };
    response: { registered_model_permission: { name: string; permission: WireMlflowPermission } };
  };
  updateRegisteredModelPermission: {
    params: { name: string; username: string; permission: WireMlflowPermission };
    response: Empty;
  };
  deleteRegisteredModelPermission: { params: { name: string; username: string }; response: Empty };
}
