import type { ApolloServerPlugin, GraphQLRequest } from '@apollo/server';
import { queryTooComplex } from '../errors/queryTooComplex.js';
import { defaultCallPricing, measureOperation, type CallPricing, type OperationMeasure } from './measureOperation.js';

// Ours, extended, rather than `graphql-query-complexity` + `@escape.tech/graphql-armor`: the pricing needs the
// number of parent objects above each field to count batched upstream calls (see measureOperation.ts), and one
// walk gives depth, aliases, objects and calls together. Field suggestions are not blocked here.

/** Bounds on one operation. */
export interface LimitsOptions {
  maxDepth: number;
  maxAliases: number;
  /** Estimated objects fetched (measureOperation's `cost`: list items × page sizes, metric points included). */
  maxCost: number;
  /** Upstream calls one request may make: refused before execution on the estimate, enforced at run time too. */
  maxUpstreamCalls: number;
  /** What the backend batches (read per request: capabilities are learned at run time). */
  pricing?: () => CallPricing;
  /** Called, synchronously, with the measure of each operation within every bound (admission control weighs it). */
  onMeasured?: (request: GraphQLRequest, measure: OperationMeasure) => void;
}

/**
 * Refuses an operation that is too deep, uses too many aliases, would fetch too much or make too many upstream
 * calls, before any upstream call (the answer-size bound is the HTTP handler's: it measures the text Apollo
 * builds). A plugin (not a validation rule) so page sizes passed as variables are counted.
 */
export function useOperationLimits(options: LimitsOptions): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, operationName, request, schema }) {
          const measure = measureOperation(
            schema,
            document,
            operationName ?? undefined,
            request.variables,
            options.pricing?.() ?? defaultCallPricing,
          );
          const { depth, aliases, cost, upstreamCalls } = measure;
          if (depth > options.maxDepth)
            throw queryTooComplex(
              'depth',
              options.maxDepth,
              depth,
              `Query depth ${depth} exceeds the limit of ${options.maxDepth}`,
            );
          if (aliases > options.maxAliases)
            throw queryTooComplex(
              'aliases',
              options.maxAliases,
              aliases,
              `Query uses ${aliases} aliases; the limit is ${options.maxAliases}`,
            );
          if (cost > options.maxCost)
            throw queryTooComplex(
              'cost',
              options.maxCost,
              cost,
              `Query cost ${cost} exceeds the limit of ${options.maxCost}; ask for smaller pages (first, maxPoints)`,
            );
          if (upstreamCalls > options.maxUpstreamCalls) {
            throw queryTooComplex(
              'upstreamCalls',
              options.maxUpstreamCalls,
              upstreamCalls,
              `Query would make up to ${upstreamCalls} upstream calls; the limit is ${options.maxUpstreamCalls}: ask for fewer objects with per-object fields (artifacts, downloadUri, ...)`,
            );
          }
          options.onMeasured?.(request, measure);
        },
      };
    },
  };
}
