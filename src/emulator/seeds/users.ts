// Credentials the seeds create, exported so tests and the demo can log in as each persona.

/** A basic-auth login. */
export interface BasicCredentials {
  readonly username: string;
  readonly password: string;
}

/** The basic-auth admin of every seed (MLflow's own default is admin/password; pass adminPassword to match). */
export const ADMIN: BasicCredentials = { username: 'admin', password: 'password1234' };
/** Manager of some experiments and models (MANAGE on what the demo says she created). */
export const ALICE: BasicCredentials = { username: 'alice', password: 'alice-pw' };
/** A reader (explicit READ grants on a few objects, default READ elsewhere). */
export const BOB: BasicCredentials = { username: 'bob', password: 'bob-pw' };
/** Has NO_PERMISSIONS on the private experiment and model of the demo seed. */
export const CAROL: BasicCredentials = { username: 'carol', password: 'carol-pw' };

/** The non-admin basic-auth users, in creation order (ids 2, 3, 4; the admin is 1). */
export const SEED_USERS: readonly BasicCredentials[] = [ALICE, BOB, CAROL];

/** A Databricks persona: bearer token, workspace user name and groups. */
export interface DatabricksPersona {
  readonly token: string;
  readonly userName: string;
  readonly displayName: string;
  readonly groups: readonly string[];
}

/** Workspace admin (member of `admins`, which bypasses every ACL). */
export const DATABRICKS_ADMIN: DatabricksPersona = {
  token: 'dapi-admin',
  userName: 'admin@example.com',
  displayName: 'Admin',
  groups: ['admins', 'users'],
};
/** Alice: CAN_MANAGE on her experiments and models. */
export const DATABRICKS_ALICE: DatabricksPersona = {
  token: 'dapi-alice',
  userName: 'alice@example.com',
  displayName: 'Alice',
  groups: ['users', 'data-scientists'],
};
/** Bob: reader, with CAN_EDIT on one model so he can request stage transitions. */
export const DATABRICKS_BOB: DatabricksPersona = {
  token: 'dapi-bob',
  userName: 'bob@example.com',
  displayName: 'Bob',
  groups: ['users'],
};
/** Carol: no access to the private experiment and model. */
export const DATABRICKS_CAROL: DatabricksPersona = {
  token: 'dapi-carol',
  userName: 'carol@example.com',
  displayName: 'Carol',
  groups: ['users'],
};

/** Every Databricks persona. */
export const DATABRICKS_PERSONAS: readonly DatabricksPersona[] = [
  DATABRICKS_ADMIN,
  DATABRICKS_ALICE,
  DATABRICKS_BOB,
  DATABRICKS_CAROL,
];
