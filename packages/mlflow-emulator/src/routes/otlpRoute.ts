// MLflow 3's OTLP trace receiver, `POST /v1/traces`: OTLP/HTTP with a protobuf ExportTraceServiceRequest body and
// the target experiment in the `x-mlflow-experiment-id` header. MLflow serves it from its FastAPI app, so its
// errors are FastAPI's `{"detail": ...}` bodies: a missing header is a 422 validation error (checked before the
// body), OTLP/JSON a 400, undecodable bytes a 400. Success is an empty ExportTraceServiceResponse.
import { gunzipSync, inflateSync } from 'node:zlib';
import { MlflowError, RawResponse } from '../MlflowError.js';
import { WireFormatError, decodeExportTraceRequest, type OtlpSpan } from '../otlpTraces.js';
import { mimetypeOf } from '../protoJson.js';
import type { Route } from '../router.js';

/** The header naming the experiment the spans go to. */
export const EXPERIMENT_ID_HEADER = 'x-mlflow-experiment-id';
const PROTOBUF = 'application/x-protobuf';

function detail(status: number, body: unknown): RawResponse {
  return new RawResponse(status, JSON.stringify({ detail: body }), 'application/json');
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function decompress(body: Buffer, encoding: string | undefined): Buffer {
  switch ((encoding ?? '').trim().toLowerCase()) {
    case '':
    case 'identity':
      return body;
    case 'gzip':
      return gunzipSync(body);
    case 'deflate':
      return inflateSync(body);
    default:
      throw detail(400, `Unsupported Content-Encoding: ${encoding ?? ''}`);
  }
}

/** `POST /v1/traces` (an absolute path, outside the REST prefixes). */
export const otlpRoute: Route = {
  operation: 'ExportTraceServiceRequest',
  path: '/v1/traces',
  methods: ['POST'],
  fastapi: true,
  handler: (request, { store }) => {
    const experimentId = headerValue(request.headers[EXPERIMENT_ID_HEADER]);
    if (experimentId === undefined) {
      return detail(422, [
        { type: 'missing', loc: ['header', EXPERIMENT_ID_HEADER], msg: 'Field required', input: null },
      ]);
    }
    if (mimetypeOf(request.contentType) !== PROTOBUF) {
      return detail(400, `Invalid Content-Type: ${request.contentType ?? 'None'}. Expected: ${PROTOBUF}`);
    }
    let spans: OtlpSpan[];
    try {
      spans = decodeExportTraceRequest(decompress(request.body, headerValue(request.headers['content-encoding'])));
    } catch (error) {
      if (error instanceof RawResponse) return error;
      if (error instanceof WireFormatError || error instanceof Error) {
        return detail(400, 'Invalid OpenTelemetry protobuf format');
      }
      throw error;
    }
    try {
      store.traces.logSpans(experimentId, spans);
    } catch (error) {
      if (error instanceof MlflowError) return detail(error.status, error.message);
      throw error;
    }
    return new RawResponse(200, '', PROTOBUF);
  },
};
