import fs from 'node:fs';
import Module from 'node:module';
import os from 'node:os';
import path from 'node:path';
import vm from 'node:vm';
import zlib from 'node:zlib';

/**
 * V8's code cache for the CLI's bundle (Node 20 has no module.enableCompileCache): compiling the
 * bundle is most of what a command spends before its first signal, and reading back the code V8
 * made last time costs a fraction of that.
 *
 * Each file is checked against the bundle it was made from (byte for byte) and for damage. A
 * missing, corrupt, stale or unwritable cache is never an error and never a wait: the bundle is
 * compiled as without one, and a new cache made. One file per command, made at the end of the
 * run that found none, so it holds the functions that command compiled.
 */

/** The per-user cache folder, or undefined when there is none to use. */
export function codeCacheDir(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
): string | undefined {
  if (env.SAFEKILL_NO_CODE_CACHE === '1') return undefined;
  if (env.SAFEKILL_CACHE_DIR) return env.SAFEKILL_CACHE_DIR;
  if (platform === 'win32')
    return env.LOCALAPPDATA ? path.join(env.LOCALAPPDATA, 'SafeKill', 'Cache') : undefined;
  const home = env.HOME || safeHomedir();
  const base = env.XDG_CACHE_HOME || (home ? path.join(home, '.cache') : undefined);
  return base ? path.join(base, 'safekill') : undefined;
}

function safeHomedir(): string | undefined {
  try {
    return os.homedir() || undefined;
  } catch {
    return undefined;
  }
}

/**
 * A cache file: MAGIC, the length of what it was made from, the CRC-32 of V8's data, what it was
 * made from (the architecture, the V8 version and the bundle's bytes, compared whole) and V8's
 * data (which V8 checks against its version and flags, but not for damage: the CRC-32 does).
 */
const MAGIC = Buffer.from('SKCC0001');
const HEADER = MAGIC.length + 8;

/**
 * Only a folder (and file) of this user's, writable by no one else, is read: V8 runs what it
 * holds, so a root `safekill` must not run code another user could have written.
 */
function ownedByMe(st: fs.Stats): boolean {
  if (typeof process.geteuid !== 'function') return true; // Windows: the folder is per user.
  return st.uid === process.geteuid() && (st.mode & 0o022) === 0;
}

export interface CachedRun {
  /** 'hit': compiled from the cache; 'made': no usable cache, one is written at exit. */
  cache: 'hit' | 'made' | 'off';
}

/**
 * Runs the CommonJS file `file` as Node's loader would (its own module, require, __filename,
 * __dirname), compiled with the code cache `name` in `dir` when there is a usable one. Without
 * `dir`, it is simply required.
 */
export function runCached(file: string, name: string, dir: string | undefined): CachedRun {
  if (!dir) {
    Module.createRequire(file)(file);
    return { cache: 'off' };
  }
  const bytes = fs.readFileSync(file);
  const cacheFile = path.join(dir, `${path.basename(file, '.cjs')}.${name}.v8`);
  // What the cache is made from: this Node's V8 and architecture, and the bundle's bytes.
  const madeFrom = Buffer.concat([Buffer.from(`${process.arch} ${process.versions.v8}\n`), bytes]);
  const cachedData = readCache(dir, cacheFile, madeFrom);
  const script = new vm.Script(Module.wrap(bytes.toString('utf8')), {
    filename: file,
    ...(cachedData ? { cachedData } : {}),
  });
  const made = !cachedData || script.cachedDataRejected === true;
  if (made) process.once('exit', () => writeCache(dir, cacheFile, madeFrom, script));

  const mod = new Module(file);
  mod.filename = file;
  mod.paths = (Module as unknown as { _nodeModulePaths(d: string): string[] })._nodeModulePaths(
    path.dirname(file),
  );
  const wrapper = script.runInThisContext({ displayErrors: true }) as (...args: unknown[]) => void;
  wrapper.call(mod.exports, mod.exports, Module.createRequire(file), mod, file, path.dirname(file));
  mod.loaded = true;
  return { cache: made ? 'made' : 'hit' };
}

/** V8's data, when the file is there, ours, whole, and made from `source`; undefined otherwise. */
function readCache(dir: string, file: string, source: Buffer): Buffer | undefined {
  try {
    if (!ownedByMe(fs.statSync(dir))) return undefined;
    const fd = fs.openSync(file, 'r');
    let data: Buffer;
    try {
      if (!ownedByMe(fs.fstatSync(fd))) return undefined;
      data = fs.readFileSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    if (data.length <= HEADER || !data.subarray(0, MAGIC.length).equals(MAGIC)) return undefined;
    const size = data.readUInt32LE(MAGIC.length);
    const crc = data.readUInt32LE(MAGIC.length + 4);
    if (size !== source.length || data.length <= HEADER + size) return undefined;
    if (!data.subarray(HEADER, HEADER + size).equals(source)) return undefined;
    const v8data = data.subarray(HEADER + size);
    return zlib.crc32(v8data) === crc ? v8data : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Writes the cache under a temporary name, then renames it in place: a reader never sees half a
 * file. Any failure leaves no file behind.
 */
function writeCache(dir: string, file: string, source: Buffer, script: vm.Script): void {
  const tmp = `${file}.${process.pid}.tmp`;
  let fd: number | undefined;
  try {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    if (!ownedByMe(fs.statSync(dir))) return;
    // Opened before the code is serialised: a folder that cannot be written costs nothing more.
    fd = fs.openSync(tmp, 'wx', 0o600);
    const v8data = script.createCachedData();
    const header = Buffer.alloc(HEADER);
    MAGIC.copy(header);
    header.writeUInt32LE(source.length, MAGIC.length);
    header.writeUInt32LE(zlib.crc32(v8data), MAGIC.length + 4);
    fs.writeFileSync(fd, Buffer.concat([header, source, v8data]));
    fs.closeSync(fd);
    fd = undefined;
    fs.renameSync(tmp, file);
  } catch {
    try {
      if (fd !== undefined) fs.closeSync(fd);
      fs.rmSync(tmp, { force: true });
    } catch {
      // Nothing more to undo.
    }
  }
}
