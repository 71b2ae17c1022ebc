import type { Advapi32, Kernel32 } from './api';
import { PROCESS_QUERY_LIMITED_INFORMATION, PROCESS_TERMINATE } from './api';

/** A token's elevation (TokenElevation) and mandatory integrity level's RID (TokenIntegrityLevel). */
export interface TokenLevel {
  elevated: boolean;
  integrityRid: number;
}

export const INTEGRITY_MEDIUM = 0x2000;
export const INTEGRITY_HIGH = 0x3000;
export const INTEGRITY_SYSTEM = 0x4000;

export function integrityName(rid: number): string {
  if (rid >= INTEGRITY_SYSTEM) return 'System';
  if (rid >= INTEGRITY_HIGH) return 'High';
  if (rid >= INTEGRITY_MEDIUM) return 'Medium';
  return 'Low';
}

/**
 * Why ending `pid` from this (non-elevated) SafeKill will be denied, before anything is sent:
 * TerminateProcess needs PROCESS_TERMINATE, which an elevated process does not grant to a
 * lower integrity level, and User Interface Privilege Isolation drops a WM_CLOSE posted to a
 * window of a higher integrity level. Undefined when nothing stands in the way.
 */
export function elevationDenial(
  pid: number,
  self: TokenLevel | null,
  target: TokenLevel | null,
  canTerminate: boolean,
): string | undefined {
  const higher = !!self && !!target && target.integrityRid > self.integrityRid;
  const elevatedTarget = !!target?.elevated && !self?.elevated;
  if (!higher && !elevatedTarget && canTerminate) return undefined;
  const level = target
    ? `${integrityName(target.integrityRid)} integrity${target.elevated ? ', elevated' : ''}`
    : 'a token SafeKill cannot read';
  const mine = self ? `${integrityName(self.integrityRid)} integrity` : 'an unknown level';
  return `needs administrator: PID ${pid} runs at ${level} and SafeKill at ${mine}, so TerminateProcess${higher || elevatedTarget ? ' and WM_CLOSE (User Interface Privilege Isolation)' : ''} will be denied; use End as administrator (kill --elevate)`;
}

/** Reads both tokens and tries PROCESS_TERMINATE (closed again at once) to tell the plan. */
export function elevationFacts(k: Kernel32, a: Advapi32, pid: number): string | undefined {
  const self = a.processTokenLevel(null);
  let target: TokenLevel | null = null;
  const h = k.openProcess(PROCESS_QUERY_LIMITED_INFORMATION, pid);
  if (h) {
    try {
      target = a.processTokenLevel(h);
    } finally {
      k.closeHandle(h);
    }
  }
  const t = k.openProcess(PROCESS_TERMINATE, pid);
  if (t) k.closeHandle(t);
  return elevationDenial(pid, self, target, t !== null);
}
