// Counts subgraph operations the in-process gateway executes (each fetch of its query plan runs one through
// CompiledGraphQLDataSource): a request answered from the response cache executes none.
import { CompiledGraphQLDataSource } from '../../src/gateway/CompiledGraphQLDataSource.js';

/** A counter of subgraph executions, from `start()` until `stop()`. */
export interface SubgraphExecutions {
  /** Executions since the last `reset()` (or since `start()`). */
  readonly count: number;
  reset(): void;
  /** Puts the data source back as it was. */
  stop(): void;
}

/** Starts counting, in every gateway of this test file's process. */
export function countSubgraphExecutions(): SubgraphExecutions {
  const prototype = CompiledGraphQLDataSource.prototype;
  const original = Object.getOwnPropertyDescriptor(prototype, 'process') as PropertyDescriptor;
  const process = prototype.process;
  let count = 0;
  prototype.process = function counted(this: CompiledGraphQLDataSource, ...args: Parameters<typeof process>) {
    count += 1;
    return process.apply(this, args);
  };
  return {
    get count() {
      return count;
    },
    reset() {
      count = 0;
    },
    stop() {
      Object.defineProperty(prototype, 'process', original);
    },
  };
}
