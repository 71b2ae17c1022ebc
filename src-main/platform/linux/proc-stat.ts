import { readProcFile } from './proc-file';

export type ProcState =
  'running' | 'sleeping' | 'disk-sleep' | 'zombie' | 'stopped' | 'dead' | 'idle' | 'other';

/** The fields of /proc/PID/stat that SafeKill uses. */
export interface ProcStat {
  pid: number;
  comm: string;
  state: ProcState;
  stateChar: string;
  ppid: number;
  pgrp: number;
  session: number;
  /** Controlling terminal (0 = none). */
  ttyNr: number;
  flags: number;
  utime: number;
  stime: number;
  /** Clock ticks after boot: with the PID, it names one process for the life of the system. */
  startTime: number;
  rssPages: number;
  /** waitpid(2)-style status; meaningful only once the process is a zombie. */
  exitCode: number;
}

export const PF_KTHREAD = 0x00200000;

/** The state letter of /proc/PID/stat, in words. */
export const STATES: Record<string, ProcState> = {
  R: 'running',
  S: 'sleeping',
  D: 'disk-sleep',
  Z: 'zombie',
  T: 'stopped',
  t: 'stopped',
  X: 'dead',
  x: 'dead',
  I: 'idle',
};

/** Parses /proc/PID/stat. The command name may hold spaces and parentheses: split after the last ')'. */
export function parseStat(text: string): ProcStat | undefined {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < open) return undefined;
  const f = text.slice(close + 2).split(' ');
  if (f.length < 20) return undefined;
  const n = (i: number) => Number(f[i] ?? 0);
  const stateChar = f[0] ?? '?';
  return {
    pid: Number(text.slice(0, open).trim()),
    comm: text.slice(open + 1, close),
    stateChar,
    state: STATES[stateChar] ?? 'other',
    ppid: n(1),
    pgrp: n(2),
    session: n(3),
    ttyNr: n(4),
    flags: n(6),
    utime: n(11),
    stime: n(12),
    startTime: n(19),
    rssPages: n(21),
    exitCode: n(49),
  };
}

/** Reads and parses /proc/PID/stat; undefined when the process is gone (or never was). */
export function readStat(pid: number): ProcStat | undefined {
  const text = readProcFile(`/proc/${pid}/stat`);
  return text === undefined ? undefined : parseStat(text);
}

/** Decodes a waitpid status into an exit code or a signal number. */
export function decodeWaitStatus(status: number): { exitCode?: number; signal?: number } {
  const sig = status & 0x7f;
  if (sig === 0) return { exitCode: (status >> 8) & 0xff };
  return { signal: sig };
}
