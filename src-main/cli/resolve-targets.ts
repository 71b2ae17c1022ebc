import { SafeKillError } from '../../src-shared/errors';
import { findByName, findByPort, type FoundProcess } from '../platform/find-targets';
import { UsageError, parseTarget } from './args';

export interface CliTarget {
  pid: number;
  startTime?: number;
  /** Found by a name or a port, not named by its PID. */
  found?: true;
}

/** What a kill argument names: a PID (`1234`, `1234@START`), a port (`:8080`) or a name. */
export function targetKind(text: string): 'pid' | 'port' | 'name' {
  if (/^\d+(@.*)?$/.test(text)) return 'pid';
  if (text.startsWith(':')) return 'port';
  return 'name';
}

export function parsePort(text: string): number {
  const port = /^:\d+$/.test(text) ? Number(text.slice(1)) : NaN;
  if (!(port >= 1 && port <= 65535))
    throw new UsageError(
      `bad port "${text}": write a colon and a port from 1 to 65535, e.g. :8080`,
    );
  return port;
}

export interface Finders {
  byName: (name: string) => FoundProcess[];
  byPort: (port: number) => { found: FoundProcess[]; unreadable: number };
}

const realFinders: Finders = { byName: findByName, byPort: findByPort };

/**
 * Turns kill's arguments into targets. A name or a port that finds several processes names them
 * and needs `--all`; one that finds none is an error. Found processes carry their start time, so
 * a PID reused between finding and pinning is refused, never signalled.
 */
export function resolveTargets(
  args: readonly string[],
  all: boolean,
  finders: Finders = realFinders,
): CliTarget[] {
  const out: CliTarget[] = [];
  for (const arg of args) {
    const kind = targetKind(arg);
    if (kind === 'pid') {
      out.push(parseTarget(arg));
      continue;
    }
    let found: FoundProcess[];
    let what: string;
    let hint = '';
    if (kind === 'port') {
      const port = parsePort(arg);
      const r = finders.byPort(port);
      found = r.found;
      what = `listening on port ${port}`;
      if (r.unreadable > 0)
        hint = ` (${r.unreadable} processes of other users could not be looked at; run as root to see them)`;
    } else {
      found = finders.byName(arg);
      what = `named "${arg}"`;
    }
    if (found.length === 0) throw new SafeKillError('not-found', `no process ${what}${hint}`);
    if (found.length > 1 && !all) {
      const list = found.map((f) => `  ${String(f.pid).padStart(7)}  ${f.cmdline || f.name}`);
      throw new UsageError(
        `${found.length} processes ${what}; give their PIDs, or --all to end them all:\n${list.join('\n')}`,
      );
    }
    for (const f of found) out.push({ pid: f.pid, startTime: f.startTime, found: true });
  }
  return out;
}
