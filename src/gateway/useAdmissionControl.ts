import type { ApolloServerPlugin, GraphQLRequest } from '@apollo/server';
import { rateLimited } from '../errors/rateLimited.js';
import { AdmissionRefusedError, type AdmissionQueue, type AdmissionStats } from './AdmissionQueue.js';

/** The admission plugin and the hook useOperationLimits hands each operation's estimated cost to. */
export interface AdmissionControl {
  plugin: ApolloServerPlugin;
  /** Records the estimated cost of an operation that passed the operation limits (its weight in the queue). */
  measured(request: GraphQLRequest, cost: number): void;
  /** The queue's live figures (for /metrics). */
  stats: AdmissionStats;
}

/**
 * Holds each operation in the gateway's {@link AdmissionQueue} from the moment it is resolved and priced until its
 * answer has been written, so the process holds a bounded number (and estimated size) of answers at once; past the
 * queue's bounds the operation is answered RATE_LIMITED (HTTP 503, Retry-After) before any upstream call.
 *
 * List it after useOperationLimits: Apollo starts every plugin's didResolveOperation together, in plugin order, and
 * the limits plugin records the cost synchronously, before this one reads it. An operation with no recorded cost was
 * refused by the limits (that error is the answer) and is not queued.
 */
export function useAdmissionControl(queue: AdmissionQueue): AdmissionControl {
  // Keyed by the request object Apollo passes to every hook of one request; gone with it.
  const costs = new WeakMap<GraphQLRequest, number>();
  const retryAfterSeconds = Math.max(1, Math.ceil(queue.options.maxWaitMs / 1000));
  return {
    measured: (request, cost) => costs.set(request, cost),
    stats: queue.stats,
    plugin: {
      async requestDidStart() {
        let release: (() => void) | undefined;
        // Withdraws a waiting operation when its request ends some other way (another plugin refused it).
        const ended = new AbortController();
        return {
          async didResolveOperation({ request }) {
            const cost = costs.get(request);
            if (cost === undefined) return;
            try {
              release = await queue.acquire(queue.weightOf(cost), ended.signal);
            } catch (error) {
              if (!(error instanceof AdmissionRefusedError)) throw error;
              throw rateLimited(
                error.reason === 'queueFull'
                  ? 'The gateway is at capacity and its queue is full; retry after the time in Retry-After'
                  : 'The gateway is at capacity and this operation waited too long for room; retry after the time in Retry-After',
                retryAfterSeconds,
              );
            }
          },
          async willSendResponse() {
            ended.abort();
            // Apollo turns the answer into text and the handler writes it after this hook, in the same chain of
            // microtasks: released on the next turn of the event loop, the slot is freed with that memory.
            if (release) setImmediate(release);
          },
        };
      },
    },
  };
}
