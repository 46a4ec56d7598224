import {
  context,
  propagation,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Context,
  type Span,
} from '@opentelemetry/api';
import type { SpanExporter } from '@opentelemetry/sdk-trace-base';
import type { Config } from '../config.js';

/** Name of this service's tracer (@apollo/gateway's own spans come from the `@apollo/gateway` tracer). */
export const TRACER_NAME = 'mlflow-supergraph';

/** Attribute carrying the request id on every span we create, so a trace and a log line can be joined. */
export const REQUEST_ID_ATTRIBUTE = 'mlflow_supergraph.request_id';

/** A started tracing pipeline. */
export interface Tracing {
  /** Flushes buffered spans and unregisters the provider. */
  shutdown(): Promise<void>;
}

/** Options of {@link startTracing}. */
export interface TracingOptions {
  /** Export here instead of OTLP (tests use the SDK's InMemorySpanExporter). Spans are then sent one by one. */
  exporter?: SpanExporter;
}

/** This service's tracer; a no-op until {@link startTracing} registers a provider. */
export function tracer() {
  return trace.getTracer(TRACER_NAME);
}

/**
 * Registers an OpenTelemetry tracer provider when traces have somewhere to go: an OTLP/HTTP endpoint
 * (OTEL_EXPORTER_OTLP_ENDPOINT or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) or an exporter passed in. Otherwise it
 * does nothing: the API stays a no-op, no span is recorded and nothing leaves the machine. Once registered,
 * @apollo/gateway's spans (gateway.request, gateway.plan, gateway.fetch per subgraph fetch, ...) appear as
 * children of our request span, because the SDK's AsyncLocalStorage context manager carries it.
 */
export async function startTracing(
  config: Pick<Config, 'tracing'>,
  options: TracingOptions = {},
): Promise<Tracing | undefined> {
  if (!options.exporter && !config.tracing.endpoint) return undefined;
  // Loaded only when tracing is on: the SDK and the exporter cost start-up time nobody else should pay.
  const [{ NodeTracerProvider }, { BatchSpanProcessor, SimpleSpanProcessor }, { resourceFromAttributes }] =
    await Promise.all([
      import('@opentelemetry/sdk-trace-node'),
      import('@opentelemetry/sdk-trace-base'),
      import('@opentelemetry/resources'),
    ]);
  let processor;
  if (options.exporter) {
    processor = new SimpleSpanProcessor(options.exporter);
  } else {
    const { OTLPTraceExporter } = await import('@opentelemetry/exporter-trace-otlp-http');
    // The exporter reads OTEL_EXPORTER_OTLP_[TRACES_]ENDPOINT and _HEADERS itself (and appends /v1/traces
    // to the generic endpoint), exactly as every other OpenTelemetry SDK does.
    processor = new BatchSpanProcessor(new OTLPTraceExporter());
  }
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': config.tracing.serviceName }),
    spanProcessors: [processor],
  });
  provider.register();
  return {
    async shutdown() {
      await provider.shutdown();
      trace.disable();
      context.disable();
      propagation.disable();
    },
  };
}

/** The trace context an incoming request carries (W3C `traceparent`), so our spans join the caller's trace. */
export function extractContext(headers: Record<string, string | string[] | undefined>): Context {
  return propagation.extract(context.active(), headers);
}

/**
 * Runs `fn` inside a new active span, ends it when `fn` settles, and marks it failed when `fn` throws. With
 * no provider registered this is a plain call plus a few no-op method calls.
 */
export async function withSpan<T>(
  name: string,
  options: { kind?: SpanKind; attributes?: Attributes; parent?: Context },
  fn: (span: Span) => Promise<T>,
): Promise<T> {
  const parent = options.parent ?? context.active();
  return tracer().startActiveSpan(
    name,
    { kind: options.kind ?? SpanKind.INTERNAL, ...(options.attributes ? { attributes: options.attributes } : {}) },
    parent,
    async (span) => {
      try {
        return await fn(span);
      } catch (error) {
        span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.name : 'error' });
        throw error;
      } finally {
        span.end();
      }
    },
  );
}

export { SpanKind, SpanStatusCode };
