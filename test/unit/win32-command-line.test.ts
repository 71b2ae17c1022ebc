// The real command line on Windows (issue 15): the PEB's, through NtQueryInformationProcess
// (ProcessCommandLineInformation), against the recorded Win32 fake; the image path stands in
// where it may not be read, and the row says the command line was denied.
import { describe, expect, it } from 'vitest';
import { commandLineFromAnswer } from '../../src-main/platform/win32/ntdll';
import { createWin32Platform } from '../../src-main/platform/win32/win32-platform';
import { FakeWin32 } from './win32-fake';

/** The answer as NtQueryInformationProcess writes it: UNICODE_STRING, then the characters. */
function answer(text: string, pointerBytes: 4 | 8): Buffer {
  const chars = Buffer.from(text, 'utf16le');
  const b = Buffer.alloc(2 * pointerBytes + chars.length + 2);
  b.writeUInt16LE(chars.length, 0);
  b.writeUInt16LE(chars.length + 2, 2);
  b.fill(0xaa, 4, 2 * pointerBytes); // padding and the pointer: never read as text
  chars.copy(b, 2 * pointerBytes);
  return b;
}

describe('reading ProcessCommandLineInformation', () => {
  const line = '"C:\\Program Files\\App\\app.exe" --profile "a b" ünï';

  it('takes the characters after the UNICODE_STRING, 64-bit and 32-bit', () => {
    expect(commandLineFromAnswer(answer(line, 8), 8)).toBe(line);
    expect(commandLineFromAnswer(answer(line, 4), 4)).toBe(line);
    expect(commandLineFromAnswer(answer('', 8), 8)).toBe('');
  });

  it('a truncated or odd answer is no command line, not garbage', () => {
    expect(commandLineFromAnswer(answer(line, 8).subarray(0, 20), 8)).toBeNull();
    expect(commandLineFromAnswer(Buffer.alloc(6), 8)).toBeNull();
    const odd = answer(line, 8);
    odd.writeUInt16LE(3, 0);
    expect(commandLineFromAnswer(odd, 8)).toBeNull();
  });
});

describe('the command line column on Windows', () => {
  function rows() {
    const w = new FakeWin32();
    w.processes.get(76)!.commandLine = 'C:\\windows\\system32\\explorer.exe /desktop';
    w.processes.get(68)!.commandLineUnanswered = true;
    const platform = createWin32Platform({
      k: w.kernel32,
      u: w.user32,
      a: w.advapi32,
      n: w.ntdll,
      consoleHelper: () => Promise.reject(new Error('no console here')),
      subsystem: () => 2,
    });
    return platform.rowReader(() => 0).read();
  }

  it('shows the real command line where it may be read', () => {
    const row = rows().find((r) => r.pid === 76)!;
    expect(row.cmdline).toBe('C:\\windows\\system32\\explorer.exe /desktop');
    expect(row.accessDenied ?? []).not.toContain('cmdline');
  });

  it('shows the image path, denied nothing, where the system does not answer (Wine 8)', () => {
    const row = rows().find((r) => r.pid === 68)!;
    expect(row.cmdline).toMatch(/\.exe$/);
    expect(row.accessDenied ?? []).not.toContain('cmdline');
  });

  it('falls back to the image path when it is denied, and says so', () => {
    const row = rows().find((r) => r.pid === 56)!;
    expect(row.cmdline).toBe('C:\\windows\\system32\\services.exe');
    expect(row.accessDenied).toContain('cmdline');
  });
});
