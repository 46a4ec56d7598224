import { endpoint } from '../http/endpoint.js';
import { RestClient, type RestClientOptions } from '../http/RestClient.js';

/** Databricks' permissions (service/iam) and identity endpoints the permission backend uses, as data. */
export const databricksPermissionEndpoints = {
  me: endpoint('GET /api/2.0/preview/scim/v2/Me'),
  getExperimentPermissions: endpoint('GET /api/2.0/permissions/experiments/{experiment_id}'),
  updateExperimentPermissions: endpoint('PATCH /api/2.0/permissions/experiments/{experiment_id}'),
  setExperimentPermissions: endpoint('PUT /api/2.0/permissions/experiments/{experiment_id}'),
  getRegisteredModelPermissions: endpoint('GET /api/2.0/permissions/registered-models/{registered_model_id}'),
  updateRegisteredModelPermissions: endpoint('PATCH /api/2.0/permissions/registered-models/{registered_model_id}'),
  setRegisteredModelPermissions: endpoint('PUT /api/2.0/permissions/registered-models/{registered_model_id}'),
  getRegisteredModelDatabricks: endpoint('GET /api/2.0/mlflow/databricks/registered-models/get'),
  getExperiment: endpoint('GET /api/2.0/mlflow/experiments/get'),
} as const;

/** One ACL entry as Databricks sends it. */
export interface WireAccessControl {
  user_name?: string;
  group_name?: string;
  service_principal_name?: string;
  display_name?: string;
  all_permissions?: { permission_level?: string; inherited?: boolean; inherited_from_object?: string[] }[];
}

/** An ACL change as Databricks takes it. */
export interface WireAccessControlRequest {
  user_name?: string;
  group_name?: string;
  service_principal_name?: string;
  permission_level: string;
}

/** GET/PATCH/PUT permissions → ObjectPermissions. */
export interface WireObjectPermissions {
  object_id?: string;
  object_type?: string;
  access_control_list?: WireAccessControl[];
}

/** An ACL change (PATCH adds to the object's list, PUT replaces it) on the object `Key` names; answers the new ACL. */
type AclChange<Key extends string> = {
  params: Record<Key, string> & { access_control_list: WireAccessControlRequest[] };
  response: WireObjectPermissions;
};

/** Params and responses of {@link databricksPermissionEndpoints}. */
export interface DatabricksPermissionsApi {
  me: {
    params: Record<string, never>;
    response: {
      userName?: string;
      id?: string;
      emails?: { value?: string; primary?: boolean }[];
      groups?: { display?: string; value?: string }[];
    };
  };
  getExperimentPermissions: { params: { experiment_id: string }; response: WireObjectPermissions };
  updateExperimentPermissions: AclChange<'experiment_id'>;
  setExperimentPermissions: AclChange<'experiment_id'>;
  getRegisteredModelPermissions: { params: { registered_model_id: string }; response: WireObjectPermissions };
  updateRegisteredModelPermissions: AclChange<'registered_model_id'>;
  setRegisteredModelPermissions: AclChange<'registered_model_id'>;
  getRegisteredModelDatabricks: {
    params: { name: string };
    response: { registered_model_databricks: { id: string; name: string; permission_level?: string } };
  };
  getExperiment: { params: { experiment_id: string }; response: { experiment: { experiment_id: string } } };
}

/** Typed access to Databricks' permission and identity API for one request (one caller). */
export class DatabricksPermissionsClient extends RestClient<DatabricksPermissionsApi> {
  constructor(options: RestClientOptions) {
    super('Databricks', databricksPermissionEndpoints, options);
  }
}
