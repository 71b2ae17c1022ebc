import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { pidInUse } from '../platform/pid-in-use';

/**
 * Replaces `file` with `text` so that a crash, a full disk or any error at any moment leaves
 * either the old file or the new one, never part of either: the text goes to `tmp` (in the same
 * folder), every byte of it is written (a short write is carried on, an error ends the attempt),
 * it is flushed to disk, and only then renamed over the old file. On failure the temporary file
 * is removed and the old file is untouched. Runs on libuv's pool threads, not the main thread.
 */
export async function writeAtomically(file: string, text: string, tmp: string): Promise<void> {
  const data = Buffer.from(text, 'utf8');
  const dir = path.dirname(file);
  await fsp.mkdir(dir, { recursive: true });
  const handle = await fsp.open(tmp, 'w', 0o600);
  let renamed = false;
  try {
    let failure: unknown;
    try {
      let done = 0;
      while (done < data.length) {
        const { bytesWritten } = await handle.write(data, done, data.length - done, done);
        if (bytesWritten <= 0) throw fsError('EIO', `write to ${tmp} wrote nothing`);
        done += bytesWritten;
      }
      await handle.sync();
    } catch (e) {
      failure = e;
    }
    // Some file systems report a failed write only when the file is closed.
    await handle.close().catch((e: unknown) => (failure ??= e));
    if (failure !== undefined) throw failure;
    const written = (await fsp.stat(tmp)).size;
    if (written !== data.length)
      throw fsError('EIO', `${tmp} holds ${written} bytes instead of ${data.length}`);
    await fsp.rename(tmp, file);
    renamed = true;
  } finally {
    if (!renamed) await fsp.rm(tmp, { force: true }).catch(() => undefined);
  }
  await syncDir(dir);
}

/** Flushes a folder's entries (the rename) to disk; best effort, and not possible on Windows. */
async function syncDir(dir: string): Promise<void> {
  if (process.platform === 'win32') return;
  try {
    const h = await fsp.open(dir, 'r');
    try {
      await h.sync();
    } finally {
      await h.close();
    }
  } catch {
    // The new file is in place; only its durability across a power cut is less certain.
  }
}

function fsError(code: string, message: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: ${message}`), { code });
}

/** A name for this writer's temporary file beside `file`: `<file>.<pid>-<random>.tmp`. */
export function tmpNameFor(file: string): string {
  return `${file}.${process.pid}-${Math.random().toString(36).slice(2, 10)}.tmp`;
}

/** Temporary names handed out in this process and still in use (never cleaned up from here). */
export const tmpNamesInUse = new Set<string>();

const STALE_TMP_MS = 60 * 60 * 1000;

/**
 * Removes temporary files left beside `file` by a writer that crashed: those of a process that
 * no longer runs, of this process but not in use, or older than an hour (no write takes that
 * long, and a PID may have been reused). Answers the names removed; never throws.
 */
export function cleanupLeftoverTmp(file: string, now = Date.now()): string[] {
  const dir = path.dirname(file);
  const base = path.basename(file);
  const pattern = new RegExp(
    `^${base.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.(\\d+)(-[0-9a-z]+)?\\.tmp$`,
  );
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const m = pattern.exec(name);
    if (!m) continue;
    const full = path.join(dir, name);
    if (tmpNamesInUse.has(full)) continue;
    const pid = Number(m[1]);
    let stale = pid === process.pid || !pidInUse(pid);
    try {
      const st = fs.lstatSync(full);
      if (!st.isFile()) continue;
      stale ||= now - st.mtimeMs > STALE_TMP_MS;
    } catch {
      continue;
    }
    if (!stale) continue;
    try {
      fs.unlinkSync(full);
      removed.push(name);
    } catch {
      // A read-only folder: it stays, and harms nothing.
    }
  }
  return removed;
}
