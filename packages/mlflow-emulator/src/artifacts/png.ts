// A minimal PNG encoder (8-bit RGB, no interlace) for the demo runs' plots: real images a browser shows, made
// from the run's own numbers, so an `<img src>` through the gateway has something true to display.
import { crc32, deflateSync } from 'node:zlib';

/** An RGB raster, row-major, 3 bytes a pixel. */
export interface Raster {
  readonly width: number;
  readonly height: number;
  readonly pixels: Uint8Array;
}

/** An RGB colour. */
export type Rgb = readonly [number, number, number];

/** A raster filled with one colour. */
export function raster(width: number, height: number, background: Rgb): Raster {
  const pixels = new Uint8Array(width * height * 3);
  for (let i = 0; i < width * height; i += 1) pixels.set(background, i * 3);
  return { width, height, pixels };
}

/** Sets one pixel (outside the raster: ignored). */
export function plot(image: Raster, x: number, y: number, colour: Rgb): void {
  const px = Math.round(x);
  const py = Math.round(y);
  if (px < 0 || py < 0 || px >= image.width || py >= image.height) return;
  image.pixels.set(colour, (py * image.width + px) * 3);
}

/** Fills a rectangle. */
export function fill(image: Raster, x0: number, y0: number, x1: number, y1: number, colour: Rgb): void {
  for (let y = Math.max(0, y0); y < Math.min(image.height, y1); y += 1)
    for (let x = Math.max(0, x0); x < Math.min(image.width, x1); x += 1) plot(image, x, y, colour);
}

/** A straight line (DDA). */
export function line(image: Raster, x0: number, y0: number, x1: number, y1: number, colour: Rgb): void {
  const steps = Math.max(Math.abs(x1 - x0), Math.abs(y1 - y0), 1);
  for (let i = 0; i <= steps; i += 1) plot(image, x0 + ((x1 - x0) * i) / steps, y0 + ((y1 - y0) * i) / steps, colour);
}

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])) >>> 0, 0);
  return Buffer.concat([head, data, crc]);
}

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Encodes a raster as a PNG file. */
export function encodePng(image: Raster): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(image.width, 0);
  header.writeUInt32BE(image.height, 4);
  header[8] = 8; // bit depth
  header[9] = 2; // colour type: RGB
  const stride = image.width * 3;
  const scanlines = Buffer.alloc((stride + 1) * image.height);
  for (let y = 0; y < image.height; y += 1) {
    scanlines[y * (stride + 1)] = 0; // filter: none
    scanlines.set(image.pixels.subarray(y * stride, (y + 1) * stride), y * (stride + 1) + 1);
  }
  return Buffer.concat([
    SIGNATURE,
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(scanlines)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}
