// The protobuf binary wire format, read field by field: enough to decode the OTLP export requests MLflow 3's
// `/v1/traces` accepts without an npm dependency (the emulator has none at run time). Strict where Python's
// protobuf runtime is strict: a truncated value, an invalid wire type, field number 0 or a group left open make
// the whole message unparsable, which MLflow answers as "Invalid OpenTelemetry protobuf format".

/** A decoding failure (the bytes are not a valid protobuf message). */
export class WireFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WireFormatError';
  }
}

/** Wire types: 0 varint, 1 fixed64, 2 length-delimited, 3/4 group start/end (proto2 only), 5 fixed32. */
export type WireType = 0 | 1 | 2 | 3 | 5;

/** One field as read from the wire; `value` is a bigint (varint, fixed64), a number (fixed32) or bytes. */
export interface WireField {
  readonly number: number;
  readonly wireType: WireType;
  readonly varint?: bigint;
  readonly fixed64?: Buffer;
  readonly fixed32?: Buffer;
  readonly bytes?: Buffer;
}

function readVarint(buffer: Buffer, start: number): { value: bigint; end: number } {
  let value = 0n;
  let shift = 0n;
  for (let i = start; i < buffer.length && i < start + 10; i += 1) {
    const byte = buffer[i] ?? 0;
    value |= BigInt(byte & 0x7f) << shift;
    if ((byte & 0x80) === 0) return { value: BigInt.asUintN(64, value), end: i + 1 };
    shift += 7n;
  }
  throw new WireFormatError(`truncated or over-long varint at byte ${start}`);
}

function take(buffer: Buffer, start: number, length: number): Buffer {
  if (length < 0 || start + length > buffer.length) {
    throw new WireFormatError(`expected ${length} bytes at byte ${start}, got ${buffer.length - start}`);
  }
  return buffer.subarray(start, start + length);
}

/** A field's tag: its number (never 0) and wire type. */
function readTag(buffer: Buffer, start: number): { number: number; wireType: number; end: number } {
  const tag = readVarint(buffer, start);
  const number = Number(tag.value >> 3n);
  if (number === 0) throw new WireFormatError(`field number 0 at byte ${start}`);
  return { number, wireType: Number(tag.value & 7n), end: tag.end };
}

/** Skips a group's contents up to its matching end tag (groups nest); returns the index after the end tag. */
function skipGroup(buffer: Buffer, start: number, number: number): number {
  let position = start;
  while (position < buffer.length) {
    const { number: fieldNumber, wireType, end } = readTag(buffer, position);
    position = end;
    if (wireType === 4) {
      if (fieldNumber !== number) throw new WireFormatError(`group ${number} closed by ${fieldNumber}`);
      return position;
    }
    position = skipValue(buffer, position, wireType, fieldNumber);
  }
  throw new WireFormatError(`group ${number} not closed`);
}

function skipValue(buffer: Buffer, position: number, wireType: number, number: number): number {
  switch (wireType) {
    case 0:
      return readVarint(buffer, position).end;
    case 1:
      return take(buffer, position, 8).length + position;
    case 2: {
      const length = readVarint(buffer, position);
      return take(buffer, length.end, Number(length.value)).length + length.end;
    }
    case 3:
      return skipGroup(buffer, position, number);
    case 5:
      return take(buffer, position, 4).length + position;
    default:
      throw new WireFormatError(`invalid wire type ${wireType} for field ${number}`);
  }
}

/** Every field of one message, in wire order (groups of unknown fields are skipped whole). */
export function readFields(buffer: Buffer): WireField[] {
  const fields: WireField[] = [];
  let position = 0;
  while (position < buffer.length) {
    const { number, wireType, end } = readTag(buffer, position);
    position = end;
    switch (wireType) {
      case 0: {
        const varint = readVarint(buffer, position);
        fields.push({ number, wireType: 0, varint: varint.value });
        position = varint.end;
        break;
      }
      case 1:
        fields.push({ number, wireType: 1, fixed64: take(buffer, position, 8) });
        position += 8;
        break;
      case 2: {
        const length = readVarint(buffer, position);
        const bytes = take(buffer, length.end, Number(length.value));
        fields.push({ number, wireType: 2, bytes });
        position = length.end + bytes.length;
        break;
      }
      case 3:
        position = skipGroup(buffer, position, number);
        break;
      case 5:
        fields.push({ number, wireType: 5, fixed32: take(buffer, position, 4) });
        position += 4;
        break;
      default:
        throw new WireFormatError(`invalid wire type ${wireType} for field ${number}`);
    }
  }
  return fields;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** A `string` field's text (proto3 strings must be valid UTF-8, as Python's runtime checks). */
export function wireString(field: WireField): string {
  if (field.bytes === undefined)
    throw new WireFormatError(`expected a length-delimited string in field ${field.number}`);
  try {
    return utf8.decode(field.bytes);
  } catch {
    throw new WireFormatError(`invalid UTF-8 in field ${field.number}`);
  }
}

/** A `bytes` or embedded-message field's bytes. */
export function wireBytes(field: WireField): Buffer {
  if (field.bytes === undefined) throw new WireFormatError(`expected length-delimited bytes in field ${field.number}`);
  return field.bytes;
}

/** An unsigned 64-bit field (`fixed64` or varint `uint64`). */
export function wireUint64(field: WireField): bigint {
  if (field.fixed64 !== undefined) return field.fixed64.readBigUInt64LE(0);
  if (field.varint !== undefined) return field.varint;
  throw new WireFormatError(`expected a 64-bit integer in field ${field.number}`);
}

/** A signed 64-bit varint (`int64`). */
export function wireInt64(field: WireField): bigint {
  if (field.varint !== undefined) return BigInt.asIntN(64, field.varint);
  if (field.fixed64 !== undefined) return field.fixed64.readBigInt64LE(0);
  throw new WireFormatError(`expected a 64-bit integer in field ${field.number}`);
}

/** An enum, `int32` or `uint32` varint as a number. */
export function wireInt32(field: WireField): number {
  if (field.varint !== undefined) return Number(BigInt.asIntN(32, field.varint));
  if (field.fixed32 !== undefined) return field.fixed32.readUInt32LE(0);
  throw new WireFormatError(`expected a 32-bit integer in field ${field.number}`);
}

/** A `bool` varint. */
export function wireBool(field: WireField): boolean {
  if (field.varint === undefined) throw new WireFormatError(`expected a bool in field ${field.number}`);
  return field.varint !== 0n;
}

/** A `double` (fixed64). */
export function wireDouble(field: WireField): number {
  if (field.fixed64 === undefined) throw new WireFormatError(`expected a double in field ${field.number}`);
  return field.fixed64.readDoubleLE(0);
}

/** Writes protobuf messages (the demo seed and the tests build OTLP requests with it). */
export class WireWriter {
  private readonly chunks: Buffer[] = [];

  private varint(value: bigint): void {
    let rest = BigInt.asUintN(64, value);
    const bytes: number[] = [];
    do {
      let byte = Number(rest & 0x7fn);
      rest >>= 7n;
      if (rest > 0n) byte |= 0x80;
      bytes.push(byte);
    } while (rest > 0n);
    this.chunks.push(Buffer.from(bytes));
  }

  private tag(number: number, wireType: number): void {
    this.varint(BigInt((number << 3) | wireType));
  }

  /** A varint field (int32/int64/uint64/enum/bool). */
  uint(number: number, value: bigint | number | boolean): this {
    this.tag(number, 0);
    this.varint(typeof value === 'boolean' ? (value ? 1n : 0n) : BigInt(value));
    return this;
  }

  /** A fixed64 field. */
  fixed64(number: number, value: bigint): this {
    this.tag(number, 1);
    const bytes = Buffer.alloc(8);
    bytes.writeBigUInt64LE(BigInt.asUintN(64, value));
    this.chunks.push(bytes);
    return this;
  }

  /** A double field. */
  double(number: number, value: number): this {
    this.tag(number, 1);
    const bytes = Buffer.alloc(8);
    bytes.writeDoubleLE(value);
    this.chunks.push(bytes);
    return this;
  }

  /** A length-delimited field: a string, bytes or an embedded message. */
  bytes(number: number, value: string | Buffer | WireWriter): this {
    const payload =
      value instanceof WireWriter ? value.finish() : typeof value === 'string' ? Buffer.from(value) : value;
    this.tag(number, 2);
    this.varint(BigInt(payload.length));
    this.chunks.push(payload);
    return this;
  }

  /** The message's bytes. */
  finish(): Buffer {
    return Buffer.concat(this.chunks);
  }
}
