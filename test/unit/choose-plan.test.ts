import { describe, expect, it } from 'vitest';
import { choosePlan } from '../../src-main/engine/choose-plan';
import { protectionReason } from '../../src-main/engine/protection';
import type { TargetFacts } from '../../src-shared/process';

const linux: TargetFacts = { pid: 100, platform: 'linux', name: 'app' };
const win: TargetFacts = { pid: 200, platform: 'win32', name: 'app.exe' };
const strategies = (facts: TargetFacts, strategy = 'auto' as const, graceMs?: number) =>
  choosePlan(facts, { strategy, graceMs }, 'm').steps.map((s) => `${s.strategy}/${s.graceMs}`);

describe('choosePlan (pure)', () => {
  it('Linux without windows: SIGTERM, then SIGKILL, with the default grace', () => {
    expect(strategies(linux)).toEqual(['signal:SIGTERM/5000', 'signal:SIGKILL/3000']);
  });

  it('Linux with closable windows: close request, SIGTERM, SIGKILL; the reason names the windows', () => {
    const plan = choosePlan(
      {
        ...linux,
        display: { kind: 'x11', detail: ':0' },
        closableWindows: [
          { id: '1', title: 'notes.txt' },
          { id: '2', title: 'b' },
        ],
      },
      { strategy: 'auto', graceMs: 2000 },
      'm',
    );
    expect(plan.steps.map((s) => s.strategy)).toEqual([
      'x11-close',
      'signal:SIGTERM',
      'signal:SIGKILL',
    ]);
    expect(plan.steps[0]!.reason).toMatch(/2 windows accept WM_DELETE_WINDOW \("notes.txt", "b"\)/);
    expect(plan.steps[1]!.graceMs).toBe(2000);
  });

  it('says why signals are used when there is no display', () => {
    const plan = choosePlan(
      { ...linux, display: { kind: 'none', detail: 'no X11 display (DISPLAY is not set)' } },
      { strategy: 'auto' },
      'm',
    );
    expect(plan.summary).toMatch(/DISPLAY is not set/);
  });

  it('an override replaces the polite step; the forced end still follows', () => {
    expect(strategies(linux, 'signal:SIGINT' as never, 100)).toEqual([
      'signal:SIGINT/100',
      'signal:SIGKILL/3000',
    ]);
    expect(strategies(linux, 'signal:SIGKILL' as never)).toEqual(['signal:SIGKILL/3000']);
  });

  it('rejects strategies of the other platform and impossible ones with typed errors', () => {
    expect(() => choosePlan(linux, { strategy: 'wm-close' }, 'm')).toThrow(
      expect.objectContaining({ code: 'bad-input' }),
    );
    expect(() => choosePlan(linux, { strategy: 'x11-close' }, 'm')).toThrow(
      expect.objectContaining({ code: 'unsupported' }),
    );
    expect(() => choosePlan(win, { strategy: 'ctrl-c' }, 'm')).toThrow(
      expect.objectContaining({ code: 'unsupported' }),
    );
  });

  it.each([-1, 1.5, Number.NaN, 10 ** 12])('rejects grace %s', (g) => {
    expect(() => choosePlan(linux, { strategy: 'auto', graceMs: g }, 'm')).toThrow(
      expect.objectContaining({ code: 'bad-input' }),
    );
  });

  it('Windows: WM_CLOSE for windowed programs, Ctrl+C then Ctrl+Break for console ones, else terminate', () => {
    expect(strategies({ ...win, closableWindows: [{ id: '0x1', title: 'Notepad' }] })).toEqual([
      'wm-close/5000',
      'terminate/3000',
    ]);
    const console = choosePlan(
      { ...win, isConsole: true, consolePids: [200, 201, 202] },
      { strategy: 'auto' },
      'm',
    );
    expect(console.steps.map((s) => s.strategy)).toEqual(['ctrl-c', 'ctrl-break', 'terminate']);
    expect(console.alsoReaches).toEqual([201, 202]);
    expect(strategies(win)).toEqual(['terminate/3000']);
  });
});

describe('protectionReason (pure)', () => {
  const base = { platform: 'linux' as const, name: 'x', selfPid: 500, parentPid: 400 };
  it.each([
    [0, /not a program/],
    [1, /init/],
    [500, /SafeKill itself/],
    [400, /parent/],
  ])('protects PID %i', (pid, why) => {
    expect(protectionReason({ ...base, pid })).toMatch(why);
  });
  it('protects kernel threads and critical Windows processes', () => {
    expect(protectionReason({ ...base, pid: 2, isKernelThread: true })).toMatch(/kernel thread/);
    expect(protectionReason({ ...base, platform: 'win32', pid: 600, name: 'CSRSS.EXE' })).toMatch(
      /critical Windows/,
    );
    expect(protectionReason({ ...base, platform: 'win32', pid: 4, name: 'System' })).toMatch(
      /critical/,
    );
  });
  it('leaves ordinary processes alone', () => {
    expect(protectionReason({ ...base, pid: 1234 })).toBeUndefined();
    expect(
      protectionReason({ ...base, platform: 'win32', pid: 1234, name: 'notepad.exe' }),
    ).toBeUndefined();
  });
});
