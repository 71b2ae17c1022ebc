import fs from 'node:fs';
import path from 'node:path';
import { describeIssues, historyEntrySchema, type HistoryEntry } from '../../src-shared/api';

/** A history file larger than this is not one SafeKill wrote (1,000 entries take ~400 kB). */
export const MAX_HISTORY_FILE_BYTES = 64 * 1024 * 1024;

export interface LoadedHistory {
  /** Valid entries, newest first, at most `limit`. */
  entries: HistoryEntry[];
  /** What was found and done about it, for people (said once, at start). */
  notice?: string;
  /**
   * Why the file is not to be written this session: it could not be read, or it is damaged and
   * could not be kept aside. The file is left exactly as it is.
   */
  readOnly?: string;
  /** The file on disk no longer matches `entries` (it was kept aside) and is to be written. */
  rewrite: boolean;
}

const WORDS: Record<string, string> = {
  ENOSPC: 'the disk is full',
  EDQUOT: 'the disk quota is used up',
  EROFS: 'the file system is read-only',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EMFILE: 'SafeKill has too many files open',
  ENFILE: 'the system has too many files open',
  EISDIR: 'a folder is in its place',
  ENOTDIR: 'a file is in the place of one of its folders',
  ENOTEMPTY: 'a folder is in its place',
  EIO: 'the disk reported an input/output error',
};

/** A file-system error in plain words, with its code: "the disk is full (ENOSPC)". */
export function describeFsError(e: unknown): string {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  if (code && WORDS[code]) return `${WORDS[code]} (${code})`;
  return e instanceof Error ? e.message : String(e);
}

/**
 * Reads the history at start. Never throws: a file that cannot be read is left alone (and not
 * written this session); a damaged one (not JSON, not a list, entries of the wrong shape, more
 * entries than are kept) is renamed aside as `<file>.bad-<time>` (or `.old-<time>` when it only
 * held too many) before anything replaces it, and what was valid in it is kept.
 */
export function loadHistory(file: string, limit: number, now: () => number): LoadedHistory {
  let text = '';
  let tooLarge = false;
  try {
    const fd = fs.openSync(file, 'r');
    try {
      const st = fs.fstatSync(fd);
      if (!st.isFile()) {
        return {
          entries: [],
          rewrite: false,
          readOnly: `${file} is not a file (a folder is in its place): it is left as it is, and the history is not saved this session`,
        };
      }
      if (st.size > MAX_HISTORY_FILE_BYTES) tooLarge = true;
      else text = fs.readFileSync(fd, 'utf8');
    } finally {
      fs.closeSync(fd);
    }
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { entries: [], rewrite: false };
    return {
      entries: [],
      rewrite: false,
      readOnly: `could not read ${file}: ${describeFsError(e)}; it is left as it is, and the history is not saved this session`,
    };
  }
  if (tooLarge) {
    const why = `it is larger than ${MAX_HISTORY_FILE_BYTES >> 20} MB`;
    return damaged(file, limit, now(), why, [], 0);
  }

  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return damaged(file, limit, now(), 'it is not valid JSON', [], 0);
  }
  if (!Array.isArray(data))
    return damaged(file, limit, now(), 'it does not hold a list of entries', [], 0);

  const valid: HistoryEntry[] = [];
  let firstProblem: string | undefined;
  for (const [i, item] of data.entries()) {
    const r = historyEntrySchema.safeParse(item);
    if (r.success) valid.push(r.data);
    else firstProblem ??= `entry ${i + 1}: ${describeIssues(r.error)}`;
  }
  const invalid = data.length - valid.length;
  // SafeKill writes newest first; a file from elsewhere may not be in order.
  valid.sort((a, b) => b.finishedAt - a.finishedAt);
  if (invalid === 0 && valid.length <= limit) return { entries: valid, rewrite: false };
  const why =
    invalid > 0
      ? `${invalid} of its ${data.length} entries are not valid (the first, ${firstProblem})`
      : `it holds ${data.length} entries, more than the ${limit} kept`;
  return damaged(file, limit, now(), why, valid, invalid);
}

/** Keeps a damaged file aside (renamed, so nothing is copied and no space is needed). */
function damaged(
  file: string,
  limit: number,
  at: number,
  why: string,
  kept: HistoryEntry[],
  invalidCount: number,
): LoadedHistory {
  const name = path.basename(file);
  const entries = kept.slice(0, limit);
  const dropped = kept.length - entries.length;
  const what = invalidCount > 0 || kept.length === 0 ? 'bad' : 'old';
  const saved =
    entries.length > 0
      ? `${entries.length} entr${entries.length === 1 ? 'y is' : 'ies are'} kept${dropped > 0 ? ` (the most recent)` : ''}`
      : 'the history starts empty';
  let backup: string;
  try {
    backup = keepAside(file, what, at);
  } catch (e) {
    return {
      entries,
      rewrite: false,
      readOnly: `${name} cannot be used as it is (${why}) and could not be kept aside: ${describeFsError(e)}; it is left as it is, and the history is not saved this session`,
    };
  }
  return {
    entries,
    rewrite: true,
    notice: `${name} could not be used as it was (${why}): the whole file was kept as ${path.basename(backup)}, and ${saved}`,
  };
}

/** Renames the file to `<file>.<what>-<time>` (never over another file); answers the new name. */
export function keepAside(file: string, what: string, at: number): string {
  for (let n = 0; ; n++) {
    const backup = `${file}.${what}-${at}${n ? `-${n}` : ''}`;
    if (fs.existsSync(backup)) continue;
    fs.renameSync(file, backup);
    return backup;
  }
}
