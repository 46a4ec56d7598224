import type { RequestContext } from '../../context/RequestContext.js';
import { buildConnection, pageSize, type Connection } from '../../graphql/connection.js';
import { connectionCursors } from '../../graphql/cursorCodec.js';
import type { WireModelVersion, WireRegisteredModel } from '../../upstream/mlflow/wire.js';
import { registryLoaders } from './loaders/createRegistryLoaders.js';
import { searchVersionsOfModel, type VersionScope } from './loaders/search.js';

/** Where the versions of one model (or prompt) are listed from: which cursors, which search. */
export interface VersionsOf {
  /** The connection field its cursors are bound to (`RegisteredModel.versions`, `Prompt.versions`). */
  readonly field: string;
  /** A registered model's versions, or a prompt's. */
  readonly scope: VersionScope;
}

/**
 * One page of a model's (or a prompt's) versions, newest first: the first page through the request's batched loader
 * (the first pages of many models may come from one search), later pages one search each. GitLab's models carry
 * every version already: they are paged from the model, with no search.
 */
export async function versionsConnection(
  context: RequestContext,
  model: WireRegisteredModel,
  { first, after }: { first?: number | null; after?: string | null },
  { field, scope }: VersionsOf,
): Promise<Connection<WireModelVersion>> {
  const size = pageSize(first);
  const cursors = connectionCursors(context.services.keys, context.principal, { field, args: { name: model.name } });
  // Decoded before any upstream call: a cursor this caller was not given for this model costs nothing.
  const position = cursors.decode(after);
  const loaders = context.loaders.get(registryLoaders);
  if (context.services.profile.capabilities.versionsInModel) {
    // GitLab: the model already carries every version (newest first); no search exists, none is needed.
    const all = model.gitlab_versions ?? (await loaders.registeredModelByName.load(model.name))?.gitlab_versions ?? [];
    loaders.primeVersions(all);
    return buildConnection(all.slice(position.o), size, position, undefined, cursors);
  }
  if (!after) {
    const firstPages = scope === 'prompts' ? loaders.firstPromptVersionsPage : loaders.firstVersionsPage;
    const page = await firstPages.load({ name: model.name, size });
    return buildConnection(page.items, size, { o: 0 }, page.nextToken, cursors);
  }
  const page = await searchVersionsOfModel(context, model.name, size, position, scope);
  loaders.primeVersions(page.items);
  return buildConnection(page.items, size, position, page.nextToken, cursors);
}
