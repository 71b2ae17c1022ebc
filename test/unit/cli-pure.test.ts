import { describe, expect, it } from 'vitest';
import { parseGrace, parsePid, parseStrategy } from '../../src-main/cli/args';
import { exitStatus } from '../../src-main/cli/exit-status';
import { formatRow } from '../../src-main/cli/render-terminal';
import { decodeWaitStatus, parseStat } from '../../src-main/platform/linux/proc-stat';
import type { KillResult, Outcome } from '../../src-shared/kill';

const r = (outcome: Outcome): KillResult => ({ pid: 1, outcome, elapsedMs: 0, reason: '' });

describe('exit status', () => {
  it.each([
    [['exited', 'force-killed'], 0],
    [['exited', 'not-found'], 1],
    [['refused', 'failed'], 1],
    [['refused', 'force-killed'], 3],
    [['cancelled'], 130],
    [[], 0],
  ] as [Outcome[], number][])('%j → %i', (outcomes, code) => {
    expect(exitStatus(outcomes.map(r))).toBe(code);
  });
});

describe('argument parsing', () => {
  it('parses PIDs strictly', () => {
    expect(parsePid('42')).toBe(42);
    for (const bad of ['0', '-1', '1e3', '', ' 4', '99999999999'])
      expect(() => parsePid(bad)).toThrow(/bad PID/);
  });
  it('accepts strategy names with or without the signal: prefix, per platform', () => {
    expect(parseStrategy(undefined, 'linux')).toBe('auto');
    expect(parseStrategy('SIGINT', 'linux')).toBe('signal:SIGINT');
    expect(parseStrategy('wm-close', 'win32')).toBe('wm-close');
    expect(() => parseStrategy('wm-close', 'linux')).toThrow(/unknown strategy/);
  });
  it('parses grace as whole milliseconds', () => {
    expect(parseGrace('0')).toBe(0);
    expect(parseGrace(undefined)).toBeUndefined();
    expect(() => parseGrace('1.5')).toThrow(/bad grace/);
    expect(() => parseGrace('999999999999')).toThrow(/at most/);
  });
});

describe('/proc/PID/stat parsing', () => {
  it('copes with spaces and parentheses in the command name', () => {
    // Fields 3..52 of proc(5), numbered as the man page numbers them.
    const fields = Array.from({ length: 50 }, () => '0');
    const set = (n: number, v: string) => (fields[n - 3] = v);
    set(3, 'S');
    set(4, '1');
    set(7, '34816');
    set(14, '7');
    set(15, '3');
    set(22, '987654');
    set(24, '250');
    set(52, '256');
    const text = `1234 (my (weird) prog) ${fields.join(' ')}`;
    expect(parseStat(text)).toMatchObject({
      pid: 1234,
      comm: 'my (weird) prog',
      state: 'sleeping',
      ppid: 1,
      ttyNr: 34816,
      utime: 7,
      stime: 3,
      startTime: 987654,
      rssPages: 250,
      exitCode: 256,
    });
  });
  it('decodes wait statuses', () => {
    expect(decodeWaitStatus(7 << 8)).toEqual({ exitCode: 7 });
    expect(decodeWaitStatus(9)).toEqual({ signal: 9 });
  });
});

describe('terminal countdown line', () => {
  it('shows strategy, a bar and seconds to a tenth', () => {
    const line = formatRow({
      pid: 12,
      name: 'editor',
      strategy: 'signal:SIGTERM',
      graceMs: 5000,
      remainingMs: 2500,
    });
    expect(line).toMatch(/12 editor\s+signal:SIGTERM\s+█{10}░{10} 2\.5 s left/);
  });
});

describe('descendant order', () => {
  it('is breadth first: every parent before its children', async () => {
    const { descendantsOf } = await import('../../src-main/engine/descendants');
    const children = new Map([
      [1, [2, 3]],
      [2, [4]],
      [3, [5, 6]],
      [4, [7]],
    ]);
    expect(descendantsOf(1, children)).toEqual([2, 3, 4, 5, 6, 7]);
    expect(descendantsOf(3, children)).toEqual([5, 6]);
    expect(descendantsOf(7, children)).toEqual([]);
  });
});
