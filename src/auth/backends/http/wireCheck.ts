// The questions of a request as the custom permission service's contract spells them (README, "Custom permission
// service"), and the ids their answers are cached under.
import type {
  WireCheck,
  WireObjectType,
  WirePrincipal,
} from '../../../upstream/permission-service/PermissionServiceClient.js';
import type { PermissionRequest } from '../../PermissionRequest.js';
import type { Resource } from '../../Resource.js';
import type { PermissionAction } from './PermissionKnowledge.js';

/** One question a request may put to the service: may the caller do `action` on `resource`? */
export interface Question {
  readonly resource: Resource;
  readonly action: PermissionAction;
}

/** The object as the service names it: an experiment by id, a registered model by name. */
function wireObject(resource: Resource): { objectType: WireObjectType; objectId: string } {
  return resource.kind === 'experiment'
    ? { objectType: 'experiment', objectId: resource.id }
    : { objectType: 'registered_model', objectId: resource.name };
}

/** The principal as the service sees it: who the trusted proxy named, never a credential. */
export function wirePrincipal(principal: PermissionRequest['principal']): WirePrincipal {
  const { id, username, email, groups } = principal;
  return {
    id: id as string,
    username: username ?? null,
    email: email ?? null,
    ...(groups.length > 0 ? { groups: [...groups] } : {}),
  };
}

/** The body of one check (alone, or one of a batch's `checks`). */
export function wireCheck(principal: WirePrincipal, { resource, action }: Question): WireCheck {
  return { principal, action, ...wireObject(resource) };
}

/** Where the answer to a question is cached (per caller scope): `<action>:<objectType>:<objectId>`. */
export function answerId({ resource, action }: Question): string {
  const { objectType, objectId } = wireObject(resource);
  return `${action}:${objectType}:${objectId}`;
}

/** Where the answer to "is the caller an admin?" is cached (per caller scope; it has no object). */
export const ADMIN_ANSWER_ID = 'admin';
