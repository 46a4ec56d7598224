// A spawned server logs one JSON object per line (pino): collect them as they arrive, a non-JSON line as `{ text }`.
import type { Readable } from 'node:stream';

/** Appends each line of `stream` to `lines` (parsed), calling `onLine` with it; returns `lines`. */
export function collectJsonLines(
  stream: Readable | null,
  lines: Record<string, any>[] = [],
  onLine?: (line: Record<string, any>) => void,
): Record<string, any>[] {
  let buffer = '';
  stream?.on('data', (chunk: Buffer) => {
    buffer += chunk.toString();
    let newline;
    while ((newline = buffer.indexOf('\n')) >= 0) {
      const text = buffer.slice(0, newline);
      buffer = buffer.slice(newline + 1);
      let parsed: Record<string, any>;
      try {
        parsed = JSON.parse(text) as Record<string, any>;
      } catch {
        parsed = { text };
      }
      lines.push(parsed);
      onLine?.(parsed);
    }
  });
  return lines;
}
