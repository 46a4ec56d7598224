// google.protobuf.Timestamp and Duration in their JSON forms (RFC 3339 `2025-01-01T00:00:00.250Z`, `1.500s`), as
// protobuf's json_format prints and parses them: fractions of 0, 3, 6 or 9 digits, whichever is shortest exact.
// MLflow keeps trace and assessment times in milliseconds, so these convert to and from milliseconds.

function fraction(nanos: number): string {
  if (nanos === 0) return '';
  if (nanos % 1_000_000 === 0) return `.${String(nanos / 1_000_000).padStart(3, '0')}`;
  if (nanos % 1_000 === 0) return `.${String(nanos / 1_000).padStart(6, '0')}`;
  return `.${String(nanos).padStart(9, '0')}`;
}

/** `Timestamp` JSON for epoch milliseconds. */
export function timestampJson(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  const nanos = (ms - seconds * 1000) * 1_000_000;
  const iso = new Date(seconds * 1000).toISOString().replace('.000Z', '');
  return `${iso}${fraction(nanos)}Z`;
}

/** `Duration` JSON for milliseconds. */
export function durationJson(ms: number): string {
  const sign = ms < 0 ? '-' : '';
  const abs = Math.abs(ms);
  const seconds = Math.floor(abs / 1000);
  return `${sign}${seconds}${fraction((abs - seconds * 1000) * 1_000_000)}s`;
}

const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/;

/** Epoch milliseconds of a `Timestamp` JSON string (sub-millisecond digits dropped), or null when invalid. */
export function parseTimestamp(text: string): number | null {
  const match = TIMESTAMP.exec(text);
  if (!match) return null;
  const [, year, month, day, hour, minute, second, digits, zone] = match;
  const base = Date.UTC(Number(year), Number(month) - 1, Number(day), Number(hour), Number(minute), Number(second));
  if (Number.isNaN(base)) return null;
  const millis = Math.floor(Number((digits ?? '').padEnd(9, '0')) / 1_000_000);
  let offset = 0;
  if (zone && zone !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    offset = sign * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6))) * 60_000;
  }
  return base + millis - offset;
}

/** Milliseconds of a `Duration` JSON string (`1.5s`), or null when invalid. */
export function parseDuration(text: string): number | null {
  const match = /^(-)?(\d+)(?:\.(\d{1,9}))?s$/.exec(text);
  if (!match) return null;
  const ms = Number(match[2]) * 1000 + Math.floor(Number((match[3] ?? '').padEnd(9, '0')) / 1_000_000);
  return match[1] ? -ms : ms;
}
