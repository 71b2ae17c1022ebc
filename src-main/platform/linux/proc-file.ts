import fs from 'node:fs';

/** Shared by every read on the main thread (reads are synchronous, so never two at once). */
let buf = Buffer.allocUnsafe(8192);

/**
 * The text of a small /proc file, or undefined when it cannot be read (gone, or another user's).
 * /proc files report a size of 0, so readFileSync stats, allocates and reads in chunks; an open,
 * reads into one shared buffer and a close cost a third of that, and a kill of 300 targets reads
 * a few thousand such files before its first signal.
 */
export function readProcFile(
  path: string,
  encoding: 'latin1' | 'utf8' = 'latin1',
): string | undefined {
  let fd: number;
  try {
    fd = fs.openSync(path, 'r');
  } catch {
    return undefined;
  }
  try {
    let n = 0;
    for (;;) {
      const got = fs.readSync(fd, buf, n, buf.length - n, null);
      if (got === 0) return buf.toString(encoding, 0, n);
      n += got;
      if (n === buf.length) {
        const bigger = Buffer.allocUnsafe(buf.length * 2);
        buf.copy(bigger, 0, 0, n);
        buf = bigger;
      }
    }
  } catch {
    return undefined; // ESRCH: it exited between open and read.
  } finally {
    fs.closeSync(fd);
  }
}
