import fsSync from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { libc } from '../../src-main/platform/linux/libc';
import { openLinuxTarget } from '../../src-main/platform/linux/linux-target';
import {
  PidfdExitWatcher,
  sharedPidfdWatcher,
} from '../../src-main/platform/linux/pidfd-exit-watcher';
import { readStat } from '../../src-main/platform/linux/proc-stat';
import { spawn } from 'node:child_process';
import {
  childrenOf,
  cleanupHolders,
  isRunning,
  killQuietly,
  spawnTarget,
} from '../helpers/processes';

/** The running kernel is at least major.minor (os.release(): "6.18.44-…"). */
function kernelAtLeast(major: number, minor: number): boolean {
  const [a = 0, b = 0] = os.release().split(/[.-]/).map(Number);
  return a > major || (a === major && b >= minor);
}

const spawned: number[] = [];
afterEach(() => {
  for (const pid of spawned.splice(0)) killQuietly(pid);
});
afterAll(cleanupHolders);

async function targets(n: number): Promise<number[]> {
  const all = await Promise.all(
    Array.from({ length: n }, () => spawnTarget(['--on-term', 'ignore'])),
  );
  const pids = all.map((t) => t.pids[0]!);
  spawned.push(...pids);
  return pids;
}

/** A watcher of its own over the real libc, and how often its running wait was woken. */
function wakeCountingWatcher() {
  const real = libc();
  let wakeFd = -1;
  const watcher = new PidfdExitWatcher({
    ...real,
    eventfd: (init, flags) => (wakeFd = real.eventfd(init, flags)),
  });
  // The wake is an eventfd write: restore `writes` when done.
  const writes = vi.spyOn(fsSync, 'writeSync');
  const wakes = () => writes.mock.calls.filter(([fd]) => fd === wakeFd).length;
  return { real, watcher, wakes, writes };
}

/**
 * `n` single-threaded sleeps under a holder that never reaps them: a zombie has no thread left,
 * so its pidfd is readable (a Node target's leader shows Z while its other threads exit).
 */
async function heldSleeps(n: number): Promise<number[]> {
  const holder = spawn('bash', ['-c', `for i in $(seq ${n}); do sleep 60 & done; exec sleep 600`], {
    stdio: 'ignore',
  });
  spawned.push(holder.pid!);
  let pids: number[] = [];
  while ((pids = childrenOf(holder.pid!)).length < n) await new Promise((r) => setTimeout(r, 10));
  spawned.push(...pids);
  return pids;
}

/** A watcher of its own over the real libc, and how many it watched at each wait it started. */
function waitCountingWatcher() {
  const real = libc();
  const waits: number[] = [];
  const watcher: PidfdExitWatcher = new PidfdExitWatcher({
    ...real,
    epollWaitAsync: (...args) => {
      waits.push(watcher.size);
      real.epollWaitAsync(...args);
    },
  });
  return { real, watcher, waits };
}

/** Watches each pidfd, releasing it when it fires: one promise per pidfd, kept when it has. */
function releasedOnExit(watcher: PidfdExitWatcher, fds: number[]): Promise<void>[] {
  return fds.map(
    (fd) =>
      new Promise<void>((resolve) =>
        watcher.watch(fd, () => {
          watcher.release(fd);
          resolve();
        }),
      ),
  );
}

describe.runIf(process.platform === 'linux')('Linux target (pidfd)', () => {
  it('refuses a PID whose start time differs from the listed one: it names another process', async () => {
    const [pid] = await targets(1);
    const st = readStat(pid!)!;
    expect(() => openLinuxTarget(pid!, { expected: { startTime: st.startTime + 1 } })).toThrow(
      expect.objectContaining({ code: 'pid-reused' }),
    );
    const t = openLinuxTarget(pid!, { expected: { startTime: st.startTime } });
    expect(t.startTime).toBe(st.startTime);
    t.close();
    expect(isRunning(pid!)).toBe(true);
  });

  it('refuses a PID whose parent differs from the tree it was found in', async () => {
    const [pid] = await targets(1);
    const st = readStat(pid!)!;
    expect(() =>
      openLinuxTarget(pid!, { expected: { startTime: st.startTime, ppid: st.ppid + 1 } }),
    ).toThrow(expect.objectContaining({ code: 'pid-reused' }));
    const t = openLinuxTarget(pid!, { expected: { startTime: st.startTime, ppid: st.ppid } });
    t.close();
    expect(isRunning(pid!)).toBe(true);
  });

  it('sees every exit among many targets from one poll, without holding up other pool work', async () => {
    const pids = await targets(12);
    const opened = pids.map((pid) => openLinuxTarget(pid));
    const exits = opened.map(
      (t) =>
        new Promise<{ pid: number; signal?: string }>((resolve) =>
          t.onExit((e) => resolve({ pid: t.pid, signal: e.signal })),
        ),
    );
    // While twelve targets are watched, file I/O on the libuv pool must still go through.
    const reads = await Promise.all(
      Array.from({ length: 8 }, () => fs.readFile('/proc/self/stat', 'utf8')),
    );
    expect(reads).toHaveLength(8);
    expect(sharedPidfdWatcher().size).toBe(12);
    for (const t of opened) expect(await t.deliver('signal:SIGKILL')).toEqual({ kind: 'sent' });
    const got = await Promise.all(exits);
    expect(got.map((g) => g.pid)).toEqual(pids);
    // The holders never reap, so the zombies still tell how each one died.
    for (const g of got) expect(g.signal).toBe('SIGKILL');
    for (const t of opened) t.close();
    expect(sharedPidfdWatcher().size).toBe(0);
  });

  it('never wakes the running wait for a burst of watches or for pidfds released by exit callbacks', async () => {
    const pids = await targets(20);
    const { real, watcher, wakes, writes } = wakeCountingWatcher();
    try {
      const fds = pids.map((pid) => real.pidfdOpen(pid));
      expect(fds.every((fd) => fd >= 0)).toBe(true);
      const exits = fds.map(
        (fd, i) =>
          new Promise<number>((resolve) =>
            watcher.watch(fd, () => {
              // As a target does when its ladder ends: the pidfd is released from the callback.
              watcher.release(fd);
              resolve(pids[i]!);
            }),
          ),
      );
      // The first watch started the wait; the other 19 joined its epoll set while it ran.
      expect(wakes()).toBe(0);
      for (const pid of pids) process.kill(pid, 'SIGKILL');
      expect(await Promise.all(exits)).toEqual(pids);
      expect(watcher.size).toBe(0);
      expect(wakes()).toBe(0);
    } finally {
      writes.mockRestore();
    }
  });

  it('closes a fired pidfd released after the next wait started at once, without waking it', async () => {
    const pids = await targets(20);
    const { real, watcher, wakes, writes } = wakeCountingWatcher();
    const isPidfd = (fd: number) => {
      try {
        return fsSync.readlinkSync(`/proc/self/fd/${fd}`) === 'anon_inode:[pidfd]';
      } catch {
        return false;
      }
    };
    try {
      const fds = pids.map((pid) => real.pidfdOpen(pid));
      const exits = fds.map(
        (fd) =>
          new Promise<void>((resolve) =>
            watcher.watch(fd, () => {
              // As a ladder does: released from its promise's .finally, once the callback is
              // over and the poll for the others is running again.
              void Promise.resolve().then(() => {
                watcher.release(fd);
                resolve();
              });
            }),
          ),
      );
      expect(wakes()).toBe(0);
      for (const pid of pids.slice(0, 10)) process.kill(pid, 'SIGKILL');
      await Promise.all(exits.slice(0, 10));
      // The other ten are still waited on; the ten released pidfds are closed already.
      expect(watcher.size).toBe(10);
      expect(fds.slice(0, 10).filter(isPidfd)).toEqual([]);
      expect(fds.slice(10).every(isPidfd)).toBe(true);
      expect(wakes()).toBe(0);
      for (const pid of pids.slice(10)) process.kill(pid, 'SIGKILL');
      await Promise.all(exits);
      expect(watcher.size).toBe(0);
      // The last release found nothing left to watch and no wait running: still no wake.
      expect(wakes()).toBe(0);
    } finally {
      writes.mockRestore();
    }
  });

  it('looks once a burst of watches is in: exits that came first are taken without a wait on the pool thread', async () => {
    const pids = await heldSleeps(20);
    const { real, watcher, waits: sizes } = waitCountingWatcher();
    const fds = pids.map((pid) => real.pidfdOpen(pid));
    // As a batch does: every first step sent, then every ladder watches its target.
    for (const pid of pids) process.kill(pid, 'SIGKILL');
    // Every one a zombie before the first watch (vitest's timeout bounds the wait).
    for (const pid of pids)
      while (readStat(pid)?.state !== 'zombie') await new Promise((r) => setTimeout(r, 5));
    const exits = releasedOnExit(watcher, fds);
    let sync = true;
    const told = Promise.all(exits).then(() => sync);
    sync = false;
    // Told in a task of their own, never inside the turn that watched them.
    expect(await told).toBe(false);
    // Taken by a look (epoll_wait with no wait): one round trip through the pool thread less,
    // 2 to 12 ms with 300 targets exiting on 2 cores. Before, one wait took all 20.
    expect(sizes).toEqual([]);
  });

  it('waits on the pool thread once a burst of watches is in when no exit came first', async () => {
    const pids = await heldSleeps(3);
    const { real, watcher, waits: sizes } = waitCountingWatcher();
    const fds = pids.map((pid) => real.pidfdOpen(pid));
    const exits = releasedOnExit(watcher, fds);
    await new Promise((r) => setTimeout(r, 20)); // The look found nothing: the wait runs.
    expect(sizes).toEqual([3]);
    for (const pid of pids) process.kill(pid, 'SIGKILL');
    await Promise.all(exits);
    expect(watcher.size).toBe(0);
  });

  it('takes an exit that comes while exit callbacks run without another wait on the pool thread', async () => {
    const [a, b] = (await heldSleeps(2)) as [number, number];
    const { real, watcher, waits } = waitCountingWatcher();
    const [fa, fb] = [real.pidfdOpen(a), real.pidfdOpen(b)];
    const order: number[] = [];
    const done = new Promise<void>((resolve) => {
      watcher.watch(fa, () => {
        order.push(a);
        watcher.release(fa);
        // The second one exits while this callback runs (a zombie before it returns).
        process.kill(b, 'SIGKILL');
        const until = Date.now() + 5000;
        while (readStat(b)?.state !== 'zombie' && Date.now() < until);
      });
      watcher.watch(fb, () => {
        order.push(b);
        watcher.release(fb);
        resolve();
      });
    });
    await new Promise((r) => setTimeout(r, 20)); // The wait is running on the pool thread.
    process.kill(a, 'SIGKILL');
    await done;
    expect(order).toEqual([a, b]);
    // One wait for both: the second exit was taken by a quick look, not a second wait.
    expect(waits).toEqual([2]);
  });

  it('tells a watch that starts after the exit at once, pinned or polled (a step may be sent first)', async () => {
    for (const noPidfd of [false, true]) {
      const [pid] = await targets(1);
      const t = openLinuxTarget(pid!, { noPidfd });
      expect(await t.deliver('signal:SIGKILL')).toEqual({ kind: 'sent' });
      // Its holder never reaps it: wait for the zombie, then start watching.
      for (let i = 0; i < 200 && readStat(pid!)?.state !== 'zombie'; i++)
        await new Promise((r) => setTimeout(r, 5));
      const exit = await new Promise<{ signal?: string }>((resolve) => t.onExit(resolve));
      expect(exit.signal).toBe('SIGKILL');
      t.close();
    }
  });

  // PIDFD_INFO_EXIT came in Linux 6.15; before it, a process its parent has collected leaves
  // nothing to read (the engine then says so, and judges by the signal's disposition).
  it.runIf(kernelAtLeast(6, 15))(
    'tells how a process ended after its parent collected it: code or signal, from the pidfd',
    async () => {
      const cases = [
        {
          argv: ['bash', '-c', "trap 'exit 7' TERM; while :; do sleep 0.02; done"],
          exit: { exitCode: 7 },
        },
        { argv: ['sleep', '60'], exit: { signal: 'SIGTERM' } },
      ];
      for (const { argv, exit } of cases) {
        // A child of this test: Node collects it the moment it exits.
        const child = spawn(argv[0]!, argv.slice(1), { stdio: 'ignore' });
        const collected = new Promise<void>((resolve) => child.once('exit', () => resolve()));
        try {
          while (!readStat(child.pid!)?.comm) await new Promise((r) => setTimeout(r, 5));
          const t = openLinuxTarget(child.pid!);
          // Its trap set (bash) before it is asked.
          await new Promise((r) => setTimeout(r, 100));
          expect(await t.deliver('signal:SIGTERM')).toEqual({ kind: 'sent' });
          await collected;
          expect(readStat(child.pid!)).toBeUndefined();
          expect(await new Promise((resolve) => t.onExit(resolve))).toEqual(exit);
          t.close();
        } finally {
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
        }
      }
    },
  );

  it('reports gone after exit instead of signalling a PID that may be reused', async () => {
    const [pid] = await targets(1);
    const t = openLinuxTarget(pid!);
    const exited = new Promise<void>((resolve) => t.onExit(() => resolve()));
    killQuietly(pid!);
    await exited;
    // A zombie can still be signalled harmlessly; what matters is that nothing reaches another process.
    const r = await t.deliver('signal:SIGTERM');
    expect(['sent', 'gone']).toContain(r.kind);
    t.close();
    expect(await t.deliver('signal:SIGTERM')).toEqual({ kind: 'gone' });
  });

  it('refuses a thread ID and a missing PID with typed errors', async () => {
    expect(() => openLinuxTarget(2 ** 22 + 12345)).toThrow(
      expect.objectContaining({ code: 'not-found' }),
    );
    // Node's own worker threads have TIDs that are not process IDs.
    const tids = (await fs.readdir(`/proc/${process.pid}/task`))
      .map(Number)
      .filter((t) => t !== process.pid);
    expect(tids.length).toBeGreaterThan(0);
    expect(() => openLinuxTarget(tids[0]!)).toThrow(expect.objectContaining({ code: 'not-found' }));
  });
});
