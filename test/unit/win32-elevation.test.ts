// The elevation and integrity checks against the recorded Win32 fake: the plan says, before
// anything is sent, that TerminateProcess and WM_CLOSE (UIPI) will be denied for an elevated
// target, and nothing is said for a process at SafeKill's own level.
import { describe, expect, it } from 'vitest';
import { choosePlan } from '../../src-main/engine/choose-plan';
import { createWin32Platform } from '../../src-main/platform/win32/win32-platform';
import {
  elevationDenial,
  INTEGRITY_HIGH,
  INTEGRITY_MEDIUM,
} from '../../src-main/platform/win32/elevation';
import { FakeWin32 } from './win32-fake';

function setup() {
  const w = new FakeWin32();
  const platform = createWin32Platform({
    k: w.kernel32,
    u: w.user32,
    a: w.advapi32,
    consoleHelper: () => Promise.reject(new Error('no console here')),
    subsystem: () => 2,
    selfPid: 264,
    parentPid: 32,
  });
  return { w, platform };
}

async function planOf(s: ReturnType<typeof setup>, pid: number) {
  const target = s.platform.open(pid);
  try {
    const facts = await s.platform.describe(target);
    return choosePlan(facts, { strategy: 'auto' }, 'handle');
  } finally {
    target.close();
  }
}

describe('Windows: an elevated target, seen from a normal SafeKill', () => {
  it('the plan says TerminateProcess and WM_CLOSE will be denied, before anything is sent', async () => {
    const s = setup();
    const p = s.w.spawn({
      exeFile: 'admin-tool.exe',
      elevated: true,
      integrityRid: INTEGRITY_HIGH,
      terminateDenied: true,
    });
    s.w.addWindow({ pid: p.pid, visible: true, owned: false, title: 'Admin tool' });
    const plan = await planOf(s, p.pid);
    expect(plan.needsElevation).toMatch(/High integrity, elevated.*SafeKill at Medium integrity/);
    expect(plan.needsElevation).toMatch(
      /TerminateProcess and WM_CLOSE \(User Interface Privilege Isolation\) will be denied/,
    );
    expect(s.w.calls).toContain('GetTokenInformation(TokenElevation, TokenIntegrityLevel)');
    expect(s.w.calls.some((c) => c.startsWith('PostMessage'))).toBe(false);
    expect(p.exitCode).toBeUndefined();
  });

  it('a process at SafeKill\u2019s own level needs nothing', async () => {
    const s = setup();
    const p = s.w.spawn({ exeFile: 'notepad.exe' });
    expect((await planOf(s, p.pid)).needsElevation).toBeUndefined();
  });

  it('an elevated SafeKill can end an elevated target', () => {
    const high = { elevated: true, integrityRid: INTEGRITY_HIGH };
    expect(elevationDenial(1, high, high, true)).toBeUndefined();
    expect(
      elevationDenial(1, { elevated: false, integrityRid: INTEGRITY_MEDIUM }, high, true),
    ).toMatch(/needs administrator/);
    // A token that cannot be read, and PROCESS_TERMINATE refused: still said.
    expect(elevationDenial(1, null, null, false)).toMatch(/TerminateProcess will be denied/);
  });
});
