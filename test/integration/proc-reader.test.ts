import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import {
  ProcReader,
  listPids,
  newStatFields,
  parseStatBytes,
} from '../../src-main/platform/linux/proc-reader';
import { parseStat } from '../../src-main/platform/linux/proc-stat';
import { createProcessSource } from '../../src-main/processes/process-source';
import { applyDiff } from '../../src-main/processes/diff';
import { buildTree } from '../../src-shared/rows';
import type { ProcessDiff, ProcessRow } from '../../src-shared/process';
import {
  ROOT,
  TARGET,
  canSwitchUser,
  cleanupHolders,
  killQuietly,
  spawnTarget,
} from '../helpers/processes';

const WORKER = path.join(ROOT, 'dist/proc-worker.cjs');
const children: ChildProcess[] = [];

afterEach(() => {
  for (const c of children.splice(0)) c.kill('SIGKILL');
  cleanupHolders();
});
afterAll(cleanupHolders);

function statFields(pid: number): string[] {
  const text = fs.readFileSync(`/proc/${pid}/stat`, 'latin1');
  return text.slice(text.lastIndexOf(')') + 2).split(' ');
}

async function waitFor<T>(what: string, probe: () => T | undefined, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = probe();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A target with a command line no other process has; resolves once it said "ready". */
async function spawnTagged(
  extra: string[] = [],
  wrap: string[] = [],
): Promise<{ child: ChildProcess; tag: string; pid: number }> {
  const tag = `enum-tag-${process.pid}-${Math.random().toString(36).slice(2)}`;
  const argv = [...wrap, process.execPath, TARGET, '--tag', tag, ...extra];
  const child = spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  const pid = await new Promise<number>((resolve, reject) => {
    let buf = '';
    child.stdout!.on('data', (d: Buffer) => {
      buf += d.toString();
      const m = /ready (\d+)/.exec(buf);
      if (m) resolve(Number(m[1]));
    });
    child.on('error', reject);
    child.on('exit', () => reject(new Error(`target exited early: ${buf}`)));
  });
  return { child, tag, pid };
}

describe('ProcReader on real processes', () => {
  it('reads every field of a known child right', async () => {
    const before = Date.now();
    const { tag, pid } = await spawnTagged();
    const after = Date.now();
    await waitFor('the target to sleep', () => statFields(pid)[0] === 'S');
    const r = new ProcReader().read().find((x) => x.pid === pid);
    expect(r).toBeDefined();
    const f = statFields(pid);
    expect(r!.ppid).toBe(process.pid);
    expect(r!.cmdline).toBe(`${process.execPath} ${TARGET} --tag ${tag}`);
    expect(r!.name).toBe('node');
    expect(r!.user).toBe(os.userInfo().username);
    expect(r!.uid).toBe(process.getuid!());
    expect(r!.state).toBe('sleeping');
    expect(r!.startTime).toBe(Number(f[19]));
    // Start is known to a clock tick (10 ms) plus the boot-time estimate.
    expect(r!.startedAt).toBeGreaterThanOrEqual(before - 50);
    expect(r!.startedAt).toBeLessThanOrEqual(after + 50);
    const vmRssKb = Number(
      /VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))![1],
    );
    expect(Math.abs(r!.rssBytes - vmRssKb * 1024)).toBeLessThan(vmRssKb * 1024 * 0.2);
    expect(r!.ttyNr).toBe(Number(f[4]));
  });

  it('parses every live stat file exactly as parseStat does', () => {
    const out = newStatFields();
    let compared = 0;
    for (const pid of listPids()) {
      let bytes: Buffer;
      try {
        bytes = fs.readFileSync(`/proc/${pid}/stat`);
      } catch {
        continue; // Gone.
      }
      const ref = parseStat(bytes.toString('latin1'))!;
      expect(parseStatBytes(bytes, bytes.length, out)).toBe(true);
      expect([out.ppid, out.ttyNr, out.flags, out.utime, out.stime, out.startTime]).toEqual([
        ref.ppid,
        ref.ttyNr,
        ref.flags,
        ref.utime,
        ref.stime,
        ref.startTime,
      ]);
      expect([out.rssPages, out.stateChar]).toEqual([ref.rssPages, ref.stateChar]);
      compared++;
    }
    expect(compared).toBeGreaterThan(10);
  });

  it.runIf(canSwitchUser())('names the owner of another user’s process', async () => {
    const { pid } = await spawnTagged(
      [],
      ['setpriv', '--reuid=nobody', '--regid=nogroup', '--clear-groups'],
    );
    const r = new ProcReader().read().find((x) => x.pid === pid);
    expect(r!.user).toBe('nobody');
    expect(r!.ppid).toBe(process.pid); // setpriv execs the target: same process.
  });

  it('shows a zombie as a zombie, and a stopped process as stopped', async () => {
    const held = await spawnTarget([]);
    const pid = held.pids[0]!;
    process.kill(pid, 'SIGSTOP');
    await waitFor('stopped', () => statFields(pid)[0] === 'T');
    const reader = new ProcReader();
    expect(reader.read().find((x) => x.pid === pid)!.state).toBe('stopped');
    process.kill(pid, 'SIGKILL'); // Its holder never reaps it.
    await waitFor('zombie', () => statFields(pid)[0] === 'Z');
    const z = reader.read().find((x) => x.pid === pid)!;
    expect(z.state).toBe('zombie');
    expect(z.ppid).toBe(held.holder.pid);
  });

  it('drops a process that exits between listing and reading, without an error', async () => {
    // sh reaps its sleep at once, so the PID really is gone once it is killed.
    const sh = spawn('sh', ['-c', 'sleep 3600 & echo $!; wait'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    children.push(sh);
    const victim = await new Promise<number>((resolve) =>
      sh.stdout!.once('data', (d: Buffer) => resolve(Number(d.toString().trim()))),
    );
    let listed = false;
    const reader = new ProcReader({
      afterList: (pids) => {
        if (!pids.includes(victim)) return;
        listed = true;
        process.kill(victim, 'SIGKILL');
        const end = Date.now() + 10_000;
        while (fs.existsSync(`/proc/${victim}`) && Date.now() < end) spawnSync('sleep', ['0.01']);
      },
    });
    const records = reader.read();
    expect(listed).toBe(true);
    expect(fs.existsSync(`/proc/${victim}`)).toBe(false);
    expect(records.find((r) => r.pid === victim)).toBeUndefined();
    expect(records.find((r) => r.pid === process.pid)).toBeDefined();
    expect(records.find((r) => r.pid === sh.pid)).toBeDefined();
  });

  it('survives heavy churn: refreshes while processes come and go', () => {
    const churn = spawn('sh', ['-c', 'while :; do /bin/true & /bin/true; wait; done'], {
      stdio: 'ignore',
    });
    children.push(churn);
    let listed = 0;
    const reader = new ProcReader({ afterList: (pids) => (listed = pids.length) });
    let vanished = 0;
    let refreshes = 0;
    // Bounded by time, not count: on a loaded machine a read of a big table is slow.
    for (const end = Date.now() + 2000; Date.now() < end || refreshes < 10; refreshes++) {
      const records = reader.read();
      for (const r of records) expect(r.startTime).toBeGreaterThan(0);
      expect(records.find((r) => r.pid === churn.pid)).toBeDefined();
      vanished += listed - records.length;
    }
    // Listed, then gone before their files were read: the case that must not be an error.
    expect(vanished).toBeGreaterThan(0);
  });

  it('re-reads the command line after an exec (same PID and start, new program)', async () => {
    const sh = spawn('sh', ['-c', 'read x; exec sleep 3600'], {
      stdio: ['pipe', 'ignore', 'inherit'],
    });
    children.push(sh);
    const reader = new ProcReader();
    const first = await waitFor('sh', () => reader.read().find((r) => r.pid === sh.pid));
    expect(first.cmdline).toBe('sh -c read x; exec sleep 3600');
    sh.stdin!.write('go\n');
    const after = await waitFor('the exec', () =>
      reader.read().find((r) => r.pid === sh.pid && r.comm === 'sleep'),
    );
    expect(after.startTime).toBe(first.startTime);
    // A read in the middle of the exec may see the new comm before the new argv; a later read must.
    await waitFor('the new command line', () =>
      reader.read().find((r) => r.pid === sh.pid && r.cmdline === 'sleep 3600'),
    );
  });

  it('never keeps the empty command line of a process read mid-exec', async () => {
    // The kernel sets the new comm before the new argv is readable. Racing 600 execs against a
    // tight read loop hits that window a few times per run; each must show its command line later.
    let wrong = 0;
    for (let round = 0; round < 30; round++) {
      const shs = Array.from({ length: 20 }, () => {
        const c = spawn('sh', ['-c', 'read x; exec sleep 3600'], {
          stdio: ['pipe', 'ignore', 'inherit'],
        });
        children.push(c);
        return c;
      });
      const pids = new Set(shs.map((c) => c.pid));
      const reader = new ProcReader();
      await waitFor('the shells', () => {
        const mine = reader.read().filter((r) => pids.has(r.pid) && r.comm === 'sh');
        return mine.length === shs.length || undefined;
      });
      for (const c of shs) c.stdin!.write('go\n');
      for (let i = 0; i < 5000; i++) {
        const mine = reader.read().filter((r) => pids.has(r.pid));
        if (mine.every((r) => r.comm === 'sleep')) break;
      }
      // Give a slow exec time to finish; a stuck entry would stay wrong however long we wait.
      let mine = reader.read().filter((r) => pids.has(r.pid));
      for (let t = 0; t < 100 && mine.some((r) => r.cmdline !== 'sleep 3600'); t++) {
        await new Promise((r) => setTimeout(r, 20));
        mine = reader.read().filter((r) => pids.has(r.pid));
      }
      expect(mine).toHaveLength(shs.length);
      wrong += mine.filter((r) => r.cmdline !== 'sleep 3600').length;
      for (const c of shs) c.kill('SIGKILL');
    }
    expect(wrong).toBe(0);
  }, 60_000);
});

describe('process source', () => {
  it('builds a tree of three generations from a snapshot', async () => {
    const held = await spawnTarget(['--children', '1', '--grandchild'], 3);
    const source = createProcessSource({ backend: 'inline' });
    try {
      const snap = await source.snapshot();
      const find = (nodes: ReturnType<typeof buildTree>, pid: number): (typeof nodes)[number] => {
        for (const n of nodes) {
          if (n.row.pid === pid) return n;
          const hit = n.children.length ? find(n.children, pid) : undefined;
          if (hit) return hit;
        }
        return undefined as never;
      };
      const holder = find(buildTree(snap.rows), held.holder.pid!);
      expect(holder).toBeDefined();
      const gen1 = holder.children.map((c) => c.row.pid);
      expect(gen1).toEqual([held.pids[0]]);
      const gen2 = holder.children[0]!.children;
      expect(gen2).toHaveLength(1);
      const gen3 = gen2[0]!.children;
      expect(gen3).toHaveLength(1);
      expect(new Set([gen1[0], gen2[0]!.row.pid, gen3[0]!.row.pid])).toEqual(new Set(held.pids));
      expect(gen3[0]!.children).toEqual([]);
    } finally {
      await source.close();
      for (const pid of held.pids) killQuietly(pid);
    }
  });

  it.runIf(fs.existsSync(WORKER))(
    'in a worker: diffs show a new process added and an ended one removed',
    async () => {
      const source = createProcessSource({ backend: 'worker', workerPath: WORKER });
      expect(source.backend).toBe('worker');
      const diffs: ProcessDiff[] = [];
      const base = await source.snapshot();
      const unsubscribe = source.subscribe((d) => diffs.push(d), 200);
      try {
        const { child, pid } = await spawnTagged();
        const added = await waitFor('added', () =>
          diffs.flatMap((d) => d.added).find((r) => r.pid === pid),
        );
        expect(added.ppid).toBe(process.pid);
        child.kill('SIGKILL');
        await waitFor('removed', () => diffs.some((d) => d.removed.includes(added.key)));
        // Diffs are consecutive, one per refresh, each after the snapshot taken before.
        expect(diffs.map((d) => d.seq)).toEqual(diffs.map((_, i) => base.seq + 1 + i));
        // Applying them to the first snapshot gives the latest one.
        const table = new Map(base.rows.map((r) => [r.key, r]));
        // As they travel: JSON, where a field that is undefined is no field at all.
        for (const d of diffs) applyDiff(table, JSON.parse(JSON.stringify(d)) as ProcessDiff);
        const latest = await source.snapshot();
        expect(latest.seq).toBe(diffs.at(-1)!.seq);
        expect([...table.values()].sort((a, b) => a.pid - b.pid)).toEqual(latest.rows);
      } finally {
        unsubscribe();
        await source.close();
      }
      const count = diffs.length;
      await new Promise((r) => setTimeout(r, 500));
      expect(diffs.length).toBe(count); // Closed: no more refreshes.
    },
  );

  // Needs root and a kernel with ns_last_pid (CONFIG_CHECKPOINT_RESTORE) to get a PID back.
  const canPickPid = process.getuid?.() === 0 && fs.existsSync('/proc/sys/kernel/ns_last_pid');
  it.runIf(canPickPid)(
    'a reused PID comes out as one process removed and a new one added',
    async () => {
      const source = createProcessSource({ backend: 'inline' });
      try {
        for (let attempt = 0; ; attempt++) {
          const a = spawn('sleep', ['3600'], { stdio: 'ignore' });
          children.push(a);
          await waitFor('a', () => fs.existsSync(`/proc/${a.pid}`));
          const seen = await source.refresh();
          const old = seen.added.find((r) => r.pid === a.pid)!;
          expect(old).toBeDefined();
          // Identity is PID + start tick (10 ms): let a clock tick pass before the PID comes back.
          await new Promise((r) => setTimeout(r, 30));
          a.kill('SIGKILL');
          await new Promise((r) => a.once('exit', r));
          await waitFor('reaped', () => !fs.existsSync(`/proc/${a.pid}`));
          // As root, ask the kernel for the same PID again.
          fs.writeFileSync('/proc/sys/kernel/ns_last_pid', String(a.pid! - 1));
          const b = spawn('sleep', ['3600'], { stdio: 'ignore' });
          children.push(b);
          if (b.pid !== a.pid) {
            b.kill('SIGKILL');
            if (attempt < 20) continue; // Another fork took it first; try again.
            throw new Error('could not get the PID reused');
          }
          await waitFor('b', () => fs.existsSync(`/proc/${b.pid}`));
          const d = await source.refresh();
          expect(d.removed).toContain(old.key);
          const fresh = d.added.find((r) => r.pid === a.pid);
          expect(fresh).toBeDefined();
          expect(fresh!.startTime).toBeGreaterThan(old.startTime);
          expect(d.changed.find((p) => p.key.startsWith(`${a.pid}@`))).toBeUndefined();
          return;
        }
      } finally {
        await source.close();
      }
    },
  );

  it('shows CPU % over the last interval, not the lifetime average', async () => {
    // Busy for 1.5 s, then idle: ps's lifetime figure stays up, ours falls to zero.
    const child = spawn(
      process.execPath,
      [
        '-e',
        'const end = Date.now() + 1500; while (Date.now() < end); console.log("idle"); setInterval(() => {}, 1e6);',
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    children.push(child);
    const ticks = () => {
      const f = statFields(child.pid!);
      return Number(f[11]) + Number(f[12]);
    };
    const source = createProcessSource({ backend: 'inline' });
    try {
      await source.snapshot();
      const t0 = performance.now();
      const k0 = ticks();
      await new Promise((r) => setTimeout(r, 500));
      await source.refresh();
      const expected = ((ticks() - k0) * 1000) / (performance.now() - t0); // 100 ticks/s.
      const busyRow = (await source.snapshot()).rows.find((r) => r.pid === child.pid);
      // However loaded the machine, the figure is this interval's share, within a few ticks.
      expect(busyRow!.cpuPercent).toBeGreaterThan(0);
      expect(Math.abs(busyRow!.cpuPercent - expected)).toBeLessThan(15);
      await new Promise((r) => child.stdout!.once('data', r));
      await source.refresh();
      await new Promise((r) => setTimeout(r, 600));
      await source.refresh();
      const row = (await source.snapshot()).rows.find((r) => r.pid === child.pid) as ProcessRow;
      expect(row.cpuPercent).toBeLessThan(2);
      const psLifetime = Number(spawnSync('ps', ['-o', '%cpu=', '-p', String(child.pid)]).stdout);
      expect(psLifetime).toBeGreaterThan(row.cpuPercent + 3);
    } finally {
      await source.close();
      child.kill('SIGKILL'); // a reaped child is not signalled
    }
  });

  it('the ps-list fallback lists the same processes', async () => {
    const { tag, pid } = await spawnTagged();
    const source = createProcessSource({ backend: 'ps-list' });
    try {
      const r = (await source.snapshot()).rows.find((x) => x.pid === pid);
      expect(r?.cmdline).toContain(tag);
      expect(r?.ppid).toBe(process.pid);
    } finally {
      await source.close();
    }
  });
});
