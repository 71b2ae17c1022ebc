import { describe, expect, it, vi } from 'vitest';
import { SafeKillError } from '../../src-shared/errors';
import type { DialogPolicy, KillEvent } from '../../src-shared/kill';
import { killTargets, planFor } from '../../src-main/kill/kill-targets';
import { PROCESS_QUERY_LIMITED_INFORMATION, SYNCHRONIZE } from '../../src-main/platform/win32/api';
import {
  createLane,
  type ConsoleHelperRunner,
} from '../../src-main/platform/win32/console-control';
import {
  STATUS_CONTROL_C_EXIT,
  parseHelperArgs,
  parseHelperOutput,
  runHelper,
} from '../../src-main/platform/win32/console-helper-main';
import { HandleExitWatcher } from '../../src-main/platform/win32/exit-watcher';
import { win32Types } from '../../src-main/platform/win32/koffi-types';
import koffi from 'koffi';
import { peSubsystem } from '../../src-main/platform/win32/pe-subsystem';
import {
  createWin32Platform,
  type Win32PlatformDeps,
} from '../../src-main/platform/win32/win32-platform';
import {
  GONE_REPORT_MS,
  observeWindows,
  startWindowWatch,
} from '../../src-main/platform/win32/window-watch';
import { postCloseToWindows, windowsOf } from '../../src-main/platform/win32/windows';
import { SHARED_READ_MS, filetimeOf } from '../../src-main/platform/win32/shared-read';
import { FakeWin32 } from './win32-fake';

const HELPER_PID = 4000;

/** The console helper, run in-process against the fake's console API (its real logic). */
function fakeHelper(w: FakeWin32): ConsoleHelperRunner {
  return async (mode, pid) => {
    let out = '';
    const code = runHelper(
      w.consoleApi(HELPER_PID),
      mode,
      pid,
      (l) => (out += l + '\n'),
      HELPER_PID,
    );
    const r = parseHelperOutput(out, code);
    if (!r) throw new Error('no report');
    return r;
  };
}

function setup(more: Partial<Win32PlatformDeps> = {}) {
  const w = new FakeWin32();
  const platform = createWin32Platform({
    k: w.kernel32,
    u: w.user32,
    a: w.advapi32,
    consoleHelper: fakeHelper(w),
    subsystem: (image) => [...w.processes.values()].find((p) => p.imagePath === image)?.subsystem,
    selfPid: 264,
    parentPid: 32,
    ...more,
  });
  return { w, platform };
}

async function kill(
  s: ReturnType<typeof setup>,
  pid: number,
  graceMs: number,
  strategy: 'auto' | 'terminate' = 'auto',
  dialog?: DialogPolicy,
) {
  const events: KillEvent[] = [];
  const [result] = await killTargets(
    { pids: [pid], overrides: { strategy, graceMs }, dialog },
    { platform: s.platform, onEvent: (e) => events.push(e), tickMs: 0 },
  );
  return { result: result!, events };
}

describe('Win32 enumeration (Toolhelp + limited handles)', () => {
  it('lists the recorded table with parents, windows, console flags and protection', () => {
    const { w, platform } = setup();
    const rows = platform.rowReader(() => 0).read();
    expect(rows.map((r) => r.pid)).toEqual([32, 56, 68, 76, 116, 164, 196, 220, 256, 264]);
    const notepad = rows.find((r) => r.name === 'notepad.exe')!;
    expect(notepad).toMatchObject({
      ppid: 32,
      cmdline: 'C:\\windows\\system32\\notepad.exe',
      hasWindow: true,
      windowTitles: ['Untitled - Notepad'],
      hasConsole: false,
      state: 'other',
      user: 'VM\\root',
    });
    expect(notepad.key).toBe(`256@${notepad.startTime}`);
    // FILETIME 100 ns ticks since 1601 → ms since 1970, as recorded under Wine.
    expect(new Date(notepad.startedAt).toISOString()).toBe('2026-11-24T13:07:26.163Z');
    expect(rows.find((r) => r.pid === 264)).toMatchObject({ hasConsole: true });
    expect(rows.find((r) => r.pid === 264)?.protectedReason).toMatch(/SafeKill itself/);
    expect(rows.find((r) => r.name === 'services.exe')?.protectedReason).toMatch(/critical/);
    // One account: looked up once, not once per process.
    expect(w.calls.filter((c) => c === 'LookupAccountSidW')).toHaveLength(1);
    expect(w.openHandles()).toEqual([]);
  });

  it('lists a process it may not open, marking the hidden fields access denied', () => {
    const { w, platform } = setup();
    const admin = w.spawn({ exeFile: 'elevated.exe', denied: true });
    const row = platform
      .rowReader(() => 0)
      .read()
      .find((r) => r.pid === admin.pid)!;
    expect(row).toMatchObject({
      name: 'elevated.exe',
      startTime: 0,
      rssBytes: 0,
      cmdline: 'elevated.exe',
    });
    expect(row.accessDenied).toEqual([
      'startTime',
      'cmdline',
      'cpuPercent',
      'rssBytes',
      'hasConsole',
      'user',
    ]);
    // A process of another user: opened, but its token may not be read.
    const other = w.spawn({ exeFile: 'theirs.exe' });
    const theirs = platform
      .rowReader(() => 0)
      .read()
      .find((r) => r.pid === other.pid)!;
    expect(theirs.user).toBe('');
    expect(theirs.accessDenied).toEqual(['user']);
    expect(theirs.rssBytes).toBeGreaterThan(0);
  });

  it('measures CPU % between two reads, per process', () => {
    const { w, platform } = setup();
    const busy = w.spawn({ exeFile: 'busy.exe', cpuTime: 0n });
    let now = 0;
    const reader = platform.rowReader(() => now);
    expect(reader.read().find((r) => r.pid === busy.pid)?.cpuPercent).toBe(0);
    busy.cpuTime = 5_000_000n; // 500 ms of CPU in 1000 ms of wall time
    now = 1000;
    expect(reader.read().find((r) => r.pid === busy.pid)?.cpuPercent).toBe(50);
  });

  it('finds descendants breadth first and skips a stale parent link to a reused PID', () => {
    const { w, platform } = setup();
    const parent = w.spawn({ exeFile: 'parent.exe' });
    const child = w.spawn({ exeFile: 'child.exe', ppid: parent.pid });
    const grandchild = w.spawn({ exeFile: 'gc.exe', ppid: child.pid });
    // Created before `parent`: its PPID names a process that died and whose PID was reused.
    w.spawn({ exeFile: 'orphan.exe', ppid: parent.pid, creation: parent.creation - 1n });
    // The console host of a console `child` created: it goes with the console, not on its own.
    w.spawn({ exeFile: 'conhost.exe', ppid: child.pid });
    expect(platform.descendants(parent.pid).map((m) => m.pid)).toEqual([child.pid, grandchild.pid]);
    expect(w.openHandles()).toEqual([]);
  });

  it("reads the families of many roots from one snapshot, each process's times once", () => {
    const { w, platform } = setup();
    const roots = Array.from({ length: 20 }, (_, i) => w.spawn({ exeFile: `root${i}.exe` }));
    const kids = roots.map((r, i) => w.spawn({ exeFile: `kid${i}.exe`, ppid: r.pid }));
    w.calls.length = 0;
    const families = platform.families!(
      roots.map((r) => r.pid),
      new Set(),
    );
    expect(roots.map((r) => families.get(r.pid)!.map((m) => m.pid))).toEqual(
      kids.map((k) => [k.pid]),
    );
    // One snapshot for the tree and its names: not one per root.
    expect(w.calls.filter((c) => c === 'CreateToolhelp32Snapshot')).toHaveLength(1);
    expect(w.openHandles()).toEqual([]);
  });

  it('describes many targets from one read of the processes, the windows and the services', async () => {
    const { w, platform } = setup();
    const apps = Array.from({ length: 20 }, (_, i) => w.spawn({ exeFile: `app${i}.exe` }));
    // Ids of their own: the recorded table's windows use the fake's default ids.
    for (const [i, a] of apps.entries())
      w.addWindow({
        id: 0x70000 + 2 * i,
        pid: a.pid,
        title: `App ${a.pid}`,
        visible: true,
        owned: false,
      });
    w.calls.length = 0;
    for (const a of apps) {
      const t = platform.open(a.pid, { startTime: Number(a.creation) });
      try {
        const facts = await platform.describe(t);
        expect(facts.name).toBe(a.exeFile);
        expect(facts.closableWindows).toEqual([expect.objectContaining({ title: `App ${a.pid}` })]);
      } finally {
        t.close();
      }
    }
    const count = (name: string) => w.calls.filter((c) => c.startsWith(name)).length;
    expect(count('CreateToolhelp32Snapshot')).toBe(1);
    expect(count('EnumWindows')).toBe(1);
    expect(count('OpenSCManagerW')).toBe(1);
    // SafeKill's own lineage walked once (it opens SafeKill, 264, first), not once per target.
    expect(count('OpenProcess(0x1000, 264)')).toBe(1);
    expect(w.openHandles()).toEqual([]);
  });

  it('reads the tables again for a process created since the last read, or after it aged', async () => {
    let mono = 0;
    const { w, platform } = setup({ sharedReadClock: { now: () => mono, wall: () => Date.now() } });
    const describe = async (pid: number, creation: bigint) => {
      const t = platform.open(pid, { startTime: Number(creation) });
      try {
        return await platform.describe(t);
      } finally {
        t.close();
      }
    };
    const old = w.spawn({ exeFile: 'old.exe' });
    await describe(old.pid, old.creation);
    // Its PID passes to a program started just now: the last read saw the old one there.
    w.exit(old.pid, 0);
    w.processes.delete(old.pid);
    const now = BigInt(filetimeOf(Date.now()));
    const fresh = w.spawn({ pid: old.pid, exeFile: 'fresh.exe', creation: now });
    w.calls.length = 0;
    expect((await describe(fresh.pid, fresh.creation)).name).toBe('fresh.exe');
    expect(w.calls.filter((c) => c === 'CreateToolhelp32Snapshot')).toHaveLength(1);
    // A read older than SHARED_READ_MS stands for nobody.
    const other = w.spawn({ exeFile: 'other.exe' });
    await describe(other.pid, other.creation);
    w.calls.length = 0;
    mono += SHARED_READ_MS;
    await describe(other.pid, other.creation);
    expect(w.calls.filter((c) => c === 'CreateToolhelp32Snapshot')).toHaveLength(1);
    expect(w.openHandles()).toEqual([]);
  });

  it('names the Windows service a PID runs as its supervisor; a program that runs none has none', async () => {
    const { w, platform } = setup();
    const overrides = { strategy: 'auto' as const, graceMs: 1000 };
    const svc = await planFor(164, overrides, platform); // plugplay.exe
    expect(svc.plan.supervisor).toMatchObject({
      kind: 'windows-service',
      who: 'Windows service PlugPlay (Plug and Play Service)',
      stop: {
        command: ['sc', 'stop', 'PlugPlay'],
        note: expect.stringContaining('recovery options'),
      },
    });
    expect(svc.plan.summary).toContain('supervised by Windows service PlugPlay');
    expect(w.calls).toContain('OpenSCManagerW+EnumServicesStatusExW(SC_ENUM_PROCESS_INFO)');
    const notepad = await planFor(256, overrides, platform);
    expect(notepad.plan.supervisor).toBeUndefined();
    expect(w.openHandles()).toEqual([]);
  });

  it('reports a child left running after its parent ended; nothing with --tree', async () => {
    const s = setup();
    const parent = s.w.spawn({ exeFile: 'parent.exe', subsystem: 2 });
    const child = s.w.spawn({ exeFile: 'child.exe', ppid: parent.pid, subsystem: 2 });
    const { result, events } = await kill(s, parent.pid, 200, 'terminate');
    expect(result).toMatchObject({ pid: parent.pid, outcome: 'force-killed' });
    expect(events.find((e) => e.type === 'survivors')).toMatchObject({
      pid: parent.pid,
      survivors: [
        {
          pid: child.pid,
          name: 'child.exe',
          relation: 'descendant',
          startTime: Number(child.creation),
        },
      ],
    });
    expect(s.w.processes.get(child.pid)?.exitCode).toBeUndefined();
    expect(s.w.openHandles()).toEqual([]);

    const t = setup();
    const p2 = t.w.spawn({ exeFile: 'parent.exe', subsystem: 2 });
    t.w.spawn({ exeFile: 'child.exe', ppid: p2.pid, subsystem: 2 });
    const events2: KillEvent[] = [];
    await killTargets(
      { pids: [p2.pid], overrides: { strategy: 'terminate', graceMs: 200 }, tree: true },
      { platform: t.platform, onEvent: (e) => events2.push(e), tickMs: 0 },
    );
    expect(events2.some((e) => e.type === 'survivors')).toBe(false);
    expect(t.w.openHandles()).toEqual([]);
  });

  it('reads the subsystem from a PE header and rejects what is not one', () => {
    const pe = Buffer.alloc(512);
    pe.write('MZ', 0, 'latin1');
    pe.writeUInt32LE(0x80, 0x3c);
    pe.write('PE\0\0', 0x80, 'latin1');
    pe.writeUInt16LE(0x20b, 0x80 + 24); // PE32+
    pe.writeUInt16LE(3, 0x80 + 24 + 68);
    expect(peSubsystem(pe)).toBe(3);
    pe.writeUInt16LE(0x10b, 0x80 + 24); // PE32: same offset
    pe.writeUInt16LE(2, 0x80 + 24 + 68);
    expect(peSubsystem(pe)).toBe(2);
    expect(peSubsystem(Buffer.from('#!/bin/sh\n'))).toBeUndefined();
    pe.writeUInt32LE(0x7fff_0000, 0x3c); // e_lfanew past the end
    expect(peSubsystem(pe)).toBeUndefined();
  });
});

describe('opening a Win32 target', () => {
  it('pins with SYNCHRONIZE | PROCESS_QUERY_LIMITED_INFORMATION and checks the creation time', () => {
    const { w, platform } = setup();
    const p = w.spawn({ exeFile: 'app.exe' });
    const t = platform.open(p.pid, { startTime: Number(p.creation) });
    expect(w.calls[0]).toBe(
      `OpenProcess(0x${(SYNCHRONIZE | PROCESS_QUERY_LIMITED_INFORMATION).toString(16)}, ${p.pid})`,
    );
    expect(t.startTime).toBe(Number(p.creation));
    expect(w.openHandles()).toEqual([`process:${p.pid}`]);
    t.close();
    expect(w.openHandles()).toEqual([]);
  });

  it('refuses a PID that now names another process, closing the handle', () => {
    const { w, platform } = setup();
    const p = w.spawn({ exeFile: 'app.exe' });
    expect(() => platform.open(p.pid, { startTime: Number(p.creation) + 10_000 })).toThrow(
      expect.objectContaining({ code: 'pid-reused' }),
    );
    expect(w.openHandles()).toEqual([]);
  });

  it('refuses a tree member whose parent is not the one the tree was read with', () => {
    const { w, platform } = setup();
    const parent = w.spawn({ exeFile: 'parent.exe' });
    const child = w.spawn({ exeFile: 'child.exe', ppid: parent.pid });
    const [member] = platform.descendants(parent.pid);
    expect(member).toEqual({
      pid: child.pid,
      ppid: parent.pid,
      startTime: Number(child.creation),
      name: 'child.exe',
    });
    expect(() =>
      platform.open(child.pid, { startTime: member!.startTime, ppid: parent.pid + 4 }),
    ).toThrow(expect.objectContaining({ code: 'pid-reused' }));
    platform.open(child.pid, member).close();
    expect(w.openHandles()).toEqual([]);
  });

  it('tells a missing PID from one it may not open (GetLastError is not trusted)', () => {
    const { w, platform } = setup();
    expect(() => platform.open(9999)).toThrow(expect.objectContaining({ code: 'not-found' }));
    const admin = w.spawn({ exeFile: 'elevated.exe', denied: true });
    let err: unknown;
    try {
      platform.open(admin.pid);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(SafeKillError);
    expect(err).toMatchObject({ code: 'permission-denied' });
    expect((err as Error).message).toMatch(/elevated\.exe.*run SafeKill as administrator/);
    // A critical process that may not be opened is reported as protected, not as a rights issue.
    const csrss = w.spawn({ exeFile: 'csrss.exe', denied: true });
    expect(() => platform.open(csrss.pid)).toThrow(
      /protected: csrss\.exe is a critical Windows process/,
    );
    expect(w.openHandles()).toEqual([]);
  });

  it('judges "SafeKill itself" by the PIDs it was given, not by the test runner\'s own', () => {
    const { w, platform } = setup();
    // The fake's PIDs may meet this runner's (they did, now and then): it is not SafeKill there.
    for (const pid of [process.pid, process.ppid]) {
      w.spawn({ pid, exeFile: 'elevated.exe', denied: true });
      expect(() => platform.open(pid)).toThrow(
        expect.objectContaining({ code: 'permission-denied' }),
      );
    }
  });
});

describe('the Windows ladder against the recorded fake', () => {
  it('closes a windowed program with WM_CLOSE, re-reading the owner right before posting', async () => {
    const s = setup();
    const notepad = s.w.processes.get(256)!;
    notepad.onClose = 0;
    const { result, events } = await kill(s, 256, 5000);
    expect(result).toMatchObject({
      outcome: 'exited',
      strategy: 'wm-close',
      exitCode: 0,
    });
    const plan = events.find((e) => e.type === 'plan');
    expect(plan?.type === 'plan' && plan.plan.steps.map((x) => x.strategy)).toEqual([
      'wm-close',
      'terminate',
    ]);
    const post = s.w.calls.indexOf('PostMessageW(0x1005e, 0x10)');
    expect(post).toBeGreaterThan(0);
    expect(s.w.calls[post - 1]).toBe('GetWindowThreadProcessId(0x1005e)');
    expect(s.w.calls.filter((c) => c.startsWith('TerminateProcess'))).toEqual([]);
    expect(s.w.openHandles()).toEqual([]);
  });

  it('ends every target even when the event callback throws at every event', async () => {
    const s = setup();
    s.w.processes.get(256)!.onClose = 'ignore'; // forced after its grace
    const other = s.w.spawn({ exeFile: 'other.exe', subsystem: 3, console: 3 });
    const spy = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      const results = await killTargets(
        { pids: [256, other.pid], overrides: { strategy: 'auto', graceMs: 300 } },
        {
          platform: s.platform,
          tickMs: 0,
          onEvent: () => {
            throw new Error('history write failed');
          },
        },
      );
      expect(results).toEqual([
        expect.objectContaining({ pid: 256, outcome: 'force-killed', strategy: 'terminate' }),
        expect.objectContaining({ pid: other.pid, outcome: 'terminated' }),
      ]);
      // Said once for the whole kill, not once per event.
      expect(spy).toHaveBeenCalledTimes(1);
      expect(String(spy.mock.calls[0]![0])).toMatch(/plan event failed \(history write failed\)/);
    } finally {
      spy.mockRestore();
    }
    expect(s.w.openHandles()).toEqual([]);
  });

  it('pauses while a "Save changes?" box is open: no TerminateProcess, left running', async () => {
    const s = setup();
    s.w.processes.get(256)!.onClose = 'ask';
    // The dialog wait (1.5 s) outlasts the grace (300 ms) five times over.
    const { result, events } = await kill(s, 256, 300, 'auto', { timeoutMs: 1500 });
    expect(
      events.filter((e) => e.type === 'notice').map((e) => e.type === 'notice' && e.message),
    ).toEqual(['the program is asking the user: "Notepad" (a new window opened after WM_CLOSE)']);
    expect(events.find((e) => e.type === 'waiting')).toMatchObject({ question: 'Notepad' });
    expect(events.some((e) => e.type === 'escalated')).toBe(false);
    expect(result).toMatchObject({ outcome: 'left-running', strategy: 'wm-close' });
    expect(s.w.calls.some((c) => c.startsWith('TerminateProcess'))).toBe(false);
    // The exit watcher lets go of the handle once its current wait returns.
    await expect.poll(() => s.w.openHandles(), { timeout: 3000 }).toEqual([]);
  });

  it('extends the grace while GetProcessIoCounters shows it writing, up to the maximum', async () => {
    const s = setup();
    const p = s.w.processes.get(256)!;
    p.onClose = 'ignore';
    p.ioBytes = 0n;
    const busy = setInterval(() => (p.ioBytes! += 1n << 20n), 20);
    try {
      const events: KillEvent[] = [];
      const [result] = await killTargets(
        { pids: [256], overrides: { strategy: 'auto', graceMs: 300 }, maxGraceMs: 900 },
        { platform: s.platform, onEvent: (e) => events.push(e), tickMs: 0 },
      );
      expect(events.filter((e) => e.type === 'extended')).toHaveLength(2);
      expect(result).toMatchObject({ outcome: 'force-killed', strategy: 'terminate' });
      expect(result!.reason).toMatch(/when the grace ran out it was still reading or writing/);
    } finally {
      clearInterval(busy);
    }
  });

  it('forced through the dialog, a program that was asking is forced-while-asking', async () => {
    const s = setup();
    s.w.processes.get(256)!.onClose = 'ask';
    const { result } = await kill(s, 256, 300, 'auto', { timeoutMs: 500, forceThrough: true });
    expect(result).toMatchObject({ outcome: 'forced-while-asking', strategy: 'terminate' });
  });

  it('leaves a window alone whose handle has passed to another process', () => {
    const s = setup();
    const windows = windowsOf(s.w.user32, 256);
    s.w.windows[0]!.pid = 999; // reused between enumeration and posting
    expect(postCloseToWindows(s.w.user32, 256, windows)).toEqual({
      posted: [],
      skipped: ['0x1005e'],
      refused: [],
    });
    expect(s.w.calls.some((c) => c.startsWith('PostMessageW'))).toBe(false);
  });

  it('fails with the administrator hint when UIPI blocks WM_CLOSE, without retrying', async () => {
    const s = setup();
    s.w.windows[0]!.refuses = true;
    const { result } = await kill(s, 256, 5000);
    expect(result).toMatchObject({
      outcome: 'failed',
      code: 'permission-denied',
      strategy: 'wm-close',
    });
    expect(result.reason).toMatch(/UIPI.*run SafeKill as administrator/);
    expect(s.w.calls.filter((c) => c.startsWith('PostMessageW'))).toHaveLength(1);
    expect(s.w.calls.filter((c) => c.startsWith('TerminateProcess'))).toEqual([]);
    expect(s.w.processes.get(256)?.exitCode).toBeUndefined();
  });

  it('sends Ctrl+C through the helper, names console siblings, and reports the exit code', async () => {
    const s = setup();
    const app = s.w.spawn({ exeFile: 'server.exe', subsystem: 3, console: 1, onCtrlC: 7 });
    const sibling = s.w.spawn({ exeFile: 'worker.exe', subsystem: 3, console: 1, onCtrlC: 0 });
    const { plan } = await planFor(app.pid, { strategy: 'auto' }, s.platform);
    expect(plan.steps.map((x) => x.strategy)).toEqual(['ctrl-c', 'ctrl-break', 'terminate']);
    expect(plan.alsoReaches).toEqual([sibling.pid]);
    s.w.calls.length = 0;
    const { result } = await kill(s, app.pid, 5000);
    expect(result).toMatchObject({ outcome: 'exited', strategy: 'ctrl-c', exitCode: 7 });
    const helperCalls = s.w.calls.filter((c) => /Console|GenerateConsoleCtrlEvent/.test(c));
    // describe() lists the console, then the Ctrl+C step sends.
    expect(helperCalls.slice(-6)).toEqual([
      'FreeConsole',
      `AttachConsole(${app.pid})`,
      'GetConsoleProcessList',
      'SetConsoleCtrlHandler(NULL, TRUE)',
      'GenerateConsoleCtrlEvent(CTRL_C, 0)',
      'FreeConsole',
    ]);
    expect(s.w.openHandles()).toEqual([]);
  });

  it('keeps the exit code of a program that exits before the helper has even returned', async () => {
    const s = setup();
    s.w.handlerDelayMs = 0;
    const app = s.w.spawn({ exeFile: 'quick.exe', subsystem: 3, console: 4, onCtrlC: 3 });
    const { result } = await kill(s, app.pid, 5000);
    expect(result).toMatchObject({ outcome: 'exited', strategy: 'ctrl-c', exitCode: 3 });
  });

  it('escalates to Ctrl+Break when Ctrl+C is ignored (a process cannot ignore Ctrl+Break)', async () => {
    const s = setup();
    const app = s.w.spawn({
      exeFile: 'app.exe',
      subsystem: 3,
      console: 2,
      onCtrlC: 'ignore',
      onCtrlBreak: 8,
    });
    const { result, events } = await kill(s, app.pid, 300);
    expect(result).toMatchObject({
      outcome: 'exited',
      strategy: 'ctrl-break',
      exitCode: 8,
    });
    expect(
      events.filter((e) => e.type === 'escalated').map((e) => e.type === 'escalated' && e.to),
    ).toEqual(['ctrl-break']);
  });

  it('terminates with exit code 1 when the console refuses Ctrl+Break (Wine 8)', async () => {
    const s = setup();
    s.w.ctrlBreakUnsupported = true;
    const app = s.w.spawn({ exeFile: 'app.exe', subsystem: 3, console: 3, onCtrlC: 'ignore' });
    const { result, events } = await kill(s, app.pid, 300);
    expect(result).toMatchObject({ outcome: 'force-killed', strategy: 'terminate', exitCode: 1 });
    const esc = events.filter((e) => e.type === 'escalated');
    expect(esc.map((e) => e.type === 'escalated' && e.reason)).toEqual([
      'still running after 300 ms of grace',
      'ctrl-break could not be used: the console refused ctrl-break (GenerateConsoleCtrlEvent failed)',
    ]);
    expect(s.w.calls).toContain(`TerminateProcess(${app.pid}, 1)`);
    expect(s.w.openHandles()).toEqual([]);
  });

  it('goes straight to TerminateProcess for a process with no window and no console', async () => {
    const s = setup();
    const bg = s.w.spawn({ exeFile: 'bg.exe', subsystem: 2 });
    const { result, events } = await kill(s, bg.pid, 5000);
    expect(result).toMatchObject({ outcome: 'force-killed', strategy: 'terminate', exitCode: 1 });
    expect(events.filter((e) => e.type === 'step')).toHaveLength(1);
  });

  it('refuses the critical Windows processes and SafeKill itself', async () => {
    const s = setup();
    for (const pid of [56, 264]) {
      const { result } = await kill(s, pid, 1000);
      expect(result).toMatchObject({ outcome: 'refused', code: 'protected' });
    }
    expect(s.w.calls.some((c) => c.startsWith('TerminateProcess'))).toBe(false);
    // The exit watcher lets go of the handle once its current wait returns.
    await expect.poll(() => s.w.openHandles(), { timeout: 3000 }).toEqual([]);
  });
});

describe('koffi declarations of the Win32 structs', () => {
  it('match the Windows SDK layouts on x64', () => {
    const t = win32Types();
    // <tlhelp32.h>: 568 bytes, the parent PID at 32, the image name at 44.
    expect(koffi.sizeof(t.PROCESSENTRY32W)).toBe(568);
    expect(koffi.offsetof(t.PROCESSENTRY32W, 'th32DefaultHeapID')).toBe(16);
    expect(koffi.offsetof(t.PROCESSENTRY32W, 'th32ParentProcessID')).toBe(32);
    expect(koffi.offsetof(t.PROCESSENTRY32W, 'szExeFile')).toBe(44);
    // <psapi.h>: two DWORDs, then eight SIZE_Ts.
    expect(koffi.sizeof(t.PROCESS_MEMORY_COUNTERS)).toBe(72);
    expect(koffi.offsetof(t.PROCESS_MEMORY_COUNTERS, 'WorkingSetSize')).toBe(16);
    expect(koffi.sizeof(t.FILETIME)).toBe(8);
    expect(win32Types()).toBe(t); // declared once: koffi refuses a second type of the same name
  });
});

describe('watching windows after WM_CLOSE', () => {
  it('reports each new window once, and windows gone while the process stays', () => {
    let st = startWindowWatch([{ id: '0x10' }]);
    let t = observeWindows(st, [{ id: '0x10', title: 'Doc' }], 0);
    expect(t.notices).toEqual([]);
    t = observeWindows(
      t.state,
      [
        { id: '0x10', title: 'Doc' },
        { id: '0x12', title: '' },
      ],
      100,
    );
    expect(t.notices).toEqual([
      'the program opened a new window (untitled, 0x12) after WM_CLOSE: it may be asking the user',
    ]);
    t = observeWindows(t.state, [{ id: '0x12', title: '' }], 200);
    expect(t.notices).toEqual([]);
    st = t.state;
    t = observeWindows(st, [], 300);
    expect(t.notices).toEqual(['the question was answered (its window closed)']);
    expect(t.dialog).toEqual({ kind: 'answered' });
    t = observeWindows(t.state, [], 300 + GONE_REPORT_MS - 1);
    expect(t.notices).toEqual([]);
    t = observeWindows(t.state, [], 300 + GONE_REPORT_MS);
    expect(t.notices).toEqual([
      'its windows are gone but the process is still running (in the tray or in the background)',
    ]);
    expect(observeWindows(t.state, [], 10_000).notices).toEqual([]);
  });
});

describe('HandleExitWatcher', () => {
  it('watches more handles than one wait can take, never passing more than 64, and closes all', async () => {
    const w = new FakeWin32();
    const watcher = new HandleExitWatcher(w.kernel32);
    const procs = Array.from({ length: 70 }, (_, i) => w.spawn({ exeFile: `p${i}.exe` }));
    const handles = procs.map((p) => w.kernel32.openProcess(SYNCHRONIZE, p.pid)!);
    const seen: number[] = [];
    await new Promise<void>((resolve) => {
      procs.forEach((p, i) =>
        watcher.watch(handles[i]!, () => {
          seen.push(p.pid);
          if (seen.length === procs.length) resolve();
        }),
      );
      // The last ones are beyond the first wait's 63 slots: the overflow sweep must find them.
      for (const p of [...procs].reverse()) w.exit(p.pid, 0);
    });
    expect(seen.sort((a, b) => a - b)).toEqual(procs.map((p) => p.pid));
    const sizes = w.calls
      .filter((c) => c.startsWith('WaitForMultipleObjects'))
      .map((c) => Number(/\((\d+)\)/.exec(c)![1]));
    expect(Math.max(...sizes)).toBeLessThanOrEqual(64);
    for (const h of handles) watcher.release(h);
    await new Promise((r) => setTimeout(r, 300));
    expect(w.openHandles()).toEqual([]);
  });
});

describe('console helper protocol', () => {
  it('parses its arguments strictly', () => {
    expect(parseHelperArgs(['ctrl-c', '42'])).toEqual({ mode: 'ctrl-c', pid: 42 });
    expect(parseHelperArgs(['ctrl-c', '0'])).toBeNull();
    expect(parseHelperArgs(['kill', '42'])).toBeNull();
    expect(parseHelperArgs(['list', '4x'])).toBeNull();
  });

  it('reads a helper that died of its own Ctrl+Break after reporting as "sent"', () => {
    const out = '{"attached":true,"consolePids":[40,44]}\n';
    expect(parseHelperOutput(out, STATUS_CONTROL_C_EXIT)).toEqual({
      attached: true,
      consolePids: [40, 44],
      sent: true,
    });
    expect(parseHelperOutput(out, 1)).toEqual({ attached: true, consolePids: [40, 44] });
    expect(parseHelperOutput('garbage', 0)).toBeNull();
  });

  it('reports no console for a process that has none, without sending anything', () => {
    const w = new FakeWin32();
    const gui = w.spawn({ exeFile: 'gui.exe' });
    const lines: string[] = [];
    const code = runHelper(
      w.consoleApi(HELPER_PID),
      'ctrl-c',
      gui.pid,
      (l) => lines.push(l),
      HELPER_PID,
    );
    expect(code).toBe(3);
    expect(lines).toEqual(['{"attached":false,"consolePids":[]}']);
    expect(w.calls.some((c) => c.startsWith('GenerateConsoleCtrlEvent'))).toBe(false);
  });
});

describe('the console helper lane', () => {
  it('runs one helper at a time, in order, and goes on after one fails', async () => {
    const lane = createLane();
    const log: string[] = [];
    let running = 0;
    const job = (name: string, ms: number, fail = false) =>
      lane(async () => {
        running++;
        log.push(`start ${name} (${running} running)`);
        await new Promise((r) => setTimeout(r, ms));
        running--;
        log.push(`end ${name}`);
        if (fail) throw new Error(`${name} failed`);
        return name;
      });
    const results = await Promise.allSettled([job('a', 30), job('b', 5, true), job('c', 1)]);
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value : String(r.reason)))).toEqual([
      'a',
      'Error: b failed',
      'c',
    ]);
    expect(log).toEqual([
      'start a (1 running)',
      'end a',
      'start b (1 running)',
      'end b',
      'start c (1 running)',
      'end c',
    ]);
  });
});
