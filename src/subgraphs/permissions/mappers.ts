import type { AclEntry, ObjectAcl } from '../../auth/PermissionBackend.js';
import type { Principal } from '../../auth/Principal.js';

// What backs each GraphQL type of the permissions subgraph: entity references and ACL entries.

/** Backs `Experiment` (a reference: the id). */
export interface ExperimentRefModel {
  id: string;
}
/** Backs `Run` (the id and, through @requires, its experiment id). */
export interface RunRefModel {
  id: string;
  experimentId?: string;
}
/** Backs `LoggedModel` (the id and, through @requires, its experiment id). */
export interface LoggedModelRefModel {
  id: string;
  experimentId?: string;
}
/** Backs `RegisteredModel` (a reference: the name). */
export interface RegisteredModelRefModel {
  name: string;
}
/** Backs `ModelVersion` (a reference: name and version). */
export interface ModelVersionRefModel {
  name: string;
  version: string;
}
/** Backs `Prompt` (a reference: the name of the registered model it is). */
export interface PromptRefModel {
  name: string;
}
/** Backs `PromptVersion` (a reference: name and version). */
export interface PromptVersionRefModel {
  name: string;
  version: number;
}
/** Backs `ObjectPermissions`: the object and its access control list as the permission service reads it. */
export interface ObjectPermissionsModel extends ObjectAcl {
  objectId: string;
  objectType: 'EXPERIMENT' | 'REGISTERED_MODEL';
}
/** Backs `AccessControlEntry`. */
export type AccessControlEntryModel = AclEntry;
/** Backs `Viewer`. */
export type ViewerModel = Principal;
