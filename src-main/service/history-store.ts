import fs from 'node:fs';
import path from 'node:path';
import type { HistoryEntry } from '../../src-shared/api';

/** Past ends, newest first, kept in one JSON file that is replaced atomically on every change. */
export interface HistoryStore {
  readonly path: string;
  list(): HistoryEntry[];
  add(entries: HistoryEntry[]): void;
}

export const HISTORY_LIMIT = 500;

function isEntry(x: unknown): x is HistoryEntry {
  if (typeof x !== 'object' || x === null) return false;
  const e = x as Record<string, unknown>;
  return (
    typeof e.pid === 'number' &&
    typeof e.outcome === 'string' &&
    typeof e.killId === 'string' &&
    typeof e.finishedAt === 'number'
  );
}

function load(file: string): HistoryEntry[] {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  try {
    const data: unknown = JSON.parse(text);
    return Array.isArray(data) ? data.filter(isEntry) : [];
  } catch {
    // Keep the unreadable file for a person to look at rather than overwrite it silently.
    fs.renameSync(file, `${file}.corrupt-${Date.now()}`);
    return [];
  }
}

/**
 * Writes to a temporary file in the same folder, flushes it, then renames it over the old one:
 * a crash at any moment leaves either the old history or the new one, never half of either.
 */
export function writeAtomically(file: string, text: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  const fd = fs.openSync(tmp, 'w', 0o600);
  try {
    fs.writeSync(fd, text);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, file);
}

export function createHistoryStore(file: string, limit = HISTORY_LIMIT): HistoryStore {
  let entries = load(file);
  return {
    path: file,
    list: () => entries.slice(),
    add(added) {
      if (added.length === 0) return;
      entries = [...added.slice().reverse(), ...entries].slice(0, limit);
      writeAtomically(file, JSON.stringify(entries, null, 1) + '\n');
    },
  };
}
