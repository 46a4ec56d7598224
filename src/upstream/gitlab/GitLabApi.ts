/** A GitLab access token as `personal_access_tokens/self` reports it. */
export interface WireGitLabToken {
  id?: number;
  name?: string;
  scopes?: string[];
  active?: boolean;
  revoked?: boolean;
  user_id?: number;
  expires_at?: string | null;
}

/** The token's owner as `GET /user` reports it (`email` is the owner's own address, shown to them alone). */
export interface WireGitLabUser {
  id?: number;
  username?: string;
  name?: string;
  email?: string | null;
  public_email?: string | null;
}

/** An access level grant (10 guest, 20 reporter, 30 developer, 40 maintainer, 50 owner). */
export interface WireGitLabAccess {
  access_level?: number;
}

/** A project as `projects/:id` reports it to the caller. */
export interface WireGitLabProject {
  id?: number;
  path_with_namespace?: string;
  visibility?: string;
  permissions?: { project_access?: WireGitLabAccess | null; group_access?: WireGitLabAccess | null };
}

/** GitLab's REST API, the part the graph uses: endpoint name → wire params and response. */
export interface GitLabApi {
  currentToken: { params: Record<string, never>; response: WireGitLabToken };
  currentUser: { params: Record<string, never>; response: WireGitLabUser };
  project: { params: { id: string }; response: WireGitLabProject };
  users: { params: { username?: string; search?: string }; response: { id: number; username?: string }[] };
  member: { params: { id: string; user_id: string }; response: WireGitLabAccess & { id?: number; username?: string } };
  version: { params: Record<string, never>; response: { version?: string; revision?: string } };
}
