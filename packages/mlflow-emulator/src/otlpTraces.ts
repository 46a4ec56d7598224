// OTLP trace messages (opentelemetry/proto/collector/trace/v1 ExportTraceServiceRequest and the trace/common
// messages under it), decoded from and encoded to the protobuf wire format. MLflow 3's `/v1/traces` takes this
// body; the spans it stores keep their attributes as sent, so the decoded values keep their OTLP kinds (an int
// stays an int64, a map a kvlist) for the OTLP JSON MLflow answers spans with.
import {
  WireFormatError,
  WireWriter,
  readFields,
  wireBool,
  wireBytes,
  wireDouble,
  wireInt32,
  wireInt64,
  wireString,
  wireUint64,
  type WireField,
} from './protobufWire.js';

/** An OTLP `AnyValue` (`empty` when no member of its oneof is set). */
export type OtlpValue =
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'bool'; readonly value: boolean }
  | { readonly kind: 'int'; readonly value: bigint }
  | { readonly kind: 'double'; readonly value: number }
  | { readonly kind: 'array'; readonly values: readonly OtlpValue[] }
  | { readonly kind: 'kvlist'; readonly values: readonly OtlpKeyValue[] }
  | { readonly kind: 'bytes'; readonly value: Buffer }
  | { readonly kind: 'empty' };

/** An OTLP `KeyValue`. */
export interface OtlpKeyValue {
  readonly key: string;
  readonly value: OtlpValue;
}

/** An OTLP `Span.Event`. */
export interface OtlpEvent {
  readonly timeUnixNano: bigint;
  readonly name: string;
  readonly attributes: readonly OtlpKeyValue[];
}

/** OTLP `Status.StatusCode`: 0 UNSET, 1 OK, 2 ERROR. */
export type OtlpStatusCode = 0 | 1 | 2;

/** An OTLP `Span`, with the fields MLflow keeps. */
export interface OtlpSpan {
  readonly traceId: Buffer;
  readonly spanId: Buffer;
  /** Empty for a root span. */
  readonly parentSpanId: Buffer;
  readonly name: string;
  readonly startTimeUnixNano: bigint;
  readonly endTimeUnixNano: bigint;
  readonly attributes: readonly OtlpKeyValue[];
  readonly events: readonly OtlpEvent[];
  readonly status: { readonly code: OtlpStatusCode; readonly message: string };
}

function decodeValue(buffer: Buffer): OtlpValue {
  let value: OtlpValue = { kind: 'empty' };
  for (const field of readFields(buffer)) {
    switch (field.number) {
      case 1:
        value = { kind: 'string', value: wireString(field) };
        break;
      case 2:
        value = { kind: 'bool', value: wireBool(field) };
        break;
      case 3:
        value = { kind: 'int', value: wireInt64(field) };
        break;
      case 4:
        value = { kind: 'double', value: wireDouble(field) };
        break;
      case 5:
        value = {
          kind: 'array',
          values: readFields(wireBytes(field))
            .filter((item) => item.number === 1)
            .map((item) => decodeValue(wireBytes(item))),
        };
        break;
      case 6:
        value = {
          kind: 'kvlist',
          values: readFields(wireBytes(field))
            .filter((item) => item.number === 1)
            .map((item) => decodeKeyValue(wireBytes(item))),
        };
        break;
      case 7:
        value = { kind: 'bytes', value: wireBytes(field) };
        break;
      default:
        break; // unknown fields are kept by protobuf and ignored by MLflow
    }
  }
  return value;
}

function decodeKeyValue(buffer: Buffer): OtlpKeyValue {
  let key = '';
  let value: OtlpValue = { kind: 'empty' };
  for (const field of readFields(buffer)) {
    if (field.number === 1) key = wireString(field);
    else if (field.number === 2) value = decodeValue(wireBytes(field));
  }
  return { key, value };
}

function decodeEvent(buffer: Buffer): OtlpEvent {
  let timeUnixNano = 0n;
  let name = '';
  const attributes: OtlpKeyValue[] = [];
  for (const field of readFields(buffer)) {
    if (field.number === 1) timeUnixNano = wireUint64(field);
    else if (field.number === 2) name = wireString(field);
    else if (field.number === 3) attributes.push(decodeKeyValue(wireBytes(field)));
  }
  return { timeUnixNano, name, attributes };
}

function statusCode(field: WireField): OtlpStatusCode {
  const code = wireInt32(field);
  return code === 1 || code === 2 ? code : 0;
}

function decodeSpan(buffer: Buffer): OtlpSpan {
  let traceId: Buffer = Buffer.alloc(0);
  let spanId: Buffer = Buffer.alloc(0);
  let parentSpanId: Buffer = Buffer.alloc(0);
  let name = '';
  let startTimeUnixNano = 0n;
  let endTimeUnixNano = 0n;
  const attributes: OtlpKeyValue[] = [];
  const events: OtlpEvent[] = [];
  let status: OtlpSpan['status'] = { code: 0, message: '' };
  for (const field of readFields(buffer)) {
    switch (field.number) {
      case 1:
        traceId = wireBytes(field);
        break;
      case 2:
        spanId = wireBytes(field);
        break;
      case 4:
        parentSpanId = wireBytes(field);
        break;
      case 5:
        name = wireString(field);
        break;
      case 7:
        startTimeUnixNano = wireUint64(field);
        break;
      case 8:
        endTimeUnixNano = wireUint64(field);
        break;
      case 9:
        attributes.push(decodeKeyValue(wireBytes(field)));
        break;
      case 11:
        events.push(decodeEvent(wireBytes(field)));
        break;
      case 15: {
        let code: OtlpStatusCode = 0;
        let message = '';
        for (const item of readFields(wireBytes(field))) {
          if (item.number === 2) message = wireString(item);
          else if (item.number === 3) code = statusCode(item);
        }
        status = { code, message };
        break;
      }
      default:
        break; // trace_state, flags, kind, links, dropped counts: not kept by MLflow
    }
  }
  return { traceId, spanId, parentSpanId, name, startTimeUnixNano, endTimeUnixNano, attributes, events, status };
}

/**
 * The spans of an `ExportTraceServiceRequest` (resource and scope are not kept), in wire order. Throws
 * {@link WireFormatError} when the bytes are not a valid message.
 */
export function decodeExportTraceRequest(body: Buffer): OtlpSpan[] {
  const spans: OtlpSpan[] = [];
  for (const resourceSpans of readFields(body)) {
    if (resourceSpans.number !== 1) continue;
    for (const scopeSpans of readFields(wireBytes(resourceSpans))) {
      if (scopeSpans.number !== 2) {
        if (scopeSpans.number === 1) readFields(wireBytes(scopeSpans)); // the resource must parse too
        continue;
      }
      for (const field of readFields(wireBytes(scopeSpans))) {
        if (field.number === 2) spans.push(decodeSpan(wireBytes(field)));
        else if (field.number === 1) readFields(wireBytes(field));
      }
    }
  }
  return spans;
}

export { WireFormatError };

function encodeValue(value: OtlpValue): WireWriter {
  const writer = new WireWriter();
  switch (value.kind) {
    case 'string':
      return writer.bytes(1, value.value);
    case 'bool':
      return writer.uint(2, value.value);
    case 'int':
      return writer.uint(3, value.value);
    case 'double':
      return writer.double(4, value.value);
    case 'array': {
      const array = new WireWriter();
      for (const item of value.values) array.bytes(1, encodeValue(item));
      return writer.bytes(5, array);
    }
    case 'kvlist': {
      const list = new WireWriter();
      for (const item of value.values) list.bytes(1, encodeKeyValue(item));
      return writer.bytes(6, list);
    }
    case 'bytes':
      return writer.bytes(7, value.value);
    case 'empty':
      return writer;
  }
}

function encodeKeyValue(keyValue: OtlpKeyValue): WireWriter {
  return new WireWriter().bytes(1, keyValue.key).bytes(2, encodeValue(keyValue.value));
}

function encodeSpan(span: OtlpSpan): WireWriter {
  const writer = new WireWriter().bytes(1, span.traceId).bytes(2, span.spanId);
  if (span.parentSpanId.length > 0) writer.bytes(4, span.parentSpanId);
  writer.bytes(5, span.name).uint(6, 1).fixed64(7, span.startTimeUnixNano).fixed64(8, span.endTimeUnixNano);
  for (const attribute of span.attributes) writer.bytes(9, encodeKeyValue(attribute));
  for (const event of span.events) {
    const encoded = new WireWriter().fixed64(1, event.timeUnixNano).bytes(2, event.name);
    for (const attribute of event.attributes) encoded.bytes(3, encodeKeyValue(attribute));
    writer.bytes(11, encoded);
  }
  const status = new WireWriter();
  if (span.status.message) status.bytes(2, span.status.message);
  if (span.status.code !== 0) status.uint(3, span.status.code);
  return writer.bytes(15, status);
}

/** An `ExportTraceServiceRequest` carrying the spans under one resource and scope (for seeds and tests). */
export function encodeExportTraceRequest(spans: readonly OtlpSpan[], serviceName = 'mlflow-emulator'): Buffer {
  const resource = new WireWriter().bytes(
    1,
    encodeKeyValue({ key: 'service.name', value: { kind: 'string', value: serviceName } }),
  );
  const scopeSpans = new WireWriter().bytes(1, new WireWriter().bytes(1, 'mlflow-emulator'));
  for (const span of spans) scopeSpans.bytes(2, encodeSpan(span));
  const resourceSpans = new WireWriter().bytes(1, resource).bytes(2, scopeSpans);
  return new WireWriter().bytes(1, resourceSpans).finish();
}

/** A JSON-like value as an OTLP `AnyValue` (integers as int64, objects as kvlists), for seeds and tests. */
export function otlpValueOf(value: unknown): OtlpValue {
  if (value === null || value === undefined) return { kind: 'empty' };
  if (typeof value === 'string') return { kind: 'string', value };
  if (typeof value === 'boolean') return { kind: 'bool', value };
  if (typeof value === 'bigint') return { kind: 'int', value };
  if (typeof value === 'number')
    return Number.isInteger(value) ? { kind: 'int', value: BigInt(value) } : { kind: 'double', value };
  if (Array.isArray(value)) return { kind: 'array', values: value.map(otlpValueOf) };
  if (Buffer.isBuffer(value)) return { kind: 'bytes', value };
  return {
    kind: 'kvlist',
    values: Object.entries(value as Record<string, unknown>).map(([key, item]) => ({ key, value: otlpValueOf(item) })),
  };
}

/** An OTLP value as a JSON-like value (int64 as numbers, kvlists as objects; strings that hold JSON decoded). */
export function otlpValueToJs(value: OtlpValue): unknown {
  switch (value.kind) {
    case 'string':
      // MLflow's own client sends attribute values JSON-encoded; MLflow decodes them when it reads them.
      try {
        return JSON.parse(value.value) as unknown;
      } catch {
        return value.value;
      }
    case 'bool':
    case 'double':
      return value.value;
    case 'int':
      return Number(value.value);
    case 'array':
      return value.values.map(otlpValueToJs);
    case 'kvlist':
      return Object.fromEntries(value.values.map((item) => [item.key, otlpValueToJs(item.value)]));
    case 'bytes':
      return value.value.toString('base64');
    case 'empty':
      return null;
  }
}
