// The Databricks side of the emulator: bearer tokens mapped to users and groups, object ACLs for
// experiments and registered models (shapes of the Databricks SDK's service/ml and service/iam), and
// the registry workflow objects (transition requests, comments, activities).
import { MlflowError } from './MlflowError.js';

/** Experiment permission levels, weakest first. */
export const EXPERIMENT_LEVELS = ['CAN_READ', 'CAN_EDIT', 'CAN_MANAGE'] as const;
/** Registered-model permission levels, weakest first. */
export const MODEL_LEVELS = [
  'CAN_READ',
  'CAN_EDIT',
  'CAN_MANAGE_STAGING_VERSIONS',
  'CAN_MANAGE_PRODUCTION_VERSIONS',
  'CAN_MANAGE',
] as const;

/** A permission level on either object type. */
export type PermissionLevel = (typeof MODEL_LEVELS)[number];

/** The two object types the emulator keeps ACLs for. */
export type AclObjectType = 'experiments' | 'registered-models';

/** Descriptions the permissionLevels endpoints return. */
export const LEVEL_DESCRIPTIONS: Readonly<Record<PermissionLevel, string>> = {
  CAN_READ: 'Can view the object',
  CAN_EDIT: 'Can edit the object',
  CAN_MANAGE_STAGING_VERSIONS: 'Can manage staging versions and everything CAN_EDIT allows',
  CAN_MANAGE_PRODUCTION_VERSIONS: 'Can manage production versions and everything CAN_MANAGE_STAGING_VERSIONS allows',
  CAN_MANAGE: 'Can manage permissions and everything else on the object',
};

/** The group whose members bypass every ACL. */
export const ADMINS_GROUP = 'admins';

/** Who a bearer token stands for. */
export interface DatabricksPrincipal {
  readonly userName: string;
  readonly displayName: string;
  readonly groups: readonly string[];
}

/** A principal in an ACL entry. */
export type AclPrincipal =
  | { readonly kind: 'user'; readonly name: string }
  | { readonly kind: 'group'; readonly name: string }
  | { readonly kind: 'service_principal'; readonly name: string };

/** One direct ACL entry. */
export interface AclEntry {
  readonly principal: AclPrincipal;
  readonly level: PermissionLevel;
}

/** A pending stage-transition request. */
export interface TransitionRequestRecord {
  readonly id: string;
  readonly name: string;
  readonly version: string;
  readonly toStage: string;
  readonly fromStage: string;
  readonly comment: string;
  readonly creator: string;
  readonly creationTimestamp: number;
}

/** An entry of a model version's activity feed. */
export interface ActivityRecord {
  readonly id: string;
  readonly activityType: string;
  readonly fromStage?: string;
  readonly toStage?: string;
  readonly comment?: string;
  readonly systemComment?: string;
  readonly userId: string;
  readonly creationTimestamp: number;
  readonly lastUpdatedTimestamp: number;
}

/** A comment on a model version. */
export interface CommentRecord {
  readonly id: string;
  readonly name: string;
  readonly version: string;
  comment: string;
  readonly userId: string;
  readonly creationTimestamp: number;
  lastUpdatedTimestamp: number;
}

function principalKey(principal: AclPrincipal): string {
  return `${principal.kind}:${principal.name}`;
}

/** Tokens, ACLs and registry workflow state for the Databricks mode. */
export class DatabricksStore {
  readonly tokens = new Map<string, DatabricksPrincipal>();
  /** Known workspace users (ACL entries may only name these). */
  readonly users = new Set<string>();
  /** Known groups → members. */
  readonly groups = new Map<string, Set<string>>();
  readonly servicePrincipals = new Set<string>();
  /** `experiments:<id>` or `registered-models:<model id>` → principal key → entry. */
  readonly acls = new Map<string, Map<string, AclEntry>>();
  /** `<model name>\u0000<version>` → pending requests. */
  readonly transitionRequests = new Map<string, TransitionRequestRecord[]>();
  readonly activities = new Map<string, ActivityRecord[]>();
  readonly comments = new Map<string, CommentRecord>();
  private nextId = 1;

  /** A fresh object id for requests, activities and comments. */
  newId(): string {
    const id = this.nextId.toString(16).padStart(8, '0');
    this.nextId += 1;
    return id;
  }

  /** Registers a workspace user with a token. */
  addUser(token: string, principal: DatabricksPrincipal): void {
    this.tokens.set(token, principal);
    this.users.add(principal.userName);
    for (const group of principal.groups) {
      let members = this.groups.get(group);
      if (!members) {
        members = new Set();
        this.groups.set(group, members);
      }
      members.add(principal.userName);
    }
  }

  /** The principal a bearer token maps to. */
  principalForToken(token: string): DatabricksPrincipal | undefined {
    return this.tokens.get(token);
  }

  private aclKey(type: AclObjectType, id: string): string {
    return `${type}:${id}`;
  }

  /** Direct ACL entries of an object (created empty on first use). */
  aclOf(type: AclObjectType, id: string): Map<string, AclEntry> {
    const key = this.aclKey(type, id);
    let acl = this.acls.get(key);
    if (!acl) {
      acl = new Map();
      this.acls.set(key, acl);
    }
    return acl;
  }

  /** Drops an object's ACL (the object is gone). */
  dropAcl(type: AclObjectType, id: string): void {
    this.acls.delete(this.aclKey(type, id));
  }

  /** Grants (or replaces) one entry. */
  grant(type: AclObjectType, id: string, principal: AclPrincipal, level: PermissionLevel): void {
    this.aclOf(type, id).set(principalKey(principal), { principal, level });
  }

  /** The strongest level a principal holds on an object, directly or through a group; admins hold CAN_MANAGE. */
  effectiveLevel(type: AclObjectType, id: string, principal: DatabricksPrincipal): PermissionLevel | null {
    if (principal.groups.includes(ADMINS_GROUP)) return 'CAN_MANAGE';
    const acl = this.acls.get(this.aclKey(type, id));
    if (!acl) return null;
    let best: PermissionLevel | null = null;
    const consider = (key: string): void => {
      const entry = acl.get(key);
      if (entry && (best === null || MODEL_LEVELS.indexOf(entry.level) > MODEL_LEVELS.indexOf(best)))
        best = entry.level;
    };
    consider(`user:${principal.userName}`);
    for (const group of principal.groups) consider(`group:${group}`);
    return best;
  }

  /** Whether `held` is at least `required`. */
  static satisfies(held: PermissionLevel | null, required: PermissionLevel): boolean {
    return held !== null && MODEL_LEVELS.indexOf(held) >= MODEL_LEVELS.indexOf(required);
  }

  /** Checks that an ACL entry names a known principal, with Databricks' error text. */
  checkPrincipalExists(principal: AclPrincipal): void {
    const known =
      principal.kind === 'user'
        ? this.users.has(principal.name)
        : principal.kind === 'group'
          ? this.groups.has(principal.name)
          : this.servicePrincipals.has(principal.name);
    if (!known) {
      const label =
        principal.kind === 'user' ? 'UserName' : principal.kind === 'group' ? 'GroupName' : 'ServicePrincipalName';
      throw MlflowError.invalidParameter(`Principal: ${label}(${principal.name}) does not exist`);
    }
  }

  /** Records an activity on a model version and returns it. */
  addActivity(name: string, version: string, activity: Omit<ActivityRecord, 'id'>): ActivityRecord {
    const key = `${name}\u0000${version}`;
    const record: ActivityRecord = { id: this.newId(), ...activity };
    const list = this.activities.get(key) ?? [];
    list.push(record);
    this.activities.set(key, list);
    return record;
  }

  /** Pending transition requests of a model version. */
  requestsOf(name: string, version: string): TransitionRequestRecord[] {
    const key = `${name}\u0000${version}`;
    let list = this.transitionRequests.get(key);
    if (!list) {
      list = [];
      this.transitionRequests.set(key, list);
    }
    return list;
  }
}
