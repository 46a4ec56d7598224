import { WireFormatError, decodeExportTraceRequest, encodeExportTraceRequest, otlpValueOf } from '../src/otlpTraces.js';
import { WireWriter, readFields } from '../src/protobufWire.js';

// The corpus's OTLP export (seq 148): a CHAIN root and an LLM child with token usage, recorded byte for byte.
const RECORDED =
  'Cr0ECiMKIQoMc2VydmljZS5uYW1lEhEKD2NvcnB1cy1yZWNvcmRlchKVBAoYChZtbGZsb3cuY29ycHVzLnJlY29yZGVyEtIBChDFzYbx6ZFM+50D2Rs9P0wYEgjHCAUwslVFcioHcHJlZGljdDABOQAAV8B+aBYYQQAvvxl/aBYYShoKD21sZmxvdy5zcGFuVHlwZRIHCgVDSEFJTko2ChFtbGZsb3cuc3BhbklucHV0cxIhMh8KHQoIcXVlc3Rpb24SEQoPV2hhdCBpcyBNTGZsb3c/SicKEm1sZmxvdy5zcGFuT3V0cHV0cxIRCg9BbiBNTCBwbGF0Zm9ybS5KFgoKc2Vzc2lvbi5pZBIICgZzZXNzLTF6AhgBEqMCChDFzYbx6ZFM+50D2Rs9P0wYEgiGRkIwS9pLvSIIxwgFMLJVRXIqA2xsbTABOQDhTMZ+aBYYQQBOyRN/aBYYShgKD21sZmxvdy5zcGFuVHlwZRIFCgNMTE1KNAoRbWxmbG93LnNwYW5JbnB1dHMSHzIdChsKBnByb21wdBIRCg9XaGF0IGlzIE1MZmxvdz9KMwoSbWxmbG93LnNwYW5PdXRwdXRzEh0yGwoZCgR0ZXh0EhEKD0FuIE1MIHBsYXRmb3JtLkpZChZtbGZsb3cuY2hhdC50b2tlblVzYWdlEj8yPQoSCgxpbnB1dF90b2tlbnMSAhgKChMKDW91dHB1dF90b2tlbnMSAhgFChIKDHRvdGFsX3Rva2VucxICGA96AhgB';

describe('OTLP protobuf decoding', () => {
  it('decodes the recorded export: ids, fixed64 nanoseconds, typed attribute values, status', () => {
    const [root, llm, ...rest] = decodeExportTraceRequest(Buffer.from(RECORDED, 'base64'));
    expect(rest).toEqual([]);
    expect(root?.traceId.toString('hex')).toBe('c5cd86f1e9914cfb9d03d91b3d3f4c18');
    expect([root?.spanId.toString('hex'), root?.parentSpanId.length, root?.name]).toEqual([
      'c7080530b2554572',
      0,
      'predict',
    ]);
    expect([root?.startTimeUnixNano, root?.endTimeUnixNano]).toEqual([1735689600000000000n, 1735689601500000000n]);
    expect(llm?.parentSpanId.toString('hex')).toBe('c7080530b2554572');
    expect(llm?.attributes.find((attribute) => attribute.key === 'mlflow.chat.tokenUsage')?.value).toEqual(
      otlpValueOf({ input_tokens: 10, output_tokens: 5, total_tokens: 15 }),
    );
    expect(llm?.status).toEqual({ code: 1, message: '' });
  });

  it('round-trips what it encodes', () => {
    const spans = decodeExportTraceRequest(Buffer.from(RECORDED, 'base64'));
    expect(decodeExportTraceRequest(encodeExportTraceRequest(spans))).toEqual(spans);
  });

  it.each([
    ['an invalid wire type', Buffer.from('//4AZ2FyYmFnZQ==', 'base64')],
    ['a truncated message', Buffer.from(RECORDED, 'base64').subarray(0, 100)],
    ['an over-long varint', Buffer.from([0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01])],
    ['field number 0', Buffer.from([0x00, 0x01])],
    ['a group never closed', Buffer.from([0x0b, 0x10, 0x01])],
    [
      'invalid UTF-8 in a string',
      new WireWriter()
        .bytes(
          1,
          new WireWriter().bytes(2, new WireWriter().bytes(2, new WireWriter().bytes(5, Buffer.from([0xc3, 0x28])))),
        )
        .finish(),
    ],
  ])('rejects %s', (_name, bytes) => {
    expect(() => decodeExportTraceRequest(bytes)).toThrow(WireFormatError);
  });

  it('skips unknown fields, closed groups included, as protobuf does', () => {
    const bytes = Buffer.concat([Buffer.from([0x1b, 0x08, 0x01, 0x1c]), Buffer.from([0x25, 1, 2, 3, 4])]);
    expect(readFields(bytes).map((field) => field.number)).toEqual([4]);
    expect(decodeExportTraceRequest(bytes)).toEqual([]);
  });
});
