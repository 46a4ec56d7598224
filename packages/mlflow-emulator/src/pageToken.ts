// MLflow's page tokens: base64 of the JSON text `{"offset": N}` (SearchUtils.create_page_token), and
// the decoder with its exact failure messages (SearchUtils.parse_start_offset_from_page_token).
import { MlflowError, internalServerErrorPage } from './MlflowError.js';
import { pyBytesRepr, pyRepr, pyStr } from './pyRepr.js';

/** The token MLflow hands out for the page starting at `offset` (`json.dumps` spacing included). */
export function createPageToken(offset: number): string {
  return Buffer.from(`{"offset": ${offset}}`, 'utf8').toString('base64');
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/**
 * Python's `base64.b64decode(s)` in its default, non-validating mode: characters outside the
 * alphabet are skipped, and a missing pad is an error. Returns null where Python raises.
 */
export function pythonB64Decode(text: string): Uint8Array | null {
  for (const ch of text) {
    if ((ch.codePointAt(0) ?? 0) > 0x7f) return null;
  }
  const out: number[] = [];
  let quad = 0;
  let acc = 0;
  let pads = 0;
  for (const ch of text) {
    if (ch === '=') {
      if (quad >= 2) {
        pads += 1;
        if (quad + pads >= 4) {
          // A padded final group: 2 characters carry one byte, 3 carry two.
          if (quad === 2) out.push((acc >> 4) & 0xff);
          else out.push((acc >> 10) & 0xff, (acc >> 2) & 0xff);
          quad = 0;
          break;
        }
      }
      continue;
    }
    const index = ALPHABET.indexOf(ch);
    if (index < 0) continue;
    pads = 0;
    acc = (acc << 6) | index;
    quad += 1;
    if (quad === 4) {
      out.push((acc >> 16) & 0xff, (acc >> 8) & 0xff, acc & 0xff);
      acc = 0;
      quad = 0;
    }
  }
  if (quad !== 0) {
    if (quad === 1) return null;
    // Python raises "Incorrect padding" when the trailing group is not padded.
    return null;
  }
  return Uint8Array.from(out);
}

/**
 * The offset a page token encodes, or MLflow's INVALID_PARAMETER_VALUE error for a bad one. An
 * empty or absent token means offset 0.
 */
export function parsePageToken(token: string | undefined | null): number {
  if (!token) return 0;
  const decoded = pythonB64Decode(token);
  if (decoded === null) throw MlflowError.invalidParameter('Invalid page token, could not base64-decode');
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(decoded));
  } catch {
    throw MlflowError.invalidParameter(`Invalid page token, decoded value=${pyBytesRepr(decoded)}`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    // `parsed_token.get("offset")` on a non-dict is an AttributeError: Flask answers 500.
    throw internalServerErrorPage();
  }
  const offsetValue = (parsed as Record<string, unknown>)['offset'];
  if (!offsetValue) throw MlflowError.invalidParameter(`Invalid page token, parsed value=${pyRepr(parsed)}`);
  let offset: number;
  if (typeof offsetValue === 'number') offset = Math.trunc(offsetValue);
  else if (typeof offsetValue === 'string' && /^\s*[+-]?\d+\s*$/.test(offsetValue))
    offset = Number.parseInt(offsetValue, 10);
  else if (offsetValue === true) offset = 1;
  else throw MlflowError.invalidParameter(`Invalid page token, not stringable ${pyStr(offsetValue)}`);
  return offset;
}
