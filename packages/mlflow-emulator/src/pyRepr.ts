// MLflow builds many error messages with Python f-strings, so the values inside them are printed
// the Python way (`True`, `['a', 'b']`, `{'offset': 0}`). These helpers reproduce that for JSON values.

/** Python's `repr()` of a str: single quotes unless the text holds a single quote and no double quote. */
export function pyStrRepr(text: string): string {
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of text) {
    const code = ch.codePointAt(0) ?? 0;
    if (ch === '\\') out += '\\\\';
    else if (ch === quote) out += `\\${quote}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return out + quote;
}

/** Python's `repr()` of a bytes object, as in `Invalid page token, decoded value=b'...'`. */
export function pyBytesRepr(bytes: Uint8Array): string {
  let hasSingle = false;
  let hasDouble = false;
  for (const b of bytes) {
    if (b === 0x27) hasSingle = true;
    if (b === 0x22) hasDouble = true;
  }
  const quote = hasSingle && !hasDouble ? '"' : "'";
  let out = `b${quote}`;
  for (const b of bytes) {
    if (b === 0x5c) out += '\\\\';
    else if (String.fromCharCode(b) === quote) out += `\\${quote}`;
    else if (b === 0x0a) out += '\\n';
    else if (b === 0x0d) out += '\\r';
    else if (b === 0x09) out += '\\t';
    else if (b < 0x20 || b >= 0x7f) out += `\\x${b.toString(16).padStart(2, '0')}`;
    else out += String.fromCharCode(b);
  }
  return out + quote;
}

/** Python's `repr()` of a float (shortest round-trip digits, `1e-07` style exponents, `inf`, `nan`). */
export function pyFloatRepr(value: number): string {
  if (Number.isNaN(value)) return 'nan';
  if (value === Infinity) return 'inf';
  if (value === -Infinity) return '-inf';
  if (Number.isInteger(value) && Math.abs(value) < 1e16) return value.toFixed(1);
  const js = String(value);
  const match = /^(-?[\d.]+)e([+-])(\d+)$/.exec(js);
  if (!match) return js;
  return `${match[1]}e${match[2]}${(match[3] ?? '').padStart(2, '0')}`;
}

/** Python's `repr()` of a value decoded from JSON (numbers without a fraction count as `int`). */
export function pyRepr(value: unknown): string {
  if (value === null || value === undefined) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (typeof value === 'string') return pyStrRepr(value);
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : pyFloatRepr(value);
  if (Array.isArray(value)) return `[${value.map(pyRepr).join(', ')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).map(([k, v]) => `${pyStrRepr(k)}: ${pyRepr(v)}`);
    return `{${entries.join(', ')}}`;
  }
  return String(value);
}

/** Python's `str()`: like `repr()` except that a top-level string prints bare. */
export function pyStr(value: unknown): string {
  return typeof value === 'string' ? value : pyRepr(value);
}

/** `type(value).__name__` for a value decoded from JSON. */
export function pyTypeName(value: unknown): string {
  if (value === null || value === undefined) return 'NoneType';
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'string') return 'str';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'float';
  if (Array.isArray(value)) return 'list';
  return 'dict';
}

/**
 * Python's `int(x)` for a JSON value: the integer, or `'ValueError'` / `'TypeError'` naming the
 * exception Python would raise (handlers treat the two differently, as MLflow does).
 */
export function pyInt(value: unknown): number | 'ValueError' | 'TypeError' {
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return 'ValueError';
    return Math.trunc(value);
  }
  if (typeof value === 'string') {
    const text = value.trim().replace(/_/g, '');
    if (!/^[+-]?\d+$/.test(text)) return 'ValueError';
    return Number.parseInt(text, 10);
  }
  return 'TypeError';
}

/** Python's `float(x)` for a JSON value, with the same error convention as {@link pyInt}. */
export function pyFloat(value: unknown): number | 'ValueError' | 'TypeError' {
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'number') return value;
  if (typeof value === 'string') {
    const text = value.trim().toLowerCase();
    if (text === 'nan' || text === '+nan' || text === '-nan') return Number.NaN;
    if (/^[+]?inf(inity)?$/.test(text)) return Infinity;
    if (/^-inf(inity)?$/.test(text)) return -Infinity;
    if (!/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/.test(text)) return 'ValueError';
    return Number.parseFloat(text);
  }
  return 'TypeError';
}

/** Python's `json.dumps(value)` with its defaults: `", "` and `": "` separators, non-ASCII escaped. */
export function pyJsonDumps(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return `[${value.map(pyJsonDumps).join(', ')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, item]) => item !== undefined);
    return `{${entries.map(([key, item]) => `${pyJsonDumps(key)}: ${pyJsonDumps(item)}`).join(', ')}}`;
  }
  if (typeof value === 'string') {
    return JSON.stringify(value).replace(
      /[\u0080-\uffff]/g,
      (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`,
    );
  }
  return JSON.stringify(value);
}
