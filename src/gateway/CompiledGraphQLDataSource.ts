import { LocalGraphQLDataSource } from '@apollo/gateway';
import { Kind, parse, validate, visit, BREAK, type DocumentNode } from 'graphql';
import { compileQuery, isCompiledQuery, type CompiledQuery } from 'graphql-jit';
import { LRUCache } from 'lru-cache';
import { lazy } from '../context/lazy.js';
import { compileLeafCheck } from './leafCheck.js';

/** What the gateway hands a data source, and what it answers. */
type ProcessOptions = Parameters<LocalGraphQLDataSource['process']>[0];
type SubgraphResponse = Awaited<ReturnType<LocalGraphQLDataSource['process']>>;

/** Subgraph operations kept compiled per subgraph: a query plan's fetches are few and their text is stable. */
const MAX_COMPILED = 500;

/** No compiled form: run this text through graphql-js as LocalGraphQLDataSource does. */
const INTERPRETED = Symbol('interpreted');

/**
 * One operation compiled: `query` leaves built-in scalars and enums as the resolvers gave them (graphql-jit's
 * `disableLeafSerialization`: no per-leaf bookkeeping, which for a dashboard's ~10 000 leaves was most of what the
 * subgraphs allocated), and `leavesSerialized` tells whether its answer is what serializing would have made. When it
 * is not, `serializing` (compiled on first need) runs the operation again as graphql-jit normally does.
 */
interface Compiled {
  query: CompiledQuery;
  leavesSerialized?: (data: Record<string, unknown>) => boolean;
  /** Undefined if graphql-jit cannot compile it so: graphql-js answers then. */
  serializing: () => CompiledQuery | undefined;
}

/**
 * Whether graphql-js must run this document: anything but one plain query (mutations keep graphql-js's serial
 * execution as it is), an introspection field other than `__typename`, or a directive other than
 * `@skip`/`@include`. The gateway's own fetches are plain queries, so this is the rare case.
 */
function needsInterpreter(document: DocumentNode, operationName: string | undefined): boolean {
  const operations = document.definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION);
  const operation =
    operationName === undefined ? operations[0] : operations.find((o) => o.name?.value === operationName);
  if (!operation || operation.operation !== 'query' || (operationName === undefined && operations.length > 1))
    return true;
  let unusual = false;
  visit(document, {
    Field(node) {
      if (node.name.value.startsWith('__') && node.name.value !== '__typename') {
        unusual = true;
        return BREAK;
      }
      return undefined;
    },
    Directive(node) {
      if (node.name.value !== 'skip' && node.name.value !== 'include') {
        unusual = true;
        return BREAK;
      }
      return undefined;
    },
  });
  return unusual;
}

/**
 * The in-process gateway's data source for one subgraph: each operation the query plan sends is parsed, validated
 * and compiled to JavaScript once (graphql-jit), then executed as a function of its variables, instead of being
 * parsed, validated and interpreted by graphql-js on every request. The subgraph schema is the same: its resolvers,
 * the authorization wrappers and the error mapping run as they do under graphql-js. Whatever is not a plain,
 * valid query (see {@link needsInterpreter}), or does not compile, runs through graphql-js as before, so its
 * answer and errors are graphql-js's own. Measured on the benchmark's cold dashboard: see README "Benchmarks".
 */
export class CompiledGraphQLDataSource extends LocalGraphQLDataSource {
  private readonly compiled = new LRUCache<string, Compiled | typeof INTERPRETED>({ max: MAX_COMPILED });
  /** Answers run again with serialization because a leaf was not in serialized form (see {@link Compiled}). */
  reserialized = 0;

  override async process(options: ProcessOptions): Promise<SubgraphResponse> {
    const { request, context } = options;
    const compiled = request.query === undefined ? INTERPRETED : this.compile(request.query, request.operationName);
    if (compiled === INTERPRETED) return super.process(options);
    const variables = request.variables ?? {};
    let result = (await compiled.query.query(undefined, context, variables)) as SubgraphResponse;
    // No data at all: the variables were refused before any resolver ran. graphql-js words that its own way, so
    // it answers (the gateway coerces variables before planning, so this is a request crafted past it).
    if (result.data === undefined && result.errors) return super.process(options);
    if (result.data && compiled.leavesSerialized && !compiled.leavesSerialized(result.data)) {
      // A resolver answered a leaf in another form (a number for a String, ...): serializing would coerce or refuse
      // it, so the operation runs again as graphql-jit serializes it. Queries only, and the request's loaders keep
      // what the first run fetched.
      this.reserialized += 1;
      const serializing = compiled.serializing();
      if (!serializing) return super.process(options);
      result = (await serializing.query(undefined, context, variables)) as SubgraphResponse;
    }
    return result;
  }

  private compile(query: string, operationName: string | undefined): Compiled | typeof INTERPRETED {
    const key = `${operationName ?? ''}\n${query}`;
    let entry = this.compiled.get(key);
    if (entry === undefined) {
      entry = INTERPRETED;
      try {
        const document = parse(query);
        if (validate(this.schema, document).length === 0 && !needsInterpreter(document, operationName)) {
          entry = this.compileBoth(document, operationName) ?? INTERPRETED;
        }
      } catch {
        // Not parseable: graphql-js answers it with its own syntax error.
      }
      this.compiled.set(key, entry);
    }
    return entry;
  }

  /** The compiled forms of a valid plain query (see {@link Compiled}); undefined if graphql-jit cannot compile it. */
  private compileBoth(document: DocumentNode, operationName: string | undefined): Compiled | undefined {
    const serializingOnce = (): CompiledQuery | undefined => {
      const result = compileQuery(this.schema, document, operationName);
      return isCompiledQuery(result) ? result : undefined;
    };
    const leavesSerialized = compileLeafCheck(this.schema, document, operationName);
    if (!leavesSerialized) {
      const query = serializingOnce();
      return query && { query, serializing: () => query };
    }
    const fast = compileQuery(this.schema, document, operationName, { disableLeafSerialization: true });
    if (!isCompiledQuery(fast)) return undefined;
    return { query: fast, leavesSerialized, serializing: lazy(serializingOnce) };
  }
}
