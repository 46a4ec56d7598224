import type { Readable } from 'node:stream';

/** The first bytes of a stream, and whether it held more. */
export interface Prefix {
  readonly bytes: Buffer;
  /** True when the stream had more than the bytes read. */
  readonly truncated: boolean;
}

/**
 * Reads at most `max` bytes of `body` and then drops it (destroying the upstream connection): a preview of a
 * 200 MB file costs `max + 1` bytes of memory, not 200 MB. `max + 1` are read so "exactly max" and "more" differ.
 */
export async function readPrefix(body: Readable, max: number): Promise<Prefix> {
  const chunks: Buffer[] = [];
  let length = 0;
  try {
    for await (const chunk of body) {
      const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
      chunks.push(buffer);
      length += buffer.length;
      if (length > max) break;
    }
  } finally {
    body.destroy();
  }
  const all = Buffer.concat(chunks);
  return { bytes: all.subarray(0, max), truncated: all.length > max };
}
