import type { Grantee } from '../../../auth/PermissionBackend.js';
import type { PermissionLevel } from '../../../auth/PermissionLevel.js';
import type { Resource } from '../../../auth/Resource.js';
import type { RequestContext } from '../../../context/RequestContext.js';
import { UnsupportedByBackendError } from '../../../errors/SupergraphError.js';
import type { GranteeInput, Resolvers } from '../resolvers.generated.js';
import type { ObjectPermissionsModel } from '../mappers.js';

/**
 * The caller's own level. With no permission service, an MLflow server without auth lets everyone do
 * everything (CAN_MANAGE is the truth); any other backend that enforces on its own cannot be asked.
 */
async function viewerLevel(context: RequestContext, resource: Resource): Promise<PermissionLevel> {
  const level = await context.authorizer.level(resource);
  if (level !== undefined) return level;
  if (context.services.config.backend === 'mlflow') return 'CAN_MANAGE';
  throw new UnsupportedByBackendError('viewerPermission', context.services.config.backend);
}

function grantee(input: GranteeInput): Grantee {
  const kind = input.kind === 'GROUP' ? 'group' : input.kind === 'SERVICE_PRINCIPAL' ? 'servicePrincipal' : 'user';
  return { kind, name: input.name };
}

async function objectPermissions(context: RequestContext, resource: Resource): Promise<ObjectPermissionsModel> {
  const session = await context.authorizer.session();
  return {
    objectId: resource.kind === 'experiment' ? resource.id : resource.name,
    objectType: resource.kind === 'experiment' ? 'EXPERIMENT' : 'REGISTERED_MODEL',
    ...(await session.acl(resource)),
  };
}

/**
 * Someone's rights changed: the grantee's permission answers kept in the cache are under their credential, which
 * this request cannot name, so the permissions generation is replaced instead; every caller's kept permission
 * answers (and whole answers) built before it are stale at once, on every instance.
 */
async function permissionsChanged(context: RequestContext): Promise<void> {
  await context.cache.bump('permissions');
}

/** Grants `level` on `resource` through the permission service, and answers with the object's permissions as they now stand. */
async function grant(
  context: RequestContext,
  resource: Resource,
  input: GranteeInput,
  level: PermissionLevel,
): Promise<ObjectPermissionsModel> {
  await (await context.authorizer.session()).setPermission(resource, grantee(input), level);
  await permissionsChanged(context);
  return objectPermissions(context, resource);
}

/** Revokes the grantee's grant on `resource`, and answers with the object's permissions as they now stand. */
async function revoke(
  context: RequestContext,
  resource: Resource,
  input: GranteeInput,
): Promise<ObjectPermissionsModel> {
  await (await context.authorizer.session()).revokePermission(resource, grantee(input));
  await permissionsChanged(context);
  return objectPermissions(context, resource);
}

const experiment = (id: string): Resource => ({ kind: 'experiment', id });
const model = (name: string): Resource => ({ kind: 'registeredModel', name });

/** A reference to an object governed by its experiment (a run, a logged model), with the experiment id @requires sent. */
const withExperiment = (reference: { id: string; experimentId?: string | null }) => ({
  id: reference.id,
  ...(reference.experimentId ? { experimentId: reference.experimentId } : {}),
});

/** The experiment governing such an object; the gateway always sends it (@requires), so its absence is a bug. */
function experimentOf(parent: { experimentId?: string }, type: 'Run' | 'LoggedModel'): Resource {
  if (!parent.experimentId) throw new Error(`${type}.viewerPermission needs experimentId (@requires)`);
  return experiment(parent.experimentId);
}

/** All resolvers of the permissions subgraph (their errors are mapped once, by the schema: see withErrorMapping). */
export const resolvers: Resolvers = {
  Query: {
    // The backend's word, not the header's: a Basic header names a user whether or not the password is right, so
    // the name is reported only once the permission service accepted the credentials (UNAUTHENTICATED otherwise),
    // and services that know the caller (SCIM Me, GitLab's /user) fill in what the credentials do not say.
    async viewer(_, __, context) {
      const identity = await context.authorizer.identify();
      return { ...context.principal, username: identity.username, email: identity.email };
    },
  },
  Viewer: {
    id: (principal) => principal.id ?? null,
    username: (principal) => principal.username ?? null,
    authKind: (principal) => principal.kind.toUpperCase() as 'ANONYMOUS',
    email: (principal) => principal.email ?? null,
    groups: (principal) => [...principal.groups],
    scopes: async (_, __, context) => [...(await context.authorizer.scopes())],
    async isAdmin(principal, _, context) {
      if (principal.kind === 'anonymous') return false;
      return (await context.authorizer.session()).isAdmin();
    },
    permissionBackend: async (_, __, context) => (await context.authorizer.backend()).kind,
  },
  Experiment: {
    __resolveReference: (reference) => ({ id: reference.id }),
    viewerPermission: (parent, _, context) => viewerLevel(context, experiment(parent.id)),
    permissions: (parent, _, context) => objectPermissions(context, experiment(parent.id)),
  },
  Run: {
    __resolveReference: (reference) => withExperiment(reference),
    viewerPermission: (parent, _, context) => viewerLevel(context, experimentOf(parent, 'Run')),
  },
  LoggedModel: {
    __resolveReference: (reference) => withExperiment(reference),
    viewerPermission: (parent, _, context) => viewerLevel(context, experimentOf(parent, 'LoggedModel')),
  },
  RegisteredModel: {
    __resolveReference: (reference) => ({ name: reference.name }),
    viewerPermission: (parent, _, context) => viewerLevel(context, model(parent.name)),
    permissions: (parent, _, context) => objectPermissions(context, model(parent.name)),
  },
  ModelVersion: {
    __resolveReference: (reference) => ({ name: reference.name, version: reference.version }),
    viewerPermission: (parent, _, context) => viewerLevel(context, model(parent.name)),
  },
  // A prompt is a registered model: MLflow (and so the graph) governs it, and its versions, by the model's grants.
  Prompt: {
    __resolveReference: (reference) => ({ name: reference.name }),
    viewerPermission: (parent, _, context) => viewerLevel(context, model(parent.name)),
    permissions: (parent, _, context) => objectPermissions(context, model(parent.name)),
  },
  PromptVersion: {
    __resolveReference: (reference) => ({ name: reference.name, version: Number(reference.version) }),
    viewerPermission: (parent, _, context) => viewerLevel(context, model(parent.name)),
  },
  ObjectPermissions: {
    defaultLevel: (acl) => acl.defaultLevel ?? null,
  },
  AccessControlEntry: {
    grantee: (entry) => ({
      kind:
        entry.grantee.kind === 'servicePrincipal' ? 'SERVICE_PRINCIPAL' : (entry.grantee.kind.toUpperCase() as 'USER'),
      name: entry.grantee.name,
    }),
    level: (entry) => entry.level,
    inherited: (entry) => entry.inherited,
    inheritedFrom: (entry) => entry.inheritedFrom ?? null,
  },
  Mutation: {
    setExperimentPermission: (_, args, context) =>
      grant(context, experiment(args.experimentId), args.grantee, args.level),
    revokeExperimentPermission: (_, args, context) => revoke(context, experiment(args.experimentId), args.grantee),
    setRegisteredModelPermission: (_, args, context) => grant(context, model(args.name), args.grantee, args.level),
    revokeRegisteredModelPermission: (_, args, context) => revoke(context, model(args.name), args.grantee),
  },
};
