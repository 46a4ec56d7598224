import { RestClient, type RestClientOptions } from '../http/RestClient.js';
import type { BackendProfile } from '../profiles/BackendProfile.js';
import { unsupportedCall } from '../profiles/unsupportedCall.js';
import { mlflowEndpoints } from './endpoints.js';
import type { MlflowApi } from './MlflowApi.js';

/** Typed access to MLflow's tracking and registry REST API for one request (one caller). */
export class MlflowClient extends RestClient<MlflowApi> {
  /** `profile`: what the backend serves; calls it cannot serve are refused before they are sent. */
  constructor(
    options: RestClientOptions,
    private readonly profile?: BackendProfile,
  ) {
    super('MLflow', mlflowEndpoints, options);
  }

  /** Throws UNSUPPORTED_BY_BACKEND unless the backend serves `name` with these params (no call is made). */
  assertSupported<K extends keyof MlflowApi & string>(name: K, params: MlflowApi[K]['params']): void {
    const refused = this.profile && unsupportedCall(this.profile, name, params);
    if (refused) throw refused;
  }

  /** GitLab's translation, so that a chunk is measured as it is sent (see chunksThatFit). */
  protected override sentParams<K extends keyof MlflowApi & string>(
    name: K,
    params: MlflowApi[K]['params'],
  ): MlflowApi[K]['params'] {
    return this.profile?.wire ? this.profile.wire.request(name, params) : params;
  }

  override call<K extends keyof MlflowApi & string>(
    name: K,
    params: MlflowApi[K]['params'],
  ): Promise<MlflowApi[K]['response']> {
    const refused = this.profile && unsupportedCall(this.profile, name, params);
    if (refused) return Promise.reject(refused);
    const wire = this.profile?.wire;
    if (!wire) return super.call(name, params);
    return super.call(name, wire.request(name, params)).then(
      (response) => wire.response(name, response, params),
      (error: unknown) => {
        if (!wire.failure) throw error;
        return wire.failure(name, error);
      },
    );
  }
}
