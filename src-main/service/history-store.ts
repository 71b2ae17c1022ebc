import {
  HISTORY_LIST_LIMIT,
  HISTORY_TEXT_LIMITS,
  type HistoryEntry,
  type HistoryStatus,
} from '../../src-shared/api';
import { cutText } from '../../src-shared/text';
import { cleanupLeftoverTmp, tmpNameFor, tmpNamesInUse, writeAtomically } from './atomic-file';
import { describeFsError, loadHistory } from './history-file';

/**
 * Past ends, newest first, kept in one JSON file. Recording a result never throws and never
 * waits for the disk: the file is rewritten behind it, off the main thread, one write at a time
 * (results that come in meanwhile go into the next write), and each write replaces the file
 * atomically. A write that fails leaves the previous file in place, keeps the results in memory,
 * reports itself in `status()` and is tried again.
 */
export interface HistoryStore {
  readonly path: string;
  /** Newest first, at most HISTORY_LIST_LIMIT entries. */
  list(): HistoryEntry[];
  /** Records finished targets (in the order they finished). Never throws. */
  add(entries: HistoryEntry[]): void;
  status(): HistoryStatus;
  /** Called whenever `status()` changes. */
  onStatus(cb: (s: HistoryStatus) => void): () => void;
  /** Resolves once everything recorded so far is on disk, or the attempt failed. Never rejects. */
  flush(): Promise<void>;
  /** Flushes (waiting at most a few seconds), then stops trying again. */
  close(): Promise<void>;
}

export interface HistoryOptions {
  /** Entries kept (the most recent). */
  limit?: number;
  /** Where problems are told (once each); console.error by default. */
  log?: (line: string) => void;
  /** Wait before trying a failed write again. */
  retryMs?: number;
  /** Longest wait for the last save when closing. */
  closeWaitMs?: number;
  now?: () => number;
}

/** Entries kept in the file, the most recent first. */
export const HISTORY_LIMIT = 1000;
const RETRY_MS = 1000;
const CLOSE_WAIT_MS = 5000;

/** The entry as it will be read back: never longer than the file's schema admits. */
function fit(e: HistoryEntry): HistoryEntry {
  const { name, reason } = HISTORY_TEXT_LIMITS;
  if (e.name.length <= name && e.reason.length <= reason) return e;
  return { ...e, name: cutText(e.name, name), reason: cutText(e.reason, reason) };
}

export function createHistoryStore(file: string, opts: HistoryOptions = {}): HistoryStore {
  const limit = opts.limit ?? HISTORY_LIMIT;
  const retryMs = opts.retryMs ?? RETRY_MS;
  const closeWaitMs = opts.closeWaitMs ?? CLOSE_WAIT_MS;
  const log = opts.log ?? ((line: string) => console.error(`safekill: ${line}`));

  const leftovers = cleanupLeftoverTmp(file);
  if (leftovers.length > 0)
    log(`removed ${leftovers.length} temporary history file(s) left by an interrupted save`);
  const loaded = loadHistory(file, limit, opts.now ?? Date.now);
  // Oldest first, so that recording is a push (trimmed now and then, not on every result), and
  // each entry is turned into text once, when it comes in: a save only joins the lines. What
  // the main thread does per result and per save stays small however many there are.
  let entries = loaded.entries.slice().reverse();
  let lines = entries.map((e) => JSON.stringify(e));
  const readOnly = loaded.readOnly;
  const notice = loaded.notice;
  if (notice) log(notice);
  if (readOnly) log(readOnly);

  const tmp = tmpNameFor(file);
  tmpNamesInUse.add(tmp);
  const listeners = new Set<(s: HistoryStatus) => void>();
  let error: string | undefined;
  let unsaved = 0;
  let dirty = false;
  let writing: Promise<void> | undefined;
  let retry: NodeJS.Timeout | undefined;
  let closed = false;

  const status = (): HistoryStatus => {
    const s: HistoryStatus = {
      state: readOnly ? 'read-only' : error ? 'failing' : 'ok',
      unsaved: readOnly || error ? unsaved : 0,
    };
    if (readOnly ?? error) s.error = readOnly ?? error;
    if (notice) s.notice = notice;
    return s;
  };
  let told = JSON.stringify(status());
  const changed = () => {
    const s = status();
    const text = JSON.stringify(s);
    if (text === told) return;
    told = text;
    for (const l of listeners) {
      try {
        l(s);
      } catch {
        // A listener's failure is its own.
      }
    }
  };

  const schedule = () => {
    dirty = true;
    if (readOnly || writing || retry) return;
    writing = drain().finally(() => (writing = undefined));
  };

  const drain = async () => {
    while (dirty) {
      dirty = false;
      const counted = unsaved;
      try {
        const text = `[\n${lines.slice(-limit).reverse().join(',\n')}\n]\n`;
        await writeAtomically(file, text, tmp);
      } catch (e) {
        dirty = true;
        const why = `saving ${file} failed: ${describeFsError(e)}`;
        if (why !== error)
          log(
            `${why}; the previous file is left as it was, and new results are kept in memory until it can be saved (SafeKill tries again)`,
          );
        error = why;
        changed();
        if (!closed)
          retry = setTimeout(() => {
            retry = undefined;
            schedule();
          }, retryMs).unref();
        return;
      }
      unsaved = Math.max(0, unsaved - counted);
      if (error) log(`the history is saved again to ${file}`);
      error = undefined;
      changed();
    }
  };

  if (loaded.rewrite) schedule();

  const store: HistoryStore = {
    path: file,
    list: () => entries.slice(-Math.min(limit, HISTORY_LIST_LIMIT)).reverse(),
    add(added) {
      try {
        if (added.length === 0) return;
        const fitted = added.map(fit);
        const text = fitted.map((e) => JSON.stringify(e));
        for (const [i, e] of fitted.entries()) {
          entries.push(e);
          lines.push(text[i]!);
        }
        if (entries.length >= 2 * limit) {
          entries = entries.slice(-limit);
          lines = lines.slice(-limit);
        }
        unsaved = Math.min(unsaved + added.length, limit);
        schedule();
        changed();
      } catch (e) {
        log(
          `could not record a result in the history: ${e instanceof Error ? e.message : String(e)}`,
        );
      }
    },
    status,
    onStatus(cb) {
      listeners.add(cb);
      return () => listeners.delete(cb);
    },
    async flush() {
      if (retry) {
        clearTimeout(retry);
        retry = undefined;
      }
      if (dirty) schedule();
      while (writing) await writing;
    },
    async close() {
      closed = true;
      // A disk that hangs (a dead network mount) must not keep SafeKill from exiting.
      let timer: NodeJS.Timeout | undefined;
      const gaveUp = await Promise.race([
        store.flush().then(() => false),
        new Promise<boolean>((r) => (timer = setTimeout(() => r(true), closeWaitMs))),
      ]);
      clearTimeout(timer);
      if (gaveUp) log(`gave up waiting for the history to be saved to ${file} before exit`);
      if (retry) clearTimeout(retry);
      retry = undefined;
      tmpNamesInUse.delete(tmp);
    },
  };
  return store;
}
