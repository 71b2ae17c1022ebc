import { useVirtualizer } from '@tanstack/react-virtual';
import {
  memo,
  useEffect,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
  type CSSProperties,
  type KeyboardEvent,
} from 'react';
import type { ProcessRow } from '../../src-shared/process';
import type { SortKey, SortSpec, ViewRow } from '../../src-shared/rows';
import { cellText, formatBytes, startedText } from '../state/table-model';
import type { SelectMode } from '../state/selection';
import {
  columnTrack,
  gridMinPx,
  INDENT_PX,
  MAX_COLUMN_PX,
  minWidth,
  type Widths,
} from '../state/column-widths';
import { maxDepth, treeKey, type TreeRow } from '../state/tree-rows';
import { assignSlots } from '../state/row-slots';
import { ColumnResizer } from './ColumnResizer';

const ROW_HEIGHT = 28;
/** Every column: the sort key it sorts by (if any), its width, its text for one row. */
export interface Column {
  id: string;
  label: string;
  sort?: SortKey;
  width: string;
  minPx: number;
  num?: boolean;
  /** Its text never outgrows the default width (numbers, dates): its cells need no clip. */
  fits?: boolean;
  text(r: ProcessRow): string;
}

/** A column as its rows' cells draw it. */
interface CellColumn extends Column {
  cellClass: string;
}

export const COLUMNS: Column[] = [
  {
    id: 'name',
    label: 'Name',
    sort: 'name',
    width: 'minmax(160px, 300px)',
    minPx: 160,
    text: (r) => r.name,
  },
  {
    id: 'pid',
    label: 'PID',
    sort: 'pid',
    width: '80px',
    minPx: 80,
    num: true,
    fits: true,
    text: (r) => String(r.pid),
  },
  {
    id: 'ppid',
    label: 'PPID',
    width: '80px',
    minPx: 80,
    num: true,
    fits: true,
    text: (r) => String(r.ppid),
  },
  {
    id: 'cpu',
    label: 'CPU %',
    sort: 'cpu',
    width: '92px',
    minPx: 92,
    num: true,
    fits: true,
    text: (r) => r.cpuPercent.toFixed(1),
  },
  {
    id: 'memory',
    label: 'Memory',
    sort: 'memory',
    width: '100px',
    minPx: 100,
    num: true,
    fits: true,
    text: (r) => formatBytes(r.rssBytes),
  },
  { id: 'user', label: 'User', sort: 'user', width: '110px', minPx: 110, text: (r) => r.user },
  { id: 'state', label: 'State', width: '100px', minPx: 100, text: (r) => r.state },
  {
    id: 'start',
    label: 'Started',
    sort: 'start',
    width: '170px',
    minPx: 170,
    fits: true,
    text: (r) => startedText(r.startedAt),
  },
  {
    id: 'cmdline',
    label: 'Command line',
    width: 'minmax(220px, 1fr)',
    minPx: 220,
    text: (r) => r.cmdline,
  },
];
/** Shown until the user picks: the rest are a click away in the column picker. */
export const DEFAULT_HIDDEN = ['ppid', 'state'];

export interface ProcessTableProps {
  rows: ViewRow[];
  total: number;
  sort: SortSpec;
  onSort(key: SortKey): void;
  /** The row shown in the details (the active row, where a Shift+click ranges from). */
  selectedKey: string | undefined;
  /** Every selected row (click, Shift+click, Ctrl+click, Ctrl+A). */
  selectedKeys: ReadonlySet<string>;
  onSelect(row: ProcessRow, mode: SelectMode): void;
  onSelectAll(): void;
  /** Right-click, the Menu key or Shift+F10 on a row: open its menu at (x, y). */
  onMenu(row: ProcessRow, x: number, y: number): void;
  /** Bumped to bring the selected row into view (Go to parent). */
  reveal?: number;
  /** Delete on the grid: end the selected process. */
  onEnd(): void;
  tree: boolean;
  /** Tree view: a row's triangle (or Right/Left) opens or closes its children. */
  onToggle(key: string, expanded: boolean): void;
  /** Widths the user set, by column id (pixels); the others keep their default. */
  widths: Widths;
  onWidths(w: Widths): void;
  /** Pids being ended right now: their rows show a small ring. */
  ending?: ReadonlyMap<number, string>;
  /** Column ids the user hid (Name is always shown). */
  hidden: readonly string[];
}

const rowDomId = (key: string) => `row-${key.replace(/[^\w-]/g, '_')}`;
const isTreeRow = (r: ViewRow | undefined): r is TreeRow => r !== undefined && 'hasChildren' in r;

/**
 * The process list as an ARIA grid: only the rows in view are in the DOM (5,000 rows scroll
 * smoothly); focus stays on the grid and the selected row is its active descendant, so arrows
 * move the selection and a screen reader follows it.
 */
export function ProcessTable(props: ProcessTableProps) {
  const { rows, sort, selectedKey } = props;
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    // Rows just out of view, for smooth scrolling: each more costs DOM on every filter keystroke.
    overscan: 6,
    // The sticky header sits above the rows inside the same scroller.
    scrollMargin: ROW_HEIGHT,
  });
  const selectedIndex = selectedKey ? rows.findIndex((r) => r.row.key === selectedKey) : -1;
  const movedByKey = useRef(false);

  // Keyboard moves bring the new selection into view; live updates never scroll on their own.
  useEffect(() => {
    if (movedByKey.current && selectedIndex >= 0) virtualizer.scrollToIndex(selectedIndex);
    movedByKey.current = false;
  }, [selectedIndex, virtualizer]);
  const revealed = useRef(props.reveal);
  useEffect(() => {
    if (props.reveal !== revealed.current && selectedIndex >= 0)
      virtualizer.scrollToIndex(selectedIndex, { align: 'center' });
    revealed.current = props.reveal;
  }, [props.reveal, selectedIndex, virtualizer]);

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const page = Math.max(1, Math.floor((scrollRef.current?.clientHeight ?? 300) / ROW_HEIGHT) - 1);
    const moves: Record<string, number> = {
      ArrowDown: 1,
      ArrowUp: -1,
      PageDown: page,
      PageUp: -page,
      Home: -Infinity,
      End: Infinity,
    };
    const treeMove =
      props.tree && (e.key === 'ArrowRight' || e.key === 'ArrowLeft') && selectedIndex >= 0
        ? treeKey(rows as TreeRow[], selectedIndex, e.key === 'ArrowRight' ? 'Right' : 'Left')
        : undefined;
    if (treeMove) {
      e.preventDefault();
      if (treeMove.kind === 'select') {
        movedByKey.current = true;
        props.onSelect(rows[treeMove.index]!.row, 'only');
      } else props.onToggle(treeMove.key, treeMove.kind === 'expand');
    } else if (e.key in moves && rows.length > 0) {
      e.preventDefault();
      const from = selectedIndex < 0 ? (moves[e.key]! > 0 ? -1 : rows.length) : selectedIndex;
      const to = Math.min(rows.length - 1, Math.max(0, from + moves[e.key]!));
      movedByKey.current = true;
      props.onSelect(rows[to]!.row, e.shiftKey ? 'range' : 'only');
    } else if ((e.key === 'ContextMenu' || (e.shiftKey && e.key === 'F10')) && selectedIndex >= 0) {
      e.preventDefault();
      const el = document.getElementById(rowDomId(selectedKey!));
      const box = el?.getBoundingClientRect();
      props.onMenu(rows[selectedIndex]!.row, (box?.left ?? 0) + 40, (box?.bottom ?? 0) + 2);
    } else if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'a') {
      e.preventDefault();
      props.onSelectAll();
    } else if (e.key === 'Delete' && selectedIndex >= 0) {
      e.preventDefault();
      props.onEnd();
    }
  };

  const items = virtualizer.getVirtualItems();
  // Rows are keyed by slot, not by process: one leaving the view lends its DOM to one entering.
  // Worked out from the last committed slots, so a render React drops changes nothing.
  const committedSlots = useRef<ReadonlyMap<string, number>>(new Map());
  const slots = assignSlots(
    committedSlots.current,
    items.map((item) => rows[item.index]!.row.key),
  );
  useLayoutEffect(() => {
    committedSlots.current = slots;
  });
  // Stable while the columns are: the memoized rows below compare it by identity.
  const cols = useMemo(
    () => COLUMNS.filter((c) => c.id === 'name' || !props.hidden.includes(c.id)),
    [props.hidden],
  );
  // A drag shows its width at once and is remembered when the button comes up.
  const [draft, setDraft] = useState<{ id: string; px: number }>();
  const widths = draft ? { ...props.widths, [draft.id]: draft.px } : props.widths;
  // Each cell that clips is a clip Chromium tracks and composites every frame (half a frame's
  // layerizing, with seven per row): a column whose text fits clips only once made narrower.
  const narrowed = cols
    .filter((c) => c.fits && (widths[c.id] ?? c.minPx) < c.minPx)
    .map((c) => c.id)
    .join(' ');
  const cells = useMemo(
    () =>
      cols.map((c): CellColumn => {
        const clip = !c.fits || narrowed.split(' ').includes(c.id);
        return { ...c, cellClass: `cell col-${c.id}${c.num ? ' num' : ''}${clip ? '' : ' fits'}` };
      }),
    [cols, narrowed],
  );
  // In the tree, Name widens by the deepest indent (and the triangle): the indent never eats
  // the name.
  const indentPx = props.tree ? (maxDepth(rows) + 1) * INDENT_PX : 0;
  const layout = {
    '--cols': cols.map((c) => columnTrack(c, widths, indentPx)).join(' '),
    '--grid-min': `${gridMinPx(cols, widths, indentPx)}px`,
  } as CSSProperties;
  const setWidth = (id: string, px: number | undefined) => {
    setDraft(undefined);
    const { [id]: _old, ...rest } = props.widths;
    props.onWidths(px === undefined ? rest : { ...rest, [id]: px });
  };
  // One scroller holds the sticky header and the rows: they scroll sideways together, and the
  // focusable grid is the scrolled region itself.
  return (
    <div className="grid" style={layout}>
      <div
        ref={scrollRef}
        className="grid-scroll"
        role={props.tree ? 'treegrid' : 'grid'}
        aria-label="Processes"
        aria-rowcount={rows.length + 1}
        aria-colcount={cols.length}
        aria-multiselectable="true"
        tabIndex={0}
        aria-activedescendant={selectedIndex >= 0 ? rowDomId(selectedKey!) : undefined}
        onKeyDown={onKeyDown}
      >
        <div role="rowgroup" className="grid-head">
          <div role="row" aria-rowindex={1} className="grid-row">
            {cols.map((c) => (
              <div
                key={c.id}
                role="columnheader"
                aria-labelledby={`colhead-${c.id}`}
                className={`cell col-${c.id}`}
                aria-sort={
                  c.sort && sort.key === c.sort
                    ? sort.dir === 'asc'
                      ? 'ascending'
                      : 'descending'
                    : c.sort
                      ? 'none'
                      : undefined
                }
              >
                {c.sort ? (
                  <button type="button" onClick={() => props.onSort(c.sort!)}>
                    <span className="label" id={`colhead-${c.id}`}>
                      {c.label}
                    </span>
                    <span aria-hidden="true" className="sort-mark">
                      {sort.key === c.sort ? (sort.dir === 'asc' ? '▲' : '▼') : ''}
                    </span>
                  </button>
                ) : (
                  <span id={`colhead-${c.id}`}>{c.label}</span>
                )}
                <ColumnResizer
                  label={c.label}
                  min={minWidth(c, indentPx)}
                  max={MAX_COLUMN_PX}
                  onDraft={(px) => setDraft({ id: c.id, px })}
                  onCommit={(px) => setWidth(c.id, px)}
                />
              </div>
            ))}
          </div>
        </div>
        <div className="grid-sizer" role="rowgroup" style={{ height: virtualizer.getTotalSize() }}>
          {items.map((item) => {
            const view = rows[item.index]!;
            const { row, depth } = view;
            const node = props.tree && isTreeRow(view) ? view : undefined;
            const selected = props.selectedKeys.has(row.key);
            return (
              <div
                key={slots.get(row.key)}
                id={rowDomId(row.key)}
                role="row"
                aria-rowindex={item.index + 2}
                aria-selected={selected}
                aria-level={node ? depth + 1 : undefined}
                aria-expanded={node?.hasChildren ? node.expanded : undefined}
                className={`grid-row${selected ? ' selected' : ''}${row.protectedReason ? ' protected' : ''}${node?.ancestorOnly ? ' ancestor' : ''}`}
                style={{ transform: `translateY(${item.start - ROW_HEIGHT}px)` }}
                onClick={(e) =>
                  props.onSelect(
                    row,
                    e.shiftKey ? 'range' : e.ctrlKey || e.metaKey ? 'toggle' : 'only',
                  )
                }
                onContextMenu={(e) => {
                  e.preventDefault();
                  if (!props.selectedKeys.has(row.key)) props.onSelect(row, 'only');
                  props.onMenu(row, e.clientX, e.clientY);
                }}
                onMouseDown={(e) => {
                  // Shift+click selects a range, not the text between.
                  if (e.shiftKey) e.preventDefault();
                }}
              >
                <RowCells
                  row={row}
                  cols={cells}
                  indent={node ? depth * INDENT_PX : 0}
                  ending={props.ending?.has(row.pid) ?? false}
                  twisty={
                    node
                      ? node.hasChildren
                        ? node.expanded
                          ? 'open'
                          : 'closed'
                        : 'leaf'
                      : undefined
                  }
                  ancestorOnly={node?.ancestorOnly ?? false}
                  onToggle={props.onToggle}
                />
              </div>
            );
          })}
        </div>
      </div>
      <div className="grid-foot" aria-hidden="true">
        {rows.length} of {props.total} processes
      </div>
    </div>
  );
}

interface RowCellsProps {
  row: ProcessRow;
  cols: CellColumn[];
  /** Tree nesting, in px. */
  indent: number;
  ending: boolean;
  /** In the tree view: the row's disclosure triangle, or a leaf's empty space. */
  twisty: 'open' | 'closed' | 'leaf' | undefined;
  /** Shown only as the parent of a filter match (dimmed). */
  ancestorOnly: boolean;
  onToggle(key: string, expanded: boolean): void;
}

/**
 * One row's cells. Memoized (every prop a primitive or stable): a table update or a filter
 * keystroke re-renders only the rows whose process changed; the others just move (their row's
 * position and selection are outside).
 */
const RowCells = memo(function RowCells(props: RowCellsProps) {
  const { row, cols, twisty } = props;
  return cols.map((c) =>
    c.id === 'name' ? (
      <div
        key="name"
        role="rowheader"
        className="cell col-name"
        title={`${cellText(row.name)}\n${cellText(row.cmdline)}`}
      >
        {/* The tree's indent only: a flat row has one element fewer to restyle and lay out
            each time React puts it into the DOM (up to half the rows in view every update). */}
        {twisty && <span className="indent" style={{ width: props.indent }} />}
        {twisty &&
          (twisty === 'leaf' ? (
            <span className="twisty" />
          ) : (
            <button
              type="button"
              className="twisty"
              tabIndex={-1}
              aria-label={`Children of ${row.name} (${row.pid})`}
              aria-expanded={twisty === 'open'}
              // Focus stays on the grid (its selected row is the active one).
              onMouseDown={(e) => e.preventDefault()}
              onClick={(e) => {
                e.stopPropagation();
                props.onToggle(row.key, twisty !== 'open');
              }}
            >
              <span aria-hidden="true">{twisty === 'open' ? '▾' : '▸'}</span>
            </button>
          ))}
        {props.ending && <span className="row-ring" role="img" aria-label="Being ended" />}
        <span className="name-text">{cellText(row.name)}</span>
        {props.ancestorOnly && <span className="visually-hidden"> (parent of a match)</span>}
      </div>
    ) : (
      <div key={c.id} role="gridcell" className={c.cellClass}>
        {cellText(c.text(row))}
      </div>
    ),
  );
});
