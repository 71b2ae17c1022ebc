import {
  OUTCOME_WORDS,
  countedWords,
  type KillEvent,
  type KillResult,
  type Survivor,
} from '../../src-shared/kill';

export interface Row {
  pid: number;
  name: string;
  strategy?: string;
  graceMs: number;
  remainingMs: number;
  notice?: string;
  /** The question it is asking the user: the countdown is paused. */
  asking?: string;
  result?: KillResult;
}

const BAR = 20;

export function describeResult(r: KillResult): string {
  const how =
    r.signal !== undefined
      ? ` (${r.signal})`
      : r.exitCode !== undefined
        ? ` (exit code ${r.exitCode})`
        : '';
  return `${r.outcome}${how} after ${(r.elapsedMs / 1000).toFixed(1)} s: ${r.reason}`;
}

/** One line per target: a countdown while waiting, the outcome when done. Pure, for tests. */
export function formatRow(row: Row): string {
  const head = `${String(row.pid).padStart(7)} ${row.name.slice(0, 16).padEnd(16)}`;
  if (row.result) return `${head} ${describeResult(row.result)}`;
  if (!row.strategy) return `${head} preparing…`;
  if (row.asking)
    return `${head} ${row.strategy.padEnd(15)} paused: it is asking ${JSON.stringify(row.asking)}; answer it (Ctrl+C leaves it running)`;
  const frac = row.graceMs > 0 ? Math.min(1, Math.max(0, row.remainingMs / row.graceMs)) : 0;
  const filled = Math.round(frac * BAR);
  const bar = '█'.repeat(filled) + '░'.repeat(BAR - filled);
  const note = row.notice ? `  ${row.notice}` : '';
  return `${head} ${row.strategy.padEnd(15)} ${bar} ${(row.remainingMs / 1000).toFixed(1)} s left${note}`;
}

/** What the renderer needs of a terminal: its size, read at each draw (it can be resized). */
export type TerminalOut = Pick<NodeJS.WriteStream, 'write' | 'rows' | 'columns'>;

/**
 * Live countdown lines on a terminal, redrawn in place. Redrawing moves the cursor up over the
 * drawn lines, so they must all be on the screen and none may wrap: each is cut to the width,
 * and when there are more targets than the screen has lines, the finished ones are printed
 * once each as they end, under one status line that is redrawn instead.
 */
export class TerminalRenderer {
  private readonly rows = new Map<number, Row>();
  private drawn = 0;
  private pending: NodeJS.Timeout | undefined;
  /** Closing lines, printed under the countdown rows once they are final. */
  private readonly closing: string[] = [];
  /** More targets than lines: results printed as they come, under a status line. */
  private compact = false;
  private readonly printed = new Set<number>();

  constructor(private readonly out: TerminalOut) {}

  onEvent(e: KillEvent): void {
    if (e.type === 'tree') {
      // Comes before any countdown line is drawn.
      this.out.write(plainLine(e) + '\n');
      return;
    }
    if (e.type === 'survivors' || e.type === 'restarted') {
      this.closing.push(plainLine(e)!);
      return;
    }
    const row = this.rows.get(e.pid) ?? { pid: e.pid, name: '', graceMs: 0, remainingMs: 0 };
    this.rows.set(e.pid, row);
    switch (e.type) {
      case 'plan':
        row.name = e.plan.name;
        break;
      case 'step':
        row.strategy = e.strategy;
        row.graceMs = row.remainingMs = e.graceMs;
        row.notice = row.asking = undefined;
        break;
      case 'tick':
        row.remainingMs = e.remainingMs;
        break;
      case 'supervisor-stop':
        row.notice = `${e.command.join(' ')}: waiting up to ${Math.round(e.timeoutMs / 1000)} s`;
        break;
      case 'notice':
        row.notice = e.message;
        break;
      case 'waiting':
        row.asking = e.question;
        break;
      case 'extended':
        row.notice = `extended: ${e.reason}`;
        row.graceMs = row.remainingMs = e.graceMs;
        break;
      case 'resumed':
        row.asking = undefined;
        row.graceMs = row.remainingMs = e.graceMs;
        break;
      case 'result':
        row.result = e;
        break;
    }
    // Redraw at most once per frame's worth of events.
    this.pending ??= setTimeout(() => {
      this.pending = undefined;
      this.draw(false);
    }, 16);
  }

  /**
   * A line of its own above the countdown (Ctrl+C's notice, written to the same terminal): the
   * line the terminal echoed ^C on is cleared, and the live lines are drawn again under it.
   * Written straight to the terminal, the next redraw moved up over it instead of the live lines.
   */
  note(text: string): void {
    const up = this.drawn > 0 ? `\x1b[${this.drawn}F` : '';
    this.out.write(`\r\x1b[2K${up}\x1b[J${text.endsWith('\n') ? text : `${text}\n`}`);
    this.drawn = 0;
    this.draw(false);
  }

  finish(): void {
    if (this.pending) clearTimeout(this.pending);
    this.pending = undefined;
    this.draw(true);
    for (const line of this.closing.splice(0)) this.out.write(line + '\n');
  }

  private draw(final: boolean): void {
    // One line is left for the cursor under the drawn ones.
    const room = (this.out.rows || Infinity) - 1;
    if (this.rows.size > room) this.compact = true;
    const up = this.drawn > 0 ? `\x1b[${this.drawn}F\x1b[J` : '';
    const all = [...this.rows.values()];
    if (!this.compact) {
      const lines = all.map((r) => this.fit(formatRow(r)));
      this.out.write(up + lines.map((l) => `${l}\n`).join(''));
      this.drawn = lines.length;
      return;
    }
    // Printed once, and never redrawn: these may wrap.
    const ended = all.filter((r) => r.result && !this.printed.has(r.pid));
    for (const r of ended) this.printed.add(r.pid);
    const status = final ? [] : [this.fit(statusLine(all))];
    this.out.write(up + [...ended.map(formatRow), ...status].map((l) => `${l}\n`).join(''));
    this.drawn = status.length;
  }

  /** Cut to the terminal's width, so that a redrawn line never wraps onto a second one. */
  private fit(line: string): string {
    const width = this.out.columns;
    if (!width) return line;
    const chars = [...line];
    return chars.length < width ? line : chars.slice(0, Math.max(1, width - 2)).join('') + '…';
  }
}

/** `  120 of 300 done (100 Closed, 20 Forced); 180 waiting, the next step in 3.2 s`. */
export function statusLine(rows: readonly Row[]): string {
  const done = rows.filter((r) => r.result);
  const waiting = rows.filter((r) => !r.result);
  const parts = [
    `${done.length} of ${rows.length} done${done.length ? ` (${countedWords(done.map((r) => OUTCOME_WORDS[r.result!.outcome]))})` : ''}`,
  ];
  const counting = waiting.filter((r) => r.strategy && !r.asking);
  if (waiting.length) {
    const next = counting.length ? Math.min(...counting.map((r) => r.remainingMs)) : undefined;
    parts.push(
      `${waiting.length} waiting${next !== undefined ? `, the next step in ${(next / 1000).toFixed(1)} s` : ''}`,
    );
  }
  const asking = waiting.filter((r) => r.asking).length;
  if (asking > 0) parts.push(`${asking} asking the user: answer them (Ctrl+C leaves them running)`);
  return `  ${parts.join('; ')}`;
}

/** The last line of a run of several targets: `300 processes: 280 Closed, 20 Forced`. */
export function runSummary(results: readonly KillResult[]): string | undefined {
  if (results.length < 2) return undefined;
  return `${results.length} processes: ${countedWords(results.map((r) => OUTCOME_WORDS[r.outcome]))}`;
}

/** Plain lines, one per event that matters, when stdout is not a terminal and not --json. */
export function plainLine(e: KillEvent): string | undefined {
  switch (e.type) {
    case 'plan':
      return `${e.pid} ${e.plan.name}: ${e.plan.summary}`;
    case 'supervisor-stop':
      return `${e.pid}: ${e.command.join(' ')}, waiting up to ${e.timeoutMs} ms (${e.reason})`;
    case 'step':
      return `${e.pid}: ${e.strategy}, waiting up to ${e.graceMs} ms (${e.reason})`;
    case 'escalated':
      return `${e.pid}: ${e.from} → ${e.to}: ${e.reason}`;
    case 'notice':
      return `${e.pid}: ${e.message}`;
    case 'waiting':
      return `${e.pid}: paused: it is asking the user ${JSON.stringify(e.question)}; waiting for an answer`;
    case 'extended':
      return `${e.pid}: grace extended by ${e.graceMs} ms: ${e.reason}`;
    case 'resumed':
      return `${e.pid}: the question was answered; waiting up to ${e.graceMs} ms again`;
    case 'result':
      return `${e.pid}: ${describeResult(e)}`;
    case 'tree':
      return `ending ${e.order.length} processes under ${e.pid}: ${(e.stages ?? [e.order]).map((g) => g.join(', ')).join(' → ')} (${e.reason})`;
    case 'restarted':
      return `${e.pid}: started again by ${e.by} as PID ${e.newPid}: stop it through its supervisor`;
    case 'survivors':
      return [`${e.pid}: ${e.reason}:`, ...e.survivors.map(survivorLine)].join('\n');
    case 'tick':
      return undefined;
  }
}

/** `  4321 nginx (descendant), holds tcp 127.0.0.1:8080, /run/nginx.pid`. */
export function survivorLine(s: Survivor): string {
  const holds = [...s.ports, ...s.files];
  return `  still running: ${s.pid} ${s.name} (${s.relation})${holds.length ? `, holds ${holds.join(', ')}` : ''}`;
}
