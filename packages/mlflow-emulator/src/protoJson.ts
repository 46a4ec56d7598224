// MLflow reads every request through protobuf's json_format (`parse_dict`, unknown fields ignored)
// and then re-checks the raw JSON against a per-handler schema (`_validate_param_against_schema`).
// The parse stops at the first bad field and MLflow keeps the half-filled message, which is where
// several recorded oddities come from (runs/update with status "BOGUS" answers 200 and changes
// nothing; log-batch stores a metric whose value is a word as 0.0 at timestamp 0). This module
// reproduces both steps so those answers fall out of the same rules rather than special cases.
import { MlflowError, internalServerErrorPage } from './MlflowError.js';
import { pyFloat, pyInt, pyStr, pyTypeName } from './pyRepr.js';

/** A scalar protobuf type as MLflow's protos use them. */
export type ScalarKind = 'string' | 'int32' | 'int64' | 'double' | 'bool';

/** One field of a request message, in the proto2 sense (presence is tracked). */
export type FieldSpec =
  | { readonly kind: ScalarKind; readonly repeated?: boolean; readonly default?: string | number | boolean }
  | {
      readonly kind: 'enum';
      readonly values: readonly string[];
      readonly repeated?: boolean;
      readonly default?: string;
    }
  | { readonly kind: 'message'; readonly fields: MessageSpec; readonly repeated?: boolean };

/** A message: field name → spec, in declaration order (the order GET query strings are read in). */
export type MessageSpec = Readonly<Record<string, FieldSpec>>;

/** A parsed message: the fields that were set, with proto2 defaults for the others. */
export class ProtoMessage {
  readonly spec: MessageSpec;
  readonly values = new Map<string, unknown>();

  constructor(spec: MessageSpec) {
    this.spec = spec;
  }

  /** Whether the field was set (proto2 `HasField`). */
  has(name: string): boolean {
    return this.values.has(name);
  }

  /** A string field, or its default (`''` unless the proto says otherwise). */
  str(name: string): string {
    const value = this.values.get(name);
    if (typeof value === 'string') return value;
    const spec = this.spec[name];
    return spec && spec.kind !== 'message' && typeof spec.default === 'string' ? spec.default : '';
  }

  /** A numeric field, or its default (0 unless the proto says otherwise). */
  num(name: string): number {
    const value = this.values.get(name);
    if (typeof value === 'number') return value;
    const spec = this.spec[name];
    return spec && spec.kind !== 'message' && typeof spec.default === 'number' ? spec.default : 0;
  }

  /** A bool field, or false. */
  bool(name: string): boolean {
    return this.values.get(name) === true;
  }

  /** An enum field's value name, or its default (the first value, as proto2 does). */
  enumValue(name: string): string {
    const value = this.values.get(name);
    if (typeof value === 'string') return value;
    const spec = this.spec[name];
    if (spec?.kind === 'enum') return spec.default ?? spec.values[0] ?? '';
    return '';
  }

  /** A repeated scalar field. */
  list<T = string>(name: string): T[] {
    const value = this.values.get(name);
    return Array.isArray(value) ? (value as T[]) : [];
  }

  /** A repeated message field. */
  messages(name: string): ProtoMessage[] {
    return this.list<ProtoMessage>(name);
  }

  /** A singular message field (an empty message when unset). */
  message(name: string): ProtoMessage {
    const value = this.values.get(name);
    if (value instanceof ProtoMessage) return value;
    const spec = this.spec[name];
    return new ProtoMessage(spec?.kind === 'message' ? spec.fields : {});
  }
}

class ParseError extends Error {}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function convertScalar(value: unknown, spec: FieldSpec): unknown {
  switch (spec.kind) {
    case 'string':
      if (typeof value !== 'string') throw new ParseError('expected string');
      return value;
    case 'int32':
    case 'int64': {
      if (typeof value === 'boolean') throw new ParseError('bool for integer');
      if (typeof value === 'number') {
        if (!Number.isInteger(value)) throw new ParseError('non-integer');
        if (spec.kind === 'int32' && (value > 2147483647 || value < -2147483648)) throw new ParseError('int32 range');
        return value;
      }
      if (typeof value === 'string') {
        if (value.includes(' ') || !/^-?\d+$/.test(value)) throw new ParseError('bad integer string');
        const parsed = Number.parseInt(value, 10);
        if (spec.kind === 'int32' && (parsed > 2147483647 || parsed < -2147483648)) throw new ParseError('int32 range');
        return parsed;
      }
      throw new ParseError('expected integer');
    }
    case 'double': {
      if (typeof value === 'number') return value;
      if (typeof value === 'string') {
        if (value === 'NaN') return Number.NaN;
        if (value === 'Infinity') return Infinity;
        if (value === '-Infinity') return -Infinity;
        const parsed = pyFloat(value);
        if (typeof parsed !== 'number') throw new ParseError('bad float string');
        return parsed;
      }
      throw new ParseError('expected number');
    }
    case 'bool':
      if (typeof value !== 'boolean') throw new ParseError('expected true or false');
      return value;
    case 'enum': {
      if (typeof value === 'string' && spec.values.includes(value)) return value;
      if (typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= spec.values.length) {
        return spec.values[value - 1];
      }
      throw new ParseError('invalid enum value');
    }
    case 'message':
      throw new ParseError('not a scalar');
  }
}

function convertMessage(json: unknown, target: ProtoMessage): void {
  if (!isPlainObject(json)) throw new ParseError('expected object');
  for (const [name, value] of Object.entries(json)) {
    const spec = target.spec[name];
    if (!spec) continue; // ignore_unknown_fields=True
    if (value === null) {
      target.values.delete(name);
      continue;
    }
    if (spec.repeated) {
      if (!Array.isArray(value)) throw new ParseError('expected list');
      const items: unknown[] = [];
      target.values.set(name, items);
      for (const item of value) {
        if (spec.kind === 'message') {
          // The sub-message is appended before its fields are read, so a failure leaves it half set.
          const sub = new ProtoMessage(spec.fields);
          items.push(sub);
          convertMessage(item, sub);
        } else {
          if (item === null) throw new ParseError('null in list');
          items.push(convertScalar(item, spec));
        }
      }
    } else if (spec.kind === 'message') {
      const sub = new ProtoMessage(spec.fields);
      target.values.set(name, sub);
      convertMessage(value, sub);
    } else {
      target.values.set(name, convertScalar(value, spec));
    }
  }
}

/**
 * protobuf `ParseDict(json, message, ignore_unknown_fields=True)`: fills what it can and reports
 * whether the whole dict parsed. MLflow ignores the failure and carries on with the partial message.
 */
export function parseDict(json: unknown, spec: MessageSpec): { message: ProtoMessage; ok: boolean } {
  const message = new ProtoMessage(spec);
  try {
    convertMessage(json, message);
    return { message, ok: true };
  } catch (error) {
    if (error instanceof ParseError) return { message, ok: false };
    throw error;
  }
}

/** One check of MLflow's handler schemas (`_assert_required`, `_assert_intlike`, ...). */
export type SchemaCheck =
  | 'required'
  | 'string'
  | 'intlike'
  | 'floatlike'
  | 'bool'
  | 'array'
  | 'itemString'
  | { readonly maxInt: number; readonly message?: string }
  | { readonly intRange: readonly [number, number]; readonly message?: string }
  | { readonly maxLength: number; readonly message: (length: number) => string };

/** A handler schema: parameter name → checks, in the order MLflow runs them. */
export type HandlerSchema = ReadonlyArray<readonly [string, readonly SchemaCheck[]]>;

const TYPE_CHECKS = new Set<SchemaCheck>(['intlike', 'string', 'bool', 'floatlike', 'array', 'itemString']);

class AssertionFailed extends Error {
  readonly custom: string | undefined;
  constructor(custom?: string) {
    super(custom ?? 'assertion failed');
    this.custom = custom;
  }
}

function runCheck(check: SchemaCheck, value: unknown): void {
  if (check === 'required') {
    if (value === null || value === undefined || value === '') throw new AssertionFailed();
    return;
  }
  if (check === 'string') {
    if (typeof value !== 'string') throw new AssertionFailed();
    return;
  }
  if (check === 'intlike') {
    // `int(x)` then `isinstance(x, int)`; a TypeError from int(None) escapes to Flask (HTTP 500).
    const converted = pyInt(value);
    if (converted === 'TypeError') throw internalServerErrorPage();
    if (converted === 'ValueError') throw new AssertionFailed();
    return;
  }
  if (check === 'floatlike') {
    const converted = pyFloat(value);
    if (converted === 'TypeError') throw internalServerErrorPage();
    if (converted === 'ValueError') throw new AssertionFailed();
    return;
  }
  if (check === 'bool') {
    if (typeof value !== 'boolean') throw new AssertionFailed();
    return;
  }
  if (check === 'array') {
    if (!Array.isArray(value)) throw new AssertionFailed();
    return;
  }
  if (check === 'itemString') {
    if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) throw new AssertionFailed();
    return;
  }
  if ('maxInt' in check) {
    const converted = pyInt(value);
    if (typeof converted !== 'number') throw internalServerErrorPage();
    if (converted > check.maxInt) throw new AssertionFailed(check.message);
    return;
  }
  if ('intRange' in check) {
    const converted = pyInt(value);
    if (typeof converted !== 'number') throw internalServerErrorPage();
    if (converted < check.intRange[0] || converted > check.intRange[1]) throw new AssertionFailed(check.message);
    return;
  }
  const length = Array.isArray(value) ? value.length : 0;
  if (length > check.maxLength) throw new AssertionFailed(check.message(length));
}

/**
 * `_validate_param_against_schema` for every schema entry present in the request (or required),
 * with MLflow's messages. Type checks are skipped when the proto parse succeeded, as MLflow does.
 */
export function validateSchema(
  json: Record<string, unknown>,
  schema: HandlerSchema,
  parseOk: boolean,
  mlflow3 = false,
): void {
  for (const [param, checks] of schema) {
    if (!(param in json) && !checks.includes('required')) continue;
    let value = json[param];
    if (param === 'run_id' && (value === undefined || value === null) && 'run_uuid' in json) value = json['run_uuid'];
    for (const check of checks) {
      if (parseOk && TYPE_CHECKS.has(check)) continue;
      try {
        runCheck(check, value);
      } catch (error) {
        if (!(error instanceof AssertionFailed)) throw error;
        let message: string;
        if (error.custom !== undefined) message = error.custom;
        else if (check === 'required') message = `Missing value for required parameter '${param}'.`;
        else if (mlflow3)
          // MLflow 3 prints the value as JSON and leaves an empty detail before the hint.
          message = `Invalid value ${JSON.stringify(value) ?? 'null'} for parameter '${param}' supplied:  Hint: Value was of type '${pyTypeName(value)}'.`;
        else
          message = `Invalid value ${pyStr(value)} for parameter '${param}' supplied. Hint: Value was of type '${pyTypeName(value)}'.`;
        throw MlflowError.invalidParameter(
          `${message} See the API docs for more information about request parameters.`,
        );
      }
    }
  }
}

/** The raw request as MLflow's `_get_request_message` sees it. */
export interface RawRequest {
  readonly method: string;
  readonly query: URLSearchParams;
  readonly contentType: string | undefined;
  readonly body: Buffer;
  /** Read as MLflow 3 does (its wording of schema errors). */
  readonly mlflow3?: boolean;
}

/** Mimetype without parameters, lower-cased (`application/json; charset=utf-8` → `application/json`). */
export function mimetypeOf(contentType: string | undefined): string | undefined {
  if (contentType === undefined) return undefined;
  return contentType.split(';')[0]?.trim().toLowerCase();
}

/** Flask's `get_json(force=True, silent=True)`: the decoded body, or null when it does not decode. */
export function silentJson(body: Buffer): unknown {
  if (body.length === 0) return null;
  try {
    return JSON.parse(body.toString('utf8')) as unknown;
  } catch {
    return null;
  }
}

/**
 * The JSON dict MLflow builds for a request: query parameters for a GET that has any (repeated
 * fields as lists, in the message's field order), else the body (content type checked for POST/PUT).
 */
export function requestJson(request: RawRequest, spec: MessageSpec): Record<string, unknown> {
  if (request.method === 'GET' && [...request.query.keys()].length > 0) {
    const json: Record<string, unknown> = {};
    for (const [name, field] of Object.entries(spec)) {
      if (!request.query.has(name)) continue;
      json[name] = field.repeated ? request.query.getAll(name) : request.query.get(name);
    }
    return json;
  }
  if (
    (request.method === 'POST' || request.method === 'PUT') &&
    mimetypeOf(request.contentType) !== 'application/json'
  ) {
    throw MlflowError.invalidParameter("Bad Request. Content-Type must be one of ['application/json'].");
  }
  let json = silentJson(request.body);
  // Older clients double-encode the body as a JSON string; MLflow decodes it a second time.
  if (typeof json === 'string') {
    try {
      json = JSON.parse(json) as unknown;
    } catch {
      throw internalServerErrorPage();
    }
  }
  if (json === null || json === undefined) return {};
  if (!isPlainObject(json)) throw internalServerErrorPage();
  return json;
}

/** `_get_request_message(Message(), schema=...)`: parse, validate, and hand back the message. */
export function readRequest(request: RawRequest, spec: MessageSpec, schema: HandlerSchema = []): ProtoMessage {
  const json = requestJson(request, spec);
  const { message, ok } = parseDict(json, spec);
  validateSchema(json, schema, ok, request.mlflow3 === true);
  return message;
}
