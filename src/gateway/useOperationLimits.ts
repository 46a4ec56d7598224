import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError } from 'graphql';
import { defaultCallPricing, measureOperation, type CallPricing } from './measureOperation.js';

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
  /** Bytes of one JSON answer: a bigger one is replaced by an error, not sent. */
  maxResponseBytes: number;
  /** What the backend batches (read per request: capabilities are learned at run time). */
  pricing?: () => CallPricing;
}

/** Which bound an operation would exceed (`extensions.limit`). */
export type OperationLimit = 'depth' | 'aliases' | 'cost' | 'upstreamCalls' | 'responseBytes';

/** The QUERY_TOO_COMPLEX error for one bound: HTTP 400, with the bound's name, its maximum and the measure. */
export function queryTooComplex(limit: OperationLimit, max: number, actual: number, message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'QUERY_TOO_COMPLEX', limit, max, actual, http: { status: 400 } } });
}

/**
 * The UTF-8 length of `JSON.stringify(value)` (exact for JSON data), counted by walking it; stops early once past
 * `stopAbove` (the result is then only known to exceed it).
 */
export function jsonBytes(value: unknown, stopAbove = Number.POSITIVE_INFINITY): number {
  let total = 0;
  const visit = (node: unknown): void => {
    if (total > stopAbove) return;
    if (node === null || node === undefined) total += 4;
    else if (typeof node === 'string') total += Buffer.byteLength(JSON.stringify(node));
    else if (typeof node === 'number' || typeof node === 'boolean') total += String(Number.isFinite(node) || typeof node === 'boolean' ? node : null).length;
    else if (Array.isArray(node)) {
      total += 2 + Math.max(0, node.length - 1);
      for (const item of node) visit(item === undefined ? null : item);
    } else if (typeof node === 'object') {
      if (typeof (node as { toJSON?: unknown }).toJSON === 'function') return visit((node as { toJSON: () => unknown }).toJSON());
      const entries = Object.entries(node as Record<string, unknown>).filter(([, v]) => v !== undefined && typeof v !== 'function');
      total += 2 + Math.max(0, entries.length - 1);
      for (const [key, item] of entries) {
        total += Buffer.byteLength(JSON.stringify(key)) + 1;
        visit(item);
      }
    }
  };
  visit(value);
  return total;
}

/**
 * Refuses an operation that is too deep, uses too many aliases, would fetch too much or make too many upstream
 * calls, before any upstream call; and replaces an answer over `maxResponseBytes` by an error. A plugin (not a
 * validation rule) so page sizes passed as variables are counted.
 */
export function useOperationLimits(options: LimitsOptions): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, operationName, request, schema }) {
          const { depth, aliases, cost, upstreamCalls } = measureOperation(schema, document, operationName ?? undefined, request.variables, options.pricing?.() ?? defaultCallPricing);
          if (depth > options.maxDepth) throw queryTooComplex('depth', options.maxDepth, depth, `Query depth ${depth} exceeds the limit of ${options.maxDepth}`);
          if (aliases > options.maxAliases) throw queryTooComplex('aliases', options.maxAliases, aliases, `Query uses ${aliases} aliases; the limit is ${options.maxAliases}`);
          if (cost > options.maxCost) throw queryTooComplex('cost', options.maxCost, cost, `Query cost ${cost} exceeds the limit of ${options.maxCost}; ask for smaller pages (first, maxPoints)`);
          if (upstreamCalls > options.maxUpstreamCalls) {
            throw queryTooComplex('upstreamCalls', options.maxUpstreamCalls, upstreamCalls, `Query would make up to ${upstreamCalls} upstream calls; the limit is ${options.maxUpstreamCalls}: ask for fewer objects with per-object fields (artifacts, downloadUri, ...)`);
          }
        },
        async willSendResponse({ response }) {
          if (response.body.kind !== 'single') return;
          // Counted without building the JSON text (Apollo builds it next): a 40 MB answer is not made twice.
          const bytes = jsonBytes(response.body.singleResult, options.maxResponseBytes);
          if (bytes <= options.maxResponseBytes) return;
          const error = queryTooComplex('responseBytes', options.maxResponseBytes, bytes, `The answer has ${bytes} bytes; the limit is ${options.maxResponseBytes}: ask for smaller pages`);
          response.body.singleResult = { errors: [{ message: error.message, extensions: { code: 'QUERY_TOO_COMPLEX', limit: 'responseBytes', max: options.maxResponseBytes, actual: bytes } }] };
          response.http.status = 400;
        },
      };
    },
  };
}
