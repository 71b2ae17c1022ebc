import { useCallback, useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import {
  DEFAULT_OVERRIDES,
  HISTORY_LIST_LIMIT,
  type AppInfo,
  type HistoryEntry,
  type HistoryStatus,
} from '../src-shared/api';
import type { PlanOverrides } from '../src-shared/kill';
import type { ProcessRow } from '../src-shared/process';
import type { ApiClient } from './api/client';
import { ConfirmDialog } from './components/ConfirmDialog';
import { DetailsPanel } from './components/DetailsPanel';
import { HistoryAlert } from './components/HistoryAlert';
import { HistoryList } from './components/HistoryList';
import { plainError } from './components/plain-error';
import { ProcessTable } from './components/ProcessTable';
import { RunningKills } from './components/RunningKills';
import { applyKillEvent, cardId, describeResult, type Runs } from './state/kills';
import { RowStore } from './state/row-store';
import { sortRows, type SortKey, type SortSpec } from '../src-shared/rows';
import { filterSorted, viewRows } from './state/table-model';
import { usePaintTimer } from './state/perf';

interface PendingConfirm {
  targets: ProcessRow[];
  tree: boolean;
  reason: string;
}

export function App({ api }: { api: ApiClient }) {
  const store = useMemo(() => new RowStore(), []);
  const view = useSyncExternalStore(store.subscribe, store.getView);
  const [info, setInfo] = useState<AppInfo>();
  const [filter, setFilter] = useState('');
  const [sort, setSort] = useState<SortSpec>({ key: 'cpu', dir: 'desc' });
  const [tree, setTree] = useState(false);
  const [selectedKey, setSelectedKey] = useState<string>();
  const [overrides, setOverrides] = useState<PlanOverrides>(DEFAULT_OVERRIDES);
  const [runs, setRuns] = useState<Runs>(new Map());
  const [history, setHistory] = useState<HistoryEntry[]>([]);
  const [historyStatus, setHistoryStatus] = useState<HistoryStatus>();
  const [status, setStatus] = useState('');
  const [problem, setProblem] = useState<string>();
  const [confirm, setConfirm] = useState<PendingConfirm>();
  const filterRef = useRef<HTMLInputElement>(null);
  const gridWrap = useRef<HTMLDivElement>(null);
  // Kills started here that were refused as protected: ask, then retry with consent.
  const askOnRefusal = useRef(new Map<string, PendingConfirm>());

  useEffect(() => {
    // Names as the events come in (a result may follow its plan before React re-renders).
    const names = new Map<string, string>();
    const nameOf = (killId: string, pid: number) =>
      names.get(`${killId}:${pid}`) ??
      [...store.rows.values()].find((r) => r.pid === pid)?.name ??
      '';
    const off = api.onPush((m) => {
      if (m.channel === 'processes:diff') store.apply(m.payload);
      else if (m.channel === 'kill:event') {
        setRuns((r) => applyKillEvent(r, m.payload));
        const e = m.payload.event;
        if (e.type === 'plan') names.set(`${m.payload.killId}:${e.pid}`, e.plan.name);
        if (e.type === 'waiting') {
          const who = `${nameOf(m.payload.killId, e.pid) || 'process'} (${e.pid})`;
          setStatus(`${who} is asking you ${JSON.stringify(e.question)}: paused until you answer`);
          notify(`${who} is asking you`, e.question);
        }
        if (e.type === 'result') {
          setStatus(describeResult(e, nameOf(m.payload.killId, e.pid)));
          const ask = askOnRefusal.current.get(m.payload.killId);
          if (ask && e.outcome === 'refused' && e.code === 'protected') {
            askOnRefusal.current.delete(m.payload.killId);
            setConfirm({ ...ask, reason: e.reason });
          }
        }
      } else if (m.channel === 'history:added')
        setHistory((h) => [m.payload, ...h.slice(0, HISTORY_LIST_LIMIT - 1)]);
      else if (m.channel === 'history:status') setHistoryStatus(m.payload);
    });
    api.onClose((why) => setProblem(why));
    api.call('app:info', undefined).then(
      (i) => {
        setInfo(i);
        // Replies and pushes come in the order they were sent: the last to arrive is current.
        setHistoryStatus(i.history);
      },
      (e: unknown) => setProblem(plainError(e)),
    );
    api.call('processes:snapshot', undefined).then(
      (s) => store.load(s),
      (e: unknown) => setProblem(plainError(e)),
    );
    api.call('history:list', undefined).then(setHistory, () => undefined);
    return off;
  }, [api, store]);

  // Sorting follows the data; typing in the filter only filters the sorted list.
  const sorted = useMemo(
    () => (tree ? [] : sortRows(view.rows.values(), sort)),
    [view, sort, tree],
  );
  const rows = useMemo(
    () => (tree ? viewRows(view.rows.values(), filter, sort, true) : filterSorted(sorted, filter)),
    [view, sorted, filter, sort, tree],
  );
  usePaintTimer(store, view.version);
  const selected = selectedKey ? view.rows.get(selectedKey) : undefined;
  // The selected process may exit while shown: keep its details, and say so in place.
  const lastSelected = useRef<ProcessRow | undefined>(undefined);
  if (selected) lastSelected.current = selected;
  const shown =
    selected ?? (lastSelected.current?.key === selectedKey ? lastSelected.current : undefined);

  const start = useCallback(
    async (targets: ProcessRow[], withTree: boolean, forceProtected: boolean) => {
      try {
        askNotificationPermission();
        const { killId, alreadyEnding } = await api.call('kill:start', {
          targets: targets.map((t) => ({ pid: t.pid, startTime: t.startTime })),
          overrides,
          tree: withTree,
          forceProtected,
        });
        if (alreadyEnding?.length) {
          // One ladder per process: point at the running one instead of starting another.
          const first = alreadyEnding[0]!;
          setStatus(
            `${alreadyEnding.map((a) => a.pid).join(', ')} already being ended: nothing more was sent`,
          );
          document.getElementById(cardId(first.killId, first.pid))?.focus();
          if (alreadyEnding.length === targets.length) return;
        }
        if (!forceProtected)
          askOnRefusal.current.set(killId, { targets, tree: withTree, reason: '' });
      } catch (e) {
        setStatus(`Could not start: ${plainError(e)}`);
      }
    },
    [api, overrides],
  );

  const end = useCallback(
    (withTree: boolean) => {
      if (!selected) return;
      if (selected.protectedReason) {
        setConfirm({ targets: [selected], tree: withTree, reason: selected.protectedReason });
      } else void start([selected], withTree, false);
    },
    [selected, start],
  );

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const t = e.target as HTMLElement | null;
      const typing =
        t && (t.tagName === 'INPUT' || t.tagName === 'SELECT' || t.tagName === 'TEXTAREA');
      if (e.key === '/' && !typing && !confirm) {
        e.preventDefault();
        filterRef.current?.focus();
        filterRef.current?.select();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [confirm]);

  const onSort = (key: SortKey) =>
    setSort((s) =>
      s.key === key
        ? { key, dir: s.dir === 'asc' ? 'desc' : 'asc' }
        : { key, dir: key === 'cpu' || key === 'memory' ? 'desc' : 'asc' },
    );

  return (
    <div className="app">
      <header className="top">
        <h1>SafeKill</h1>
        <input
          ref={filterRef}
          type="search"
          className="filter"
          aria-label="Filter processes"
          placeholder="Filter by name, PID or command line  ( / )"
          value={filter}
          onChange={(e) => setFilter(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'ArrowDown' || e.key === 'Enter') {
              e.preventDefault();
              // Into the grid: keep a visible selection, else start at the first row.
              if (rows[0] && !rows.some((r) => r.row.key === selectedKey))
                setSelectedKey(rows[0].row.key);
              gridWrap.current?.querySelector<HTMLElement>('[role=grid]')?.focus();
            }
          }}
        />
        <label className="tree-toggle">
          <input type="checkbox" checked={tree} onChange={(e) => setTree(e.target.checked)} /> Tree
          view
        </label>
        <span className="muted small mode">
          {info ? (info.mode === 'browser' ? 'Browser mode' : 'Desktop') : 'Connecting…'}
        </span>
      </header>
      {problem && (
        <p className="banner error" role="alert">
          {problem}
        </p>
      )}
      <HistoryAlert status={historyStatus} />
      <main className="main">
        <div className="table-wrap" ref={gridWrap}>
          <ProcessTable
            rows={rows}
            total={store.rows.size}
            sort={sort}
            onSort={onSort}
            selectedKey={selectedKey}
            onSelect={(r) => setSelectedKey(r.key)}
            onEnd={() => end(false)}
            tree={tree}
          />
        </div>
        <aside className="side">
          <DetailsPanel
            api={api}
            info={info}
            row={shown}
            gone={shown !== undefined && selected === undefined}
            overrides={overrides}
            onOverrides={setOverrides}
            onEnd={end}
          />
          <RunningKills
            runs={runs}
            onElevate={(run) => {
              api
                .call('kill:start', {
                  targets: [{ pid: run.pid, startTime: run.startTime }],
                  overrides,
                  elevate: true,
                })
                .catch((e: unknown) => setStatus(plainError(e)));
            }}
            onAnswer={(run, answer) => {
              const req = { killId: run.killId, pid: run.pid };
              const call =
                answer === 'show'
                  ? api.call('kill:show-dialog', req).then((r) => {
                      if (!r.shown)
                        setStatus('Its dialog could not be raised: look for it yourself');
                    })
                  : api.call('kill:end-anyway', req).then(() => undefined);
              call.catch((e: unknown) => setStatus(plainError(e)));
            }}
            onCancel={(killId) => {
              api.call('kill:cancel', { killId }).catch((e: unknown) => setStatus(plainError(e)));
            }}
            onDismiss={(id) =>
              setRuns((r) => {
                const next = new Map(r);
                next.delete(id);
                return next;
              })
            }
          />
          <HistoryList entries={history} />
        </aside>
      </main>
      <div role="status" aria-live="polite" className="status">
        {status}
      </div>
      {confirm && (
        <ConfirmDialog
          title={`End protected process ${confirm.targets.map((t) => `${t.name} (${t.pid})`).join(', ')}?`}
          message={`It is protected: ${confirm.reason}. Ending it may break your session or the system.`}
          confirmLabel="End anyway"
          onCancel={() => setConfirm(undefined)}
          onConfirm={() => {
            setConfirm(undefined);
            void start(confirm.targets, confirm.tree, true);
          }}
        />
      )}
    </div>
  );
}

/** A desktop notification, where the user allowed them (Electron and browsers alike). */
function notify(title: string, body: string): void {
  if (typeof Notification === 'undefined' || Notification.permission !== 'granted') return;
  new Notification(title, { body });
}

/** Asked once, from a click (browsers allow the request only from a user's gesture). */
function askNotificationPermission(): void {
  if (typeof Notification !== 'undefined' && Notification.permission === 'default')
    void Notification.requestPermission().catch(() => undefined);
}
