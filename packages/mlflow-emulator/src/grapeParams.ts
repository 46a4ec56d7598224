// Request parameters the way GitLab's Grape endpoints see them: query string and body merged into
// one hash, declared parameters coerced to their type and defaulted, and every failure reported in
// one 400 whose text joins Grape's messages ("run_id is missing, value is invalid").
import { gitlabErrors } from './gitlabErrors.js';
import { RawResponse } from './MlflowError.js';

/** The Grape types the MLflow endpoints declare. */
export type ParamType = 'string' | 'integer' | 'float' | 'array';

/** One declared parameter (`requires` / `optional`). */
export interface ParamSpec {
  readonly name: string;
  readonly type: ParamType;
  readonly required?: boolean;
  /** Used when the parameter is absent. */
  readonly default?: unknown;
  /** `values:`: the accepted values. */
  readonly values?: readonly string[];
  /** For arrays declared with a block: the parameters of each element (a hash). */
  readonly items?: readonly ParamSpec[];
}

/** Parameters after validation: declared ones coerced, undeclared ones passed through. */
export type Params = Readonly<Record<string, unknown>>;

/** `requires :name, type: ...`. */
export function requires(
  name: string,
  type: ParamType,
  extra: Omit<ParamSpec, 'name' | 'type' | 'required'> = {},
): ParamSpec {
  return { name, type, required: true, ...extra };
}

/** `optional :name, type: ...`. */
export function optional(
  name: string,
  type: ParamType,
  extra: Omit<ParamSpec, 'name' | 'type' | 'required'> = {},
): ParamSpec {
  return { name, type, ...extra };
}

const INVALID = Symbol('invalid');

function coerce(value: unknown, type: ParamType): unknown {
  if (value === null) return null;
  switch (type) {
    case 'string':
      if (typeof value === 'string') return value;
      if (typeof value === 'number' || typeof value === 'boolean') return String(value);
      return INVALID;
    case 'integer':
      if (typeof value === 'number') return Number.isInteger(value) ? value : INVALID;
      if (typeof value === 'string' && /^\s*[+-]?\d+\s*$/.test(value)) return Number.parseInt(value, 10);
      return INVALID;
    case 'float':
      if (typeof value === 'number') return value;
      if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
      return INVALID;
    case 'array':
      return Array.isArray(value) ? value : INVALID;
  }
}

function validateInto(
  specs: readonly ParamSpec[],
  raw: Record<string, unknown>,
  out: Record<string, unknown>,
  prefix: (name: string) => string,
  errors: string[],
): void {
  for (const spec of specs) {
    const label = prefix(spec.name);
    if (!(spec.name in raw) || raw[spec.name] === undefined) {
      if (spec.required) errors.push(`${label} is missing`);
      else if (spec.default !== undefined) out[spec.name] = spec.default;
      continue;
    }
    const value = coerce(raw[spec.name], spec.type);
    if (value === INVALID) {
      errors.push(`${label} is invalid`);
      continue;
    }
    if (spec.values && value !== null && !spec.values.includes(String(value))) {
      errors.push(`${label} does not have a valid value`);
      continue;
    }
    if (spec.items && Array.isArray(value)) {
      const items = value.map((element, index) => {
        if (element === null || typeof element !== 'object' || Array.isArray(element)) {
          errors.push(`${label}[${index}] is invalid`);
          return element;
        }
        const item: Record<string, unknown> = { ...(element as Record<string, unknown>) };
        validateInto(
          spec.items ?? [],
          element as Record<string, unknown>,
          item,
          (name) => `${label}[${index}][${name}]`,
          errors,
        );
        return item;
      });
      out[spec.name] = items;
      continue;
    }
    out[spec.name] = value;
  }
}

/** Coerces and checks `raw` against the declarations; throws Grape's 400 listing every failure. */
export function validateParams(specs: readonly ParamSpec[], raw: Readonly<Record<string, unknown>>): Params {
  const out: Record<string, unknown> = { ...raw };
  const errors: string[] = [];
  validateInto(specs, { ...raw }, out, (name) => name, errors);
  if (errors.length > 0) throw gitlabErrors.validation(errors.join(', '));
  return out;
}

/** Rack's query parsing, the part the MLflow clients use: `key=v` (last wins) and `key[]=v` (a list). */
export function queryParams(query: URLSearchParams): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of query) {
    if (key.endsWith('[]')) {
      const name = key.slice(0, -2);
      const list = Array.isArray(out[name]) ? (out[name] as unknown[]) : [];
      list.push(value);
      out[name] = list;
    } else {
      out[key] = value;
    }
  }
  return out;
}

/**
 * The body as Grape reads it: JSON when declared JSON or undeclared (the API's default format), a
 * form when form-encoded, anything else refused with a 415. A JSON body that is not an object adds no
 * parameters. Runs before authentication, as Grape's formatter middleware does.
 */
export function bodyParams(body: Buffer, contentType: string | undefined): Record<string, unknown> {
  if (body.length === 0) return {};
  const mediaType = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  const text = body.toString('utf8');
  if (mediaType === 'application/x-www-form-urlencoded') return queryParams(new URLSearchParams(text));
  if (mediaType !== '' && mediaType !== 'application/json' && !mediaType.endsWith('+json')) {
    throw gitlabErrors.unsupportedMediaType(mediaType);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new RawResponse(
      400,
      JSON.stringify({ error: `unexpected token at '${text.slice(0, 200)}'` }),
      'application/json',
    );
  }
  return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)
    ? (parsed as Record<string, unknown>)
    : {};
}
