import type { RequestContext } from '../../context/RequestContext.js';
import type { WireRegisteredModel } from '../../upstream/mlflow/wire.js';
import { createAsCaller } from '../createAsCaller.js';
import { wireTags } from '../wireTags.js';
import { freshModel } from './freshReads.js';
import { invalidateRegisteredModel } from './invalidate.js';

/** What a new registered model (or prompt: a model with the prompt tags) is made of. */
export interface NewModel {
  name: string;
  description?: string | null;
  tags?: readonly { key: string; value: string }[] | null;
}

/**
 * Registers a model with the caller's credentials and answers it. The creator manages it at once (createAsCaller):
 * their next write (a first version) does not wait out a cached level.
 */
export async function createModelAsCaller(context: RequestContext, model: NewModel): Promise<WireRegisteredModel> {
  const { registered_model } = await createAsCaller(
    context.authorizer,
    'registeredModel',
    async () => {
      const created = await context.clients.mlflow.call('createRegisteredModel', {
        name: model.name,
        ...(model.description ? { description: model.description } : {}),
        ...wireTags(model.tags),
      });
      await invalidateRegisteredModel(context, model.name);
      return created;
    },
    () => ({ kind: 'registeredModel', name: model.name }),
  );
  return freshModel(context, model.name, registered_model);
}
