import type { ProcessRow } from '../../../src-shared/process';
import {
  buildTree,
  filterRows,
  sortRows,
  walkTree,
  type SortSpec,
  type TreeNode,
} from '../../../src-shared/rows';
import { cutText } from '../../../src-shared/text';
import { createProcessSource } from '../../processes/process-source';
import { UsageError, parseOptions } from '../args';
import { EXIT } from '../exit-status';
import type { CliIo } from '../io';

/** The longest --sample: a minute. */
const MAX_SAMPLE_MS = 60_000;

export function parseSample(text: string | undefined): number {
  if (text === undefined) return 0;
  if (!/^\d+$/.test(text) || Number(text) > MAX_SAMPLE_MS)
    throw new UsageError(
      `bad --sample "${text}": give whole milliseconds up to ${MAX_SAMPLE_MS}, e.g. --sample 300`,
    );
  return Number(text);
}

/** `--sort` keys: cpu and mem busiest first, pid and name ascending. */
export const SORT_KEYS = {
  cpu: { key: 'cpu', dir: 'desc' },
  mem: { key: 'memory', dir: 'desc' },
  pid: { key: 'pid', dir: 'asc' },
  name: { key: 'name', dir: 'asc' },
} as const satisfies Record<string, SortSpec>;
export type SortKey = keyof typeof SORT_KEYS;

/**
 * What `list` shows, by the query the app's table uses too: the matching rows in order, and with
 * `tree` the forest they form (for the indented table and the nested JSON). Pure, for tests.
 */
export function listView(
  rows: readonly ProcessRow[],
  opts: { filter?: string; sort: SortKey; tree: boolean },
): { rows: ProcessRow[]; tree?: TreeNode[] } {
  const sorted = sortRows(rows, SORT_KEYS[opts.sort]);
  const shown = opts.filter !== undefined ? filterRows(sorted, opts.filter, opts.tree) : sorted;
  return opts.tree ? { rows: shown, tree: buildTree(shown) } : { rows: shown };
}

export async function listCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseOptions(argv, {
    json: { type: 'boolean' },
    tree: { type: 'boolean' },
    filter: { type: 'string' },
    sort: { type: 'string' },
    sample: { type: 'string' },
  });
  const sampleMs = parseSample(values.sample);
  if (positionals.length > 0)
    throw new UsageError(`list takes no PIDs (got "${positionals[0]}"); use --filter TEXT`);
  const sort = values.sort ?? 'pid';
  if (!Object.hasOwn(SORT_KEYS, sort))
    throw new UsageError(
      `unknown sort "${sort}"; choose one of: ${Object.keys(SORT_KEYS).join(', ')}`,
    );
  if (values.filter !== undefined && values.filter.trim() === '')
    throw new UsageError('--filter needs some text, e.g. --filter firefox');

  // One-shot: no UI thread to keep free, so the /proc reader runs in this thread.
  const source = createProcessSource({
    backend: process.platform === 'linux' ? 'inline' : undefined,
    lifetimeCpu: sampleMs === 0,
  });
  let all: ProcessRow[];
  try {
    await source.snapshot();
    if (sampleMs > 0 && source.backend !== 'ps-list') {
      await new Promise((r) => setTimeout(r, sampleMs));
      await source.refresh();
    }
    all = (await source.snapshot()).rows;
  } finally {
    await source.close();
  }

  const filter = values.filter?.trim();
  // SafeKill's own command line holds the filter text: it is never a match (as with pgrep).
  const candidates = filter !== undefined ? all.filter((r) => r.pid !== process.pid) : all;
  const { rows, tree } = listView(candidates, {
    filter,
    sort: sort as SortKey,
    tree: values.tree === true,
  });

  if (values.json) {
    io.stdout.write(JSON.stringify(tree ? tree.map(nested) : rows) + '\n');
  } else {
    // The terminal's width; COLUMNS (as ps reads it) when the output is not a terminal.
    const width = io.stdout.isTTY ? io.stdout.columns : columnsFromEnv(process.env.COLUMNS);
    const cpuNote =
      sampleMs > 0
        ? `CPU% over a ${sampleMs} ms sample`
        : 'CPU% since each process started (--sample MS measures over an interval)';
    io.stdout.write(formatTable(rows, tree, Date.now(), width, cpuNote).join('\n') + '\n');
  }
  if (filter !== undefined && rows.length === 0) {
    io.stderr.write(`safekill: no process matches "${filter}"\n`);
    return EXIT.failed;
  }
  return EXIT.ok;
}

function columnsFromEnv(text: string | undefined): number | undefined {
  const n = Number(text);
  return Number.isInteger(n) && n >= 20 ? n : undefined;
}

type Nested = ProcessRow & { children: Nested[] };

function nested(node: TreeNode): Nested {
  return { ...node.row, children: node.children.map(nested) };
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n}B`;
  const units = ['K', 'M', 'G', 'T'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v < 10 ? v.toFixed(1) : Math.round(v)}${units[i]}`;
}

/** HH:MM:SS for today, the date otherwise (local time). */
export function formatStarted(startedAt: number, now: number): string {
  if (!startedAt) return '-';
  const d = new Date(startedAt);
  const pad = (n: number) => String(n).padStart(2, '0');
  if (d.toDateString() === new Date(now).toDateString())
    return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** W: a visible window; T: a controlling terminal (console); P: protected. */
export function flags(r: ProcessRow): string {
  return (r.hasWindow ? 'W' : '-') + (r.hasConsole ? 'T' : '-') + (r.protectedReason ? 'P' : '-');
}

/**
 * The readable table: one header, one line per row (indented under its parent with a tree), each
 * cut to `width` when writing to a terminal. Pure, for tests.
 */
export function formatTable(
  rows: readonly ProcessRow[],
  tree: readonly TreeNode[] | undefined,
  now: number,
  width?: number,
  cpuNote?: string,
): string[] {
  const lines = tree
    ? [...walkTree(tree)].map(({ node, depth }) => ({
        row: node.row,
        indent: depth > 0 ? '  '.repeat(depth - 1) + '└ ' : '',
      }))
    : rows.map((row) => ({ row, indent: '' }));
  const userWidth = Math.min(12, Math.max(4, ...rows.map((r) => r.user.length)));
  const head = (cells: string[]) =>
    [
      cells[0]!.padStart(7),
      cells[1]!.padStart(7),
      cells[2]!.slice(0, userWidth).padEnd(userWidth),
      cells[3]!.padEnd(8),
      cells[4]!.padStart(6),
      cells[5]!.padStart(6),
      cells[6]!.padEnd(10),
      cells[7]!,
      cells[8]!,
    ].join(' ');
  const out = [
    ...(cpuNote ? [`# ${cpuNote}`] : []),
    head(['PID', 'PPID', 'USER', 'STATE', 'CPU%', 'MEM', 'STARTED', 'FLG', 'COMMAND']),
  ];
  for (const { row: r, indent } of lines) {
    out.push(
      head([
        String(r.pid),
        String(r.ppid),
        r.user,
        r.state,
        r.cpuPercent.toFixed(1),
        formatBytes(r.rssBytes),
        formatStarted(r.startedAt, now),
        flags(r),
        indent + r.cmdline,
      ]),
    );
  }
  return width ? out.map((l) => cutText(l, width)) : out;
}
