import {
  useCallback,
  useEffect,
  useMemo,
  useRef,
  useState,
  useSyncExternalStore,
  type KeyboardEvent as ReactKeyboardEvent,
} from 'react';
import { flushSync } from 'react-dom';
import {
  HISTORY_LIST_LIMIT,
  type AppInfo,
  type PushEvents,
  type HistoryEntry,
  type HistoryStatus,
} from '../src-shared/api';
import { OUTCOME_WORDS, type PlanOverrides, type Strategy } from '../src-shared/kill';
import type { SettingsPatch } from '../src-shared/settings';
import type { ProcessRow } from '../src-shared/process';
import type { ApiClient } from './api/client';
import { ConfirmDialog } from './components/ConfirmDialog';
import { DetailsPanel } from './components/DetailsPanel';
import { HistoryAlert } from './components/HistoryAlert';
import { HistoryList } from './components/HistoryList';
import { plainError } from './components/plain-error';
import { DEFAULT_HIDDEN, ProcessTable } from './components/ProcessTable';
import { Totals, totals } from './components/Totals';
import { HistoryChart } from './components/HistoryChart';
import { RunningKills } from './components/RunningKills';
import { SelectionPanel } from './components/SelectionPanel';
import { RowMenu, type RowAction } from './components/RowMenu';
import { useNeedsElevation } from './api/use-needs-elevation';
import { applyKillEvents, cardId, describeResult, liveCards, type Runs } from './state/kills';
import { gatherNotices } from './state/gathered-notices';
import { strategyWords } from './state/words';
import { batchPerFrame } from './state/frame-clock';
import {
  EMPTY_SELECTION,
  pick,
  selectAll,
  treeSize,
  type Selection,
  type SelectMode,
} from './state/selection';
import { RowStore } from './state/row-store';
import { SortedRows } from './state/sorted-rows';
import type { QuickFilters, SortKey, SortSpec } from '../src-shared/rows';
import { FilteredRows } from './state/filtered-rows';
import { alreadyEndingWords, startInBatches } from './state/kill-batches';
import { askAfterRefusal } from './state/protected-ask';
import { treeRows } from './state/tree-rows';
import { isWidths, type Widths } from './state/column-widths';
import { usePaintTimer } from './state/perf';
import { useRemembered } from './state/remembered';
import { uiSettings } from './state/settings';
import { QUICK_FILTERS, Toolbar } from './components/Toolbar';
import { useStableCallback } from './state/stable-callback';

const SORT_KEYS = ['name', 'pid', 'cpu', 'memory', 'user', 'start'];
const isSortSpec = (v: unknown): v is SortSpec =>
  typeof v === 'object' &&
  v !== null &&
  SORT_KEYS.includes((v as SortSpec).key) &&
  ((v as SortSpec).dir === 'asc' || (v as SortSpec).dir === 'desc');

interface PendingConfirm {
  targets: ProcessRow[];
  tree: boolean;
  /** Why it is protected; empty for a plain confirmation of several targets. */
  reason: string;
  /** A confirmation of the selection (not a protected-process question). */
  many?: boolean;
  /** The run whose targets were refused as protected (a question after the fact). */
  killId?: string;
}

export function App({ api }: { api: ApiClient }) {
  const store = useMemo(() => new RowStore(), []);
  const view = useSyncExternalStore(store.subscribe, store.getView);
  const [info, setInfo] = useState<AppInfo>();
  const [filter, setFilter] = useState('');
  const [sort, setSort] = useRemembered<SortSpec>('sort', { key: 'cpu', dir: 'desc' }, isSortSpec);
  const [tree, setTree] = useRemembered('tree', false, (v): v is boolean => typeof v === 'boolean');
  const [hiddenCols, setHiddenCols] = useRemembered<string[]>(
    'hidden-columns',
    DEFAULT_HIDDEN,
    (v): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string'),
  );
  const [widths, setWidths] = useRemembered<Widths>('columnWidths', {}, isWidths);
  const [quick, setQuick] = useRemembered<QuickFilters>('quickFilters', {}, isQuickFilters);
  // Tree rows the user closed, by row key (the same while the process lives).
  const [collapsed, setCollapsed] = useState<ReadonlySet<string>>(new Set());
  const [selection, setSelection] = useState<Selection>(EMPTY_SELECTION);
  const selectedKey = selection.anchor;
  const settings = useSyncExternalStore(uiSettings.subscribe, uiSettings.get);
  const settingsProblem = useSyncExternalStore(uiSettings.subscribe, () => uiSettings.problem);
  // What a newly selected process starts with: the defaults chosen in Settings.
  const defaults = useMemo<PlanOverrides>(
    () => ({
      strategy: settings.defaultStrategy,
      graceMs: Math.round(settings.defaultGraceS * 1000),
    }),
    [settings.defaultStrategy, settings.defaultGraceS],
  );
  const [overrides, setOverrides] = useState<PlanOverrides>(defaults);
  // New defaults (loaded at start, or changed in Settings) hold for the process shown too.
  useEffect(() => setOverrides(defaults), [defaults]);
  useEffect(() => {
    const root = document.documentElement;
    if (settings.theme === 'system') delete root.dataset.theme;
    else root.dataset.theme = settings.theme;
  }, [settings.theme]);
  const [runs, setRuns] = useState<Runs>(new Map());
  const dismiss = useCallback((ids: readonly string[]) => {
    setRuns((r) => {
      const next = new Map(r);
      for (const id of ids) next.delete(id);
      return next;
    });
  }, []);
  const [history, setHistory] = useState<HistoryEntry[]>([]);
  const [historyStatus, setHistoryStatus] = useState<HistoryStatus>();
  const [status, setStatus] = useState('');
  const [problem, setProblem] = useState<string>();
  const [retrying, setRetrying] = useState(false);
  const [drawerOpen, setDrawerOpen] = useState(false);
  const [menu, setMenu] = useState<{ row: ProcessRow; x: number; y: number }>();
  const [reveal, setReveal] = useState(0);
  const [confirm, setConfirm] = useState<PendingConfirm>();
  const filterRef = useRef<HTMLInputElement>(null);
  const gridWrap = useRef<HTMLDivElement>(null);
  /** The focusable grid (a treegrid in the tree view). */
  const grid = () => gridWrap.current?.querySelector<HTMLElement>('.grid-scroll');
  // Kills started here that were refused as protected: ask, then retry with consent.
  const askOnRefusal = useRef(new Map<string, PendingConfirm>());

  useEffect(() => {
    // Names as the events come in (a result may follow its plan before React re-renders).
    const names = new Map<string, string>();
    const nameOf = (killId: string, pid: number) =>
      names.get(`${killId}:${pid}`) ??
      [...store.rows.values()].find((r) => r.pid === pid)?.name ??
      '';
    const notice = gatherNotices(notify);
    // Folded into the runs once a frame, rendered in that frame (flushSync) before it paints.
    const kills = batchPerFrame<PushEvents['kill:event']>((batch, inFrame) => {
      const fold = () => setRuns((r) => applyKillEvents(r, batch));
      if (inFrame) flushSync(fold);
      else fold();
    });
    const off = api.onPush((m) => {
      if (m.channel === 'processes:diff') store.apply(m.payload);
      else if (m.channel === 'kill:event') {
        kills.push(m.payload);
        const e = m.payload.event;
        if (e.type === 'plan') names.set(`${m.payload.killId}:${e.pid}`, e.plan.name);
        if (e.type === 'waiting') {
          const who = `${nameOf(m.payload.killId, e.pid) || 'process'} (${e.pid})`;
          setStatus(`${who} is asking you ${JSON.stringify(e.question)}: paused until you answer`);
          notify(`${who} is asking you`, e.question);
        }
        if (e.type === 'escalated') {
          const who = `${nameOf(m.payload.killId, e.pid) || 'process'} (${e.pid})`;
          const to = strategyWords(e.to);
          notice({ title: `${who}: ${to}`, body: e.reason, happened: 'escalated', word: to });
        }
        if (e.type === 'result') {
          const line = describeResult(e, e.name || nameOf(m.payload.killId, e.pid));
          setStatus(line);
          if (e.outcome !== 'refused')
            notice({
              title: line,
              body: e.reason,
              happened: 'ended',
              word: OUTCOME_WORDS[e.outcome],
            });
          const run = askOnRefusal.current.get(m.payload.killId);
          if (run && e.outcome === 'refused' && e.code === 'protected') {
            const { killId } = m.payload;
            setConfirm((c) => askAfterRefusal(c, { killId, ...run }, e.pid, e.reason));
          }
        }
      } else if (m.channel === 'history:added')
        setHistory((h) => [m.payload, ...h.slice(0, HISTORY_LIST_LIMIT - 1)]);
      else if (m.channel === 'history:status') setHistoryStatus(m.payload);
    });
    api.onClose((why) => setProblem(why));
    store.fetchSnapshot = () =>
      api.call('processes:snapshot', undefined).catch((e: unknown) => {
        setProblem(plainError(e));
        throw e;
      });
    const load = () => {
      api.call('app:info', undefined).then(
        (i) => {
          setInfo(i);
          // Replies and pushes come in the order they were sent: the last to arrive is current.
          setHistoryStatus(i.history);
        },
        (e: unknown) => setProblem(plainError(e)),
      );
      store.resync(true);
      api.call('history:list', undefined).then(setHistory, () => undefined);
    };
    load();
    // The bridge dropped: say so, keep the running ends as they are, reload the rest when back.
    api.onConnection((c) => {
      setRetrying(c === 'retrying');
      if (c === 'back') {
        setProblem(undefined);
        load();
      }
    });
    return () => {
      off();
      kills.dispose();
    };
  }, [api, store]);

  // Sorting follows the data; typing in the filter only filters the sorted list.
  // The quick filters come first: the search, the sort and the tree see only what they let by.
  const user = info?.user;
  // The flat list is kept sorted from each update's changes (SortedRows); the tree is rebuilt
  // from it, siblings in its order.
  const sorter = useMemo(() => new SortedRows(store), [store]);
  const filterer = useMemo(() => new FilteredRows(), []);
  const sorted = useMemo(
    () => sorter.get(view, sort, quick, user),
    [sorter, view, sort, quick, user],
  );
  // How `sorted` came from the list before it: the filter text's rows are carried over with it.
  const step = sorter.step;
  // The rows the filter text matches, flat and in order; the tree adds their ancestors.
  const matched = useMemo(
    () => filterer.get(sorted, filter, step),
    [sorted, step, filterer, filter],
  );
  const rows = useMemo(
    () =>
      tree
        ? treeRows(
            sorted.map((v) => v.row),
            filter.trim() ? matched.map((v) => v.row) : undefined,
            collapsed,
          )
        : matched,
    [sorted, matched, filter, tree, collapsed],
  );
  usePaintTimer(store, view.version);
  const sums = useMemo(() => totals(view.rows.values()), [view]);
  const selected = selectedKey ? view.rows.get(selectedKey) : undefined;
  // The selected process may exit while shown: keep its details, and say so in place.
  const lastSelected = useRef<ProcessRow | undefined>(undefined);
  if (selected) lastSelected.current = selected;
  const shown =
    selected ?? (lastSelected.current?.key === selectedKey ? lastSelected.current : undefined);

  const ending = useMemo(() => liveCards(runs), [runs]);
  const liveCount = ending.size;
  // A new end starting at 800 px opens the drawer, so that its countdown is in view.
  const lastLive = useRef(0);
  useEffect(() => {
    if (liveCount > lastLive.current) setDrawerOpen(true);
    lastLive.current = liveCount;
  }, [liveCount]);

  const select = useCallback(
    (r: ProcessRow, mode: SelectMode = 'only') => {
      // The grace and strategy typed for one process do not carry over to the next.
      if (r.key !== selectedKey) setOverrides(defaults);
      setSelection((s) => pick(s, rows, r, mode));
    },
    [selectedKey, rows, defaults],
  );
  // The selected rows still in the list, in the grid's order.
  const chosen = useMemo(
    () =>
      selection.keys.size > 1
        ? rows.filter((r) => selection.keys.has(r.row.key)).map((r) => r.row)
        : [],
    [rows, selection],
  );

  const start = useCallback(
    async (
      targets: ProcessRow[],
      withTree: boolean,
      forceProtected: boolean,
      how: PlanOverrides = overrides,
    ) => {
      askNotificationPermission();
      const r = await startInBatches(targets, (part) =>
        api.call('kill:start', { targets: part, overrides: how, tree: withTree, forceProtected }),
      );
      if (!forceProtected)
        for (const run of r.runs)
          askOnRefusal.current.set(run.killId, {
            targets: run.targets,
            tree: withTree,
            reason: '',
          });
      if (r.error !== undefined) {
        setStatus(startFailedWords(r.sent, targets.length, r.error));
        return;
      }
      if (r.alreadyEnding.length) {
        // One ladder per process: point at the running one instead of starting another.
        const first = r.alreadyEnding[0]!;
        setStatus(alreadyEndingWords(r.alreadyEnding.map((a) => a.pid)));
        document.getElementById(cardId(first.killId, first.pid))?.focus();
      }
    },
    [api, overrides],
  );

  // End as administrator (polkit / UAC): the pinned process and no other.
  /** Starts ending pinned targets with the panel's choices (as administrator, supervisor first). */
  const startPinned = useCallback(
    (
      targets: { pid: number; startTime?: number }[],
      how: { elevate?: boolean; supervisorStop?: boolean } = {},
    ) => {
      void startInBatches(targets, (part) =>
        api.call('kill:start', { targets: part, overrides, ...how }),
      ).then((r) => {
        if (r.error !== undefined) setStatus(startFailedWords(r.sent, targets.length, r.error));
      });
    },
    [api, overrides],
  );
  const endElevated = useCallback(
    (pid: number, startTime: number | undefined) =>
      startPinned([{ pid, startTime }], { elevate: true }),
    [startPinned],
  );
  const menuNeedsElevation = useNeedsElevation(api, menu?.row, overrides);

  const end = useCallback(
    (withTree: boolean, onlyShown = false) => {
      if (chosen.length > 1 && !onlyShown) {
        // One confirmation lists what will be ended (and how many, for a tree).
        setConfirm({ targets: chosen, tree: withTree, reason: '', many: true });
        return;
      }
      if (!selected) return;
      const card = ending.get(selected.pid);
      if (card) {
        // One ladder per process: show the one running instead of asking for another.
        setDrawerOpen(true);
        document.getElementById(card)?.focus();
        return;
      }
      if (selected.protectedReason) {
        setConfirm({ targets: [selected], tree: withTree, reason: selected.protectedReason });
      } else void start([selected], withTree, false);
    },
    [selected, start, ending, chosen],
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

  const onMenuAction = (row: ProcessRow, a: RowAction) => {
    switch (a.kind) {
      case 'end':
        end(a.tree, true);
        break;
      case 'end-elevated':
        if (!ending.has(row.pid)) endElevated(row.pid, row.startTime);
        break;
      case 'end-with':
        if (ending.has(row.pid)) break;
        void start([row], false, false, { ...overrides, strategy: a.strategy });
        break;
      case 'copy': {
        const text = a.what === 'pid' ? String(row.pid) : row.cmdline;
        navigator.clipboard.writeText(text).then(
          () => setStatus(a.what === 'pid' ? `Copied PID ${row.pid}` : 'Copied the command line'),
          () => setStatus('Could not copy: the clipboard is not available here'),
        );
        grid()?.focus();
        break;
      }
      case 'parent': {
        const parent = [...view.rows.values()].find((r) => r.pid === row.ppid);
        if (!parent) break;
        if (!rows.some((r) => r.row.key === parent.key)) setFilter('');
        setOverrides(defaults);
        setSelection({ keys: new Set([parent.key]), anchor: parent.key });
        setReveal((n) => n + 1);
        grid()?.focus();
        break;
      }
      case 'details':
        setDrawerOpen(true);
        setTimeout(() => document.getElementById('details-title')?.focus());
        break;
    }
  };

  // Stable: the grid's memoized rows take it.
  const onToggle = useCallback(
    (key: string, expanded: boolean) =>
      setCollapsed((c) => {
        const next = new Set(c);
        if (expanded) next.delete(key);
        else next.add(key);
        return next;
      }),
    [],
  );

  // Stable, for the memoized toolbar (a table update does not re-render it).
  const onFilterKeyDown = useStableCallback((e: ReactKeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'ArrowDown' || e.key === 'Enter') {
      e.preventDefault();
      // Into the grid: keep a visible selection, else start at the first row.
      if (rows[0] && !rows.some((r) => r.row.key === selectedKey)) select(rows[0].row);
      grid()?.focus();
    }
  });
  const onQuick = useCallback(
    (key: keyof QuickFilters, on: boolean) => setQuick((q) => ({ ...q, [key]: on })),
    [setQuick],
  );
  const toggleDrawer = useCallback(() => setDrawerOpen((o) => !o), []);

  const onSort = (key: SortKey) =>
    setSort((s) =>
      s.key === key
        ? { key, dir: s.dir === 'asc' ? 'desc' : 'asc' }
        : { key, dir: key === 'cpu' || key === 'memory' ? 'desc' : 'asc' },
    );

  return (
    <div className="app">
      <Toolbar
        filter={filter}
        onFilter={setFilter}
        filterRef={filterRef}
        onFilterKeyDown={onFilterKeyDown}
        tree={tree}
        onTree={setTree}
        quick={quick}
        onQuick={onQuick}
        hiddenColumns={hiddenCols}
        onHiddenColumns={setHiddenCols}
        settings={settings}
        strategies={info?.strategies ?? NO_STRATEGIES}
        settingsProblem={settingsProblem}
        onSettings={updateSettings}
        drawerOpen={drawerOpen}
        onToggleDrawer={toggleDrawer}
        liveCount={liveCount}
        mode={info?.mode}
      />
      {retrying && (
        <p className="banner warning" role="alert">
          The connection to SafeKill was lost: retrying… Running ends go on; their cards update when
          it is back.
        </p>
      )}
      {problem && !retrying && (
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
            selectedKeys={selection.keys}
            onSelect={select}
            onSelectAll={() => setSelection((s) => selectAll(rows, s))}
            onMenu={(row, x, y) => setMenu({ row, x, y })}
            reveal={reveal}
            hidden={hiddenCols}
            ending={ending}
            onEnd={() => end(false)}
            tree={tree}
            onToggle={onToggle}
            widths={widths}
            onWidths={setWidths}
          />
        </div>
        <aside
          id="side-panel"
          className={`side${drawerOpen ? ' open' : ''}`}
          aria-label="Side panel"
        >
          <RunningKills
            runs={runs}
            onEndSurvivors={(survivors) =>
              startPinned(survivors.map((v) => ({ pid: v.pid, startTime: v.startTime })))
            }
            onElevate={(run) => endElevated(run.pid, run.startTime)}
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
            onDismiss={(id) => dismiss([id])}
            onDismissMany={dismiss}
          />
          {chosen.length > 1 && (
            <SelectionPanel
              targets={chosen}
              onEnd={end}
              onClear={() =>
                setSelection((s) => ({
                  keys: new Set(s.anchor ? [s.anchor] : []),
                  anchor: s.anchor,
                }))
              }
            />
          )}
          <DetailsPanel
            api={api}
            info={info}
            row={shown}
            gone={shown !== undefined && selected === undefined}
            overrides={overrides}
            onOverrides={setOverrides}
            onEnd={(t) => end(t, true)}
            onEndElevated={() => shown && endElevated(shown.pid, shown.startTime)}
            onSupervisorStop={() =>
              shown &&
              startPinned([{ pid: shown.pid, startTime: shown.startTime }], {
                supervisorStop: true,
              })
            }
            endingCard={shown ? ending.get(shown.pid) : undefined}
          />
          <HistoryChart value={sums} />
          <HistoryList entries={history} />
        </aside>
      </main>
      <footer className="statusbar">
        <div role="status" aria-live="polite" className="status">
          {status}
        </div>
        <Totals value={sums} />
      </footer>
      {menu && (
        <RowMenu
          row={menu.row}
          x={menu.x}
          y={menu.y}
          strategies={info?.strategies ?? []}
          ending={ending.has(menu.row.pid)}
          hasParent={[...view.rows.values()].some((r) => r.pid === menu.row.ppid)}
          needsElevation={menuNeedsElevation}
          onAction={(a) => onMenuAction(menu.row, a)}
          onClose={() => {
            setMenu(undefined);
            grid()?.focus();
          }}
        />
      )}
      {confirm?.many && (
        <ConfirmDialog
          title={`End ${confirm.tree ? 'these trees' : `${confirm.targets.length} processes`}?`}
          message={
            confirm.tree
              ? `${confirm.targets.length} processes and their descendants: ${treeSize(confirm.targets, view.rows.values())} processes in all, each closed politely first.`
              : `Each is closed politely first, then forced after its grace period.`
          }
          items={confirm.targets.map((t) => `${t.name} (${t.pid})`)}
          confirmLabel={`End ${confirm.tree ? treeSize(confirm.targets, view.rows.values()) : confirm.targets.length}`}
          onCancel={() => setConfirm(undefined)}
          onConfirm={() => {
            setConfirm(undefined);
            void start(confirm.targets, confirm.tree, false);
          }}
        />
      )}
      {confirm && !confirm.many && (
        <ConfirmDialog
          title={`End protected process ${confirm.targets.map((t) => `${t.name} (${t.pid})`).join(', ')}?`}
          message={`It is protected: ${confirm.reason}. Ending it may break your session or the system.`}
          confirmLabel="End anyway"
          onCancel={() => {
            if (confirm.killId) askOnRefusal.current.delete(confirm.killId);
            setConfirm(undefined);
          }}
          onConfirm={() => {
            if (confirm.killId) askOnRefusal.current.delete(confirm.killId);
            setConfirm(undefined);
            void start(confirm.targets, confirm.tree, true);
          }}
        />
      )}
    </div>
  );
}

const NO_STRATEGIES: Strategy[] = [];

/** Why a start failed; with several requests, how many of the targets were started first. */
function startFailedWords(sent: number, of: number, e: unknown): string {
  return sent === 0
    ? `Could not start: ${plainError(e)}`
    : `Started ending ${sent} of ${of}; the rest could not start: ${plainError(e)}`;
}
const updateSettings = (p: SettingsPatch) => uiSettings.update(p);

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

function isQuickFilters(v: unknown): v is QuickFilters {
  return (
    typeof v === 'object' &&
    v !== null &&
    !Array.isArray(v) &&
    Object.entries(v).every(
      ([k, x]) => QUICK_FILTERS.some(([key]) => key === k) && typeof x === 'boolean',
    )
  );
}
