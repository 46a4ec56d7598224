import { RestClient, type RestClientOptions } from '../http/RestClient.js';
import { mlflowEndpoints } from './endpoints.js';
import type { MlflowApi } from './MlflowApi.js';

/** Typed access to MLflow's tracking and registry REST API for one request (one caller). */
export class MlflowClient extends RestClient<MlflowApi> {
  constructor(options: RestClientOptions) {
    super('MLflow', mlflowEndpoints, options);
  }
}
