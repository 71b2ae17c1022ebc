import { readProcFile } from './proc-file';
import fs from 'node:fs';
import type { SignalDispositions } from '../../../src-shared/kill';
import { signalName } from '../../../src-shared/signals';

/** The fields of /proc/PID/status that planning uses. */
export interface ProcStatus {
  /** The state letter: T is stopped by a signal, t is stopped by a tracer. */
  state: string;
  /** The PID of the process tracing this one (ptrace: a debugger, strace), 0 when none. */
  tracerPid: number;
  /** Signal masks as bit sets (bit n-1 is signal n). */
  sigBlk: bigint;
  sigIgn: bigint;
  sigCgt: bigint;
  /** Threads in the process when it was read (0 when the field is missing). */
  threads: number;
}

/** Parses /proc/PID/status; undefined when the fields SafeKill needs are missing. */
export function parseStatus(text: string): ProcStatus | undefined {
  const field = (key: string) => {
    const at = text.indexOf(`\n${key}:`);
    if (at < 0) return undefined;
    const end = text.indexOf('\n', at + 1);
    return text.slice(at + key.length + 2, end < 0 ? undefined : end).trim();
  };
  const [state, blk, ign, cgt] = [
    field('State'),
    field('SigBlk'),
    field('SigIgn'),
    field('SigCgt'),
  ];
  if (state === undefined || blk === undefined || ign === undefined || cgt === undefined)
    return undefined;
  try {
    return {
      state: state.charAt(0),
      tracerPid: Number(field('TracerPid') ?? 0) || 0,
      threads: Number(field('Threads') ?? 0) || 0,
      sigBlk: BigInt(`0x${blk}`),
      sigIgn: BigInt(`0x${ign}`),
      sigCgt: BigInt(`0x${cgt}`),
    };
  } catch {
    return undefined;
  }
}

export function readStatus(pid: number | string): ProcStatus | undefined {
  const text = readProcFile(`/proc/${pid}/status`);
  return text === undefined ? undefined : parseStatus(text);
}

/** Masks named so far: most processes share a few (300 bash targets have three between them). */
const named = new Map<bigint, readonly string[]>();

/** Names of the signals set in a mask, lowest first (one shared array per mask: do not change it). */
export function maskSignals(mask: bigint): readonly string[] {
  let names = named.get(mask);
  if (!names) {
    if (named.size >= 256) named.clear();
    named.set(mask, (names = Object.freeze(nameMask(mask))));
  }
  return names;
}

function nameMask(mask: bigint): string[] {
  const names: string[] = [];
  if (mask === 0n) return names;
  // In two 32-bit halves: 64 BigInt shifts per mask, three masks per target, add up at 300.
  const halves = [Number(mask & 0xffffffffn), Number((mask >> 32n) & 0xffffffffn)];
  for (let n = 1; n <= 64; n++)
    if ((halves[(n - 1) >> 5]! >>> ((n - 1) % 32)) & 1) names.push(signalName(n));
  return names;
}

/**
 * What a process does with signals. Handlers and SIG_IGN are shared by all its threads, but the
 * blocked mask is per thread and the kernel hands a signal to any thread that does not block it:
 * a signal counts as blocked only when every thread blocks it. The other threads are read only
 * when the main one blocks something (most programs block nothing) and there are others (a
 * shell waiting for its child blocks SIGCHLD, alone); a thread made after the read inherits its
 * maker's mask.
 */
export function readDispositions(pid: number, status: ProcStatus): SignalDispositions {
  let blocked = status.sigBlk;
  if (blocked !== 0n && status.threads !== 1) {
    try {
      for (const tid of fs.readdirSync(`/proc/${pid}/task`)) {
        if (blocked === 0n) break;
        const t = readStatus(`${pid}/task/${tid}`);
        if (t) blocked &= t.sigBlk;
      }
    } catch {
      // Threads unreadable: the main thread's mask is the best there is.
    }
  }
  return {
    caught: maskSignals(status.sigCgt).slice(),
    ignored: maskSignals(status.sigIgn).slice(),
    blocked: maskSignals(blocked).slice(),
  };
}
