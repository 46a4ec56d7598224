import { createRequire } from 'node:module';
import type { Schema } from '@apollo/federation-internals';
import { shapeResponse, type ComputeResponse } from './shapeResponse.js';

/**
 * How the gateway shapes its answer from the subgraphs' data: `planned` (shapeResponse, the default) or
 * `gateway` (@apollo/gateway's own `computeResponse`; kept for comparison in the benchmarks and as a switch).
 */
export type ResponseShaping = 'planned' | 'gateway';

interface ResultShapingModule {
  computeResponse: ComputeResponse & { plannedShaping?: true };
}

/** API schemas of gateways that asked for the gateway's own shaping (their operations carry that schema). */
const gatewayShaped = new WeakSet<Schema>();

/**
 * Puts {@link shapeResponse} in place of @apollo/gateway's `computeResponse`. There is no option for it:
 * `executeQueryPlan` calls the function through its module's exports object, so replacing that property is what
 * reaches it. Pinned to the gateway version this was written against (package.json pins it exactly): on any other
 * version, or if the module is not laid out as expected, nothing is replaced and the gateway shapes its answers as
 * before, which is always correct, only slower. Idempotent; returns whether planned shaping is in place.
 */
export function installResponseShaping(): boolean {
  const require = createRequire(import.meta.url);
  let module: ResultShapingModule;
  try {
    const version = (require('@apollo/gateway/package.json') as { version: string }).version;
    if (version !== '2.14.4') return false;
    module = require('@apollo/gateway/dist/resultShaping.js') as ResultShapingModule;
  } catch {
    return false;
  }
  const original = module.computeResponse;
  if (typeof original !== 'function') return false;
  if (original.plannedShaping) return true;
  const planned: ResultShapingModule['computeResponse'] = (args) =>
    gatewayShaped.has(args.operation.schema()) ? original(args) : shapeResponse(args, original);
  planned.plannedShaping = true;
  module.computeResponse = planned;
  return true;
}

/** Answers of operations over this API schema are shaped by @apollo/gateway's own function. */
export function useGatewayShaping(apiSchema: Schema): void {
  gatewayShaped.add(apiSchema);
}
