import fs from 'node:fs';

export const IMAGE_SUBSYSTEM_WINDOWS_GUI = 2;
export const IMAGE_SUBSYSTEM_WINDOWS_CUI = 3;

/** Bytes needed to reach the Subsystem field of any sane PE file. */
const HEAD_BYTES = 4096;

/**
 * The Subsystem field of a PE image (2 GUI, 3 console...), or undefined when the bytes are not a
 * PE image. Pure: the caller reads the file's first bytes.
 */
export function peSubsystem(head: Uint8Array): number | undefined {
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  if (head.length < 0x40 || view.getUint16(0, true) !== 0x5a4d) return undefined; // "MZ"
  const pe = view.getUint32(0x3c, true);
  // Signature (4) + COFF header (20) + Subsystem's offset in the optional header (68), which
  // is the same for PE32 and PE32+.
  const at = pe + 4 + 20 + 68;
  if (at + 2 > head.length || view.getUint32(pe, true) !== 0x00004550) return undefined; // "PE\0\0"
  const magic = view.getUint16(pe + 24, true);
  if (magic !== 0x10b && magic !== 0x20b) return undefined;
  return view.getUint16(at, true);
}

/** Reads the image's subsystem from its file; undefined when unreadable. Cached per path. */
export function createSubsystemReader(): (imagePath: string) => number | undefined {
  const cache = new Map<string, number | undefined>();
  return (imagePath) => {
    if (cache.has(imagePath)) return cache.get(imagePath);
    let result: number | undefined;
    try {
      const fd = fs.openSync(imagePath, 'r');
      try {
        const buf = Buffer.alloc(HEAD_BYTES);
        const n = fs.readSync(fd, buf, 0, HEAD_BYTES, 0);
        result = peSubsystem(buf.subarray(0, n));
      } finally {
        fs.closeSync(fd);
      }
    } catch {
      result = undefined;
    }
    cache.set(imagePath, result);
    return result;
  };
}
