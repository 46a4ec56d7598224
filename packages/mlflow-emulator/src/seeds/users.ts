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

/** GitLab's project roles (access levels). */
export const GITLAB_ACCESS_LEVELS = { guest: 10, reporter: 20, developer: 30, maintainer: 40, owner: 50 } as const;

/** A GitLab persona: an access token of a user, with the user's role in the emulated project. */
export interface GitlabPersona {
  /** The token, sent as `PRIVATE-TOKEN: <token>` or `Authorization: Bearer <token>`. */
  readonly token: string;
  /** The token's id and name, as `personal_access_tokens/self` reports them. */
  readonly tokenId: number;
  readonly tokenName: string;
  /** The token's scopes: `api` (read and write) or `read_api` (GET and HEAD only). */
  readonly scopes: readonly ('api' | 'read_api')[];
  readonly userId: number;
  readonly username: string;
  readonly name: string;
  readonly email: string;
  /** The user's access level in the project (10 guest … 50 owner); null when not a member. */
  readonly accessLevel: number | null;
}

/** Owner (50) of the project with an `api` token; the demo's `admin` creator. */
export const GITLAB_OWNER: GitlabPersona = {
  token: 'glpat-owner-admin',
  tokenId: 101,
  tokenName: 'admin-mlflow',
  scopes: ['api'],
  userId: 1,
  username: 'admin',
  name: 'Admin',
  email: 'admin@example.com',
  accessLevel: GITLAB_ACCESS_LEVELS.owner,
};
/** Maintainer (40) with an `api` token; the demo's `alice`. */
export const GITLAB_MAINTAINER: GitlabPersona = {
  token: 'glpat-maintainer-alice',
  tokenId: 102,
  tokenName: 'alice-mlflow',
  scopes: ['api'],
  userId: 2,
  username: 'alice',
  name: 'Alice',
  email: 'alice@example.com',
  accessLevel: GITLAB_ACCESS_LEVELS.maintainer,
};
/** Developer (30) with an `api` token; the demo's `bob`. */
export const GITLAB_DEVELOPER: GitlabPersona = {
  token: 'glpat-developer-bob',
  tokenId: 103,
  tokenName: 'bob-mlflow',
  scopes: ['api'],
  userId: 3,
  username: 'bob',
  name: 'Bob',
  email: 'bob@example.com',
  accessLevel: GITLAB_ACCESS_LEVELS.developer,
};
/** Bob's second token, `read_api` only: a developer who can read but whose token refuses every non-GET call. */
export const GITLAB_READER: GitlabPersona = {
  ...GITLAB_DEVELOPER,
  token: 'glpat-readonly-bob',
  tokenId: 104,
  tokenName: 'bob-dashboards',
  scopes: ['read_api'],
};
/** Reporter (20) with an `api` token: may read, may not write (401 on writes). */
export const GITLAB_REPORTER: GitlabPersona = {
  token: 'glpat-reporter-carol',
  tokenId: 105,
  tokenName: 'carol-mlflow',
  scopes: ['api'],
  userId: 4,
  username: 'carol',
  name: 'Carol',
  email: 'carol@example.com',
  accessLevel: GITLAB_ACCESS_LEVELS.reporter,
};
/** A valid `api` token of a user who is not a member of the (private) project: 404 Project Not Found. */
export const GITLAB_OUTSIDER: GitlabPersona = {
  token: 'glpat-outsider-dave',
  tokenId: 106,
  tokenName: 'dave-mlflow',
  scopes: ['api'],
  userId: 5,
  username: 'dave',
  name: 'Dave',
  email: 'dave@example.com',
  accessLevel: null,
};
/** Guest (10) with an `api` token: GitLab lets guests read model experiments and the registry, not write. */
export const GITLAB_GUEST: GitlabPersona = {
  token: 'glpat-guest-erin',
  tokenId: 107,
  tokenName: 'erin-mlflow',
  scopes: ['api'],
  userId: 6,
  username: 'erin',
  name: 'Erin',
  email: 'erin@example.com',
  accessLevel: GITLAB_ACCESS_LEVELS.guest,
};

/** Every GitLab persona (tokens); users are the distinct `userId`s among them. */
export const GITLAB_PERSONAS: readonly GitlabPersona[] = [
  GITLAB_OWNER,
  GITLAB_MAINTAINER,
  GITLAB_DEVELOPER,
  GITLAB_READER,
  GITLAB_REPORTER,
  GITLAB_OUTSIDER,
  GITLAB_GUEST,
];
