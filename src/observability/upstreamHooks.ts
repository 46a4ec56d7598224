import { trace } from '@opentelemetry/api';
import type { RestClientOptions } from '../upstream/http/RestClient.js';
import type { Telemetry } from './Telemetry.js';
import { REQUEST_ID_ATTRIBUTE, SpanKind, withSpan } from './tracing.js';

/**
 * The observability hooks of one request's upstream clients: every call is a CLIENT span (named after the
 * endpoint row, e.g. `GET /api/2.0/mlflow/runs/get`, carrying the request id) and every attempt feeds the
 * upstream metrics and becomes an event on that span (status, latency, failure kind).
 */
export function upstreamHooks(
  telemetry: Telemetry,
  requestId: string,
): Required<Pick<RestClientOptions, 'observe' | 'around'>> {
  return {
    observe(event) {
      telemetry.metrics.observeUpstream(event);
      const span = trace.getActiveSpan();
      if (!span?.isRecording()) return;
      span.addEvent('attempt', {
        ...(event.status === undefined ? {} : { 'http.response.status_code': event.status }),
        ...(event.failure === undefined ? {} : { 'error.type': event.failure }),
        duration_ms: Math.round(event.ms),
      });
      if (event.status !== undefined) span.setAttribute('http.response.status_code', event.status);
    },
    around(route, run) {
      const space = route.indexOf(' ');
      return withSpan(
        route,
        {
          kind: SpanKind.CLIENT,
          attributes: {
            [REQUEST_ID_ATTRIBUTE]: requestId,
            'http.request.method': route.slice(0, space),
            'url.template': route.slice(space + 1),
          },
        },
        () => run(),
      );
    },
  };
}
