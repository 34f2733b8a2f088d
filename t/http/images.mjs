// Images as their formats write them, made byte by byte, for the tests of
// logos (the content is checked, whatever a file is called): onboarding
// with ecomctl and the panel's branding screen.
import { deflateSync } from 'node:zlib';

function crc32(buf) {
  let c = ~0;
  for (const b of buf) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
  }
  return ~c >>> 0;
}

export function pngChunk(type, data) {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  data.copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

// A real w x h RGB PNG, every pixel red; padding: bytes of an extra
// (ancillary, private) chunk, to make the file larger.
export function png(w, h, padding = 0) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  const row = Buffer.concat([Buffer.from([0]), Buffer.alloc(3 * Math.min(w, 16), 0xff)]);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', ihdr),
    ...(padding ? [pngChunk('prVt', Buffer.alloc(padding))] : []),
    pngChunk('IDAT', deflateSync(row)),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

// A baseline JPEG's head: SOI, APP0 JFIF, SOF0 of w x h, EOI.
export function jpeg(w, h) {
  const app0 = Buffer.from('JFIF\0\x01\x01\0\0\x01\0\x01\0\0', 'latin1');
  const sof = Buffer.alloc(19);
  sof.set([0xff, 0xc0, 0, 17, 8]);
  sof.writeUInt16BE(h, 5);
  sof.writeUInt16BE(w, 7);
  sof.set([3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1], 9);
  return Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16]), app0, sof, Buffer.from([0xff, 0xd9])]);
}

// A lossless WebP's head (VP8L) of w x h.
export function webp(w, h) {
  const body = Buffer.alloc(5);
  body[0] = 0x2f;
  body.writeUInt32LE(((w - 1) | ((h - 1) << 14)) >>> 0, 1);
  const out = Buffer.alloc(20);
  out.write('RIFF', 0, 'latin1');
  out.writeUInt32LE(4 + 8 + body.length, 4);
  out.write('WEBPVP8L', 8, 'latin1');
  out.writeUInt32LE(body.length, 16);
  return Buffer.concat([out, body]);
}

