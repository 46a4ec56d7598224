import { RestClient, type RestClientOptions } from '../http/RestClient.js';
import { UpstreamError } from '../http/UpstreamError.js';
import type { BackendProfile } from '../profiles/BackendProfile.js';
import { featureByArguments, featureOfCall, type BackendFeature } from '../profiles/backendFeatures.js';
import type { LearnedCapabilities } from '../profiles/LearnedCapabilities.js';
import { featureRefusal, unsupportedCall } from '../profiles/unsupportedCall.js';
import { mlflowEndpoints, type MlflowEndpointName } from './endpoints.js';
import type { MlflowApi } from './MlflowApi.js';

/** What the client reads of the process's run-time knowledge of its backend (MLflow 3 features). */
export type FeatureKnowledge = Pick<LearnedCapabilities, 'decideFeature' | 'featureAbsent'>;

/**
 * Whether a failed call says the route does not exist: Flask's HTML 404 (or 405) with no MLflow `error_code`.
 * MLflow 3 answers an unknown logged model with a JSON RESOURCE_DOES_NOT_EXIST, never like this (corpus 3.11.1:
 * `GET /api/2.0/mlflow/no-such-endpoint` → HTML 404; `GET …/logged-models/not-a-model` → JSON 404).
 */
export function isMissingRoute(error: unknown): boolean {
  return (
    error instanceof UpstreamError &&
    error.failure === 'http' &&
    (error.status === 404 || error.status === 405) &&
    error.errorCode === undefined
  );
}

/** Typed access to MLflow's tracking and registry REST API for one request (one caller). */
export class MlflowClient extends RestClient<MlflowApi> {
  readonly #authorization: string | undefined;

  /**
   * `profile`: what the backend serves; calls it cannot serve are refused before they are sent. `features`: the
   * process's decision on MLflow 3 features a profile makes depend on the server's version (without it, such a
   * feature counts as served).
   */
  constructor(
    options: RestClientOptions,
    private readonly profile?: BackendProfile,
    private readonly features?: FeatureKnowledge,
  ) {
    super('MLflow', mlflowEndpoints, options);
    this.#authorization = options.authorization;
  }

  /** Throws UNSUPPORTED_BY_BACKEND unless the backend serves `name` with these params (no call is made). */
  assertSupported<K extends keyof MlflowApi & string>(name: K, params: MlflowApi[K]['params']): void {
    const refused = this.profile && unsupportedCall(this.profile, name, params);
    if (refused) throw refused;
  }

  /**
   * Rejects with UNSUPPORTED_BY_BACKEND unless the backend serves `feature` (no MLflow call is made): for fields
   * that would otherwise answer from data already fetched (a 2.x run has no logged models, and must not say "none").
   * `via` names the endpoint the field stands for, in the message.
   */
  async requireFeature(feature: BackendFeature, via: MlflowEndpointName): Promise<void> {
    if (!this.profile) return;
    if (this.profile.capabilities.features[feature] === 'no') throw featureRefusal(via, feature, this.profile.kind);
    const decision = await this.features?.decideFeature(feature, this.#authorization);
    if (decision === 'no') throw featureRefusal(via, feature, this.profile.kind, this.#versionNote(feature));
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
    const feature = this.profile && this.features ? featureOfCall(name, params) : undefined;
    if (!feature) return this.#send(name, params);
    return this.#gated(feature, name, params);
  }

  /**
   * A call needing a version-gated feature: sent when the server's version has it; refused (nothing sent) when it
   * does not. When the server reports no version at all, a call to one of the feature's own endpoints is tried and
   * a missing route teaches the process the feature is absent; a call that needs it only through its arguments
   * (`model_id` on log-metric) is refused, because an older server would drop them silently (backendFeatures.ts).
   */
  async #gated<K extends keyof MlflowApi & string>(
    feature: BackendFeature,
    name: K,
    params: MlflowApi[K]['params'],
  ): Promise<MlflowApi[K]['response']> {
    const profile = this.profile as BackendProfile;
    const features = this.features as FeatureKnowledge;
    const decision = await features.decideFeature(feature, this.#authorization);
    if (decision === 'yes') return this.#send(name, params);
    if (decision === 'no') throw featureRefusal(name, feature, profile.kind, this.#versionNote(feature));
    if (featureByArguments(name))
      throw featureRefusal(
        name,
        feature,
        profile.kind,
        'the server reports no version, and an MLflow older than 3.0 would drop these arguments without a word',
      );
    try {
      return await this.#send(name, params);
    } catch (error) {
      if (!isMissingRoute(error)) throw error;
      features.featureAbsent(
        feature,
        `${mlflowEndpoints[name].route} answered HTTP ${(error as UpstreamError).status}`,
      );
      throw featureRefusal(name, feature, profile.kind, 'the server has no such route');
    }
  }

  /** Why a version-gated feature was refused: the version the profile requires of the server. */
  #versionNote(feature: BackendFeature): string {
    const support = this.profile?.capabilities.features[feature];
    const since = typeof support === 'object' ? support.sinceVersion : '3.0';
    return `the server is older than MLflow ${since}`;
  }

  #send<K extends keyof MlflowApi & string>(
    name: K,
    params: MlflowApi[K]['params'],
  ): Promise<MlflowApi[K]['response']> {
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
