// Python's `json.dumps` text for JSON values (", " and ": " separators), as MLflow writes the JSON it stores
// in strings: token usage, request/response previews, assessment values in SQL parameters, webhook payloads, a
// dataset's tags, schema, profile and records (one writer for all of them).
import { pyFloatRepr } from './pyRepr.js';

/** How numbers print: `auto` keeps integers as ints; `float` prints every number as a Python float. */
export interface PyJsonOptions {
  /** `json.dumps(ensure_ascii=...)`; Python's default is true. */
  readonly ensureAscii?: boolean;
  /** `float` for values that went through protobuf's `Value` (every number a double). */
  readonly numbers?: 'auto' | 'float';
}

function dumpString(text: string, ensureAscii: boolean): string {
  let out = '"';
  for (const ch of text) {
    const code = ch.codePointAt(0) ?? 0;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\b') out += '\\b';
    else if (ch === '\f') out += '\\f';
    else if (code < 0x20) out += `\\u${code.toString(16).padStart(4, '0')}`;
    else if (ensureAscii && code > 0x7e) {
      // Astral characters print as their UTF-16 surrogate pair, as Python does.
      for (let i = 0; i < ch.length; i += 1) out += `\\u${ch.charCodeAt(i).toString(16).padStart(4, '0')}`;
    } else out += ch;
  }
  return `${out}"`;
}

function dumpNumber(value: number, numbers: 'auto' | 'float'): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return 'Infinity';
  if (value === -Infinity) return '-Infinity';
  if (numbers === 'auto' && Number.isInteger(value)) return String(value);
  return pyFloatRepr(value);
}

/** `json.dumps(value)` for a JSON-like value. */
export function pyJsonDumps(value: unknown, options: PyJsonOptions = {}): string {
  const ensureAscii = options.ensureAscii ?? true;
  const numbers = options.numbers ?? 'auto';
  const dump = (item: unknown): string => {
    if (item === null || item === undefined) return 'null';
    if (item === true) return 'true';
    if (item === false) return 'false';
    if (typeof item === 'number') return dumpNumber(item, numbers);
    if (typeof item === 'bigint') return item.toString();
    if (typeof item === 'string') return dumpString(item, ensureAscii);
    if (Array.isArray(item)) return `[${item.map(dump).join(', ')}]`;
    const entries = Object.entries(item as Record<string, unknown>);
    return `{${entries.map(([key, inner]) => `${dumpString(key, ensureAscii)}: ${dump(inner)}`).join(', ')}}`;
  };
  return dump(value);
}
