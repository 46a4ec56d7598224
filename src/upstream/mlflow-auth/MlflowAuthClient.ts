import { RestClient, type RestClientOptions } from '../http/RestClient.js';
import { mlflowAuthEndpoints, type MlflowAuthApi } from './endpoints.js';

/** Typed access to MLflow's basic-auth permission API for one request (one caller). */
export class MlflowAuthClient extends RestClient<MlflowAuthApi> {
  constructor(options: RestClientOptions) {
    super('MLflow auth', mlflowAuthEndpoints, options);
  }
}
