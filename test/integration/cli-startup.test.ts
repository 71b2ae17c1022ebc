// The CLI's start-up, for real: dist/cli.cjs runs cli-main.cjs through V8's code cache, and a
// missing, damaged, stale, foreign or unwritable cache changes nothing a command prints; a kill
// or plan without a profiles.json never loads zod's bundle.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI, ROOT, collect, runCli } from '../helpers/processes';
import { canMount, fill, mountTmpfs, remount, unmountAll } from '../helpers/tmpfs';

interface Startup {
  nodeReady: number;
  bundleLoaded: number;
  exit: number;
  cache: 'hit' | 'made' | 'off';
}

const dirs: string[] = [];
const tmpDir = () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'safekill-cc-'));
  dirs.push(d);
  return d;
};
afterAll(() => {
  if (canMount()) unmountAll();
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

/** `safekill --version` with the cache in `dir`: its output and the start-up trace. */
async function version(env: NodeJS.ProcessEnv) {
  const run = await runCli(['--version'], { env: { SAFEKILL_TRACE_START: '1', ...env } });
  const lines = run.stderr.trim().split('\n');
  const startup = (JSON.parse(lines.at(-1)!) as { startup: Startup }).startup;
  return { ...run, startup, otherStderr: lines.slice(0, -1).join('\n') };
}

const cacheFile = (dir: string) => path.join(dir, 'cli-main.other.v8');

describe('V8 code cache of the CLI bundle', () => {
  it('is made on the first run, used on the next, and never changes the output', async () => {
    const dir = path.join(tmpDir(), 'cache');
    const first = await version({ SAFEKILL_CACHE_DIR: dir });
    expect(first.startup.cache).toBe('made');
    expect(fs.statSync(dir).mode & 0o777).toBe(0o700);
    expect(fs.statSync(cacheFile(dir)).mode & 0o777).toBe(0o600);
    const second = await version({ SAFEKILL_CACHE_DIR: dir });
    expect(second.startup.cache).toBe('hit');
    const off = await version({ SAFEKILL_NO_CODE_CACHE: '1' });
    expect(off.startup.cache).toBe('off');
    for (const r of [first, second, off]) {
      expect(r.code).toBe(0);
      expect(r.stdout).toBe(off.stdout);
      expect(r.otherStderr).toBe('');
    }
    // One file per command, and nothing left beside it (no temporary files).
    await runCli(['list', '--json'], { env: { SAFEKILL_CACHE_DIR: dir } });
    expect(fs.readdirSync(dir).sort()).toEqual(['cli-main.list.v8', 'cli-main.other.v8']);
  });

  it('a damaged file is not used (and is made again): cut short, a flipped byte, garbage', async () => {
    const dir = tmpDir();
    await version({ SAFEKILL_CACHE_DIR: dir });
    const good = fs.readFileSync(cacheFile(dir));
    const flipped = Buffer.from(good);
    flipped[flipped.length - 100]! ^= 0x55; // inside V8's data, which V8 itself does not check
    for (const bad of [good.subarray(0, good.length >> 1), flipped, Buffer.alloc(4096, 7)]) {
      fs.writeFileSync(cacheFile(dir), bad);
      const r = await version({ SAFEKILL_CACHE_DIR: dir });
      expect(r.startup.cache).toBe('made');
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/^safekill \d/);
      expect(r.otherStderr).toBe('');
      // Made again, whole: the next run uses it.
      expect((await version({ SAFEKILL_CACHE_DIR: dir })).startup.cache).toBe('hit');
    }
  });

  it('a cache made from another bundle is not used', async () => {
    // A copy of the CLI whose bundle differs by one comment: its cache is then offered to ours.
    const other = tmpDir();
    fs.mkdirSync(path.join(other, 'dist'));
    for (const f of fs.readdirSync(path.join(ROOT, 'dist')).filter((f) => /^cli.*\.cjs$/.test(f)))
      fs.copyFileSync(path.join(ROOT, 'dist', f), path.join(other, 'dist', f));
    fs.appendFileSync(path.join(other, 'dist/cli-main.cjs'), '\n// another build\n');
    fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(other, 'node_modules'));
    const dir = tmpDir();
    const theirs = spawn(process.execPath, [path.join(other, 'dist/cli.cjs'), '--version'], {
      env: { ...process.env, SAFEKILL_CACHE_DIR: dir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    expect((await collect(theirs)).code).toBe(0);
    const made = fs.readFileSync(cacheFile(dir));
    const ours = await version({ SAFEKILL_CACHE_DIR: dir });
    expect(ours.startup.cache).toBe('made');
    expect(fs.readFileSync(cacheFile(dir)).equals(made)).toBe(false);
    expect((await version({ SAFEKILL_CACHE_DIR: dir })).startup.cache).toBe('hit');
  });

  it('an unwritable folder is no error: the command runs as without a cache', async () => {
    // A path under a regular file cannot be made, even by root.
    const file = path.join(tmpDir(), 'a-file');
    fs.writeFileSync(file, 'x');
    for (const dir of [path.join(file, 'cache'), file]) {
      const r = await version({ SAFEKILL_CACHE_DIR: dir });
      expect(r.code).toBe(0);
      expect(r.startup.cache).toBe('made');
      expect(r.stdout).toMatch(/^safekill \d/);
      expect(r.otherStderr).toBe('');
    }
    expect(fs.readFileSync(file, 'utf8')).toBe('x');
  });

  it.runIf(process.platform === 'linux' && canMount())(
    'a full disk or a read-only folder is no error, and leaves no partial file',
    async () => {
      const full = mountTmpfs('64k');
      fill(full);
      const ro = mountTmpfs('4m');
      remount(ro, 'ro');
      for (const dir of [full, ro]) {
        const r = await version({ SAFEKILL_CACHE_DIR: dir });
        expect(r.code).toBe(0);
        expect(r.startup.cache).toBe('made');
        expect(r.otherStderr).toBe('');
        expect(fs.readdirSync(dir).filter((f) => f.startsWith('cli-main'))).toEqual([]);
      }
      // Writable again: the next run makes it, the one after uses it.
      remount(ro, 'rw');
      expect((await version({ SAFEKILL_CACHE_DIR: ro })).startup.cache).toBe('made');
      expect((await version({ SAFEKILL_CACHE_DIR: ro })).startup.cache).toBe('hit');
    },
  );

  it('an installation without its bundle says so in one line', async () => {
    const dist = path.join(tmpDir(), 'dist');
    fs.mkdirSync(dist);
    fs.copyFileSync(CLI, path.join(dist, 'cli.cjs'));
    for (const env of [{ SAFEKILL_CACHE_DIR: tmpDir() }, { SAFEKILL_NO_CODE_CACHE: '1' }]) {
      const child = spawn(process.execPath, [path.join(dist, 'cli.cjs'), '--version'], {
        env: { ...process.env, ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const r = await collect(child);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(
        /^safekill: .*cli-main\.cjs cannot be read \(\w+\); reinstall SafeKill\n$/,
      );
      expect(r.stdout).toBe('');
    }
  });

  it.runIf(process.platform === 'linux')(
    'a folder others can write to is neither read nor written',
    async () => {
      const dir = tmpDir();
      await version({ SAFEKILL_CACHE_DIR: dir });
      expect((await version({ SAFEKILL_CACHE_DIR: dir })).startup.cache).toBe('hit');
      fs.chmodSync(dir, 0o777);
      const before = fs.statSync(cacheFile(dir));
      const r = await version({ SAFEKILL_CACHE_DIR: dir });
      expect(r.startup.cache).toBe('made');
      expect(r.code).toBe(0);
      // Not rewritten either: the same file, untouched.
      const after = fs.statSync(cacheFile(dir));
      expect([after.ino, after.mtimeMs]).toEqual([before.ino, before.mtimeMs]);
    },
  );

  it('doctor names the folder, or says it is off', async () => {
    const dir = tmpDir();
    const on = await runCli(['doctor', '--json'], { env: { SAFEKILL_CACHE_DIR: dir } });
    expect(JSON.parse(on.stdout)).toMatchObject({ codeCache: dir });
    const off = await runCli(['doctor'], { env: { SAFEKILL_NO_CODE_CACHE: '1' } });
    expect(off.stdout).toMatch(/^code cache: +off$/m);
  });

  it('helper (run as administrator by --elevate) reads and writes no cache', async () => {
    const dir = tmpDir();
    // A request it refuses (no targets): it answers with a usage error, as without a cache.
    const r = await runCli(['helper'], {
      env: { SAFEKILL_CACHE_DIR: dir, SAFEKILL_TRACE_START: '1' },
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('"cache":"off"');
    expect(fs.readdirSync(dir)).toEqual([]);
  });
});

describe.runIf(process.platform === 'linux')('what a command loads', () => {
  /** The files `args` loaded through require (the vendor bundles are), by a --require hook. */
  async function loaded(args: string[], env: NodeJS.ProcessEnv): Promise<string[]> {
    return (await loads(args, env)).files;
  }

  /** The files and Node's own modules that `args` loaded, by a --require hook. */
  async function loads(
    args: string[],
    env: NodeJS.ProcessEnv,
  ): Promise<{ files: string[]; builtins: string[] }> {
    const dir = tmpDir();
    const hook = path.join(dir, 'hook.cjs');
    const out = path.join(dir, 'loaded.json');
    fs.writeFileSync(
      hook,
      `process.on('exit', () => require('fs').writeFileSync(${JSON.stringify(out)}, JSON.stringify({ files: Object.keys(require.cache), builtins: process.moduleLoadList })));`,
    );
    const child = spawn(process.execPath, ['--require', hook, CLI, ...args], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const r = await collect(child);
    expect(r.stderr).toBe('');
    const got = JSON.parse(fs.readFileSync(out, 'utf8')) as { files: string[]; builtins: string[] };
    return { files: got.files.map((f) => path.basename(f)), builtins: got.builtins };
  }

  it('a kill loads neither perf_hooks nor the ES module resolver (each costs ms of every start)', async () => {
    const target = spawn('sleep', ['60'], { stdio: 'ignore' });
    const gone = new Promise((resolve) => target.once('exit', (_code, signal) => resolve(signal)));
    try {
      const { builtins } = await loads(['kill', '--json', String(target.pid)], {});
      expect(builtins).toContain('NativeModule vm'); // the hook saw the command's own loads
      expect(builtins).not.toContain('NativeModule internal/perf/performance');
      expect(builtins).not.toContain('NativeModule internal/modules/esm/resolve');
      expect(await gone).toBe('SIGTERM');
    } finally {
      target.kill('SIGKILL'); // never a raw PID: once reaped, it may be another process's
    }
  });

  it('plan and kill load zod only when there is a profiles.json to check', async () => {
    const data = tmpDir();
    const target = spawn('sleep', ['60'], { stdio: 'ignore' });
    const gone = new Promise((resolve) => target.once('exit', (_code, signal) => resolve(signal)));
    try {
      const without = await loaded(['plan', '--json', String(target.pid)], {
        SAFEKILL_DATA_DIR: data,
      });
      expect(without).not.toContain('cli-vendor-zod.cjs');
      fs.writeFileSync(path.join(data, 'profiles.json'), '[]');
      expect(
        await loaded(['plan', '--json', String(target.pid)], { SAFEKILL_DATA_DIR: data }),
      ).toContain('cli-vendor-zod.cjs');
      fs.rmSync(path.join(data, 'profiles.json'));
      const kill = await loaded(['kill', '--json', String(target.pid)], {
        SAFEKILL_DATA_DIR: data,
      });
      expect(kill).not.toContain('cli-vendor-zod.cjs');
      expect(kill).not.toContain('cli-vendor-dbus-next.cjs');
      expect(await gone).toBe('SIGTERM');
    } finally {
      target.kill('SIGKILL'); // never a raw PID: once reaped, it may be another process's
    }
  });
});

describe.runIf(process.platform === 'linux')('the exit path', () => {
  it('a reader slower than the kill still gets every result (nothing is cut at exit)', async () => {
    // 300 plans and results are several pipe buffers of JSON; the reader starts after 4 s,
    // when every target is long gone and the command has nothing left to do but write.
    const targets = Array.from({ length: 300 }, () => spawn('sleep', ['60'], { stdio: 'ignore' }));
    try {
      const pids = targets.map((t) => String(t.pid));
      const child = spawn(
        'bash',
        [
          '-c',
          '"$0" "$1" kill --json --strategy SIGTERM "${@:2}" | (sleep 4; cat); exit ${PIPESTATUS[0]}',
          process.execPath,
          CLI,
          ...pids,
        ],
        { stdio: ['ignore', 'pipe', 'inherit'] },
      );
      let out = '';
      child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
      const code = await new Promise((resolve) => child.on('close', resolve));
      // Whole lines only, one result per target.
      expect(out.endsWith('\n')).toBe(true);
      const results = out
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { type: string; pid: number })
        .filter((e) => e.type === 'result');
      expect(results.map((e) => String(e.pid)).sort()).toEqual([...pids].sort());
      expect(code).toBe(0);
    } finally {
      for (const t of targets) t.kill('SIGKILL'); // a reaped child is not signalled
    }
  }, 30_000);
});
